// Command-line parsing for `avala`, driven by tables: global options, and
// resources each with their commands and options. Adding a resource or a
// command is adding table entries (see commands.cpp); nothing here changes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace avala_cli {

// Bad command line: exit status 2, with a hint to --help.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string_view name;     // long name without "--", e.g. "limit"
    char short_name;           // e.g. 'o'; 0 when none
    std::string_view metavar;  // value placeholder, e.g. "N"; empty for a flag
    std::string_view help;
};

class Context;
struct Invocation;

struct CommandSpec {
    std::string_view name;       // "list"
    std::string_view summary;    // one line, for the command list
    std::string_view description;  // a paragraph for `--help` (may be empty)
    std::span<const std::string_view> arguments;  // positional names, all required: {"UID"}
    std::span<const OptionSpec> options;
    int (*run)(Context&);        // returns the exit status
    // The values the first argument takes, when it is one of a few
    // (`completion SHELL`): checked by the parser, offered by completion.
    std::span<const std::string_view> choices = {};
};

struct ResourceSpec {
    std::string_view name;       // "projects"
    std::string_view summary;
    std::span<const CommandSpec> commands;
};

struct CliSpec {
    std::span<const OptionSpec> global_options;
    std::span<const CommandSpec> commands;  // top-level: `avala status`, `avala configure`
    std::span<const ResourceSpec> resources;
};

// The options given on the command line, in order. get() gives the last of a
// repeated option; all() every value (for options such as --event E...).
// Flags have the value "".
class OptionValues {
public:
    void add(std::string_view name, std::string value) { values_.emplace_back(name, std::move(value)); }
    bool has(std::string_view name) const { return find(name) != nullptr; }
    std::optional<std::string> get(std::string_view name) const;
    std::vector<std::string> all(std::string_view name) const;

private:
    const std::string* find(std::string_view name) const;
    std::vector<std::pair<std::string_view, std::string>> values_;
};

struct Invocation {
    // Kept apart because a command may have an option named like a global one
    // (`exports wait --timeout` is the wait's, `--timeout` before the command
    // is the per-request deadline): after the command's name, its own options
    // win.
    OptionValues global_options;
    OptionValues options;  // the command's
    const ResourceSpec* resource = nullptr;  // null for a top-level command
    const CommandSpec* command = nullptr;
    std::vector<std::string> arguments;  // the command's positional arguments
    bool help = false;     // --help, -h or `avala help ...`: show help for what was named
    bool version = false;  // --version
    bool man = false;      // `avala help --man`: the manual page
};

// "projects list", or "status" for a top-level command.
std::string command_path(const Invocation& inv);

// Parses argv[1..]. Global options may appear anywhere; a command's options
// after the command's name, where they win over a global option of the same
// name. "--" ends options. Throws UsageError.
Invocation parse_command_line(std::span<const std::string_view> args, const CliSpec& spec);

// Help for whatever the invocation names: the tool, a resource or a command.
std::string help_text(const Invocation& inv, const CliSpec& spec);

// The manual page, avala(1), in roff: the same tables as the help.
std::string man_page(const CliSpec& spec);

// `avala completion SHELL`: a completion script generated from the tables.
// shell is "bash", "zsh" or "fish".
std::string completion_script(const CliSpec& spec, std::string_view shell);

// Strict number parsing for option values; UsageError names the option.
std::int32_t parse_positive_int(std::string_view text, std::string_view option);
double parse_positive_seconds(std::string_view text, std::string_view option);
double parse_number(std::string_view text, std::string_view option);  // any finite number

}  // namespace avala_cli
