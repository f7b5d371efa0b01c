// Per-key fixed-window request counter behind the X-RateLimit-* headers.
// By default it only reports (the documented 100 requests a minute);
// --rate-limit N/Ss makes it enforce N per S seconds: past N, 429.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace emu {

struct RateLimitSpec {
    unsigned limit = 100;       // the documented standard plan
    std::int64_t window = 60;   // seconds
    bool enforce = false;
};

struct Quota {
    unsigned limit;
    unsigned remaining;        // floored at 0
    std::int64_t reset;        // unix seconds when the window ends
    bool exceeded;             // enforcing, and this request is past the limit
    std::int64_t retry_after;  // whole seconds until `reset`, at least 1
};

class RateLimiter {
public:
    explicit RateLimiter(RateLimitSpec spec) : spec_(spec) {}

    // Counts one request for `bucket` at `now_ms` (unix milliseconds).
    // Windows start on a whole second, so `reset` is exact.
    Quota take(std::string_view bucket, std::int64_t now_ms);

private:
    struct Window {
        std::int64_t start = 0;  // unix seconds
        std::uint64_t used = 0;
    };
    RateLimitSpec spec_;
    std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
};

}  // namespace emu
