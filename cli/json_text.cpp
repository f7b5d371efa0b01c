#include "json_text.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <system_error>

#include "output.hpp"

namespace avala_cli {
namespace json = boost::json;

namespace {

std::optional<json::value> parse(std::string_view text) {
    json::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return std::nullopt;
    return v;
}

// A double in its shortest round-trip form ("0.9"), where Boost.JSON writes "9E-1".
std::string shortest(double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc{} ? std::string(buf, end) : json::serialize(json::value(v));
}

}  // namespace

std::optional<std::vector<JsonMember>> json_object_members(std::string_view text) {
    auto v = parse(text);
    if (!v || !v->is_object()) return std::nullopt;
    std::vector<JsonMember> out;
    out.reserve(v->get_object().size());
    for (const auto& [k, value] : v->get_object()) out.push_back({std::string(k), json::serialize(value)});
    return out;
}

std::optional<std::string> json_decode_string(std::string_view literal) {
    auto v = parse(literal);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

std::string json_display_value(std::string_view raw) {
    auto v = parse(raw);
    if (!v) return printable(raw);
    if (v->is_null()) return "-";
    if (v->is_double()) return shortest(v->get_double());
    if (v->is_string()) return printable(v->get_string());
    if (v->is_array()) {
        std::string joined;
        for (const json::value& item : v->get_array()) {
            if (!item.is_string()) return printable(raw);  // not all strings: show the JSON
            joined += (joined.empty() ? "" : ", ") + printable(item.get_string());
        }
        return joined.empty() ? "-" : joined;
    }
    return printable(raw);
}

std::string json_compact(std::string_view text) {
    auto v = parse(text);
    return v ? json::serialize(*v) : std::string(text);
}

std::string json_quote(std::string_view s) { return json::serialize(json::string(s)); }

std::optional<std::string> json_redact_members(std::string_view text, std::span<const std::string_view> fields) {
    auto v = parse(text);
    if (!v || !v->is_object()) return std::nullopt;
    for (std::string_view f : fields) {
        if (json::value* member = v->get_object().if_contains(f); member != nullptr && !member->is_null()) {
            *member = "[redacted]";
        }
    }
    return json::serialize(*v);
}

}  // namespace avala_cli
