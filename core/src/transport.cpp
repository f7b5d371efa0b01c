// The only translation unit that includes Beast and Asio (they are heavy to
// compile). Pattern: each pooled connection owns a single-threaded
// io_context; operations are started asynchronously and the context is run
// until the operation finishes or the request's deadline passes, at which
// point the socket is closed. That gives one deadline across resolve, connect,
// TLS, write and read without a thread per request. Two shortcuts on plain
// TCP, both found by the benchmarks and both bounded by the same deadline: a
// small request is written with one blocking send, and a response is read
// with poll() + recv instead of through the reactor.
#include "avala/transport.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>

#include "avala/error.hpp"
#include "avala/json_codec.hpp"
#include "avala/retry.hpp"
#include "transport_error.hpp"

namespace avala {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::string_view HttpResponse::header(std::string_view name) const noexcept {
  for (const auto& [k, v] : headers) {
    if (beast::iequals(k, name)) return v;
  }
  return {};
}

namespace {

bool is_ip_literal(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// A response body: http::string_body, except that its reader appends what
// arrives, where string_body's grows the string with zeros and then copies
// over them (a page's body was written twice: the memset was ~1% of a page
// walk, found by the pagination benchmark). It reserves the decoder's padding
// with the body, so the decoder never copies it. Beast calls init only for a
// body that will come and is within the parser's body_limit (a 204, or the
// answer to a HEAD, may claim any length).
struct ResponseBody {
  using value_type = std::string;

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>& /*header*/, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, beast::error_code& ec) {
      ec = {};
      if (length && *length <= body_.max_size() - kBodyPadding) {
        body_.reserve(static_cast<std::size_t>(*length) + kBodyPadding);
      }
    }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      ec = {};
      std::size_t n = 0;
      for (asio::const_buffer b : beast::buffers_range_ref(buffers)) {
        body_.append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      return n;
    }
    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

struct Connection {
  asio::io_context ioc{1};
  tcp::resolver resolver{ioc};
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // Ends whatever is pending; the handler then runs with operation_aborted.
  void abort() {
    resolver.cancel();
    beast::error_code ignored;
    lowest().socket().close(ignored);
  }
};

// Runs the connection's context until `done` or the deadline. On the
// deadline the pending operation is aborted and a timeout is thrown.
void run_until_done(Connection& c, const bool& done, Clock::time_point deadline,
                    const char* phase, bool reached_server) {
  c.ioc.restart();
  while (!done) {
    if (c.ioc.run_one_until(deadline) == 0 && !done) {
      c.abort();
      c.ioc.restart();
      c.ioc.run();
      throw TransportError(ErrorKind::timeout,
                           std::string("request timed out during ") + phase, reached_server,
                           false);
    }
  }
}

// A SyncReadStream over a plain socket that never blocks past a deadline:
// it waits for data with poll(), then takes what is there with a
// non-blocking recv. Timing out reports beast::error::timeout. With
// `ready_likely` (an answer read ahead, which has usually arrived by the time
// it is read) it tries the recv first and polls only if nothing is there:
// one syscall fewer per page of a walk.
class PolledReader {
 public:
  PolledReader(tcp::socket& socket, Clock::time_point deadline, bool ready_likely)
      : socket_(socket), deadline_(deadline), ready_likely_(ready_likely) {}

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, beast::error_code& ec) {
    ec = {};
    asio::mutable_buffer into = *asio::buffer_sequence_begin(buffers);
    pollfd p{socket_.native_handle(), POLLIN, 0};
    for (bool wait = !ready_likely_;; wait = true) {
      if (wait) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
        if (left <= 0) {
          ec = beast::error::timeout;
          return 0;
        }
        int ready = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left, 60'000)));
        if (ready < 0 && errno != EINTR) {
          ec.assign(errno, boost::system::system_category());
          return 0;
        }
        if (ready <= 0) continue;  // interrupted, or a wait shorter than the deadline ran out
      }
      ssize_t n = ::recv(p.fd, into.data(), into.size(), MSG_DONTWAIT);
      if (n > 0) return static_cast<std::size_t>(n);
      if (n == 0) {
        ec = asio::error::eof;
        return 0;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        ec.assign(errno, boost::system::system_category());
        return 0;
      }
    }
  }

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    beast::error_code ec;
    std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  tcp::socket& socket_;
  Clock::time_point deadline_;
  bool ready_likely_;
};

std::string tls_failure_message(const beast::error_code& ec, SSL* ssl) {
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

}  // namespace

struct Transport::Impl {
  TransportOptions opts;
  std::optional<ssl::context> tls_ctx;
  std::mutex mu;
  std::vector<std::unique_ptr<Connection>> idle;
  std::atomic<std::size_t> opened{0};

