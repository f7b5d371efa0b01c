#include "app.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "resources.hpp"
#include "responses.hpp"

namespace emu {

App::App(const Options& options, Store store, std::string bound_host)
    : store_(std::move(store)),
      links_{"http", options.public_url, std::move(bound_host)},
      api_key_(options.api_key),
      router_(options.api_key) {
    add_routes();
}

namespace {

// GET /api/v1/__emulator/slow?ms=N: answers after N ms (capped), without
// holding a thread, so other connections keep being served.
Response slow(const Call& call) {
    constexpr long kCapMs = 10'000;
    long ms = 0;
    if (const std::string* raw = call.query.get("ms")) {
        auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), ms);
        if (raw->empty() || ec != std::errc{} || p != raw->data() + raw->size() || ms < 0)
            return field_error("ms", "A valid non-negative integer is required.");
        ms = std::min(ms, kCapMs);
    }
    Response r;
    r.body = "{\"slept_ms\":" + std::to_string(ms) + "}";
    r.delay = std::chrono::milliseconds(ms);
    return r;
}

}  // namespace

// The route table: projects here, the other resources in resources.cpp, all
// built from the generic handlers in pagination.hpp and records.hpp.
void App::add_routes() {
    const auto& projects = store_.projects;
    router_.add({"GET", "/api/v1/users/me/projects/", Auth::api_key,
                 list_handler(projects, links_)});
    router_.add({"GET", "/api/v1/users/me/projects/{uid}/", Auth::api_key,
                 get_handler(projects)});
    add_resource_routes(router_, store_, state_, links_);

    // Emulator-only endpoints for tests.
    router_.add({"GET", "/api/v1/__emulator/slow", Auth::api_key, slow});
    router_.add({"GET", "/__emulator/stats", Auth::none, [this](const Call&) {
                     Response r;
                     r.body = "{\"connections_accepted\":" + std::to_string(connections_.load()) +
                              ",\"requests\":" + std::to_string(requests_.load()) + "}";
                     return r;
                 }});
}

Response App::handle(const Request& request) {
    ++requests_;
    // Wrong keys share one anonymous bucket so the table cannot grow unbounded.
    std::string_view bucket =
        request.has_api_key && request.api_key == api_key_ ? std::string_view(api_key_) : "";
    return with_rate_limit(router_.dispatch(request), bucket);
}

Response App::malformed_request() {
    ++requests_;
    return with_rate_limit(detail_response(400, "Malformed request."), "");
}

Response App::with_rate_limit(Response r, std::string_view bucket) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    Quota q = limiter_.take(bucket, now);
    r.headers.emplace_back("X-RateLimit-Limit", std::to_string(q.limit));
    r.headers.emplace_back("X-RateLimit-Remaining", std::to_string(q.remaining));
    r.headers.emplace_back("X-RateLimit-Reset", std::to_string(q.reset));
    return r;
}

}  // namespace emu
