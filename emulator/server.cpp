#include "server.hpp"

#include <csignal>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "app.hpp"
#include "compression.hpp"

namespace emu {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

// Every awaited operation reports errors as a value instead of throwing:
// a client hanging up is routine, not exceptional.
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// How long a connection may be held open in silence (silent, stall_mid_body,
// wrong_content_length) when the client never gives up, and how long TLS
// handshakes and close_notify exchanges may take.
constexpr std::chrono::seconds kHoldLimit{300};
constexpr std::chrono::seconds kTlsStepLimit{10};

struct Server::Impl {
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    asio::signal_set signals{ioc, SIGINT, SIGTERM};
    std::optional<ssl::context> tls;
};

namespace {

using BeastResponse = http::response<http::string_body>;

// Turns the App's answer into a Beast response with the headers every
// response carries.
BeastResponse to_beast(Response&& r, unsigned version, bool keep_alive,
                       std::uint64_t connection_id) {
    BeastResponse res{static_cast<http::status>(r.status), version};
    res.set(http::field::server, "avala-emulator");
    if (r.status != 204) res.set(http::field::content_type, "application/json");
    for (auto& [name, value] : r.headers) res.set(name, value);
    res.set("X-Emulator-Connection", std::to_string(connection_id));
    res.body() = std::move(r.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

asio::steady_timer deadline(tcp::socket& s, std::chrono::steady_clock::duration d) {
    return asio::steady_timer(s.get_executor(), d);
}

// Ends the connection with a TCP reset (SO_LINGER 0) instead of a FIN.
void reset(tcp::socket& s) {
    beast::error_code ec;
    s.set_option(asio::socket_base::linger(true, 0), ec);
    s.close(ec);
}

// Ends it with a FIN, and with no TLS close_notify: a truncated stream.
void hang_up(tcp::socket& s) {
    beast::error_code ec;
    s.shutdown(tcp::socket::shutdown_both, ec);
    s.close(ec);
}

// Keeps the socket open, sending nothing and discarding what arrives, until
// the peer closes it (or kHoldLimit passes), then closes it.
asio::awaitable<void> hold_open(tcp::socket& s) {
    auto timer = deadline(s, kHoldLimit);
    char sink[4096];
    for (;;) {
        auto done = co_await (s.async_read_some(asio::buffer(sink), kNoThrow) ||
                              timer.async_wait(kNoThrow));
        if (done.index() == 1 || std::get<0>(std::get<0>(done))) break;
    }
    hang_up(s);
}

template <class Stream>
asio::awaitable<bool> write_bytes(Stream& stream, std::string_view bytes) {
    auto [ec, n] =
        co_await asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()), kNoThrow);
    (void)n;
    co_return !ec;
}

// The status line and headers, as they go on the wire.
std::string head_of(const BeastResponse& res) {
    std::ostringstream out;
    out << res.base();
    return out.str();
}

// A valid JSON body of exactly `size` bytes (size >= 64), written in pieces
// so that a 70 MiB answer never exists in memory.
template <class Stream>
asio::awaitable<void> write_padded_json(Stream& stream, std::uint64_t size) {
    static constexpr std::string_view kPrefix =
        "{\"results\":[],\"next\":null,\"previous\":null,\"padding\":\"";
    static constexpr std::string_view kSuffix = "\"}";
    static const std::string kPiece(64 * 1024, 'x');
    if (!co_await write_bytes(stream, kPrefix)) co_return;
    for (std::uint64_t left = size - kPrefix.size() - kSuffix.size(); left > 0;) {
        std::size_t n = std::size_t(std::min<std::uint64_t>(left, kPiece.size()));
        if (!co_await write_bytes(stream, std::string_view(kPiece).substr(0, n))) co_return;
        left -= n;
    }
    co_await write_bytes(stream, kSuffix);
}

// Puts `res` on the wire broken as `plan.wire` says (see http_types.hpp),
// then ends the connection.
template <class Stream>
asio::awaitable<void> misbehave(Stream& stream, BeastResponse& res, const Response& plan) {
    tcp::socket& sock = beast::get_lowest_layer(stream);
    const std::string body = std::move(res.body());
    const std::string_view half = std::string_view(body).substr(0, body.size() / 2);
    switch (plan.wire) {
        case Wire::normal:
            break;
        case Wire::reset_before_headers:
            reset(sock);
            co_return;
        case Wire::silent:
            co_await hold_open(sock);
            co_return;
        case Wire::reset_after_headers:
            res.content_length(body.size());
            co_await write_bytes(stream, head_of(res));
            reset(sock);
            co_return;
        case Wire::truncated_body:
            res.content_length(body.size());
            co_await write_bytes(stream, head_of(res) + std::string(half));
            hang_up(sock);
            co_return;
        case Wire::long_content_length:
            res.content_length(body.size() + 1024);
            if (co_await write_bytes(stream, head_of(res) + body)) co_await hold_open(sock);
            hang_up(sock);
            co_return;
        case Wire::short_content_length:
            res.content_length(half.size());
            co_await write_bytes(stream, head_of(res) + std::string(half));
            hang_up(sock);
            co_return;
        case Wire::stall_mid_body:
            res.content_length(body.size());
            if (co_await write_bytes(stream, head_of(res) + std::string(half)))
                co_await hold_open(sock);
            hang_up(sock);
            co_return;
        case Wire::bad_chunked:
            res.chunked(true);
            co_await write_bytes(stream, head_of(res) + "zz\r\n" + body + "\r\n0\r\n\r\n");
            hang_up(sock);
            co_return;
        case Wire::oversize_body:
            res.keep_alive(false);
            res.content_length(plan.wire_bytes);
            if (co_await write_bytes(stream, head_of(res)))
                co_await write_padded_json(stream, plan.wire_bytes);
            hang_up(sock);
            co_return;
        case Wire::compression_bomb: {
            // Small on the wire, plan.wire_bytes once inflated; written in
            // batches of the repeated piece, never whole.
            const Bomb bomb = make_bomb(plan.wire_bytes, plan.wire_coding);
            res.keep_alive(false);
            res.set(http::field::content_encoding, coding_name(plan.wire_coding));
            res.content_length(bomb.wire_size());
            constexpr std::uint64_t kBatch = 64;
            std::string batch;
            for (std::uint64_t i = 0; i < std::min(kBatch, bomb.units); ++i) batch += bomb.unit;
            bool ok = co_await write_bytes(stream, head_of(res) + bomb.head);
            for (std::uint64_t left = bomb.units; ok && left > 0;) {
                std::uint64_t n = std::min(kBatch, left);
                ok = co_await write_bytes(stream, std::string_view(batch).substr(0, n * bomb.unit.size()));
                left -= n;
            }
            if (ok) co_await write_bytes(stream, bomb.tail);
            hang_up(sock);
            co_return;
        }
        case Wire::trickle: {
            res.keep_alive(false);
            res.content_length(body.size());
            const std::string all = head_of(res) + body;
            auto timer = deadline(sock, plan.wire_interval);
            for (char c : all) {
                if (!co_await write_bytes(stream, std::string_view(&c, 1))) break;
                timer.expires_after(plan.wire_interval);
                co_await timer.async_wait(kNoThrow);
            }
            hang_up(sock);
            co_return;
        }
    }
}

// One connection: read a request, answer it, repeat while keep-alive holds.
// Returns true when the connection should now be closed politely, false when
// it is already gone (a fault ended it).
template <class Stream>
asio::awaitable<bool> serve_requests(Stream& stream, App& app, std::uint64_t id) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> req;
        auto [read_ec, n] = co_await http::async_read(stream, buffer, req, kNoThrow);
        (void)n;
        if (read_ec == http::error::end_of_stream) co_return true;  // clean close between requests
        if (read_ec) {
            // Answer malformed requests once, then hang up; I/O errors just end.
            if (read_ec.category() == http::make_error_code(http::error::bad_target).category()) {
                auto res = to_beast(app.malformed_request(), 11, false, id);
                co_await http::async_write(stream, res, kNoThrow);
            }
            co_return true;
        }

