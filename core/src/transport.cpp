// The only translation unit that includes Beast and Asio (they are heavy to
// compile).
//
// Design. Each Transport (one per client) has one Engine: one io_context, the
// TLS context and the pool of idle connections. Every request is an
// Exchange, a chain of asynchronous operations on that engine (resolve,
// connect, TLS, write, read). A blocking call starts its exchange and then
// waits; waiting threads take turns running the engine (leader/followers):
// one leads, running handlers for every exchange in flight, the others sleep
// on a condition variable until their exchange is done or leadership is free.
// So a single-threaded caller runs its own I/O on its own thread, with no
// hand-off to another thread (the latency the benchmarks guard), while many
// threads share one reactor, one resolver thread and no thread per
// connection. The deadline is held by the waiting thread (the leader's
// run_one_until, a follower's wait_until), and so are cancellation (the token's
// eventfd is watched by the reactor during the wait) and the interrupt hook.
// Whatever stops an exchange early closes its socket: it is never pooled
// half-read.
//
// Fork: a pthread_atfork child handler bumps a generation. A transport whose
// engine is of an older generation leaks it (no joins, no TLS shutdown, no
// epoll_ctl on the epoll instance the parent still uses; idle sockets' file
// descriptors are closed, which the parent does not notice) and makes a new one.
//
// Shortcuts on plain TCP, found by the benchmarks: a request is written with a
// non-blocking send on the calling thread (the reactor only takes what the
// socket would not), an answer is read by the waiter itself — an answer read
// ahead has usually arrived, and then costs one recv and no reactor at all —
// and a socket is registered with the reactor for reading only (after connect,
// its writability woke the reactor on every ACK). A walk costs two syscalls a
// page (recv, send), as before the engine; a get four (send, epoll_ctl,
// epoll_wait, recv) where the old poll() loop took three.
#include "avala/transport.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <functional>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "avala/error.hpp"
#include "avala/json_codec.hpp"
#include "avala/proxy.hpp"
#include "inflate.hpp"
#include "avala/retry.hpp"
#include "transport_error.hpp"

namespace avala {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

std::string_view HttpResponse::header(std::string_view name) const noexcept {
  for (const auto& [k, v] : headers) {
    if (beast::iequals(k, name)) return v;
  }
  return {};
}

namespace {

// ---- fork ---------------------------------------------------------------

std::atomic<std::uint64_t> g_generation{0};

extern "C" void avala_forked_child() { g_generation.fetch_add(1, std::memory_order_relaxed); }

std::uint64_t generation() {
  static const int registered = pthread_atfork(nullptr, nullptr, avala_forked_child);
  (void)registered;
  return g_generation.load(std::memory_order_relaxed);
}

// ---- bodies and connections ---------------------------------------------

// A response body: http::string_body, except that its reader appends what
// arrives, where string_body's grows the string with zeros and then copies
// over them (a page's body was written twice: the memset was ~1% of a page
// walk, found by the pagination benchmark). It reserves the decoder's padding
// with the body, so the decoder never copies it. Beast calls init only for a
// body that will come and is within the parser's body_limit (a 204, or the
// answer to a HEAD, may claim any length).
//
// A compressed body (Content-Encoding) is decoded as it arrives, by an
// Inflater whose limit is the decoded size: a compression bomb stops at the
// limit in bounded memory. A decoding failure is kept in `error` (the parser
// only sees an error code) for the exchange to report.
struct ResponseBody {
  struct value_type {
    std::string text;
    std::size_t limit = 0;  // of the decoded size; set before reading
    std::string error;      // why decoding failed
  };

  class reader {
   public:
    // Beast makes the reader with the parser, before any header has been
    // read: the header is looked at in init(), once it is complete.
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>& header, value_type& body)
        : body_(body), header_(&header), encoding_of_([](const void* h) -> std::string_view {
            return (*static_cast<const http::header<isRequest, Fields>*>(h))[http::field::content_encoding];
          }) {}

    void init(const boost::optional<std::uint64_t>& length, error_code& ec) {
      ec = {};
      std::string_view encoding = encoding_of_(header_);
      if (!encoding.empty()) {
        try {
          inflater_.emplace(encoding, body_.limit);
        } catch (const std::exception& e) {
          return fail(e, ec);
        }
        if (inflater_->identity()) inflater_.reset();
        return;
      }
      if (length && *length <= body_.text.max_size() - kBodyPadding) {
        body_.text.reserve(static_cast<std::size_t>(*length) + kBodyPadding);
      }
    }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, error_code& ec) {
      ec = {};
      std::size_t n = 0;
      try {
        for (asio::const_buffer b : beast::buffers_range_ref(buffers)) {
          std::string_view chunk(static_cast<const char*>(b.data()), b.size());
          if (inflater_) {
            inflater_->feed(chunk, body_.text);
          } else {
            body_.text.append(chunk);
          }
          n += b.size();
        }
      } catch (const std::exception& e) {
        fail(e, ec);
      }
      return n;
    }
    void finish(error_code& ec) {
      ec = {};
      if (!inflater_) return;
      try {
        inflater_->finish();
      } catch (const std::exception& e) {
        fail(e, ec);
      }
    }

   private:
    void fail(const std::exception& e, error_code& ec) {
      body_.error = e.what();
      ec = make_error_code(boost::system::errc::illegal_byte_sequence);
    }
    value_type& body_;
    const void* header_;
    std::string_view (*encoding_of_)(const void* header);
    std::optional<Inflater> inflater_;
  };
};

using Request = http::request<http::string_body>;
using Parser = http::response_parser<ResponseBody>;
using TlsStream = beast::ssl_stream<tcp::socket>;

struct Connection {
  Connection(asio::io_context& ioc, ssl::context* tls_ctx) : resolver(ioc) {
    if (tls_ctx != nullptr) {
      tls.emplace(ioc, *tls_ctx);
    } else {
      plain.emplace(ioc);
    }
    // Reads take up to 64 KiB at a time instead of starting at 512 bytes (a
    // 40 KiB page took ~70 reads; found by the pagination benchmark).
    buffer.reserve(64 * 1024);
  }

  tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }

  // Whether a pooled connection can take a request: the server has neither
  // closed it (recv gives 0) nor sent anything unasked (an alert, a late
  // answer): either way it is not reused. One non-blocking peek.
  bool still_open() {
    char c;
    ssize_t n = ::recv(socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  Clock::time_point idle_since;  // when it was pooled
  tcp::resolver resolver;
  std::optional<tcp::socket> plain;
  std::optional<TlsStream> tls;
  beast::flat_buffer buffer;
};

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// A TLS alert from the server after the handshake (TLS 1.3 sends "certificate
// required" only then, when the request is written or its answer read): a
// TLS error naming the alert, never retried as if the network broke.
std::optional<TransportError> tls_alert(const error_code& ec, bool got_response_bytes) {
  if (ec.category() != asio::error::get_ssl_category()) return std::nullopt;
  std::string reason = ec.message();
  if (reason.find("alert") == std::string::npos) return std::nullopt;
  std::string msg = "the server ended the TLS session with an alert (" + reason + ")";
  if (reason.find("certificate required") != std::string::npos) {
    msg += ": it requires a client certificate (client_cert)";
  } else if (reason.find("certificate") != std::string::npos) {
    msg += ": it refused the client certificate";
  }
  return TransportError(ErrorKind::tls, std::move(msg), true, got_response_bytes);
}

std::string tls_failure_message(const error_code& ec, SSL* ssl) {
  std::string msg = "TLS handshake failed";
  if (ssl != nullptr) {
    long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
      msg += ": certificate verification failed (";
      msg += X509_verify_cert_error_string(verify);
      msg += ")";
      return msg;
    }
  }
  msg += ": " + ec.message();
  return msg;
}

