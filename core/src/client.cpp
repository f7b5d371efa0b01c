#include "avala/client.hpp"

#include <charconv>
#include <cstdlib>
#include <mutex>
#include <random>

#include "avala/error.hpp"
#include "avala/proxy.hpp"
#include "avala/rate_limiter.hpp"
#include "avala/redact.hpp"
#include "avala/retry.hpp"
#include "transport_error.hpp"

#ifndef AVALA_CORE_VERSION
#error "AVALA_CORE_VERSION must be defined by the build"
#endif

namespace avala {

std::string_view version() noexcept { return AVALA_CORE_VERSION; }

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

namespace {

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// nginx refuses a missing or bad client certificate after the handshake,
// with an HTTP 400 whose page names the reason: that is a TLS failure of
// the caller's configuration, not a validation error of the API.
std::optional<Error> client_certificate_refusal(const HttpResponse& r) {
  if (r.status != 400) return std::nullopt;
  for (std::string_view phrase : {"No required SSL certificate was sent", "The SSL certificate error"}) {
    if (r.body.find(phrase) != std::string::npos) {
      return Error(ErrorKind::tls, "the server refused the TLS client certificate (HTTP 400: " + std::string(phrase) +
                                       "); set client_cert and client_key to one it trusts");
    }
  }
  return std::nullopt;
}

}  // namespace

struct Client::Impl {
  std::string api_key;
  BaseUrl base;
  std::chrono::milliseconds timeout;
  RetryPolicy retry;
  Headers headers;
  Transport transport;
  mutable std::mutex mu;  // guards rate and rng
  RateLimitInfo rate;
  std::mt19937_64 rng{std::random_device{}()};
  std::unique_ptr<RateLimiter> limiter;  // only when asked for

  Impl(std::string key, BaseUrl b, std::chrono::milliseconds t, int max_retries, std::string user_agent,
       TransportOptions topts)
      : api_key(std::move(key)), base(std::move(b)), timeout(t), transport(std::move(topts)) {
    retry.max_retries = max_retries;
    headers = {{"X-Avala-Api-Key", api_key}, {"Accept", "application/json"}, {"User-Agent", std::move(user_agent)}};
  }

  void record(const HttpResponse& r) {
    auto limit = to_int(r.header("X-RateLimit-Limit"));
    auto remaining = to_int(r.header("X-RateLimit-Remaining"));
    auto reset = to_int(r.header("X-RateLimit-Reset"));
    if (limiter) limiter->update(limit, remaining, reset);
    std::lock_guard lock(mu);
    rate = {limit, remaining, reset};  // absent headers clear stale figures
  }

  // Writes the first attempt of a request (its rate-limit budget already taken).
  Client::Pending begin(std::string_view method, std::string target, std::optional<std::string> body,
                        Clock::time_point deadline, bool ahead = false) {
    Client::Pending p{HttpRequest{std::string(method), std::move(target), headers, std::move(body)}, {},
                      deadline, ahead};
    if (p.request.body) p.request.headers.emplace_back("Content-Type", "application/json");
    p.first_attempt = transport.start(p.request, ahead);
    return p;
  }

  // Spends one request of the limiter's budget (nullopt), or says until when
  // to wait before asking again — never past the deadline: a window that
  // ends after it fails the call at once (waiting would only end in a timeout).
  std::optional<Clock::time_point> budget(Clock::time_point deadline) {
    if (!limiter) return std::nullopt;
    auto reset = limiter->take();
    if (!reset) return std::nullopt;
    auto left = *reset - RateLimiter::Clock::now();
    Clock::time_point until = Clock::now() + std::chrono::ceil<std::chrono::milliseconds>(left);
    if (until > deadline) {
      double secs = std::chrono::duration<double>(left).count();
      throw Error(ErrorKind::rate_limited,
                  "client-side rate limit: the request budget is spent until the window resets in " +
                      std::to_string(static_cast<long long>(secs + 0.999)) + " s, after this call's deadline",
                  0, {}, secs);
    }
    return until;
  }

  void take_budget(Clock::time_point deadline, const CallContext* ctx) {
    while (auto until = budget(deadline)) transport.sleep_until(*until, ctx);
  }

  // What follows an attempt (the same for blocking and asynchronous calls):
  // the response is the result, or another attempt after `delay`, or the
  // call fails with `error`.
  struct Verdict {
    std::optional<std::chrono::milliseconds> delay;  // retry after it
    std::optional<Error> error;                      // else fail with it, else succeed
  };

  std::chrono::milliseconds backoff(int retry_no, std::optional<double> retry_after) {
    std::lock_guard lock(mu);
    return retry.delay(retry_no, retry_after, rng);
  }

