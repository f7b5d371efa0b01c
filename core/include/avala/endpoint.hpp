// Resources as data: an Endpoint is a route plus what it accepts (filters,
// body fields) and what it answers; one generic function per answer shape
// executes any of them. resources/catalog.hpp holds the table.
#pragma once

#include <boost/json/object.hpp>
#include <array>
#include <initializer_list>
#include <span>
#include <optional>
#include <string_view>
#include <vector>

#include "avala/call.hpp"
#include "avala/client.hpp"
#include "avala/object.hpp"
#include "avala/pagination.hpp"
#include "avala/route.hpp"

namespace avala {

enum class FieldType { string, boolean, number, string_list };

struct BodyField {
  std::string_view key;
  FieldType type;
  bool required_on_create = false;
};

struct Endpoint {
  Route route;
  const Schema* result = nullptr;                   // nullptr: the answer has no body (204)
  std::array<std::string_view, 4> filters;          // query keys a list takes ("" = unused)
  std::span<const BodyField> body;                  // fields a create/update takes
  std::string_view label;                           // "tasks list", for messages
};

using Ids = std::initializer_list<std::string_view>;

// Checks `fields_json` (a JSON object) against the endpoint's body fields:
// known keys, right types, and — unless `partial` — the required ones.
// Throws Error(invalid_argument) naming the field.
boost::json::object checked_body(const Endpoint& ep, std::string_view fields_json, bool partial);

// Throws Error(invalid_argument) for a filter the endpoint does not take.
void check_filters(const Endpoint& ep, const Query& filters);

// Each call below as data (call.hpp), for running it asynchronously; the
// functions after them run the same calls blocking.
Call<Page<Object>> page_call(const Client& client, const Endpoint& ep, Ids ids, const ListParams& params);
Call<Object> object_call(const Client& client, const Endpoint& ep, Ids ids,
                         std::optional<boost::json::object> body = std::nullopt);
Call<Nothing> empty_call(const Client& client, const Endpoint& ep, Ids ids);
Call<std::vector<Object>> array_call(const Client& client, const Endpoint& ep, Ids ids);

Page<Object> list_page(const Client& client, const Endpoint& ep, Ids ids, const ListParams& params);
Paginator<Object> list_all(const Client& client, const Endpoint& ep, Ids ids, const ListParams& params);
// GET, or a POST/PATCH with `body`; the answer decoded as ep.result.
Object call_object(const Client& client, const Endpoint& ep, Ids ids,
                   std::optional<boost::json::object> body = std::nullopt);
// A call whose answer is empty (DELETE → 204).
void call_empty(const Client& client, const Endpoint& ep, Ids ids);
// A call answering a bare JSON array of ep.result objects.
std::vector<Object> call_array(const Client& client, const Endpoint& ep, Ids ids);

}  // namespace avala
