#include "avala/json_codec.hpp"

#include <boost/json.hpp>

#include "avala/error.hpp"

namespace avala {

namespace json = boost::json;

namespace {

// A parsed body and the arena it lives in. The root is declared after the
// arena, so it is destroyed first; its storage is a plain (non-owning)
// pointer to a monotonic arena, for which Boost.JSON skips destruction.
struct Document {
  json::monotonic_resource arena;
  json::error_code ec;
  json::value root;

  // The tree takes ~2.4 times the text (measured on pages of projects and
  // tasks), so most documents fit the first block.
  explicit Document(std::string_view body) : arena(body.size() / 2 * 5 + 1024), root(json::parse(body, ec, &arena)) {}
};

}  // namespace

std::shared_ptr<const json::value> parse_document(std::string_view body) {
  auto doc = std::make_shared<const Document>(body);
  if (doc->ec) throw Error(ErrorKind::decode, "response is not valid JSON: " + doc->ec.message());
  return {doc, &doc->root};
}

JsonRef decode_object(std::string_view body) {
  auto doc = parse_document(body);
  if (!doc->is_object()) throw Error(ErrorKind::decode, "response is not a JSON object");
  return part_of(doc, doc->get_object());
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
