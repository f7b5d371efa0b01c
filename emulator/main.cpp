// avala-emulator: serves the Avala REST API from memory for offline
// development, tests and benchmarks. See API_CONTRACT.md and DESIGN.md.
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <variant>

#include "app.hpp"
#include "options.hpp"
#include "server.hpp"
#include "store.hpp"

namespace {

// An IPv6 literal needs brackets inside a URL.
std::string url_host(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

int main(int argc, char** argv) {
    auto parsed = emu::parse_options(argc, argv);
    if (auto* exit_now = std::get_if<emu::ExitNow>(&parsed)) {
        (exit_now->code == 0 ? std::cout : std::cerr) << exit_now->message << std::flush;
        return exit_now->code;
    }
    const auto& options = std::get<emu::Options>(parsed);

    emu::Store store;
    try {
        if (options.data_file)
            store = emu::load_store(*options.data_file);
        else if (options.generate.any())
            store = emu::generate_store(options.generate);
        else
            store = emu::seed_store();
    } catch (const std::exception& e) {
        std::cerr << "avala-emulator: " << e.what() << "\n";
        return 2;
    }

    std::optional<emu::TlsFiles> tls;
    if (options.tls_cert) tls = emu::TlsFiles{*options.tls_cert, *options.tls_key};
    try {
        emu::Server server(options.host, options.port, tls);
        std::string authority = url_host(options.host) + ":" + std::to_string(server.port());
        emu::App app(options, std::move(store), authority);

        // Tests and scripts read this line to find us: print and flush it
        // before anything else.
        std::cout << (tls ? "https://" : "http://") << authority << "/api/v1" << std::endl;
        server.run(app, options.threads);
    } catch (const emu::TlsSetupError& e) {
        std::cerr << "avala-emulator: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "avala-emulator: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
