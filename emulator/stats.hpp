// Requests received per "METHOD /path" (query left out), so tests can assert
// how many attempts reached the server: GET /__emulator/stats shows them as
// "paths": {"GET /api/v1/agents/": 3}.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace emu {

class PathCounts {
public:
    void count(std::string_view method, std::string_view path);
    // {"GET /api/v1/agents/": 3, ...}
    std::string json() const;
    void clear();

private:
    // Past this many distinct paths (a benchmark walking a million uids), new
    // ones are counted together under "(other)" so memory stays bounded.
    static constexpr std::size_t kMaxPaths = 10'000;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::uint64_t> counts_;
};

}  // namespace emu
