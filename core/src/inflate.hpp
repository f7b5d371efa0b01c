// Response-body decoding (Content-Encoding), streamed with zlib.
//
// The request side sends kAcceptEncoding. The answer's Content-Encoding picks
// the decoder: gzip (also x-gzip, and several gzip members one after
// another), deflate (zlib-wrapped as RFC 9110 says, or raw deflate as some
// servers send and browsers accept), or identity. "identity" entries in a
// list are ignored; anything else — an unknown coding, or two real codings
// stacked ("gzip, gzip") — is Error(decode) naming the value.
//
// The size limit applies to the decoded bytes, checked before they are
// appended, so a compression bomb costs at most `limit` bytes of memory. A
// stream that ends early, is corrupt, or has bytes after its end is
// Error(decode). An empty body is accepted as empty (servers send
// "Content-Encoding: gzip" on empty answers).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace avala {

inline constexpr std::string_view kAcceptEncoding = "gzip, deflate";

class Inflater {
 public:
  // `content_encoding` is the header's value ("" when absent). Throws
  // Error(decode) for a coding it cannot decode.
  Inflater(std::string_view content_encoding, std::size_t limit);
  ~Inflater();
  Inflater(Inflater&&) noexcept;
  Inflater& operator=(Inflater&&) noexcept;

  // Decodes the next piece of the body and appends it to `out`. Throws
  // Error(decode) on corrupt data or when the decoded size would pass the
  // limit ("decoded response body exceeds the N-byte limit").
  void feed(std::string_view chunk, std::string& out);
  // The body has ended: throws Error(decode) when the stream is incomplete.
  void finish();

  bool identity() const noexcept;
  std::size_t decoded_bytes() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Decodes a whole body at once (feed + finish).
std::string inflate_body(std::string_view content_encoding, std::string_view body, std::size_t limit);

}  // namespace avala
