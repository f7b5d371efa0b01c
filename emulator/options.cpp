#include "options.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <vector>

namespace emu {
namespace {

constexpr const char* kUsage =
    "usage: avala-emulator [--host 127.0.0.1] [--port 0] [--api-key KEY]\n"
    "                      [--data FILE] [--generate projects=N,tasks=M,datasets=K]\n"
    "                      [--public-url URL] [--threads N] [--rate-limit N/Ss]\n"
    "                      [--tls-cert FILE --tls-key FILE] [--no-compress]\n"
    "Serves the Avala REST API from memory; prints its base URL on the first line.\n"
    "  --data FILE        {\"projects\": [...], \"tasks\": [...], \"datasets\": [...]}\n"
    "                     instead of the seed\n"
    "  --generate SPEC    synthetic data instead of the seed; tasks are spread over the projects\n"
    "  --rate-limit N/Ss  enforce N requests per S seconds per key (429 + Retry-After past it);\n"
    "                     without it the X-RateLimit-* headers report 100/60s, nothing refused\n"
    "  --tls-cert FILE --tls-key FILE\n"
    "                     (TLS) serve HTTPS with this PEM certificate chain and private key\n"
    "  --no-compress      never compress answers (by default gzip or deflate when the\n"
    "                     request's Accept-Encoding asks for it)\n"
    "Tests script faults over POST/GET/DELETE /__emulator/faults (see README).\n";

template <class T>
std::optional<T> parse_uint(std::string_view s, T max) {
    unsigned long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || v > max)
        return std::nullopt;
    return static_cast<T>(v);
}

// "projects=100,tasks=1000000,datasets=5" -> spec; new generated resources are new rows here.
std::optional<std::string> parse_generate(std::string_view text, GenerateSpec& spec) {
    struct Key {
        std::string_view name;
        std::optional<std::size_t> GenerateSpec::*count;
    };
    static constexpr Key kKeys[] = {{"projects", &GenerateSpec::projects},
                                    {"tasks", &GenerateSpec::tasks},
                                    {"datasets", &GenerateSpec::datasets}};
    constexpr std::size_t kMaxCount = 10'000'000;

    while (!text.empty()) {
        auto comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        auto eq = item.find('=');
        if (eq == std::string_view::npos) return "--generate expects KEY=N, got \"" + std::string(item) + "\"";
        std::string_view name = item.substr(0, eq);
        const Key* key = nullptr;
        for (const auto& k : kKeys)
            if (k.name == name) key = &k;
        if (!key)
            return "--generate: unknown key \"" + std::string(name) +
                   "\" (known: projects, tasks, datasets)";
        auto n = parse_uint<std::size_t>(item.substr(eq + 1), kMaxCount);
        if (!n) return "--generate: " + std::string(name) + " must be an integer 0.." + std::to_string(kMaxCount);
        spec.*(key->count) = *n;
    }
    return std::nullopt;
}

// "20/2s" (or "20/2") -> enforced limit of 20 requests per 2 seconds.
std::optional<RateLimitSpec> parse_rate_limit(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    std::string_view window = text.substr(slash + 1);
    if (window.ends_with('s')) window.remove_suffix(1);
    auto n = parse_uint<unsigned>(text.substr(0, slash), 1'000'000'000);
    auto seconds = parse_uint<unsigned>(window, 86'400);
    if (!n || !seconds || *n == 0 || *seconds == 0) return std::nullopt;
    return RateLimitSpec{*n, std::int64_t(*seconds), true};
}

unsigned default_threads() {
    unsigned hw = std::thread::hardware_concurrency();
    return std::clamp(hw, 1u, 4u);
}

}  // namespace

std::variant<Options, ExitNow> parse_options(int argc, char** argv) {
    Options o;
    auto usage_error = [](const std::string& msg) {
        return ExitNow{2, "avala-emulator: " + msg + "\n" + kUsage};
    };

    std::vector<std::string_view> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (arg == "-h" || arg == "--help") return ExitNow{0, kUsage};
        if (arg == "--no-compress") {  // the one option without a value
            o.compress = false;
            continue;
        }

        // Accept both "--opt value" and "--opt=value".
        std::string_view name = arg, value;
        bool inline_value = false;
        if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            inline_value = true;
        }
        static constexpr std::string_view kKnown[] = {
            "--host",       "--port",    "--api-key",    "--data",     "--generate",
            "--public-url", "--threads", "--rate-limit", "--tls-cert", "--tls-key"};
        if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown))
            return usage_error("unknown argument \"" + std::string(arg) + "\"");
        if (!inline_value) {
            if (i + 1 >= args.size()) return usage_error(std::string(name) + " needs a value");
            value = args[++i];
        }

        if (name == "--host") {
            if (value.empty()) return usage_error("--host must not be empty");
            o.host = value;
        } else if (name == "--port") {
            auto p = parse_uint<std::uint16_t>(value, 65535);
            if (!p) return usage_error("--port must be an integer 0..65535");
            o.port = *p;
        } else if (name == "--api-key") {
            if (value.empty()) return usage_error("--api-key must not be empty");
            o.api_key = value;
        } else if (name == "--data") {
            o.data_file = std::string(value);
        } else if (name == "--generate") {
            if (auto err = parse_generate(value, o.generate)) return usage_error(*err);
        } else if (name == "--public-url") {
            if (!value.starts_with("http://") && !value.starts_with("https://"))
                return usage_error("--public-url must start with http:// or https://");
            while (value.ends_with('/')) value.remove_suffix(1);
            o.public_url = value;
        } else if (name == "--threads") {
            auto t = parse_uint<unsigned>(value, 256);
            if (!t || *t == 0) return usage_error("--threads must be an integer 1..256");
            o.threads = *t;
        } else if (name == "--rate-limit") {
            auto spec = parse_rate_limit(value);
            if (!spec) return usage_error("--rate-limit expects N/Ss with N, S >= 1, e.g. 20/2s");
            o.rate_limit = *spec;
        } else if (name == "--tls-cert") {
            o.tls_cert = std::string(value);
        } else if (name == "--tls-key") {
            o.tls_key = std::string(value);
        }
    }
    if (o.tls_cert.has_value() != o.tls_key.has_value())
        return usage_error("--tls-cert and --tls-key go together");

    if (o.data_file && o.generate.any())
        return usage_error("--data and --generate cannot be combined");
    if (o.api_key.empty()) {
        const char* env = std::getenv("AVALA_API_KEY");
        o.api_key = env && *env ? env : kDemoApiKey;
    }
    if (o.threads == 0) o.threads = default_threads();
    return o;
}

}  // namespace emu
