#include "collection.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <stdexcept>

namespace emu {

std::size_t Selection::size() const {
    if (auto* n = std::get_if<std::size_t>(&v_)) return *n;
    if (auto* s = std::get_if<std::span<const std::uint32_t>>(&v_)) return s->size();
    return std::get<std::vector<std::uint32_t>>(v_).size();
}

std::size_t Selection::operator[](std::size_t k) const {
    if (std::holds_alternative<std::size_t>(v_)) return k;
    if (auto* s = std::get_if<std::span<const std::uint32_t>>(&v_)) return (*s)[k];
    return std::get<std::vector<std::uint32_t>>(v_)[k];
}

std::string_view Arena::store(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > left_) {
        std::size_t size = std::max(kChunk, text.size());
        chunks_.push_back(std::make_unique<char[]>(size));
        free_ = chunks_.back().get();
        left_ = size;
    }
    char* at = free_;
    std::memcpy(at, text.data(), text.size());
    free_ += text.size();
    left_ -= text.size();
    return {at, text.size()};
}

// --- TextIndex ---------------------------------------------------------------

namespace {

std::uint64_t hash_text(std::string_view s) { return std::hash<std::string_view>{}(s); }

}  // namespace

void TextIndex::rehash(std::size_t slots, const std::vector<std::string_view>& keys) {
    std::vector<Slot> old(slots, Slot{});
    old.swap(slots_);
    std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
        if (s.id_plus_one == 0) continue;
        std::size_t i = hash_text(keys[s.id_plus_one - 1]) & mask;
        while (slots_[i].id_plus_one != 0) i = (i + 1) & mask;
        slots_[i] = s;
    }
}

void TextIndex::reserve(std::size_t n, const std::vector<std::string_view>& keys) {
    // At most half full, so probe runs stay short.
    if (n * 2 > slots_.size()) rehash(std::bit_ceil(std::max<std::size_t>(n * 2, 16)), keys);
}

std::optional<std::uint32_t> TextIndex::find(std::string_view key,
                                             const std::vector<std::string_view>& keys) const {
    if (slots_.empty()) return std::nullopt;
    std::uint64_t h = hash_text(key);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        const Slot& s = slots_[i];
        if (s.id_plus_one == 0) return std::nullopt;
        if (s.tag == std::uint32_t(h >> 32) && keys[s.id_plus_one - 1] == key)
            return s.id_plus_one - 1;
    }
}

std::optional<std::uint32_t> TextIndex::insert_last(const std::vector<std::string_view>& keys) {
    if ((used_ + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(16, slots_.size() * 2), keys);
    std::string_view key = keys.back();
    std::uint64_t h = hash_text(key);
    std::size_t mask = slots_.size() - 1;
    std::size_t i = h & mask;
    for (; slots_[i].id_plus_one != 0; i = (i + 1) & mask)
        if (slots_[i].tag == std::uint32_t(h >> 32) && keys[slots_[i].id_plus_one - 1] == key)
            return slots_[i].id_plus_one - 1;
    slots_[i] = Slot{static_cast<std::uint32_t>(keys.size()), std::uint32_t(h >> 32)};
    ++used_;
    return std::nullopt;
}

// --- Collection --------------------------------------------------------------

Collection::Collection(std::vector<Filter> filters) : filters_(std::move(filters)) {
    for (std::size_t i = 0; i < filters_.size(); ++i)
        (filters_[i].match == Filter::Match::exact ? exact_ : contains_).push_back(i);
    // Each combination of exact filters gets an index: keep the combinations few.
    if (exact_.size() > 4) throw std::logic_error("too many exact filters for one collection");
    distinct_.resize(exact_.size());
    value_ids_.resize(exact_.size());
}

void Collection::reserve(std::size_t n) {
    json_.reserve(n);
    uids_.reserve(n);
    by_uid_.reserve(n, uids_);
    ids_.reserve(n * exact_.size());
    contains_values_.reserve(n * contains_.size());
}

namespace {

// Where `text` holds `"<uid>"`: those characters are the uid, so the uid
// index can point there instead of storing the uid a second time.
std::optional<std::string_view> quoted_in(std::string_view text, std::string_view uid) {
    for (auto pos = text.find(uid); pos != std::string_view::npos; pos = text.find(uid, pos + 1))
        if (pos > 0 && text[pos - 1] == '"' && pos + uid.size() < text.size() &&
            text[pos + uid.size()] == '"')
            return text.substr(pos, uid.size());
    return std::nullopt;
}

}  // namespace

bool Collection::add(std::string_view uid, std::string_view json,
                     std::span<const std::string_view> values) {
    if (values.size() != filters_.size()) throw std::logic_error("one value per filter expected");
    // Stored first and taken back on a repeated uid (a data-file error), so
    // the common case probes the uid index once.
    std::string_view text = arena_.store(json);
    uids_.push_back(quoted_in(text, uid).value_or(uid));
    if (by_uid_.insert_last(uids_)) {
        uids_.pop_back();
        return false;
    }
    if (uids_.back().data() == uid.data())
        uids_.back() = arena_.store(uid);  // same text, now owned
    json_.push_back(text);
    indexed_ = false;

    for (std::size_t k = 0; k < exact_.size(); ++k) {
        std::string_view v = values[exact_[k]];
        if (v.empty()) {
            ids_.push_back(kNoValue);
            continue;
        }
        auto& distinct = distinct_[k];
        distinct.push_back(v);
        if (auto seen = value_ids_[k].insert_last(distinct)) {
            distinct.pop_back();
            ids_.push_back(*seen);
        } else {
            distinct.back() = arena_.store(v);  // same text, now owned
            ids_.push_back(static_cast<std::uint32_t>(distinct.size() - 1));
        }
    }
    for (std::size_t c : contains_) contains_values_.push_back(arena_.store(values[c]));
    return true;
}

void Collection::build_indexes() {
    const std::size_t n = size(), e = exact_.size();
    orders_.assign(std::size_t(1) << e, {});
    std::vector<std::uint32_t> scratch, counts;
    for (unsigned mask = 1; mask < (1u << e); ++mask) {
        auto& order = orders_[mask];
        for (std::size_t i = 0; i < n; ++i) {
            bool complete = true;
            for (std::size_t k = 0; k < e; ++k)
                if ((mask & (1u << k)) && ids_[i * e + k] == kNoValue) complete = false;
            if (complete) order.push_back(static_cast<std::uint32_t>(i));
        }
        // LSD radix sort: a stable counting sort per filter, last filter
        // first, leaves the order sorted by all of them and then by position.
        for (std::size_t k = e; k-- > 0;) {
            if (!(mask & (1u << k))) continue;
            counts.assign(distinct_[k].size() + 1, 0);
            for (std::uint32_t i : order) ++counts[ids_[i * e + k] + 1];
            for (std::size_t b = 1; b < counts.size(); ++b) counts[b] += counts[b - 1];
            scratch.resize(order.size());
            for (std::uint32_t i : order) scratch[counts[ids_[i * e + k]]++] = i;
            order.swap(scratch);
        }
    }
    indexed_ = true;
}

std::optional<std::size_t> Collection::find(std::string_view uid) const {
    return by_uid_.find(uid, uids_);
}

namespace {

bool icontains(std::string_view haystack, std::string_view needle) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [&](char a, char b) { return lower(a) == lower(b); }) != haystack.end();
}

}  // namespace

