// Ctrl-C: one cancel handle for the whole run, fired by the SIGINT handler,
// so that the call in flight (a request, a backoff, an export wait) stops at
// once and the tool exits 130. The handler resets itself (SA_RESETHAND): a
// second Ctrl-C ends the process the default way. A SIGINT that was ignored
// (a background job) stays ignored.
#pragma once

#include <avala.hpp>

namespace avala_cli {

// The run's cancel handle; the first call installs the SIGINT handler.
avala::Cancel& interrupt_cancel();

// Whether Ctrl-C was pressed.
bool interrupted() noexcept;

}  // namespace avala_cli