  explicit Impl(TransportOptions o) : opts(std::move(o)) {
    if (!opts.endpoint.tls) return;
    tls_ctx.emplace(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(tls_ctx->native_handle(), TLS1_2_VERSION);
    tls_ctx->set_verify_mode(ssl::verify_peer);
    beast::error_code ec;
    if (opts.ca_file) {
      tls_ctx->load_verify_file(*opts.ca_file, ec);
      if (ec) throw Error(ErrorKind::config, "cannot load CA file '" + *opts.ca_file + "': " + ec.message());
    } else {
      tls_ctx->set_default_verify_paths(ec);
      if (ec) throw Error(ErrorKind::config, "cannot load the system trust store: " + ec.message());
    }
  }

  std::unique_ptr<Connection> take_idle() {
    std::lock_guard lock(mu);
    if (idle.empty()) return nullptr;
    auto c = std::move(idle.back());
    idle.pop_back();
    return c;
  }

  void give_back(std::unique_ptr<Connection> c) {
    std::lock_guard lock(mu);
    if (idle.size() < opts.max_idle_connections) idle.push_back(std::move(c));
  }

  void drop_idle() {
    std::lock_guard lock(mu);
    idle.clear();
  }

  std::unique_ptr<Connection> open(Clock::time_point deadline) {
    auto c = std::make_unique<Connection>();
    // Reads then take up to 64 KiB at a time instead of starting at 512 bytes
    // (a 40 KiB page took ~70 reads; found by the pagination benchmark).
    c->buffer.reserve(64 * 1024);
    const BaseUrl& ep = opts.endpoint;
    if (tls_ctx) {
      c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(c->ioc, *tls_ctx);
    } else {
      c->plain = std::make_unique<beast::tcp_stream>(c->ioc);
    }

    bool done = false;
    beast::error_code ec;
    tcp::resolver::results_type endpoints;
    c->resolver.async_resolve(ep.host, ep.port,
                              [&](beast::error_code e, tcp::resolver::results_type r) {
                                ec = e;
                                endpoints = std::move(r);
                                done = true;
                              });
    run_until_done(*c, done, deadline, "name resolution", false);
    if (ec) {
      throw TransportError(ErrorKind::network, "cannot resolve host '" + ep.host + "': " + ec.message(),
                           false, false);
    }

    done = false;
    c->lowest().async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    run_until_done(*c, done, deadline, "connect", false);
    if (ec) {
      throw TransportError(ErrorKind::network,
                           "cannot connect to " + ep.host_header + ": " + ec.message(), false, false);
    }
    c->lowest().socket().set_option(tcp::no_delay(true), ec);

    if (c->tls) {
      SSL* ssl = c->tls->native_handle();
      bool ip = is_ip_literal(ep.host);
      // SNI must be a host name, never an IP literal (RFC 6066).
      if (!ip && SSL_set_tlsext_host_name(ssl, ep.host.c_str()) != 1) {
        throw TransportError(ErrorKind::tls, "cannot set TLS server name", false, false);
      }
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, ep.host.c_str())
                  : X509_VERIFY_PARAM_set1_host(param, ep.host.c_str(), ep.host.size());
      if (ok != 1) throw TransportError(ErrorKind::tls, "cannot set TLS host check", false, false);

      done = false;
      c->tls->async_handshake(ssl::stream_base::client, [&](beast::error_code e) {
        ec = e;
        done = true;
      });
      run_until_done(*c, done, deadline, "TLS handshake", false);
      if (ec) throw TransportError(ErrorKind::tls, tls_failure_message(ec, ssl), false, false);
    }
    ++opened;
    return c;
  }

