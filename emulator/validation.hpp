// Request bodies of the writable resources: JSON parsing and table-driven
// field validation, answering with Django REST framework's error shapes
// ({"field": ["message"]}) and messages.
#pragma once

#include <span>
#include <string_view>
#include <variant>

#include <boost/json/object.hpp>

#include "http_types.hpp"
#include "store.hpp"

namespace emu {

// The body as a JSON object; an empty body is {}. Otherwise the 400 to answer
// (malformed JSON, or JSON that is not an object).
std::variant<boost::json::object, Response> parse_object_body(std::string_view body);

enum class FieldType {
    string,  // non-blank string
    text,    // string (blank allowed) or null
    url,     // http(s) URL or null
    boolean,
    number,       // any JSON number
    count,        // integer 0..1000
    choice,       // one of `choices`
    string_list,  // list of strings, each one of `choices` when that is not empty
    reference,    // uid of an object in `ref`, or null
};

// One writable field. Fields not in the table are ignored, as DRF does.
struct FieldSpec {
    std::string_view name;
    FieldType type;
    bool required = false;
    std::string_view default_json = "null";  // used on create when absent and not required
    std::span<const std::string_view> choices = {};
    Collection Store::*ref = nullptr;  // for FieldType::reference
};

// On create, missing required fields are errors and missing optional ones
// take their default; on update (PATCH) only the given fields are checked and
// returned. Gives the accepted values, or a 400 listing every bad field.
std::variant<boost::json::object, Response> validate_fields(const boost::json::object& body,
                                                            std::span<const FieldSpec> fields,
                                                            bool create, const Store& store);

}  // namespace emu
