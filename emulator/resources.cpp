#include "resources.hpp"

#include <optional>

#include <boost/json.hpp>

#include "responses.hpp"
#include "values.hpp"

namespace emu {
namespace json = boost::json;

namespace {

// Salts that keep the uids of each created kind apart (see State::new_uid).
constexpr std::uint64_t kExportSalt = 11ull << 32, kAgentSalt = 12ull << 32,
                        kExecutionSalt = 13ull << 32, kTargetSalt = 14ull << 32,
                        kSecretSalt = 15ull << 32;

// --- exports -----------------------------------------------------------------
//
// Lifecycle: created "pending"; every GET of the export then advances it one
// step, "exporting" until the x_emulator_polls-th GET (default 2, so pending,
// exporting, exported), which makes it "exported" with a download_url, or
// "failed" when x_emulator_fail was true. x_emulator_polls=0 creates it
// terminal. The x_emulator_* fields are honoured only by the emulator and
// never shown.

constexpr FieldSpec kExportFields[] = {
    {"project", FieldType::reference, false, "null", {}, &Store::projects},
    {"dataset", FieldType::reference, false, "null", {}, &Store::datasets},
    {"x_emulator_fail", FieldType::boolean, false, "false"},
    {"x_emulator_polls", FieldType::count, false, "2"},
};

// "<API base>/__emulator/downloads/<uid>.json", which the emulator serves.
std::string download_url(const Call& call, const LinkConfig& links, std::string_view uid) {
    return api_base(call, links) + "/__emulator/downloads/" + std::string(uid) + ".json";
}

// Makes the export terminal once it has been polled x_emulator_polls times.
void settle_export(Record& e, const Call& call, const LinkConfig& links) {
    if (e.hidden["seen"].to_number<std::int64_t>() < e.hidden["polls"].to_number<std::int64_t>())
        return;
    if (e.hidden["fail"].as_bool()) {
        e.fields["status"] = "failed";
    } else {
        e.fields["status"] = "exported";
        e.fields["download_url"] = download_url(call, links, e.uid);
    }
}

// One poll: moves a non-terminal export one step along its lifecycle.
void advance_export(Record& e, const Call& call, const LinkConfig& links) {
    std::string_view status = e.fields["status"].as_string();
    if (status == "exported" || status == "failed") return;
    e.hidden["seen"] = e.hidden["seen"].to_number<std::int64_t>() + 1;
    e.fields["status"] = "exporting";
    settle_export(e, call, links);
    e.fields["updated_at"] = now_string();
}

Response create_export(const Call& call, State& state, const Store& store,
                       const LinkConfig& links) {
    auto body = parse_object_body(call.request.body);
    if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
    auto accepted = validate_fields(std::get<json::object>(body), kExportFields, true, store);
    if (auto* err = std::get_if<Response>(&accepted)) return std::move(*err);
    auto& v = std::get<json::object>(accepted);

    // Exactly one source.
    bool has_project = !v["project"].is_null(), has_dataset = !v["dataset"].is_null();
    if (!has_project && !has_dataset) return field_error("project", "This field is required.");
    if (has_project && has_dataset)
        return field_error("non_field_errors", "Give either a project or a dataset, not both.");

    std::lock_guard lock(state.mutex);
    Record r{state.new_uid(kExportSalt), "", {}, {}};
    std::string now = now_string();
    r.fields = json::object{{"uid", r.uid},
                            {"status", "pending"},
                            {"download_url", nullptr},
                            {"project", v["project"]},
                            {"dataset", v["dataset"]},
                            {"created_at", now},
                            {"updated_at", now}};
    r.hidden =
        json::object{{"fail", v["x_emulator_fail"]}, {"polls", v["x_emulator_polls"]}, {"seen", 0}};
    settle_export(r, call, links);  // x_emulator_polls=0: terminal from the start
    return record_response(state.exports.add(std::move(r)), 201);
}

void add_export_routes(Router& router, const Store& store, State& state, const LinkConfig& links) {
    router.add({"GET", "/api/v1/exports/", Auth::api_key, [&state, &links](const Call& call) {
                    std::lock_guard lock(state.mutex);
                    return records_page(call, links, state.exports.in_scope(""));
                }});
    router.add(
        {"POST", "/api/v1/exports/", Auth::api_key, [&state, &store, &links](const Call& call) {
             return create_export(call, state, store, links);
         }});
    router.add({"GET", "/api/v1/exports/{uid}/", Auth::api_key, [&state, &links](const Call& call) {
                    std::lock_guard lock(state.mutex);
                    Record* e = state.exports.find(call.params.back(), "");
                    if (!e) return detail_response(404, "Not found.");
                    advance_export(*e, call, links);
                    return record_response(*e);
                }});
    // The file behind download_url (no key needed, like a presigned URL): a
    // small summary of what was exported.
    router.add({"GET", "/api/v1/__emulator/downloads/{file}", Auth::none,
                [&state, &store](const Call& call) {
                    std::string_view file = call.params.back();
                    if (!file.ends_with(".json")) return detail_response(404, "Not found.");
                    file.remove_suffix(5);
                    std::lock_guard lock(state.mutex);
                    Record* e = state.exports.find(file, "");
                    if (!e || e->fields["status"].as_string() != "exported")
                        return detail_response(404, "Not found.");
                    json::object summary{{"export", e->uid},
                                         {"project", e->fields["project"]},
                                         {"dataset", e->fields["dataset"]}};
                    if (e->fields["project"].is_string())
                        summary["task_count"] =
                            store.tasks.count({{"project", e->fields["project"].get_string()}});
                    Response r;
                    r.body = json::serialize(summary);
                    return r;
                }});
}

// --- agents ------------------------------------------------------------------

constexpr std::string_view kAgentEvents[] = {
    "result.submitted", "result.accepted", "result.rejected",  "task.completed", "dataset.created",
    "dataset.updated",  "dataset.deleted", "export.completed", "export.failed"};

// Unknown fields (and read-only ones such as secret) are ignored on create and update.
constexpr FieldSpec kAgentFields[] = {
    {"name", FieldType::string, true},
    {"description", FieldType::text},
    {"events", FieldType::string_list, false, "[]", kAgentEvents},
    {"callback_url", FieldType::url},
    {"is_active", FieldType::boolean, false, "true"},
    {"project", FieldType::reference, false, "null", {}, &Store::projects},
    {"task_types", FieldType::string_list, false, "[]"},
};

// POST /agents/{uid}/test/: records a "test" execution and counts it.
Response test_agent(const Call& call, State& state) {
    std::lock_guard lock(state.mutex);
    Record* agent = state.agents.find(call.params.back(), "");
    if (!agent) return detail_response(404, "Not found.");

    std::string now = now_string();
    Record ex{state.new_uid(kExecutionSalt), agent->uid, {}, {}};
    ex.fields = json::object{{"uid", ex.uid},
                             {"registration", agent->uid},
                             {"event_type", "test"},
                             {"task", nullptr},
                             {"result", nullptr},
                             {"status", "completed"},
                             {"action", "test"},
                             {"event_payload", {{"event", "test"}, {"agent", agent->uid}}},
                             {"response_payload", {{"status_code", 200}}},
                             {"error_message", nullptr},
                             {"started_at", now},
                             {"completed_at", now},
                             {"created_at", now},
                             {"updated_at", now}};
    std::string execution_uid = state.executions.add(std::move(ex)).uid;

    auto& stats = agent->fields["execution_stats"].as_object();
    for (const char* key : {"total", "completed"})
        stats[key] = stats[key].to_number<std::int64_t>() + 1;

    Response r;
    r.body = json::serialize(json::object{
        {"success", true}, {"message", "Test event delivered."}, {"execution", execution_uid}});
    return r;
}

void add_agent_routes(Router& router, const Store& store, State& state, const LinkConfig& links) {
    add_crud_routes(router,
                    {.path = "/api/v1/agents/",
                     .records = &State::agents,
                     .fields = kAgentFields,
                     .uid_salt = kAgentSalt,
                     .on_create =
                         [](json::object& o, State& s) {
                             std::string secret = s.new_uid(kSecretSalt);
                             std::erase(secret, '-');
                             o["secret"] = "whsec_" + secret;
                             o["execution_stats"] = {{"total", 0}, {"completed", 0}, {"failed", 0}};
                         },
                     .children = &State::executions},
                    state, store, links);
    router.add({"GET", "/api/v1/agents/{uid}/executions/", Auth::api_key,
                [&state, &links](const Call& call) {
                    std::lock_guard lock(state.mutex);
                    if (!state.agents.find(call.params.back(), ""))
                        return detail_response(404, "Not found.");
                    return records_page(call, links, state.executions.in_scope(call.params.back()));
                }});
    router.add({"POST", "/api/v1/agents/{uid}/test/", Auth::api_key,
                [&state](const Call& call) { return test_agent(call, state); }});
}

// --- quality targets ---------------------------------------------------------
//
// A target is met when `current_value <operator> threshold` holds (e.g.
// completion_rate gte 0.9) and breached when it does not. Metrics are computed
// from the project's tasks: task_count, completed_count, rejected_count,
// completion_rate and rejection_rate (fractions 0..1, null when the project
// has no tasks). An unknown metric has current_value null and is never
// breached. Inactive targets are skipped.

constexpr std::string_view kOperators[] = {"gt", "gte", "lt", "lte", "eq"};
constexpr std::string_view kSeverities[] = {"info", "warning", "critical"};

constexpr FieldSpec kTargetFields[] = {
    {"name", FieldType::string, true},
    {"metric", FieldType::string, true},
    {"threshold", FieldType::number, true},
    {"operator", FieldType::choice, false, "\"gte\"", kOperators},
    {"severity", FieldType::choice, false, "\"warning\"", kSeverities},
    {"is_active", FieldType::boolean, false, "true"},
    {"notify_webhook", FieldType::boolean, false, "true"},
    {"notify_emails", FieldType::string_list, false, "[]"},
};

std::optional<double> metric_value(const Store& store, std::string_view project,
                                   std::string_view metric) {
    auto total = double(store.tasks.count({{"project", project}}));
    auto with = [&](std::string_view status) {
        return double(store.tasks.count({{"project", project}, {"status", status}}));
    };
    auto rate = [&](std::string_view status) -> std::optional<double> {
        if (total == 0) return std::nullopt;
        return with(status) / total;
    };
    if (metric == "task_count") return total;
    if (metric == "completed_count") return with("completed");
    if (metric == "rejected_count") return with("rejected");
    if (metric == "completion_rate") return rate("completed");
    if (metric == "rejection_rate") return rate("rejected");
    return std::nullopt;
}

bool target_met(double value, std::string_view op, double threshold) {
    if (op == "gt") return value > threshold;
    if (op == "gte") return value >= threshold;
    if (op == "lt") return value < threshold;
    if (op == "lte") return value <= threshold;
    return value == threshold;  // eq
}

// POST .../quality-targets/evaluate/: a bare array of evaluations; each
// evaluated target records its last value and breach.
Response evaluate_targets(const Call& call, State& state, const Store& store) {
    const std::string& project = call.params.front();
    if (!store.projects.find(project)) return detail_response(404, "Not found.");
    std::lock_guard lock(state.mutex);
    std::string now = now_string();
    json::array out;
    for (Record* t : state.quality_targets.in_scope(project)) {
        json::object& f = t->fields;
        if (!f["is_active"].as_bool()) continue;
        auto value = metric_value(store, project, f["metric"].as_string());
        double threshold = f["threshold"].to_number<double>();
        bool breached = value && !target_met(*value, f["operator"].as_string(), threshold);

        f["last_value"] = value ? json::value(*value) : json::value(nullptr);
        f["last_evaluated_at"] = now;
        f["is_breached"] = breached;
        if (breached) {
            f["breach_count"] = f["breach_count"].to_number<std::int64_t>() + 1;
            f["last_breached_at"] = now;
        }
        f["updated_at"] = now;
        out.push_back(json::object{{"uid", t->uid},
                                   {"name", f["name"]},
                                   {"metric", f["metric"]},
                                   {"threshold", f["threshold"]},
                                   {"operator", f["operator"]},
                                   {"current_value", f["last_value"]},
                                   {"is_breached", breached},
                                   {"severity", f["severity"]}});
    }
    Response r;
    r.body = json::serialize(out);
    return r;
}

void add_quality_target_routes(Router& router, const Store& store, State& state,
                               const LinkConfig& links) {
    router.add(
        {"POST", "/api/v1/projects/{project}/quality-targets/evaluate/", Auth::api_key,
         [&state, &store](const Call& call) { return evaluate_targets(call, state, store); }});
    add_crud_routes(router,
                    {.path = "/api/v1/projects/{project}/quality-targets/",
                     .records = &State::quality_targets,
                     .fields = kTargetFields,
                     .uid_salt = kTargetSalt,
                     .project_scoped = true,
                     .on_create =
                         [](json::object& o, State&) {
                             o["last_evaluated_at"] = nullptr;
                             o["last_value"] = nullptr;
                             o["is_breached"] = false;
                             o["breach_count"] = 0;
                             o["last_breached_at"] = nullptr;
                         }},
                    state, store, links);
}

}  // namespace

void add_resource_routes(Router& router, const Store& store, State& state,
                         const LinkConfig& links) {
    for (auto [path, items] : {std::pair{"/api/v1/tasks/", &store.tasks},
                               std::pair{"/api/v1/datasets/", &store.datasets}}) {
        router.add({"GET", path, Auth::api_key, list_handler(*items, links)});
        router.add({"GET", std::string(path) + "{uid}/", Auth::api_key, get_handler(*items)});
    }
    add_export_routes(router, store, state, links);
    add_agent_routes(router, store, state, links);
    add_quality_target_routes(router, store, state, links);
}

}  // namespace emu
