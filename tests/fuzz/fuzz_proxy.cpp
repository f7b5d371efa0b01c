// Proxy URLs and NO_PROXY lists: never crash, and a password put into a
// proxy URL never appears in what parse_proxy_url reports (result or error).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "avala/error.hpp"
#include "avala/proxy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::string password = "Pw0rdFuzzSecret";
  if (text.find(password) != std::string_view::npos) return 0;  // it would show as host or user, rightly
  auto half = text.size() / 2;
  // "<first half>:<password>@<second half>": the password is userinfo when
  // the rest parses as a URL.
  std::string url = "http://" + std::string(text.substr(0, half)) + ":" + password + "@" + std::string(text.substr(half));
  if (avala::redact_proxy_url(url).find(password) != std::string::npos) __builtin_trap();
  try {
    auto p = avala::parse_proxy_url(url);
    if (p.redacted().find(password) != std::string::npos) __builtin_trap();
    (void)p.authorization();
    (void)avala::connect_request(p, text.substr(0, half), "443", "");
  } catch (const avala::Error& e) {
    if (std::string_view(e.what()).find(password) != std::string_view::npos) __builtin_trap();
  }
  try {
    (void)avala::parse_proxy_url(text);
  } catch (const avala::Error&) {
  }
  (void)avala::no_proxy_matches(text.substr(0, half), text.substr(half));
  (void)avala::no_proxy_matches(text, "10.1.2.3");
  (void)avala::no_proxy_matches(text, "fd00::1");
  return 0;
}
