// Client-side rate limiting fed by the server's X-RateLimit-* headers: when
// the window's budget is spent, callers wait for X-RateLimit-Reset instead of
// collecting 429s. Shared by every thread using one client.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

namespace avala {

class RateLimiter {
 public:
  using Clock = std::chrono::system_clock;  // X-RateLimit-Reset is unix time

  // Blocks until the current window has budget left (or is over), then
  // spends one request of it. Returns at once while nothing is known yet.
  void acquire();

  // acquire() without the wait: false, spending nothing, when it would wait.
  bool try_acquire();

  // Spends one request of the budget when there is one (nullopt); else
  // spends nothing and returns when the window ends, for the caller to wait
  // for in its own (cancellable, deadline-bound) way and ask again.
  std::optional<Clock::time_point> take();

  // Records a response's figures (each optional, as servers differ). A later
  // window replaces the current one; within the same window the lower
  // remaining count wins, because requests in flight have already spent theirs.
  // A reset more than an hour ahead (or one in milliseconds) is implausible
  // for a per-minute window: those figures are ignored rather than waited for.
  void update(std::optional<std::int64_t> limit, std::optional<std::int64_t> remaining,
              std::optional<std::int64_t> reset_unix);

  // The time acquire() would wait now (zero when a request may go).
  std::chrono::milliseconds wait_time() const;

 private:
  bool take_locked();  // spends one request if the window allows; mu_ held

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::int64_t> limit_;
  std::optional<std::int64_t> remaining_;
  std::optional<std::int64_t> reset_;  // unix seconds
};

}  // namespace avala
