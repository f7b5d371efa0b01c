#include "faults.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

#include "responses.hpp"
#include "validation.hpp"

namespace emu {
namespace json = boost::json;

namespace {

// Every fault: its name, whether the normal handler still runs (its response
// is then sent broken or late), and what the server does on the wire.
struct Kind {
    std::string_view name;
    bool runs_handler;
    Wire wire;
};

constexpr Kind kKinds[] = {
    {"reset_before_headers", false, Wire::reset_before_headers},
    {"reset_after_headers", true, Wire::reset_after_headers},
    {"truncated_body", true, Wire::truncated_body},
    {"wrong_content_length", true, Wire::long_content_length},
    {"short_content_length", true, Wire::short_content_length},
    {"bad_chunked", true, Wire::bad_chunked},
    {"malformed_json", false, Wire::normal},
    {"invalid_utf8", false, Wire::normal},
    {"oversize_body", false, Wire::oversize_body},
    {"delay", true, Wire::normal},
    {"status", false, Wire::normal},
    {"redirect", false, Wire::normal},
    {"silent", false, Wire::silent},
    {"trickle", true, Wire::trickle},
    {"stall_mid_body", true, Wire::stall_mid_body},
    {"bogus_encoding", true, Wire::normal},
    {"compression_bomb", false, Wire::compression_bomb},
};

const Kind* find_kind(std::string_view name) {
    for (const auto& k : kKinds)
        if (k.name == name) return &k;
    return nullptr;
}

// Reads the unsigned integer field `name` (absent: `fallback`, or an error
// when `required`), checking min..max.
std::uint64_t read_uint(const json::object& o, std::string_view name, std::uint64_t fallback,
                        std::uint64_t min, std::uint64_t max, bool required, json::object& errors) {
    const json::value* v = o.if_contains(name);
    if (!v) {
        if (required) errors[name] = json::array{"This field is required."};
        return fallback;
    }
    if (!v->is_int64() && !v->is_uint64()) {
        errors[name] = json::array{"A valid integer is required."};
        return fallback;
    }
    bool negative = v->is_int64() && v->get_int64() < 0;
    std::uint64_t n = negative ? 0 : v->to_number<std::uint64_t>();
    if (negative || n < min || n > max) {
        errors[name] =
            json::array{json::string("Ensure this value is between " + std::to_string(min) +
                                     " and " + std::to_string(max) + ".")};
        return fallback;
    }
    return n;
}

// A string field; numbers are accepted and printed (retry_after: 1 or "1").
std::optional<std::string> read_text(const json::object& o, std::string_view name, bool required,
                                     json::object& errors) {
    const json::value* v = o.if_contains(name);
    if (!v) {
        if (required) errors[name] = json::array{"This field is required."};
        return std::nullopt;
    }
    if (v->is_string()) return std::string(v->get_string());
    if (v->is_number()) return json::serialize(*v);
    errors[name] = json::array{"Not a valid string."};
    return std::nullopt;
}

}  // namespace

std::variant<std::uint64_t, Response> Faults::install(std::string_view body) {
    auto parsed = parse_object_body(body);
    if (auto* err = std::get_if<Response>(&parsed)) return std::move(*err);
    const json::object& o = std::get<json::object>(parsed);
    json::object errors;

    Rule rule{};
    auto name = read_text(o, "fault", true, errors);
    const Kind* kind = name ? find_kind(*name) : nullptr;
    if (name && !kind)
        errors["fault"] = json::array{json::string("\"" + *name + "\" is not a valid choice.")};
    auto path = read_text(o, "path", true, errors);
    if (path && !path->starts_with('/')) errors["path"] = json::array{"Must start with \"/\"."};
    if (auto method = read_text(o, "method", false, errors)) {
        rule.method = *method;
        std::transform(rule.method.begin(), rule.method.end(), rule.method.begin(),
                       [](unsigned char c) { return char(std::toupper(c)); });
    }
    rule.nth = read_uint(o, "nth", 1, 1, UINT64_MAX, false, errors);
    rule.count = read_uint(o, "count", 1, 0, UINT64_MAX, false, errors);

    // The parameters each fault takes.
    Fault& f = rule.fault;
    std::string_view kn = kind ? kind->name : "";
    if (kn == "status") {
        f.status = unsigned(read_uint(o, "status", 0, 100, 599, true, errors));
        f.retry_after = read_text(o, "retry_after", false, errors);
        if (const json::value* b = o.if_contains("body"))
            f.body = b->is_string() ? std::string(b->get_string()) : json::serialize(*b);
    } else if (kn == "redirect") {
        f.status = unsigned(read_uint(o, "status", 302, 300, 399, false, errors));
        f.location = read_text(o, "location", true, errors).value_or("");
    } else if (kn == "oversize_body") {
        f.bytes = read_uint(o, "bytes", 0, 64, std::uint64_t(1) << 40, true, errors);
    } else if (kn == "compression_bomb") {
        f.bytes = read_uint(o, "bytes", 0, 64, std::uint64_t(1) << 40, true, errors);
        f.encoding = read_text(o, "encoding", false, errors).value_or("gzip");
        if (f.encoding != "gzip" && f.encoding != "deflate")
            errors["encoding"] = json::array{"Must be \"gzip\" or \"deflate\"."};
    } else if (kn == "bogus_encoding") {
        f.encoding = read_text(o, "encoding", false, errors).value_or("br");
        if (f.encoding.empty() || f.encoding.find_first_of("\r\n") != std::string::npos)
            errors["encoding"] = json::array{"Must be a non-empty header value."};
    } else if (kn == "delay") {
        f.ms = std::chrono::milliseconds(read_uint(o, "ms", 0, 0, 600'000, true, errors));
    } else if (kn == "trickle") {
        f.ms =
            std::chrono::milliseconds(read_uint(o, "interval_ms", 1000, 1, 60'000, false, errors));
    }
    if (!errors.empty()) {
        Response r;
        r.status = 400;
        r.body = json::serialize(errors);
        return r;
    }
    f.name = kind->name;
    rule.path = *path;
    rule.prefix = rule.path.ends_with('*');
    if (rule.prefix) rule.path.pop_back();
    rule.params_json = json::serialize(o);

    std::lock_guard lock(mutex_);
    rule.id = ++last_id_;
    rules_.push_back(std::move(rule));
    any_ = true;
    return rules_.back().id;
}

std::size_t Faults::clear() {
    std::lock_guard lock(mutex_);
    std::size_t n = rules_.size();
    rules_.clear();
    any_ = false;
    return n;
}

std::string Faults::list_json() const {
    std::lock_guard lock(mutex_);
    json::array rules;
    for (const auto& r : rules_) {
        json::object o = json::parse(r.params_json).as_object();  // as installed, plus:
        o["id"] = r.id;
        o["nth"] = r.nth;
        o["count"] = r.count;
        o["matched"] = r.matched;
        o["hits"] = r.hits;
        rules.push_back(std::move(o));
    }
    return json::serialize(json::object{{"rules", std::move(rules)}});
}

std::optional<Fault> Faults::match(std::string_view method, std::string_view path) {
    if (!any_.load(std::memory_order_relaxed)) return std::nullopt;
    std::lock_guard lock(mutex_);
    const Fault* chosen = nullptr;
    for (auto& r : rules_) {
        if (!r.method.empty() && r.method != method) continue;
        if (r.prefix ? !path.starts_with(r.path) : path != r.path) continue;
        std::uint64_t n = ++r.matched;
        bool applies = n >= r.nth && (r.count == 0 || n - r.nth < r.count);
        if (applies && !chosen) {
            ++r.hits;
            chosen = &r.fault;
        }
    }
    if (!chosen) return std::nullopt;
    return *chosen;
}

Response apply_fault(const Fault& f, const std::function<Response()>& route) {
    const Kind& kind = *find_kind(f.name);
    Response r = kind.runs_handler ? route() : Response{};
    r.wire = kind.wire;
    if (f.name == "malformed_json") {
        r.body = "{\"results\": [";
    } else if (f.name == "invalid_utf8") {
        // 0xFF 0xFE never occur in UTF-8; 0xC3 0x28 is a lead byte without its continuation.
        r.body =
            "{\"results\":[{\"uid\":\"bad-\xff\xfe\",\"name\":\"\xc3\x28\"}],"
            "\"next\":null,\"previous\":null}";
    } else if (f.name == "oversize_body") {
        r.wire_bytes = f.bytes;
    } else if (f.name == "compression_bomb") {
        r.wire_bytes = f.bytes;
        r.wire_coding = f.encoding == "deflate" ? Coding::deflate : Coding::gzip;
    } else if (f.name == "bogus_encoding") {
        r.headers.emplace_back("Content-Encoding", f.encoding);  // the body stays as it was
    } else if (f.name == "delay") {
        r.delay += f.ms;
    } else if (f.name == "trickle") {
        r.wire_interval = f.ms;
    } else if (f.name == "status") {
        r.status = f.status;
        r.body = f.body.value_or("{\"detail\":\"Injected fault: HTTP " + std::to_string(f.status) +
                                 ".\"}");
        if (f.retry_after) r.headers.emplace_back("Retry-After", *f.retry_after);
    } else if (f.name == "redirect") {
        r.status = f.status;
        r.body = "{\"detail\":\"Found.\"}";
        r.headers.emplace_back("Location", f.location);
    }
    return r;
}

}  // namespace emu
