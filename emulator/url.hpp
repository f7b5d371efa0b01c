// The URL pieces the emulator needs, on Boost.URL (percent-decoding, the
// query) — not on the client library's code: the emulator is an oracle and
// must not share its bugs. Cursors are base64url, written here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu {

// Query parameters in arrival order, percent-decoded ('+' means space).
class Query {
public:
    // Parses "a=1&b=x%20y". Returns nullopt on malformed percent-escapes.
    static std::optional<Query> parse(std::string_view raw);

    // First value for `key`, or nullptr when the key is absent.
    const std::string* get(std::string_view key) const;

private:
    std::vector<std::pair<std::string, std::string>> params_;
};

// Splits an origin-form target into path and query (without '?').
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

// Percent-decodes a path segment or query component; nullopt when malformed.
// `plus_is_space` applies to query components only.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);

// Percent-encodes everything except RFC 3986 unreserved characters.
std::string percent_encode(std::string_view in);

// Base64url without padding (RFC 4648 section 5).
std::string base64url_encode(std::string_view in);
// Strict decoding: rejects padding, foreign characters and non-canonical
// trailing bits, so a tampered cursor is not silently read as another one.
std::optional<std::string> base64url_decode(std::string_view in);

}  // namespace emu
