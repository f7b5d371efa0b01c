#include "queue.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "internal.hpp"

namespace capi {

Queue::Queue() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

Queue::~Queue() {
  {
    std::unique_lock lock(mu_);
    stop_notifier(lock);
  }
  for (avala_completion& e : done_) {
    if (e.result != nullptr && e.free_result != nullptr) e.free_result(e.result);
    avala_error_free(e.error);
  }
  if (fd_ >= 0) ::close(fd_);
}

void Queue::started() noexcept {
  std::lock_guard lock(mu_);
  ++in_flight_;
}

void Queue::unstart() noexcept {
  std::lock_guard lock(mu_);
  --in_flight_;
}

void Queue::complete(std::uint64_t tag, int status, void* result, void (*free_result)(void*),
                     avala_error* error) noexcept {
  std::lock_guard lock(mu_);
  --in_flight_;
  try {
    done_.push_back(avala_completion{tag, status, result, error, result != nullptr ? free_result : nullptr});
  } catch (...) {
    // No memory for the entry: the call is lost to the caller; free what it made.
    if (result != nullptr && free_result != nullptr) free_result(result);
    avala_error_free(error);
    return;
  }
  if (done_.size() == 1) {
    std::uint64_t one = 1;
    ssize_t ignored = ::write(fd_, &one, sizeof one);
    (void)ignored;
    cv_.notify_all();
  }
}

std::size_t Queue::poll(avala_completion* out, std::size_t max, std::int64_t timeout_ms) noexcept {
  std::unique_lock lock(mu_);
  if (done_.empty() && timeout_ms != 0) {
    auto ready = [&] { return !done_.empty(); };
    if (timeout_ms < 0) {
      cv_.wait(lock, ready);
    } else {
      cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), ready);
    }
  }
  std::size_t n = 0;
  while (n < max && !done_.empty()) {
    out[n++] = done_.front();
    done_.pop_front();
  }
  if (done_.empty()) {
    std::uint64_t drained;
    while (::read(fd_, &drained, sizeof drained) > 0) {
    }
    if (notified_) {
      notified_ = false;  // the next completion is news again
      cv_.notify_all();
    }
  }
  return n;
}

std::size_t Queue::pending() const noexcept {
  std::lock_guard lock(mu_);
  return in_flight_ + done_.size();
}

void Queue::set_notify(avala_notify_fn fn, void* payload) {
  std::unique_lock lock(mu_);
  stop_notifier(lock);
  if (fn == nullptr) return;
  notify_ = fn;
  payload_ = payload;
  stop_ = false;
  notified_ = false;
  thread_ = std::thread([this] { notifier(); });
}

void Queue::stop_notifier(std::unique_lock<std::mutex>& lock) {
  if (!thread_.joinable()) return;
  stop_ = true;
  cv_.notify_all();
  std::thread t = std::move(thread_);
  lock.unlock();
  if (t.get_id() == std::this_thread::get_id()) {
    t.detach();  // cleared from inside the callback: the thread ends when it returns
  } else {
    t.join();
  }
  lock.lock();
  notify_ = nullptr;
  payload_ = nullptr;
}

void Queue::notifier() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || (!done_.empty() && !notified_); });
    if (stop_) return;
    notified_ = true;
    avala_notify_fn fn = notify_;
    void* payload = payload_;
    lock.unlock();
    fn(payload);
    lock.lock();
  }
}

}  // namespace capi
