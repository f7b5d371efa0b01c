// The CLI's JSON, on Boost.JSON (compiled into the tool in boost_json.cpp:
// the shared library exports no Boost symbols): reading the objects the
// library hands over, to show them as tables or "key: value" lines, and
// writing the small request bodies the CLI builds.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace avala_cli {

struct JsonMember {
    std::string key;
    std::string raw;  // the value as compact JSON
};

// The top-level members of a JSON object, in order; nullopt if `json` is not
// one well-formed object.
std::optional<std::vector<JsonMember>> json_object_members(std::string_view json);

// The text of a JSON string (`literal`, quotes included); nullopt if it is not one.
std::optional<std::string> json_decode_string(std::string_view literal);

// A value for humans: strings unquoted, null as "-", a list of strings as
// "a, b" (an empty list as "-"), a fractional number in its shortest form
// ("0.9", not "9E-1"), anything else as its compact JSON; always printable().
std::string json_display_value(std::string_view raw);

// `json` without the whitespace between tokens: one line. Text that is not
// JSON is returned as it is.
std::string json_compact(std::string_view json);

// `s` as a JSON string literal, quotes included.
std::string json_quote(std::string_view s);

// `json`, one object, with the value of each top-level member named in
// `fields` that is not null replaced by "[redacted]"; nullopt if `json` is
// not one well-formed object.
std::optional<std::string> json_redact_members(std::string_view json, std::span<const std::string_view> fields);

}  // namespace avala_cli
