// The resource table: every endpoint the SDK wraps beyond projects, per
// API_CONTRACT.md. Adding an endpoint is adding a row here.
#pragma once

#include <array>

#include "avala/endpoint.hpp"

namespace avala::api {

// What each resource's objects must carry.
inline constexpr Schema kTask{ObjectKind::task, "task", {"uid"}};
inline constexpr Schema kExport{ObjectKind::export_, "export", {"uid"}};
inline constexpr Schema kAgent{ObjectKind::agent, "agent", {"uid", "name"}};
inline constexpr Schema kAgentExecution{ObjectKind::agent_execution, "agent execution", {"uid"}};
inline constexpr Schema kQualityTarget{ObjectKind::quality_target, "quality target", {"uid", "name"}};
inline constexpr Schema kEvaluation{ObjectKind::quality_target_evaluation, "quality target evaluation", {"uid"}};
inline constexpr Schema kDataset{ObjectKind::dataset, "dataset", {"uid", "name"}};
inline constexpr Schema kAny{ObjectKind::other, "response", {}};

// Body fields.
inline constexpr std::array<BodyField, 7> kAgentFields{{
    {"name", FieldType::string, true},         {"events", FieldType::string_list},
    {"description", FieldType::string},        {"callback_url", FieldType::string},
    {"is_active", FieldType::boolean},         {"project", FieldType::string},
    {"task_types", FieldType::string_list},
}};
inline constexpr std::array<BodyField, 8> kQualityTargetFields{{
    {"name", FieldType::string, true},    {"metric", FieldType::string, true},
    {"threshold", FieldType::number, true}, {"operator", FieldType::string},
    {"severity", FieldType::string},      {"is_active", FieldType::boolean},
    {"notify_webhook", FieldType::boolean}, {"notify_emails", FieldType::string_list},
}};
inline constexpr std::array<BodyField, 2> kExportFields{{
    {"project", FieldType::string}, {"dataset", FieldType::string}}};

// Tasks
inline constexpr Endpoint kTaskList{{"GET", "/tasks/", {"task uid"}}, &kTask, {"project", "status"}, {}, "tasks list"};
inline constexpr Endpoint kTaskGet{{"GET", "/tasks/{}/", {"task uid"}}, &kTask, {}, {}, "task get"};

// Exports
inline constexpr Endpoint kExportList{{"GET", "/exports/", {}}, &kExport, {}, {}, "exports list"};
inline constexpr Endpoint kExportCreate{{"POST", "/exports/", {}}, &kExport, {}, kExportFields, "export create"};
inline constexpr Endpoint kExportGet{{"GET", "/exports/{}/", {"export uid"}}, &kExport, {}, {}, "export get"};

// Agents
inline constexpr Endpoint kAgentList{{"GET", "/agents/", {}}, &kAgent, {}, {}, "agents list"};
inline constexpr Endpoint kAgentCreate{{"POST", "/agents/", {}}, &kAgent, {}, kAgentFields, "agent create"};
inline constexpr Endpoint kAgentGet{{"GET", "/agents/{}/", {"agent uid"}}, &kAgent, {}, {}, "agent get"};
inline constexpr Endpoint kAgentUpdate{{"PATCH", "/agents/{}/", {"agent uid"}}, &kAgent, {}, kAgentFields, "agent update"};
inline constexpr Endpoint kAgentDelete{{"DELETE", "/agents/{}/", {"agent uid"}}, nullptr, {}, {}, "agent delete"};
inline constexpr Endpoint kAgentExecutions{
    {"GET", "/agents/{}/executions/", {"agent uid"}}, &kAgentExecution, {}, {}, "agent executions list"};
inline constexpr Endpoint kAgentTest{{"POST", "/agents/{}/test/", {"agent uid"}}, &kAny, {}, {}, "agent test"};

// Quality targets, scoped by project
inline constexpr Endpoint kQualityTargetList{
    {"GET", "/projects/{}/quality-targets/", {"project uid"}}, &kQualityTarget, {}, {}, "quality targets list"};
inline constexpr Endpoint kQualityTargetCreate{{"POST", "/projects/{}/quality-targets/", {"project uid"}},
                                               &kQualityTarget, {}, kQualityTargetFields, "quality target create"};
inline constexpr Endpoint kQualityTargetGet{{"GET", "/projects/{}/quality-targets/{}/", {"project uid", "quality target uid"}},
                                            &kQualityTarget, {}, {}, "quality target get"};
inline constexpr Endpoint kQualityTargetUpdate{
    {"PATCH", "/projects/{}/quality-targets/{}/", {"project uid", "quality target uid"}},
    &kQualityTarget, {}, kQualityTargetFields, "quality target update"};
inline constexpr Endpoint kQualityTargetDelete{
    {"DELETE", "/projects/{}/quality-targets/{}/", {"project uid", "quality target uid"}},
    nullptr, {}, {}, "quality target delete"};
inline constexpr Endpoint kQualityTargetEvaluate{{"POST", "/projects/{}/quality-targets/evaluate/", {"project uid"}},
                                                 &kEvaluation, {}, {}, "quality targets evaluate"};

// Datasets
inline constexpr Endpoint kDatasetList{
    {"GET", "/datasets/", {}}, &kDataset, {"data_type", "name", "status", "visibility"}, {}, "datasets list"};
inline constexpr Endpoint kDatasetGet{{"GET", "/datasets/{}/", {"dataset uid"}}, &kDataset, {}, {}, "dataset get"};

}  // namespace avala::api
