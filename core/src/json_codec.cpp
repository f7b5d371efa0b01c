// Bodies are read by simdjson's On-Demand API straight into records: no tree
// is built for the fields callers read most. Nested values and numbers are
// Boost.JSON values, parsed from their text.
//
// Why simdjson: with read-ahead a page walk is bound by the client's CPU,
// and Boost.JSON's scanner alone (a SAX handler doing nothing) took ~20 µs of
// a 35 KB page, ~40% of what the raw HTTP loop spends on the whole page; this
// reader takes about half of the SAX decoder's time (bench/RESULTS.md).
#include "avala/json_codec.hpp"

#include <simdjson.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <algorithm>
#include <cstring>
#include <limits>

#include "avala/error.hpp"

// Small helpers run for every field or token: forced inline into the loops,
// where simdjson's iterators stay in registers (perf: copied out and back,
// they stalled on store forwarding at every field).
#define AVALA_INLINE [[gnu::always_inline]] inline

namespace avala {

namespace json = boost::json;
static_assert(kBodyPadding == simdjson::SIMDJSON_PADDING);

// A decoded body: its text (string fields view into it), an arena for what
// is not a plain view (strings that held escapes, nested values), every
// field of every record, and the records. Members are destroyed in reverse:
// records, fields, values (trivially: their storage is the arena), arena, text.
struct Document : detail::BodyCount {
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

  // A copy of `s` (a string the parser unescaped into its own buffer, which
  // the next body reuses) that lives as long as the document, followed by a NUL.
  std::string_view copy(std::string_view s) {
    auto* p = static_cast<char*>(arena.allocate(s.size() + 1, 1));
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return {p, s.size()};
  }

  json::storage_ptr storage() noexcept { return json::storage_ptr(&arena); }

  void make_records(const std::vector<std::pair<std::size_t, std::size_t>>& spans) {
    count = spans.size();
    records = std::make_unique<Record[]>(count);
    for (std::size_t i = 0; i < count; ++i) {
      records[i].body_ = this;
      records[i].fields_ = std::span<const Record::Field>(fields.data() + spans[i].first,
                                                         spans[i].second - spans[i].first);
    }
  }
};

namespace {

using Field = Record::Field;
namespace od = simdjson::ondemand;

enum class Shape { list, array, object };

// Boost.JSON's default depth limit, applied to the whole body as if Boost.JSON
// had parsed it all.
constexpr int kMaxDepth = 32;
// A thread keeps its parser (whose buffers grow to ~6x the largest body it
// read) for bodies up to this size, so a thread holds at most ~1.5 MB of them;
// a larger body (a page of more than ~700 projects) gets a parser of its own.
constexpr std::size_t kKeepParserBytes = 256 << 10;

[[noreturn, gnu::cold]] void refuse(const char* why) { throw Error(ErrorKind::decode, why); }
[[noreturn, gnu::cold]] void invalid(std::string_view why) {
  throw Error(ErrorKind::decode, "response is not valid JSON: " + std::string(why));
}
[[noreturn, gnu::cold]] void fail(simdjson::error_code e) {
  if (e == simdjson::MEMALLOC) throw std::bad_alloc();
  invalid(simdjson::error_message(e));
}
// Called for every token, with the failure out of line (in libavala.so GCC
// had stopped inlining it: ~7% of a walk).
AVALA_INLINE void check(simdjson::error_code e) {
  if (e != simdjson::SUCCESS) [[unlikely]] fail(e);
}

// Reads a body with simdjson's On-Demand API, in one forward pass, into the
// document's records. String keys and values without escapes are views into
// the text; anything else that is not a string, true, false or null (numbers,
// nested objects and arrays) is handed to Boost.JSON as its text, so every
// byte of the body is validated by one parser or the other.
class Reader {
 public:
  Reader(Document& doc, Shape shape) : doc_(doc), shape_(shape), escape_(find_backslash(doc.text.data())) {}

  std::vector<std::pair<std::size_t, std::size_t>> spans;  // each record's fields
  std::optional<std::string> next, previous;

  void read(od::parser& parser) {
    const std::string& text = doc_.text;
    od::document root;
    check(parser.iterate(text.data(), text.size(), text.capacity()).get(root));
    if (shape_ == Shape::array) {
      od::array items;
      if (auto e = root.get_array().get(items)) refuse_root(e);
      read_items(items, 1);
    } else {
      od::object object;
      if (auto e = root.get_object().get(object)) refuse_root(e);
      if (shape_ == Shape::object) {
        read_record(object, 1);
      } else {
        read_list(object);
      }
    }
    // Anything after the root value.
    if (!root.current_location().error()) invalid(simdjson::error_message(simdjson::TRAILING_CONTENT));
  }

 private:
  // The root is not the container asked for: say which, unless it is not
  // JSON at all (simdjson's root checks also fail a truncated body here).
  [[noreturn]] void refuse_root(simdjson::error_code e) {
    check(e == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : e);
    refuse(shape_ == Shape::array ? "response is not a JSON array" : "response is not a JSON object");
  }

