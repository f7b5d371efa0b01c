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

// One parsed HTTP request. The views point into the server's request object
// and are valid only while a handler runs.
struct Request {
    std::string_view method;   // "GET", "POST", ...
    std::string_view target;   // origin-form target: path plus optional "?query"
    std::string_view host;     // Host header, empty when absent
    std::string_view api_key;  // X-Avala-Api-Key, meaningful only if has_api_key
    std::string_view body;
    bool has_api_key = false;
    std::uint64_t connection_id = 0;  // per accepted connection, from 1
};

// What a handler answers. The server adds the headers every response gets
// (Content-Type, rate limit, connection id) and applies `delay` with a timer,
// so slow or delayed answers never block a thread. Fault injection (resets,
// truncated bodies, ...) is meant to become further fields here, acted on by
// the server.
struct Response {
    unsigned status = 200;
    std::string body;
    std::chrono::milliseconds delay{0};
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Allow
};

}  // namespace emu
