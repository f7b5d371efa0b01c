// Just enough JSON reading to show an object as "key: value" lines. The
// library hands us compact, already validated JSON; this only splits it.
#pragma once

#include <optional>
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

// A value for humans: strings unquoted, null as "-", anything else as its
// compact JSON; always printable().
std::string json_display_value(std::string_view raw);

}  // namespace avala_cli
