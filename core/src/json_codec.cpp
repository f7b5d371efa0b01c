#include "avala/json_codec.hpp"

#include <boost/json.hpp>

#include "avala/error.hpp"

namespace avala {

namespace json = boost::json;

boost::json::object decode_object(std::string_view body) {
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) throw Error(ErrorKind::decode, "response is not valid JSON: " + ec.message());
  if (!v.is_object()) throw Error(ErrorKind::decode, "response is not a JSON object");
  return std::move(v.get_object());
}

std::optional<std::string_view> string_field(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string_view(v->get_string());
}

std::string_view required_string(const json::object& obj, std::string_view key, std::string_view what) {
  auto v = string_field(obj, key);
  if (!v) {
    throw Error(ErrorKind::decode,
                std::string(what) + " in the response has no string field '" + std::string(key) + "'");
  }
  return *v;
}

}  // namespace avala
