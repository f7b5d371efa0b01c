// Help text, rendered from the same tables the parser uses.
#include <avala.h>

#include <algorithm>

#include "args.hpp"
#include "exit_codes.hpp"

namespace avala_cli {
namespace {

std::string option_label(const OptionSpec& o) {
    std::string s = o.short_name ? std::string("-") + o.short_name + ", " : std::string("    ");
    s += "--" + std::string(o.name);
    if (!o.metavar.empty()) s += " " + std::string(o.metavar);
    return s;
}

void append_options(std::string& out, std::span<const OptionSpec> options) {
    std::size_t width = 0;
    for (const auto& o : options) width = std::max(width, option_label(o).size());
    for (const auto& o : options) {
        std::string label = option_label(o);
        out += "  " + label + std::string(width - label.size() + 2, ' ') + std::string(o.help) + "\n";
    }
}

// "Usage: avala [OPTIONS] RESOURCE COMMAND ARGS [--opt X]...", wrapped
// before 80 columns with the options aligned under the first one.
std::string command_usage(const ResourceSpec& r, const CommandSpec& c) {
    std::string line = "Usage: avala [OPTIONS] " + std::string(r.name) + " " + std::string(c.name);
    for (auto a : c.arguments) line += " " + std::string(a);
    const std::size_t indent = std::min<std::size_t>(line.size() + 1, 40);
    std::string out;
    for (const auto& o : c.options) {
        std::string word = "[--" + std::string(o.name);
        if (!o.metavar.empty()) word += " " + std::string(o.metavar);
        word += "]";
        if (line.size() + 1 + word.size() > 79 && line.size() >= indent) {
            out += line + "\n";
            line = std::string(indent - 1, ' ');
        }
        line += " " + word;
    }
    return out + line;
}

void append_commands(std::string& out, std::span<const ResourceSpec> resources) {
    std::size_t width = 0;
    for (const auto& r : resources)
        for (const auto& c : r.commands) {
            std::string name = std::string(r.name) + " " + std::string(c.name);
            for (auto a : c.arguments) name += " " + std::string(a);
            width = std::max(width, name.size());
        }
    for (const auto& r : resources)
        for (const auto& c : r.commands) {
            std::string name = std::string(r.name) + " " + std::string(c.name);
            for (auto a : c.arguments) name += " " + std::string(a);
            out += "  " + name + std::string(width - name.size() + 2, ' ') + std::string(c.summary) + "\n";
        }
}

std::string tool_help(const CliSpec& spec) {
    std::string out;
    out += "Usage: avala [OPTIONS] COMMAND [ARGS...]\n";
    out += "       avala help [COMMAND]   |   avala COMMAND --help\n\n";
    out += "The Avala command-line tool (libavala " + std::string(avala_version()) + ").\n\n";
    out += "Commands:\n";
    append_commands(out, spec.resources);
    out += "\nGlobal options (before or after the command):\n";
    append_options(out, spec.global_options);
    out += "\nEnvironment:\n"
           "  AVALA_API_KEY                   API key, when --api-key is not given\n"
           "  AVALA_BASE_URL                  base URL, when --base-url is not given\n"
           "  AVALA_ALLOW_INSECURE_BASE_URL   set to 1 to allow http:// on localhost\n"
           "                                  (for avala-emulator)\n";
    out += "\nExit status:\n";
    for (const auto& d : exit_status_docs()) out += "  " + std::to_string(d.status) + "  " + std::string(d.meaning) + "\n";
    out += "\nErrors are printed on stderr as \"avala: error: MESSAGE\"; secrets are redacted.\n";
    return out;
}

std::string resource_help(const ResourceSpec& r, const CliSpec& spec) {
    std::string out = "Usage: avala [OPTIONS] " + std::string(r.name) + " COMMAND [ARGS...]\n\n";
    out += std::string(r.summary) + ".\n\nCommands:\n";
    append_commands(out, std::span<const ResourceSpec>(&r, 1));
    out += "\nGlobal options:\n";
    append_options(out, spec.global_options);
    out += "\nRun 'avala " + std::string(r.name) + " COMMAND --help' for a command's options.\n";
    return out;
}

std::string command_help(const ResourceSpec& r, const CommandSpec& c, const CliSpec& spec) {
    std::string out = command_usage(r, c) + "\n\n";
    out += std::string(c.summary) + ".\n";
    if (!c.description.empty()) out += "\n" + std::string(c.description) + "\n";
    if (!c.options.empty()) {
        out += "\nOptions:\n";
        append_options(out, c.options);
    }
    out += "\nGlobal options:\n";
    append_options(out, spec.global_options);
    out += "\nExit status: see 'avala --help'.\n";
    return out;
}

}  // namespace

std::string help_text(const Invocation& inv, const CliSpec& spec) {
    if (inv.resource && inv.command) return command_help(*inv.resource, *inv.command, spec);
    if (inv.resource) return resource_help(*inv.resource, spec);
    return tool_help(spec);
}

}  // namespace avala_cli
