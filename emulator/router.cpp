#include "router.hpp"

#include "responses.hpp"

namespace emu {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.starts_with('/')) path.remove_prefix(1);
    if (path.ends_with('/')) path.remove_suffix(1);
    if (path.empty()) return out;
    while (true) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

void Router::add(Route route) {
    Entry e{std::move(route), {}};
    for (auto seg : split_path(e.route.pattern)) e.segments.emplace_back(seg);
    entries_.push_back(std::move(e));
}

namespace {

bool is_placeholder(std::string_view seg) {
    return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

// Matches path segments against a pattern, collecting decoded placeholders.
bool match(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
           std::vector<std::string>& params) {
    if (pattern.size() != path.size()) return false;
    params.clear();
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (is_placeholder(pattern[i])) {
            auto decoded = percent_decode(path[i], false);
            if (!decoded || decoded->empty()) return false;
            params.push_back(std::move(*decoded));
        } else if (pattern[i] != path[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

Response Router::dispatch(const Request& request) const {
    auto [path, raw_query] = split_target(request.target);
    auto segments = split_path(path);

    // Like Django: the URL resolves first (404 regardless of auth), then the
    // view authenticates, then it checks the method (405 only for callers
    // who authenticated).
    const Entry* found = nullptr;        // same path and method
    const Entry* any_method = nullptr;   // same path
    std::string allow;
    std::vector<std::string> params, scratch;
    for (const auto& e : entries_) {
        if (!match(e.segments, segments, scratch)) continue;
        if (!any_method) any_method = &e;
        allow += allow.empty() ? e.route.method : ", " + e.route.method;
        if (!found && e.route.method == request.method) {
            found = &e;
            params = scratch;
        }
    }
    if (!any_method) return detail_response(404, "Not found.");

    const Entry& guard = found ? *found : *any_method;
    if (guard.route.auth == Auth::api_key) {
        if (!request.has_api_key)
            return detail_response(401, "Authentication credentials were not provided.");
        if (request.api_key != api_key_) return detail_response(401, "Invalid API key.");
    }
    if (!found) {
        auto r = detail_response(405, "Method \"" + std::string(request.method) + "\" not allowed.");
        r.headers.emplace_back("Allow", std::move(allow));
        return r;
    }

    auto query = Query::parse(raw_query);
    if (!query) return detail_response(400, "Malformed query string.");
    return found->route.handler(Call{request, path, params, *query});
}

}  // namespace emu
