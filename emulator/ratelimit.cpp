#include "ratelimit.hpp"

namespace emu {

Quota RateLimiter::take(std::string_view bucket, std::int64_t now) {
    std::lock_guard lock(mutex_);
    auto it = windows_.find(std::string(bucket));
    if (it == windows_.end()) it = windows_.emplace(std::string(bucket), Window{}).first;
    Window& w = it->second;
    if (w.used == 0 || now >= w.start + kWindow) w = Window{now, 0};
    ++w.used;
    unsigned remaining = w.used >= kLimit ? 0 : static_cast<unsigned>(kLimit - w.used);
    return Quota{kLimit, remaining, w.start + kWindow};
}

}  // namespace emu
