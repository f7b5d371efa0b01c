#include <doctest/doctest.h>

#include "kind_of.hpp"

#include <map>
#include <functional>
#include <string>

#include "avala/error.hpp"
#include "avala/proxy.hpp"

using avala::choose_proxy;
using avala::ErrorKind;
using avala::no_proxy_matches;
using avala::parse_proxy_url;
using avala::ProxySettings;

namespace {

avala::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

bool contains(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

// The host:port of the proxy chosen for a request, or "direct".
std::string via(const ProxySettings& s, std::map<std::string, std::string> env, bool https,
                std::string_view host = "api.avala.ai") {
  auto p = choose_proxy(s, env_of(std::move(env)), https, host);
  return p ? avala::authority(p->host, p->port) : "direct";
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const avala::Error& e) {
    return e.what();
  }
  FAIL("expected an avala::Error");
  return {};
}

}  // namespace

TEST_CASE("a proxy URL gives host, port and percent-decoded credentials") {
  auto p = parse_proxy_url("http://al%40ice:p%3Ass%2Fw0rd@Proxy.Example:3128");
  CHECK(p.host == "proxy.example");
  CHECK(p.port == "3128");
  CHECK(p.user == "al@ice");
  CHECK(p.password == "p:ss/w0rd");

  auto v6 = parse_proxy_url("http://[::1]:8080/");
  CHECK(v6.host == "::1");
  CHECK(avala::authority(v6.host, v6.port) == "[::1]:8080");
  CHECK_FALSE(v6.user.has_value());
  CHECK_FALSE(v6.authorization().has_value());
}

TEST_CASE("a proxy URL without a port uses 1080, and one without a scheme means http, as in curl") {
  CHECK(parse_proxy_url("http://proxy.example").port == "1080");
  auto bare = parse_proxy_url("proxy.example:3128");
  CHECK(bare.host == "proxy.example");
  CHECK(bare.port == "3128");
}

TEST_CASE("only http:// proxies are supported, and bad proxy URLs are configuration errors") {
  for (std::string url : {"https://proxy:443", "socks5://proxy:1080", "http://", "http://proxy:0",
                          "http://proxy:99999", "http://proxy:3128/path", "http://proxy:3128/?q=1",
                          "http://proxy:31\n28"}) {
    CAPTURE(url);
    CHECK(kind_of([&] { parse_proxy_url(url); }) == ErrorKind::config);
  }
  CHECK(contains(message_of([] { parse_proxy_url("socks5://proxy:1080"); }), "only http:// proxies"));
}

TEST_CASE("a proxy password never appears in a redacted URL or an error message") {
  auto p = parse_proxy_url("http://alice:s3cr%2Ft@proxy:3128");
  CHECK(p.redacted() == "http://alice:[redacted]@proxy:3128");
  CHECK_FALSE(contains(p.redacted(), "s3cr"));

  CHECK(parse_proxy_url("http://al%40ice:pw@proxy:3128").redacted() == "http://al%40ice:[redacted]@proxy:3128");
  CHECK(parse_proxy_url("http://bob@proxy:3128").redacted() == "http://bob@proxy:3128");
  CHECK(avala::redact_proxy_url("http://bob:hunter2@proxy:3128") == "http://bob:[redacted]@proxy:3128");
  // Unencoded '/', '#' and '@' in a password still count as password.
  CHECK(avala::redact_proxy_url("http://bob:hun/ter#2@x@proxy:3128") == "http://bob:[redacted]@proxy:3128");
  CHECK(avala::redact_proxy_url("bob:hunter2@proxy:3128") == "bob:[redacted]@proxy:3128");
  CHECK(avala::redact_proxy_url("http://proxy:3128") == "http://proxy:3128");

  for (const char* url : {"https://bob:hunter2@proxy:3128", "http://bob:hunter2@proxy:3128/p",
                          "http://bob:hunter2@proxy:bad", "http://bob:hunter2@"}) {
    CAPTURE(url);
    auto msg = message_of([&] { parse_proxy_url(url); });
    CHECK_FALSE(contains(msg, "hunter2"));
    CHECK(contains(msg, "[redacted]"));
  }
}

