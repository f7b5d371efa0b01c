#include "server.hpp"

#include <csignal>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "app.hpp"

namespace emu {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Every awaited operation reports errors as a value instead of throwing:
// a client hanging up is routine, not exceptional.
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

struct Server::Impl {
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    asio::signal_set signals{ioc, SIGINT, SIGTERM};
};

namespace {

// Turns the App's answer into a Beast response with the headers every
// response carries.
http::response<http::string_body> to_beast(Response&& r, unsigned version, bool keep_alive,
                                           std::uint64_t connection_id) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), version};
    res.set(http::field::server, "avala-emulator");
    res.set(http::field::content_type, "application/json");
    for (auto& [name, value] : r.headers) res.set(name, value);
    res.set("X-Emulator-Connection", std::to_string(connection_id));
    res.body() = std::move(r.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

// One connection: read a request, answer it, repeat while keep-alive holds.
asio::awaitable<void> serve_connection(tcp::socket socket, App& app, std::uint64_t id) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);  // small answers must not wait for Nagle
    beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> req;
        auto [read_ec, n] = co_await http::async_read(socket, buffer, req, kNoThrow);
        (void)n;
        if (read_ec == http::error::end_of_stream) break;  // clean close between requests
        if (read_ec) {
            // Answer malformed requests once, then hang up; I/O errors just end.
            if (read_ec.category() == http::make_error_code(http::error::bad_target).category()) {
                auto res = to_beast(app.malformed_request(), 11, false, id);
                co_await http::async_write(socket, res, kNoThrow);
            }
            break;
        }

        Request request;
        request.method = req.method_string();
        request.target = req.target();
        request.host = req[http::field::host];
        request.body = req.body();
        if (auto it = req.find("X-Avala-Api-Key"); it != req.end()) {
            request.api_key = it->value();
            request.has_api_key = true;
        }
        request.connection_id = id;

        Response answer = app.handle(request);
        if (answer.delay.count() > 0) {
            asio::steady_timer timer(socket.get_executor(), answer.delay);
            co_await timer.async_wait(kNoThrow);
        }
        bool keep_alive = req.keep_alive();
        auto res = to_beast(std::move(answer), req.version(), keep_alive, id);
        auto [write_ec, written] = co_await http::async_write(socket, res, kNoThrow);
        (void)written;
        if (write_ec || !keep_alive) break;
    }
    socket.shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, App& app) {
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
        asio::co_spawn(executor, serve_connection(std::move(socket), app, id), asio::detached);
    }
}

}  // namespace

Server::Server(const std::string& host, std::uint16_t port) : impl_(std::make_unique<Impl>()) {
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
    asio::co_spawn(ioc, accept_loop(impl_->acceptor, app), asio::detached);

    std::vector<std::jthread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
}

}  // namespace emu
