// Cursor extraction and the same-origin rule for pagination links.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "avala/error.hpp"
#include "avala/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view link(reinterpret_cast<const char*>(data), size);
  (void)avala::cursor_from_link(link);
  static const avala::BaseUrl base = avala::parse_base_url("http://127.0.0.1:8080/api/v1", true);
  try {
    std::string target = avala::same_origin_target(base, link);
    // What we would send must be a plain origin-form target.
    if (target.empty() || target[0] != '/' || avala::has_control_chars(target)) __builtin_trap();
  } catch (const avala::Error& e) {
    if (e.kind() != avala::ErrorKind::cross_origin && e.kind() != avala::ErrorKind::decode) __builtin_trap();
  }
  return 0;
}
