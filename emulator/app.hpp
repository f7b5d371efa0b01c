// The emulator's application: data, route table and per-request bookkeeping.
// Knows nothing about sockets; the server calls handle() for each request.
#pragma once

#include <atomic>
#include <cstdint>

#include "options.hpp"
#include "pagination.hpp"
#include "ratelimit.hpp"
#include "records.hpp"
#include "router.hpp"
#include "store.hpp"

namespace emu {

class App {
public:
    // `bound_host` ("127.0.0.1:PORT") names the server when a request has no
    // Host header. The App must not move: its routes refer to its members.
    App(const Options& options, Store store, std::string bound_host);
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Called once per accepted connection; returns its id (1, 2, ...).
    std::uint64_t on_connection() { return ++connections_; }

    // Routes the request and adds the rate-limit headers. Thread-safe.
    Response handle(const Request& request);
    // The answer to bytes that are not HTTP (the server hangs up after it).
    Response malformed_request();

private:
    void add_routes();
    // Counts the request against `bucket` and adds the X-RateLimit-* headers.
    Response with_rate_limit(Response r, std::string_view bucket);

    Store store_;
    State state_;
    LinkConfig links_;
    std::string api_key_;
    Router router_;
    RateLimiter limiter_;
    std::atomic<std::uint64_t> connections_{0};
    std::atomic<std::uint64_t> requests_{0};
};

}  // namespace emu
