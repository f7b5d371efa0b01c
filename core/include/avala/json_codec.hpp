// JSON decoding helpers shared by the resources.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

namespace avala {

// Parses a JSON object body; throws Error(decode) otherwise.
boost::json::object decode_object(std::string_view body);

// An optional string field: nullopt when absent, null or not a string.
std::optional<std::string_view> string_field(const boost::json::object& obj, std::string_view key);

// A required string field; throws Error(decode) naming `what` and the key.
std::string_view required_string(const boost::json::object& obj, std::string_view key, std::string_view what);

}  // namespace avala
