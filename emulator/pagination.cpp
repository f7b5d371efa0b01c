#include "pagination.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "responses.hpp"

namespace emu {
namespace {

constexpr std::size_t kDefaultLimit = 100;
constexpr std::size_t kMaxLimit = 1000;

// Reads `limit` like DRF's IntegerField(min 1, max 1000) would.
std::optional<Response> parse_limit(const Query& q, std::size_t& limit) {
    limit = kDefaultLimit;
    const std::string* raw = q.get("limit");
    if (!raw) return std::nullopt;
    std::string_view s = *raw;
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.starts_with('+')) s.remove_prefix(1);
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || p != s.data() + s.size() || ec == std::errc::invalid_argument)
        return field_error("limit", "A valid integer is required.");
    if (ec == std::errc::result_out_of_range || v < 1 || v > static_cast<long long>(kMaxLimit))
        return field_error("limit", "Ensure this value is between 1 and 1000.");
    limit = static_cast<std::size_t>(v);
    return std::nullopt;
}

}  // namespace

std::string api_base(const Call& call, const LinkConfig& links) {
    if (!links.public_url.empty()) return links.public_url;
    std::string base = links.scheme + "://";
    base += call.request.host.empty() ? std::string_view(links.fallback_host) : call.request.host;
    base += kApiPrefix;
    return base;
}

std::string encode_cursor(std::size_t offset) {
    return base64url_encode("o=" + std::to_string(offset));
}

std::optional<std::size_t> decode_cursor(std::string_view cursor) {
    auto text = base64url_decode(cursor);
    if (!text || !text->starts_with("o=")) return std::nullopt;
    std::string_view digits = std::string_view(*text).substr(2);
    // Canonical decimal only: "o=007" or "o=+7" is not something we issued.
    if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return std::nullopt;
    std::size_t v = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc{} || p != digits.data() + digits.size()) return std::nullopt;
    return v;
}

Response page_response(const Call& call, const LinkConfig& links, std::size_t count,
                       const ItemText& item, std::span<const Filter> carried) {
    std::size_t limit = 0;
    if (auto err = parse_limit(call.query, limit)) return std::move(*err);

    std::size_t offset = 0;
    if (const std::string* cursor = call.query.get("cursor")) {
        auto decoded = decode_cursor(*cursor);
        // Offsets past the end were never issued by us.
        if (!decoded || *decoded > count) return detail_response(400, "Invalid cursor");
        offset = *decoded;
    }
    std::size_t end = std::min(count, offset + limit);

    // Everything after "?cursor=X": the limit and the carried filters.
    std::string tail = "&limit=" + std::to_string(limit);
    // Appended piece by piece: `"&" + std::string&&` trips GCC 12's -Wrestrict false positive at -O3.
    for (const auto& f : carried) {
        if (const std::string* v = call.query.get(f.name)) {
            tail += '&';
            tail += percent_encode(f.name);
            tail += '=';
            tail += percent_encode(*v);
        }
    }
    // "http://host/api/v1/tasks/" for the request's own path.
    std::string base = api_base(call, links);
    std::string_view path = call.path;
    if (path.starts_with(kApiPrefix)) path.remove_prefix(kApiPrefix.size());
    base += path;
    if (!base.ends_with('/')) base.push_back('/');
    auto link = [&](std::size_t at) { return base + "?cursor=" + encode_cursor(at) + tail; };

    std::vector<std::string_view> texts;
    texts.reserve(end - offset);
    std::size_t size = 64 + 2 * (base.size() + tail.size() + 32);
    for (std::size_t i = offset; i < end; ++i) {
        texts.push_back(item(i));
        size += texts.back().size() + 1;
    }

    Response r;
    std::string& body = r.body;
    body.reserve(size);
    body += "{\"results\":[";
    for (std::size_t k = 0; k < texts.size(); ++k) {
        if (k != 0) body.push_back(',');
        body += texts[k];
    }
    body += "],\"next\":";
    if (end < count)
        append_json_quoted(body, link(end));
    else
        body += "null";
    body += ",\"previous\":";
    if (offset > 0)
        append_json_quoted(body, link(offset > limit ? offset - limit : 0));
    else
        body += "null";
    body += "}";
    return r;
}

Handler list_handler(const Collection& items, const LinkConfig& links) {
    return [&items, &links](const Call& call) -> Response {
        std::vector<std::string_view> wanted;
        for (const auto& f : items.filters()) {
            const std::string* v = call.query.get(f.name);
            wanted.push_back(v ? std::string_view(*v) : std::string_view());
        }
        Selection selected = items.select(wanted);
        return page_response(
            call, links, selected.size(),
            [&](std::size_t k) { return items.json_at(selected[k]); }, items.filters());
    };
}

Handler get_handler(const Collection& items) {
    return [&items](const Call& call) -> Response {
        auto at = items.find(call.params.back());
        if (!at) return detail_response(404, "Not found.");
        Response r;
        r.body = items.json_at(*at);
        return r;
    };
}

}  // namespace emu
