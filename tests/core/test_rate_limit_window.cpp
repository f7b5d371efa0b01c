// The client-side rate limiter against an emulator that ENFORCES a scaled-down
// window (20 requests per 2 s): 300 requests finish with zero 429s (retries
// are off, so a 429 would surface) and within 10% of the fastest time the
// window allows. This is a behaviour test with a generous bound, not a
// benchmark: the bound is set by the server's windows, not by our speed.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>

#include "avala/error.hpp"
#include "avala/resources/projects.hpp"
#include "emulator_process.hpp"

using namespace std::chrono_literals;

TEST_CASE("with the limiter on, 300 requests against a 20-per-2s window get no 429 and lose no time") {
  constexpr int kRequests = 300, kPerWindow = 20, kWindowSeconds = 2;
  const char* key = "rate-limit-window-key";
  avala_test::EmulatorProcess emu({"--api-key", key, "--generate", "projects=20", "--rate-limit", "20/2s"});
  avala::ClientOptions o;
  o.api_key = key;
  o.base_url = emu.url();
  o.max_retries = 0;
  o.rate_limit = true;
  avala::Client c(o, [](std::string_view k) -> std::optional<std::string> {
    if (k == "AVALA_ALLOW_INSECURE_BASE_URL") return "1";
    return std::nullopt;
  });

  auto unix_now = [] {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  int rate_limited = 0, other_errors = 0;
  double start = unix_now();
  double first_reset = 0;
  for (int i = 0; i < kRequests; ++i) {
    try {
      avala::projects::get(c, "00000000-0000-4000-8000-000000000000");
    } catch (const avala::Error& e) {
      // An unknown uid answers 404, which still counts against the window and
      // carries the headers: the cheapest request there is.
      if (e.kind() == avala::ErrorKind::rate_limited) ++rate_limited;
      else if (e.kind() != avala::ErrorKind::not_found) ++other_errors;
    }
    if (i == 0) first_reset = static_cast<double>(c.rate_limit().reset.value_or(0));
  }
  double elapsed = unix_now() - start;

  // The first window ends at first_reset; every later window holds 20. The
  // last request can go no earlier than the start of window number
  // ceil(300/20) - 1 after the first.
  REQUIRE(first_reset > start);
  int windows = (kRequests + kPerWindow - 1) / kPerWindow;
  double fastest = (first_reset - start) + (windows - 2) * kWindowSeconds;
  MESSAGE("300 requests in " << elapsed << " s; the window allows " << fastest << " s at best");
  CHECK(rate_limited == 0);
  CHECK(other_errors == 0);
  CHECK(elapsed >= fastest - 0.05);  // the server would have said 429 otherwise
  CHECK(elapsed <= fastest * 1.10);
}