TEST_CASE("the Proxy-Authorization value is Basic base64(user:password) of the decoded credentials") {
  CHECK(parse_proxy_url("http://Aladdin:open%20sesame@proxy:3128").authorization() ==
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  CHECK(parse_proxy_url("http://user@proxy:3128").authorization() == "Basic dXNlcjo=");
}

TEST_CASE("an explicit proxy wins over the environment, and an empty one disables proxies") {
  std::map<std::string, std::string> env{{"https_proxy", "http://env:1"}, {"http_proxy", "http://env:2"}};
  ProxySettings explicit_proxy;
  explicit_proxy.proxy = "http://explicit:9";
  CHECK(via(explicit_proxy, env, true) == "explicit:9");
  CHECK(via(explicit_proxy, env, false) == "explicit:9");
  CHECK(via({}, env, true) == "env:1");

  ProxySettings none;
  none.proxy = "";
  CHECK(via(none, env, true) == "direct");
}

TEST_CASE("use_env=false ignores every proxy variable, NO_PROXY included") {
  ProxySettings s;
  s.use_env = false;
  CHECK(via(s, {{"https_proxy", "http://env:1"}, {"ALL_PROXY", "http://env:3"}}, true) == "direct");
  s.proxy = "http://explicit:9";
  CHECK(via(s, {{"NO_PROXY", "*"}}, true) == "explicit:9");
}

TEST_CASE("https uses https_proxy, then HTTPS_PROXY, then all_proxy, then ALL_PROXY; lower case wins") {
  CHECK(via({}, {{"https_proxy", "http://lower:1"}, {"HTTPS_PROXY", "http://upper:2"}}, true) == "lower:1");
  CHECK(via({}, {{"HTTPS_PROXY", "http://upper:2"}, {"all_proxy", "http://all:3"}}, true) == "upper:2");
  CHECK(via({}, {{"all_proxy", "http://all:3"}, {"ALL_PROXY", "http://ALL:4"}}, true) == "all:3");
  CHECK(via({}, {{"ALL_PROXY", "http://ALL:4"}}, true) == "all:4");
  CHECK(via({}, {{"http_proxy", "http://plain:5"}}, true) == "direct");  // not for https
  CHECK(via({}, {}, true) == "direct");
}

TEST_CASE("http uses http_proxy, never upper-case HTTP_PROXY (curl's httpoxy rule), then all_proxy") {
  CHECK(via({}, {{"http_proxy", "http://lower:1"}}, false) == "lower:1");
  CHECK(via({}, {{"HTTP_PROXY", "http://upper:2"}}, false) == "direct");
  CHECK(via({}, {{"HTTP_PROXY", "http://upper:2"}, {"ALL_PROXY", "http://all:3"}}, false) == "all:3");
  CHECK(via({}, {{"https_proxy", "http://tls:4"}}, false) == "direct");  // not for http
}

TEST_CASE("an empty proxy variable counts as unset, NO_PROXY too") {
  CHECK(via({}, {{"https_proxy", ""}, {"HTTPS_PROXY", "http://upper:2"}}, true) == "upper:2");
  CHECK(via({}, {{"https_proxy", "  "}}, true) == "direct");
  CHECK(via({}, {{"https_proxy", "http://p:1"}, {"no_proxy", ""}, {"NO_PROXY", "*"}}, true) == "direct");
}

TEST_CASE("an invalid proxy in the environment is a configuration error, unless NO_PROXY bypasses it") {
  CHECK(kind_of([] { choose_proxy({}, env_of({{"https_proxy", "socks5://x:1"}}), true, "api.avala.ai"); }) ==
        ErrorKind::config);
  CHECK(via({}, {{"https_proxy", "socks5://x:1"}, {"NO_PROXY", "avala.ai"}}, true) == "direct");
}

TEST_CASE("NO_PROXY applies to environment and explicit proxies; no_proxy wins over NO_PROXY") {
  std::map<std::string, std::string> env{{"https_proxy", "http://env:1"}, {"NO_PROXY", "avala.ai"}};
  CHECK(via({}, env, true) == "direct");
  ProxySettings explicit_proxy;
  explicit_proxy.proxy = "http://explicit:9";
  CHECK(via(explicit_proxy, env, true) == "direct");
  CHECK(via({}, {{"https_proxy", "http://env:1"}, {"no_proxy", "other.example"}, {"NO_PROXY", "avala.ai"}},
            true) == "env:1");
  ProxySettings own_list;
  own_list.no_proxy = "other.example";
  CHECK(via(own_list, env, true) == "env:1");  // the explicit list replaces the environment's
}

TEST_CASE("NO_PROXY: * matches every host, and entries are comma-separated and trimmed") {
  CHECK(no_proxy_matches("*", "anything.example"));
  CHECK(no_proxy_matches("*", "10.1.2.3"));
  CHECK(no_proxy_matches(" foo.example , * ", "anything.example"));
  CHECK(no_proxy_matches("foo.example,  api.avala.ai  ,bar", "api.avala.ai"));
  CHECK_FALSE(no_proxy_matches("", "api.avala.ai"));
  CHECK_FALSE(no_proxy_matches(",,", "api.avala.ai"));
}

TEST_CASE("NO_PROXY: a name matches itself and its subdomains, with or without a leading dot or *.") {
  for (const char* entry : {"avala.ai", ".avala.ai", "*.avala.ai", "AVALA.AI", "avala.ai."}) {
    CAPTURE(entry);
    CHECK(no_proxy_matches(entry, "avala.ai"));
    CHECK(no_proxy_matches(entry, "api.avala.ai"));
    CHECK(no_proxy_matches(entry, "Deep.API.avala.ai."));
    CHECK_FALSE(no_proxy_matches(entry, "notavala.ai"));
    CHECK_FALSE(no_proxy_matches(entry, "avala.ai.evil.example"));
  }
  CHECK_FALSE(no_proxy_matches("api.avala.ai", "avala.ai"));
  CHECK_FALSE(no_proxy_matches(".", "avala.ai"));
}

TEST_CASE("NO_PROXY: a port on an entry is ignored") {
  CHECK(no_proxy_matches("api.avala.ai:8443", "api.avala.ai"));
  CHECK(no_proxy_matches("127.0.0.1:8080", "127.0.0.1"));
  CHECK(no_proxy_matches("[::1]:8080", "::1"));
}

TEST_CASE("NO_PROXY: IPv4 and IPv6 literals, bracketed or not, match the same address only") {
  CHECK(no_proxy_matches("127.0.0.1", "127.0.0.1"));
  CHECK_FALSE(no_proxy_matches("127.0.0.1", "127.0.0.2"));
  CHECK(no_proxy_matches("::1", "::1"));
  CHECK(no_proxy_matches("::1", "[::1]"));
  CHECK(no_proxy_matches("[::1]", "::1"));
  CHECK(no_proxy_matches("0:0:0:0:0:0:0:1", "::1"));  // compared as addresses, not text
  CHECK(no_proxy_matches("fe80::1", "FE80::1"));
  CHECK_FALSE(no_proxy_matches("::1", "::2"));
  CHECK_FALSE(no_proxy_matches("127.0.0.1", "::1"));  // no cross-family matching
}

TEST_CASE("NO_PROXY: CIDR ranges match addresses inside them") {
  CHECK(no_proxy_matches("10.0.0.0/8", "10.200.3.4"));
  CHECK_FALSE(no_proxy_matches("10.0.0.0/8", "11.0.0.1"));
  CHECK(no_proxy_matches("192.168.1.0/25", "192.168.1.127"));
  CHECK_FALSE(no_proxy_matches("192.168.1.0/25", "192.168.1.128"));
  CHECK(no_proxy_matches("0.0.0.0/0", "8.8.8.8"));
  CHECK(no_proxy_matches("::1/128", "::1"));
  CHECK_FALSE(no_proxy_matches("::1/128", "::2"));
  CHECK(no_proxy_matches("fd00::/8", "[fd12:3456::1]"));
  CHECK(no_proxy_matches("[fd00::]/8", "fd12::1"));
  CHECK_FALSE(no_proxy_matches("fd00::/8", "fe80::1"));
  CHECK_FALSE(no_proxy_matches("10.0.0.0/8", "ten.example"));  // names are never resolved
}

TEST_CASE("NO_PROXY: malformed entries match nothing and do not hide the others") {
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/x", "::1/129", "not-an-ip/8", "10.0.0.0/"}) {
    CAPTURE(bad);
    CHECK_FALSE(no_proxy_matches(bad, "10.0.0.1"));
    CHECK(no_proxy_matches(std::string(bad) + ",10.0.0.1", "10.0.0.1"));
  }
}

