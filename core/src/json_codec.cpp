// Bodies are parsed by Boost.JSON's SAX parser (basic_parser) straight into
// records: no tree is built for the fields callers read most.
#include "avala/json_codec.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>
#include <algorithm>
#include <cstring>
#include <limits>

#include "avala/error.hpp"

namespace avala {

namespace json = boost::json;

// A decoded body: its text (string fields view into it), an arena for what
// is not a plain view (strings that held escapes, nested values), every
// field of every record, and the records. Members are destroyed in reverse:
// records, fields, values (trivially: their storage is the arena), arena, text.
struct Document {
  std::string text;
  json::monotonic_resource arena;
  std::vector<json::value> values;
  std::vector<Record::Field> fields;
  std::unique_ptr<Record[]> records;
  std::size_t count = 0;

  explicit Document(std::string body) : text(std::move(body)) {
    // A field takes ~30 bytes of text in typical pages; a body of one huge
    // string must not reserve as much.
    fields.reserve(std::min<std::size_t>(text.size() / 24, 1 << 14));
  }

  bool in_text(std::string_view s) const noexcept {
    auto at = reinterpret_cast<std::uintptr_t>(s.data());
    auto begin = reinterpret_cast<std::uintptr_t>(text.data());
    return at >= begin && at + s.size() <= begin + text.size();
  }

  // A view of `s` that lives as long as the document: `s` itself when it is
  // in the text, else a copy in the arena, followed by a NUL.
  std::string_view keep(std::string_view s) {
    if (in_text(s)) return s;
    auto* p = static_cast<char*>(arena.allocate(s.size() + 1, 1));
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return {p, s.size()};
  }

  // Every string value is then followed by a NUL, so the C ABI can hand it
  // out as a C string: in the text, the NUL replaces the closing quote
  // (the text is not read again once parsed).
  void terminate_strings() noexcept {
    for (const auto& f : fields) {
      if (!f.is_string() || !in_text(f.text())) continue;
      text[static_cast<std::size_t>(f.text().data() - text.data()) + f.text().size()] = '\0';
    }
  }

  json::storage_ptr storage() noexcept { return json::storage_ptr(&arena); }

  void make_records(const std::vector<std::pair<std::size_t, std::size_t>>& spans) {
    count = spans.size();
    records = std::make_unique<Record[]>(count);
    for (std::size_t i = 0; i < count; ++i) {
      records[i].doc_ = this;
      records[i].fields_ = std::span<const Record::Field>(fields.data() + spans[i].first,
                                                         spans[i].second - spans[i].first);
    }
  }
};

namespace {

using Field = Record::Field;

enum class Shape { list, array, object };

// The basic_parser handler. It tracks where each event is: at the root, a
// top-level field of a list body, an element of the list, a field of a
// record (recorded), inside a field's nested value (built with a
// value_stack), or inside a value nobody asked for (skipped).
class BodyHandler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  BodyHandler(Document& doc, Shape shape)
      : doc_(doc), shape_(shape), item_depth_(shape == Shape::object ? 1 : shape == Shape::array ? 2 : 3) {}

  const char* error = nullptr;  // why the body was refused, when it parsed but is the wrong shape
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // each record's fields
  std::optional<std::string> next, previous;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code& ec) {
    if (shape_ == Shape::list && !results_seen_) return fail(ec, "response is not a page: no 'results' list");
    return true;
  }

