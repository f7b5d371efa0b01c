// The completion queue behind avala_queue, and how the C ABI's calls run
// asynchronously on it. Internal to the C ABI's implementation.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "avala.h"

namespace capi {

class Queue {
 public:
  Queue();  // fd() < 0 when no eventfd could be had
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  // A call was started: it will complete() exactly once.
  void started() noexcept;
  // A call counted as started did not start after all (nothing will complete).
  void unstart() noexcept;
  // The call completed: `result` (freed by `free_result` if nobody takes it)
  // or `error`. Never throws: an error that cannot be made is its code alone.
  void complete(std::uint64_t tag, int status, void* result, void (*free_result)(void*), avala_error* error) noexcept;
  // The same, for a call whose result `make` builds (on success) or whose
  // exception `e` is turned into an error.
  template <class Make>
  void complete(std::uint64_t tag, std::exception_ptr e, Make&& make, void (*free_result)(void*)) noexcept;

  std::size_t poll(avala_completion* out, std::size_t max, std::int64_t timeout_ms) noexcept;
  std::size_t pending() const noexcept;
  int fd() const noexcept { return fd_; }
  // Sets (fn non-null) or clears the notify callback; clearing joins its thread.
  void set_notify(avala_notify_fn fn, void* payload);

 private:
  void notifier();
  void stop_notifier(std::unique_lock<std::mutex>& lock);

  mutable std::mutex mu_;
  std::condition_variable cv_;        // pollers and the notifier
  std::deque<avala_completion> done_;
  std::size_t in_flight_ = 0;
  int fd_ = -1;
  // The notify callback and its thread.
  avala_notify_fn notify_ = nullptr;
  void* payload_ = nullptr;
  bool notified_ = false;   // told since the queue was last found empty
  bool stop_ = false;
  std::thread thread_;
};

// Turns the exception of a failed call into its status and a new error
// (nullptr when memory ran out); defined with the guard in avala.cpp's terms.
int status_of(std::exception_ptr e, avala_error** out) noexcept;

template <class Make>
void Queue::complete(std::uint64_t tag, std::exception_ptr e, Make&& make, void (*free_result)(void*)) noexcept {
  avala_error* error = nullptr;
  int status = AVALA_OK;
  void* result = nullptr;
  if (e) {
    status = status_of(std::move(e), &error);
  } else {
    try {
      result = make();
    } catch (...) {
      status = status_of(std::current_exception(), &error);
    }
  }
  complete(tag, status, result, free_result, error);
}

}  // namespace capi

struct avala_queue {
  std::shared_ptr<capi::Queue> queue;
};
