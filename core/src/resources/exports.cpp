#include "avala/resources/exports.hpp"

#include <cstdio>
#include <memory>

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

namespace {

// The rules of a wait, shared by its blocking and asynchronous forms: after
// each poll, the export is the result, or the next poll is due at a time
// (never past the deadline), or the wait fails.
struct Waiter {
  using Clock = std::chrono::steady_clock;
  Waiter(std::string_view id, const WaitOptions& o, Progress p)
      : uid(id), options(o), progress(std::move(p)), start(Clock::now()), deadline(start + o.timeout) {}

  // nullopt: `e` is the result. Throws Error(cancelled | timeout).
  std::optional<Clock::time_point> after_poll(const Object& e) const {
    auto status = e.string("status");
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (progress && !progress(e, elapsed)) throw Error(ErrorKind::cancelled, "wait for export cancelled");
    if (status && is_terminal(*status)) return std::nullopt;
    auto now = Clock::now();
    if (now >= deadline) {
      char secs[32];
      std::snprintf(secs, sizeof secs, "%g", static_cast<double>(options.timeout.count()) / 1000.0);
      throw Error(ErrorKind::timeout, "export " + uid + " did not finish within " + secs +
                                          " s (last status: " + std::string(status.value_or("unknown")) + ")");
    }
    return std::min(now + std::max(options.interval, kMinInterval), deadline);
  }

  std::string uid;
  WaitOptions options;
  Progress progress;
  Clock::time_point start, deadline;
};

// One poll of an asynchronous wait, then the sleep to the next.
struct AsyncWaiter : std::enable_shared_from_this<AsyncWaiter> {
  AsyncWaiter(Client c, Waiter w, Done<Object> d) : client(std::move(c)), waiter(std::move(w)), done(std::move(d)) {}

  void poll() {
    start(client, object_call(client, api::kExportGet, {waiter.uid}),
          [self = shared_from_this()](std::exception_ptr e, std::optional<Object> got) {
            if (e) return self->done(std::move(e), std::nullopt);
            std::optional<std::chrono::steady_clock::time_point> next;
            try {
              next = self->waiter.after_poll(*got);
            } catch (...) {
              return self->done(std::current_exception(), std::nullopt);
            }
            if (!next) return self->done(nullptr, std::move(got));
            self->client.sleep_async(*next, [self](std::exception_ptr slept) {
              if (slept) return self->done(std::move(slept), std::nullopt);
              try {
                self->poll();
              } catch (...) {
                self->done(std::current_exception(), std::nullopt);
              }
            });
          });
  }

  Client client;
  Waiter waiter;
  Done<Object> done;
};

}  // namespace

Object wait(const Client& client, std::string_view uid, const WaitOptions& options, const Progress& progress) {
  Waiter waiter(uid, options, progress);
  for (;;) {
    Object e = call_object(client, api::kExportGet, {uid});
    auto next = waiter.after_poll(e);
    if (!next) return e;
    client.sleep_until(*next);  // cancellable with the client's context
  }
}

void wait_async(const Client& client, std::string_view uid, const WaitOptions& options, Progress progress,
                Done<Object> done) {
  std::make_shared<AsyncWaiter>(client, Waiter(uid, options, std::move(progress)), std::move(done))->poll();
}

}  // namespace avala::exports