  template <class Stream>
  void write_request(Connection& c, Stream& stream, const http::request<http::string_body>& req,
                     Clock::time_point deadline) {
    bool done = false;
    beast::error_code ec;
    // A small request on plain TCP goes out with one blocking send: the
    // kernel's send buffer takes it at once, so the deadline cannot be
    // overrun, and it saves a trip through the reactor on every request
    // (found by the get-latency benchmark). Larger bodies and TLS stay async.
    constexpr std::size_t kSyncWriteMax = 8 * 1024;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      if (req.body().size() <= kSyncWriteMax) {
        http::write(stream, req, ec);
        done = true;
      }
    }
    if (!done) {
      http::async_write(stream, req, [&](beast::error_code e, std::size_t) {
        ec = e;
        done = true;
      });
      run_until_done(c, done, deadline, "sending the request", true);
    }
    if (ec) {
      throw TransportError(ErrorKind::network, "connection failed while sending the request: " + ec.message(),
                           true, false);
    }
  }

  template <class Stream>
  // `head`: the answer to a HEAD request, which has no body whatever its
  // Content-Length says.
  HttpResponse read_response(Connection& c, Stream& stream, Clock::time_point deadline, bool head,
                             bool ready_likely, bool& keep_alive) {
    beast::error_code ec;
    http::response_parser<ResponseBody> parser;
    parser.skip(head);
    parser.body_limit(opts.max_body_bytes);
    parser.header_limit(64 * 1024);
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      // Plain TCP is read synchronously, waiting with poll() up to the
      // deadline: one wait and one read per chunk, where the reactor took a
      // failed read, an epoll_wait and a read (found by the get-latency
      // benchmark). Beast still does all the HTTP parsing.
      PolledReader reader(stream.socket(), deadline, ready_likely);
      http::read(reader, c.buffer, parser, ec);
      if (ec == beast::error::timeout) {
        throw TransportError(ErrorKind::timeout, "request timed out during reading the response", true, false);
      }
    } else {
      bool done = false;
      http::async_read(stream, c.buffer, parser, [&](beast::error_code e, std::size_t) {
        ec = e;
        done = true;
      });
      run_until_done(c, done, deadline, "reading the response", true);
    }
    if (ec) {
      bool got_some = parser.got_some();
      if (ec == http::error::body_limit) {
        throw TransportError(ErrorKind::decode,
                             "response body exceeds the " + std::to_string(opts.max_body_bytes) +
                                 "-byte limit",
                             true, true);
      }
      if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
          ec == asio::error::connection_reset || ec == asio::error::eof ||
          ec == asio::error::broken_pipe) {
        throw TransportError(ErrorKind::network,
                             got_some ? "connection closed before the response was complete"
                                      : "connection closed by the server before it answered",
                             true, got_some);
      }
      if (ec.category() == asio::error::get_ssl_category() || ec == ssl::error::stream_truncated) {
        throw TransportError(ErrorKind::network, "TLS connection broke while reading: " + ec.message(), true,
                             got_some);
      }
      if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
        throw TransportError(ErrorKind::decode, "malformed HTTP response: " + ec.message(), true, true);
      }
      throw TransportError(ErrorKind::network, "reading the response failed: " + ec.message(), true, got_some);
    }

    auto& msg = parser.get();
    keep_alive = msg.keep_alive();
    HttpResponse out;
    out.status = static_cast<int>(msg.result_int());
    out.headers.reserve(8);
    for (const auto& f : msg) out.headers.emplace_back(f.name_string(), f.value());
    out.body = std::move(msg.body());
    return out;
  }
};

