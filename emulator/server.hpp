// The HTTP/1.1 server, plain or TLS (the only part that knows Boost.Beast/Asio).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace emu {

class App;

// PEM files for HTTPS.
struct TlsFiles {
    std::string cert;  // certificate chain
    std::string key;   // private key
};

// The certificate or key cannot be loaded (a usage error: exit 2).
struct TlsSetupError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Server {
public:
    // Binds and listens, and starts catching SIGINT/SIGTERM, so a signal that
    // arrives right after the base URL is printed still stops us cleanly.
    // Throws std::runtime_error when the address cannot be bound and
    // TlsSetupError when `tls` files cannot be loaded.
    Server(const std::string& host, std::uint16_t port, const std::optional<TlsFiles>& tls);
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
