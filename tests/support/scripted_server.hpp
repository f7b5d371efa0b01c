// A server played by hand on 127.0.0.1 and an ephemeral port: each accepted
// connection is handed to a script on a thread of its own, with helpers to
// read one request and write raw bytes. Counters and events, not sleeps,
// tell a test what the server saw. Stopped (and joined) with the object.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback_listener.hpp"

namespace avala_test {

struct Conn {
  int fd;
  std::string buf;  // read but not yet taken

  // One request (head and Content-Length body), or "" when the peer closed.
  std::string read_request() {
    for (;;) {
      auto end = buf.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t len = 0;
        auto cl = buf.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) len = std::strtoul(buf.c_str() + cl + 16, nullptr, 10);
        if (buf.size() >= end + 4 + len) {
          std::string req = buf.substr(0, end + 4 + len);
          buf.erase(0, end + 4 + len);
          return req;
        }
      }
      char chunk[65536];
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return {};
      buf.append(chunk, static_cast<std::size_t>(n));
    }
  }
  void write(const std::string& s) const {
    std::size_t off = 0;
    while (off < s.size()) {
      ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  }
  // Waits until the peer closes (or `ms` pass); true if it closed.
  bool wait_closed(int ms) const {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) return false;
    char c;
    return ::recv(fd, &c, 1, MSG_PEEK) == 0;
  }
};

inline std::string json_answer(const std::string& body, const std::string& extra_headers = "") {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra_headers + "\r\n" + body;
}

class ScriptedServer {
 public:
  using Script = std::function<void(Conn&, int index)>;  // index: 0 for the first connection

  explicit ScriptedServer(Script script) : script_(std::move(script)) {
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    ::shutdown(listener_.fd, SHUT_RDWR);
    acceptor_.join();
    for (auto& t : handlers_) t.join();
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(listener_.port) + "/api/v1"; }
  int connections() const { return accepted_.load(); }

  // Events a script raises (e.g. "the request has arrived") and a test awaits.
  void raise() {
    std::lock_guard l(mu_);
    ++events_;
    cv_.notify_all();
  }
  bool await(int n, int timeout_ms = 10000) {
    std::unique_lock l(mu_);
    return cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return events_ >= n; });
  }

 private:
  void accept_loop() {
    for (int i = 0;; ++i) {
      int fd = ::accept(listener_.fd, nullptr, nullptr);
      if (fd < 0 || stop_) {
        if (fd >= 0) ::close(fd);
        return;
      }
      ++accepted_;
      handlers_.emplace_back([this, fd, i] {
        Conn c{fd, {}};
        script_(c, i);
        ::close(fd);
      });
    }
  }

  LoopbackListener listener_;
  Script script_;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::vector<std::thread> handlers_;
  std::mutex mu_;
  std::condition_variable cv_;
  int events_ = 0;
};

}  // namespace avala_test
