#include <doctest/doctest.h>

#include "avala/retry.hpp"

using namespace std::chrono_literals;

TEST_CASE("only idempotent methods are retried freely") {
  CHECK(avala::RetryPolicy::idempotent("GET"));
  CHECK(avala::RetryPolicy::idempotent("DELETE"));
  CHECK(avala::RetryPolicy::idempotent("PUT"));
  CHECK_FALSE(avala::RetryPolicy::idempotent("POST"));
  CHECK_FALSE(avala::RetryPolicy::idempotent("PATCH"));
}

TEST_CASE("retryable statuses: 408, 429 and 5xx except 501") {
  for (int s : {408, 429, 500, 502, 503, 504}) CHECK(avala::RetryPolicy::retryable_status(s));
  for (int s : {400, 401, 403, 404, 422, 501}) CHECK_FALSE(avala::RetryPolicy::retryable_status(s));
}

TEST_CASE("backoff uses full jitter under an exponential, capped ceiling") {
  avala::RetryPolicy p;
  std::mt19937_64 rng(42);
  for (int retry = 1; retry <= 8; ++retry) {
    auto ceiling = std::min<long long>(500LL << (retry - 1), 8000);
    for (int i = 0; i < 200; ++i) {
      auto d = p.delay(retry, std::nullopt, rng);
      CHECK(d.count() >= 0);
      CHECK(d.count() <= ceiling);
    }
  }
}

TEST_CASE("a server's Retry-After wins, capped") {
  avala::RetryPolicy p;
  std::mt19937_64 rng(1);
  CHECK(p.delay(1, 3.0, rng) == 3000ms);
  CHECK(p.delay(1, 3600.0, rng) == p.max_retry_after);
}
