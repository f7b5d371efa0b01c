// Redaction: never crashes, never lets the configured key through, and keeps
// JSON bodies JSON.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "avala/redact.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::string key = "k3y-Fuzz-5ecret-Value";
  std::string salted = std::string(text.substr(0, text.size() / 2)) + key + std::string(text.substr(text.size() / 2));
  if (avala::redact_text(salted, key).find(key) != std::string::npos) __builtin_trap();
  std::string body = avala::redact_body(salted, key);
  if (body.find(key) != std::string::npos) __builtin_trap();
  boost::json::error_code ec_in, ec_out;
  (void)boost::json::parse(salted, ec_in);
  if (!ec_in) {
    (void)boost::json::parse(body, ec_out);
    if (ec_out) __builtin_trap();  // JSON in, JSON out
  }
  (void)avala::is_secret_key(text);
  return 0;
}
