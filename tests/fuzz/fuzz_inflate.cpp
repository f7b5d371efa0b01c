// Response decoding: any bytes under any Content-Encoding, fed in two pieces,
// never crash and never produce more than the limit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "avala/error.hpp"
#include "inflate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static constexpr std::string_view kCodings[] = {"gzip", "deflate", "identity", "gzip, identity"};
  std::string_view coding = kCodings[data[0] % 4];
  std::size_t limit = std::size_t(data[1]) * 1024;  // 0..255 KiB
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::string out;
  try {
    avala::Inflater inflater(coding, limit);
    inflater.feed(body.substr(0, body.size() / 3), out);
    inflater.feed(body.substr(body.size() / 3), out);
    inflater.finish();
  } catch (const avala::Error&) {
  }
  if (out.size() > limit) __builtin_trap();
  return 0;
}
