// The resources and commands of `avala`, and what a command runs with.
#pragma once

#include <avala.hpp>

#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "output.hpp"

namespace avala_cli {

enum class Format { table, json };

// What a command runs with: its parsed command line, stdout, the output
// format, and a client created on first use (so --help needs no key).
class Context {
public:
    // Validates the global options; throws UsageError.
    Context(const Invocation& inv, Output& out);

    const Invocation& invocation() const { return inv_; }
    Output& out() { return out_; }
    Format format() const { return format_; }
    avala::Client& client();

    // The command's options (global ones are read by the constructor).
    std::optional<std::string> option(std::string_view name) const { return inv_.options.get(name); }
    std::vector<std::string> options(std::string_view name) const { return inv_.options.all(name); }
    bool flag(std::string_view name) const { return inv_.options.has(name); }
    const std::string& argument(std::size_t i) const { return inv_.arguments.at(i); }

private:
    const Invocation& inv_;
    Output& out_;
    Format format_ = Format::table;
    avala::ClientOptions client_options_;
    std::optional<avala::Client> client_;
};

// Global options, resources and their commands: the whole command line.
const CliSpec& cli_spec();

}  // namespace avala_cli
