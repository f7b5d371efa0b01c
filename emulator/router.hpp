// The route table: (method, path pattern) -> handler, plus the checks every
// route shares (authentication, 404, 405, query parsing).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"
#include "url.hpp"

namespace emu {

enum class Auth { none, api_key };

// What a handler gets: the request, its decoded {placeholders} in pattern
// order, and the parsed query.
struct Call {
    const Request& request;
    std::string_view path;  // raw path, without the query
    const std::vector<std::string>& params;
    const Query& query;
};

using Handler = std::function<Response(const Call&)>;

struct Route {
    std::string method;   // "GET"
    std::string pattern;  // "/api/v1/users/me/projects/{uid}/"; the trailing '/' is optional on requests
    Auth auth;
    Handler handler;
};

class Router {
public:
    explicit Router(std::string api_key) : api_key_(std::move(api_key)) {}

    void add(Route route);
    // Always answers: unknown paths get 404, known paths with another method 405.
    Response dispatch(const Request& request) const;

private:
    struct Entry {
        Route route;
        std::vector<std::string> segments;  // "{name}" segments are placeholders
    };
    std::string api_key_;
    std::vector<Entry> entries_;
};

// Splits "/a/b/" into {"a","b"}; one trailing slash is optional, so "/a/b"
// gives the same segments. An empty inner segment is kept (and matches nothing).
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace emu