  void read_list(od::object& body) {
    bool seen = false;
    for (auto member : body) {
      // By reference: a copy of simdjson's iterators costs a store-forwarding
      // stall on every field (perf: most of a page's decoding).
      check(member.error());
      od::field& f = member.value_unsafe();
      std::string_view key = key_of(f);
      od::value& v = f.value();
      if (key == "results") {
        od::array items;
        if (type_of(v) != od::json_type::array) refuse("response is not a page: no 'results' list");
        if (seen) refuse("response has two 'results' lists");
        seen = true;
        check(v.get_array().get(items));
        read_items(items, 2);
      } else if (key == "next" || key == "previous") {
        auto& link = key == "next" ? next : previous;
        switch (type_of(v)) {
          case od::json_type::string: link.emplace(string_of(v)); break;
          case od::json_type::null:
            null_of(v);
            link.reset();  // of duplicate keys the last wins
            break;
          default: refuse(key == "next" ? "page field 'next' is not a string" : "page field 'previous' is not a string");
        }
      } else {
        skip(v, 1);
      }
    }
    if (!seen) refuse("response is not a page: no 'results' list");
  }

  void read_items(od::array& items, int depth) {
    for (auto element : items) {
      od::value v;
      check(std::move(element).get(v));
      od::object record;
      if (type_of(v) != od::json_type::object) refuse("a list item is not a JSON object");
      check(v.get_object().get(record));
      read_record(record, depth + 1);
    }
  }

  // A record's top-level fields; `depth` counts the containers around them.
  void read_record(od::object& record, int depth) {
    std::size_t begin = doc_.fields.size();
    for (auto member : record) {
      // By reference: a copy of simdjson's iterators costs a store-forwarding
      // stall on every field (perf: most of a page's decoding).
      check(member.error());
      od::field& f = member.value_unsafe();
      od::value& v = f.value();
      // The value's text, up to the next token. Its first character gives
      // the type, as simdjson's type() would; anything else goes to tree(),
      // which asks simdjson and reports its error.
      std::string_view token = v.raw_json_token();
      std::string_view key = key_of(f, token.data());
      switch (token.empty() ? '\0' : token[0]) {
        case '"': doc_.fields.emplace_back(key, string_of(v, token)); break;
        case 't':
        case 'f': {
          bool b = false;
          check(v.get_bool().get(b));
          doc_.fields.emplace_back(key, b ? Field::kTrue : Field::kFalse);
          break;
        }
        case 'n':
          null_of(v);
          doc_.fields.emplace_back(key, Field::kNull);
          break;
        default:
          doc_.fields.emplace_back(key, static_cast<std::uint32_t>(doc_.values.size()));
          doc_.values.push_back(tree(v, depth));
      }
    }
    spans.emplace_back(begin, doc_.fields.size());
  }

  AVALA_INLINE static od::json_type type_of(od::value& v) {
    od::json_type type{};
    check(v.type().get(type));
    return type;
  }

  AVALA_INLINE static void null_of(od::value& v) {
    bool null = false;
    check(v.is_null().get(null));
    if (!null) invalid(simdjson::error_message(simdjson::N_ATOM_ERROR));
  }

  // Whether `s` (a string in the text; strings are asked about in the
  // order they come) holds a backslash. One pass of memchr from backslash to
  // backslash over the whole text: a body with none costs a single call.
  AVALA_INLINE bool has_escape(std::string_view s) noexcept {
    while (escape_ < s.data()) escape_ = find_backslash(escape_ + 1);
    return escape_ < s.data() + s.size();
  }

  const char* find_backslash(const char* from) const noexcept {
    const char* end = doc_.text.data() + doc_.text.size();
    auto* at = static_cast<const char*>(std::memchr(from, '\\', static_cast<std::size_t>(end - from)));
    return at != nullptr ? at : end;
  }

  // A field's key: a view of the text between its quotes when it holds no
  // escape. Only whitespace and the colon separate the key's closing quote
  // from the value (simdjson checked), so it is found by stepping back.
  AVALA_INLINE std::string_view key_of(od::field& f) { return key_of(f, f.value().raw_json_token().data()); }
  // The same, given where the field's value starts.
  AVALA_INLINE std::string_view key_of(od::field& f, const char* value) {
    const char* begin = f.key().raw();  // just after the opening quote
    const char* quote = value - 1;
    while (*quote != '"') --quote;
    std::string_view k(begin, static_cast<std::size_t>(quote - begin));
    if (!has_escape(k)) return k;
    check(f.unescaped_key().get(k));
    return doc_.copy(k);
  }

