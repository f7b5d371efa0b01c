// Resources created through the API (exports, agents and their executions,
// quality targets), and the generic handlers that list, create, read, update
// and delete them. These routes serve functional tests, not throughput: one
// mutex guards all of this state, and objects are serialized on demand.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "pagination.hpp"
#include "router.hpp"
#include "store.hpp"
#include "validation.hpp"

namespace emu {

struct Record {
    std::string uid;
    std::string scope;           // owner uid (project, agent), "" when unscoped
    boost::json::object fields;  // what the API shows
    boost::json::object hidden;  // emulator-only state (export knobs), never shown
};

// Records in creation order, which is also list order.
class RecordSet {
public:
    Record& add(Record r);
    Record* find(std::string_view uid, std::string_view scope);
    bool erase(std::string_view uid, std::string_view scope);
    void erase_scope(std::string_view scope);
    std::vector<Record*> in_scope(std::string_view scope);

private:
    std::vector<Record> records_;
};

struct State {
    std::mutex mutex;
    RecordSet exports, agents, executions, quality_targets;

    // A new uid, stable across runs: the n-th object created gets the same
    // uid every time (kinds are kept apart by `salt`). Needs the mutex held.
    std::string new_uid(std::uint64_t salt);

private:
    std::uint64_t created_ = 0;
};

// A page of records (serialized while the caller holds the mutex).
Response records_page(const Call& call, const LinkConfig& links, const std::vector<Record*>& rows);
// A record as the response body.
Response record_response(const Record& r, unsigned status = 200);

// One writable resource served by add_crud_routes: list, create (201), get,
// PATCH (only the given fields change) and DELETE (204).
struct CrudSpec {
    std::string path;  // collection path, "/api/v1/agents/"; may hold a {project} placeholder
    RecordSet State::*records;
    std::span<const FieldSpec> fields;
    std::uint64_t uid_salt;
    // When set, the first placeholder of `path` is a project uid: an unknown
    // project is 404 and each project sees only its own records.
    bool project_scoped = false;
    // Read-only fields a new record starts with (besides uid and times).
    std::function<void(boost::json::object&, State&)> on_create;
    // Records scoped to this one that go when it is deleted (executions).
    RecordSet State::*children = nullptr;
};

void add_crud_routes(Router& router, const CrudSpec& spec, State& state, const Store& store,
                     const LinkConfig& links);

}  // namespace emu
