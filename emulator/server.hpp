// The HTTP/1.1 server (the only part that knows Boost.Beast/Asio).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace emu {

class App;

class Server {
public:
    // Binds and listens, and starts catching SIGINT/SIGTERM, so a signal that
    // arrives right after the base URL is printed still stops us cleanly.
    // Throws std::runtime_error when the address cannot be bound.
    Server(const std::string& host, std::uint16_t port);
    ~Server();

    std::uint16_t port() const;

    // Serves with `threads` threads until SIGINT or SIGTERM, then returns.
    // Idle keep-alive connections do not delay the stop.
    void run(App& app, unsigned threads);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace emu
