#include "validation.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace emu {
namespace json = boost::json;

namespace {

Response bad_request(const json::value& errors) {
    Response r;
    r.status = 400;
    r.body = json::serialize(errors);
    return r;
}

std::string_view json_kind(const json::value& v) {
    switch (v.kind()) {
        case json::kind::string:
            return "str";
        case json::kind::bool_:
            return "bool";
        case json::kind::object:
            return "dict";
        case json::kind::array:
            return "list";
        case json::kind::null:
            return "NoneType";
        case json::kind::double_:
            return "float";
        default:
            return "int";
    }
}

bool is_choice(std::span<const std::string_view> choices, std::string_view v) {
    return std::find(choices.begin(), choices.end(), v) != choices.end();
}

std::string not_a_choice(std::string_view v) {
    // Appended, not `"\"" + std::string(v)`: that shape trips GCC 12's -Wrestrict false positive at -O3.
    std::string message = "\"";
    message += v;
    message += "\" is not a valid choice.";
    return message;
}

// The error message for `v` as the value of `f`, or "" when it is valid.
std::string check(const FieldSpec& f, const json::value& v, const Store& store) {
    bool nullable =
        f.type == FieldType::text || f.type == FieldType::url || f.type == FieldType::reference;
    if (v.is_null()) return nullable ? "" : "This field may not be null.";
    switch (f.type) {
        case FieldType::string:
            if (!v.is_string()) return "Not a valid string.";
            if (v.get_string().find_first_not_of(" \t\r\n") == json::string::npos)
                return "This field may not be blank.";
            return "";
        case FieldType::text:
            return v.is_string() ? "" : "Not a valid string.";
        case FieldType::url: {
            if (!v.is_string()) return "Not a valid string.";
            std::string_view s = v.get_string();
            bool ok = (s.starts_with("http://") && s.size() > 7) ||
                      (s.starts_with("https://") && s.size() > 8);
            ok = ok && s.find_first_of(" \t\r\n") == std::string_view::npos;
            return ok ? "" : "Enter a valid URL.";
        }
        case FieldType::boolean:
            return v.is_bool() ? "" : "Must be a valid boolean.";
        case FieldType::number:
            return v.is_number() ? "" : "A valid number is required.";
        case FieldType::count: {
            if (!v.is_int64() && !v.is_uint64()) return "A valid integer is required.";
            if (v.is_int64() && v.get_int64() < 0)
                return "Ensure this value is greater than or equal to 0.";
            if ((v.is_int64() && v.get_int64() > 1000) || (v.is_uint64() && v.get_uint64() > 1000))
                return "Ensure this value is less than or equal to 1000.";
            return "";
        }
        case FieldType::choice:
            if (!v.is_string()) return "Not a valid string.";
            return is_choice(f.choices, v.get_string()) ? "" : not_a_choice(v.get_string());
        case FieldType::string_list: {
            if (!v.is_array())
                return "Expected a list of items but got type \"" + std::string(json_kind(v)) +
                       "\".";
            for (const auto& item : v.get_array()) {
                if (!item.is_string()) return "Not a valid string.";
                if (!f.choices.empty() && !is_choice(f.choices, item.get_string()))
                    return not_a_choice(item.get_string());
            }
            return "";
        }
        case FieldType::reference: {
            if (!v.is_string())
                return "Incorrect type. Expected pk value, received " + std::string(json_kind(v)) +
                       ".";
            std::string_view uid = v.get_string();
            if (!(store.*(f.ref)).find(uid))
                return "Object with uid=" + std::string(uid) + " does not exist.";
            return "";
        }
    }
    return "";
}

}  // namespace

std::variant<json::object, Response> parse_object_body(std::string_view body) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object{};
    json::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) {
        Response r;
        r.status = 400;
        r.body = json::serialize(json::object{{"detail", "JSON parse error - " + ec.message()}});
        return r;
    }
    if (!v.is_object()) {
        std::string msg =
            "Invalid data. Expected a dictionary, but got " + std::string(json_kind(v)) + ".";
        return bad_request(json::object{{"non_field_errors", json::array{json::string(msg)}}});
    }
    return std::move(v.get_object());
}

std::variant<json::object, Response> validate_fields(const json::object& body,
                                                     std::span<const FieldSpec> fields, bool create,
                                                     const Store& store) {
    json::object accepted, errors;
    for (const auto& f : fields) {
        const json::value* v = body.if_contains(f.name);
        if (!v) {
            if (!create) continue;
            if (f.required)
                errors[f.name] = json::array{"This field is required."};
            else
                accepted[f.name] = json::parse(f.default_json);
            continue;
        }
        if (std::string msg = check(f, *v, store); !msg.empty())
            errors[f.name] = json::array{json::string(msg)};
        else
            accepted[f.name] = *v;
    }
    if (!errors.empty()) return bad_request(errors);
    return accepted;
}

}  // namespace emu
