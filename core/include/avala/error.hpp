// Errors: one mapping from an HTTP status and body to an error kind, message,
// redacted body and retry_after.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace avala {

enum class ErrorKind {
  invalid_argument,
  config,
  authentication,
  forbidden,
  not_found,
  validation,
  rate_limited,
  server,
  api,
  redirect,
  timeout,
  network,
  tls,
  decode,
  cross_origin,
  cancelled,  // a caller's callback asked to stop
  internal,
  proxy,      // the proxy refused (407, a refused CONNECT): not the API's answer
};

// Stable lower-case name, e.g. "not_found".
std::string_view to_string(ErrorKind kind) noexcept;

// Every failure the core reports. The message and body are already redacted.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, int http_status = 0, std::string body = {},
        std::optional<double> retry_after = std::nullopt);

  ErrorKind kind() const noexcept { return kind_; }
  int http_status() const noexcept { return http_status_; }
  const std::string& body() const noexcept { return body_; }
  std::optional<double> retry_after() const noexcept { return retry_after_; }
  int attempts() const noexcept { return attempts_; }
  void set_attempts(int n) noexcept { attempts_ = n; }

 private:
  ErrorKind kind_;
  int http_status_;
  std::string body_;
  std::optional<double> retry_after_;
  int attempts_ = 0;
};

// The kind for an HTTP status >= 300 (3xx: redirect).
ErrorKind kind_for_status(int status) noexcept;

// The contract's message rule: `detail` when a string; else `error.message`;
// else field errors "field: m1, m2; other: m"; else "HTTP <status>".
std::string message_from_body(int status, std::string_view body);

// Seconds from a Retry-After value (delta-seconds or an HTTP date); nullopt if
// absent or unparseable. `now` is unix seconds, for the date form.
std::optional<double> parse_retry_after(std::string_view value, double now);

// Builds the Error for a non-success response. `secret` (the configured key)
// is scrubbed from message and body along with the contract's patterns.
Error error_from_response(int status, std::string_view body, std::string_view retry_after_header,
                          std::string_view location_header, std::string_view secret);

}  // namespace avala
