// Cursor pagination: decoding a page, and a lazy iterator over all pages.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "avala/call.hpp"
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

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next;      // the server's absolute link
  std::optional<std::string> previous;
  std::optional<std::string> next_cursor;
  std::optional<std::string> previous_cursor;
  bool has_more() const noexcept { return next.has_value(); }
};

// Builds an item from a decoded object; may throw Error(decode).
template <class T>
using Decoder = std::function<T(RecordRef)>;

// The default decoder: T::from_json.
template <class T>
Decoder<T> from_json_decoder() {
  return [](RecordRef o) { return T::from_json(std::move(o)); };
}

// Makes items of decoded objects (a page's, or a bare-array answer's).
template <class T>
std::vector<T> decode_items(Records records, const Decoder<T>& decode) {
  std::vector<T> items;
  items.reserve(records.size());
  records.take_each([&](RecordRef r) { items.push_back(decode(std::move(r))); });
  return items;
}

template <class T>
Page<T> make_page(RawPage raw, const Decoder<T>& decode = from_json_decoder<T>()) {
  Page<T> page;
  page.items = decode_items(std::move(raw.items), decode);
  if (raw.next) page.next_cursor = cursor_from_link(*raw.next);
  if (raw.previous) page.previous_cursor = cursor_from_link(*raw.previous);
  page.next = std::move(raw.next);
  page.previous = std::move(raw.previous);
  return page;
}

// A page of a list (GET with the list's query).
template <class T>
Call<Page<T>> page_call(const Client& client, const Route& route, std::initializer_list<std::string_view> ids,
                        const ListParams& params, Decoder<T> decode = from_json_decoder<T>()) {
  return {std::string(route.method), expand(client.base_url(), route, ids, list_query(params)), std::nullopt,
          [decode = std::move(decode)](HttpResponse& resp) {
            return make_page<T>(decode_page(std::move(resp.body)), decode);
          }};
}

template <class T>
Page<T> fetch_page(const Client& client, const Route& route, std::initializer_list<std::string_view> ids,
                   const ListParams& params, const Decoder<T>& decode = from_json_decoder<T>()) {
  return run(client, page_call<T>(client, route, ids, params, decode));
}

// One item (T::from_json of the answer).
template <class T>
Call<T> one_call(const Client& client, const Route& route, std::initializer_list<std::string_view> ids) {
  return {std::string(route.method), expand(client.base_url(), route, ids), std::nullopt,
          [](HttpResponse& resp) { return T::from_json(decode_object(std::move(resp.body))); }};
}

template <class T>
T fetch_one(const Client& client, const Route& route, std::initializer_list<std::string_view> ids) {
  return run(client, one_call<T>(client, route, ids));
}

// A list body's `next` link, found without parsing the body (a page is
// parsed in tens of µs; this reads only its end), so that the next page can
// be asked for before this one is decoded. It is the value of the last
// "next" key, and only when nothing but scalar members and the body's
// closing brace follow it — the contract's order, {"results": [...],
// "next": ..., "previous": ...}; so an item's own "next" field is never
// taken for it. nullopt when it cannot be read that way (another order, an
// escape, null). The paginator still checks it against the parsed page.
std::optional<std::string_view> next_link_hint(std::string_view body) noexcept;

// Walks every item across pages, one page held at a time. Reads ahead: as
// soon as a page arrives, the request for the next one goes out (on an idle
// pooled connection, never a new one), so the server works on it while this
// page is decoded and used. Follows `next` only when same-origin. After a failed fetch, next()
// may be called again: it retries the same page. Dropping a paginator with
// a request ahead closes that request's connection.
template <class T>
class Paginator {
 public:
  Paginator(Client client, std::string first_target, Decoder<T> decode = from_json_decoder<T>())
      : client_(std::move(client)), target_(std::move(first_target)), decode_(std::move(decode)) {}

  std::optional<T> next() {
    if (!fill()) return std::nullopt;
    return std::move(items_[pos_++]);
  }

  // Hands the items of the current page not yet taken, all at once, to
  // take(std::span<T>), which moves them out (fetching the next page when
  // none are left); false at the end. If take throws, the items stay, for
  // the next call. For callers that hand out a page's items together (the C
  // ABI makes their handles in one block).
  template <class F>
  bool take_page(F&& take) {
    if (!fill()) return false;
    take(std::span<T>(items_.data() + pos_, items_.size() - pos_));
    pos_ = items_.size();
    return true;
  }

