// Generated values shared by the seed, the generator and the mutable
// resources: ISO 8601 times and stable, random-looking uids.
#pragma once

#include <cstdint>
#include <string>

namespace emu {

// 2024-01-01T00:00:00Z as unix seconds: seeded timestamps are offsets from it.
constexpr std::int64_t kEpoch2024 = 1704067200;

// "YYYY-MM-DDTHH:MM:SSZ" plus the terminating NUL; years 0..9999 only.
using TimeBuf = char[21];
// Hand-rolled rather than snprintf: the generator calls it millions of times.
void format_time(std::int64_t unix_seconds, TimeBuf& out);
std::string time_string(std::int64_t unix_seconds);
// The wall clock, as the API prints it.
std::string now_string();
std::int64_t unix_now();

// A version-4-shaped UUID that is a pure function of (n, salt): demo data and
// created objects get believable ids that are the same on every run.
std::string stable_uid(std::uint64_t n, std::uint64_t salt = 0);

}  // namespace emu
