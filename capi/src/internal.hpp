// Internal to the C ABI's implementation: handle structs and the guard that
// turns C++ exceptions into status codes. Not installed.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/json/serialize.hpp>

#include "avala.h"
#include "avala/call.hpp"
#include "avala/client.hpp"
#include "avala/error.hpp"
#include "avala/object.hpp"
#include "avala/pagination.hpp"
#include "avala/resources/projects.hpp"
#include "queue.hpp"

struct avala_error {
  int code;
  std::string message;
  int32_t http_status;
  std::string body;
  double retry_after;
  int32_t attempts;
};

struct avala_client {
  avala::Client client;  // its context, for a derived client, carries the call options
  std::shared_ptr<capi::Queue> queue = nullptr;  // set: its calls are asynchronous and complete there
  std::uint64_t tag = 0;
};

struct avala_cancel {
  std::shared_ptr<avala::CancelToken> token;
};

struct avala_response {
  avala::HttpResponse resp;
};

namespace capi {

// A call's own reference to the client (its pool, engine and context): the
// handle may be freed while calls on it run (avala.h, avala_client_free).
inline avala::Client core(const avala_client* c) { return c->client; }

// JSON text of an item, made on first request and kept so borrowed strings
// live as long as the handle. Thread-safe; NULL on failure (out of memory).
// Its state is made on first use: most handles (an iterator's items) never
// need it, and one pointer is all they then carry.
class JsonCache {
 public:
  JsonCache() = default;
  JsonCache(const JsonCache&) = delete;
  JsonCache& operator=(const JsonCache&) = delete;
  ~JsonCache() { clear(); }

  // Drops what was made; by the handle's owner only (no other thread may use it).
  void clear() noexcept {
    if (State* s = state_.load(std::memory_order_acquire)) {
      state_.store(nullptr, std::memory_order_relaxed);
      delete s;
    }
  }

  const char* whole(const boost::json::object& obj) noexcept {
    try {
      State& s = state();
      std::lock_guard lock(s.mu);
      if (!s.json) s.json = std::make_unique<std::string>(boost::json::serialize(obj));
      return s.json->c_str();
    } catch (...) {
      return nullptr;
    }
  }
  const char* field(const boost::json::object& obj, const char* name) noexcept {
    try {
      const boost::json::value* v = obj.if_contains(name);
      if (v == nullptr) return nullptr;
      State& s = state();
      std::lock_guard lock(s.mu);
      auto it = s.fields.find(std::string_view(name));
      if (it == s.fields.end()) it = s.fields.emplace(name, boost::json::serialize(*v)).first;
      return it->second.c_str();
    } catch (...) {
      return nullptr;
    }
  }

 private:
  struct State {
    std::mutex mu;
    std::unique_ptr<std::string> json;
    std::map<std::string, std::string, std::less<>> fields;
  };

  State& state() {
    State* s = state_.load(std::memory_order_acquire);
    if (s != nullptr) return *s;
    auto fresh = std::make_unique<State>();
    if (state_.compare_exchange_strong(s, fresh.get(), std::memory_order_acq_rel)) return *fresh.release();
    return *s;  // another thread made it first
  }

  std::atomic<State*> state_{nullptr};
};

// A page's cursors, as C strings or NULL.
struct Cursors {
  std::optional<std::string> next, previous;
  bool has_more = false;
  template <class Page>
  static Cursors of(Page& page) {
    return {std::move(page.next_cursor), std::move(page.previous_cursor), page.has_more()};
  }
  const char* next_c() const noexcept { return next ? next->c_str() : nullptr; }
  const char* previous_c() const noexcept { return previous ? previous->c_str() : nullptr; }
};

}  // namespace capi

namespace capi {
template <class T>
class Block;
}  // namespace capi

struct avala_project {
  explicit avala_project(avala::Project p) noexcept : project(std::move(p)) {}
  avala::Project project;
  capi::JsonCache cache;
  capi::Block<avala_project>* block = nullptr;  // set when it is an iterator's
};

struct avala_object {
  explicit avala_object(avala::Object o) noexcept : object(std::move(o)) {}
  avala::Object object;
  capi::JsonCache cache;
  capi::Block<avala_object>* block = nullptr;
};

