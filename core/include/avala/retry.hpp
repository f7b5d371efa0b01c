// Retry policy: which failures are retried, and how long to wait between tries.
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

namespace avala {

struct RetryPolicy {
  int max_retries = 2;
  std::chrono::milliseconds base_delay{500};  // first backoff ceiling
  std::chrono::milliseconds max_delay{8000};  // backoff ceiling cap
  std::chrono::milliseconds max_retry_after{60000};  // cap on a server's Retry-After

  static bool idempotent(std::string_view method) noexcept;
  // Whether an HTTP status is worth another try (408, 429, 5xx but 501).
  static bool retryable_status(int status) noexcept;

  // Delay before retry number `retry` (1-based): full jitter over
  // min(max_delay, base_delay * 2^(retry-1)), or the server's Retry-After
  // (capped) when it gave one.
  std::chrono::milliseconds delay(int retry, std::optional<double> retry_after,
                                  std::mt19937_64& rng) const;
};

}  // namespace avala
