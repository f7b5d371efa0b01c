// The resources and commands of `avala`, and what a command runs with.
#pragma once

#include <avala.hpp>

#include <optional>
#include <string>
#include <vector>

#include "abi.hpp"
#include "args.hpp"
#include "output.hpp"

namespace avala_cli {

// table: for people; json: what the API returned, one document; jsonl: one
// compact JSON object per line, each written as soon as it arrives.
enum class Format { table, json, jsonl };

// What a command runs with: its parsed command line, stdout, the output
// format, and a client created on first use (so --help needs no key).
class Context {
public:
    // Validates the global options; throws UsageError.
    Context(const Invocation& inv, Output& out);

    const Invocation& invocation() const { return inv_; }
    Output& out() { return out_; }
    Format format() const { return format_; }
    bool json_output() const { return format_ != Format::table; }
    // The client, made on first use from the flags, the environment and the
    // profile (see config.hpp). Throws CommandFailed without a key.
    avala::Client& client();
    // The same settings with the key and base URL given (configure).
    avala::Client make_client(const std::string& api_key, const std::optional<std::string>& base_url) const;

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

// Every project, item by item, as JSON (`projects list --all`, `status`).
void projects_all(avala_client* client, const abi::ListArgs& args, const abi::ItemSink& each);

// The top-level commands (status.cpp, configure.cpp).
int run_status(Context& ctx);
int run_configure(Context& ctx);

}  // namespace avala_cli