TEST_CASE("loopback is not bypassed implicitly, as in curl and httpx; NO_PROXY can say so") {
  std::map<std::string, std::string> env{{"http_proxy", "http://proxy:3128"}, {"https_proxy", "http://proxy:3128"}};
  for (const char* host : {"localhost", "127.0.0.1", "::1"}) {
    CAPTURE(host);
    CHECK(via({}, env, false, host) == "proxy:3128");
  }
  env["NO_PROXY"] = "localhost,127.0.0.1,::1";
  for (const char* host : {"localhost", "127.0.0.1", "[::1]"}) {
    CAPTURE(host);
    CHECK(via({}, env, false, host) == "direct");
  }
  CHECK_FALSE(no_proxy_matches("localhost", "127.0.0.1"));  // names are never resolved
}

TEST_CASE("a CONNECT request names the origin, and carries credentials only when the proxy has them") {
  auto plain = parse_proxy_url("http://proxy:3128");
  CHECK(avala::connect_request(plain, "api.avala.ai", "443", "avala-cpp/1") ==
        "CONNECT api.avala.ai:443 HTTP/1.1\r\nHost: api.avala.ai:443\r\nUser-Agent: avala-cpp/1\r\n\r\n");
  CHECK(avala::connect_request(plain, "::1", "8443", "") == "CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n");
  auto authed = parse_proxy_url("http://u:p@proxy:3128");
  CHECK(contains(avala::connect_request(authed, "h", "443", ""), "\r\nProxy-Authorization: Basic dTpw\r\n"));
  CHECK(avala::absolute_target("127.0.0.1:8080", "/api/v1/projects?limit=1") ==
        "http://127.0.0.1:8080/api/v1/projects?limit=1");
}