  // A string value: a view of the text between its quotes when it holds no
  // escape (its token ends with the closing quote, then maybe whitespace).
  AVALA_INLINE std::string_view string_of(od::value& v) { return string_of(v, v.raw_json_token()); }
  // The same, given the value's token.
  AVALA_INLINE std::string_view string_of(od::value& v, std::string_view token) {
    std::size_t quote = token.size() - 1;
    while (quote > 0 && token[quote] != '"') --quote;
    std::string_view s = token.substr(1, quote > 0 ? quote - 1 : 0);
    if (quote > 0 && !has_escape(s)) {
      // Consumed, not left for simdjson to skip: its skip takes a string
      // followed by a colon for a key, which would let {"a":"x":"y"}} through.
      check(v.get_raw_json_string().error());
      // Followed by a NUL, so the C ABI can hand it out as a C string: the
      // NUL replaces the closing quote, which nothing reads again (simdjson
      // has moved past the token; a key is found stepping back from its own
      // value, never past its opening quote).
      doc_.text[static_cast<std::size_t>(s.data() + s.size() - doc_.text.data())] = '\0';
      return s;
    }
    check(v.get_string().get(s));
    return doc_.copy(s);
  }

  // A number, object or array, as Boost.JSON parses its text, in the
  // document's arena.
  json::value tree(od::value& v, int depth) {
    std::string_view text;
    od::json_type type = type_of(v);
    if (type == od::json_type::object) {
      od::object o;
      check(v.get_object().get(o));
      check(o.raw_json().get(text));
    } else if (type == od::json_type::array) {
      od::array a;
      check(v.get_array().get(a));
      check(a.raw_json().get(text));
    } else {
      text = v.raw_json_token();
    }
    json::parse_options opt;
    opt.max_depth = static_cast<std::size_t>(std::max(kMaxDepth - depth, 0));
    json::error_code ec;
    json::value out = json::parse(json::string_view(text.data(), text.size()), ec, doc_.storage(), opt);
    if (ec) invalid(ec.message());
    return out;
  }

  // A value nobody asked for: still checked.
  void skip(od::value& v, int depth) {
    switch (type_of(v)) {
      case od::json_type::string: {
        std::string_view s;
        check(v.get_string().get(s));
        break;
      }
      case od::json_type::boolean: check(v.get_bool().error()); break;
      case od::json_type::null: null_of(v); break;
      default: (void)tree(v, depth);
    }
  }

  Document& doc_;
  const Shape shape_;
  const char* escape_;  // the first backslash at or after the last string asked about, or the text's end
};

struct Decoded {
  std::unique_ptr<Document> doc;
  std::optional<std::string> next, previous;

  // Hands the body over to Records: a reference of their own, and one for
  // each record (counted here, once, before any other thread can see it).
  Records records() && {
    std::size_t n = doc->count;
    doc->refs.store(n + 1, std::memory_order_relaxed);
    const Document* d = doc.release();
    return Records(d, std::span<const Record>(d->records.get(), n), n);
  }
};

Decoded decode(std::string body, Shape shape) {
  // Fields keep 32-bit sizes (bodies are capped far below this by max_body_bytes).
  if (body.size() > std::numeric_limits<std::uint32_t>::max() - kBodyPadding) {
    throw Error(ErrorKind::decode, "response is too large to decode");
  }
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: they must be
  // ours, and are set (the transport reserves room for them).
  std::size_t size = body.size();
  body.append(kBodyPadding, '\0');
  body.resize(size);
  auto doc = std::make_unique<Document>(std::move(body));
  Reader reader(*doc, shape);
  if (size <= kKeepParserBytes) {
    thread_local od::parser parser;
    reader.read(parser);
  } else {
    od::parser parser;
    reader.read(parser);
  }
  doc->make_records(reader.spans);
  return {std::move(doc), std::move(reader.next), std::move(reader.previous)};
}

}  // namespace

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
        o.insert_or_assign(f.key(), doc().values[f.index()]);
      }
    }
    json_ = std::move(o);
  });
  return json_;
}

RawPage decode_page(std::string body) {
  Decoded d = decode(std::move(body), Shape::list);
  auto next = std::move(d.next), previous = std::move(d.previous);
  return {std::move(d).records(), std::move(next), std::move(previous)};
}

Records decode_array(std::string body) { return decode(std::move(body), Shape::array).records(); }

namespace detail {
void destroy_body(const BodyCount* body) noexcept { delete static_cast<const Document*>(body); }
}  // namespace detail

const Document& Record::doc() const noexcept { return static_cast<const Document&>(*body_); }

RecordRef decode_object(std::string body) {
  Decoded d = decode(std::move(body), Shape::object);
  d.doc->refs.store(1, std::memory_order_relaxed);  // the body's only reference
  return RecordRef::adopt(&d.doc.release()->records[0]);
}

void missing_field(std::string_view what, std::string_view key) {
  throw Error(ErrorKind::decode, std::string(what) + " in the response has no string field '" + std::string(key) + "'");
}

}  // namespace avala
