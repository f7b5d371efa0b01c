// Transport: HTTP/1.1 over TCP or TLS with a keep-alive connection pool, on
// one event-driven engine per client (see transport.cpp for the design).
// Beast and Asio live only in transport.cpp; this header is all others see.
#pragma once

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "avala/cancel.hpp"
#include "avala/proxy_config.hpp"
#include "avala/url.hpp"

namespace avala {

using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;   // "GET", "POST", …
  std::string target;   // path + query, e.g. /api/v1/users/me/projects/?limit=5
  Headers headers;      // besides Host, which the transport sets
  std::optional<std::string> body;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;
  int attempts = 1;  // set by Client::send: 1 + the retries it took

  // First value of a header, case-insensitive; empty when absent.
  std::string_view header(std::string_view name) const noexcept;
};

struct TransportOptions {
  BaseUrl endpoint;
  std::optional<std::string> ca_file;   // PEM bundle instead of the system store
  std::optional<std::string> ca_dir;    // hashed CA directory (with or instead of ca_file)
  std::optional<std::string> client_cert, client_key, client_key_password;  // mutual TLS
  std::size_t max_body_bytes = 64u << 20;
  std::size_t max_idle_connections = 16;
  // IP addresses to connect to (on the endpoint's port) instead of resolving
  // its host, as curl's --resolve; TLS still checks the host name. Empty:
  // resolve. Several: raced as a resolver's answer would be.
  std::vector<std::string> resolve;
  // The proxy chosen for the endpoint (choose_proxy), or none: https goes
  // through a CONNECT tunnel (TLS to the origin inside it), http as
  // absolute-form requests.
  std::optional<ProxyConfig> proxy;
  bool compress = true;  // send Accept-Encoding: gzip, deflate and decode the answer
};

// Sends requests to one origin. Thread-safe: each request takes an idle
// connection from the pool (checked to be still open) or opens one, and gives
// it back when the server keeps it alive. Every request runs asynchronously
// on the transport's engine; the blocking calls below start it and wait,
// running the engine on the waiting thread. One deadline covers resolve,
// connect, TLS, write and read; a context's cancel token or interrupt stops
// the wait and closes the request's connection. After fork() the child
// forgets everything inherited (never touching it) and starts afresh.
// Failures throw Error(timeout | network | tls | decode | cancelled).
class Transport {
 public:
  explicit Transport(TransportOptions options);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // A request on the wire whose answer has not been read yet. Dropping one
  // unread closes its connection (the answer could not be told apart from
  // the next one's).
  class Pending {
   public:
    Pending() noexcept;
    Pending(Pending&&) noexcept;
    Pending& operator=(Pending&&) noexcept;
    ~Pending();
    explicit operator bool() const noexcept { return state_ != nullptr; }

    struct State;  // defined by the transport

   private:
    friend class Transport;
    std::unique_ptr<State> state_;
  };

  // Starts `request` on the engine: takes a checked idle connection (or
  // opens one) and, when this thread may run the engine, writes the request
  // at once as far as the socket takes it; the rest (connecting, a large
  // body) goes on while someone waits, within finish()'s deadline. A
  // transport failure is kept and thrown by finish(). `ahead` marks a
  // request read ahead: it only takes an idle connection (else nothing is
  // started: an empty Pending), and if its answer breaks it is sent once
  // more on a fresh connection, since it may have waited unread long enough
  // for the server to give up on it.
  Pending start(const HttpRequest& request, bool ahead = false);
  // Waits for the answer of a started request (and whatever of the request
  // is still to be sent), before `deadline`.
  HttpResponse finish(Pending pending, Clock::time_point deadline, const CallContext* ctx = nullptr);

  // Sends `request` and reads its answer, before `deadline` (connect, TLS, write, read).
  HttpResponse send(const HttpRequest& request, Clock::time_point deadline,
                    const CallContext* ctx = nullptr);

  // Waits until `until` (a backoff, a rate-limit window), or throws
  // Error(cancelled) as soon as the context's token fires or its interrupt
  // says stop.
  void sleep_until(Clock::time_point until, const CallContext* ctx);

  // Asynchronous forms, for callers that keep many requests in flight from
  // one thread. Each starts at once (writing the request on this thread when
  // nobody runs the engine) and calls `done` exactly once, on the engine —
  // its runner thread (started by the first asynchronous call, parked while
  // none is in flight) or a thread blocked in a call on this transport; never
  // inside the starting call. `done` must not block. The deadline, the pool
  // and the retry of a stale pooled connection are those of send(); the
  // context's cancel token stops the request at once (its interrupt hook is
  // for blocking waits only). A failure is a TransportError (as an exception
  // pointer); the context's cancellation is Error(cancelled).
  using SendDone = std::function<void(std::exception_ptr, HttpResponse)>;
  void send_async(const HttpRequest& request, Clock::time_point deadline, std::shared_ptr<const CallContext> ctx,
                  SendDone done);
  // Calls done(false) at `until`, or done(true) as soon as the context's token fires.
  using SleepDone = std::function<void(bool cancelled)>;
  void sleep_async(Clock::time_point until, std::shared_ptr<const CallContext> ctx, SleepDone done);

  // Whether an idle connection is in the pool now.
  bool has_idle() const;

  // Connections opened so far (for tests and diagnostics).
  std::size_t connections_opened() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace avala
