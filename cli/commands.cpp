// The command table. A new resource is a ResourceSpec row with its commands;
// a resource the C ABI does not wrap yet can be reached through
// avala::Client::request (avala_request) in its run function.
#include "commands.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "exit_codes.hpp"
#include "json_lite.hpp"

namespace avala_cli {

Context::Context(const Invocation& inv, Output& out) : inv_(inv), out_(out) {
    if (auto f = inv.options.get("output")) {
        if (*f == "table") format_ = Format::table;
        else if (*f == "json") format_ = Format::json;
        else throw UsageError("option --output must be 'table' or 'json', got '" + *f + "'");
    }
    if (auto t = inv.options.get("timeout")) {
        double seconds = parse_positive_seconds(*t, "timeout");
        client_options_.timeout = std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000.0)));
    }
    // Unset: the library reads AVALA_API_KEY / AVALA_BASE_URL itself.
    client_options_.api_key = inv.options.get("api-key");
    client_options_.base_url = inv.options.get("base-url");
    client_options_.user_agent_suffix = "avala-cli/" + std::string(avala::version());
}

avala::Client& Context::client() {
    if (!client_) client_.emplace(client_options_);
    return *client_;
}

namespace {

// ---- projects -------------------------------------------------------------

std::vector<Table::Column> project_columns() {
    return {{"UID", 0}, {"NAME", 40}, {"STATUS", 0}, {"UPDATED", 0}};
}

std::vector<std::string> project_row(const avala::ProjectView& p) {
    auto or_dash = [](std::optional<std::string_view> s) { return s ? printable(*s) : std::string("-"); };
    return {printable(p.uid()), printable(p.name()), or_dash(p.status()), or_dash(p.updated_at())};
}

int projects_list(Context& ctx) {
    std::int32_t limit = 0;
    if (auto l = ctx.option("limit")) limit = parse_positive_int(*l, "limit");
    std::optional<std::string> cursor = ctx.option("cursor");
    Output& out = ctx.out();

    if (ctx.flag("all")) {
        // Streamed: one page in memory, items written as they arrive.
        avala::ProjectRange range = ctx.client().projects(limit, cursor);
        if (ctx.format() == Format::json) {
            JsonArrayWriter json(out);
            for (avala::Project& p : range) json.add(p.json());
            json.finish();
        } else {
            Table table(out, project_columns(), limit > 0 ? static_cast<std::size_t>(limit) : 100);
            for (avala::Project& p : range) table.add(project_row(p));
            table.finish();
        }
        return kExitOk;
    }

    avala::ProjectPage page = ctx.client().projects_page(limit, cursor);
    if (ctx.format() == Format::json) {
        JsonArrayWriter json(out);
        for (avala::ProjectView p : page) json.add(p.json());
        json.finish();
    } else {
        Table table(out, project_columns());
        for (avala::ProjectView p : page) table.add(project_row(p));
        table.finish();
    }
    out.flush();  // the listing first, then the hint
    if (page.has_more())
        if (auto next = page.next_cursor()) {
            std::string c = printable(*next);
            std::fprintf(stderr, "next cursor: %s (use --cursor %s)\n", c.c_str(), c.c_str());
        }
    return kExitOk;
}

int projects_get(Context& ctx) {
    avala::Project p = ctx.client().project(ctx.argument(0));
    Output& out = ctx.out();
    if (ctx.format() == Format::json) {
        out.write(p.json());
        out.write("\n");
        return kExitOk;
    }

    auto members = json_object_members(p.json());
    if (!members) {  // not expected: the library validated it; show it as is
        out.write(printable(p.json()));
        out.write("\n");
        return kExitOk;
    }
    static constexpr std::string_view kFirst[] = {"uid", "name", "status", "created_at", "updated_at"};
    std::string text;
    for (std::string_view key : kFirst) {
        std::string value = "-";
        for (const auto& m : *members)
            if (m.key == key) value = json_display_value(m.raw);
        text += std::string(key) + ": " + value + "\n";
    }
    for (const auto& m : *members) {
        bool shown = false;
        for (std::string_view key : kFirst) shown = shown || m.key == key;
        if (!shown) text += printable(m.key) + ": " + json_display_value(m.raw) + "\n";
    }
    out.write(text);
    return kExitOk;
}

// ---- the tables ------------------------------------------------------------

constexpr OptionSpec kGlobalOptions[] = {
    {"api-key", 0, "KEY", "API key (default: $AVALA_API_KEY)"},
    {"base-url", 0, "URL", "API base URL (default: $AVALA_BASE_URL, else https://api.avala.ai/api/v1)"},
    {"timeout", 0, "SECONDS", "deadline for each request (default: 30)"},
    {"output", 'o', "FORMAT", "table (default) or json"},
    {"help", 'h', "", "show help for avala or a command"},
    {"version", 0, "", "print the library version"},
};

constexpr OptionSpec kListOptions[] = {
    {"limit", 0, "N", "page size (default: the server's)"},
    {"cursor", 0, "CURSOR", "start at this page (a cursor printed by an earlier call)"},
    {"all", 0, "", "follow every page, printing projects as they arrive"},
};

constexpr std::string_view kUid[] = {"UID"};

constexpr CommandSpec kProjectCommands[] = {
    {"list", "List your projects",
     "Prints one page; when there are more, the next page's cursor is printed on\n"
     "stderr. With --all, follows every page. -o json prints one JSON array of the\n"
     "project objects exactly as the API returned them.",
     {}, kListOptions, projects_list},
    {"get", "Show one project",
     "Prints the project's fields as \"key: value\" lines, or with -o json the\n"
     "object exactly as the API returned it.",
     kUid, {}, projects_get},
};

constexpr ResourceSpec kResources[] = {
    {"projects", "Projects you can access", kProjectCommands},
};

}  // namespace

const CliSpec& cli_spec() {
    static const CliSpec spec{kGlobalOptions, kResources};
    return spec;
}

}  // namespace avala_cli
