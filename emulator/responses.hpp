// Small builders for JSON response bodies.
#pragma once

#include <string>
#include <string_view>

#include "http_types.hpp"

namespace emu {

// `s` as a JSON string literal, quotes included.
std::string json_quote(std::string_view s);
// Appends json_quote(s) to out without a temporary.
void append_json_quoted(std::string& out, std::string_view s);

// {"detail": "..."} with the given status: the error shape of the API.
Response detail_response(unsigned status, std::string_view detail);
// {"field": ["message"]} with status 400: a validation error.
Response field_error(std::string_view field, std::string_view message);

}  // namespace emu
