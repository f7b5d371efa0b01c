#include "ratelimit.hpp"

#include <algorithm>

namespace emu {

Quota RateLimiter::take(std::string_view bucket, std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    auto it = windows_.find(std::string(bucket));
    if (it == windows_.end()) it = windows_.emplace(std::string(bucket), Window{}).first;
    Window& w = it->second;
    if (w.used == 0 || now_ms >= (w.start + spec_.window) * 1000) w = Window{now_ms / 1000, 0};
    ++w.used;
    std::int64_t reset = w.start + spec_.window;
    unsigned remaining = w.used >= spec_.limit ? 0 : static_cast<unsigned>(spec_.limit - w.used);
    std::int64_t retry_after = std::max<std::int64_t>(1, (reset * 1000 - now_ms + 999) / 1000);
    return Quota{spec_.limit, remaining, reset, spec_.enforce && w.used > spec_.limit, retry_after};
}

}  // namespace emu
