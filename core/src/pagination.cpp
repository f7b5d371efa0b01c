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

RawPage decode_page(std::string_view body) {
  json::object o = decode_object(body);
  json::value* results = o.if_contains("results");
  if (results == nullptr || !results->is_array()) {
    throw Error(ErrorKind::decode, "response is not a page: no 'results' list");
  }
  RawPage page;
  page.next = link(o, "next");
  page.previous = link(o, "previous");
  page.results = std::move(results->get_array());
  return page;
}

}  // namespace avala
