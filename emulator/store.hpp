// The read-only data the emulator serves: projects, tasks and datasets,
// fixed at startup (seed, generator or data file). Resources created through
// the API (exports, agents, quality targets) live in State instead.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "collection.hpp"

namespace emu {

// A new read-only resource is a Collection here (with its list filters),
// filled by the seed, the generator and the data-file loader.
struct Store {
    Collection projects;
    Collection tasks{{{"project"}, {"status"}}};
    Collection datasets{{{"data_type"},
                         {"status"},
                         {"visibility"},
                         {"name", Filter::Match::icontains}}};
};

// How many objects `--generate` makes per resource. The generated store is
// wholly synthetic: a key left out means none of that resource.
struct GenerateSpec {
    std::optional<std::size_t> projects;
    std::optional<std::size_t> tasks;  // spread round-robin over the projects
    std::optional<std::size_t> datasets;
    bool any() const { return projects || tasks || datasets; }
};

// The built-in demo set: a dozen or so believable projects, a few tasks each
// in a mix of statuses, and a few datasets.
Store seed_store();
// Deterministic synthetic data; fast enough for millions of objects. Throws
// std::invalid_argument when tasks are asked for without projects.
Store generate_store(const GenerateSpec& spec);
// Loads `{"projects": [...], "tasks": [...], "datasets": [...]}` (any subset).
// Throws std::runtime_error with a message suitable for the user when the
// file is unreadable or invalid.
Store load_store(const std::string& path);

}  // namespace emu
