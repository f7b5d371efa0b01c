// Just enough JSON reading to show an object as "key: value" lines. The
// library hands us compact, already validated JSON; this only splits it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace avala_cli {

struct JsonMember {
    std::string key;       // decoded
    std::string_view raw;  // the value's JSON text, pointing into the input
};

// The top-level members of a JSON object, in order; nullopt if `json` is not
// one well-formed object.
std::optional<std::vector<JsonMember>> json_object_members(std::string_view json);

// The text of a JSON string literal (with its quotes); nullopt if malformed.
std::optional<std::string> json_decode_string(std::string_view literal);

// The items of a JSON array, in order; nullopt if `json` is not one array.
std::optional<std::vector<std::string_view>> json_array_items(std::string_view json);

// A value for humans: strings unquoted, null as "-", a list of strings as
// "a, b" (an empty list as "-"), a fractional number in its shortest form
// ("0.9", not "9E-1"), anything else as its compact JSON; always printable().
std::string json_display_value(std::string_view raw);

// Valid JSON without the whitespace between tokens: one line (a raw newline
// cannot occur inside a JSON string).
std::string json_compact(std::string_view json);

// `s` as a JSON string literal, quotes included. Bytes >= 0x80 pass through
// (the library checks UTF-8 before anything is sent).
std::string json_quote(std::string_view s);

// `json`, one object, with the value of each top-level member named in
// `fields` that is not null replaced by "[redacted]"; nullopt if `json` is
// not one well-formed object.
std::optional<std::string> json_redact_members(std::string_view json, std::span<const std::string_view> fields);

}  // namespace avala_cli