Selection Collection::select(std::span<const std::string_view> wanted) const {
    if (!indexed_ && size() > 0) throw std::logic_error("build_indexes() was not called");
    const std::size_t e = exact_.size();
    unsigned mask = 0;
    std::uint32_t want_ids[4] = {};
    for (std::size_t k = 0; k < e; ++k) {
        std::string_view v = wanted[exact_[k]];
        if (v.empty()) continue;
        auto id = value_ids_[k].find(v, distinct_[k]);
        if (!id) return Selection::owned({});  // a value no item has
        mask |= 1u << k;
        want_ids[k] = *id;
    }

    Selection candidates = Selection::all(size());
    if (mask != 0) {
        // Items before the wanted ids compare < 0, the matching ones == 0.
        auto compare = [&](std::uint32_t i) {
            for (std::size_t k = 0; k < e; ++k) {
                if (!(mask & (1u << k))) continue;
                std::uint32_t id = ids_[i * e + k];
                if (id != want_ids[k]) return id < want_ids[k] ? -1 : 1;
            }
            return 0;
        };
        const auto& order = orders_[mask];
        auto lo = std::partition_point(order.begin(), order.end(),
                                       [&](std::uint32_t i) { return compare(i) < 0; });
        auto hi =
            std::partition_point(lo, order.end(), [&](std::uint32_t i) { return compare(i) == 0; });
        candidates = Selection::of(std::span<const std::uint32_t>(lo, hi));
    }

    bool any_contains = false;
    for (std::size_t c : contains_) any_contains |= !wanted[c].empty();
    if (!any_contains) return candidates;

    std::vector<std::uint32_t> kept;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
        std::size_t i = candidates[k];
        bool ok = true;
        for (std::size_t j = 0; j < contains_.size() && ok; ++j) {
            std::string_view needle = wanted[contains_[j]];
            ok = needle.empty() || icontains(contains_values_[i * contains_.size() + j], needle);
        }
        if (ok) kept.push_back(static_cast<std::uint32_t>(i));
    }
    return Selection::owned(std::move(kept));
}

std::size_t Collection::count(
    std::initializer_list<std::pair<std::string_view, std::string_view>> where) const {
    std::vector<std::string_view> wanted(filters_.size());
    for (const auto& [name, value] : where)
        for (std::size_t i = 0; i < filters_.size(); ++i)
            if (filters_[i].name == name) wanted[i] = value;
    return select(wanted).size();
}

}  // namespace emu
