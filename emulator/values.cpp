#include "values.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>

namespace emu {

void format_time(std::int64_t unix_seconds, TimeBuf& out) {
    using namespace std::chrono;
    sys_seconds tp{seconds{unix_seconds}};
    auto day = floor<days>(tp);
    year_month_day ymd{day};
    hh_mm_ss hms{tp - day};
    auto put = [&out](int at, unsigned v, int width) {
        for (int k = width - 1; k >= 0; --k, v /= 10) out[at + k] = char('0' + v % 10);
    };
    std::memcpy(out, "0000-00-00T00:00:00Z", 21);
    put(0, unsigned(int(ymd.year())), 4);
    put(5, unsigned(ymd.month()), 2);
    put(8, unsigned(ymd.day()), 2);
    put(11, unsigned(hms.hours().count()), 2);
    put(14, unsigned(hms.minutes().count()), 2);
    put(17, unsigned(hms.seconds().count()), 2);
}

std::string time_string(std::int64_t unix_seconds) {
    TimeBuf buf;
    format_time(unix_seconds, buf);
    return buf;
}

std::int64_t unix_now() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string now_string() { return time_string(unix_now()); }

std::string stable_uid(std::uint64_t n, std::uint64_t salt) {
    auto mix = [](std::uint64_t z) {  // splitmix64
        z += 0x9E3779B97F4A7C15ull;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    std::uint64_t a = mix(n * 2 + 1 + salt), b = mix(n * 2 + 2 + salt);
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", unsigned(a >> 32),
                  unsigned((a >> 16) & 0xFFFF), unsigned(a & 0xFFF),
                  unsigned(0x8000 | ((b >> 48) & 0x3FFF)),
                  static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
    return buf;
}

}  // namespace emu
