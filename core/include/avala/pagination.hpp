// Cursor pagination: decoding a page, and a lazy iterator over all pages.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "avala/client.hpp"
#include "avala/error.hpp"
#include "avala/json_codec.hpp"
#include "avala/route.hpp"

namespace avala {

struct ListParams {
  std::optional<int> limit;
  std::optional<std::string> cursor;
  Query filters;  // resource-specific, e.g. {"project", uid}
};

// The query for a list call: the filters, then limit and cursor when set.
Query list_query(const ListParams& params);

// A list body: {"results": [...], "next": url|null, "previous": url|null}.
struct RawPage {
  boost::json::array results;
  std::optional<std::string> next;
  std::optional<std::string> previous;
};

// Throws Error(decode) when the body is not a page.
RawPage decode_page(std::string_view body);

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next;      // the server's absolute link
  std::optional<std::string> previous;
  std::optional<std::string> next_cursor;
  std::optional<std::string> previous_cursor;
  bool has_more() const noexcept { return next.has_value(); }
};

// Builds an item from a JSON object; may throw Error(decode).
template <class T>
using Decoder = std::function<T(boost::json::object&&)>;

// The default decoder: T::from_json.
template <class T>
Decoder<T> from_json_decoder() {
  return [](boost::json::object&& o) { return T::from_json(std::move(o)); };
}

// Decodes each element of a JSON array (a page's results, or a bare-array answer).
template <class T>
std::vector<T> decode_items(boost::json::array& arr, const Decoder<T>& decode) {
  std::vector<T> items;
  items.reserve(arr.size());
  for (auto& v : arr) {
    if (!v.is_object()) throw Error(ErrorKind::decode, "a list item is not a JSON object");
    items.push_back(decode(std::move(v.get_object())));
  }
  return items;
}

template <class T>
Page<T> make_page(RawPage raw, const Decoder<T>& decode = from_json_decoder<T>()) {
  Page<T> page;
  page.items = decode_items(raw.results, decode);
  if (raw.next) page.next_cursor = cursor_from_link(*raw.next);
  if (raw.previous) page.previous_cursor = cursor_from_link(*raw.previous);
  page.next = std::move(raw.next);
  page.previous = std::move(raw.previous);
  return page;
}

// Runs f (which decodes resp); a decode error it throws reports the
// attempts that fetched resp, like every other error.
template <class F>
auto decoding(const HttpResponse& resp, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (Error& e) {
    if (e.attempts() == 0) e.set_attempts(resp.attempts);
    throw;
  }
}

template <class T>
Page<T> fetch_page(const Client& client, const Route& route, std::initializer_list<std::string_view> ids,
                   const ListParams& params, const Decoder<T>& decode = from_json_decoder<T>()) {
  auto resp = client.send(route.method, expand(client.base_url(), route, ids, list_query(params)));
  return decoding(resp, [&] { return make_page<T>(decode_page(resp.body), decode); });
}

template <class T>
T fetch_one(const Client& client, const Route& route, std::initializer_list<std::string_view> ids) {
  auto resp = client.send(route.method, expand(client.base_url(), route, ids));
  return decoding(resp, [&] { return T::from_json(decode_object(resp.body)); });
}

// Walks every item across pages, fetching a page only when the previous one
// is used up; holds one page. Follows `next` only when same-origin. After a
// failed fetch, next() may be called again: it retries the same page.
template <class T>
class Paginator {
 public:
  Paginator(Client client, std::string first_target, Decoder<T> decode = from_json_decoder<T>())
      : client_(std::move(client)), target_(std::move(first_target)), decode_(std::move(decode)) {}

  std::optional<T> next() {
    while (pos_ == items_.size()) {
      if (link_) {
        // Throws Error(cross_origin) and stays put when the link leaves the origin.
        target_ = same_origin_target(client_.base_url(), *link_);
        link_.reset();
      }
      if (!target_) return std::nullopt;
      auto resp = client_.send("GET", *target_);
      Page<T> page = decoding(resp, [&] { return make_page<T>(decode_page(resp.body), decode_); });
      items_ = std::move(page.items);
      pos_ = 0;
      target_.reset();
      link_ = std::move(page.next);
    }
    return std::move(items_[pos_++]);
  }

 private:
  Client client_;
  std::optional<std::string> target_;  // the next request, already checked
  std::optional<std::string> link_;    // the server's `next`, not yet checked
  Decoder<T> decode_;
  std::vector<T> items_;
  std::size_t pos_ = 0;
};

}  // namespace avala
