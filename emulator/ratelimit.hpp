// Per-key fixed-window request counter behind the X-RateLimit-* headers.
// Reported only, never enforced (a later fault-injection rule can answer 429).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace emu {

struct Quota {
    unsigned limit;
    unsigned remaining;   // floored at 0
    std::int64_t reset;   // unix seconds when the window ends
};

class RateLimiter {
public:
    static constexpr unsigned kLimit = 100;       // the documented standard plan
    static constexpr std::int64_t kWindow = 60;   // seconds

    // Counts one request for `bucket` at `now` (unix seconds).
    Quota take(std::string_view bucket, std::int64_t now);

private:
    struct Window {
        std::int64_t start = 0;
        std::uint64_t used = 0;
    };
    std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
};

}  // namespace emu
