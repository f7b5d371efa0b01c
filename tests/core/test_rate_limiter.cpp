#include <doctest/doctest.h>

#include "avala/rate_limiter.hpp"

using namespace std::chrono_literals;

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("a limiter that knows nothing lets requests go") {
  avala::RateLimiter rl;
  rl.acquire();
  CHECK(rl.wait_time() == 0ms);
}

TEST_CASE("the window's remaining budget is spent locally, then callers must wait for the reset") {
  avala::RateLimiter rl;
  rl.update(20, 2, unix_now() + 100);
  CHECK(rl.wait_time() == 0ms);
  rl.acquire();
  rl.acquire();  // both fit in the budget: neither waits
  CHECK(rl.wait_time() > 90s);
}

TEST_CASE("try_acquire spends the budget like acquire, and refuses instead of waiting") {
  avala::RateLimiter rl;
  CHECK(rl.try_acquire());  // nothing known
  rl.update(20, 1, unix_now() + 100);
  CHECK(rl.try_acquire());
  CHECK_FALSE(rl.try_acquire());  // spent: it would wait ~100 s
  CHECK(rl.wait_time() > 90s);
  rl.update(20, 5, unix_now() + 200);  // the next window's figures
  CHECK(rl.try_acquire());
}

TEST_CASE("a response from a later window restores the budget; a late one from an older window is ignored") {
  avala::RateLimiter rl;
  auto now = unix_now();
  rl.update(20, 0, now + 100);
  CHECK(rl.wait_time() > 0ms);
  rl.update(20, 19, now + 200);
  CHECK(rl.wait_time() == 0ms);
  rl.update(20, 0, now + 100);  // stale
  CHECK(rl.wait_time() == 0ms);
}

TEST_CASE("within one window the lower remaining count wins (requests in flight have spent theirs)") {
  avala::RateLimiter rl;
  auto reset = unix_now() + 100;
  rl.update(20, 1, reset);
  rl.update(20, 5, reset);  // an earlier request's answer, arriving late
  rl.acquire();
  CHECK(rl.wait_time() > 0ms);
}

TEST_CASE("a window that is already over does not hold anyone up") {
  avala::RateLimiter rl;
  rl.update(20, 0, unix_now() - 1);
  CHECK(rl.wait_time() == 0ms);
  rl.acquire();  // returns at once: the new window's budget is the limit
}
