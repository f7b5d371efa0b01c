#include "avala/retry.hpp"

#include <algorithm>

namespace avala {

bool RetryPolicy::idempotent(std::string_view m) noexcept {
  return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS";
}

bool RetryPolicy::retryable_status(int status) noexcept {
  return status == 408 || status == 429 || (status >= 500 && status != 501);
}

std::chrono::milliseconds RetryPolicy::delay(int retry, std::optional<double> retry_after,
                                             std::mt19937_64& rng) const {
  using std::chrono::milliseconds;
  if (retry_after) {
    double ms = std::min(*retry_after * 1000.0, static_cast<double>(max_retry_after.count()));
    return milliseconds(static_cast<std::int64_t>(std::max(0.0, ms)));
  }
  std::int64_t ceiling = base_delay.count();
  for (int i = 1; i < retry && ceiling < max_delay.count(); ++i) ceiling *= 2;
  ceiling = std::min<std::int64_t>(ceiling, max_delay.count());
  std::uniform_int_distribution<std::int64_t> dist(0, ceiling);
  return milliseconds(dist(rng));
}

}  // namespace avala
