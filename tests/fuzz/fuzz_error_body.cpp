// Error-body parsing: any status and body map to an Error whose message and
// body never contain the configured key.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "avala/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  int status = 300 + (data[0] | (data[1] << 8)) % 300;
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  // The key is echoed inside the body the way a careless server might.
  static const std::string key = "fuzzKey0123456789abcdef";
  std::string body = std::string(rest) + key;
  (void)avala::message_from_body(status, rest);
  (void)avala::parse_retry_after(rest, 1.7e9);
  avala::Error e = avala::error_from_response(status, body, rest, rest, key);
  if (std::string_view(e.what()).find(key) != std::string_view::npos) __builtin_trap();
  if (e.body().find(key) != std::string::npos) __builtin_trap();
  if (e.http_status() != status || e.kind() != avala::kind_for_status(status)) __builtin_trap();
  return 0;
}
