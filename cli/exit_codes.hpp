// Exit statuses of `avala`: one per thing a script would branch on.
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace avala_cli {

enum ExitStatus : int {
    kExitOk = 0,
    kExitFailure = 1,   // anything unexpected
    kExitUsage = 2,     // bad command line or argument
    kExitAuth = 3,      // HTTP 401
    kExitNotFound = 4,  // HTTP 404
    kExitApi = 5,       // any other error the API answered with
    kExitNetwork = 6,   // no usable answer: connect, timeout, TLS
    kExitConfig = 7,    // missing key, insecure or malformed base URL
    kExitExportFailed = 8,   // `exports wait`: the export ended as "failed"
    kExitInterrupted = 130,  // Ctrl-C (128 + SIGINT, as shells report it)
};

// A command that ends with a status and a message of its own (printed on
// stderr like any error), after its normal output.
struct CommandFailed : std::runtime_error {
    CommandFailed(int s, const std::string& message) : std::runtime_error(message), status(s) {}
    int status;
};

struct ExitStatusDoc {
    int status;
    std::string_view meaning;
};

// For `avala --help`; kept next to the mapping so the two cannot drift.
std::span<const ExitStatusDoc> exit_status_docs();

// The exit status for a libavala status code (AVALA_E_*).
int exit_status_for(int avala_code);

}  // namespace avala_cli
