#include "avala/url.hpp"

#include <boost/url.hpp>
#include <algorithm>
#include <cctype>

#include "avala/error.hpp"

namespace avala {

namespace urls = boost::urls;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string default_port(std::string_view scheme) { return scheme == "https" ? "443" : "80"; }

struct Origin {
  std::string scheme, host, port;
  bool operator==(const Origin&) const = default;
};

Origin origin_of(const urls::url_view& u) {
  std::string scheme = lower(u.scheme());
  std::string port = u.has_port() && !u.port().empty() ? std::string(u.port()) : default_port(scheme);
  return {scheme, lower(u.host_address()), port};
}

}  // namespace

bool is_truthy(std::string_view value) noexcept {
  std::string v = lower(value);
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

bool has_control_chars(std::string_view text) noexcept {
  return std::any_of(text.begin(), text.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7f;
  });
}

BaseUrl parse_base_url(std::string_view text, bool allow_insecure) {
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  if (has_control_chars(text)) throw Error(ErrorKind::config, "base URL contains control characters");
  auto parsed = urls::parse_absolute_uri(text);
  if (!parsed) throw Error(ErrorKind::config, "base URL '" + std::string(text) + "' is not an absolute URL");
  const urls::url_view& u = *parsed;
  std::string scheme = lower(u.scheme());
  if (scheme != "https" && scheme != "http") {
    throw Error(ErrorKind::config, "base URL scheme must be https, not '" + scheme + "'");
  }
  if (u.has_userinfo()) throw Error(ErrorKind::config, "base URL must not contain credentials");
  if (u.has_query() || u.has_fragment()) {
    throw Error(ErrorKind::config, "base URL must not have a query or fragment");
  }
  std::string host = lower(u.host_address());
  if (host.empty()) throw Error(ErrorKind::config, "base URL has no host");
  if (scheme == "http") {
    bool local = host == "localhost" || host == "127.0.0.1" || host == "::1";
    if (!allow_insecure || !local) {
      throw Error(ErrorKind::config,
                  "base URL must use https; http is allowed only for localhost, 127.0.0.1 or ::1 "
                  "when AVALA_ALLOW_INSECURE_BASE_URL is set");
    }
  }
  BaseUrl b;
  b.url = std::string(text);
  b.tls = scheme == "https";
  b.host = host;
  b.port = u.has_port() && !u.port().empty() ? std::string(u.port()) : default_port(scheme);
  b.host_header = lower(u.encoded_host_and_port());
  b.path = std::string(u.encoded_path());
  while (!b.path.empty() && b.path.back() == '/') b.path.pop_back();
  return b;
}

void check_path_segment(std::string_view s, std::string_view what) {
  auto refuse = [&](std::string_view why) {
    throw Error(ErrorKind::invalid_argument, std::string(what) + " " + std::string(why));
  };
  if (s.empty()) refuse("must not be empty");
  if (s == "." || s == "..") refuse("must not be '.' or '..'");
  if (has_control_chars(s)) refuse("must not contain control characters");
  if (s.find('/') != std::string_view::npos || s.find('\\') != std::string_view::npos) {
    refuse("must not contain '/' or '\\'");
  }
  std::string l = lower(s);
  for (std::string_view enc : {"%2e", "%2f", "%5c", "%00"}) {
    if (l.find(enc) != std::string::npos) refuse("must not contain an encoded '.', '/' or '\\'");
  }
}

std::string same_origin_target(const BaseUrl& base, std::string_view link) {
  auto parsed = urls::parse_absolute_uri(link);
  if (!parsed) {
    // A relative link ("/api/v1/...?cursor=") is same-origin by construction.
    auto rel = urls::parse_origin_form(link);
    if (rel) return std::string(rel->encoded_target());
    throw Error(ErrorKind::decode, "pagination link is not a URL");
  }
  Origin want{base.tls ? "https" : "http", base.host, base.port};
  if (!(origin_of(*parsed) == want)) {
    throw Error(ErrorKind::cross_origin,
                "pagination link points to " + lower(parsed->scheme()) + "://" +
                    lower(parsed->encoded_host_and_port()) +
                    ", not the configured host; refusing to send the API key there");
  }
  std::string target(parsed->encoded_target());
  if (target.empty()) return "/";
  // Boost.URL 1.81 accepts "http://host:8080junk" as port 8080 + path "junk"
  // (found by fuzz_cursor); such a target is not ours to send.
  if (target[0] != '/' && target[0] != '?') throw Error(ErrorKind::decode, "pagination link is not a valid URL");
  return target[0] == '?' ? "/" + target : target;
}

std::optional<std::string> cursor_from_link(std::string_view link) {
  auto parsed = urls::parse_uri_reference(link);
  // An empty query ("...?#frag") makes Boost.URL 1.81's params().find read
  // past its buffer (found by fuzz_page under ASan): never iterate one.
  if (!parsed || parsed->encoded_query().empty()) return std::nullopt;
  auto params = parsed->params();
  for (std::string_view key : {"cursor", "page"}) {
    auto it = params.find(key);
    if (it != params.end() && (*it).has_value) return std::string((*it).value);
  }
  return std::nullopt;
}

void check_relative_target(std::string_view t) {
  auto refuse = [&](std::string_view why) {
    throw Error(ErrorKind::invalid_argument, "request path " + std::string(why));
  };
  if (t.empty() || t.front() != '/') refuse("must start with '/'");
  if (t.size() > 1 && t[1] == '/') refuse("must not start with '//'");
  if (has_control_chars(t)) refuse("must not contain control characters");
  if (t.find('\\') != std::string_view::npos) refuse("must not contain '\\'");
  auto parsed = urls::parse_origin_form(t);
  if (!parsed) refuse("is not a valid path and query");
  for (auto seg : parsed->segments()) {
    if (seg == "." || seg == "..") refuse("must not contain '.' or '..' segments");
  }
  std::string l = lower(parsed->encoded_path());
  if (l.find("%2e") != std::string::npos || l.find("%2f") != std::string::npos ||
      l.find("%5c") != std::string::npos) {
    refuse("must not contain encoded '.', '/' or '\\'");
  }
}

}  // namespace avala
