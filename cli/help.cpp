// Help text, rendered from the same tables the parser uses.
#include <avala.h>

#include <algorithm>
#include <utility>
#include <vector>

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

// "avala projects get UID" (r may be null: a top-level command).
std::string command_words(const ResourceSpec* r, const CommandSpec& c) {
    std::string name = r ? std::string(r->name) + " " + std::string(c.name) : std::string(c.name);
    for (auto a : c.arguments) name += " " + std::string(a);
    return name;
}

// "Usage: avala [OPTIONS] RESOURCE COMMAND ARGS [--opt X]...", wrapped
// before 80 columns with the options aligned under the first one.
std::string command_usage(const ResourceSpec* r, const CommandSpec& c) {
    std::string line = "Usage: avala [OPTIONS] " + command_words(r, c);
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

// Every command as (resource or null, command): the top-level ones first.
std::vector<std::pair<const ResourceSpec*, const CommandSpec*>> every_command(const CliSpec& spec,
                                                                              const ResourceSpec* only = nullptr) {
    std::vector<std::pair<const ResourceSpec*, const CommandSpec*>> out;
    if (!only)
        for (const auto& c : spec.commands) out.emplace_back(nullptr, &c);
    for (const auto& r : spec.resources)
        if (!only || only == &r)
            for (const auto& c : r.commands) out.emplace_back(&r, &c);
    return out;
}

void append_commands(std::string& out, const CliSpec& spec, const ResourceSpec* only = nullptr) {
    auto commands = every_command(spec, only);
    std::size_t width = 0;
    for (auto [r, c] : commands) width = std::max(width, command_words(r, *c).size());
    for (auto [r, c] : commands) {
        std::string name = command_words(r, *c);
        out += "  " + name + std::string(width - name.size() + 2, ' ') + std::string(c->summary) + "\n";
    }
}

struct NamedDoc {
    std::string_view name;
    std::string_view meaning;
};

constexpr NamedDoc kEnvironment[] = {
    {"AVALA_API_KEY", "API key, when no --api-key or --api-key-file is given"},
    {"AVALA_BASE_URL", "base URL, when --base-url is not given"},
    {"AVALA_PROFILE", "the profile of the config file, when --profile is not given"},
    {"AVALA_ALLOW_INSECURE_BASE_URL", "set to 1 to allow http:// on localhost (for avala-emulator)"},
    {"AVALA_CLIENT_KEY_PASSWORD", "the passphrase of an encrypted --client-key"},
    {"HTTPS_PROXY", "the proxy when no --proxy is given (also https_proxy, all_proxy, ALL_PROXY; http_proxy for http)"},
    {"NO_PROXY", "hosts to reach directly: names (with subdomains), IPs, CIDR ranges, * (also no_proxy)"},
    {"SSL_CERT_FILE", "OpenSSL's trust store when no --ca-file or --ca-dir is given (also SSL_CERT_DIR)"},
    {"XDG_CONFIG_HOME", "where the config file lives (default: ~/.config)"},
};

constexpr std::string_view kFilesHelp =
    "$XDG_CONFIG_HOME/avala/config.toml (default ~/.config/avala/config.toml):\n"
    "profiles, each a table [profiles.NAME] with api_key and base_url; written by\n"
    "'avala configure' with mode 0600. A file holding a key is refused when group\n"
    "or others have any access to it. Each setting comes from, in order: its flag,\n"
    "its environment variable, the profile, the default. The profile is --profile,\n"
    "else $AVALA_PROFILE, else \"default\".";

std::string tool_help(const CliSpec& spec) {
    std::string out;
    out += "Usage: avala [OPTIONS] COMMAND [ARGS...]\n";
    out += "       avala help [COMMAND]   |   avala COMMAND --help\n\n";
    out += "The Avala command-line tool (libavala " + std::string(avala_version()) + ").\n\n";
    out += "Commands:\n";
    append_commands(out, spec);
    out += "\nGlobal options (before or after the command):\n";
    append_options(out, spec.global_options);
    out += "\nEnvironment:\n";
    for (const auto& e : kEnvironment)
        out += "  " + std::string(e.name) + std::string(e.name.size() < 32 ? 32 - e.name.size() : 1, ' ') + std::string(e.meaning) + "\n";
    out += "\nConfiguration file:\n";
    for (std::size_t start = 0; start < kFilesHelp.size();) {
        std::size_t end = kFilesHelp.find('\n', start);
        if (end == std::string_view::npos) end = kFilesHelp.size();
        out += "  " + std::string(kFilesHelp.substr(start, end - start)) + "\n";
        start = end + 1;
    }
    out += "\nExit status:\n";
    for (const auto& d : exit_status_docs()) out += "  " + std::to_string(d.status) + "  " + std::string(d.meaning) + "\n";
    out += "\nErrors are printed on stderr as \"avala: error: MESSAGE\"; secrets are redacted.\n"
           "'avala help --man' prints this as a manual page; 'avala completion SHELL' a\n"
           "completion script.\n";
    return out;
}

std::string resource_help(const ResourceSpec& r, const CliSpec& spec) {
    std::string out = "Usage: avala [OPTIONS] " + std::string(r.name) + " COMMAND [ARGS...]\n\n";
    out += std::string(r.summary) + ".\n\nCommands:\n";
    append_commands(out, spec, &r);
    out += "\nGlobal options:\n";
    append_options(out, spec.global_options);
    out += "\nRun 'avala " + std::string(r.name) + " COMMAND --help' for a command's options.\n";
    return out;
}

std::string command_help(const ResourceSpec* r, const CommandSpec& c, const CliSpec& spec) {
    std::string out = command_usage(r, c) + "\n\n";
    out += std::string(c.summary) + ".\n";
    if (!c.description.empty()) out += "\n" + std::string(c.description) + "\n";
    if (!c.choices.empty()) {
        out += "\n" + std::string(c.arguments[0]) + " is one of:";
        for (auto v : c.choices) out += " " + std::string(v);
        out += ".\n";
    }
    if (!c.options.empty()) {
        out += "\nOptions:\n";
        append_options(out, c.options);
    }
    out += "\nGlobal options:\n";
    append_options(out, spec.global_options);
    out += "\nExit status: see 'avala --help'.\n";
    return out;
}

// Text for roff: backslashes escaped, '-' as \- (a real minus, so options
// can be searched and copied), a line starting with '.' or '\'' kept literal.
std::string roff(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
        line_start = c == '\n';
    }
    return out;
}