TEST_CASE("a 407 or a refused CONNECT is its own proxy error naming the proxy without its password") {
  auto authed = parse_proxy_url("http://alice:hunter2@proxy:3128");
  auto anon = parse_proxy_url("http://proxy:3128");
  avala::check_proxy_answer(anon, 200, "Connection established", true);  // no throw
  avala::check_proxy_answer(anon, 404, "Not Found", false);               // the origin's answer
  try {
    avala::check_proxy_answer(authed, 407, "Proxy Authentication Required", true);
    FAIL("no error");
  } catch (const avala::Error& e) {
    CHECK(e.kind() == ErrorKind::proxy);
    CHECK(e.http_status() == 407);
    CHECK(contains(e.what(), "proxy http://alice:[redacted]@proxy:3128 rejected the proxy credentials"));
    CHECK_FALSE(contains(e.what(), "hunter2"));
  }
  CHECK(contains(message_of([&] { avala::check_proxy_answer(anon, 407, "Auth", false); }),
                 "requires credentials (none were given)"));
  // tinyproxy's answer to wrong credentials, on CONNECT.
  CHECK(contains(message_of([&] { avala::check_proxy_answer(authed, 401, "Unauthorized", true); }),
                 "rejected the proxy credentials: HTTP 401 Unauthorized"));
  try {
    avala::check_proxy_answer(anon, 403, "Forbidden\r\nX-Injected: 1", true);
    FAIL("no error");
  } catch (const avala::Error& e) {
    CHECK(e.http_status() == 403);
    CHECK(contains(e.what(), "refused the CONNECT tunnel: HTTP 403 Forbidden??X-Injected: 1"));
  }
}
