// Plain request/response values shared by the router, the handlers and the
// server. They hold no Beast types, so everything except server.cpp compiles
// without Beast and can be reasoned about (and later unit-tested) on its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu {

// A Content-Encoding the emulator can send (compression.hpp).
enum class Coding { identity, gzip, deflate };

// One parsed HTTP request. The views point into the server's request object
// and are valid only while a handler runs.
struct Request {
    std::string_view method;   // "GET", "POST", ...
    std::string_view target;   // origin-form target: path plus optional "?query"
    std::string_view host;     // Host header, empty when absent
    std::string_view api_key;  // X-Avala-Api-Key, meaningful only if has_api_key
    std::string_view accept_encoding;  // Accept-Encoding, empty when absent
    std::string_view body;
    bool has_api_key = false;
    std::uint64_t connection_id = 0;  // per accepted connection, from 1
};

// How the server puts a response on the wire: normally, or broken on purpose
// (fault injection, see faults.hpp). After any kind but `normal` the server
// closes the connection (or holds it open, silent, until the peer gives up).
enum class Wire {
    normal,
    reset_before_headers,  // RST without writing a byte
    reset_after_headers,   // the status line and headers, then RST
    truncated_body,        // Content-Length N, N/2 bytes, FIN
    long_content_length,   // Content-Length N + 1024, N bytes, then silence
    short_content_length,  // Content-Length N/2 and N/2 bytes: complete, but cut-off JSON
    bad_chunked,           // Transfer-Encoding: chunked with an invalid chunk-size line
    oversize_body,         // a valid JSON body of wire_bytes bytes, streamed
    silent,                // no answer; the socket stays open
    trickle,               // the normal response, one byte per wire_interval
    stall_mid_body,        // headers and half the body, then silence
    compression_bomb,      // wire_coding-compressed JSON of wire_bytes bytes decoded, streamed
};

// What a handler answers. The server adds the headers every response gets
// (Content-Type, rate limit, connection id), applies `delay` with a timer, so
// slow or delayed answers never block a thread, and acts on `wire`.
struct Response {
    unsigned status = 200;
    std::string body;
    std::chrono::milliseconds delay{0};
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Allow
    Wire wire = Wire::normal;
    std::uint64_t wire_bytes = 0;             // oversize_body, compression_bomb: the (decoded) body's size
    Coding wire_coding = Coding::identity;    // compression_bomb: gzip or deflate
    std::chrono::milliseconds wire_interval{0};  // trickle: the pause between bytes
};

}  // namespace emu
