// avala — the Avala command-line tool. Written against the C ABI only (through
// the header-only avala.hpp), which is the proof that the ABI is enough.
#include <avala.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "output.hpp"

namespace {

using namespace avala_cli;

void report(std::string_view message) {
    std::fflush(stdout);  // what was printed before the error comes first; errors ignored
    std::fprintf(stderr, "avala: error: %s\n", printable(message).c_str());
}

int run(int argc, char** argv) {
    Output out(stdout);
    try {
        const std::vector<std::string_view> args(argv + 1, argv + argc);
        const CliSpec& spec = cli_spec();
        const Invocation inv = parse_command_line(args, spec);
        if (inv.help) {
            out.write(help_text(inv, spec));
        } else if (inv.version) {
            out.write("avala " + std::string(avala::version()) + "\n");
        } else {
            Context ctx(inv, out);
            int status = inv.command->run(ctx);
            out.flush();
            return status;
        }
        out.flush();
        return kExitOk;
    } catch (const BrokenPipe&) {
        return kExitOk;  // the reader has all it wanted (`avala ... | head`)
    } catch (const UsageError& e) {
        report(e.what());
        std::fputs("Try 'avala --help' for more information.\n", stderr);
        return kExitUsage;
    } catch (const CommandFailed& e) {
        report(e.what());
        return e.status;
    } catch (const avala::Error& e) {
        if (e.code() == AVALA_E_CANCELLED && interrupted()) {
            report("interrupted");
            return kExitInterrupted;
        }
        std::string message = e.what();
        if (auto retry = e.retry_after()) message += " (retry after " + std::to_string(*retry) + " s)";
        report(message);
        return exit_status_for(e.code());
    } catch (const std::bad_alloc&) {
        report("out of memory");
        return kExitFailure;
    } catch (const std::exception& e) {
        report(e.what());
        return kExitFailure;
    }
}

}  // namespace

int main(int argc, char** argv) {
    // Write errors come back as EPIPE instead of killing us; Output turns
    // EPIPE into a quiet exit.
    std::signal(SIGPIPE, SIG_IGN);
    return run(argc, argv);
}
