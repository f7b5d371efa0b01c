#include "avala/cancel.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "avala/error.hpp"

namespace avala {

CancelToken::CancelToken() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) throw Error(ErrorKind::internal, "cannot make a cancel token: eventfd failed (errno " +
                                                    std::to_string(errno) + ")");
}

CancelToken::~CancelToken() { ::close(fd_); }

void CancelToken::fire() noexcept {
  // Only async-signal-safe operations: a lock-free atomic store and write(2).
  int saved = errno;
  fired_.store(true, std::memory_order_release);
  std::uint64_t one = 1;
  ssize_t ignored = ::write(fd_, &one, sizeof one);  // EAGAIN at the counter's maximum is as good
  (void)ignored;
  errno = saved;
}

void CancelToken::reset() noexcept {
  std::uint64_t drained;
  while (::read(fd_, &drained, sizeof drained) > 0) {
  }
  fired_.store(false, std::memory_order_release);
}

}  // namespace avala
