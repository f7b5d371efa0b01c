// Generic handlers for collection resources: a cursor-paginated list and a
// get-by-uid. A new resource reuses these with its own Collection.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "router.hpp"
#include "store.hpp"

namespace emu {

// Where absolute next/previous links point.
struct LinkConfig {
    // Replaces "http://<Host>/api/v1" when not empty (--public-url).
    std::string public_url;
    // Used when a request has no Host header (HTTP/1.0): "127.0.0.1:PORT".
    std::string fallback_host;
};

constexpr std::string_view kApiPrefix = "/api/v1";

// The opaque cursor: base64url("o=<offset>"), no padding.
std::string encode_cursor(std::size_t offset);
std::optional<std::size_t> decode_cursor(std::string_view cursor);

// GET list: {"results": [...], "next": url|null, "previous": url|null}.
// `filters` names query parameters carried into next/previous links (future
// filters such as "project" or "status"; filtering itself comes with them).
// The collection and config must outlive the handler.
Handler list_handler(const Collection& items, const LinkConfig& links,
                     std::vector<std::string> filters = {});

// GET one: the object whose uid is the route's first placeholder, else 404.
Handler get_handler(const Collection& items);

}  // namespace emu