        Request request;
        request.method = req.method_string();
        request.target = req.target();
        request.host = req[http::field::host];
        request.body = req.body();
        request.accept_encoding = req[http::field::accept_encoding];
        if (auto it = req.find("X-Avala-Api-Key"); it != req.end()) {
            request.api_key = it->value();
            request.has_api_key = true;
        }
        request.connection_id = id;

        Response answer = app.handle(request);
        if (answer.delay.count() > 0) {
            asio::steady_timer timer(stream.get_executor(), answer.delay);
            co_await timer.async_wait(kNoThrow);
        }
        bool keep_alive = req.keep_alive();
        Response plan;  // what misbehave() needs once the body has moved into `res`
        plan.wire = answer.wire;
        plan.wire_bytes = answer.wire_bytes;
        plan.wire_interval = answer.wire_interval;
        plan.wire_coding = answer.wire_coding;
        auto res = to_beast(std::move(answer), req.version(), keep_alive, id);
        if (plan.wire != Wire::normal) {
            co_await misbehave(stream, res, plan);
            co_return false;
        }
        auto [write_ec, written] = co_await http::async_write(stream, res, kNoThrow);
        (void)written;
        if (write_ec) co_return false;
        if (!keep_alive) co_return true;
    }
}

asio::awaitable<void> serve_plain(tcp::socket socket, App& app, std::uint64_t id) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);  // small answers must not wait for Nagle
    if (co_await serve_requests(socket, app, id)) socket.shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> serve_tls(tcp::socket socket, ssl::context& ctx, App& app, std::uint64_t id) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    beast::ssl_stream<tcp::socket> stream(std::move(socket), ctx);
    auto& sock = beast::get_lowest_layer(stream);
    // Handshake and close_notify are bounded: a peer that stalls must not
    // hold the coroutine forever.
    auto timer = deadline(sock, kTlsStepLimit);
    auto shaken = co_await (stream.async_handshake(ssl::stream_base::server, kNoThrow) ||
                            timer.async_wait(kNoThrow));
    if (shaken.index() == 1 || std::get<0>(std::get<0>(shaken))) co_return;
    if (!co_await serve_requests(stream, app, id)) co_return;
    timer.expires_after(kTlsStepLimit);
    co_await (stream.async_shutdown(kNoThrow) || timer.async_wait(kNoThrow));
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, App& app, ssl::context* tls) {
    for (;;) {
        // Each connection gets its own strand: its coroutine never runs on
        // two threads at once, while connections spread over all threads.
        auto [ec, socket] = co_await acceptor.async_accept(
            asio::make_strand(acceptor.get_executor()), kNoThrow);
        if (ec == asio::error::operation_aborted) co_return;
        if (ec) {
            // Out of file descriptors and the like: back off instead of spinning.
            asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(kNoThrow);
            continue;
        }
        std::uint64_t id = app.on_connection();
        auto executor = socket.get_executor();
        if (tls)
            asio::co_spawn(executor, serve_tls(std::move(socket), *tls, app, id), asio::detached);
        else
            asio::co_spawn(executor, serve_plain(std::move(socket), app, id), asio::detached);
    }
}

}  // namespace

