#include "avala/resources/projects.hpp"

#include <array>

namespace avala {

ProjectStatus parse_project_status(std::string_view s) noexcept {
  static constexpr std::array<std::pair<std::string_view, ProjectStatus>, 6> kNames{{
      {"active", ProjectStatus::active},
      {"completed", ProjectStatus::completed},
      {"paused", ProjectStatus::paused},
      {"archived", ProjectStatus::archived},
      {"pending-approval", ProjectStatus::pending_approval},
      {"canceled", ProjectStatus::canceled},
  }};
  for (const auto& [name, st] : kNames) {
    if (name == s) return st;
  }
  return ProjectStatus::unknown;
}

Project Project::from_json(RecordRef obj) {
  static constexpr std::array<std::string_view, 2> kKeys{"uid", "name"};
  auto [uid, name] = required_strings(*obj, kKeys, "project");
  return Project(std::move(obj), uid, name);
}

std::string_view Project::uid() const { return uid_; }
std::string_view Project::name() const { return name_; }
std::optional<std::string_view> Project::status() const { return obj_->string("status"); }
std::optional<std::string_view> Project::created_at() const { return obj_->string("created_at"); }
std::optional<std::string_view> Project::updated_at() const { return obj_->string("updated_at"); }

ProjectStatus Project::status_kind() const {
  auto s = status();
  return s ? parse_project_status(*s) : ProjectStatus::unknown;
}

namespace projects {

Page<Project> list(const Client& client, const ListParams& params) {
  return fetch_page<Project>(client, kList, {}, params);
}

Project get(const Client& client, std::string_view uid) { return fetch_one<Project>(client, kGet, {uid}); }
Call<Page<Project>> list_call(const Client& client, const ListParams& params) {
  return page_call<Project>(client, kList, {}, params);
}
Call<Project> get_call(const Client& client, std::string_view uid) { return one_call<Project>(client, kGet, {uid}); }

Paginator<Project> iterate(const Client& client, const ListParams& params) {
  return Paginator<Project>(client, expand(client.base_url(), kList, {}, list_query(params)));
}

}  // namespace projects
}  // namespace avala
