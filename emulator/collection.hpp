// A read-only resource (projects, tasks, datasets): every object is
// serialized to JSON once at startup into an arena, found by uid through a
// flat hash index, and selected by filters through sorted indexes, so a
// filtered page costs O(log n + page), not O(collection): the benchmarks page
// through millions of tasks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace emu {

// A list filter: a query parameter compared with the object's field of the
// same name. An empty query value means "not filtered" (as django-filter does).
struct Filter {
    enum class Match {
        exact,      // indexed: each combination of exact filters has a sorted index
        icontains,  // case-insensitive (ASCII) substring; scans the exact-filter result
    };
    std::string_view name;
    Match match = Match::exact;
};

// The items a list request selects, in collection order.
class Selection {
public:
    static Selection all(std::size_t count) { return Selection(count); }
    // Borrows `indexes`, which must outlive the selection.
    static Selection of(std::span<const std::uint32_t> indexes) { return Selection(indexes); }
    static Selection owned(std::vector<std::uint32_t> indexes) {
        return Selection(std::move(indexes));
    }

    std::size_t size() const;
    // Collection index of the k-th selected item.
    std::size_t operator[](std::size_t k) const;

private:
    template <class T>
    explicit Selection(T v) : v_(std::move(v)) {}
    std::variant<std::size_t, std::span<const std::uint32_t>, std::vector<std::uint32_t>> v_;
};

// Append-only storage for text with stable addresses (chunks never move), so
// string_views into it stay valid. One allocation per MiB, not per object.
class Arena {
public:
    std::string_view store(std::string_view text);

private:
    static constexpr std::size_t kChunk = std::size_t(1) << 20;
    std::vector<std::unique_ptr<char[]>> chunks_;
    char* free_ = nullptr;
    std::size_t left_ = 0;
};

// Open-addressing hash index from text to a dense id (0, 1, ...). It stores
// only ids; the text of id i is keys[i], passed to every call. A flat table
// instead of std::unordered_map: one cache miss per lookup and no node per
// entry, which is most of the start-up time for a million objects.
class TextIndex {
public:
    void reserve(std::size_t n, const std::vector<std::string_view>& keys);
    std::optional<std::uint32_t> find(std::string_view key,
                                      const std::vector<std::string_view>& keys) const;
    // Maps keys.back() to id keys.size() - 1, unless that text is present:
    // then returns the existing id and adds nothing.
    std::optional<std::uint32_t> insert_last(const std::vector<std::string_view>& keys);

private:
    struct Slot {
        std::uint32_t id_plus_one = 0;  // 0 = empty
        std::uint32_t tag = 0;          // high hash bits: most mismatches skip the text compare
    };
    void rehash(std::size_t slots, const std::vector<std::string_view>& keys);
    std::vector<Slot> slots_;
    std::size_t used_ = 0;
};

class Collection {
public:
    explicit Collection(std::vector<Filter> filters = {});
    Collection(Collection&&) = default;
    Collection& operator=(Collection&&) = default;

    // Appends a serialized object. `values` holds its field value for each
    // filter, in filter order ("" when it has none: it then matches only when
    // that filter is not applied). Returns false if the uid is taken.
    bool add(std::string_view uid, std::string_view json,
             std::span<const std::string_view> values = {});
    void reserve(std::size_t n);
    // Builds the filter indexes; call once after the last add().
    void build_indexes();

    std::size_t size() const { return json_.size(); }
    std::string_view json_at(std::size_t i) const { return json_[i]; }
    std::optional<std::size_t> find(std::string_view uid) const;

    const std::vector<Filter>& filters() const { return filters_; }
    // The items matching `wanted` (one value per filter, "" = unconstrained).
    Selection select(std::span<const std::string_view> wanted) const;
    // How many items match, by filter name; unknown names are ignored.
    std::size_t count(
        std::initializer_list<std::pair<std::string_view, std::string_view>> where) const;

private:
    static constexpr std::uint32_t kNoValue = UINT32_MAX;

    std::vector<Filter> filters_;
    std::vector<std::size_t> exact_;     // positions of the exact filters in filters_
    std::vector<std::size_t> contains_;  // positions of the icontains filters
    Arena arena_;
    std::vector<std::string_view> json_;
    std::vector<std::string_view> uids_;
    TextIndex by_uid_;

    // Exact filters: each value is interned to an id per filter; ids_ holds
    // every item's ids, row-major. For every non-empty combination (bit mask)
    // of exact filters, orders_ lists the items that have all its values,
    // sorted by those ids and then by position: a selection is one
    // equal_range in it.
    std::vector<std::vector<std::string_view>> distinct_;
    std::vector<TextIndex> value_ids_;
    std::vector<std::uint32_t> ids_;
    std::vector<std::vector<std::uint32_t>> orders_;  // indexed by mask
    bool indexed_ = false;

    std::vector<std::string_view> contains_values_;  // size() * contains_.size(), row-major
};

}  // namespace emu