// ---- the engine -----------------------------------------------------------

// The thread that drives an engine while asynchronous calls are in flight
// and no caller's thread does (see Engine::async_begin). Its state is shared
// with the thread, which holds the engine itself only while it runs it: the
// last reference to an engine may then be dropped on that thread.
struct Runner {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;      // asynchronous calls in flight (mu)
  bool stop = false;  // mu
  std::atomic<bool> idle{true};  // calls == 0: the thread's wait ends
  std::thread thread;
};

struct Engine : std::enable_shared_from_this<Engine> {
  explicit Engine(const TransportOptions& o)
      : opts(o), generation(avala::generation()), poke_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (poke_fd < 0) throw Error(ErrorKind::internal, "cannot make the engine's eventfd");
    for (const std::string& a : opts.resolve) {
      error_code ec;
      auto addr = asio::ip::make_address(a, ec);
      if (ec) throw Error(ErrorKind::config, "'" + a + "' is not an IP address (resolve option)");
      resolved.emplace_back(addr, static_cast<unsigned short>(std::strtoul(opts.endpoint.port.c_str(), nullptr, 10)));
    }
    if (!opts.endpoint.tls) return;
    tls_ctx.emplace(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(tls_ctx->native_handle(), TLS1_2_VERSION);
    tls_ctx->set_verify_mode(ssl::verify_peer);
    error_code ec;
    if (opts.ca_file) {
      tls_ctx->load_verify_file(*opts.ca_file, ec);
      if (ec) throw Error(ErrorKind::config, "cannot load CA file '" + *opts.ca_file + "': " + ec.message());
    }
    if (opts.ca_dir) {
      tls_ctx->add_verify_path(*opts.ca_dir, ec);
      if (ec) throw Error(ErrorKind::config, "cannot use CA directory '" + *opts.ca_dir + "': " + ec.message());
    }
    if (!opts.ca_file && !opts.ca_dir) {
      tls_ctx->set_default_verify_paths(ec);  // honours SSL_CERT_FILE and SSL_CERT_DIR
      if (ec) throw Error(ErrorKind::config, "cannot load the system trust store: " + ec.message());
    }
    if (opts.client_cert) load_identity(opts);
  }

  // The client certificate and key for mutual TLS. A wrong passphrase, a
  // key that does not match the certificate, an unreadable file: each a
  // config error naming the file (never the passphrase), before any request.
  void load_identity(const TransportOptions& o) {
    error_code ec;
    const std::string& cert = *o.client_cert;
    const std::string& key = o.client_key ? *o.client_key : cert;
    if (o.client_key_password) {
      std::string password = *o.client_key_password;
      tls_ctx->set_password_callback([password](std::size_t, ssl::context::password_purpose) { return password; });
    }
    tls_ctx->use_certificate_chain_file(cert, ec);
    if (ec) throw Error(ErrorKind::config, "cannot load client certificate '" + cert + "': " + ec.message());
    tls_ctx->use_private_key_file(key, ssl::context::pem, ec);
    if (ec) {
      throw Error(ErrorKind::config, "cannot load client key '" + key + "'" +
                                         (o.client_key_password ? " (is the passphrase right?)" : "") + ": " +
                                         ec.message());
    }
    if (SSL_CTX_check_private_key(tls_ctx->native_handle()) != 1) {
      throw Error(ErrorKind::config, "client key '" + key + "' does not match certificate '" + cert + "'");
    }
    tls_ctx->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });
  }

  ~Engine() {
    if (runner) {
      {
        std::lock_guard lock(runner->mu);
        runner->stop = true;
      }
      runner->cv.notify_all();
      // The runner may drop the last reference itself, after its wait.
      if (runner->thread.get_id() == std::this_thread::get_id()) {
        runner->thread.detach();
      } else {
        runner->thread.join();
      }
    }
    // Runs what is queued (the closing of dropped requests) before the pool
    // and the context go.
    work.reset();
    ioc.restart();
    ioc.poll();
    ::close(poke_fd);
  }

  // Wakes a leader that waits in poll() outside the reactor (direct_wait).
  void poke() noexcept {
    std::uint64_t one = 1;
    ssize_t ignored = ::write(poke_fd, &one, sizeof one);
    (void)ignored;
  }

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // In a forked child: closes the descriptors of the parent's idle
  // connections (close() alone sends nothing and leaves the parent's
  // registrations in the shared epoll instance alone) and forgets the rest.
  // The pool lock may have been held by a parent thread at fork: then the
  // descriptors are left open rather than risk a deadlock.
  void forget_inherited() noexcept {
    if (!pool_mu.try_lock()) return;
    for (auto& c : idle) ::close(c->socket().native_handle());
    pool_mu.unlock();
  }

  // An idle connection that is still open. For a request that must not be
  // sent twice the check is always made; for an idempotent one only after a
  // second idle (servers close idle connections after seconds, and if one
  // did sooner, the request is sent again on a fresh connection anyway):
  // one syscall fewer per page of a walk.
  std::unique_ptr<Connection> take_idle(bool check_always) {
    std::lock_guard lock(pool_mu);
    while (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      if ((!check_always && Clock::now() - c->idle_since < std::chrono::seconds(1)) || c->still_open()) return c;
    }
    return nullptr;
  }

  void give_back(std::unique_ptr<Connection> c, std::size_t max_idle) {
    c->idle_since = Clock::now();
    std::lock_guard lock(pool_mu);
    if (idle.size() < max_idle) idle.push_back(std::move(c));
  }

  void drop_idle() {
    std::lock_guard lock(pool_mu);
    idle.clear();
  }

  bool has_idle() {
    std::lock_guard lock(pool_mu);
    return !idle.empty();
  }

  // Wakes the followers, so that they look at their exchange (or lead).
  void wake_followers() {
    if (waiting.load() > 0) {
      std::lock_guard lock(lead_mu);
      lead_cv.notify_all();
    }
  }

  enum class Woke { done, deadline, cancelled, other };

  // Waits until `done`, the deadline, or the context stops the wait, taking
  // the lead when it is free; also returns `other` as soon as *also is set.
  // `done` is set by a handler, which then calls wake_followers().
  Woke wait(const std::atomic<bool>& done, Clock::time_point deadline, const CallContext* ctx,
            const std::atomic<bool>* also = nullptr);

  // Runs f on the engine: at once on this thread when nobody leads (a
  // request is then written before start() returns, so a request read ahead
  // is on the wire while the caller works), else by the leader.
  template <class F>
  void run(F&& f) {
    std::unique_lock lock(lead_mu);
    if (leading) {
      lock.unlock();
      asio::post(ioc, std::forward<F>(f));
      if (direct_polling.load()) poke();  // a leader in direct_wait serves no queue: wake it
      return;
    }
    leading = true;
    lock.unlock();
    struct Release {
      Engine& e;
      ~Release() {
        std::lock_guard l(e.lead_mu);
        e.leading = false;
        if (e.waiting.load() > 0) e.lead_cv.notify_all();
      }
    } release{*this};
    f();
  }

  // An asynchronous call starts (async_begin) or has delivered its result
  // (async_end). While any is in flight the runner thread waits on the
  // engine like a blocking caller (leading, or following a caller's thread
  // that leads), so their I/O goes on when no caller waits.
  void async_begin() {
    std::unique_lock lock(runner_mu);
    if (!runner) {
      runner = std::make_shared<Runner>();
      runner->thread = std::thread(run_async, weak_from_this(), runner);
    }
    lock.unlock();
    std::lock_guard l(runner->mu);
    if (runner->calls++ == 0) {
      runner->idle.store(false);
      runner->cv.notify_all();
    }
  }
  void async_end() {
    {
      std::lock_guard l(runner->mu);
      if (--runner->calls != 0) return;
      runner->idle.store(true);
    }
    wake_followers();  // the runner, if it follows
  }
  static void run_async(std::weak_ptr<Engine> weak, std::shared_ptr<Runner> r);

  const TransportOptions opts;
  std::vector<tcp::endpoint> resolved;  // opts.resolve, parsed
  std::atomic<std::size_t> opened{0};  // connections opened
  const std::uint64_t generation;
  // One thread runs it at a time (the leader), so hint 1: a handler's
  // immediate completions stay on the running thread's own queue instead of
  // waking the reactor (an epoll_ctl and a wasted epoll_wait per request).
  asio::io_context ioc{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  std::optional<ssl::context> tls_ctx;

  std::mutex pool_mu;
  std::vector<std::unique_ptr<Connection>> idle;

  std::mutex lead_mu;
  std::condition_variable lead_cv;
  bool leading = false;          // lead_mu
  std::atomic<int> waiting{0};   // followers asleep on lead_cv

  // The fast path of a lone blocking call (direct_wait): the leader polls its
  // socket itself, outside the reactor, while nothing else is in flight.
  const int poke_fd;
  std::atomic<bool> direct_polling{false};
  std::atomic<int> active{0};  // exchanges not done, and cancel watches: what needs the reactor

  std::mutex runner_mu;
  std::shared_ptr<Runner> runner;  // made by the first asynchronous call
};

