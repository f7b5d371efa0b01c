#include "inflate.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <new>
#include <vector>

#include "avala/error.hpp"

namespace avala {

namespace {

enum class Coding { identity, gzip, deflate };

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Header text in a message: printable ASCII, at most 100 characters.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 100)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

Coding coding_of(std::string_view header) {
  const std::string_view whole = trim(header);
  std::vector<std::string> real;
  while (true) {
    auto comma = header.find(',');
    std::string item(trim(header.substr(0, comma)));
    std::transform(item.begin(), item.end(), item.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!item.empty() && item != "identity") real.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  if (real.empty()) return Coding::identity;
  for (const auto& r : real) {
    if (r != "gzip" && r != "x-gzip" && r != "deflate") {
      throw Error(ErrorKind::decode, "unsupported Content-Encoding '" + printable(r) + "'");
    }
  }
  if (real.size() > 1) {
    throw Error(ErrorKind::decode, "stacked Content-Encoding '" + printable(whole) +
                                       "' is not supported (one of gzip or deflate, optionally with identity)");
  }
  return real[0] == "deflate" ? Coding::deflate : Coding::gzip;
}

// A zlib (RFC 1950) header: compression method 8, window <= 32K, check bits.
bool zlib_header(unsigned char cmf, unsigned char flg) {
  return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
}

}  // namespace

struct Inflater::State {
  Coding coding;
  std::size_t limit;
  std::size_t produced = 0;
  bool fed = false;          // any body byte seen
  bool z_ready = false;      // inflateInit2 done
  bool ended = false;        // the current stream (gzip member) is complete
  bool extra_member = false; // gzip: decoding what followed a complete member
  std::string head;          // deflate: the first bytes, until the wrapper is known
  z_stream z{};
  std::array<unsigned char, 64 * 1024> buf;

  ~State() {
    if (z_ready) inflateEnd(&z);
  }

  const char* name() const { return coding == Coding::gzip ? "gzip" : "deflate"; }

  void start(int window_bits) {
    int rc = inflateInit2(&z, window_bits);
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    if (rc != Z_OK) throw Error(ErrorKind::internal, "zlib inflateInit2 failed");
    z_ready = true;
  }

  void append(const unsigned char* p, std::size_t n, std::string& out) {
    if (n > limit - produced) {
      throw Error(ErrorKind::decode, "decoded response body exceeds the " + std::to_string(limit) + "-byte limit");
    }
    out.append(reinterpret_cast<const char*>(p), n);
    produced += n;
  }

  void run(std::string_view data, std::string& out) {
    while (!data.empty()) {
      if (ended) {
        // Bytes after a complete stream: another gzip member (RFC 1952
        // allows several), else an error.
        if (coding != Coding::gzip) {
          throw Error(ErrorKind::decode, "response body has " + std::to_string(data.size()) +
                                             " bytes after the end of its deflate stream");
        }
        inflateReset(&z);
        ended = false;
        extra_member = true;
      }
      const auto* in = reinterpret_cast<const unsigned char*>(data.data());
      z.next_in = const_cast<unsigned char*>(in);
      z.avail_in = static_cast<uInt>(std::min<std::size_t>(data.size(), UINT_MAX));
      const uInt given = z.avail_in;
      int rc = Z_OK;
      do {
        z.next_out = buf.data();
        z.avail_out = static_cast<uInt>(buf.size());
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_MEM_ERROR) throw std::bad_alloc();
        if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR) {
          if (extra_member && z.total_in <= 2) {
            throw Error(ErrorKind::decode, "response body has bytes after the end of its gzip stream");
          }
          throw Error(ErrorKind::decode, std::string("corrupt ") + name() + " response body" +
                                             (z.msg ? std::string(": ") + z.msg : std::string()));
        }
        append(buf.data(), buf.size() - z.avail_out, out);
        if (rc == Z_STREAM_END) {
          ended = true;
          break;
        }
      } while (rc != Z_BUF_ERROR && (z.avail_in > 0 || z.avail_out == 0));
      if (z.avail_in == given && !ended) {
        throw Error(ErrorKind::decode, std::string("corrupt ") + name() + " response body");
      }
      data.remove_prefix(given - z.avail_in);
    }
  }
};

Inflater::Inflater(std::string_view content_encoding, std::size_t limit) : s_(std::make_unique<State>()) {
  s_->coding = coding_of(content_encoding);
  s_->limit = limit;
  if (s_->coding == Coding::gzip) s_->start(16 + MAX_WBITS);
}

Inflater::~Inflater() = default;
Inflater::Inflater(Inflater&&) noexcept = default;
Inflater& Inflater::operator=(Inflater&&) noexcept = default;

bool Inflater::identity() const noexcept { return s_->coding == Coding::identity; }
std::size_t Inflater::decoded_bytes() const noexcept { return s_->produced; }

void Inflater::feed(std::string_view chunk, std::string& out) {
  State& s = *s_;
  if (chunk.empty()) return;
  s.fed = true;
  if (s.coding == Coding::identity) {
    s.append(reinterpret_cast<const unsigned char*>(chunk.data()), chunk.size(), out);
    return;
  }
  if (s.coding == Coding::deflate && !s.z_ready) {
    // "deflate" should be zlib-wrapped; raw deflate is accepted, as browsers
    // do. The first two bytes tell which.
    s.head.append(chunk);
    if (s.head.size() < 2) return;
    auto b0 = static_cast<unsigned char>(s.head[0]), b1 = static_cast<unsigned char>(s.head[1]);
    s.start(zlib_header(b0, b1) ? MAX_WBITS : -MAX_WBITS);
    std::string head = std::move(s.head);
    s.head.clear();
    s.run(head, out);
    return;
  }
  s.run(chunk, out);
}

void Inflater::finish() {
  const State& s = *s_;
  if (s.coding == Coding::identity || !s.fed || s.ended) return;
  if (s.extra_member && s.z.total_out == 0) {
    throw Error(ErrorKind::decode, "response body has bytes after the end of its gzip stream");
  }
  throw Error(ErrorKind::decode, std::string(s.name()) + " response body is truncated");
}

std::string inflate_body(std::string_view content_encoding, std::string_view body, std::size_t limit) {
  Inflater inflater(content_encoding, limit);
  std::string out;
  inflater.feed(body, out);
  inflater.finish();
  return out;
}

}  // namespace avala
