// The C ABI for the resources of the catalog (tasks, exports, agents,
// quality targets, datasets): each entry point is one row of the catalog run
// through one of five generic calls below.
#include <algorithm>
#include <boost/json.hpp>

#include "avala/endpoint.hpp"
#include "avala/resources/catalog.hpp"
#include "avala/resources/exports.hpp"
#include "internal.hpp"

using namespace capi;
namespace api = avala::api;
using avala::Endpoint;
using avala::Ids;

static_assert(static_cast<int>(avala::ObjectKind::other) == AVALA_OBJECT_OTHER &&
                  static_cast<int>(avala::ObjectKind::task) == AVALA_OBJECT_TASK &&
                  static_cast<int>(avala::ObjectKind::export_) == AVALA_OBJECT_EXPORT &&
                  static_cast<int>(avala::ObjectKind::agent) == AVALA_OBJECT_AGENT &&
                  static_cast<int>(avala::ObjectKind::agent_execution) == AVALA_OBJECT_AGENT_EXECUTION &&
                  static_cast<int>(avala::ObjectKind::quality_target) == AVALA_OBJECT_QUALITY_TARGET &&
                  static_cast<int>(avala::ObjectKind::quality_target_evaluation) ==
                      AVALA_OBJECT_QUALITY_TARGET_EVALUATION &&
                  static_cast<int>(avala::ObjectKind::dataset) == AVALA_OBJECT_DATASET,
              "ObjectKind and avala_object_kind must agree");

namespace {

using Args = std::initializer_list<const char*>;

bool any_null(Args args) {
  return std::any_of(args.begin(), args.end(), [](const char* a) { return a == nullptr; });
}

// Calls f with the C strings as the core's id list (routes have at most two).
template <class F>
auto with_ids(Args ids, F&& f) {
  const char* const* a = ids.begin();
  switch (ids.size()) {
    case 0: return f(Ids{});
    case 1: return f(Ids{a[0]});
    default: return f(Ids{a[0], a[1]});
  }
}

avala_object* new_object(avala::Object o) { return new avala_object(std::move(o)); }
constexpr auto kFreeObject = &free_as<avala_object, avala_object_free>;
constexpr auto kFreePage = &free_as<avala_page, avala_page_free>;

std::unique_ptr<avala_page> make_page(std::vector<avala::Object> items) {
  auto page = std::make_unique<avala_page>();
  page->items.reserve(items.size());
  for (auto& item : items) page->items.push_back(std::make_unique<avala_object>(std::move(item)));
  return page;
}

// One object back: GET, or POST/PATCH with an optional body made inside guard().
template <class Body>
int object_call(avala_object** out, avala_client* client, const Endpoint& ep, Args ids, avala_error** err,
                Body&& body) {
  if (out == nullptr || client == nullptr || any_null(ids)) {
    return invalid(err, "out, client and ids must not be NULL");
  }
  *out = nullptr;
  return guard(err, [&] {
    std::optional<boost::json::object> b = body();
    auto call = with_ids(ids, [&](Ids i) { return avala::object_call(client->client, ep, i, std::move(b)); });
    return deliver(out, client, std::move(call), new_object, kFreeObject);
  });
}

int object_call(avala_object** out, avala_client* client, const Endpoint& ep, Args ids, avala_error** err) {
  return object_call(out, client, ep, ids, err, [] { return std::optional<boost::json::object>(); });
}

// A create (partial = false) or update (partial = true) from JSON text.
int fields_call(avala_object** out, avala_client* client, const Endpoint& ep, Args ids, const char* fields_json,
                bool partial, avala_error** err) {
  if (fields_json == nullptr) return invalid(err, "fields_json must not be NULL");
  return object_call(out, client, ep, ids, err, [&] {
    return std::optional<boost::json::object>(avala::checked_body(ep, fields_json, partial));
  });
}

int empty_call(avala_client* client, const Endpoint& ep, Args ids, avala_error** err) {
  if (client == nullptr || any_null(ids)) return invalid(err, "client and ids must not be NULL");
  return guard(err, [&] {
    auto call = with_ids(ids, [&](Ids i) { return avala::empty_call(client->client, ep, i); });
    return deliver(static_cast<void**>(nullptr), client, std::move(call), [](avala::Nothing) -> void* { return nullptr; },
                   nullptr);
  });
}

int page_call(avala_page** out, avala_client* client, const Endpoint& ep, Args ids, const avala_list_options* opts,
              avala_error** err) {
  if (out == nullptr || client == nullptr || any_null(ids)) {
    return invalid(err, "out, client and ids must not be NULL");
  }
  *out = nullptr;
  return guard(err, [&] {
    auto call = with_ids(ids, [&](Ids i) { return avala::page_call(client->client, ep, i, list_params(opts)); });
    return deliver(out, client, std::move(call), [](avala::Page<avala::Object> page) {
      auto result = make_page(std::move(page.items));
      result->cursors = Cursors::of(page);
      return result.release();
    }, kFreePage);
  });
}

int iter_call(avala_iter** out, avala_client* client, const Endpoint& ep, Args ids, const avala_list_options* opts,
              avala_error** err) {
  if (out == nullptr || client == nullptr || any_null(ids)) {
    return invalid(err, "out, client and ids must not be NULL");
  }
  *out = nullptr;
  return guard(err, [&] {
    *out = new_iter<avala_iter>(
        with_ids(ids, [&](Ids i) { return avala::list_all(core(client), ep, i, list_params(opts)); }), client);
    return AVALA_OK;
  });
}

const boost::json::value* field_of(const avala_object* obj, const char* field) {
  return obj == nullptr || field == nullptr ? nullptr : obj->object.json().if_contains(field);
}

}  // namespace