void Engine::run_async(std::weak_ptr<Engine> weak, std::shared_ptr<Runner> r) {
  static const std::atomic<bool> never{false};
  for (;;) {
    {
      std::unique_lock lock(r->mu);
      r->cv.wait(lock, [&] { return r->stop || r->calls > 0; });
      if (r->stop) return;
    }
    std::shared_ptr<Engine> e = weak.lock();
    if (!e) return;
    try {
      e->wait(never, Clock::time_point::max(), nullptr, &r->idle);
    } catch (...) {
      // wait throws only without a cancel token (none here): not reached
    }
  }
}

Engine::Woke Engine::wait(const std::atomic<bool>& done, Clock::time_point deadline, const CallContext* ctx,
                          const std::atomic<bool>* also) {
  const CancelToken* token = ctx != nullptr ? ctx->cancel.get() : nullptr;
  const bool hooked = ctx != nullptr && ctx->interrupt;
  if (done.load()) return Woke::done;
  if (token != nullptr && token->fired()) return Woke::cancelled;

  // The token's eventfd, watched by the reactor for this wait, so that
  // firing it (from any thread or a signal handler) wakes the leader. A
  // duplicate, since the same token may be watched by other waits at once.
  std::optional<asio::posix::stream_descriptor> watch;
  if (token != nullptr) {
    int fd = ::dup(token->fd());
    if (fd < 0) throw Error(ErrorKind::internal, "cannot watch the cancel token: out of file descriptors");
    watch.emplace(ioc, fd);
    ++active;
    watch->async_wait(asio::posix::stream_descriptor::wait_read, [this](error_code) { wake_followers(); });
    if (direct_polling.load()) poke();  // the reactor must run to watch it
  }
  struct Unwatch {
    Engine& e;
    std::optional<asio::posix::stream_descriptor>& w;
    ~Unwatch() {
      if (!w) return;
      error_code ignored;
      w->close(ignored);  // its handler runs later, with operation_aborted
      --e.active;
    }
  } unwatch{*this, watch};

  Clock::time_point check_at = hooked ? Clock::now() + ctx->interrupt_every : Clock::time_point::max();
  std::unique_lock lock(lead_mu);
  for (;;) {
    if (done.load()) return Woke::done;
    if (also != nullptr && also->load()) return Woke::other;
    if (token != nullptr && token->fired()) return Woke::cancelled;
    Clock::time_point now = Clock::now();
    if (now >= deadline) return Woke::deadline;
    if (now >= check_at) {
      lock.unlock();
      bool go_on = ctx->interrupt();
      lock.lock();
      if (!go_on) return Woke::cancelled;
      check_at = Clock::now() + ctx->interrupt_every;
      continue;
    }
    Clock::time_point until = std::min(deadline, check_at);
    if (!leading) {
      leading = true;
      lock.unlock();
      while (!done.load() && !(also != nullptr && also->load()) && !(token != nullptr && token->fired()) &&
             Clock::now() < until) {
        ioc.run_one_until(until);
      }
      lock.lock();
      leading = false;
      if (waiting.load() > 0) lead_cv.notify_all();  // someone else may lead now
      continue;
    }
    waiting.fetch_add(1);
    lead_cv.wait_until(lock, until);
    waiting.fetch_sub(1);
  }
}

// ---- one request on the wire ------------------------------------------------

// Every member is touched only on the engine (by its leader), except `done`
// and, once `done` is set, the outcome, which the waiter then owns.
struct Exchange : std::enable_shared_from_this<Exchange> {
  Exchange(Engine& e, std::shared_ptr<const Request> r, std::unique_ptr<Connection> c)
      : eng(e), opts(e.opts), opened(e.opened), req(std::move(r)), conn(std::move(c)), reused(conn != nullptr) {}

  Engine& eng;
  const TransportOptions& opts;
  std::atomic<std::size_t>& opened;
  std::shared_ptr<const Request> req;
  std::unique_ptr<Connection> conn;
  const bool reused;
  std::optional<Parser> parser;
  std::optional<http::request_serializer<http::string_body>> serializer;
  const char* phase = "name resolution";
  bool wrote_any = false;  // writing has begun
  bool sent = false;       // the whole request is written
  bool awaiting = false;   // written; nobody reads the answer yet
  bool closed = false;     // the socket is closed (the connection object stays, see close())
  std::atomic<bool> direct{false};  // the answer is waited for by direct_wait, not the reactor
  bool want_read = false;  // a waiter wants the answer read as soon as it can be
  // An asynchronous call's: nobody waits on `done`; on_done runs (on the
  // engine) when it is set, and the answer is always awaited on the reactor.
  bool async = false;
  std::function<void()> on_done;

