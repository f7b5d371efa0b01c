#include "avala/proxy.hpp"

#include <openssl/evp.h>

#include <boost/url.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

#include "avala/error.hpp"
#include "avala/redact.hpp"
#include "avala/url.hpp"  // has_control_chars

namespace avala {

namespace urls = boost::urls;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// An IP address as 4 or 16 bytes, or nothing when `s` is not an IP literal.
struct Ip {
  std::array<unsigned char, 16> bytes{};
  unsigned bits = 0;  // 32 or 128
};

std::optional<Ip> parse_ip(std::string_view s) {
  Ip ip;
  if (auto v4 = urls::parse_ipv4_address(s)) {
    auto b = v4->to_bytes();
    std::copy(b.begin(), b.end(), ip.bytes.begin());
    ip.bits = 32;
    return ip;
  }
  if (auto v6 = urls::parse_ipv6_address(s)) {
    ip.bytes = v6->to_bytes();
    ip.bits = 128;
    return ip;
  }
  return std::nullopt;
}

bool same_prefix(const Ip& a, const Ip& b, unsigned prefix) {
  if (a.bits != b.bits || prefix > a.bits) return false;
  unsigned whole = prefix / 8, rest = prefix % 8;
  if (!std::equal(a.bytes.begin(), a.bytes.begin() + whole, b.bytes.begin())) return false;
  if (rest == 0) return true;
  auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

// A host or NO_PROXY entry without brackets, trailing dot or (when `strip_port`)
// a ":port" suffix, lower-cased. An unbracketed IPv6 literal keeps its colons.
std::string normalise_host(std::string_view s, bool strip_port) {
  if (s.starts_with('[')) {
    auto close = s.find(']');
    s = close == std::string_view::npos ? s.substr(1) : s.substr(1, close - 1);
  } else if (strip_port) {
    auto colon = s.find(':');
    if (colon != std::string_view::npos && s.find(':', colon + 1) == std::string_view::npos) {
      s = s.substr(0, colon);  // exactly one ':' : name:port or v4:port
    }
  }
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return lower(s);
}

bool entry_matches(std::string_view raw, const std::string& host, const std::optional<Ip>& host_ip) {
  std::string_view entry = trim(raw);
  if (entry.empty()) return false;
  if (entry == "*") return true;
  // CIDR: address/prefix (the address may be bracketed).
  if (auto slash = entry.rfind('/'); slash != std::string_view::npos) {
    std::string addr = normalise_host(entry.substr(0, slash), false);
    std::string_view digits = entry.substr(slash + 1);
    unsigned prefix = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    auto net = parse_ip(addr);
    if (ec != std::errc{} || p != digits.data() + digits.size() || !net || prefix > net->bits) return false;
    return host_ip && same_prefix(*net, *host_ip, prefix);
  }
  std::string name = normalise_host(entry, true);
  if (auto ip = parse_ip(name)) return host_ip && same_prefix(*ip, *host_ip, ip->bits);
  if (host_ip) return false;  // a name never matches an IP literal: nothing is resolved
  if (name.starts_with("*.")) name.erase(0, 2);
  else if (name.starts_with('.')) name.erase(0, 1);
  if (name.empty()) return false;
  if (host == name) return true;
  return host.size() > name.size() && host.ends_with(name) && host[host.size() - name.size() - 1] == '.';
}

std::optional<std::string> non_empty(const EnvLookup& env, std::string_view name) {
  auto v = env(name);
  if (v && trim(*v).empty()) return std::nullopt;
  return v;
}

// Printable ASCII only, at most 200 characters: a proxy's reason phrase is
// untrusted text that goes into our message.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 200)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

}  // namespace

std::string redact_proxy_url(std::string_view text) {
  // The userinfo ends at the last '@' (a password may hold an unencoded '/',
  // '#' or '@'), and the password starts after its first ':'.
  auto start = text.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  auto at = text.rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(text);
  auto colon = text.substr(start, at - start).find(':');
  if (colon == std::string_view::npos) return std::string(text);
  return std::string(text.substr(0, start + colon + 1)) + std::string(kRedacted) + std::string(text.substr(at));
}

// Built with += throughout: GCC 12 at -O3 warns (-Wrestrict, a false
// positive) on "literal" + std::string temporaries.
std::string authority(std::string_view host, std::string_view port) {
  bool v6 = host.find(':') != std::string_view::npos;
  std::string out;
  if (v6) out += '[';
  out += host;
  if (v6) out += ']';
  out += ':';
  out += port;
  return out;
}

std::string ProxyConfig::redacted() const {
  std::string out = "http://";
  if (user) {
    // The user as it would appear in a URL (':' and '@' encoded).
    out += urls::encode(*user, urls::unreserved_chars + urls::sub_delim_chars);
    if (password) {
      out += ':';
      out += kRedacted;
    }
    out += '@';
  }
  out += authority(host, port);
  return out;
}

std::optional<std::string> ProxyConfig::authorization() const {
  if (!user) return std::nullopt;
  std::string plain = *user + ":" + password.value_or("");
  std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                          reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
  encoded.resize(static_cast<std::size_t>(n));
  return "Basic " + encoded;
}

ProxyConfig parse_proxy_url(std::string_view text) {
  text = trim(text);
  auto fail = [&](std::string_view why) -> Error {
    return Error(ErrorKind::config, "proxy URL '" + redact_proxy_url(text) + "' " + std::string(why));
  };
  if (has_control_chars(text)) throw Error(ErrorKind::config, "proxy URL contains control characters");
  std::string full = text.find("://") == std::string_view::npos ? "http://" + std::string(text) : std::string(text);
  auto parsed = urls::parse_absolute_uri(full);
  if (!parsed) throw fail("is not a valid URL");
  const urls::url_view& u = *parsed;
  std::string scheme = lower(u.scheme());
  if (scheme != "http") throw fail("has scheme '" + scheme + "'; only http:// proxies are supported");
  if (u.has_query() || u.has_fragment() || (!u.encoded_path().empty() && u.encoded_path() != "/")) {
    throw fail("must not have a path, query or fragment");
  }
  ProxyConfig p;
  p.host = lower(u.host_address());
  if (p.host.empty()) throw fail("has no host");
  if (u.has_port()) {
    std::string_view digits = u.port();
    unsigned port = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      throw fail("has an invalid port");
    }
    p.port = std::to_string(port);
  } else {
    p.port = std::string(kDefaultProxyPort);
  }
  if (u.has_userinfo()) {
    if (!u.user().empty() || u.has_password()) p.user = u.user();
    if (u.has_password()) p.password = u.password();
    if (has_control_chars(p.user.value_or("")) || has_control_chars(p.password.value_or(""))) {
      throw fail("has control characters in its credentials");
    }
  }
  return p;
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host_text) {
  std::string host = normalise_host(trim(host_text), false);
  if (host.empty()) return false;
  auto host_ip = parse_ip(host);
  while (true) {
    auto comma = no_proxy.find(',');
    if (entry_matches(no_proxy.substr(0, comma), host, host_ip)) return true;
    if (comma == std::string_view::npos) return false;
    no_proxy.remove_prefix(comma + 1);
  }
}

