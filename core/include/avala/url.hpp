// Base URLs, origins, safe path segments and pagination links.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace avala {

// A validated base URL, split into what the transport needs.
struct BaseUrl {
  std::string url;        // normalised, no trailing '/', e.g. https://api.avala.ai/api/v1
  bool tls = true;        // https
  std::string host;       // for connecting: IPv6 without brackets
  std::string port;       // explicit or the scheme's default
  std::string host_header;  // Host header: host[:port], IPv6 in brackets
  std::string path;       // e.g. /api/v1 (no trailing '/')
};

inline constexpr std::string_view kDefaultBaseUrl = "https://api.avala.ai/api/v1";

// True for 1, true, yes, on (any case).
bool is_truthy(std::string_view value) noexcept;

// Parses and checks a base URL per the contract: https, or http only when
// `allow_insecure` and the host is localhost, 127.0.0.1 or ::1; no userinfo,
// query or fragment. Throws Error(config) otherwise.
BaseUrl parse_base_url(std::string_view url, bool allow_insecure);

// Checks a caller-supplied id before it goes into a path: refuses empty, ".",
// "..", '/', '\\', %2e, %2f, %5c, control characters. Throws
// Error(invalid_argument) naming `what` (e.g. "project uid").
void check_path_segment(std::string_view segment, std::string_view what);

// The request target (path + query) for an absolute link when it has the
// base URL's scheme, host and port; throws Error(cross_origin) otherwise and
// Error(decode) when it is not a URL.
std::string same_origin_target(const BaseUrl& base, std::string_view link);

// The `cursor` query value of a pagination link (falling back to `page`), or
// nullopt when the link has neither or is not a URL.
std::optional<std::string> cursor_from_link(std::string_view link);

// Checks a relative path+query for the generic request call: must start with
// '/', no "..", "." segments, backslashes or control characters, no scheme or
// authority. Throws Error(invalid_argument).
void check_relative_target(std::string_view path_and_query);

// True when `text` contains a control character (C0 or DEL): such text must
// never go into a header.
bool has_control_chars(std::string_view text) noexcept;

}  // namespace avala