  bool on_object_begin(json::error_code& ec) { return begin(true, ec); }
  bool on_object_end(std::size_t n, json::error_code&) { return end(true, n); }
  bool on_array_begin(json::error_code& ec) { return begin(false, ec); }
  bool on_array_end(std::size_t n, json::error_code&) { return end(false, n); }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) { return piece(s); }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    if (plain_field(s)) {  // the common case, first
      key_ = {s.data(), s.size()};
      return true;
    }
    if (capture_ >= 0) {
      stack_.push_key(s);
      return true;
    }
    if (skip_ >= 0) return true;
    std::string_view k = whole(s);
    if (depth_ == item_depth_) {
      key_ = doc_.keep(k);
    } else if (shape_ == Shape::list && depth_ == 1) {
      top_ = k == "results" ? Top::results : k == "next" ? Top::next : k == "previous" ? Top::previous : Top::other;
    }
    part_.clear();
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, json::error_code&) { return piece(s); }
  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    if (plain_field(s)) {  // the common case, first
      doc_.fields.emplace_back(key_, std::string_view(s.data(), s.size()));
      return true;
    }
    if (capture_ >= 0) {
      stack_.push_string(s);
      return true;
    }
    if (skip_ >= 0) return true;
    std::string_view v = whole(s);
    bool ok = true;
    switch (where()) {
      case Where::field: doc_.fields.emplace_back(key_, doc_.keep(v)); break;
      case Where::top_field:
        if (top_ == Top::next) next.emplace(v);
        if (top_ == Top::previous) previous.emplace(v);
        ok = top_ != Top::results || fail(ec, "response is not a page: no 'results' list");
        break;
      default: ok = misplaced_scalar(ec);
    }
    part_.clear();
    return ok;
  }

  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t v, json::string_view, json::error_code& ec) {
    return capture_ >= 0 ? (stack_.push_int64(v), true) : scalar(json::value(v), ec);
  }
  bool on_uint64(std::uint64_t v, json::string_view, json::error_code& ec) {
    return capture_ >= 0 ? (stack_.push_uint64(v), true) : scalar(json::value(v), ec);
  }
  bool on_double(double v, json::string_view, json::error_code& ec) {
    return capture_ >= 0 ? (stack_.push_double(v), true) : scalar(json::value(v), ec);
  }
  bool on_bool(bool v, json::error_code& ec) {
    return capture_ >= 0 ? (stack_.push_bool(v), true) : atom(v ? Field::kTrue : Field::kFalse, ec);
  }
  bool on_null(json::error_code& ec) { return capture_ >= 0 ? (stack_.push_null(), true) : atom(Field::kNull, ec); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  enum class Where { root, top_field, element, field, other };
  enum class Top { other, results, next, previous };

  // A key or string value of a record's field that came whole and is in
  // the text: it is used as it is.
  bool plain_field(json::string_view s) const noexcept {
    return depth_ == item_depth_ && capture_ < 0 && skip_ < 0 && part_.empty() && doc_.in_text({s.data(), s.size()});
  }

  Where where() const noexcept {
    if (depth_ == 0) return Where::root;
    if (depth_ == item_depth_) return Where::field;
    if (shape_ == Shape::list && depth_ == 1) return Where::top_field;
    if ((shape_ == Shape::list && depth_ == 2 && top_ == Top::results) || (shape_ == Shape::array && depth_ == 1)) {
      return Where::element;
    }
    return Where::other;
  }

  bool fail(json::error_code& ec, const char* why) {
    error = why;
    ec = json::error::syntax;  // stops the parser; `error` says why
    return false;
  }

  // A piece of a key or string that comes in pieces (it held an escape).
  bool piece(json::string_view s) {
    if (capture_ >= 0) {
      stack_.push_chars(s);
    } else if (skip_ < 0) {
      part_.append(s.data(), s.size());
    }
    return true;
  }

  // The text of a string or key that may have come in pieces.
  std::string_view whole(json::string_view s) {
    if (part_.empty()) return {s.data(), s.size()};
    part_.append(s.data(), s.size());
    return part_;
  }

  bool misplaced_scalar(json::error_code& ec) {
    switch (where()) {
      case Where::root:
        return fail(ec, shape_ == Shape::array ? "response is not a JSON array" : "response is not a JSON object");
      case Where::element: return fail(ec, "a list item is not a JSON object");
      default: return true;
    }
  }

  // A number: kept as a Boost.JSON value.
  bool scalar(json::value v, json::error_code& ec) {
    if (skip_ >= 0) return true;
    if (where() == Where::field) return add_value(std::move(v));
    return top_or_misplaced(false, ec);
  }

  // true, false or null: kept in the field itself.
  bool atom(std::uint32_t code, json::error_code& ec) {
    if (skip_ >= 0) return true;
    if (where() == Where::field) {
      doc_.fields.emplace_back(key_, code);
      return true;
    }
    return top_or_misplaced(code == Field::kNull, ec);
  }

  // A value other than a string, outside any record.
  bool top_or_misplaced(bool null, json::error_code& ec) {
    if (where() != Where::top_field) return misplaced_scalar(ec);
    if (top_ == Top::results) return fail(ec, "response is not a page: no 'results' list");
    if ((top_ == Top::next || top_ == Top::previous) && !null) {
      return fail(ec, top_ == Top::next ? "page field 'next' is not a string" : "page field 'previous' is not a string");
    }
    if (top_ == Top::next) next.reset();  // of duplicate keys the last wins
    if (top_ == Top::previous) previous.reset();
    return true;
  }

  bool add_value(json::value v) {
    doc_.fields.emplace_back(key_, static_cast<std::uint32_t>(doc_.values.size()));
    doc_.values.push_back(std::move(v));
    return true;
  }

  bool begin(bool object, json::error_code& ec) {
    if (capture_ < 0 && skip_ < 0) {
      switch (where()) {
        case Where::root:
          if (object == (shape_ == Shape::array)) {
            return fail(ec, shape_ == Shape::array ? "response is not a JSON array" : "response is not a JSON object");
          }
          break;
        case Where::top_field:
          if (top_ == Top::results) {
            if (object) return fail(ec, "response is not a page: no 'results' list");
            if (results_seen_) return fail(ec, "response has two 'results' lists");
            results_seen_ = true;
          } else if (top_ == Top::next || top_ == Top::previous) {
            return fail(ec, top_ == Top::next ? "page field 'next' is not a string"
                                              : "page field 'previous' is not a string");
          } else {
            skip_ = depth_;
          }
          break;
        case Where::element:
          if (!object) return fail(ec, "a list item is not a JSON object");
          item_begin_ = doc_.fields.size();
          break;
        case Where::field:
          capture_ = depth_;
          stack_.reset(doc_.storage());
          break;
        case Where::other: skip_ = depth_; break;
      }
    }
    ++depth_;
    return true;
  }

  bool end(bool object, std::size_t n) {
    --depth_;
    if (capture_ >= 0) {
      if (object) {
        stack_.push_object(n);
      } else {
        stack_.push_array(n);
      }
      if (depth_ == capture_) {
        capture_ = -1;
        return add_value(stack_.release());
      }
      return true;
    }
    if (skip_ >= 0) {
      if (depth_ == skip_) skip_ = -1;
      return true;
    }
    if (object && depth_ == item_depth_ - 1) {
      // A record closes: the root object, or an element of the list.
      spans.emplace_back(item_begin_, doc_.fields.size());
    }
    return true;
  }

  Document& doc_;
  const Shape shape_;
  const int item_depth_;  // the depth at which a record's fields are
  int depth_ = 0;         // containers open
  Top top_ = Top::other;  // the list body's top-level key being read
  bool results_seen_ = false;
  int skip_ = -1;     // >= 0: inside a value nobody asked for, opened at this depth
  int capture_ = -1;  // >= 0: inside a field's nested value, opened at this depth
  json::value_stack stack_;
  std::string part_;
  std::string_view key_;
  std::size_t item_begin_ = 0;
};