  Verdict after_failure(const TransportError& e, int attempt, bool idempotent) {
    bool safe = idempotent || !e.may_have_reached_server();
    bool transient = e.kind() == ErrorKind::network || e.kind() == ErrorKind::timeout;
    if (attempt <= retry.max_retries && safe && transient) return {backoff(attempt, std::nullopt), {}};
    Error out(e.kind(), redact_text(e.what(), api_key), e.http_status());
    out.set_attempts(attempt);
    return {{}, std::move(out)};
  }

  Verdict after_answer(HttpResponse& resp, int attempt, bool idempotent) {
    record(resp);
    if (resp.status >= 200 && resp.status < 300) {
      resp.attempts = attempt;
      return {};
    }
    if (auto refusal = client_certificate_refusal(resp)) {
      refusal->set_attempts(attempt);
      return {{}, std::move(*refusal)};
    }
    Error err = error_from_response(resp.status, resp.body, resp.header("Retry-After"), resp.header("Location"),
                                    api_key);
    if (attempt <= retry.max_retries && idempotent && RetryPolicy::retryable_status(resp.status)) {
      return {backoff(attempt, err.retry_after()), {}};
    }
    err.set_attempts(attempt);
    return {{}, std::move(err)};
  }

  Clock::time_point deadline() const { return Clock::now() + timeout; }
};

Client::Client(ClientOptions o, const EnvLookup& env) {
  std::string key;
  if (o.api_key) {
    key = *o.api_key;
  } else if (auto k = env("AVALA_API_KEY")) {
    key = *k;
  }
  if (key.empty()) {
    throw Error(ErrorKind::config,
                "No API key provided. Pass api_key or set the AVALA_API_KEY environment variable.");
  }
  if (has_control_chars(key)) throw Error(ErrorKind::config, "API key contains control characters");

  std::string url = o.base_url ? *o.base_url : env("AVALA_BASE_URL").value_or(std::string(kDefaultBaseUrl));
  bool insecure_ok = is_truthy(env("AVALA_ALLOW_INSECURE_BASE_URL").value_or(""));
  BaseUrl base = parse_base_url(url, insecure_ok);

  std::string ua = "avala-cpp/" + std::string(version());
  if (!o.user_agent_suffix.empty()) {
    if (has_control_chars(o.user_agent_suffix)) {
      throw Error(ErrorKind::config, "user-agent suffix contains control characters");
    }
    ua += " " + o.user_agent_suffix;
  }
  auto timeout = o.timeout.value_or(std::chrono::seconds(30));
  if (timeout.count() <= 0) throw Error(ErrorKind::config, "timeout must be positive");
  timeout = std::min(timeout, std::chrono::milliseconds(kMaxTimeout));
  int retries = o.max_retries.value_or(2);
  if (retries < 0) throw Error(ErrorKind::config, "max_retries must not be negative");

  TransportOptions topts;
  topts.endpoint = base;
  topts.ca_file = o.ca_file;
  topts.ca_dir = o.ca_dir;
  topts.client_cert = o.client_cert;
  topts.client_key = o.client_key;
  topts.client_key_password = o.client_key_password;
  topts.max_body_bytes = o.max_body_bytes;
  topts.resolve = o.resolve;
  topts.proxy = choose_proxy(o.proxy, env, base.tls, base.host);  // Error(config) for a bad proxy URL
  topts.compress = o.compression;
  impl_ = std::make_shared<Impl>(std::move(key), std::move(base), timeout, retries, std::move(ua),
                                 std::move(topts));
  if (o.rate_limit) impl_->limiter = std::make_unique<RateLimiter>();
}

const BaseUrl& Client::base_url() const noexcept { return impl_->base; }
std::string_view Client::secret() const noexcept { return impl_->api_key; }
std::size_t Client::connections_opened() const noexcept { return impl_->transport.connections_opened(); }

RateLimitInfo Client::rate_limit() const {
  std::lock_guard lock(impl_->mu);
  return impl_->rate;
}

Client Client::with_context(std::shared_ptr<const CallContext> ctx) const {
  Client c = *this;
  c.ctx_ = std::move(ctx);
  return c;
}

void Client::sleep_until(Clock::time_point until) const { impl_->transport.sleep_until(until, ctx_.get()); }

HttpResponse Client::send(std::string_view method, std::string target, std::optional<std::string> body) const {
  Impl& s = *impl_;
  auto deadline = s.deadline();
  s.take_budget(deadline, ctx_.get());
  return finish(s.begin(method, std::move(target), std::move(body), deadline));
}

std::optional<Client::Pending> Client::try_start_get(std::string target) const {
  Impl& s = *impl_;
  if (!s.transport.has_idle()) return std::nullopt;  // checked first, so a budget is rarely spent for nothing
  if (s.limiter && !s.limiter->try_acquire()) return std::nullopt;
  Pending p = s.begin("GET", std::move(target), std::nullopt, s.deadline(), true);
  if (!p.first_attempt) return std::nullopt;  // another thread took the idle connection
  return p;
}

HttpResponse Client::finish(Pending p) const {
  Impl& s = *impl_;
  const HttpRequest& req = p.request;
  const bool idempotent = RetryPolicy::idempotent(req.method);

  for (int attempt = 1;; ++attempt) {
    HttpResponse resp;
    Impl::Verdict v;
    try {
      // One deadline for the whole first attempt, as for any other; except
      // that a caller that read ahead may come back for the answer long
      // after it started, so its wait counts from here.
      const CallContext* ctx = ctx_.get();
      if (attempt == 1) {
        resp = s.transport.finish(std::move(p.first_attempt), p.ahead ? s.deadline() : p.deadline, ctx);
      } else {
        auto deadline = s.deadline();
        s.take_budget(deadline, ctx);
        resp = s.transport.send(req, deadline, ctx);
      }
      v = s.after_answer(resp, attempt, idempotent);
    } catch (const TransportError& e) {
      v = s.after_failure(e, attempt, idempotent);
    }
    if (v.delay) {
      s.transport.sleep_until(Clock::now() + *v.delay, ctx_.get());
      continue;
    }
    if (v.error) throw *v.error;
    return resp;
  }
}

namespace {

// The retry loop of Client::send_async: each step is a handler on the
// engine, and the call ends by calling `done` once.
struct AsyncCall : std::enable_shared_from_this<AsyncCall> {
  Client client;  // keeps the pool and the engine alive while the call runs
  Client::Impl& s;
  std::shared_ptr<const CallContext> ctx;
  HttpRequest req;
  bool idempotent;
  Client::SendDone done;
  int attempt = 1;
  Clock::time_point deadline;

