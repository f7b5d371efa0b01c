// In-memory data the emulator serves. Every object is serialized to JSON once
// at startup, so list pages are built by concatenating ready-made strings.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace emu {

// An ordered collection of JSON objects addressed by uid. Order is the seed
// order and is what pagination walks.
class Collection {
public:
    // Appends a pre-serialized object; returns false if the uid is taken.
    bool add(std::string uid, std::string json);
    void reserve(std::size_t n);

    std::size_t size() const { return json_.size(); }
    const std::string& json_at(std::size_t i) const { return json_[i]; }
    // Index of the object with this uid, or nullopt.
    std::optional<std::size_t> find(std::string_view uid) const;

private:
    std::vector<std::string> json_;
    // Keys own their text; string_view lookups go through a temporary-free
    // transparent hash.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> by_uid_;
};

// All resources. A new resource is a new Collection here, filled by the seed,
// the generator and the data-file loader.
struct Store {
    Collection projects;
};

// How many objects `--generate` makes per resource. Unset keys keep the seed.
struct GenerateSpec {
    std::optional<std::size_t> projects;
    bool any() const { return projects.has_value(); }
};

// The built-in demo set (a dozen or so believable projects).
Store seed_store();
// Deterministic synthetic data; fast enough for millions of objects.
Store generate_store(const GenerateSpec& spec);
// Loads `{"projects": [...]}`. Throws std::runtime_error with a message
// suitable for the user when the file is unreadable or invalid.
Store load_store(const std::string& path);

}  // namespace emu