  // The outcome.
  std::atomic<bool> done{false};
  std::optional<TransportError> error;
  HttpResponse resp;

  // ---- steps ----
  void begin() {
    if (done) return;
    if (conn) return write();
    conn = std::make_unique<Connection>(eng.ioc, eng.tls_ctx ? &*eng.tls_ctx : nullptr);
    if (!eng.resolved.empty()) return connect(eng.resolved);  // addresses given instead of a lookup
    // The proxy's address, when there is one; the origin's otherwise.
    const std::string& host = opts.proxy ? opts.proxy->host : opts.endpoint.host;
    const std::string& port = opts.proxy ? opts.proxy->port : opts.endpoint.port;
    if (is_ip_literal(host)) {
      // No resolver (and so no resolver thread) for an IP literal.
      error_code ec;
      auto addr = asio::ip::make_address(host, ec);
      return connect({tcp::endpoint(addr, static_cast<unsigned short>(std::strtoul(port.c_str(), nullptr, 10)))});
    }
    conn->resolver.async_resolve(host, port,
                                 [self = shared_from_this()](error_code ec, tcp::resolver::results_type r) {
                                   if (self->done) return;
                                   if (ec) {
                                     return self->fail(TransportError(
                                         ErrorKind::network,
                                         "cannot resolve " + self->peer() + ": " + ec.message(), false, false));
                                   }
                                   std::vector<tcp::endpoint> endpoints;
                                   for (const auto& e : r) endpoints.push_back(e.endpoint());
                                   self->connect(std::move(endpoints));
                                 });
  }

  // Happy eyeballs (RFC 8305 in spirit): the addresses interleaved by family
  // (the resolver's first family first); an attempt starts every 250 ms, or
  // at once when every attempt so far has failed; the first to connect wins
  // and the others are closed. All within the request's one deadline.
  struct Race {
    explicit Race(asio::io_context& ioc) : timer(ioc) {}
    std::vector<tcp::endpoint> order;
    std::vector<std::unique_ptr<tcp::socket>> sockets;
    std::size_t failed = 0;
    asio::steady_timer timer;
    error_code last;
  };
  static constexpr std::chrono::milliseconds kAttemptDelay{250};
  std::shared_ptr<Race> race;  // while connecting

  static std::vector<tcp::endpoint> interleave(std::vector<tcp::endpoint> all) {
    if (all.empty()) return all;
    const bool first_v6 = all.front().address().is_v6();
    std::vector<tcp::endpoint> first, second, out;
    for (auto& e : all) (e.address().is_v6() == first_v6 ? first : second).push_back(e);
    for (std::size_t i = 0; i < std::max(first.size(), second.size()); ++i) {
      if (i < first.size()) out.push_back(first[i]);
      if (i < second.size()) out.push_back(second[i]);
    }
    return out;
  }

  void connect(std::vector<tcp::endpoint> endpoints) {
    phase = "connect";
    race = std::make_shared<Race>(eng.ioc);
    race->order = interleave(std::move(endpoints));
    if (race->order.empty()) {
      return fail(TransportError(ErrorKind::network, "cannot resolve host '" + opts.endpoint.host + "': no address",
                                 false, false));
    }
    attempt(race);
  }

  void attempt(const std::shared_ptr<Race>& r) {
    if (r->sockets.size() >= r->order.size()) return;  // every address is being tried
    const tcp::endpoint& ep = r->order[r->sockets.size()];
    r->sockets.push_back(std::make_unique<tcp::socket>(eng.ioc));
    tcp::socket* sock = r->sockets.back().get();
    sock->async_connect(ep, [self = shared_from_this(), r, sock](error_code ec) { self->attempt_done(r, sock, ec); });
    if (r->sockets.size() < r->order.size()) {
      r->timer.expires_after(kAttemptDelay);
      r->timer.async_wait([self = shared_from_this(), r](error_code ec) {
        if (!ec && !self->done && self->race == r) self->attempt(r);
      });
    }
  }

  void attempt_done(const std::shared_ptr<Race>& r, tcp::socket* sock, error_code ec) {
    if (done || race != r) return;  // over, or another attempt won
    if (ec) {
      r->last = ec;
      if (++r->failed == r->order.size()) {
        race.reset();
        return fail(TransportError(ErrorKind::network, "cannot connect to " + peer() + ": " + ec.message(), false,
                                   false));
      }
      if (r->failed == r->sockets.size()) attempt(r);  // nothing left in flight: the next one now
      return;
    }
    race.reset();
    r->timer.cancel();
    error_code ignored;
    for (auto& other : r->sockets) {
      if (other.get() != sock) other->close(ignored);
    }
    conn->socket() = std::move(*sock);
    connected();
  }

  void connected() {
    error_code ignored;
    tcp::socket& sock = conn->socket();
    sock.set_option(tcp::no_delay(true), ignored);
    // Connecting registered the socket for writability, and with it every
    // ACK would wake the reactor for nothing (an epoll_wait per request,
    // found by the get benchmark): register it afresh, for reading.
    error_code ec2;
    auto protocol = sock.local_endpoint(ec2).protocol();
    if (!ec2) {
      int fd = sock.release(ec2);
      if (!ec2) sock.assign(protocol, fd, ec2);
      if (ec2) {
        return fail(TransportError(ErrorKind::network, "cannot set up the connection: " + ec2.message(), false, false));
      }
    }
    sock.non_blocking(true, ignored);  // write() tries a send first
    ++opened;
    if (conn->tls) return opts.proxy ? tunnel() : handshake();
    write();
  }

  // What this exchange connects to, for messages: the origin, or the proxy
  // (its password redacted).
  std::string peer() const {
    return opts.proxy ? "proxy " + opts.proxy->redacted() : "host '" + opts.endpoint.host_header + "'";
  }

  // https through a proxy: a CONNECT tunnel to the origin first; TLS then
  // runs inside it, with SNI and the host check against the origin.
  void tunnel() {
    phase = "proxy CONNECT";
    auto agent = req->find(http::field::user_agent);
    auto text = std::make_shared<std::string>(connect_request(
        *opts.proxy, opts.endpoint.host, opts.endpoint.port,
        agent != req->end() ? std::string_view(agent->value()) : std::string_view()));
    asio::async_write(conn->socket(), asio::buffer(*text), [self = shared_from_this(), text](error_code ec, std::size_t) {
      if (self->done) return;
      if (ec) {
        return self->fail(TransportError(ErrorKind::network, "sending CONNECT to " + self->peer() + " failed: " +
                                                                 ec.message(), false, false));
      }
      auto answer = std::make_shared<http::response_parser<http::empty_body>>();
      answer->skip(true);  // a CONNECT's answer has no body to read
      http::async_read_header(self->conn->socket(), self->conn->buffer, *answer,
                              [self, answer](error_code ec2, std::size_t) { self->tunnel_answered(*answer, ec2); });
    });
  }