  AsyncCall(Client c, Client::Impl& impl, std::shared_ptr<const CallContext> context, HttpRequest r,
            Client::SendDone d)
      : client(std::move(c)), s(impl), ctx(std::move(context)), req(std::move(r)),
        idempotent(RetryPolicy::idempotent(req.method)), done(std::move(d)) {}

  void fail(std::exception_ptr e) { std::exchange(done, nullptr)(std::move(e), {}); }

  // An attempt: its budget first (waiting for the window if need be), then the request.
  void attempt_now() {
    deadline = s.deadline();
    take_budget();
  }

  void take_budget() {
    std::optional<Clock::time_point> until;
    try {
      until = s.budget(deadline);
    } catch (...) {
      return fail(std::current_exception());
    }
    if (!until) return send();
    s.transport.sleep_async(*until, ctx, [self = shared_from_this()](bool cancelled) {
      if (cancelled) return self->fail(std::make_exception_ptr(Error(ErrorKind::cancelled, "call cancelled")));
      self->take_budget();
    });
  }

  void send() {
    s.transport.send_async(req, deadline, ctx, [self = shared_from_this()](std::exception_ptr e, HttpResponse resp) {
      self->answered(std::move(e), std::move(resp));
    });
  }

  void answered(std::exception_ptr e, HttpResponse resp) {
    Client::Impl::Verdict v;
    try {
      if (e) std::rethrow_exception(e);
      v = s.after_answer(resp, attempt, idempotent);
    } catch (const TransportError& te) {
      v = s.after_failure(te, attempt, idempotent);
    } catch (...) {
      return fail(std::current_exception());  // cancelled, or out of memory
    }
    if (v.error) return fail(std::make_exception_ptr(std::move(*v.error)));
    if (!v.delay) return std::exchange(done, nullptr)(nullptr, std::move(resp));
    s.transport.sleep_async(Clock::now() + *v.delay, ctx, [self = shared_from_this()](bool cancelled) {
      if (cancelled) return self->fail(std::make_exception_ptr(Error(ErrorKind::cancelled, "call cancelled")));
      ++self->attempt;
      self->attempt_now();
    });
  }
};

}  // namespace

void Client::send_async(std::string_view method, std::string target, std::optional<std::string> body,
                        SendDone done) const {
  Impl& s = *impl_;
  HttpRequest req{std::string(method), std::move(target), s.headers, std::move(body)};
  if (req.body) req.headers.emplace_back("Content-Type", "application/json");
  auto call = std::make_shared<AsyncCall>(*this, s, ctx_, std::move(req), std::move(done));
  call->attempt_now();
}

void Client::sleep_async(Clock::time_point until, std::function<void(std::exception_ptr)> done) const {
  impl_->transport.sleep_async(until, ctx_, [done = std::move(done)](bool cancelled) {
    done(cancelled ? std::make_exception_ptr(Error(ErrorKind::cancelled, "call cancelled")) : nullptr);
  });
}

}  // namespace avala
