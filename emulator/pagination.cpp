#include "pagination.hpp"

#include <algorithm>
#include <charconv>

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

// "http://host/api/v1/users/me/projects/" for the request's own path.
std::string link_base(const Call& call, const LinkConfig& cfg) {
    std::string_view path = call.path;
    std::string base;
    if (!cfg.public_url.empty()) {
        if (path.starts_with(kApiPrefix)) path.remove_prefix(kApiPrefix.size());
        base = cfg.public_url;
    } else {
        base = "http://";
        base += call.request.host.empty() ? std::string_view(cfg.fallback_host)
                                          : call.request.host;
    }
    base += path;
    if (!base.ends_with('/')) base.push_back('/');
    return base;
}

}  // namespace

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

Handler list_handler(const Collection& items, const LinkConfig& links,
                     std::vector<std::string> filters) {
    return [&items, &links, filters = std::move(filters)](const Call& call) -> Response {
        std::size_t limit = 0;
        if (auto err = parse_limit(call.query, limit)) return std::move(*err);

        std::size_t offset = 0;
        if (const std::string* cursor = call.query.get("cursor")) {
            auto decoded = decode_cursor(*cursor);
            // Offsets past the end were never issued by us.
            if (!decoded || *decoded > items.size()) return detail_response(400, "Invalid cursor");
            offset = *decoded;
        }
        std::size_t end = std::min(items.size(), offset + limit);

        // Everything after "?cursor=X": the limit and the carried filters.
        std::string tail = "&limit=" + std::to_string(limit);
        for (const auto& name : filters)
            if (const std::string* v = call.query.get(name))
                tail += "&" + percent_encode(name) + "=" + percent_encode(*v);
        std::string base = link_base(call, links);
        auto link = [&](std::size_t at) { return base + "?cursor=" + encode_cursor(at) + tail; };

        std::size_t size = 64 + 2 * (base.size() + tail.size() + 32);
        for (std::size_t i = offset; i < end; ++i) size += items.json_at(i).size() + 1;

        Response r;
        std::string& body = r.body;
        body.reserve(size);
        body += "{\"results\":[";
        for (std::size_t i = offset; i < end; ++i) {
            if (i != offset) body.push_back(',');
            body += items.json_at(i);
        }
        body += "],\"next\":";
        if (end < items.size())
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
    };
}

Handler get_handler(const Collection& items) {
    return [&items](const Call& call) -> Response {
        auto at = items.find(call.params.at(0));
        if (!at) return detail_response(404, "Not found.");
        Response r;
        r.body = items.json_at(*at);
        return r;
    };
}

}  // namespace emu
