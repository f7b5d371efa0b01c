#include "args.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

namespace avala_cli {

const std::string* OptionValues::find(std::string_view name) const {
    for (auto it = values_.rbegin(); it != values_.rend(); ++it)
        if (it->first == name) return &it->second;
    return nullptr;
}

std::vector<std::string> OptionValues::all(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : values_)
        if (n == name) out.push_back(v);
    return out;
}

std::optional<std::string> OptionValues::get(std::string_view name) const {
    if (const std::string* v = find(name)) return *v;
    return std::nullopt;
}

namespace {

const OptionSpec* find_long(std::span<const OptionSpec> options, std::string_view name) {
    for (const auto& o : options)
        if (o.name == name) return &o;
    return nullptr;
}

const OptionSpec* find_short(std::span<const OptionSpec> options, char c) {
    for (const auto& o : options)
        if (o.short_name != 0 && o.short_name == c) return &o;
    return nullptr;
}

bool is_in(std::span<const OptionSpec> options, const OptionSpec* o) {
    for (const auto& x : options)
        if (&x == o) return true;
    return false;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string display_name(const OptionSpec& o) { return "--" + std::string(o.name); }

std::string names_of(std::span<const CommandSpec> commands) {
    std::string out;
    for (const auto& c : commands) out += (out.empty() ? "" : ", ") + std::string(c.name);
    return out;
}

std::string names_of(std::span<const std::string_view> words) {
    std::string out;
    for (auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
    return out;
}

}  // namespace

std::string command_path(const Invocation& inv) {
    std::string out = inv.resource ? std::string(inv.resource->name) + " " : std::string();
    return inv.command ? out + std::string(inv.command->name) : out;
}

Invocation parse_command_line(std::span<const std::string_view> args, const CliSpec& spec) {
    Invocation inv;
    bool options_ended = false;
    bool help_command = false;  // `avala help [RESOURCE [COMMAND]]`
    bool saw_positional = false;

    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];

        if (!options_ended && arg == "--") {
            options_ended = true;
            continue;
        }

        if (!options_ended && help_command && arg == "--man") {
            inv.man = true;
            continue;
        }

        if (!options_ended && arg.size() > 1 && arg[0] == '-') {
            const OptionSpec* opt = nullptr;
            std::optional<std::string_view> inline_value;
            std::span<const OptionSpec> command_options;
            if (inv.command) command_options = inv.command->options;

            if (arg.starts_with("--")) {
                std::string_view name = arg.substr(2);
                if (auto eq = name.find('='); eq != std::string_view::npos) {
                    inline_value = name.substr(eq + 1);
                    name = name.substr(0, eq);
                }
                opt = find_long(command_options, name);
                if (!opt) opt = find_long(spec.global_options, name);
            } else {
                opt = find_short(command_options, arg[1]);
                if (!opt) opt = find_short(spec.global_options, arg[1]);
                if (opt && arg.size() > 2) inline_value = arg.substr(2);  // -ojson
            }
            if (!opt) {
                std::string where = inv.command ? " for '" + command_path(inv) + "'" : "";
                throw UsageError("unknown option " + quoted(arg) + where);
            }

            OptionValues& values = is_in(command_options, opt) ? inv.options : inv.global_options;
            if (opt->metavar.empty()) {
                if (inline_value) throw UsageError("option " + display_name(*opt) + " takes no value");
                values.add(opt->name, "");
            } else if (inline_value) {
                values.add(opt->name, std::string(*inline_value));
            } else {
                if (i + 1 >= args.size())
                    throw UsageError("option " + display_name(*opt) + " needs a value (" +
                                     std::string(opt->metavar) + ")");
                values.add(opt->name, std::string(args[++i]));
            }
            continue;
        }

        // A positional word: [help] RESOURCE COMMAND ARGS...
        if (!saw_positional && !help_command && arg == "help") {
            help_command = true;
            saw_positional = true;
            continue;
        }
        saw_positional = true;
        if (!inv.resource && !inv.command) {
            for (const auto& c : spec.commands)
                if (c.name == arg) inv.command = &c;
            for (const auto& r : spec.resources)
                if (r.name == arg) inv.resource = &r;
            if (!inv.resource && !inv.command) throw UsageError("unknown command " + quoted(arg));
        } else if (!inv.command) {
            for (const auto& c : inv.resource->commands)
                if (c.name == arg) inv.command = &c;
            if (!inv.command)
                throw UsageError("unknown command " + quoted(std::string(inv.resource->name) + " " +
                                                          std::string(arg)) +
                                 " (expected one of: " + names_of(inv.resource->commands) + ")");
        } else if (help_command) {
            throw UsageError("unexpected argument " + quoted(arg));
        } else {
            inv.arguments.emplace_back(arg);
        }
    }

    inv.help = help_command || inv.global_options.has("help");
    inv.version = inv.global_options.has("version");

    if (inv.man && (inv.resource || inv.command)) throw UsageError("'avala help --man' takes no command");
    if (inv.help || inv.version) return inv;

    if (!inv.resource && !inv.command) throw UsageError("missing command");
    if (!inv.command)
        throw UsageError("missing command after " + quoted(inv.resource->name) +
                         " (expected one of: " + names_of(inv.resource->commands) + ")");
    const auto& wanted = inv.command->arguments;
    if (inv.arguments.size() < wanted.size())
        throw UsageError("missing argument " + std::string(wanted[inv.arguments.size()]) + " for '" +
                         command_path(inv) + "'" +
                         (inv.command->choices.empty() ? "" : " (one of: " + names_of(inv.command->choices) + ")"));
    if (inv.arguments.size() > wanted.size())
        throw UsageError("unexpected argument " + quoted(inv.arguments[wanted.size()]));
    if (const auto& choices = inv.command->choices; !choices.empty()) {
        bool known = false;
        for (auto c : choices) known = known || c == inv.arguments[0];
        if (!known)
            throw UsageError("unknown " + std::string(wanted[0]) + " " + quoted(inv.arguments[0]) + " for '" +
                             command_path(inv) + "' (expected one of: " + names_of(choices) + ")");
    }
    return inv;
}

std::int32_t parse_positive_int(std::string_view text, std::string_view option) {
    std::int32_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v <= 0)
        throw UsageError("option --" + std::string(option) + " needs a positive integer, got " + quoted(text));
    return v;
}

double parse_positive_seconds(std::string_view text, std::string_view option) {
    constexpr double kMax = 1e6;  // about 11 days; keeps milliseconds far from overflow
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v) ||
        v <= 0 || v > kMax)
        throw UsageError("option --" + std::string(option) + " needs a positive number of seconds, got " +
                         quoted(text));
    return v;
}

double parse_number(std::string_view text, std::string_view option) {
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v))
        throw UsageError("option --" + std::string(option) + " needs a number, got " + quoted(text));
    return v;
}

}  // namespace avala_cli
