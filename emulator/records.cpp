#include "records.hpp"

#include <algorithm>
#include <deque>

#include <boost/json.hpp>

#include "responses.hpp"
#include "values.hpp"

namespace emu {
namespace json = boost::json;

Record& RecordSet::add(Record r) {
    records_.push_back(std::move(r));
    return records_.back();
}

Record* RecordSet::find(std::string_view uid, std::string_view scope) {
    for (auto& r : records_)
        if (r.uid == uid && r.scope == scope) return &r;
    return nullptr;
}

bool RecordSet::erase(std::string_view uid, std::string_view scope) {
    auto it = std::find_if(records_.begin(), records_.end(),
                           [&](const Record& r) { return r.uid == uid && r.scope == scope; });
    if (it == records_.end()) return false;
    records_.erase(it);
    return true;
}

void RecordSet::erase_scope(std::string_view scope) {
    std::erase_if(records_, [&](const Record& r) { return r.scope == scope; });
}

std::vector<Record*> RecordSet::in_scope(std::string_view scope) {
    std::vector<Record*> out;
    for (auto& r : records_)
        if (r.scope == scope) out.push_back(&r);
    return out;
}

std::string State::new_uid(std::uint64_t salt) { return stable_uid(++created_, salt); }

Response records_page(const Call& call, const LinkConfig& links, const std::vector<Record*>& rows) {
    std::deque<std::string> texts;  // a deque: views into earlier texts stay valid
    return page_response(call, links, rows.size(), [&](std::size_t i) -> std::string_view {
        return texts.emplace_back(json::serialize(rows[i]->fields));
    });
}

Response record_response(const Record& r, unsigned status) {
    Response out;
    out.status = status;
    out.body = json::serialize(r.fields);
    return out;
}

void add_crud_routes(Router& router, const CrudSpec& spec, State& state, const Store& store,
                     const LinkConfig& links) {
    // The scope of a call: its project (checked to exist), or "" when unscoped.
    auto scope_of = [&store,
                     scoped = spec.project_scoped](const Call& call) -> std::optional<std::string> {
        if (!scoped) return std::string();
        if (!store.projects.find(call.params.front())) return std::nullopt;
        return call.params.front();
    };
    const std::string item_path = spec.path + "{uid}/";

    router.add({"GET", spec.path, Auth::api_key, [=, &state, &links](const Call& call) {
                    auto scope = scope_of(call);
                    if (!scope) return detail_response(404, "Not found.");
                    std::lock_guard lock(state.mutex);
                    return records_page(call, links, (state.*spec.records).in_scope(*scope));
                }});

    router.add({"POST", spec.path, Auth::api_key, [=, &state, &store](const Call& call) {
                    auto scope = scope_of(call);
                    if (!scope) return detail_response(404, "Not found.");
                    auto body = parse_object_body(call.request.body);
                    if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
                    auto accepted =
                        validate_fields(std::get<json::object>(body), spec.fields, true, store);
                    if (auto* err = std::get_if<Response>(&accepted)) return std::move(*err);

                    std::lock_guard lock(state.mutex);
                    Record r{state.new_uid(spec.uid_salt), *scope, {}, {}};
                    r.fields["uid"] = r.uid;
                    for (auto& [k, v] : std::get<json::object>(accepted))
                        r.fields[k] = std::move(v);
                    if (spec.on_create) spec.on_create(r.fields, state);
                    std::string now = now_string();
                    r.fields["created_at"] = now;
                    r.fields["updated_at"] = now;
                    return record_response((state.*spec.records).add(std::move(r)), 201);
                }});

    router.add({"GET", item_path, Auth::api_key, [=, &state](const Call& call) {
                    auto scope = scope_of(call);
                    if (!scope) return detail_response(404, "Not found.");
                    std::lock_guard lock(state.mutex);
                    Record* r = (state.*spec.records).find(call.params.back(), *scope);
                    return r ? record_response(*r) : detail_response(404, "Not found.");
                }});

    router.add({"PATCH", item_path, Auth::api_key, [=, &state, &store](const Call& call) {
                    auto scope = scope_of(call);
                    if (!scope) return detail_response(404, "Not found.");
                    auto body = parse_object_body(call.request.body);
                    if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
                    // Like DRF, the object is looked up before the body is validated.
                    std::lock_guard lock(state.mutex);
                    Record* r = (state.*spec.records).find(call.params.back(), *scope);
                    if (!r) return detail_response(404, "Not found.");
                    auto accepted =
                        validate_fields(std::get<json::object>(body), spec.fields, false, store);
                    if (auto* err = std::get_if<Response>(&accepted)) return std::move(*err);
                    for (auto& [k, v] : std::get<json::object>(accepted))
                        r->fields[k] = std::move(v);
                    r->fields["updated_at"] = now_string();
                    return record_response(*r);
                }});

    router.add({"DELETE", item_path, Auth::api_key, [=, &state](const Call& call) {
                    auto scope = scope_of(call);
                    if (!scope) return detail_response(404, "Not found.");
                    std::lock_guard lock(state.mutex);
                    const std::string& uid = call.params.back();
                    if (!(state.*spec.records).erase(uid, *scope))
                        return detail_response(404, "Not found.");
                    if (spec.children) (state.*spec.children).erase_scope(uid);
                    Response r;
                    r.status = 204;
                    r.body.clear();
                    return r;
                }});
}

}  // namespace emu