Server::Server(const std::string& host, std::uint16_t port, const std::optional<TlsFiles>& tls)
    : impl_(std::make_unique<Impl>()) {
    if (tls) {
        beast::error_code ec;
        auto& ctx = impl_->tls.emplace(ssl::context::tls_server);
        ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        ctx.use_certificate_chain_file(tls->cert, ec);
        if (ec)
            throw TlsSetupError("cannot load TLS certificate " + tls->cert + ": " + ec.message());
        ctx.use_private_key_file(tls->key, ssl::context::pem, ec);
        if (ec) throw TlsSetupError("cannot load TLS key " + tls->key + ": " + ec.message());
    }

    beast::error_code ec;
    tcp::resolver resolver(impl_->ioc);
    auto results = resolver.resolve(host, std::to_string(port),
                                    tcp::resolver::numeric_service, ec);
    if (ec || results.empty())
        throw std::runtime_error("cannot resolve host \"" + host + "\": " + ec.message());
    tcp::endpoint endpoint = results.begin()->endpoint();

    auto& a = impl_->acceptor;
    a.open(endpoint.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(endpoint, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                                 ec.message());
    std::signal(SIGPIPE, SIG_IGN);  // a peer that vanished must not kill us mid-write
}

Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::run(App& app, unsigned threads) {
    auto& ioc = impl_->ioc;
    // Stopping the io_context abandons every pending read, so idle keep-alive
    // connections cannot hold up the exit; their sockets close when the
    // io_context destroys the suspended coroutines.
    impl_->signals.async_wait([&ioc](const beast::error_code&, int) { ioc.stop(); });
    ssl::context* tls = impl_->tls ? &*impl_->tls : nullptr;
    asio::co_spawn(ioc, accept_loop(impl_->acceptor, app, tls), asio::detached);

    std::vector<std::jthread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
}

}  // namespace emu