  void tunnel_answered(http::response_parser<http::empty_body>& answer, error_code ec) {
    if (done) return;
    if (ec) {
      return fail(TransportError(ErrorKind::network, peer() + " closed the connection during CONNECT: " + ec.message(),
                                 false, false));
    }
    try {
      check_proxy_answer(*opts.proxy, answer.get().result_int(), answer.get().reason(), true);
    } catch (const Error& e) {
      return fail(TransportError(ErrorKind::proxy, e.what(), false, false, e.http_status()));
    }
    if (conn->buffer.size() != 0) {  // nothing may come before our TLS hello
      return fail(TransportError(ErrorKind::network, peer() + " sent bytes after its CONNECT answer", false, false));
    }
    handshake();
  }

  void handshake() {
    phase = "TLS handshake";
    const BaseUrl& ep = opts.endpoint;
    SSL* ssl = conn->tls->native_handle();
    bool ip = is_ip_literal(ep.host);
    // SNI must be a host name, never an IP literal (RFC 6066).
    if (!ip && SSL_set_tlsext_host_name(ssl, ep.host.c_str()) != 1) {
      return fail(TransportError(ErrorKind::tls, "cannot set TLS server name", false, false));
    }
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, ep.host.c_str())
                : X509_VERIFY_PARAM_set1_host(param, ep.host.c_str(), ep.host.size());
    if (ok != 1) return fail(TransportError(ErrorKind::tls, "cannot set TLS host check", false, false));
    conn->tls->async_handshake(ssl::stream_base::client, [self = shared_from_this()](error_code ec) {
      if (self->done) return;
      if (ec) {
        return self->fail(
            TransportError(ErrorKind::tls, tls_failure_message(ec, self->conn->tls->native_handle()), false, false));
      }
      self->write();
    });
  }

  void write() {
    phase = "sending the request";
    wrote_any = true;
    if (conn->tls) {
      http::async_write(*conn->tls, *req, [self = shared_from_this()](error_code ec, std::size_t) {
        self->written(ec);
      });
      return;
    }
    // Plain TCP: written on this thread at once, as far as the socket takes
    // it (a whole small request: one send, no trip through the reactor);
    // the rest, if any, asynchronously.
    serializer.emplace(*req);
    error_code ec;
    while (!serializer->is_done()) {
      http::write_some(*conn->plain, *serializer, ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        http::async_write(*conn->plain, *serializer, [self = shared_from_this()](error_code e, std::size_t) {
          self->written(e);
        });
        return;
      }
      if (ec) break;
    }
    written(ec);
  }

  void written(error_code ec) {
    if (done) return;
    serializer.reset();
    if (auto alert = ec ? tls_alert(ec, false) : std::nullopt) return fail(std::move(*alert));
    if (ec) {
      // The request did not get through whole, so no server acted on it:
      // the transport may send it again on a fresh connection, POST too.
      return fail(TransportError(ErrorKind::network,
                                 "connection failed while sending the request: " + ec.message(), false, false));
    }
    sent = true;
    phase = "reading the response";
    new_parser();
    if (want_read) return read_now(false);
    awaiting = true;  // the waiter starts reading (start_reading)
  }

  // Called by the waiter before it waits: reads the answer if it is there
  // (try_first: an answer read ahead has usually arrived: one recv, no
  // reactor), else waits for it on the reactor. Reading is left to the
  // waiter so that an answer nobody waits for yet costs nothing.
  void start_reading(bool try_first) {
    want_read = true;
    if (!awaiting || done) return;
    awaiting = false;
    read_now(try_first);
  }

  void read_now(bool try_first) {
    if (conn->buffer.size() > 0 && parse()) return;  // bytes left over from an interim answer
    if (try_first && conn->plain) return recv_ready();
    wait_more();
  }

  // Nothing (more) to read yet: a lone plain-TCP exchange leaves the wait to
  // its waiter's poll() (direct_wait: one syscall, no reactor); else the
  // reactor waits.
  void wait_more() {
    if (!async && conn->plain && eng.active.load() == 1) {
      direct = true;
      eng.wake_followers();  // its waiter may be a follower (the leader only sleeping): it must look
      return;
    }
    read_more();
  }

  // Back from direct_wait to the reactor (someone else needs the engine).
  void to_reactor() {
    if (!direct || done) return;
    direct = false;
    read_more();
  }

  void new_parser() {
    parser.emplace();
    parser->skip(req->method() == http::verb::head);  // a HEAD's answer has no body, whatever it claims
    parser->body_limit(opts.max_body_bytes);
    parser->get().body().limit = opts.max_body_bytes;
    parser->header_limit(64 * 1024);
  }

  // Waits for more of the answer on the reactor: plain TCP waits for
  // readability and then recv()s itself (recv_ready), TLS reads through the
  // stream. (async_read_some on plain TCP measured the same: its speculative
  // read fails where async_wait re-arms the descriptor, one syscall either way.)
  void read_more() {
    auto into = conn->buffer.prepare(64 * 1024);
    auto on_read = [self = shared_from_this()](error_code ec, std::size_t n) {
      if (self->done) return;
      if (ec) return self->read_failed(ec);
      self->conn->buffer.commit(n);
      if (self->parse()) return;
      if (self->conn->plain) return self->recv_ready();  // the rest may be there already
      self->read_more();
    };
    if (conn->tls) {
      conn->tls->async_read_some(into, std::move(on_read));
    } else {
      conn->plain->async_wait(tcp::socket::wait_read, [self = shared_from_this()](error_code ec) {
        if (self->done) return;
        if (ec) return self->read_failed(ec);
        self->recv_ready();
      });
    }
  }

  // Takes what is there without the reactor; waits on it when nothing is.
  void recv_ready() {
    int fd = conn->plain->native_handle();
    for (;;) {
      auto into = conn->buffer.prepare(64 * 1024);
      ssize_t n = ::recv(fd, into.data(), into.size(), MSG_DONTWAIT);
      if (n > 0) {
        conn->buffer.commit(static_cast<std::size_t>(n));
        if (parse()) return;
        continue;
      }
      if (n == 0) return read_failed(asio::error::eof);
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return wait_more();
      return read_failed(error_code(errno, boost::system::system_category()));
    }
  }

  // Feeds the buffer to the parser; true when the exchange is over.
  bool parse() {
    while (conn->buffer.size() > 0) {
      error_code ec;
      std::size_t used = parser->put(conn->buffer.data(), ec);
      conn->buffer.consume(used);
      if (ec == http::error::need_more) return false;
      if (ec) {
        read_failed(ec);
        return true;
      }
      if (!parser->is_done()) {
        if (used == 0) return false;
        continue;
      }
      int status = static_cast<int>(parser->get().result_int());
      if (status == 101) {
        fail(TransportError(ErrorKind::decode, "the server switched protocols (HTTP 101), which the API never does",
                            true, true));
        return true;
      }
      if (status >= 100 && status < 200) {
        new_parser();  // an interim answer (100 Continue, 103 Early Hints): the real one follows
        continue;
      }
      succeed();
      return true;
    }
    return false;
  }

  // A compressed body that does not decode (corrupt, truncated, past the
  // limit, an unknown coding): a decode error naming why, never retried.
  bool body_undecodable() {
    if (!parser || parser->get().body().error.empty()) return false;
    fail(TransportError(ErrorKind::decode, "cannot decode the response body: " + parser->get().body().error, true,
                        true));
    return true;
  }

  void read_failed(error_code ec) {
    bool got_some = parser && parser->got_some();
    if (body_undecodable()) return;
    if (ec == asio::error::eof && got_some) {
      // A body delimited by the end of the connection.
      error_code eof_ec;
      parser->put_eof(eof_ec);
      if (body_undecodable()) return;
      if (!eof_ec && parser->is_done()) return succeed();
    }
    if (ec == http::error::body_limit) {
      return fail(TransportError(
          ErrorKind::decode, "response body exceeds the " + std::to_string(opts.max_body_bytes) + "-byte limit",
          true, true));
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == asio::error::broken_pipe) {
      return fail(TransportError(ErrorKind::network,
                                 got_some ? "connection closed before the response was complete"
                                          : "connection closed by the server before it answered",
                                 true, got_some));
    }
    if (auto alert = tls_alert(ec, got_some)) return fail(std::move(*alert));
    if (ec.category() == asio::error::get_ssl_category() || ec == ssl::error::stream_truncated) {
      return fail(
          TransportError(ErrorKind::network, "TLS connection broke while reading: " + ec.message(), true, got_some));
    }
    if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
      return fail(TransportError(ErrorKind::decode, "malformed HTTP response: " + ec.message(), true, true));
    }
    fail(TransportError(ErrorKind::network, "reading the response failed: " + ec.message(), true, got_some));
  }

  void succeed() {
    auto& msg = parser->get();
    if (opts.proxy && !conn->tls) {
      // Plain http through a proxy: a 407 is the proxy's, not the API's; so
      // is a 401 that is not the API's JSON when credentials were sent
      // (tinyproxy 1.11 answers wrong ones so).
      const bool proxy_401 = msg.result_int() == 401 && opts.proxy->user &&
                             msg[http::field::content_type].find("json") == std::string_view::npos;
      try {
        check_proxy_answer(*opts.proxy, msg.result_int(), msg.reason(), proxy_401);
      } catch (const Error& e) {
        return fail(TransportError(ErrorKind::proxy, e.what(), true, true, e.http_status()));
      }
    }
    resp.status = static_cast<int>(msg.result_int());
    resp.headers.reserve(8);
    for (const auto& f : msg) resp.headers.emplace_back(f.name_string(), f.value());
    resp.body = std::move(msg.body().text);
    // Bytes after the answer would be taken for the next request's answer.
    if (msg.keep_alive() && conn->buffer.size() == 0) eng.give_back(std::move(conn), opts.max_idle_connections);
    close();
    parser.reset();
    complete();
  }

  void fail(TransportError e) {
    error = std::move(e);
    close();
    complete();
  }

  // Stops the exchange from outside (deadline, cancellation, a dropped
  // request): its socket is closed, so pending operations end with
  // operation_aborted and find the exchange done.
  void abort(TransportError e) {
    if (done) return;
    fail(std::move(e));
  }

  TransportError timeout_error() const {
    return TransportError(ErrorKind::timeout, std::string("request timed out during ") + phase, wrote_any,
                          parser && parser->got_some());
  }

  // Closes the socket: pending operations end with operation_aborted. The
  // connection object itself stays until the exchange goes — composed
  // operations (connect over a range, Beast's writes) still look at their
  // socket as they unwind (TSan found the use-after-free of resetting it here).
  void close() {
    if (race) {
      error_code ignored;
      race->timer.cancel();
      for (auto& sock : race->sockets) sock->close(ignored);
      race.reset();
    }
    if (!conn || closed) return;
    closed = true;
    error_code ignored;
    conn->resolver.cancel();
    conn->socket().close(ignored);
  }

  void complete() {
    parser.reset();
    direct = false;
    --eng.active;
    done.store(true);
    eng.wake_followers();
    if (on_done) std::exchange(on_done, nullptr)();
  }
};

}  // namespace

