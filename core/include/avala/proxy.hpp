// Proxies: which proxy (if any) a request goes through, with the conventions
// of curl (and httpx where curl is silent), and the bytes a proxy needs.
//
// Rules, in order (choose_proxy):
//  * An explicit ProxySettings::proxy wins over the environment; an empty one
//    means "no proxy", as curl's CURLOPT_PROXY "" does.
//  * Otherwise, unless use_env is false, the environment: for https,
//    https_proxy, then HTTPS_PROXY; for http, http_proxy only (curl ignores
//    upper-case HTTP_PROXY, which a CGI server sets from the client's
//    "Proxy:" header — "httpoxy"); then all_proxy, then ALL_PROXY. The
//    lower-case name wins; an empty value counts as unset.
//  * The NO_PROXY list (ProxySettings::no_proxy, else no_proxy, else NO_PROXY,
//    an empty variable counting as unset; none when use_env is false) is applied to the proxy chosen either way,
//    as curl does. Entries are comma-separated and trimmed: `*` (every host);
//    a name, which matches itself and its subdomains (`example.com` and
//    `.example.com` and `*.example.com` all match `api.example.com` and
//    `example.com`, never `notexample.com`); an IPv4 or IPv6 literal, bracketed
//    or not; a CIDR range (`10.0.0.0/8`, `::1/128`). A `:port` suffix on an
//    entry is ignored: the entry applies to every port. Names are never
//    resolved: `localhost` does not match 127.0.0.1. Malformed entries match
//    nothing.
//  * Loopback is NOT bypassed implicitly (neither curl nor httpx does): a
//    request to localhost or 127.0.0.1 goes through the proxy unless NO_PROXY
//    says otherwise, e.g. NO_PROXY=localhost,127.0.0.1,::1.
//
// Proxy URLs: scheme http:// only for now (https:// and socks proxies are
// refused with Error(config)); no scheme means http://, as in curl; the port
// defaults to 1080, curl's default for http proxies; userinfo is
// percent-decoded into user and password and sent as Basic
// Proxy-Authorization. The password never appears in a message: use
// redacted().
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "avala/client.hpp"        // EnvLookup
#include "avala/proxy_config.hpp"  // ProxyConfig, ProxySettings

namespace avala {

// Parses a proxy URL; throws Error(config) with a message that never shows
// the password.
ProxyConfig parse_proxy_url(std::string_view url);

// `text` (a proxy URL, parseable or not) with any password replaced.
std::string redact_proxy_url(std::string_view text);

// The proxy for a request to `host` (a name or IP literal, brackets allowed)
// over https or http, or nullopt for a direct connection. Throws
// Error(config) when the chosen proxy URL is invalid.
std::optional<ProxyConfig> choose_proxy(const ProxySettings& settings, const EnvLookup& env,
                                        bool https, std::string_view host);

// Whether `host` matches the NO_PROXY list `no_proxy` (rules above).
bool no_proxy_matches(std::string_view no_proxy, std::string_view host);

// --- What the transport sends and checks ----------------------------------

// "host:port", IPv6 in brackets: the CONNECT target and its Host header.
std::string authority(std::string_view host, std::string_view port);

// The complete CONNECT request for a tunnel to host:port (TLS to the origin
// then runs inside the tunnel), with Proxy-Authorization when the proxy has
// credentials.
std::string connect_request(const ProxyConfig& proxy, std::string_view host, std::string_view port,
                            std::string_view user_agent);

// Checks the proxy's own answer. For a CONNECT (`tunnel`), anything but 2xx
// throws; for a plain-http request sent through the proxy, only 407 does
// (other statuses are the origin's). The Error is kind network with the
// proxy's status, names the proxy (redacted) and says whether it wants
// credentials (407; or 401 to a CONNECT with credentials, which is how
// tinyproxy 1.11 rejects wrong ones) or refused the tunnel. It is not a TransportError, so the
// retry loop does not retry it.
void check_proxy_answer(const ProxyConfig& proxy, unsigned status, std::string_view reason,
                        bool tunnel);

// The absolute-form request target for plain http through a proxy:
// "http://" + host_header + target.
std::string absolute_target(std::string_view host_header, std::string_view target);

}  // namespace avala
