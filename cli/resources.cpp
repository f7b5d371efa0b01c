#include "resources.hpp"

#include <charconv>
#include <cstdio>
#include <vector>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "json_text.hpp"

namespace avala_cli {
namespace {

std::string command_name(const Context& ctx) { return command_path(ctx.invocation()); }

// The JSON as shown: the view's secrets redacted unless asked for.
std::string shown_json(std::string_view json, const ObjectView& view, bool show_secrets) {
    if (show_secrets || view.secrets.empty()) return std::string(json);
    if (auto redacted = json_redact_members(json, view.secrets)) return *redacted;
    return std::string(json);  // not an object: nothing to redact
}

std::string cell(const std::vector<JsonMember>& members, std::string_view field) {
    for (const auto& m : members)
        if (m.key == field) return json_display_value(m.raw);
    return "-";
}

// The parent uid the command names (kept alive by the caller), or NULL.
const char* parent_of(Context& ctx, Parent parent, std::optional<std::string>& keep) {
    switch (parent) {
        case Parent::none:
            return nullptr;
        case Parent::argument:
            return ctx.argument(0).c_str();
        case Parent::project_option:
            keep = ctx.option("project");
            if (!keep) throw UsageError("missing option --project for '" + command_name(ctx) + "'");
            return keep->c_str();
    }
    return nullptr;
}

void print_next_cursor_hint(const abi::PageInfo& info) {
    if (!info.has_more || !info.next_cursor) return;
    std::string c = printable(*info.next_cursor);
    std::fprintf(stderr, "next cursor: %s (use --cursor %s)\n", c.c_str(), c.c_str());
}

std::string json_number(double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip; finite, so valid JSON
    return ec == std::errc{} ? std::string(buf, end) : std::string("0");
}

// The JSON object of the fields given on the command line.
std::string fields_json(Context& ctx, std::span<const Field> fields, bool creating) {
    std::string body;
    std::vector<const Field*> given;  // to refuse --active with --inactive
    for (const Field& f : fields) {
        std::string_view option = f.option.name;
        if (!ctx.flag(option)) {
            if (creating && f.required)
                throw UsageError("missing option --" + std::string(option) + " for '" + command_name(ctx) + "'");
            continue;
        }
        for (const Field* g : given)
            if (g->key == f.key)
                throw UsageError("options --" + std::string(g->option.name) + " and --" + std::string(option) +
                                 " cannot be used together");
        given.push_back(&f);

        std::string value;
        switch (f.kind) {
            case FieldKind::text:
                value = json_quote(*ctx.option(option));
                break;
            case FieldKind::texts:
                for (const std::string& v : ctx.options(option)) value += (value.empty() ? "[" : ",") + json_quote(v);
                value += "]";
                break;
            case FieldKind::number:
                value = json_number(parse_number(*ctx.option(option), option));
                break;
            case FieldKind::set_true:
                value = "true";
                break;
            case FieldKind::set_false:
                value = "false";
                break;
        }
        body += (body.empty() ? "{" : ",") + json_quote(f.key) + ":" + value;
    }
    return body.empty() ? std::string() : body + "}";
}

}  // namespace

// ---- output ------------------------------------------------------------------

ObjectList::ObjectList(Context& ctx, const ObjectView& view, std::size_t sample_rows, bool with_cursor)
    : view_(view),
      out_(ctx.out()),
      format_(ctx.format()),
      show_secrets_(ctx.flag("show-secret")),
      with_cursor_(with_cursor) {
    if (format_ == Format::json && !with_cursor_) {
        array_.emplace(out_);
    } else if (format_ == Format::table) {
        std::vector<Table::Column> columns;
        for (const Column& c : view.columns) columns.push_back({c.title, c.max_width});
        table_.emplace(out_, std::move(columns), sample_rows);
    }
}

void ObjectList::add(std::string_view json) {
    if (array_) {
        array_->add(shown_json(json, view_, show_secrets_));
        return;
    }
    if (format_ == Format::jsonl) {
        out_.write(json_compact(shown_json(json, view_, show_secrets_)) + "\n");
        out_.flush();  // streamed: a reader sees each object as it arrives
        return;
    }
    if (format_ == Format::json) {  // with the cursor: {"items": [...], ...}
        out_.write(first_ ? "{\"items\": [\n" : ",\n");
        out_.write(shown_json(json, view_, show_secrets_));
        first_ = false;
        return;
    }
    // Columns never include secrets, but a view's column list is data: redact anyway.
    std::string shown = shown_json(json, view_, show_secrets_);
    auto members = json_object_members(shown);
    std::vector<std::string> cells;
    for (const Column& c : view_.columns) cells.push_back(members ? cell(*members, c.field) : "-");
    table_->add(std::move(cells));
}

void ObjectList::finish(const abi::PageInfo& info) {
    if (array_) array_->finish();
    if (table_) table_->finish();
    if (!with_cursor_) return;
    std::string cursor = info.has_more && info.next_cursor ? json_quote(*info.next_cursor) : "null";
    std::string tail = "\"next_cursor\": " + cursor + ", \"has_more\": " + (info.has_more ? "true" : "false") + "}\n";
    if (format_ == Format::json) out_.write((first_ ? "{\"items\": [], " : "\n], ") + tail);
    if (format_ == Format::jsonl) out_.write("{" + tail);
}

void throw_not_found(std::string_view noun, std::string_view uid, const char* project) {
    std::string message = std::string(noun) + " '" + printable(uid) + "' not found";
    if (project) message += " in project '" + printable(project) + "'";
    throw CommandFailed(kExitNotFound, message);
}

void print_object(Context& ctx, const ObjectView& view, std::string_view json) {
    Output& out = ctx.out();
    std::string shown = shown_json(json, view, ctx.flag("show-secret"));
    if (ctx.json_output()) {
        out.write(ctx.format() == Format::jsonl ? json_compact(shown) : shown);
        out.write("\n");
        return;
    }
    auto members = json_object_members(shown);
    if (!members) {  // not expected: the library validated it; show it as is
        out.write(printable(shown));
        out.write("\n");
        return;
    }
    std::string text;
    for (std::string_view key : view.first) text += std::string(key) + ": " + cell(*members, key) + "\n";
    for (const auto& m : *members) {
        bool shown_first = false;
        for (std::string_view key : view.first) shown_first = shown_first || m.key == key;
        if (!shown_first) text += printable(m.key) + ": " + json_display_value(m.raw) + "\n";
    }
    out.write(text);
}

// ---- the generic commands --------------------------------------------------

int run_list(Context& ctx, const ListCommand& cmd) {
    abi::ListArgs args;
    if (auto l = ctx.option("limit")) args.limit = parse_positive_int(*l, "limit");
    args.cursor = ctx.option("cursor");
    for (const Filter& f : cmd.filters)
        if (auto v = ctx.option(f.option)) {
            args.filters.emplace_back(std::string(f.name), std::move(*v));
        }
    const bool with_cursor = ctx.flag("with-cursor");
    if (with_cursor && !ctx.json_output())
        throw UsageError("option --with-cursor needs -o json or -o jsonl (tables print the cursor on stderr)");
    std::optional<std::string> keep;
    args.parent = parent_of(ctx, cmd.parent, keep);
    avala_client* client = ctx.client().get();
    // A 404 of a scoped list is its parent's: "project 'p' not found".
    auto listing = [&](auto&& f) {
        if (!args.parent) return f();
        return naming_not_found(cmd.parent_noun, args.parent, nullptr, f);
    };

    if (ctx.flag("all") && cmd.source.all) {
        // Streamed: one page in memory, items written as they arrive.
        ObjectList list(ctx, cmd.view, args.limit > 0 ? static_cast<std::size_t>(args.limit) : 100, with_cursor);
        listing([&] { cmd.source.all(client, args, [&](std::string_view json) { list.add(json); }); });
        list.finish();
        return kExitOk;
    }
    ObjectList list(ctx, cmd.view, std::numeric_limits<std::size_t>::max(), with_cursor);
    abi::PageInfo info =
        listing([&] { return cmd.source.page(client, args, [&](std::string_view json) { list.add(json); }); });
    list.finish(info);
    ctx.out().flush();  // the listing first, then the hint
    if (!with_cursor) print_next_cursor_hint(info);
    return kExitOk;
}

int run_get(Context& ctx, const GetCommand& cmd) {
    std::optional<std::string> keep;
    const char* parent = parent_of(ctx, cmd.parent, keep);
    const std::string& uid = ctx.argument(0);
    avala_client* client = ctx.client().get();
    std::string json = naming_not_found(cmd.noun.empty() ? cmd.view.noun : cmd.noun, uid, parent,
                                        [&] { return cmd.call(client, parent, uid.c_str()); });
    print_object(ctx, cmd.view, json);
    return kExitOk;
}

int run_write(Context& ctx, const WriteCommand& cmd) {
    std::optional<std::string> keep;
    const char* parent = parent_of(ctx, cmd.parent, keep);
    bool creating = cmd.create != nullptr;
    std::string body = fields_json(ctx, cmd.fields, creating);
    if (body.empty()) {
        if (!creating) throw UsageError("nothing to change: give at least one option for '" + command_name(ctx) + "'");
        body = "{}";
    }
    avala_object* out = nullptr;
    avala_error* err = nullptr;
    avala_client* client = ctx.client().get();
    if (creating && parent)  // a 404 here is the project's
        naming_not_found("project", parent, nullptr,
                         [&] { abi::check(cmd.create(&out, client, parent, body.c_str(), &err), err); });
    else if (creating)
        abi::check(cmd.create(&out, client, parent, body.c_str(), &err), err);
    else
        naming_not_found(cmd.view.noun, ctx.argument(0), parent, [&] {
            abi::check(cmd.update(&out, client, parent, ctx.argument(0).c_str(), body.c_str(), &err), err);
        });
    abi::Object owned(out);
    print_object(ctx, cmd.view, abi::json_of(owned.get()));
    return kExitOk;
}

int run_delete(Context& ctx, const DeleteCommand& cmd) {
    std::optional<std::string> keep;
    const char* parent = parent_of(ctx, cmd.parent, keep);
    const std::string& uid = ctx.argument(0);
    avala_error* err = nullptr;
    avala_client* client = ctx.client().get();
    naming_not_found(cmd.noun, uid, parent, [&] { abi::check(cmd.call(client, parent, uid.c_str(), &err), err); });
    if (ctx.format() == Format::table) ctx.out().write("deleted " + std::string(cmd.noun) + " " + printable(uid) + "\n");
    return kExitOk;
}

}  // namespace avala_cli
