#include "stats.hpp"

#include <boost/json.hpp>

namespace emu {

void PathCounts::count(std::string_view method, std::string_view path) {
    std::string key;
    key.reserve(method.size() + 1 + path.size());
    key.append(method).append(" ").append(path);
    std::lock_guard lock(mutex_);
    auto it = counts_.find(key);
    if (it == counts_.end())
        it = counts_.emplace(counts_.size() < kMaxPaths ? std::move(key) : "(other)", 0).first;
    ++it->second;
}

std::string PathCounts::json() const {
    boost::json::object o;
    std::lock_guard lock(mutex_);
    for (const auto& [key, n] : counts_) o[key] = n;
    return boost::json::serialize(o);
}

void PathCounts::clear() {
    std::lock_guard lock(mutex_);
    counts_.clear();
}

}  // namespace emu