struct Decoded {
  std::shared_ptr<Document> doc;
  std::optional<std::string> next, previous;

  std::vector<RecordRef> records() const {
    std::vector<RecordRef> out;
    out.reserve(doc->count);
    for (std::size_t i = 0; i < doc->count; ++i) out.emplace_back(doc, &doc->records[i]);
    return out;
  }
};

Decoded decode(std::string body, Shape shape) {
  // Fields keep 32-bit sizes (bodies are capped far below this by max_body_bytes).
  if (body.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw Error(ErrorKind::decode, "response is too large to decode");
  }
  auto doc = std::make_shared<Document>(std::move(body));
  json::basic_parser<BodyHandler> parser(json::parse_options{}, *doc, shape);
  json::error_code ec;
  const std::string& text = doc->text;
  std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  auto& h = parser.handler();
  if (h.error != nullptr) throw Error(ErrorKind::decode, h.error);
  if (!ec && used < text.size()) ec = json::error::extra_data;
  if (ec) throw Error(ErrorKind::decode, "response is not valid JSON: " + ec.message());
  doc->terminate_strings();
  doc->make_records(h.spans);
  return {std::move(doc), std::move(h.next), std::move(h.previous)};
}

}  // namespace

std::optional<std::string_view> Record::string(std::string_view key) const noexcept {
  for (auto f = fields_.rbegin(); f != fields_.rend(); ++f) {
    if (f->key() == key) return f->is_string() ? std::optional<std::string_view>(f->text()) : std::nullopt;
  }
  return std::nullopt;
}

const boost::json::object& Record::json() const {
  std::call_once(built_, [this] {
    json::object o;
    o.reserve(fields_.size());
    for (const auto& f : fields_) {
      if (f.is_string()) {
        o.insert_or_assign(f.key(), json::string(f.text()));
      } else if (f.index() == Field::kNull) {
        o.insert_or_assign(f.key(), nullptr);
      } else if (f.index() >= Field::kTrue) {
        o.insert_or_assign(f.key(), f.index() == Field::kTrue);
      } else {
        // Copied into o's storage (the arena is not shared between threads).
        o.insert_or_assign(f.key(), doc_->values[f.index()]);
      }
    }
    json_ = std::move(o);
  });
  return json_;
}

ListBody decode_list(std::string body) {
  Decoded d = decode(std::move(body), Shape::list);
  return {d.records(), std::move(d.next), std::move(d.previous)};
}

std::vector<RecordRef> decode_array(std::string body) { return decode(std::move(body), Shape::array).records(); }

RecordRef decode_object(std::string body) {
  Decoded d = decode(std::move(body), Shape::object);
  return RecordRef(d.doc, &d.doc->records[0]);
}

std::string_view required_string(const Record& record, std::string_view key, std::string_view what) {
  auto v = record.string(key);
  if (!v) {
    throw Error(ErrorKind::decode,
                std::string(what) + " in the response has no string field '" + std::string(key) + "'");
  }
  return *v;
}

}  // namespace avala
