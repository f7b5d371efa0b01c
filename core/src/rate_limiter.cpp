#include "avala/rate_limiter.hpp"

namespace avala {

namespace {

RateLimiter::Clock::time_point at(std::int64_t unix_seconds) {
  return RateLimiter::Clock::time_point(std::chrono::seconds(unix_seconds));
}

}  // namespace

bool RateLimiter::take_locked() {
  for (;;) {
    if (!remaining_ || !reset_) return true;  // nothing known: go
    if (Clock::now() >= at(*reset_)) {
      // The window is over. The new one's budget is the limit, until a
      // response tells us more.
      remaining_ = limit_;
      reset_.reset();
      if (!remaining_) return true;
      continue;
    }
    if (*remaining_ > 0) {
      --*remaining_;
      return true;
    }
    return false;
  }
}

void RateLimiter::acquire() {
  std::unique_lock lock(mu_);
  while (!take_locked()) cv_.wait_until(lock, at(*reset_));
}

bool RateLimiter::try_acquire() {
  std::lock_guard lock(mu_);
  return take_locked();
}

std::optional<RateLimiter::Clock::time_point> RateLimiter::take() {
  std::lock_guard lock(mu_);
  if (take_locked()) return std::nullopt;
  return at(*reset_);
}

void RateLimiter::update(std::optional<std::int64_t> limit, std::optional<std::int64_t> remaining,
                         std::optional<std::int64_t> reset_unix) {
  constexpr std::int64_t kMaxAhead = 3600;  // seconds
  if (reset_unix && *reset_unix > std::chrono::duration_cast<std::chrono::seconds>(
                                      Clock::now().time_since_epoch()).count() + kMaxAhead) {
    reset_unix.reset();
  }
  std::lock_guard lock(mu_);
  if (limit) limit_ = limit;
  if (!remaining || !reset_unix) return;
  if (!reset_ || *reset_unix > *reset_) {
    reset_ = reset_unix;
    remaining_ = remaining;
  } else if (*reset_unix == *reset_) {
    remaining_ = remaining_ ? std::min(*remaining_, *remaining) : *remaining;
  }  // an older window's figures arrive late: ignore them
  cv_.notify_all();
}

std::chrono::milliseconds RateLimiter::wait_time() const {
  std::lock_guard lock(mu_);
  if (!remaining_ || !reset_ || *remaining_ > 0) return std::chrono::milliseconds(0);
  auto left = at(*reset_) - Clock::now();
  return left.count() > 0 ? std::chrono::ceil<std::chrono::milliseconds>(left) : std::chrono::milliseconds(0);
}

}  // namespace avala