// ---- Transport ---------------------------------------------------------------

struct Transport::Impl {
  TransportOptions opts;
  std::shared_ptr<Engine> owned;   // this process's engine (asynchronous calls hold it too)
  std::atomic<Engine*> current{nullptr};

  explicit Impl(TransportOptions o) : opts(std::move(o)), owned(std::make_shared<Engine>(opts)) {
    current.store(owned.get());
  }

  // The engine of this process: after fork() the child's first call leaves
  // the inherited one untouched (leaked) and makes a new one.
  Engine& engine() {
    Engine* e = current.load(std::memory_order_acquire);
    if (e->generation == generation()) return *e;
    auto fresh = std::make_shared<Engine>(opts);
    if (current.compare_exchange_strong(e, fresh.get())) {
      e->forget_inherited();
      (void)new std::shared_ptr<Engine>(std::move(owned));  // the parent's: never destroyed here
      owned = std::move(fresh);
      return *current.load();
    }
    return *e;  // another thread of the child replaced it first
  }
};

// A started request: its exchange on the engine, and what it needs to be
// sent again on a fresh connection.
struct Transport::Pending::State {
  std::shared_ptr<const Request> req;
  bool idempotent = false;
  bool ahead = false;  // read ahead: a broken answer is retried once on a fresh connection
  Engine* engine = nullptr;
  std::uint64_t generation = 0;
  std::shared_ptr<Exchange> ex;

  ~State() {
    // A request inherited over fork() is left alone, and so is its
    // exchange: destroying its socket would take the descriptor out of the
    // epoll instance the parent still uses.
    if (ex && generation != avala::generation()) {
      (void)new std::shared_ptr<Exchange>(std::move(ex));  // leaked on purpose
      return;
    }
    // An answer nobody will read: close its connection (on the engine).
    if (!ex || ex->done.load()) return;
    try {
      engine->run([ex = std::move(ex)] {
        ex->abort(TransportError(ErrorKind::cancelled, "request dropped unread", true, false));
      });
    } catch (...) {
      // Out of memory while dropping: the connection closes with the engine.
    }
  }
};

Transport::Pending::Pending() noexcept = default;
Transport::Pending::Pending(Pending&&) noexcept = default;
Transport::Pending& Transport::Pending::operator=(Pending&&) noexcept = default;
Transport::Pending::~Pending() = default;

