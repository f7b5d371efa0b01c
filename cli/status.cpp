// `avala status`: the official CLI's overview — every project counted by
// status, every export by status, and the exports still in flight.
#include <map>
#include <string>

#include "abi.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "json_text.hpp"
#include "output.hpp"

namespace avala_cli {
namespace {

using Counts = std::map<std::string, long long>;

// The object's top-level "status", or "none" when absent, null or not a string.
std::string status_of(std::string_view json) {
    if (auto members = json_object_members(json))
        for (const auto& m : *members)
            if (m.key == "status")
                if (auto s = json_decode_string(m.raw); s && !s->empty()) return *s;
    return "none";
}

long long total(const Counts& counts) {
    long long n = 0;
    for (const auto& [_, c] : counts) n += c;
    return n;
}

std::string json_counts(const Counts& counts) {
    std::string out = "{";
    for (const auto& [status, n] : counts)
        out += (out.size() > 1 ? ", " : "") + json_quote(status) + ": " + std::to_string(n);
    return out + "}";
}

void table_counts(std::string& out, const Counts& counts) {
    std::size_t width = 0;
    for (const auto& [status, _] : counts) width = std::max(width, display_width(printable(status)));
    for (const auto& [status, n] : counts) {
        std::string shown = printable(status);
        out += "  " + shown + std::string(width - display_width(shown) + 2, ' ') + std::to_string(n) + "\n";
    }
}

}  // namespace

int run_status(Context& ctx) {
    avala_client* client = ctx.client().get();
    abi::ListArgs args;
    args.limit = 100;

    Counts projects;
    projects_all(client, args, [&](std::string_view json) { ++projects[status_of(json)]; });
    Counts exports;
    abi::list_all<abi::unscoped<avala_export_list>>(client, args,
                                                     [&](std::string_view json) { ++exports[status_of(json)]; });
    // What the official clients count as in flight.
    long long in_flight = 0;
    for (const char* s : {"pending", "processing"})
        if (auto it = exports.find(s); it != exports.end()) in_flight += it->second;

    std::string out;
    if (ctx.json_output()) {
        const char* sep = ctx.format() == Format::jsonl ? "" : "\n  ";
        const char* end = ctx.format() == Format::jsonl ? "" : "\n";
        out = std::string("{") + sep + "\"projects\": {\"total\": " + std::to_string(total(projects)) +
              ", \"by_status\": " + json_counts(projects) + "}," + (*sep ? sep : " ") +
              "\"exports\": {\"total\": " + std::to_string(total(exports)) +
              ", \"in_flight\": " + std::to_string(in_flight) + ", \"by_status\": " + json_counts(exports) + "}" +
              end + "}\n";
    } else {
        out = "Projects: " + std::to_string(total(projects)) + "\n";
        table_counts(out, projects);
        out += "Exports: " + std::to_string(total(exports)) + " (" + std::to_string(in_flight) + " in flight)\n";
        table_counts(out, exports);
    }
    ctx.out().write(out);
    return kExitOk;
}

}  // namespace avala_cli
