// `avala exports wait UID`: avala_export_wait with a progress callback that
// shows the status on stderr. Ctrl-C fires the run's cancel handle
// (interrupt.hpp), which stops the wait at once, mid-poll or mid-sleep.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "resources.hpp"

namespace avala_cli {
namespace {

struct Progress {
    std::string uid;  // printable
    bool terminal = false;
    bool line_open = false;  // terminal: a progress line without its newline yet
    bool seen = false;
    std::string last_status;
    std::exception_ptr error;  // thrown inside the callback, rethrown after the wait
};

// Runs on this thread after each poll. Nothing may be thrown through the C
// library: an exception is kept and the wait stopped.
int on_progress(const avala_object* export_, double elapsed_s, void* payload) {
    auto& p = *static_cast<Progress*>(payload);
    if (interrupted()) return 0;  // anything but AVALA_CONTINUE stops the wait
    try {
        const char* s = avala_object_string(export_, "status");
        std::string status = s ? printable(s) : std::string("-");
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f", elapsed_s);
        std::string line = "export " + p.uid + ": " + status + " (" + seconds + " s)";
        if (p.terminal) {
            // One line, rewritten in place: carriage return, clear to the end of the line.
            std::fputs(("\r\x1b[K" + line).c_str(), stderr);
            p.line_open = true;
        } else if (!p.seen || status != p.last_status) {
            std::fputs((line + "\n").c_str(), stderr);
        }
        std::fflush(stderr);
        p.seen = true;
        p.last_status = std::move(status);
        return AVALA_CONTINUE;
    } catch (...) {
        p.error = std::current_exception();
        return 0;
    }
}

std::int64_t milliseconds(double seconds) { return static_cast<std::int64_t>(std::ceil(seconds * 1000.0)); }

}  // namespace

int run_export_wait(Context& ctx, const ObjectView& view) {
    avala_wait_options opts = AVALA_WAIT_OPTIONS_INIT;
    if (auto i = ctx.option("interval")) opts.interval_ms = milliseconds(parse_positive_seconds(*i, "interval"));
    if (auto t = ctx.option("timeout")) opts.timeout_ms = milliseconds(parse_positive_seconds(*t, "timeout"));
    const std::string& uid = ctx.argument(0);
    avala_client* client = ctx.client().get();

    Progress progress;
    progress.uid = printable(uid);
    progress.terminal = isatty(STDERR_FILENO) == 1;
    avala_object* out = nullptr;
    avala_error* err = nullptr;
    int rc;
    rc = avala_export_wait(&out, client, uid.c_str(), &opts, on_progress, &progress, &err);
    if (progress.line_open) std::fputs("\n", stderr);
    if (rc == AVALA_E_CANCELLED && (progress.error || interrupted())) {
        avala_error_free(err);
        if (progress.error) std::rethrow_exception(progress.error);
        throw CommandFailed(kExitInterrupted,
                            "interrupted: stopped waiting for export " + progress.uid +
                                (progress.seen ? " (last status: " + progress.last_status + ")" : ""));
    }
    naming_not_found("export", uid, nullptr, [&] { abi::check(rc, err); });  // a timeout names the last status
    abi::Object owned(out);
    print_object(ctx, view, abi::json_of(owned.get()));

    const char* status = avala_object_string(owned.get(), "status");
    if (status && std::string_view(status) == "failed") {
        std::string message = "export " + progress.uid + " failed";
        for (const char* field : {"error_message", "error", "detail"})
            if (const char* why = avala_object_string(owned.get(), field)) {
                message += ": " + printable(why);
                break;
            }
        throw CommandFailed(kExitExportFailed, message);
    }
    return kExitOk;
}

}  // namespace avala_cli
