#include "exit_codes.hpp"

#include <avala.h>

namespace avala_cli {

std::span<const ExitStatusDoc> exit_status_docs() {
    static constexpr ExitStatusDoc kDocs[] = {
        {kExitOk, "success"},
        {kExitFailure, "unexpected failure (out of memory, cannot write output, a bug)"},
        {kExitUsage, "usage error: unknown command or option, missing or invalid argument"},
        {kExitAuth, "authentication failed (HTTP 401): check the API key"},
        {kExitNotFound, "not found (HTTP 404)"},
        {kExitApi, "other API error: forbidden, validation, rate limited, server error,\n"
                   "     redirect refused, unexpected response"},
        {kExitNetwork, "network error: cannot connect, timeout, TLS, the proxy refused"},
        {kExitConfig, "configuration error: no API key, unreadable key file, bad or open config\n"
                      "     file, unknown profile, insecure or malformed base URL"},
        {kExitExportFailed, "exports wait: the export finished with status \"failed\""},
        {kExitInterrupted, "interrupted (Ctrl-C)"},
    };
    return kDocs;
}

int exit_status_for(int avala_code) {
    switch (avala_code) {
        case AVALA_OK:
            return kExitOk;
        case AVALA_E_INVALID_ARGUMENT:
            return kExitUsage;
        case AVALA_E_CONFIG:
            return kExitConfig;
        case AVALA_E_AUTHENTICATION:
            return kExitAuth;
        case AVALA_E_NOT_FOUND:
            return kExitNotFound;
        case AVALA_E_FORBIDDEN:
        case AVALA_E_VALIDATION:
        case AVALA_E_RATE_LIMITED:
        case AVALA_E_SERVER:
        case AVALA_E_API:
        case AVALA_E_REDIRECT:
        case AVALA_E_DECODE:
        case AVALA_E_CROSS_ORIGIN:
            return kExitApi;
        case AVALA_E_TIMEOUT:
        case AVALA_E_NETWORK:
        case AVALA_E_TLS:
        case AVALA_E_PROXY:
            return kExitNetwork;
        case AVALA_E_CANCELLED:
            return kExitInterrupted;
        default:  // AVALA_E_NO_MEMORY, AVALA_E_INTERNAL, codes newer than this tool
            return kExitFailure;
    }
}

}  // namespace avala_cli
