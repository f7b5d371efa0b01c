#include "compression.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace emu {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower((unsigned char)x) == std::tolower((unsigned char)y);
           });
}

// A q-value in thousandths ("q=0.5" -> 500); malformed counts as 0.
int parse_q(std::string_view params) {
    while (!params.empty()) {
        auto semi = params.find(';');
        std::string_view p = trim(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
        if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
        std::string_view v = p.substr(2);
        if (v.empty() || (v[0] != '0' && v[0] != '1')) return 0;
        int whole = v[0] - '0', frac = 0, digits = 0;
        if (v.size() > 1) {
            if (v[1] != '.') return 0;
            for (char c : v.substr(2)) {
                if (c < '0' || c > '9' || digits == 3) return 0;
                frac = frac * 10 + (c - '0');
                ++digits;
            }
        }
        while (digits++ < 3) frac *= 10;
        return std::min(1000, whole * 1000 + frac);
    }
    return 1000;
}

// A raw deflate piece made by a fresh deflater: non-final blocks ending on a
// byte boundary (sync flush), or the final block when `last`.
std::string deflate_piece(std::string_view data, bool last) {
    z_stream z{};
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("zlib deflateInit2 failed");
    std::string out(deflateBound(&z, uLong(data.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    int rc = deflate(&z, last ? Z_FINISH : Z_SYNC_FLUSH);
    out.resize(out.size() - z.avail_out);
    deflateEnd(&z);
    if (rc != (last ? Z_STREAM_END : Z_OK) || z.avail_in != 0)
        throw std::runtime_error("zlib deflate failed");
    return out;
}

void put_le32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += char((v >> (8 * i)) & 0xff);
}
void put_be32(std::string& out, std::uint32_t v) {
    for (int i = 3; i >= 0; --i) out += char((v >> (8 * i)) & 0xff);
}

}  // namespace

std::string_view coding_name(Coding c) {
    switch (c) {
        case Coding::gzip: return "gzip";
        case Coding::deflate: return "deflate";
        case Coding::identity: break;
    }
    return "identity";
}

Coding choose_coding(std::string_view header) {
    int q_gzip = -1, q_deflate = -1, q_star = -1;
    while (!header.empty()) {
        auto comma = header.find(',');
        std::string_view item = trim(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        auto semi = item.find(';');
        std::string_view name = trim(item.substr(0, semi));
        int q = semi == std::string_view::npos ? 1000 : parse_q(item.substr(semi + 1));
        if (iequals(name, "gzip") || iequals(name, "x-gzip")) q_gzip = std::max(q_gzip, q);
        else if (iequals(name, "deflate")) q_deflate = std::max(q_deflate, q);
        else if (name == "*") q_star = std::max(q_star, q);
    }
    if (q_gzip < 0) q_gzip = q_star;
    if (q_deflate < 0) q_deflate = q_star;
    if (q_gzip <= 0 && q_deflate <= 0) return Coding::identity;
    return q_gzip >= q_deflate ? Coding::gzip : Coding::deflate;
}

std::string compress(std::string_view body, Coding coding) {
    if (coding == Coding::identity) return std::string(body);
    z_stream z{};
    int bits = coding == Coding::gzip ? 16 + MAX_WBITS : MAX_WBITS;
    // Level 1, nginx's default gzip_comp_level: the emulator must stay fast
    // enough never to be a benchmark's bottleneck.
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("zlib deflateInit2 failed");
    std::string out(deflateBound(&z, uLong(body.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    z.avail_in = uInt(body.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    int rc = deflate(&z, Z_FINISH);
    out.resize(out.size() - z.avail_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("zlib deflate failed");
    return out;
}

void encode_response(Response& r, std::string_view accept_encoding) {
    switch (r.wire) {
        case Wire::oversize_body:
        case Wire::compression_bomb:
        case Wire::silent:
        case Wire::reset_before_headers:
            return;
        default:
            break;
    }
    if (r.body.empty() || r.status == 204 || r.status == 304) return;
    for (const auto& [name, value] : r.headers)
        if (iequals(name, "Content-Encoding")) return;
    r.headers.emplace_back("Vary", "Accept-Encoding");
    Coding c = choose_coding(accept_encoding);
    if (c == Coding::identity) return;
    r.body = compress(r.body, c);
    r.headers.emplace_back("Content-Encoding", std::string(coding_name(c)));
}

Bomb make_bomb(std::uint64_t decoded_bytes, Coding coding) {
    static constexpr std::string_view kPrefix =
        "{\"results\":[],\"next\":null,\"previous\":null,\"padding\":\"";
    static constexpr std::string_view kSuffix = "\"}";
    constexpr std::size_t kUnit = 1 << 20;
    if (coding == Coding::identity || decoded_bytes < kPrefix.size() + kSuffix.size())
        throw std::invalid_argument("make_bomb: bad arguments");
    const std::uint64_t padding = decoded_bytes - kPrefix.size() - kSuffix.size();
    const std::string unit_text(kUnit, 'x');
    const std::string rest_text(std::size_t(padding % kUnit), 'x');

    Bomb b;
    b.units = padding / kUnit;
    b.head = coding == Coding::gzip ? std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff", 10)
                                    : std::string("\x78\xda", 2);
    b.head += deflate_piece(kPrefix, false);
    if (b.units > 0) b.unit = deflate_piece(unit_text, false);
    if (!rest_text.empty()) b.tail = deflate_piece(rest_text, false);
    b.tail += deflate_piece(kSuffix, true);

    auto bytes = [](std::string_view s) { return reinterpret_cast<const Bytef*>(s.data()); };
    if (coding == Coding::gzip) {
        uLong crc = crc32(0, bytes(kPrefix), uInt(kPrefix.size()));
        const uLong unit_crc = crc32(0, bytes(unit_text), uInt(kUnit));
        const uLong op = crc32_combine_gen(z_off_t(kUnit));
        for (std::uint64_t i = 0; i < b.units; ++i) crc = crc32_combine_op(crc, unit_crc, op);
        crc = crc32_combine(crc, crc32(0, bytes(rest_text), uInt(rest_text.size())), z_off_t(rest_text.size()));
        crc = crc32_combine(crc, crc32(0, bytes(kSuffix), uInt(kSuffix.size())), z_off_t(kSuffix.size()));
        put_le32(b.tail, std::uint32_t(crc));
        put_le32(b.tail, std::uint32_t(decoded_bytes & 0xffffffffu));  // ISIZE is the size mod 2^32
    } else {
        uLong adler = adler32(1, bytes(kPrefix), uInt(kPrefix.size()));
        const uLong unit_adler = adler32(1, bytes(unit_text), uInt(kUnit));
        for (std::uint64_t i = 0; i < b.units; ++i) adler = adler32_combine(adler, unit_adler, z_off_t(kUnit));
        adler = adler32_combine(adler, adler32(1, bytes(rest_text), uInt(rest_text.size())), z_off_t(rest_text.size()));
        adler = adler32_combine(adler, adler32(1, bytes(kSuffix), uInt(kSuffix.size())), z_off_t(kSuffix.size()));
        put_be32(b.tail, std::uint32_t(adler));
    }
    return b;
}

}  // namespace emu
