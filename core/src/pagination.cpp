#include "avala/pagination.hpp"

#include <boost/json.hpp>

namespace avala {

namespace json = boost::json;

Query list_query(const ListParams& params) {
  Query q = params.filters;
  if (params.limit) {
    if (*params.limit <= 0) throw Error(ErrorKind::invalid_argument, "limit must be a positive number");
    q.emplace_back("limit", std::to_string(*params.limit));
  }
  if (params.cursor) q.emplace_back("cursor", *params.cursor);
  return q;
}

namespace {

std::optional<std::string> link(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) throw Error(ErrorKind::decode, "page field '" + std::string(key) + "' is not a string");
  return std::string(v->get_string());
}

}  // namespace

std::optional<std::string_view> next_link_hint(std::string_view body) noexcept {
  constexpr std::string_view kKey = "\"next\"";
  auto at = body.rfind(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = body.substr(at + kKey.size());
  // Steps over white space and then `c`; false when something else comes first.
  auto expect = [&rest](char c) {
    auto i = rest.find_first_not_of(" \t\n\r");
    if (i == std::string_view::npos || rest[i] != c) return false;
    rest.remove_prefix(i + 1);
    return true;
  };
  if (!expect(':') || !expect('"')) return std::nullopt;
  auto end = rest.find('"');
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view link = rest.substr(0, end);
  if (link.empty() || link.find('\\') != std::string_view::npos) return std::nullopt;
  return link;
}

RawPage decode_page(std::string_view body) {
  // One document per page: its items point into it, and it is freed when
  // the last of them is.
  auto doc = parse_document(body);
  if (!doc->is_object()) throw Error(ErrorKind::decode, "response is not a JSON object");
  const json::object& o = doc->get_object();
  const json::value* results = o.if_contains("results");
  if (results == nullptr || !results->is_array()) {
    throw Error(ErrorKind::decode, "response is not a page: no 'results' list");
  }
  return RawPage{part_of(doc, results->get_array()), link(o, "next"), link(o, "previous")};
}

}  // namespace avala
