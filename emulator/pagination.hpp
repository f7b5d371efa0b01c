// Cursor pagination, shared by every list, and the generic list/get handlers
// of the read-only collections.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "collection.hpp"
#include "router.hpp"

namespace emu {

// Where absolute links (next/previous, download URLs) point.
struct LinkConfig {
    std::string scheme = "http";  // "https" when serving TLS
    // Replaces "<scheme>://<Host>/api/v1" when not empty (--public-url).
    std::string public_url;
    // Used when a request has no Host header (HTTP/1.0): "127.0.0.1:PORT".
    std::string fallback_host;
};

constexpr std::string_view kApiPrefix = "/api/v1";

// The API base the request reached: "http://<Host>/api/v1", or --public-url.
std::string api_base(const Call& call, const LinkConfig& links);

// The opaque cursor: base64url("o=<offset>"), no padding.
std::string encode_cursor(std::size_t offset);
std::optional<std::size_t> decode_cursor(std::string_view cursor);

// The JSON text of the i-th listed item; it must stay valid until the page
// is built.
using ItemText = std::function<std::string_view(std::size_t)>;

// One page of `count` items: reads `limit` and `cursor` (400 when invalid)
// and answers {"results": [...], "next": url|null, "previous": url|null}. The
// links repeat the limit and the query parameters named in `carried` (the
// filters), so following `next` keeps the same selection.
Response page_response(const Call& call, const LinkConfig& links, std::size_t count,
                       const ItemText& item, std::span<const Filter> carried = {});

// GET list of a read-only collection, filtered by its query filters. The
// collection and config must outlive the handler.
Handler list_handler(const Collection& items, const LinkConfig& links);

// GET one: the object whose uid is the route's last placeholder, else 404.
Handler get_handler(const Collection& items);

}  // namespace emu