std::optional<ProxyConfig> choose_proxy(const ProxySettings& s, const EnvLookup& env, bool https,
                                        std::string_view host) {
  std::optional<std::string> url = s.proxy;
  if (!url && s.use_env) {
    url = https ? non_empty(env, "https_proxy") : non_empty(env, "http_proxy");
    if (!url && https) url = non_empty(env, "HTTPS_PROXY");
    if (!url) url = non_empty(env, "all_proxy");
    if (!url) url = non_empty(env, "ALL_PROXY");
  }
  if (!url || trim(*url).empty()) return std::nullopt;
  std::optional<std::string> no_proxy = s.no_proxy;
  if (!no_proxy && s.use_env) {
    no_proxy = non_empty(env, "no_proxy");
    if (!no_proxy) no_proxy = non_empty(env, "NO_PROXY");
  }
  if (no_proxy && no_proxy_matches(*no_proxy, host)) return std::nullopt;
  return parse_proxy_url(*url);
}

std::string connect_request(const ProxyConfig& proxy, std::string_view host, std::string_view port,
                            std::string_view user_agent) {
  std::string target = authority(host, port);
  std::string out = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n";
  if (!user_agent.empty()) out += "User-Agent: " + std::string(user_agent) + "\r\n";
  if (auto auth = proxy.authorization()) out += "Proxy-Authorization: " + *auth + "\r\n";
  return out + "\r\n";
}

void check_proxy_answer(const ProxyConfig& proxy, unsigned status, std::string_view reason, bool tunnel) {
  // tinyproxy 1.11 answers wrong credentials with 401, CONNECT included.
  if (status == 407 || (tunnel && status == 401 && proxy.user)) {
    std::string why = proxy.user ? "rejected the proxy credentials" : "requires credentials (none were given)";
    throw Error(ErrorKind::proxy,
                "proxy " + proxy.redacted() + " " + why + ": HTTP " + std::to_string(status) + " " + printable(reason),
                static_cast<int>(status));
  }
  if (tunnel && (status < 200 || status > 299)) {
    throw Error(ErrorKind::proxy,
                "proxy " + proxy.redacted() + " refused the CONNECT tunnel: HTTP " + std::to_string(status) +
                    " " + printable(reason),
                static_cast<int>(status));
  }
}

std::string absolute_target(std::string_view host_header, std::string_view target) {
  return "http://" + std::string(host_header) + std::string(target);
}

}  // namespace avala
