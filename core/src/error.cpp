#include "avala/error.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <ctime>

#include "avala/redact.hpp"

namespace avala {

namespace json = boost::json;

std::string_view to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::invalid_argument: return "invalid_argument";
    case ErrorKind::config: return "config";
    case ErrorKind::authentication: return "authentication";
    case ErrorKind::forbidden: return "forbidden";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::validation: return "validation";
    case ErrorKind::rate_limited: return "rate_limited";
    case ErrorKind::server: return "server";
    case ErrorKind::api: return "api";
    case ErrorKind::redirect: return "redirect";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::network: return "network";
    case ErrorKind::tls: return "tls";
    case ErrorKind::decode: return "decode";
    case ErrorKind::cross_origin: return "cross_origin";
    case ErrorKind::cancelled: return "cancelled";
    case ErrorKind::internal: return "internal";
    case ErrorKind::proxy: return "proxy";
  }
  return "internal";
}

Error::Error(ErrorKind kind, std::string message, int http_status, std::string body,
             std::optional<double> retry_after)
    : std::runtime_error(std::move(message)),
      kind_(kind),
      http_status_(http_status),
      body_(std::move(body)),
      retry_after_(retry_after) {}

ErrorKind kind_for_status(int status) noexcept {
  if (status >= 300 && status < 400) return ErrorKind::redirect;
  switch (status) {
    case 400:
    case 422: return ErrorKind::validation;
    case 401: return ErrorKind::authentication;
    case 403: return ErrorKind::forbidden;
    case 404: return ErrorKind::not_found;
    case 429: return ErrorKind::rate_limited;
    default: return status >= 500 ? ErrorKind::server : ErrorKind::api;
  }
}

namespace {

// "msg" for a string, "m1, m2" for a list of strings, compact JSON otherwise.
std::string flatten(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v.get_array()) {
      if (!out.empty()) out += ", ";
      out += flatten(item);
    }
    return out;
  }
  return json::serialize(v);
}

}  // namespace

std::string message_from_body(int status, std::string_view body) {
  std::string fallback = "HTTP " + std::to_string(status);
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return fallback;
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (auto* d = o.if_contains("detail"); d && d->is_string() && !d->get_string().empty()) {
      return std::string(d->get_string());
    }
    if (auto* e = o.if_contains("error"); e && e->is_object()) {
      if (auto* m = e->get_object().if_contains("message"); m && m->is_string()) {
        return std::string(m->get_string());
      }
    }
    std::string fields;
    for (const auto& [k, val] : o) {
      if (!val.is_array() && !val.is_string()) continue;
      if (!fields.empty()) fields += "; ";
      fields += std::string(k) + ": " + flatten(val);
    }
    if (!fields.empty()) return fields;
    if (auto* d = o.if_contains("detail"); d && !d->is_null()) return flatten(*d);
  } else if (v.is_array() && !v.get_array().empty()) {
    return flatten(v);
  }
  return fallback;
}

std::optional<double> parse_retry_after(std::string_view value, double now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  double seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && ptr == value.data() + value.size()) {
    if (seconds < 0 || seconds != seconds) return std::nullopt;
    return seconds;
  }
  // HTTP-date, IMF-fixdate form: "Wed, 21 Oct 2015 07:28:00 GMT".
  std::tm tm{};
  std::string s(value);
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  double when = static_cast<double>(timegm(&tm));
  return when > now ? when - now : 0.0;
}

Error error_from_response(int status, std::string_view body, std::string_view retry_after_header,
                          std::string_view location_header, std::string_view secret) {
  ErrorKind kind = kind_for_status(status);
  std::string message;
  if (kind == ErrorKind::redirect) {
    message = "the server answered HTTP " + std::to_string(status) + " (a redirect";
    if (!location_header.empty()) message += " to " + std::string(location_header);
    message += "); redirects are not followed so the API key never leaves the configured host";
  } else {
    message = message_from_body(status, body);
  }
  std::optional<double> retry_after;
  if (status == 429 || status == 503) {
    retry_after = parse_retry_after(retry_after_header, static_cast<double>(std::time(nullptr)));
  }
  return Error(kind, redact_text(message, secret), status, redact_body(body, secret), retry_after);
}

}  // namespace avala
