#include <doctest/doctest.h>

#include <zlib.h>

#include <functional>
#include <string>

#include "avala/error.hpp"
#include "inflate.hpp"
#include "kind_of.hpp"

using avala::ErrorKind;
using avala::Inflater;
using avala::inflate_body;

namespace {

constexpr int kGzip = 16 + MAX_WBITS, kZlib = MAX_WBITS, kRaw = -MAX_WBITS;

// zlib's own deflate, in one of its three wrappers.
std::string compress(std::string_view data, int window_bits) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// A JSON-ish text that compresses well but not absurdly.
std::string sample(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; s.size() < n; ++i) {
    s += "{\"uid\":\"" + std::to_string(i * 2654435761u % 1000003) + "\",\"name\":\"project " + std::to_string(i) + "\"},";
  }
  s.resize(n);
  return s;
}

std::string decode_in_pieces(std::string_view encoding, std::string_view body, std::size_t piece,
                             std::size_t limit = 64u << 20) {
  Inflater inflater(encoding, limit);
  std::string out;
  for (std::size_t i = 0; i < body.size(); i += piece) inflater.feed(body.substr(i, piece), out);
  inflater.finish();
  return out;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const avala::Error& e) {
    CHECK(e.kind() == ErrorKind::decode);
    return e.what();
  }
  FAIL("expected an avala::Error");
  return {};
}

bool contains(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

}  // namespace

