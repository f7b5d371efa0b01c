#include "app.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "compression.hpp"
#include "resources.hpp"
#include "responses.hpp"

namespace emu {

App::App(const Options& options, Store store, std::string bound_host)
    : store_(std::move(store)),
      links_{options.tls_cert ? "https" : "http", options.public_url, std::move(bound_host)},
      api_key_(options.api_key),
      compress_(options.compress),
      router_(options.api_key),
      limiter_(options.rate_limit) {
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

Response json_body(std::string body) {
    Response r;
    r.body = std::move(body);
    return r;
}

// The emulator's own control plane lives outside /api/v1: no key, no rate
// limit, no faults, not counted per path.
constexpr std::string_view kControlPrefix = "/__emulator/";

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
    router_.add({"GET", "/api/v1/__emulator/slow", Auth::api_key, slow});
    add_control_routes();
}

void App::add_control_routes() {
    router_.add({"GET", "/__emulator/stats", Auth::none, [this](const Call&) {
                     return json_body("{\"connections_accepted\":" +
                                      std::to_string(connections_.load()) +
                                      ",\"requests\":" + std::to_string(requests_.load()) +
                                      ",\"paths\":" + paths_.json() + "}");
                 }});
    router_.add({"DELETE", "/__emulator/stats", Auth::none, [this](const Call&) {
                     paths_.clear();
                     return json_body("{}");
                 }});
    router_.add({"GET", "/__emulator/faults", Auth::none,
                 [this](const Call&) { return json_body(faults_.list_json()); }});
    router_.add({"POST", "/__emulator/faults", Auth::none, [this](const Call& call) {
                     auto installed = faults_.install(call.request.body);
                     if (auto* err = std::get_if<Response>(&installed)) return std::move(*err);
                     auto id = std::get<std::uint64_t>(installed);
                     return json_body("{\"id\":" + std::to_string(id) + "}");
                 }});
    router_.add({"DELETE", "/__emulator/faults", Auth::none, [this](const Call&) {
                     return json_body("{\"deleted\":" + std::to_string(faults_.clear()) + "}");
                 }});
}

Response App::handle(const Request& request) {
    ++requests_;
    std::string_view path = split_target(request.target).first;
    if (path.starts_with(kControlPrefix)) return router_.dispatch(request);
    paths_.count(request.method, path);

    // Wrong keys share one anonymous bucket so the table cannot grow unbounded.
    std::string_view bucket =
        request.has_api_key && request.api_key == api_key_ ? std::string_view(api_key_) : "";
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    Quota q = limiter_.take(bucket, now_ms);

    auto route = [&] {
        if (!q.exceeded) return router_.dispatch(request);
        return detail_response(429, "Request was throttled. Expected available in " +
                                        std::to_string(q.retry_after) + " seconds.");
    };
    auto fault = faults_.match(request.method, path);
    Response r = fault ? apply_fault(*fault, route) : route();
    add_rate_limit_headers(r, q);
    if (compress_) encode_response(r, request.accept_encoding);
    return r;
}

Response App::malformed_request() {
    ++requests_;
    return detail_response(400, "Malformed request.");
}

void App::add_rate_limit_headers(Response& r, const Quota& q) {
    r.headers.emplace_back("X-RateLimit-Limit", std::to_string(q.limit));
    r.headers.emplace_back("X-RateLimit-Remaining", std::to_string(q.remaining));
    r.headers.emplace_back("X-RateLimit-Reset", std::to_string(q.reset));
    // A fault's own Retry-After wins over the limiter's.
    bool has_retry_after = std::any_of(r.headers.begin(), r.headers.end(),
                                       [](const auto& h) { return h.first == "Retry-After"; });
    if (r.status == 429 && q.exceeded && !has_retry_after)
        r.headers.emplace_back("Retry-After", std::to_string(q.retry_after));
}

}  // namespace emu