extern "C" {

/* ---- objects, pages, iterators ---- */

void avala_object_free(avala_object* obj) { capi::free_item(obj); }

int avala_object_clone(avala_object** out, const avala_object* obj) {
  if (out == nullptr || obj == nullptr) return AVALA_E_INVALID_ARGUMENT;
  *out = nullptr;
  return guard(nullptr, [&] {
    *out = new avala_object(obj->object);
    return AVALA_OK;
  });
}

avala_object_kind avala_object_kind_of(const avala_object* obj) {
  return obj ? static_cast<avala_object_kind>(static_cast<int>(obj->object.kind())) : AVALA_OBJECT_OTHER;
}

const char* avala_object_string(const avala_object* obj, const char* field) {
  const boost::json::value* v = field_of(obj, field);
  // Boost.JSON strings are NUL-terminated.
  return v != nullptr && v->is_string() ? v->get_string().c_str() : nullptr;
}

int avala_object_int(int64_t* out, const avala_object* obj, const char* field) {
  const boost::json::value* v = field_of(obj, field);
  if (out == nullptr || v == nullptr) return AVALA_E_INVALID_ARGUMENT;
  if (v->is_int64()) {
    *out = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    *out = static_cast<int64_t>(v->get_uint64());
  } else {
    return AVALA_E_INVALID_ARGUMENT;
  }
  return AVALA_OK;
}

int avala_object_double(double* out, const avala_object* obj, const char* field) {
  const boost::json::value* v = field_of(obj, field);
  if (out == nullptr || v == nullptr || !v->is_number()) return AVALA_E_INVALID_ARGUMENT;
  *out = v->to_number<double>();
  return AVALA_OK;
}

int avala_object_bool(int* out, const avala_object* obj, const char* field) {
  const boost::json::value* v = field_of(obj, field);
  if (out == nullptr || v == nullptr || !v->is_bool()) return AVALA_E_INVALID_ARGUMENT;
  *out = v->get_bool() ? 1 : 0;
  return AVALA_OK;
}

const char* avala_object_json(const avala_object* obj) {
  return obj ? const_cast<avala_object*>(obj)->cache.whole(obj->object.json()) : nullptr;
}

const char* avala_object_field_json(const avala_object* obj, const char* field) {
  if (obj == nullptr || field == nullptr) return nullptr;
  return const_cast<avala_object*>(obj)->cache.field(obj->object.json(), field);
}

void avala_page_free(avala_page* page) { delete page; }
size_t avala_page_count(const avala_page* page) { return page ? page->items.size() : 0; }
const avala_object* avala_page_item(const avala_page* page, size_t i) {
  return page && i < page->items.size() ? page->items[i].get() : nullptr;
}
const char* avala_page_next_cursor(const avala_page* page) { return page ? page->cursors.next_c() : nullptr; }
const char* avala_page_previous_cursor(const avala_page* page) {
  return page ? page->cursors.previous_c() : nullptr;
}
int avala_page_has_more(const avala_page* page) { return page && page->cursors.has_more ? 1 : 0; }

int avala_iter_next(avala_object** out, avala_iter* it, avala_error** out_err) {
  return capi::iter_next(out, it, out_err);
}

void avala_iter_free(avala_iter* it) { delete it; }

/* ---- tasks ---- */

int avala_task_list(avala_iter** out, avala_client* c, const avala_list_options* opts, avala_error** e) {
  return iter_call(out, c, api::kTaskList, {}, opts, e);
}
int avala_task_list_page(avala_page** out, avala_client* c, const avala_list_options* opts, avala_error** e) {
  return page_call(out, c, api::kTaskList, {}, opts, e);
}
int avala_task_get(avala_object** out, avala_client* c, const char* uid, avala_error** e) {
  return object_call(out, c, api::kTaskGet, {uid}, e);
}

/* ---- exports ---- */

int avala_export_list(avala_iter** out, avala_client* c, const avala_list_options* opts, avala_error** e) {
  return iter_call(out, c, api::kExportList, {}, opts, e);
}
int avala_export_list_page(avala_page** out, avala_client* c, const avala_list_options* opts, avala_error** e) {
  return page_call(out, c, api::kExportList, {}, opts, e);
}
int avala_export_get(avala_object** out, avala_client* c, const char* uid, avala_error** e) {
  return object_call(out, c, api::kExportGet, {uid}, e);
}

int avala_export_create(avala_object** out, avala_client* c, const char* project, const char* dataset,
                        avala_error** e) {
  if ((project == nullptr) == (dataset == nullptr)) {
    if (out != nullptr) *out = nullptr;
    return invalid(e, "export create takes exactly one of project and dataset");
  }
  return object_call(out, c, api::kExportCreate, {}, e, [&] {
    boost::json::object body;
    if (project != nullptr) body["project"] = project;
    if (dataset != nullptr) body["dataset"] = dataset;
    return std::optional<boost::json::object>(std::move(body));
  });
}

int avala_wait_options_init(avala_wait_options* opts, uint32_t version) {
  if (opts == nullptr || version < 1 || version > AVALA_WAIT_OPTIONS_VERSION) return AVALA_E_INVALID_ARGUMENT;
  *opts = avala_wait_options AVALA_WAIT_OPTIONS_INIT;
  opts->version = version;
  return AVALA_OK;
}

int avala_export_wait(avala_object** out, avala_client* c, const char* uid, const avala_wait_options* opts,
                      avala_export_progress_fn progress, void* payload, avala_error** e) {
  if (out == nullptr || c == nullptr || uid == nullptr) return invalid(e, "out, client and uid must not be NULL");
  *out = nullptr;
  return guard(e, [&] {
    std::optional<std::chrono::milliseconds> interval, timeout;
    if (opts != nullptr) {
      if (opts->version < 1) return fail(e, AVALA_E_INVALID_ARGUMENT, "wait options have no version");
      if (opts->interval_ms != 0) interval = std::chrono::milliseconds(opts->interval_ms);
      if (opts->timeout_ms != 0) timeout = std::chrono::milliseconds(opts->timeout_ms);
    }
    avala::exports::Progress cb;
    if (progress != nullptr) {
      cb = [progress, payload](const avala::Object& exp, double elapsed) {
        avala_object view(exp);
        return progress(&view, elapsed, payload) == AVALA_CONTINUE;
      };
    }
    auto options = avala::exports::make_wait_options(interval, timeout);
    if (c->queue) {
      avala::Client client = c->client;
      return start_on_queue<avala::Object>(c, new_object, kFreeObject, [&](avala::Done<avala::Object> done) {
        avala::exports::wait_async(client, uid, options, std::move(cb), std::move(done));
      });
    }
    *out = new avala_object(avala::exports::wait(core(c), uid, options, cb));
    return AVALA_OK;
  });
}

/* ---- agents ---- */

int avala_agent_list(avala_iter** out, avala_client* c, const avala_list_options* opts, avala_error** e) {
  return iter_call(out, c, api::kAgentList, {}, opts, e);
}
int avala_agent_list_page(avala_page** out, avala_client* c, const avala_list_options* opts, avala_error** e) {
  return page_call(out, c, api::kAgentList, {}, opts, e);
}
int avala_agent_get(avala_object** out, avala_client* c, const char* uid, avala_error** e) {
  return object_call(out, c, api::kAgentGet, {uid}, e);
}
int avala_agent_create(avala_object** out, avala_client* c, const char* fields_json, avala_error** e) {
  return fields_call(out, c, api::kAgentCreate, {}, fields_json, false, e);
}
int avala_agent_update(avala_object** out, avala_client* c, const char* uid, const char* fields_json,
                       avala_error** e) {
  return fields_call(out, c, api::kAgentUpdate, {uid}, fields_json, true, e);
}
int avala_agent_delete(avala_client* c, const char* uid, avala_error** e) {
  return empty_call(c, api::kAgentDelete, {uid}, e);
}
int avala_agent_execution_list(avala_iter** out, avala_client* c, const char* agent_uid,
                               const avala_list_options* opts, avala_error** e) {
  return iter_call(out, c, api::kAgentExecutions, {agent_uid}, opts, e);
}
int avala_agent_execution_list_page(avala_page** out, avala_client* c, const char* agent_uid,
                                    const avala_list_options* opts, avala_error** e) {
  return page_call(out, c, api::kAgentExecutions, {agent_uid}, opts, e);
}
int avala_agent_test(avala_object** out, avala_client* c, const char* uid, avala_error** e) {
  return object_call(out, c, api::kAgentTest, {uid}, e);
}

/* ---- quality targets ---- */

int avala_quality_target_list(avala_iter** out, avala_client* c, const char* project,
                              const avala_list_options* opts, avala_error** e) {
  return iter_call(out, c, api::kQualityTargetList, {project}, opts, e);
}
int avala_quality_target_list_page(avala_page** out, avala_client* c, const char* project,
                                   const avala_list_options* opts, avala_error** e) {
  return page_call(out, c, api::kQualityTargetList, {project}, opts, e);
}
int avala_quality_target_get(avala_object** out, avala_client* c, const char* project, const char* uid,
                             avala_error** e) {
  return object_call(out, c, api::kQualityTargetGet, {project, uid}, e);
}
int avala_quality_target_create(avala_object** out, avala_client* c, const char* project, const char* fields_json,
                                avala_error** e) {
  return fields_call(out, c, api::kQualityTargetCreate, {project}, fields_json, false, e);
}
int avala_quality_target_update(avala_object** out, avala_client* c, const char* project, const char* uid,
                                const char* fields_json, avala_error** e) {
  return fields_call(out, c, api::kQualityTargetUpdate, {project, uid}, fields_json, true, e);
}
int avala_quality_target_delete(avala_client* c, const char* project, const char* uid, avala_error** e) {
  return empty_call(c, api::kQualityTargetDelete, {project, uid}, e);
}
int avala_quality_target_evaluate(avala_page** out, avala_client* c, const char* project, avala_error** e) {
  if (out == nullptr || c == nullptr || project == nullptr) {
    return invalid(e, "out, client and project must not be NULL");
  }
  *out = nullptr;
  return guard(e, [&] {
    return deliver(out, c, avala::array_call(c->client, api::kQualityTargetEvaluate, {project}),
                   [](std::vector<avala::Object> items) { return make_page(std::move(items)).release(); }, kFreePage);
  });
}

/* ---- datasets ---- */

int avala_dataset_list(avala_iter** out, avala_client* c, const avala_list_options* opts, avala_error** e) {
  return iter_call(out, c, api::kDatasetList, {}, opts, e);
}
int avala_dataset_list_page(avala_page** out, avala_client* c, const avala_list_options* opts, avala_error** e) {
  return page_call(out, c, api::kDatasetList, {}, opts, e);
}
int avala_dataset_get(avala_object** out, avala_client* c, const char* uid, avala_error** e) {
  return object_call(out, c, api::kDatasetGet, {uid}, e);
}

}  // extern "C"
