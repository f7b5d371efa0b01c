#include "avala/resources/exports.hpp"

#include <cstdio>
#include <thread>

#include "avala/error.hpp"
#include "avala/resources/catalog.hpp"

namespace avala::exports {

using std::chrono::milliseconds;

WaitOptions make_wait_options(std::optional<milliseconds> interval, std::optional<milliseconds> timeout) {
  WaitOptions o;
  if (interval) {
    if (interval->count() < 0) throw Error(ErrorKind::invalid_argument, "wait interval must not be negative");
    o.interval = std::max(*interval, kMinInterval);
  }
  if (timeout) {
    if (timeout->count() < 0) throw Error(ErrorKind::invalid_argument, "wait timeout must not be negative");
    o.timeout = *timeout;
  }
  return o;
}

bool is_terminal(std::string_view status) noexcept { return status == "exported" || status == "failed"; }

Object wait(const Client& client, std::string_view uid, const WaitOptions& options, const Progress& progress) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + options.timeout;
  const milliseconds interval = std::max(options.interval, kMinInterval);
  for (;;) {
    Object e = call_object(client, api::kExportGet, {uid});
    auto status = e.string("status");
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (progress && !progress(e, elapsed)) throw Error(ErrorKind::cancelled, "wait for export cancelled");
    if (status && is_terminal(*status)) return e;
    auto now = Clock::now();
    if (now >= deadline) {
      char secs[32];
      std::snprintf(secs, sizeof secs, "%g", static_cast<double>(options.timeout.count()) / 1000.0);
      throw Error(ErrorKind::timeout, "export " + std::string(uid) + " did not finish within " + secs +
                                          " s (last status: " + std::string(status.value_or("unknown")) + ")");
    }
    client.sleep_until(std::min(now + interval, deadline));  // cancellable with the client's context
  }
}

}  // namespace avala::exports