// A started request: what it needs to be written again on a fresh
// connection, the connection it went out on, and the failure to throw if
// writing it failed.
struct Transport::Pending::State {
  http::request<http::string_body> req;
  bool idempotent = false;
  bool ahead = false;   // read ahead: a broken answer is retried once on a fresh connection
  std::unique_ptr<Connection> conn;
  bool reused = false;  // conn came from the pool
  std::optional<TransportError> failed;
};

Transport::Pending::Pending() noexcept = default;
Transport::Pending::Pending(Pending&&) noexcept = default;
Transport::Pending& Transport::Pending::operator=(Pending&&) noexcept = default;
Transport::Pending::~Pending() = default;  // an unread answer's connection is closed with it

// Writes the state's request on a pooled or new connection; keeps a
// transport failure for finish() to throw.
void Transport::write_on_connection(Pending::State& s, Clock::time_point deadline) {
  auto& t = *impl_;
  if (!s.conn) s.conn = t.take_idle();
  s.reused = s.conn != nullptr;
  try {
    if (!s.conn) s.conn = t.open(deadline);
    if (s.conn->tls) {
      t.write_request(*s.conn, *s.conn->tls, s.req, deadline);
    } else {
      t.write_request(*s.conn, *s.conn->plain, s.req, deadline);
    }
  } catch (const TransportError& e) {
    s.conn.reset();
    s.failed = e;
  }
}

Transport::Transport(TransportOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Transport::~Transport() = default;

Transport::Pending Transport::start(const HttpRequest& r, Clock::time_point deadline, bool ahead) {
  Pending p;
  p.state_ = std::make_unique<Pending::State>();
  auto& s = *p.state_;
  s.ahead = ahead;
  if (ahead && !(s.conn = impl_->take_idle())) return {};
  auto& req = s.req;
  req.method_string(r.method);
  req.target(r.target);
  req.version(11);
  req.set(http::field::host, impl_->opts.endpoint.host_header);
  for (const auto& [k, v] : r.headers) req.set(k, v);
  if (r.body) {
    req.body() = *r.body;
    req.prepare_payload();
  } else if (r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
    req.content_length(0);  // some servers answer 411 to a bodyless POST without it
  }
  s.idempotent = RetryPolicy::idempotent(r.method);
  write_on_connection(s, deadline);
  return p;
}

HttpResponse Transport::finish(Pending pending, Clock::time_point deadline) {
  if (!pending) throw Error(ErrorKind::internal, "finish() of a request that was never started");
  auto& s = *pending.state_;
  for (bool first = true;; first = false) {
    try {
      if (s.failed) throw *s.failed;
      bool keep_alive = false;
      bool head = s.req.method() == http::verb::head;
      HttpResponse resp =
          s.conn->tls ? impl_->read_response(*s.conn, *s.conn->tls, deadline, head, s.ahead, keep_alive)
                      : impl_->read_response(*s.conn, *s.conn->plain, deadline, head, s.ahead, keep_alive);
      if (keep_alive) impl_->give_back(std::move(s.conn));
      return resp;
    } catch (const TransportError& e) {
      s.conn.reset();
      // A pooled connection the server had already closed: the request never
      // got an answer, so try once more on a fresh connection. Other idle
      // connections are likely stale too.
      bool stale = s.reused && first && !e.got_response_bytes() && e.kind() == ErrorKind::network;
      bool broken_ahead = s.ahead && first && e.kind() == ErrorKind::network;
      if (!((stale || broken_ahead) && s.idempotent)) throw;
      impl_->drop_idle();
      s.failed.reset();
      write_on_connection(s, deadline);
    }
  }
}

HttpResponse Transport::send(const HttpRequest& request, Clock::time_point deadline) {
  return finish(start(request, deadline), deadline);
}

bool Transport::has_idle() const {
  std::lock_guard lock(impl_->mu);
  return !impl_->idle.empty();
}

std::size_t Transport::connections_opened() const noexcept { return impl_->opened.load(); }

}  // namespace avala
