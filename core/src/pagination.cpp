#include "avala/pagination.hpp"

#include <algorithm>

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

namespace {

constexpr std::string_view kSpace = " \t\n\r";

// A cursor over the end of a body, for the few tokens next_link_hint reads.
struct Tail {
  std::string_view rest;

  void space() noexcept { rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(kSpace))); }
  bool take(char c) noexcept {
    space();
    if (rest.empty() || rest.front() != c) return false;
    rest.remove_prefix(1);
    return true;
  }
  // A string without escapes (the opening quote already taken); its text.
  std::optional<std::string_view> plain_string() noexcept {
    auto end = rest.find('"');
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view s = rest.substr(0, end);
    if (s.find('\\') != std::string_view::npos) return std::nullopt;
    rest.remove_prefix(end + 1);
    return s;
  }
  // null, true, false, a number or a plain string.
  bool scalar() noexcept {
    space();
    if (take('"')) return plain_string().has_value();
    auto end = rest.find_first_not_of("0123456789+-.eEnulltrufas");
    if (end == 0) return false;
    rest.remove_prefix(std::min(end, rest.size()));
    return true;
  }
};

}  // namespace

std::optional<std::string_view> next_link_hint(std::string_view body) noexcept {
  // The last "next" key, accepted only if it can be the page's own: what
  // follows its value must be nothing but scalar members and the closing
  // brace of the body. Then the object holding it ends at the body's end,
  // so it is the body itself; a "next" inside an item is always followed by
  // the end of its item and of the results list.
  constexpr std::string_view kKey = "\"next\"";
  auto at = body.rfind(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  auto before = body.find_last_not_of(kSpace, at == 0 ? std::string_view::npos : at - 1);
  if (at == 0 || before == std::string_view::npos || (body[before] != ',' && body[before] != '{')) {
    return std::nullopt;
  }
  Tail t{body.substr(at + kKey.size())};
  if (!t.take(':') || !t.take('"')) return std::nullopt;
  auto link = t.plain_string();
  if (!link || link->empty()) return std::nullopt;
  while (t.take(',')) {
    if (!t.take('"') || !t.plain_string() || !t.take(':') || !t.scalar()) return std::nullopt;
  }
  if (!t.take('}')) return std::nullopt;
  t.space();
  return t.rest.empty() ? link : std::nullopt;
}

}  // namespace avala
