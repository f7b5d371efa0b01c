// Routes as data: a resource call is a method, a path template and its
// query keys, executed by the generic functions in pagination.hpp.
#pragma once

#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "avala/url.hpp"

namespace avala {

struct Route {
  std::string_view method;
  std::string_view path;  // relative to the base path; "{}" marks a caller id
  std::array<std::string_view, 2> what;  // names the ids in errors, e.g. "project uid"
};

using Query = std::vector<std::pair<std::string, std::string>>;

// base.path + the route's path with each "{}" replaced by the next id, which
// is checked (check_path_segment) and percent-encoded; then the query.
std::string expand(const BaseUrl& base, const Route& route, std::initializer_list<std::string_view> ids,
                   const Query& query = {});

}  // namespace avala
