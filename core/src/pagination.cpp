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
  // One arena per page: the items share it (each holds a reference), so a
  // page costs a few large allocations instead of one per string and
  // container — malloc/free were ~30% of iteration time. The arena is freed
  // when the last item of the page is.
  json::error_code ec;
  json::value v = json::parse(body, ec, json::make_shared_resource<json::monotonic_resource>());
  if (ec) throw Error(ErrorKind::decode, "response is not valid JSON: " + ec.message());
  if (!v.is_object()) throw Error(ErrorKind::decode, "response is not a JSON object");
  json::object& o = v.get_object();
  json::value* results = o.if_contains("results");
  if (results == nullptr || !results->is_array()) {
    throw Error(ErrorKind::decode, "response is not a page: no 'results' list");
  }
  // Move-constructed, so the items keep the arena (move-assigning into an
  // array of another storage would copy them out of it).
  return RawPage{std::move(results->get_array()), link(o, "next"), link(o, "previous")};
}

}  // namespace avala
