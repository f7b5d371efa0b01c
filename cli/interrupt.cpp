#include "interrupt.hpp"

#include <signal.h>

namespace avala_cli {
namespace {

volatile sig_atomic_t g_interrupted = 0;
avala_cancel* g_cancel = nullptr;

extern "C" void on_sigint(int) {
    g_interrupted = 1;
    avala_cancel_fire(g_cancel);  // async-signal-safe
}

}  // namespace

avala::Cancel& interrupt_cancel() {
    static avala::Cancel cancel = [] {
        avala::Cancel c;
        g_cancel = c.get();
        struct sigaction current {};
        if (sigaction(SIGINT, nullptr, &current) == 0 && current.sa_handler != SIG_IGN) {
            struct sigaction sa {};
            sa.sa_handler = on_sigint;
            sigemptyset(&sa.sa_mask);
            sa.sa_flags = SA_RESETHAND;
            sigaction(SIGINT, &sa, nullptr);
        }
        return c;
    }();
    return cancel;
}

bool interrupted() noexcept { return g_interrupted != 0; }

}  // namespace avala_cli
