// Deterministic fault injection, scripted by tests over HTTP:
//   POST   /__emulator/faults  {"method"?, "path", "nth"?, "count"?, "fault", ...params} -> {"id":
//   N} GET    /__emulator/faults  the rules, each with how many requests it matched and hit DELETE
//   /__emulator/faults  removes every rule (and so its counters)
// A rule matches requests by method (optional) and path (exact, or a prefix
// when it ends in '*'); it counts its matching requests from installation and
// applies to the nth..nth+count-1 of them (count 0: every one from nth on).
// Rules are tried in installation order; the first that applies wins, and
// every matching rule counts the request either way.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http_types.hpp"

namespace emu {

// What to do to one request: the fault's name and parameters.
struct Fault {
    std::string name;                        // one of fault_names()
    unsigned status = 0;                     // status, redirect
    std::optional<std::string> retry_after;  // status: the Retry-After value
    std::optional<std::string> body;         // status: the body, as sent
    std::string location;                    // redirect
    std::uint64_t bytes = 0;                 // oversize_body, compression_bomb (decoded)
    std::string encoding;                    // bogus_encoding (any), compression_bomb (gzip|deflate)
    std::chrono::milliseconds ms{0};         // delay; trickle's interval
};

class Faults {
public:
    // Installs the rule in `body`; gives its id, or the 400 to answer.
    std::variant<std::uint64_t, Response> install(std::string_view body);
    // Removes every rule; returns how many there were.
    std::size_t clear();
    // {"rules": [{"id", "method", "path", "nth", "count", "fault", params..., "matched", "hits"}]}
    std::string list_json() const;

    // The fault for this request, if a rule applies. Thread-safe; costs one
    // atomic load while no rule is installed.
    std::optional<Fault> match(std::string_view method, std::string_view path);

private:
    struct Rule {
        std::uint64_t id;
        std::string method;  // "" = any
        std::string path;
        bool prefix;
        std::uint64_t nth, count;
        Fault fault;
        std::string params_json;  // the parameters as given, for list_json
        std::uint64_t matched = 0, hits = 0;
    };
    mutable std::mutex mutex_;
    std::vector<Rule> rules_;
    std::atomic<bool> any_{false};
    std::uint64_t last_id_ = 0;
};

// The response a fault gives: either one of its own, or the normal one (from
// `route`, which then runs the handler) changed on the wire or delayed.
Response apply_fault(const Fault& fault, const std::function<Response()>& route);

}  // namespace emu
