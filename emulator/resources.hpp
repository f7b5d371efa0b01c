// The route table of the contract's resources beyond projects: tasks,
// datasets, exports, agents (with executions and test events) and
// project-scoped quality targets.
#pragma once

#include "pagination.hpp"
#include "records.hpp"
#include "router.hpp"
#include "store.hpp"

namespace emu {

// Adds the rows. Everything passed must outlive the router.
void add_resource_routes(Router& router, const Store& store, State& state, const LinkConfig& links);

}  // namespace emu
