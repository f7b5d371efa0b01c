// The path check: whatever it accepts, expanded into a route, stays one path
// segment below the base path (no traversal, no extra '/', no control chars).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "avala/error.hpp"
#include "avala/route.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view id(reinterpret_cast<const char*>(data), size);
  static const avala::BaseUrl base = avala::parse_base_url("https://api.avala.ai/api/v1", false);
  static const avala::Route route{"GET", "/tasks/{}/", {"task uid"}};
  try {
    std::string target = avala::expand(base, route, {id});
    std::string_view t = target;
    constexpr std::string_view prefix = "/api/v1/tasks/";
    if (t.substr(0, prefix.size()) != prefix || t.back() != '/') __builtin_trap();
    std::string_view seg = t.substr(prefix.size(), t.size() - prefix.size() - 1);
    if (seg.empty() || seg.find('/') != std::string_view::npos || seg == "." || seg == ".." ||
        avala::has_control_chars(seg))
      __builtin_trap();
  } catch (const avala::Error& e) {
    if (e.kind() != avala::ErrorKind::invalid_argument) __builtin_trap();
  }
  try {
    avala::check_relative_target(id);
    if (id.empty() || id[0] != '/' || avala::has_control_chars(id)) __builtin_trap();
  } catch (const avala::Error& e) {
    if (e.kind() != avala::ErrorKind::invalid_argument) __builtin_trap();
  }
  return 0;
}
