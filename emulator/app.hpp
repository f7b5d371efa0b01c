// The emulator's application: data, route table and per-request bookkeeping
// (rate limit, fault injection, request counts). Knows nothing about sockets;
// the server calls handle() for each request and acts on Response::wire.
#pragma once

#include <atomic>
#include <cstdint>

#include "faults.hpp"
#include "options.hpp"
#include "pagination.hpp"
#include "ratelimit.hpp"
#include "records.hpp"
#include "router.hpp"
#include "stats.hpp"
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

    // Routes the request, applies rate limiting and fault rules. Thread-safe.
    Response handle(const Request& request);
    // The answer to bytes that are not HTTP (the server hangs up after it).
    Response malformed_request();

private:
    void add_routes();
    void add_control_routes();
    // Adds the X-RateLimit-* headers (and Retry-After when refused).
    static void add_rate_limit_headers(Response& r, const Quota& q);

    Store store_;
    State state_;
    LinkConfig links_;
    std::string api_key_;
    bool compress_;  // gzip/deflate answers when asked (--no-compress: never)
    Router router_;
    RateLimiter limiter_;
    Faults faults_;
    PathCounts paths_;
    std::atomic<std::uint64_t> connections_{0};
    std::atomic<std::uint64_t> requests_{0};
};

}  // namespace emu