namespace capi {

// Where iterators put the items they hand out: the items of a page are made
// together, in one block, when the page arrives, then handed out one by one
// (making and freeing each handle on its own was ~5% of a C ABI walk, found
// by the pagination benchmark). Each item is still freed on its own, from
// any thread: that gives back its reference to the block and drops the JSON
// text made for it. The block goes when its last item is freed and its
// iterator has moved past it; an item already keeps its whole page's body
// alive, so the rest of its block (~80 bytes an item) adds little.
template <class T>
class Block {
 public:
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;

  // A block of a page's items (moved from `page`, not empty); only if it
  // was made are they moved. The caller (the iterator) holds a reference
  // until it calls retire().
  template <class Item>
  static Block* make(std::span<Item> page) {
    static_assert(std::is_nothrow_constructible_v<T, Item&&>);
    auto* b = new Block(page.size());  // the only step that may throw
    for (std::size_t i = 0; i < page.size(); ++i) new (b->items_ + i) T(std::move(page[i]));
    for (std::uint32_t i = 0; i < b->count_; ++i) b->items_[i].block = b;
    return b;
  }

  // The next item not yet handed out, or nullptr; only the iterator calls it.
  T* take() noexcept { return taken_ < count_ ? &items_[taken_++] : nullptr; }
  bool left() const noexcept { return taken_ < count_; }

  // The iterator is done with the block: gives back its own reference and
  // those of the items it never handed out.
  void retire() noexcept { release(count_ - taken_ + 1); }

  // An item handed out was freed (avala_project_free, avala_object_free).
  void release(std::uint32_t n = 1) noexcept {
    if (refs_.fetch_sub(n, std::memory_order_acq_rel) == n) delete this;
  }

 private:
  explicit Block(std::size_t n)
      : refs_(static_cast<std::uint32_t>(n) + 1), items_(std::allocator<T>().allocate(n)),
        count_(static_cast<std::uint32_t>(n)) {}
  ~Block() {
    for (std::uint32_t i = 0; i < count_; ++i) items_[i].~T();
    std::allocator<T>().deallocate(items_, count_);
  }

  // One per item, taken up front (so handing one out costs no atomic), plus the iterator's.
  std::atomic<std::uint32_t> refs_;
  T* items_;
  std::uint32_t count_;
  std::uint32_t taken_ = 0;  // handed out; only the iterator's thread touches it
};

// An iterator's items: the block of the current page. Used by one thread at
// a time (its iterator's).
template <class T>
class Items {
 public:
  Items() = default;
  Items(const Items&) = delete;
  Items& operator=(const Items&) = delete;
  ~Items() {
    if (block_ != nullptr) block_->retire();
  }

  // Whether an item of the current block is still to be handed out.
  bool has_item() const noexcept { return block_ != nullptr && block_->left(); }

  // The next item of `pager` (an avala::Paginator), or nullptr at the end.
  template <class Pager>
  T* next(Pager& pager) {
    if (block_ != nullptr) {
      if (T* item = block_->take()) return item;
      std::exchange(block_, nullptr)->retire();
    }
    if (!pager.take_page([&](auto page) { block_ = Block<T>::make(page); })) return nullptr;
    return block_->take();
  }

 private:
  Block<T>* block_ = nullptr;
};

// avala_project_free and avala_object_free: an item of a block goes back to
// it, any other is deleted.
template <class T>
void free_item(T* item) noexcept {
  if (item == nullptr) return;
  if (Block<T>* block = item->block) {
    item->cache.clear();
    block->release();
  } else {
    delete item;
  }
}

}  // namespace capi

struct avala_page {
  std::vector<std::unique_ptr<avala_object>> items;
  capi::Cursors cursors;
};

namespace capi {

// An iterator's state: shared with the step in flight, if any, so that the
// iterator's handle may be freed meanwhile.
template <class Item, class T>
struct Walk {
  Walk(avala::Paginator<T> p, const avala_client* c) : pager(std::move(p)), queue(c->queue), tag(c->tag) {}
  avala::Paginator<T> pager;
  Items<Item> items;
  std::shared_ptr<Queue> queue;  // the client's: steps are asynchronous
  std::uint64_t tag;
  std::atomic<bool> stepping{false};  // an asynchronous step is in flight
};

}  // namespace capi

