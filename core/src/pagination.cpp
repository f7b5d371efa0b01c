#include "avala/pagination.hpp"

namespace avala {

Query list_query(const ListParams& params) {
  Query q = params.filters;
  if (params.limit) {
    if (*params.limit <= 0) throw Error(ErrorKind::invalid_argument, "limit must be a positive number");
    q.emplace_back("limit", std::to_string(*params.limit));
  }
  if (params.cursor) q.emplace_back("cursor", *params.cursor);
  return q;
}

std::optional<std::string_view> next_link_hint(std::string_view body) noexcept {
  constexpr std::string_view kKey = "\"next\"";
  auto at = body.rfind(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = body.substr(at + kKey.size());
  // Steps over white space and then `c`; false when something else comes first.
  auto expect = [&rest](char c) {
    auto i = rest.find_first_not_of(" \t\n\r");
    if (i == std::string_view::npos || rest[i] != c) return false;
    rest.remove_prefix(i + 1);
    return true;
  };
  if (!expect(':') || !expect('"')) return std::nullopt;
  auto end = rest.find('"');
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view link = rest.substr(0, end);
  if (link.empty() || link.find('\\') != std::string_view::npos) return std::nullopt;
  return link;
}

RawPage decode_page(std::string body) { return decode_list(std::move(body)); }

}  // namespace avala
