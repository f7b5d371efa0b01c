#include "avala/route.hpp"

#include <boost/url.hpp>

#include "avala/error.hpp"

namespace avala {

std::string expand(const BaseUrl& base, const Route& route, std::initializer_list<std::string_view> ids,
                   const Query& query) {
  boost::urls::url u;
  std::string path = base.path;
  auto id = ids.begin();
  std::size_t n = 0;
  std::string_view tmpl = route.path;
  for (std::size_t pos; (pos = tmpl.find("{}")) != std::string_view::npos;) {
    path.append(tmpl.substr(0, pos));
    if (id == ids.end()) throw Error(ErrorKind::internal, "route is missing an id");
    check_path_segment(*id, n < route.what.size() && !route.what[n].empty() ? route.what[n] : "id");
    path.append(boost::urls::encode(*id, boost::urls::pchars));
    ++id;
    ++n;
    tmpl.remove_prefix(pos + 2);
  }
  path.append(tmpl);
  u.set_encoded_path(path);
  for (const auto& [k, v] : query) u.params().append({k, v});
  return std::string(u.encoded_target());
}

}  // namespace avala
