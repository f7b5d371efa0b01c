// Decoding answers: a JSON body becomes records, one per object the caller
// asked for (a page's items, or the one object of a get).
#pragma once

#include <boost/json/object.hpp>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace avala {

struct Document;

namespace detail {
// The count of references to one decoded body, which all its records share.
struct BodyCount {
  mutable std::atomic<std::size_t> refs{0};
};
// Deletes the body (its count has reached zero).
void destroy_body(const BodyCount* body) noexcept;
// Gives back n references; the last one deletes the body.
inline void release_body(const BodyCount* body, std::size_t n = 1) noexcept {
  if (body->refs.fetch_sub(n, std::memory_order_acq_rel) == n) destroy_body(body);
}
}  // namespace detail

// One decoded JSON object: its top-level fields in the order sent, string
// values as views into the response text (copied only when they held an
// escape), any other value kept as Boost.JSON. Reading a string field needs
// no tree at all; json() builds the Boost.JSON object on first use.
//
// Why not a Boost.JSON tree per page: building it (a copy of every string,
// a hash check of every key) was ~60% of a page walk's CPU, more than the
// parse itself (found by the pagination benchmark).
//
// Immutable and safe to share across threads; the records of one body
// share it (a RecordRef counts a reference to the whole body), which lives
// until the last reference goes.
class Record {
 public:
  // 24 bytes: a page of 100 items writes ~1,200 of them.
  class Field {
   public:
    Field(std::string_view key, std::string_view text) noexcept
        : key_(key.data()), text_(text.data()), key_size_(size32(key)), size_or_index_(size32(text)) {}
    Field(std::string_view key, std::uint32_t index) noexcept
        : key_(key.data()), key_size_(size32(key)), size_or_index_(index) {}

    std::string_view key() const noexcept { return {key_, key_size_}; }
    bool is_string() const noexcept { return text_ != nullptr; }
    // The value, when it is a string; NUL-terminated.
    std::string_view text() const noexcept { return {text_, is_string() ? size_or_index_ : 0}; }
    // Otherwise: the value's index in the document, or one of these for
    // the values kept in the field itself.
    std::uint32_t index() const noexcept { return size_or_index_; }
    static constexpr std::uint32_t kNull = 0xffffffff, kFalse = 0xfffffffe, kTrue = 0xfffffffd;

   private:
    static std::uint32_t size32(std::string_view s) noexcept { return static_cast<std::uint32_t>(s.size()); }
    const char* key_;
    const char* text_ = nullptr;
    std::uint32_t key_size_;
    std::uint32_t size_or_index_;  // bodies are at most max_body_bytes (< 4 GiB)
  };

  Record() = default;
  Record(const Record&) = delete;
  Record& operator=(const Record&) = delete;

  // A string field: nullopt when absent, null or not a string. Of
  // duplicate keys the last wins, as in json(). The view is followed by a
  // NUL (the C ABI returns it as a C string).
  std::optional<std::string_view> string(std::string_view key) const noexcept { return strings<1>({key})[0]; }

  // Several string fields in one pass over the fields: out[i] is
  // string(keys[i]). Inline, so that constant keys compare without a call
  // (a project's uid and name are read for every item of a walk).
  template <std::size_t N>
  [[gnu::always_inline]] std::array<std::optional<std::string_view>, N> strings(
      const std::array<std::string_view, N>& keys) const noexcept {
    std::array<const Field*, N> last{};
    for (const Field& f : fields_) {
      for (std::size_t i = 0; i < N; ++i) {
        if (f.key() == keys[i]) last[i] = &f;
      }
    }
    std::array<std::optional<std::string_view>, N> out{};
    for (std::size_t i = 0; i < N; ++i) {
      if (last[i] != nullptr && last[i]->is_string()) out[i] = last[i]->text();
    }
    return out;
  }

  // The whole object; built on the first call, then kept.
  const boost::json::object& json() const;

  std::span<const Field> fields() const noexcept { return fields_; }

 private:
  friend struct Document;
  friend class RecordRef;
  friend class Records;
  const Document& doc() const noexcept;
  const detail::BodyCount* body_ = nullptr;  // the Document
  std::span<const Field> fields_;
  mutable std::once_flag built_;
  mutable boost::json::object json_;
};

