// Exports: waiting for one to finish (the calls themselves are rows of the
// catalog).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "avala/call.hpp"
#include "avala/client.hpp"
#include "avala/object.hpp"

namespace avala::exports {

struct WaitOptions {
  std::chrono::milliseconds interval{2000};
  std::chrono::milliseconds timeout{300000};
};

inline constexpr std::chrono::milliseconds kMinInterval{500};

// The contract's rules: negative values are refused (Error(invalid_argument)),
// nullopt means the default, an interval below 0.5 s is raised to 0.5 s.
WaitOptions make_wait_options(std::optional<std::chrono::milliseconds> interval,
                              std::optional<std::chrono::milliseconds> timeout);

bool is_terminal(std::string_view status) noexcept;

// Called after each poll with the export and the seconds since the wait
// began; returning false stops the wait with Error(cancelled).
using Progress = std::function<bool(const Object& export_, double elapsed_s)>;

// Polls GET /exports/{uid}/ until the status is terminal and returns that
// export ("failed" is a result, not an error). Throws Error(timeout) naming
// the last status when `timeout` passes first. Sleeps never overshoot the
// deadline.
Object wait(const Client& client, std::string_view uid, const WaitOptions& options,
            const Progress& progress = {});

// wait() without blocking: polls and sleeps on the engine; `done` (and
// `progress`) run there (Client::send_async), once with the terminal export
// or the error.
void wait_async(const Client& client, std::string_view uid, const WaitOptions& options, Progress progress,
                Done<Object> done);

}  // namespace avala::exports
