#include "url.hpp"

#include <array>
#include <cstdint>

#include <boost/url.hpp>

namespace urls = boost::urls;

namespace emu {
namespace {

constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<signed char, 256> make_b64_table() {
    std::array<signed char, 256> t{};
    for (auto& v : t) v = -1;
    for (std::size_t i = 0; i < kB64.size(); ++i)
        t[static_cast<unsigned char>(kB64[i])] = static_cast<signed char>(i);
    return t;
}
constexpr auto kB64Table = make_b64_table();

}  // namespace

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
    auto q = target.find('?');
    if (q == std::string_view::npos) return {target, {}};
    return {target.substr(0, q), target.substr(q + 1)};
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
    if (in.empty()) return std::string();
    auto pct = urls::make_pct_string_view(urls::string_view(in.data(), in.size()));  // fails on a bad escape
    if (!pct) return std::nullopt;
    urls::encoding_opts opts;
    opts.space_as_plus = plus_is_space;
    std::string out;
    out.resize(pct->decoded_size());
    pct->decode(opts, urls::string_token::assign_to(out));
    return out;
}

std::string percent_encode(std::string_view in) {
    return urls::encode(urls::string_view(in.data(), in.size()), urls::unreserved_chars);
}

std::optional<Query> Query::parse(std::string_view raw) {
    // Boost.URL checks the escapes of the whole query; each parameter is
    // then decoded ('+' as space, as forms send it).
    Query q;
    if (raw.empty()) return q;
    // A NUL-terminated copy: Boost 1.81's parse_query builds its result from
    // s.data() alone (strlen), so a view into the request buffer would run on
    // past the query (found by valgrind).
    const std::string text(raw);
    auto params = urls::parse_query(urls::string_view(text));
    if (!params) return std::nullopt;
    for (const urls::param_pct_view& p : *params) {
        if (p.key.empty() && !p.has_value) continue;  // "a=1&&b=2"
        auto key = percent_decode(p.key, true);
        auto value = percent_decode(p.has_value ? std::string_view(p.value) : std::string_view(), true);
        if (!key || !value) return std::nullopt;
        q.params_.emplace_back(std::move(*key), std::move(*value));
    }
    return q;
}

const std::string* Query::get(std::string_view key) const {
    for (const auto& [k, v] : params_)
        if (k == key) return &v;
    return nullptr;
}

std::string base64url_encode(std::string_view in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        std::uint32_t n = (std::uint32_t(std::uint8_t(in[i])) << 16) |
                          (std::uint32_t(std::uint8_t(in[i + 1])) << 8) |
                          std::uint32_t(std::uint8_t(in[i + 2]));
        out.push_back(kB64[(n >> 18) & 63]);
        out.push_back(kB64[(n >> 12) & 63]);
        out.push_back(kB64[(n >> 6) & 63]);
        out.push_back(kB64[n & 63]);
    }
    std::size_t rest = in.size() - i;
    if (rest == 1) {
        std::uint32_t n = std::uint32_t(std::uint8_t(in[i])) << 16;
        out.push_back(kB64[(n >> 18) & 63]);
        out.push_back(kB64[(n >> 12) & 63]);
    } else if (rest == 2) {
        std::uint32_t n = (std::uint32_t(std::uint8_t(in[i])) << 16) |
                          (std::uint32_t(std::uint8_t(in[i + 1])) << 8);
        out.push_back(kB64[(n >> 18) & 63]);
        out.push_back(kB64[(n >> 12) & 63]);
        out.push_back(kB64[(n >> 6) & 63]);
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
    if (in.size() % 4 == 1) return std::nullopt;  // no whole byte in the tail
    std::string out;
    out.reserve(in.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = kB64Table[static_cast<unsigned char>(c)];
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    // Leftover bits must be zero, otherwise two encodings map to one value.
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

}  // namespace emu