TEST_CASE("gzip, zlib-wrapped deflate, raw deflate and identity bodies decode to the original, in any pieces") {
  const std::string data = sample(300'000);
  struct Case {
    const char* encoding;
    std::string body;
  } cases[] = {
      {"gzip", compress(data, kGzip)},    {"x-gzip", compress(data, kGzip)}, {"GZip", compress(data, kGzip)},
      {"deflate", compress(data, kZlib)}, {"deflate", compress(data, kRaw)}, {"identity", data},
      {"", data},
  };
  for (const auto& c : cases) {
    for (std::size_t piece : {std::size_t(1), std::size_t(7), std::size_t(4096), c.body.size()}) {
      CAPTURE(c.encoding);
      CAPTURE(piece);
      CHECK(decode_in_pieces(c.encoding, c.body, piece) == data);
    }
  }
  CHECK(compress(data, kGzip).size() < data.size() / 3);  // the test really compresses
}

TEST_CASE("identity entries in a Content-Encoding list are ignored") {
  const std::string data = sample(10'000);
  CHECK(inflate_body("gzip, identity", compress(data, kGzip), 1 << 20) == data);
  CHECK(inflate_body(" identity , deflate ", compress(data, kZlib), 1 << 20) == data);
  CHECK(Inflater("identity, identity", 10).identity());
}

TEST_CASE("an unknown Content-Encoding is a decode error that names it") {
  CHECK(message_of([] { Inflater("br", 100); }) == "unsupported Content-Encoding 'br'");
  CHECK(message_of([] { Inflater("gzip, zstd", 100); }) == "unsupported Content-Encoding 'zstd'");
  CHECK(message_of([] { Inflater("compress\r\nX: 1", 100); }) == "unsupported Content-Encoding 'compress??x: 1'");
}

TEST_CASE("two real codings stacked are refused clearly") {
  auto msg = message_of([] { Inflater("gzip, gzip", 100); });
  CHECK(contains(msg, "stacked Content-Encoding 'gzip, gzip' is not supported"));
  CHECK(contains(message_of([] { Inflater("deflate, gzip", 100); }), "stacked"));
}

TEST_CASE("the size limit applies to the decoded size: exactly the limit passes, one byte more fails") {
  const std::string data(100'000, 'a');
  const std::string body = compress(data, kGzip);
  CHECK(body.size() < 1000);
  CHECK(inflate_body("gzip", body, data.size()) == data);
  CHECK(message_of([&] { inflate_body("gzip", body, data.size() - 1); }) ==
        "decoded response body exceeds the 99999-byte limit");
  CHECK(message_of([&] { inflate_body("identity", data, data.size() - 1); }) ==
        "decoded response body exceeds the 99999-byte limit");
}

TEST_CASE("a 10 GiB gzip bomb is refused at the limit, having read little of it, in bounded memory") {
  // A gzip stream of 10 GiB of zeros, made as zlib makes it, one MiB at a
  // time: after a full flush each further MiB compresses to the same bytes,
  // so the stream is the first piece and then `unit` repeated 10239 times.
  const std::string zeros(1 << 20, '\0');
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, kGzip, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  auto next = [&] {
    std::string out(zeros.size(), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    z.avail_in = static_cast<uInt>(zeros.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&z, Z_FULL_FLUSH) == Z_OK);
    out.resize(out.size() - z.avail_out);
    return out;
  };
  const std::string first = next(), unit = next();
  REQUIRE(next() == unit);
  deflateEnd(&z);
  const std::size_t units = (std::size_t(10) << 30) / zeros.size();  // 10 GiB decoded in all
  CHECK((first.size() + (units - 1) * unit.size()) < (std::size_t(16) << 20));  // < 16 MiB on the wire

  const std::size_t limit = 8u << 20;
  Inflater inflater("gzip", limit);
  std::string out;
  std::size_t fed = 0, pieces = 0;
  std::string error;
  try {
    inflater.feed(first, out);
    fed += first.size();
    for (pieces = 1; pieces < units; ++pieces) {
      inflater.feed(unit, out);
      fed += unit.size();
    }
  } catch (const avala::Error& e) {
    error = e.what();
  }
  CHECK(error == "decoded response body exceeds the 8388608-byte limit");
  CHECK(pieces <= 9);                     // stopped after ~8 MiB of the 10 GiB
  CHECK(out.size() <= limit);             // never appended past the limit
  CHECK(out.capacity() <= 2 * limit);     // std::string's growth, no more
  CHECK(inflater.decoded_bytes() <= limit);
  CHECK(fed < 64 * 1024);
}

TEST_CASE("a truncated compressed body is a decode error at its end") {
  const std::string data = sample(50'000);
  for (int bits : {kGzip, kZlib, kRaw}) {
    CAPTURE(bits);
    const std::string body = compress(data, bits);
    const char* encoding = bits == kGzip ? "gzip" : "deflate";
    for (std::size_t cut : {std::size_t(1), std::size_t(4), body.size() / 2, body.size() - 1}) {
      CAPTURE(cut);
      auto msg = message_of([&] { inflate_body(encoding, std::string_view(body).substr(0, cut), 1 << 20); });
      CHECK(msg == std::string(encoding) + " response body is truncated");
    }
  }
}

TEST_CASE("an empty body with a Content-Encoding is an empty body") {
  CHECK(inflate_body("gzip", "", 100).empty());
  CHECK(inflate_body("deflate", "", 100).empty());
}

TEST_CASE("bytes after the end of the stream are an error; a second gzip member is decoded") {
  const std::string a = sample(5'000), b = sample(7'000);
  CHECK(inflate_body("gzip", compress(a, kGzip) + compress(b, kGzip), 1 << 20) == a + b);
  CHECK(decode_in_pieces("gzip", compress(a, kGzip) + compress(b, kGzip), 3) == a + b);

  CHECK(message_of([&] { inflate_body("gzip", compress(a, kGzip) + "garbage", 1 << 20); }) ==
        "response body has bytes after the end of its gzip stream");
  CHECK(message_of([&] { inflate_body("gzip", compress(a, kGzip) + "\n", 1 << 20); }) ==
        "response body has bytes after the end of its gzip stream");
  CHECK(message_of([&] { inflate_body("deflate", compress(a, kZlib) + "xy", 1 << 20); }) ==
        "response body has 2 bytes after the end of its deflate stream");
}

TEST_CASE("corrupt compressed data is a decode error") {
  const std::string data = sample(50'000);
  std::string gz = compress(data, kGzip);
  gz[gz.size() - 6] = static_cast<char>(gz[gz.size() - 6] ^ 0x55);  // the CRC
  CHECK(contains(message_of([&] { inflate_body("gzip", gz, 1 << 20); }), "corrupt gzip response body"));
  CHECK(contains(message_of([&] { inflate_body("gzip", "this is not gzip at all", 1 << 20); }),
                 "corrupt gzip response body"));
  std::string zl = compress(data, kZlib);
  zl[zl.size() / 2] = static_cast<char>(zl[zl.size() / 2] ^ 0xff);
  CHECK(kind_of([&] { inflate_body("deflate", zl, 1 << 20); }) == ErrorKind::decode);
}