Transport::Transport(TransportOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Transport::~Transport() = default;

namespace {

// Starts an exchange for the state's request on `conn` (a checked idle
// connection, or null for a new one).
void launch(Transport::Pending::State& s, Engine& eng, std::unique_ptr<Connection> conn) {
  s.engine = &eng;
  s.generation = eng.generation;
  s.ex = std::make_shared<Exchange>(eng, s.req, std::move(conn));
  ++eng.active;
  eng.run([ex = s.ex] { ex->begin(); });
}

}  // namespace

// The wait of a lone blocking call on plain TCP, when its exchange asked for
// it (Exchange::wait_more): this thread leads and poll()s the socket itself,
// with the engine's poke fd (another thread needs the engine: back to the
// reactor) and the cancel token's fd — send, poll, recv, the three syscalls
// of a get before the engine, where the reactor takes four.
static Engine::Woke direct_wait(Engine& eng, const std::shared_ptr<Exchange>& ex, Clock::time_point deadline,
                         const CallContext* ctx) {
  using Woke = Engine::Woke;
  {
    std::unique_lock lock(eng.lead_mu);
    if (eng.leading) {
      lock.unlock();
      eng.run([ex] { ex->to_reactor(); });
      return Woke::other;
    }
    eng.leading = true;
    eng.direct_polling = true;
  }
  struct Release {
    Engine& e;
    ~Release() {
      std::lock_guard l(e.lead_mu);
      e.direct_polling = false;
      e.leading = false;
      if (e.waiting.load() > 0) e.lead_cv.notify_all();
    }
  } release{eng};
  const CancelToken* token = ctx != nullptr ? ctx->cancel.get() : nullptr;
  const bool hooked = ctx != nullptr && ctx->interrupt;
  Clock::time_point check_at = hooked ? Clock::now() + ctx->interrupt_every : Clock::time_point::max();
  pollfd fds[3] = {{ex->conn ? ex->conn->socket().native_handle() : -1, POLLIN, 0}, {eng.poke_fd, POLLIN, 0},
                   {token != nullptr ? token->fd() : -1, POLLIN, 0}};
  for (;;) {
    if (ex->done) return Woke::done;
    if (!ex->direct) return Woke::other;
    if (token != nullptr && token->fired()) return Woke::cancelled;
    Clock::time_point now = Clock::now();
    if (now >= deadline) return Woke::deadline;
    if (now >= check_at) {
      if (!ctx->interrupt()) return Woke::cancelled;
      check_at = Clock::now() + ctx->interrupt_every;
      continue;
    }
    auto left = std::chrono::ceil<std::chrono::milliseconds>(std::min(deadline, check_at) - now).count();
    int r = ::poll(fds, token != nullptr ? 3 : 2, static_cast<int>(std::min<std::int64_t>(left, 60'000)));
    if (r < 0 && errno != EINTR) {
      ex->to_reactor();
      return Woke::other;
    }
    if (r <= 0) continue;  // a signal, or the time to look at the clock
    if (token != nullptr && fds[2].revents != 0 && !token->fired()) {
      fds[2].fd = -1;  // readable but not fired here: fired in a forked process that shares the eventfd
    }
    if (fds[1].revents != 0) {
      std::uint64_t drained;
      while (::read(eng.poke_fd, &drained, sizeof drained) > 0) {
      }
      ex->to_reactor();
      return Woke::other;
    }
    if (fds[0].revents != 0) {
      ex->direct = false;
      ex->recv_ready();  // done, or waiting again (direct, or on the reactor)
    }
  }
}

namespace {

// The request (Beast's form) of an HttpRequest, for the transport's origin.
std::shared_ptr<const Request> wire_request(const HttpRequest& r, const TransportOptions& opts) {
  auto req = std::make_shared<Request>();
  req->method_string(r.method);
  const bool via_proxy = opts.proxy && !opts.endpoint.tls;  // https goes through a tunnel instead
  req->target(via_proxy ? absolute_target(opts.endpoint.host_header, r.target) : r.target);
  req->version(11);
  req->set(http::field::host, opts.endpoint.host_header);
  if (via_proxy) {
    if (auto auth = opts.proxy->authorization()) req->set(http::field::proxy_authorization, *auth);
  }
  if (opts.compress) req->set(http::field::accept_encoding, kAcceptEncoding);
  for (const auto& [k, v] : r.headers) req->set(k, v);
  if (r.body) {
    req->body() = *r.body;
    req->prepare_payload();
  } else if (r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
    req->content_length(0);  // some servers answer 411 to a bodyless POST without it
  }
  return req;
}

}  // namespace

Transport::Pending Transport::start(const HttpRequest& r, bool ahead) {
  Impl& t = *impl_;
  Engine& eng = t.engine();
  const bool idempotent = RetryPolicy::idempotent(r.method);
  std::unique_ptr<Connection> conn = eng.take_idle(!idempotent);
  if (ahead && !conn) return {};
  Pending p;
  p.state_ = std::make_unique<Pending::State>();
  auto& s = *p.state_;
  s.ahead = ahead;
  s.req = wire_request(r, t.opts);
  s.idempotent = idempotent;
  launch(s, eng, std::move(conn));
  return p;
}

HttpResponse Transport::finish(Pending pending, Clock::time_point deadline, const CallContext* ctx) {
  if (!pending) throw Error(ErrorKind::internal, "finish() of a request that was never started");
  Impl& t = *impl_;
  auto& s = *pending.state_;
  if (s.generation != generation()) {
    // Started before fork() in the parent: send it again from this process
    // (the inherited exchange is leaked, never destroyed: see ~State).
    (void)new std::shared_ptr<Exchange>(std::move(s.ex));
    launch(s, t.engine(), t.engine().take_idle(!s.idempotent));
  }
  for (bool first = true;; first = false) {
    Engine& eng = *s.engine;
    std::shared_ptr<Exchange> ex = s.ex;
    eng.run([ex, ahead = s.ahead && first] { ex->start_reading(ahead); });
    Engine::Woke woke;
    do {
      woke = eng.wait(ex->done, deadline, ctx, &ex->direct);
      if (woke == Engine::Woke::other) woke = direct_wait(eng, ex, deadline, ctx);
    } while (woke == Engine::Woke::other);
    if (woke != Engine::Woke::done) {
      // Stop it on the engine, then wait for that (promptly: nothing but
      // the abort runs between).
      bool cancelled = woke == Engine::Woke::cancelled;
      eng.run([ex, cancelled] {
        ex->abort(cancelled ? TransportError(ErrorKind::cancelled, "request cancelled", ex->sent, false)
                            : ex->timeout_error());
      });
      eng.wait(ex->done, Clock::time_point::max(), nullptr);
    }
    if (!ex->error) return std::move(ex->resp);
    const TransportError& e = *ex->error;
    // A pooled connection the server had already closed (checked before
    // reuse, but it can close in between): nothing was answered, so send it
    // once more on a fresh connection — a POST only if it never got through
    // whole. Other idle connections are likely stale too.
    bool stale = ex->reused && first && !e.got_response_bytes() && e.kind() == ErrorKind::network &&
                 (s.idempotent || !e.may_have_reached_server());
    bool broken_ahead = s.ahead && first && e.kind() == ErrorKind::network && s.idempotent;
    // A deep copy: the exchange (and the error's refcounted message) may be
    // freed by the leader thread once `ex` goes.
    if (!(stale || broken_ahead)) {
      throw TransportError(e.kind(), std::string(e.what()), e.may_have_reached_server(), e.got_response_bytes(),
                           e.http_status());
    }
    eng.drop_idle();
    launch(s, eng, nullptr);
  }
}

HttpResponse Transport::send(const HttpRequest& request, Clock::time_point deadline, const CallContext* ctx) {
  return finish(start(request), deadline, ctx);
}

void Transport::sleep_until(Clock::time_point until, const CallContext* ctx) {
  static const std::atomic<bool> never{false};
  if (impl_->engine().wait(never, until, ctx) == Engine::Woke::cancelled) {
    throw Error(ErrorKind::cancelled, "call cancelled");
  }
}

namespace {

// An asynchronous call's wait on the engine: its deadline (a timer) and its
// cancel token (the token's eventfd, watched by the reactor). Subclasses say
// what stopping does (stop) and deliver their result once (finish), always
// through the engine's queue, so never inside the call that started them.
struct AsyncWait : std::enable_shared_from_this<AsyncWait> {
  AsyncWait(std::shared_ptr<Engine> e, std::shared_ptr<const CallContext> c)
      : eng(std::move(e)), ctx(std::move(c)), timer(eng->ioc) {}
  virtual ~AsyncWait() = default;
  AsyncWait(const AsyncWait&) = delete;
  AsyncWait& operator=(const AsyncWait&) = delete;

  // On the engine. False when the token had fired already (stop() then ran).
  bool arm(Clock::time_point until) {
    const CancelToken* token = ctx ? ctx->cancel.get() : nullptr;
    if (token != nullptr && token->fired()) {
      stop(true);
      return false;
    }
    timer.expires_at(until);
    timer.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec && !self->over) self->stop(false);
    });
    if (token == nullptr) return true;
    int fd = ::dup(token->fd());
    if (fd < 0) throw Error(ErrorKind::internal, "cannot watch the cancel token: out of file descriptors");
    watch.emplace(eng->ioc, fd);
    ++eng->active;
    watch->async_wait(asio::posix::stream_descriptor::wait_read, [self = shared_from_this(), token](error_code ec) {
      // Readable but not fired: fired in a forked process sharing the
      // eventfd; this process's token is not, so the watch just ends.
      if (!ec && !self->over && token->fired()) self->stop(true);
    });
    return true;
  }

  // Ends the wait (the timer and the watch) and hands `deliver` to the
  // engine's queue; the call counts as in flight until it has run.
  template <class F>
  void finish(F&& deliver) {
    if (over) return;
    over = true;
    timer.cancel();
    if (watch) {
      error_code ignored;
      watch->close(ignored);
      --eng->active;
    }
    asio::post(eng->ioc, [e = eng, deliver = std::forward<F>(deliver)]() mutable {
      deliver();
      e->async_end();
    });
  }

  // The deadline passed (cancelled false) or the token fired (true).
  virtual void stop(bool cancelled) = 0;

  std::shared_ptr<Engine> eng;
  std::shared_ptr<const CallContext> ctx;
  asio::steady_timer timer;
  std::optional<asio::posix::stream_descriptor> watch;
  bool over = false;
};

struct AsyncSleep final : AsyncWait {
  AsyncSleep(std::shared_ptr<Engine> e, std::shared_ptr<const CallContext> c, Transport::SleepDone d)
      : AsyncWait(std::move(e), std::move(c)), done(std::move(d)) {}
  void stop(bool cancelled) override {
    finish([done = std::move(done), cancelled] { done(cancelled); });
  }
  Transport::SleepDone done;
};

struct AsyncSend final : AsyncWait {
  AsyncSend(std::shared_ptr<Engine> e, std::shared_ptr<const CallContext> c, std::shared_ptr<const Request> r,
            bool idem, Transport::SendDone d)
      : AsyncWait(std::move(e), std::move(c)), req(std::move(r)), idempotent(idem), done(std::move(d)) {}

  void start(Clock::time_point deadline) {
    if (!arm(deadline)) return;
    launch(eng->take_idle(!idempotent));
  }

  void launch(std::unique_ptr<Connection> conn) {
    ex = std::make_shared<Exchange>(*eng, req, std::move(conn));
    ex->async = true;
    ex->want_read = true;
    ex->on_done = [self = std::static_pointer_cast<AsyncSend>(shared_from_this())] { self->exchange_done(); };
    ++eng->active;
    auto keep = ex;  // the exchange outlives its own begin(), whatever it completes
    keep->begin();
  }

  void stop(bool cancelled) override {
    stopped = cancelled ? Stopped::cancelled : Stopped::deadline;
    if (!ex) return exchange_done();
    auto keep = ex;
    keep->abort(cancelled ? TransportError(ErrorKind::cancelled, "request cancelled", keep->sent, false)
                          : keep->timeout_error());
  }

  void exchange_done() {
    std::shared_ptr<Exchange> e = std::move(ex);
    if (stopped == Stopped::cancelled) {
      return finish([done = std::move(done)] {
        done(std::make_exception_ptr(Error(ErrorKind::cancelled, "call cancelled")), {});
      });
    }
    if (!e) {  // the deadline passed before it started
      return finish([done = std::move(done)] {
        done(std::make_exception_ptr(TransportError(ErrorKind::timeout, "request timed out", false, false)), {});
      });
    }
    if (!e->error) {
      return finish([done = std::move(done), resp = std::move(e->resp)]() mutable { done(nullptr, std::move(resp)); });
    }
    const TransportError& err = *e->error;
    // As in Transport::finish: a pooled connection the server had closed is
    // sent again once on a fresh one when nothing of it can have been acted on.
    bool stale = stopped == Stopped::no && e->reused && first && !err.got_response_bytes() &&
                 err.kind() == ErrorKind::network && (idempotent || !err.may_have_reached_server());
    if (stale) {
      first = false;
      eng->drop_idle();
      return launch(nullptr);
    }
    finish([done = std::move(done), copy = TransportError(err.kind(), std::string(err.what()),
                                                           err.may_have_reached_server(), err.got_response_bytes(),
                                                           err.http_status())] {
      done(std::make_exception_ptr(copy), {});
    });
  }

  std::shared_ptr<const Request> req;
  const bool idempotent;
  Transport::SendDone done;
  std::shared_ptr<Exchange> ex;
  bool first = true;
  enum class Stopped { no, deadline, cancelled } stopped = Stopped::no;
};

// Runs an asynchronous call's start on the engine. A failure to start (no
// descriptor left to watch the token with, no memory) ends the call as
// cancelled: its completion still comes, exactly once.
template <class Op, class Start>
void start_async(Engine& eng, std::shared_ptr<Op> op, Start start) {
  eng.async_begin();
  eng.run([op = std::move(op), start = std::move(start)]() mutable {
    try {
      start(*op);
    } catch (const std::exception&) {
      op->stop(true);
    }
  });
}

}  // namespace

void Transport::send_async(const HttpRequest& request, Clock::time_point deadline,
                           std::shared_ptr<const CallContext> ctx, SendDone done) {
  Impl& t = *impl_;
  Engine& eng = t.engine();
  auto op = std::make_shared<AsyncSend>(eng.shared_from_this(), std::move(ctx), wire_request(request, t.opts),
                                        RetryPolicy::idempotent(request.method), std::move(done));
  start_async(eng, std::move(op), [deadline](AsyncSend& o) { o.start(deadline); });
}

void Transport::sleep_async(Clock::time_point until, std::shared_ptr<const CallContext> ctx, SleepDone done) {
  Engine& eng = impl_->engine();
  auto op = std::make_shared<AsyncSleep>(eng.shared_from_this(), std::move(ctx), std::move(done));
  start_async(eng, std::move(op), [until](AsyncSleep& o) { o.arm(until); });
}

bool Transport::has_idle() const { return impl_->engine().has_idle(); }

std::size_t Transport::connections_opened() const noexcept {
  return impl_->current.load(std::memory_order_acquire)->opened.load();
}

}  // namespace avala