// A counted reference to a record, keeping its whole body alive (like a
// shared_ptr aliasing the body, but the count is the body's own, so a page's
// records are counted once, when it is decoded, instead of one atomic
// increment each: found by the pagination benchmark).
class RecordRef {
 public:
  RecordRef() noexcept = default;
  RecordRef(const RecordRef& other) noexcept : r_(other.r_) {
    if (r_ != nullptr) r_->body_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  RecordRef(RecordRef&& other) noexcept : r_(std::exchange(other.r_, nullptr)) {}
  RecordRef& operator=(RecordRef other) noexcept {
    std::swap(r_, other.r_);
    return *this;
  }
  ~RecordRef() {
    if (r_ != nullptr) detail::release_body(r_->body_);
  }

  const Record* get() const noexcept { return r_; }
  const Record& operator*() const noexcept { return *r_; }
  const Record* operator->() const noexcept { return r_; }
  explicit operator bool() const noexcept { return r_ != nullptr; }

 private:
  friend class Records;
  friend RecordRef decode_object(std::string body);
  // Takes over a reference already counted.
  static RecordRef adopt(const Record* r) noexcept {
    RecordRef ref;
    ref.r_ = r;
    return ref;
  }
  const Record* r_ = nullptr;
};

// The records of one body (a page's items, a bare array's objects), holding
// a reference to it. Decoding counts one more for each record, so that
// take_each hands every record out as a RecordRef without counting again.
class Records {
 public:
  Records() noexcept = default;
  // For the decoder: takes over 1 + `prepaid` references to `body`.
  Records(const detail::BodyCount* body, std::span<const Record> records, std::size_t prepaid) noexcept
      : records_(records), body_(body), prepaid_(prepaid) {}
  Records(Records&& other) noexcept
      : records_(std::exchange(other.records_, {})), body_(std::exchange(other.body_, nullptr)),
        prepaid_(std::exchange(other.prepaid_, 0)) {}
  Records& operator=(Records&& other) noexcept {
    Records(std::move(other)).swap(*this);
    return *this;
  }
  ~Records() {
    if (body_ != nullptr) detail::release_body(body_, prepaid_ + 1);
  }

  std::size_t size() const noexcept { return records_.size(); }
  bool empty() const noexcept { return records_.empty(); }
  // Borrowed: valid while these Records live.
  const Record& operator[](std::size_t i) const noexcept { return records_[i]; }
  // A reference to one record (counted).
  RecordRef share(std::size_t i) const noexcept {
    body_->refs.fetch_add(1, std::memory_order_relaxed);
    return RecordRef::adopt(&records_[i]);
  }

  // Calls f(RecordRef) for every record, in order, with the references
  // counted at decoding; once only (later, it counts as share does). If f
  // throws, the references it did not get are given back.
  template <class F>
  void take_each(F&& f) {
    std::size_t i = 0;
    bool prepaid = prepaid_ != 0;  // all of them, or none
    prepaid_ = 0;
    try {
      for (; i < records_.size(); ++i) f(prepaid ? RecordRef::adopt(&records_[i]) : share(i));
    } catch (...) {
      if (prepaid && i + 1 < records_.size()) detail::release_body(body_, records_.size() - i - 1);
      throw;
    }
  }

 private:
  void swap(Records& other) noexcept {
    std::swap(records_, other.records_);
    std::swap(body_, other.body_);
    std::swap(prepaid_, other.prepaid_);
  }
  std::span<const Record> records_;
  const detail::BodyCount* body_ = nullptr;  // one reference of our own, plus prepaid_
  std::size_t prepaid_ = 0;
};

// A list body, {"results": [...], "next": url|null, "previous": url|null}.
struct RawPage {
  Records items;
  std::optional<std::string> next;
  std::optional<std::string> previous;
};

// The decoder reads up to this many bytes past a body's end (SIMDJSON_PADDING):
// a body with that much spare capacity is decoded without a copy.
inline constexpr std::size_t kBodyPadding = 64;

// Each throws Error(decode) when the body is not what it should be.
RawPage decode_page(std::string body);                  // a list body
Records decode_array(std::string body);                 // a bare array of objects
RecordRef decode_object(std::string body);              // one object

// Throws Error(decode): `what` in the response has no string field `key`.
[[noreturn]] void missing_field(std::string_view what, std::string_view key);

// Required string fields, read in one pass; throws missing_field naming
// `what` and the first key that is absent or not a string. An empty key
// stands for none (and gives an empty view).
template <std::size_t N>
[[gnu::always_inline]] inline std::array<std::string_view, N> required_strings(
    const Record& record, const std::array<std::string_view, N>& keys, std::string_view what) {
  auto found = record.strings(keys);
  std::array<std::string_view, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    if (keys[i].empty()) continue;
    if (!found[i]) missing_field(what, keys[i]);
    out[i] = *found[i];
  }
  return out;
}

}  // namespace avala
