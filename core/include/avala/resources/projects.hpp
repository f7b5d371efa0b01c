// Projects: the centre of the API.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

#include "avala/pagination.hpp"
#include "avala/route.hpp"

namespace avala {

enum class ProjectStatus { unknown, active, completed, paused, archived, pending_approval, canceled };

ProjectStatus parse_project_status(std::string_view s) noexcept;

// A project as the server sent it: typed views of the documented fields over
// the whole object, so unknown fields survive.
class Project {
 public:
  // Throws Error(decode) unless uid and name are strings.
  static Project from_json(RecordRef obj);

  std::string_view uid() const;
  std::string_view name() const;
  std::optional<std::string_view> status() const;
  ProjectStatus status_kind() const;
  std::optional<std::string_view> created_at() const;
  std::optional<std::string_view> updated_at() const;
  const boost::json::object& json() const { return obj_->json(); }

 private:
  Project(RecordRef obj, std::string_view uid, std::string_view name)
      : obj_(std::move(obj)), uid_(uid), name_(name) {}
  RecordRef obj_;  // never null
  std::string_view uid_, name_;  // into *obj_: looked up once, read by every walk
};

namespace projects {

inline constexpr Route kList{"GET", "/users/me/projects/", {"project uid"}};
inline constexpr Route kGet{"GET", "/users/me/projects/{}/", {"project uid"}};

Page<Project> list(const Client& client, const ListParams& params = {});
Project get(const Client& client, std::string_view uid);
// The same two calls as data, to run asynchronously (call.hpp).
Call<Page<Project>> list_call(const Client& client, const ListParams& params = {});
Call<Project> get_call(const Client& client, std::string_view uid);
Paginator<Project> iterate(const Client& client, const ListParams& params = {});

}  // namespace projects

}  // namespace avala
