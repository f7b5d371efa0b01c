// Client: configuration, the connection pool, retries and rate-limit state.
// Cheap to copy: copies share one connection pool, and that pool lives as
// long as any copy (iterators hold one), so it is safe to share across threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "avala/cancel.hpp"
#include "avala/proxy_config.hpp"
#include "avala/transport.hpp"
#include "avala/url.hpp"

namespace avala {

std::string_view version() noexcept;

struct ClientOptions {
  std::optional<std::string> api_key;   // else env AVALA_API_KEY
  std::optional<std::string> base_url;  // else env AVALA_BASE_URL, else the default
  std::optional<std::chrono::milliseconds> timeout;  // default 30 s
  std::optional<std::string> ca_file;
  std::optional<std::string> ca_dir;               // hashed CA directory, besides ca_file
  std::optional<std::string> client_cert;          // PEM chain for mutual TLS
  std::optional<std::string> client_key;           // else in client_cert's file
  std::optional<std::string> client_key_password;  // for an encrypted key; never in a message
  std::string user_agent_suffix;        // appended to "avala-cpp/<version>"
  std::optional<int> max_retries;       // default 2
  bool rate_limit = false;              // wait for X-RateLimit-Reset when the budget is spent
  std::size_t max_body_bytes = 64u << 20;
  // IP addresses to connect to instead of resolving the base URL's host (as
  // curl's --resolve; TLS still checks the host name): pinning, and tests.
  std::vector<std::string> resolve;
  // A proxy URL, NO_PROXY, and whether the *_proxy variables count (proxy.hpp
  // has the rules: curl's).
  ProxySettings proxy;
  bool compression = true;  // ask for gzip/deflate answers (decoded, within max_body_bytes)
};

struct RateLimitInfo {
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> reset;  // unix seconds
};

// Reads an environment variable; injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
EnvLookup process_env();

class Client {
 public:
  // Resolves options (explicit first, then the environment) and validates
  // them; throws Error(config) before any request is sent.
  explicit Client(ClientOptions options = {}, const EnvLookup& env = process_env());

  const BaseUrl& base_url() const noexcept;
  RateLimitInfo rate_limit() const;
  std::size_t connections_opened() const noexcept;

  // Sends a request to a target on the base URL's origin (path + query, the
  // base path included). Retries what is safe to retry; a status >= 300
  // throws the mapped Error, with the attempts made.
  HttpResponse send(std::string_view method, std::string target,
                    std::optional<std::string> body = std::nullopt) const;

  // A request written but not yet answered, so that a caller can work while
  // the server does (the paginator reads ahead with it): finish() reads the
  // answer with the same retries, status mapping and rate-limit bookkeeping
  // as send(), which is finish() of a request it just wrote. A failure to
  // write is kept and thrown by finish(). Dropping an unfinished Pending
  // closes its connection.
  struct Pending {
    HttpRequest request;
    Transport::Pending first_attempt;
    Clock::time_point deadline;  // of the first attempt, as a whole
    bool ahead = false;          // read ahead: its answer's wait counts from finish()
  };
  HttpResponse finish(Pending pending) const;
  // A GET read ahead: started only on an idle pooled connection and when
  // the rate limiter (if on) need not wait, since reading ahead must never
  // hold up the page the caller is waiting for. Its timeout counts from
  // finish(), and a broken answer is sent again once on a fresh connection.
  std::optional<Pending> try_start_get(std::string target) const;

  // The asynchronous form of send(): the same retries, backoff, rate-limit
  // waits and status mapping, without blocking any thread. `done` is called
  // exactly once, on the engine (see Transport::send_async), with the
  // response or the Error; it must not block. A rate-limit window that ends
  // after the deadline fails the call at once, as in send(). The context's
  // cancel token stops the call wherever it is (request, backoff, window).
  using SendDone = std::function<void(std::exception_ptr, HttpResponse)>;
  void send_async(std::string_view method, std::string target, std::optional<std::string> body,
                  SendDone done) const;
  // Calls done(nullptr) at `until`, or done(Error(cancelled)) when the token fires.
  void sleep_async(Clock::time_point until, std::function<void(std::exception_ptr)> done) const;

  // The configured key, for redaction only.
  std::string_view secret() const noexcept;

  // A client sharing this one's pool, limiter and configuration whose calls
  // carry `ctx` (a cancel token, an interrupt hook): every call made through
  // it, and through iterators made from it, stops when the token fires.
  Client with_context(std::shared_ptr<const CallContext> ctx) const;
  const CallContext* context() const noexcept { return ctx_.get(); }

  // Waits until `until` (export polls), or throws Error(cancelled) when the
  // context stops the call.
  void sleep_until(Clock::time_point until) const;

  // Longest timeout honoured; longer ones are clamped to it (a deadline must
  // stay representable: ~292 years of nanoseconds overflowed).
  static constexpr std::chrono::milliseconds kMaxTimeout = std::chrono::hours(24 * 365 * 50);

  struct Impl;  // defined in client.cpp only

 private:
  std::shared_ptr<Impl> impl_;
  std::shared_ptr<const CallContext> ctx_;
};

}  // namespace avala