  struct Ahead {
    std::string link;    // the guessed `next`, as the server wrote it
    std::string target;  // checked and ready to send
    Client::Pending pending;
  };

  // Asynchronous walks. Whether next() or take_page() can answer without
  // the network: an item is at hand, or the walk is over.
  bool ready() const noexcept { return pos_ < items_.size() || (!link_ && !target_); }

  // When not ready(): fetches pages (without reading ahead) until an item is
  // at hand or the walk is over, then calls done(nullptr) on the engine, or
  // done(error) — after which the walk may be resumed, as after next()
  // threw. `done` must keep the paginator alive until it runs. Returns false
  // (and calls nothing) when there was nothing to fetch; throws what next()
  // would before sending anything (a repeated link, another origin).
  bool fill_async(std::function<void(std::exception_ptr)> done) {
    std::optional<std::string> target = next_target();
    if (!target) return false;
    ahead_.reset();
    client_.send_async("GET", *target, std::nullopt, [this, done = std::move(done)](std::exception_ptr e, HttpResponse resp) {
      if (e) return done(std::move(e));
      try {
        take(decode_answer(resp));
        if (!ready() && fill_async(done)) return;  // an empty page that links on
      } catch (...) {
        return done(std::current_exception());
      }
      done(nullptr);
    });
    return true;
  }

 private:
  // The checked target of the next page to fetch once the current one is
  // used up; nullopt at the end. Stays put (for a retry) until take().
  std::optional<std::string> next_target() {
    if (link_) {
        // A server that links back to a page of this walk would loop it
        // forever: an error (a hash of each link followed, 8 bytes a page).
        if (!followed_.insert(std::hash<std::string>{}(*link_)).second) {
          throw Error(ErrorKind::decode, "the server's next link repeats an earlier page of this walk: " + *link_);
        }
        // The link read ahead is checked already. Any other throws
        // Error(cross_origin), staying put, when it leaves the origin.
        try {
          target_ = ahead_ && ahead_->link == *link_ ? ahead_->target : same_origin_target(client_.base_url(), *link_);
        } catch (...) {
          followed_.erase(std::hash<std::string>{}(*link_));  // not followed: a retry asks again
          throw;
        }
        link_.reset();
    }
    return target_;
  }

  using Fetched = std::pair<std::vector<T>, std::optional<std::string>>;

  // A page fetched: its items are next, its link the page after.
  void take(Fetched page) {
    items_ = std::move(page.first);
    pos_ = 0;
    target_.reset();
    link_ = std::move(page.second);
  }

  Fetched decode_answer(HttpResponse& resp) {
    return decoding(resp, [&] {
      RawPage raw = decode_page(std::move(resp.body));
      return Fetched(decode_items(std::move(raw.items), decode_), std::move(raw.next));
    });
  }

  // Fetches pages until one has an item not yet taken; false at the end.
  bool fill() {
    while (pos_ == items_.size()) {
      std::optional<std::string> target = next_target();
      if (!target) return false;
      take(fetch(*target));
    }
    return true;
  }

  // A page's items and its `next` link (the paginator has no use for cursors).
  Fetched fetch(const std::string& target) {
    std::optional<Ahead> ahead = std::exchange(ahead_, std::nullopt);
    HttpResponse resp = ahead && ahead->target == target ? client_.finish(std::move(ahead->pending))
                                                         : client_.send("GET", target);
    read_ahead(resp.body);
    try {
      Fetched page = decode_answer(resp);
      if (ahead_ && page.second != ahead_->link) ahead_.reset();  // a wrong guess, dropped unread
      return page;
    } catch (...) {
      ahead_.reset();
      throw;
    }
  }

  void read_ahead(std::string_view body) noexcept {
    auto link = next_link_hint(body);
    if (!link) return;
    try {
      std::string target = same_origin_target(client_.base_url(), *link);
      // Not when the rate limiter would make the caller wait for it.
      if (auto pending = client_.try_start_get(target)) {
        ahead_.emplace(Ahead{std::string(*link), std::move(target), std::move(*pending)});
      }
    } catch (...) {
      // No read-ahead then: the page is fetched (and any error reported)
      // when the caller gets to it.
    }
  }

  Client client_;
  std::optional<std::string> target_;  // the next request, already checked
  std::optional<std::string> link_;    // the server's `next`, not yet checked
  Decoder<T> decode_;
  std::vector<T> items_;
  std::size_t pos_ = 0;
  std::optional<Ahead> ahead_;
  std::unordered_set<std::size_t> followed_;  // hashes of the links followed
};

}  // namespace avala
