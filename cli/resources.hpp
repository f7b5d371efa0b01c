// Resources as data. A resource is described by how its objects are shown
// (an ObjectView) and by descriptors of its calls (ListCommand, GetCommand,
// WriteCommand, DeleteCommand); one generic run function per descriptor kind
// does the rest: options, the call, table or JSON output, hints, errors.
// commands.cpp holds the rows.
#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "abi.hpp"
#include "args.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace avala_cli {

class Context;

// ---- how objects are shown ---------------------------------------------------

struct Column {
    std::string_view title;
    std::string_view field;    // top-level JSON member
    std::size_t max_width = 0;  // 0: no limit
};

struct ObjectView {
    std::string_view noun;                     // "task", for messages
    std::span<const Column> columns;           // list tables
    std::span<const std::string_view> first;   // `get` shows these first, in order, then the rest
    std::span<const std::string_view> secrets = {};  // "[redacted]" in every output unless --show-secret
};

// Objects written as they come: a table of the view's columns, with -o json
// a JSON array, with -o jsonl one object per line (flushed at once). The
// table's widths come from the first `sample_rows` rows. With `with_cursor`
// (json or jsonl only) finish() writes the page's cursor too: -o json wraps
// the array as {"items": [...], "next_cursor": C, "has_more": B}, -o jsonl
// adds the line {"next_cursor": C, "has_more": B}.
class ObjectList {
public:
    ObjectList(Context& ctx, const ObjectView& view,
               std::size_t sample_rows = std::numeric_limits<std::size_t>::max(), bool with_cursor = false);
    void add(std::string_view json);
    void finish(const abi::PageInfo& info = {});

private:
    const ObjectView& view_;
    Output& out_;
    Format format_;
    bool show_secrets_;
    bool with_cursor_;
    bool first_ = true;
    std::optional<Table> table_;
    std::optional<JsonArrayWriter> array_;
};

// Runs f(); a 404 from it becomes "NOUN 'UID' not found" (exit 4), with
// " in project 'P'" when a scope is given.
[[noreturn]] void throw_not_found(std::string_view noun, std::string_view uid, const char* project = nullptr);
template <class F>
decltype(auto) naming_not_found(std::string_view noun, std::string_view uid, const char* project, F&& f) {
    try {
        return f();
    } catch (const avala::Error& e) {
        if (e.code() != AVALA_E_NOT_FOUND) throw;
        throw_not_found(noun, uid, project);
    }
}

// One object: "key: value" lines (the view's first fields, then every other
// field the server sent), or with -o json the object.
void print_object(Context& ctx, const ObjectView& view, std::string_view json);

// ---- what commands do --------------------------------------------------------

// Where a scoped call's parent uid comes from.
enum class Parent {
    none,
    project_option,  // a required --project P (quality targets)
    argument,        // the command's UID argument (agents executions UID)
};

// A list filter: --OPTION VALUE becomes the query parameter `name`.
struct Filter {
    std::string_view option;
    std::string_view name;
};

// list: one page (and a next-cursor hint on stderr) or, with --all, every
// page, streamed.
struct ListCommand {
    abi::ListSource source;
    const ObjectView& view;
    Parent parent = Parent::none;
    std::span<const Filter> filters = {};
    std::string_view parent_noun = "project";  // for "agent 'x' not found"
};

// get UID (and calls like it: agents test UID).
struct GetCommand {
    abi::ObjectCall call;
    const ObjectView& view;
    Parent parent = Parent::none;
    std::string_view noun = {};  // what the UID names, when not the view's noun (agents test UID)
};

// A field of a create/update call, set by one option. A boolean is two
// fields with the same key (--active sets true, --inactive false); giving
// both is a usage error.
enum class FieldKind { text, texts /* repeatable: a list */, number, set_true, set_false };

struct Field {
    std::string_view key;  // JSON member
    FieldKind kind;
    OptionSpec option;
    bool required = false;  // on create
};

// The options of a create/update command: one per field, then `extra`.
template <std::size_t N, std::size_t M>
consteval std::array<OptionSpec, N + M> field_options(const Field (&fields)[N], const OptionSpec (&extra)[M]) {
    std::array<OptionSpec, N + M> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = fields[i].option;
    for (std::size_t i = 0; i < M; ++i) out[N + i] = extra[i];
    return out;
}

// create (no argument) or update UID: the JSON body holds exactly the
// fields whose options were given. Exactly one of create and update is set.
struct WriteCommand {
    abi::CreateFn create;
    abi::UpdateFn update;
    std::span<const Field> fields;
    const ObjectView& view;
    Parent parent = Parent::none;
};

// delete UID: prints "deleted NOUN UID" (nothing with -o json).
struct DeleteCommand {
    abi::DeleteFn call;
    std::string_view noun;
    Parent parent = Parent::none;
};

int run_list(Context& ctx, const ListCommand& cmd);
int run_get(Context& ctx, const GetCommand& cmd);
int run_write(Context& ctx, const WriteCommand& cmd);
int run_delete(Context& ctx, const DeleteCommand& cmd);

// Command-table entries: list_command<kTaskList> is an `int (*)(Context&)`.
template <const ListCommand& C>
int list_command(Context& ctx) {
    return run_list(ctx, C);
}
template <const GetCommand& C>
int get_command(Context& ctx) {
    return run_get(ctx, C);
}
template <const WriteCommand& C>
int write_command(Context& ctx) {
    return run_write(ctx, C);
}
template <const DeleteCommand& C>
int delete_command(Context& ctx) {
    return run_delete(ctx, C);
}

// exports wait UID (wait.cpp): polls until the export is terminal, showing
// progress on stderr, and prints the export.
int run_export_wait(Context& ctx, const ObjectView& view);

}  // namespace avala_cli