// A help paragraph: filled, except lines indented by two spaces (examples),
// which are kept as they are.
std::string roff_paragraph(std::string_view text) {
    std::string out;
    bool literal = false;
    for (std::size_t start = 0; start <= text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        bool indented = line.starts_with("  ");
        if (indented != literal) out += indented ? ".nf\n" : ".fi\n";
        literal = indented;
        out += roff(line) + "\n";
        start = end + 1;
    }
    return literal ? out + ".fi\n" : out;
}

std::string roff_option(const OptionSpec& o) {
    std::string s = ".TP\n.B ";
    if (o.short_name) s += "\\-" + std::string(1, o.short_name) + ", ";
    s += roff("--" + std::string(o.name));
    if (!o.metavar.empty()) s += " \\fI" + roff(o.metavar) + "\\fR";
    return s + "\n" + roff(o.help) + "\n";
}

}  // namespace

std::string man_page(const CliSpec& spec) {
    std::string out;
    out += ".\\\" Generated by 'avala help --man' from the command table; do not edit.\n";
    out += ".TH AVALA 1 \"\" \"libavala " + std::string(avala_version()) + "\" \"User Commands\"\n";
    out += ".SH NAME\navala \\- the Avala command-line tool\n";
    out += ".SH SYNOPSIS\n.B avala\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n.br\n"
           ".B avala help\n[\\fICOMMAND\\fR] | \\fB\\-\\-man\\fR\n";
    out += ".SH DESCRIPTION\n" +
           roff("avala lists and changes Avala projects, tasks, exports, agents, quality targets and datasets "
                "through libavala. Global options may be given before or after the command; after the command's "
                "name, an option of the command wins over a global option of the same name.") +
           "\n";
    out += ".SH COMMANDS\n";
    for (auto [r, c] : every_command(spec)) {
        out += ".SS \"" + roff(command_words(r, *c)) + "\"\n" + roff(c->summary) + ".\n";
        if (!c->description.empty()) out += ".PP\n" + roff_paragraph(c->description);
        if (!c->choices.empty()) {
            out += ".PP\n" + roff(c->arguments[0]) + " is one of:";
            for (auto v : c->choices) out += " " + roff(v);
            out += ".\n";
        }
        for (const auto& o : c->options) out += roff_option(o);
    }
    out += ".SH GLOBAL OPTIONS\n";
    for (const auto& o : spec.global_options) out += roff_option(o);
    out += ".SH ENVIRONMENT\n";
    for (const auto& e : kEnvironment) out += ".TP\n.B " + roff(e.name) + "\n" + roff(e.meaning) + "\n";
    out += ".SH FILES\n.TP\n.I ~/.config/avala/config.toml\n" + roff_paragraph(kFilesHelp);
    out += ".SH EXIT STATUS\n";
    for (const auto& d : exit_status_docs()) {
        std::string meaning(d.meaning);
        for (auto& ch : meaning)
            if (ch == '\n') ch = ' ';
        std::string squeezed;
        for (char ch : meaning)
            if (!(ch == ' ' && !squeezed.empty() && squeezed.back() == ' ')) squeezed += ch;
        out += ".TP\n.B " + std::to_string(d.status) + "\n" + roff(squeezed) + "\n";
    }
    out += ".SH SEE ALSO\n" + roff("avala-emulator(1); the README of libavala.") + "\n";
    return out;
}

std::string help_text(const Invocation& inv, const CliSpec& spec) {
    if (inv.man) return man_page(spec);
    if (inv.command) return command_help(inv.resource, *inv.command, spec);
    if (inv.resource) return resource_help(*inv.resource, spec);
    return tool_help(spec);
}

}  // namespace avala_cli
