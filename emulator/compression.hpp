// Response compression (Content-Encoding), with the emulator's own zlib use:
// it shares no code with the client's inflater, so each checks the other.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http_types.hpp"

namespace emu {

// "gzip" / "deflate" / "identity".
std::string_view coding_name(Coding c);

// The coding to answer with for a request's Accept-Encoding (RFC 9110
// 12.5.3: q-values, q=0 refuses, "*" stands for codings not listed; gzip
// wins a tie). No header, or nothing acceptable but identity: identity.
Coding choose_coding(std::string_view accept_encoding);

// Compresses `r`'s body in place (Content-Encoding, Vary) when the request's
// Accept-Encoding asks for gzip or deflate. Left alone: empty bodies, 204 and
// 304, answers that already have a Content-Encoding, and the faults whose body
// is not the handler's (oversize_body, compression_bomb, silent,
// reset_before_headers).
void encode_response(Response& r, std::string_view accept_encoding);

// `body` compressed: gzip (RFC 1952) or zlib-wrapped deflate (RFC 1950, what
// "deflate" means in HTTP).
std::string compress(std::string_view body, Coding coding);

// A compression bomb: a valid JSON body of `decoded_bytes` bytes (>= 64; the
// same shape as the oversize_body fault), gzip- or deflate-compressed, as
// pieces so that it is streamed without ever existing in memory:
//   head, then `unit` repeated `units` times, then tail.
// Each piece is compressed by a fresh deflater and ends on a byte boundary
// (a sync flush), so the repeated unit is the same bytes every time; the
// wrapper's checksum and length in `tail` cover the whole decoded body.
struct Bomb {
    std::string head, unit, tail;
    std::uint64_t units = 0;
    std::uint64_t wire_size() const { return head.size() + units * unit.size() + tail.size(); }
};
Bomb make_bomb(std::uint64_t decoded_bytes, Coding coding);

}  // namespace emu
