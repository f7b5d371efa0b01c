// Cancellation: a token any thread or a signal handler can fire to stop the
// calls that carry it, and the per-call context that carries it.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace avala {

// Fired once, it stays fired until reset(). fire() is async-signal-safe (an
// atomic store and a write(2) to an eventfd), idempotent, and may race with
// anything; the transport watches the eventfd, so a call blocked in the
// reactor wakes at once.
class CancelToken {
 public:
  CancelToken();  // throws Error(internal) when no eventfd can be had
  ~CancelToken();
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  void fire() noexcept;
  bool fired() const noexcept { return fired_.load(std::memory_order_acquire); }
  // Makes the token usable again. Not for use while calls carry it.
  void reset() noexcept;
  int fd() const noexcept { return fd_; }

 private:
  std::atomic<bool> fired_{false};
  int fd_ = -1;
};

// Asked on the waiting thread while a blocking call waits, every
// `interrupt_every`: false stops the call with Error(cancelled). This is how
// an interpreter gets to run its signal handlers (Python's Ctrl-C) during a
// call it cannot otherwise reach.
using Interrupt = std::function<bool()>;

// What a call carries besides its request. Shared, immutable once made.
struct CallContext {
  std::shared_ptr<CancelToken> cancel;  // may be null
  Interrupt interrupt;                  // may be empty
  std::chrono::milliseconds interrupt_every{50};
};

}  // namespace avala