struct avala_iter {
  std::shared_ptr<capi::Walk<avala_object, avala::Object>> walk;
};

struct avala_project_page {
  std::vector<std::unique_ptr<avala_project>> items;
  capi::Cursors cursors;
};

struct avala_project_iter {
  std::shared_ptr<capi::Walk<avala_project, avala::Project>> walk;
};

namespace capi {

inline int code_of(avala::ErrorKind k) noexcept {
  using K = avala::ErrorKind;
  switch (k) {
    case K::invalid_argument: return AVALA_E_INVALID_ARGUMENT;
    case K::config: return AVALA_E_CONFIG;
    case K::authentication: return AVALA_E_AUTHENTICATION;
    case K::forbidden: return AVALA_E_FORBIDDEN;
    case K::not_found: return AVALA_E_NOT_FOUND;
    case K::validation: return AVALA_E_VALIDATION;
    case K::rate_limited: return AVALA_E_RATE_LIMITED;
    case K::server: return AVALA_E_SERVER;
    case K::api: return AVALA_E_API;
    case K::redirect: return AVALA_E_REDIRECT;
    case K::timeout: return AVALA_E_TIMEOUT;
    case K::network: return AVALA_E_NETWORK;
    case K::tls: return AVALA_E_TLS;
    case K::decode: return AVALA_E_DECODE;
    case K::cross_origin: return AVALA_E_CROSS_ORIGIN;
    case K::cancelled: return AVALA_E_CANCELLED;
    case K::proxy: return AVALA_E_PROXY;
    case K::internal: return AVALA_E_INTERNAL;
  }
  return AVALA_E_INTERNAL;
}

inline int fail(avala_error** out_err, int code, const char* message, int32_t status = 0, const std::string& body = {},
         double retry_after = -1, int32_t attempts = 0) noexcept {
  if (out_err != nullptr) {
    try {
      *out_err = new avala_error{code, message, status, body, retry_after, attempts};
    } catch (...) {
      *out_err = nullptr;  // out of memory: the code still tells the story
    }
  }
  return code;
}

template <class F>
int guard(avala_error** out_err, F&& body) noexcept {
  if (out_err != nullptr) *out_err = nullptr;
  try {
    return body();
  } catch (const avala::Error& e) {
    return fail(out_err, code_of(e.kind()), e.what(), e.http_status(), e.body(), e.retry_after().value_or(-1.0),
                e.attempts());
  } catch (const std::bad_alloc&) {
    return fail(out_err, AVALA_E_NO_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    std::string msg = std::string("internal error in libavala: ") + e.what();
    return fail(out_err, AVALA_E_INTERNAL, msg.c_str());
  } catch (...) {
    return fail(out_err, AVALA_E_INTERNAL, "internal error in libavala");
  }
}

// Frees a call's result of type R, given as void* (avala_completion.result).
template <class R, void (*Free)(R*)>
void free_as(void* p) noexcept {
  Free(static_cast<R*>(p));
}

// Starts an asynchronous call on the client's queue: `start(done)` begins
// it, and `done` turns its result into the C result with `make` (on the
// engine) and queues it with the client's tag. Returns AVALA_PENDING.
template <class T, class Make, class Start>
int start_on_queue(const avala_client* client, Make make, void (*free_result)(void*), Start&& start) {
  std::shared_ptr<Queue> q = client->queue;
  std::uint64_t tag = client->tag;
  q->started();
  try {
    start(avala::Done<T>([q, tag, make = std::move(make), free_result](std::exception_ptr e, std::optional<T> v) {
      q->complete(tag, std::move(e), [&]() -> void* { return make(std::move(*v)); }, free_result);
    }));
  } catch (...) {
    q->unstart();
    throw;
  }
  return AVALA_PENDING;
}

// Runs `call` on `client`: blocking, its result made by `make` into *out
// (out may be NULL for a call without one); or, on a client with a queue,
// asynchronously (start_on_queue). Inside guard().
template <class R, class T, class Make>
int deliver(R** out, const avala_client* client, avala::Call<T> call, Make make, void (*free_result)(void*)) {
  avala::Client c = core(client);  // the call's own reference: the handle may be freed meanwhile
  if (client->queue) {
    return start_on_queue<T>(client, std::move(make), free_result,
                             [&](avala::Done<T> done) { avala::start(c, std::move(call), std::move(done)); });
  }
  auto* result = make(avala::run(c, std::move(call)));
  if (out != nullptr) *out = result;
  return AVALA_OK;
}

inline int invalid(avala_error** out_err, const char* what) noexcept {
  if (out_err != nullptr) *out_err = nullptr;
  return fail(out_err, AVALA_E_INVALID_ARGUMENT, what);
}

inline const char* c_str_or_null(std::optional<std::string_view> v) noexcept {
  // Boost.JSON strings are NUL-terminated, so a view of one is a C string.
  return v ? v->data() : nullptr;
}

inline std::optional<std::string> opt_str(const char* s) {
  if (s == nullptr) return std::nullopt;
  return std::string(s);
}

inline avala::ListParams list_params(const avala_list_options* opts) {
  avala::ListParams p;
  if (opts == nullptr) return p;
  if (opts->version < 1) throw avala::Error(avala::ErrorKind::invalid_argument, "list options have no version");
  if (opts->limit > 0) p.limit = opts->limit;
  if (opts->cursor != nullptr) p.cursor = opts->cursor;
  if (opts->version >= 2 && opts->filters != nullptr) {
    for (const char* const* f = opts->filters; *f != nullptr; f += 2) {
      if (f[1] == nullptr) {
        throw avala::Error(avala::ErrorKind::invalid_argument,
                           std::string("filter '") + f[0] + "' has no value (filters are name, value pairs)");
      }
      p.filters.emplace_back(f[0], f[1]);
    }
  }
  return p;
}

// A new iterator handle (avala_iter, avala_project_iter) over `pager`.
template <class Iter, class T>
Iter* new_iter(avala::Paginator<T> pager, const avala_client* client) {
  using W = typename decltype(Iter::walk)::element_type;
  return new Iter{std::make_shared<W>(std::move(pager), client)};
}

// avala_project_iter_next and avala_iter_next.
template <class Iter, class T>
int iter_next(T** out, Iter* it, avala_error** out_err) noexcept {
  if (out == nullptr || it == nullptr) return invalid(out_err, "out and iterator must not be NULL");
  *out = nullptr;
  auto& w = *it->walk;
  if (w.stepping.load(std::memory_order_acquire)) {
    return invalid(out_err, "a step of this iterator is in flight (asynchronous iterator)");
  }
  return guard(out_err, [&] {
    if (w.queue && !w.items.has_item() && !w.pager.ready()) {
      // The next page, fetched on the engine; the item is taken from it there.
      w.stepping.store(true, std::memory_order_release);
      w.queue->started();
      bool sent = false;
      try {
        sent = w.pager.fill_async([walk = it->walk](std::exception_ptr e) {
          auto& ws = *walk;
          T* item = nullptr;
          avala_error* error = nullptr;
          int status = AVALA_OK;
          if (e) {
            status = status_of(std::move(e), &error);
          } else {
            try {
              item = ws.items.next(ws.pager);  // at hand now: no I/O
              if (item == nullptr) status = AVALA_ITER_END;
            } catch (...) {
              status = status_of(std::current_exception(), &error);
            }
          }
          ws.stepping.store(false, std::memory_order_release);  // before the caller can see the completion
          ws.queue->complete(ws.tag, status, item, [](void* p) { free_item(static_cast<T*>(p)); }, error);
        });
      } catch (...) {
        w.queue->unstart();
        w.stepping.store(false, std::memory_order_release);
        throw;
      }
      if (sent) return AVALA_PENDING;
      w.queue->unstart();  // nothing to fetch after all: the answer is at hand
      w.stepping.store(false, std::memory_order_release);
    }
    *out = w.items.next(w.pager);
    return *out != nullptr ? AVALA_OK : AVALA_ITER_END;
  });
}

}  // namespace capi
