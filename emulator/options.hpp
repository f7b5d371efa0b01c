// Command-line options of avala-emulator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "ratelimit.hpp"
#include "store.hpp"

namespace emu {

struct Options {
    std::string host = "127.0.0.1";  // loopback unless told otherwise
    std::uint16_t port = 0;          // 0 = ephemeral
    std::string api_key;             // --api-key, else $AVALA_API_KEY, else the demo key
    std::optional<std::string> data_file;
    GenerateSpec generate;
    // When set, next/previous links start with this base URL instead of
    // "http://<Host header>/api/v1" (simulates a proxy that points elsewhere).
    std::string public_url;
    unsigned threads = 0;  // io threads; 0 = pick from the core count
    RateLimitSpec rate_limit;  // --rate-limit N/Ss enforces; else report 100/60 s only
    // --tls-cert and --tls-key (PEM files, given together): serve HTTPS.
    std::optional<std::string> tls_cert, tls_key;
    // gzip/deflate answers when Accept-Encoding asks; --no-compress turns it off.
    bool compress = true;
};

constexpr const char* kDemoApiKey = "avala-emulator-key";

// The result of parsing: options to run with, or a reason to exit now
// (exit code 0 for --help with text on stdout, 2 for a usage error).
struct ExitNow {
    int code;
    std::string message;
};

std::variant<Options, ExitNow> parse_options(int argc, char** argv);

}  // namespace emu
