// Page decoding: any body is either a page of projects/objects or Error(decode).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "avala/endpoint.hpp"
#include "avala/error.hpp"
#include "avala/resources/catalog.hpp"
#include "avala/resources/projects.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    auto page = avala::make_page<avala::Project>(avala::decode_page(body));
    for (const auto& p : page.items) {
      if (p.uid().data() == nullptr || p.name().data() == nullptr) __builtin_trap();
      (void)p.status_kind();
    }
    if (page.has_more() != page.next.has_value()) __builtin_trap();
  } catch (const avala::Error& e) {
    if (e.kind() != avala::ErrorKind::decode) __builtin_trap();
  }
  try {
    avala::Decoder<avala::Object> decode = [](avala::RecordRef o) {
      return avala::Object::decode(avala::api::kAgent, std::move(o));
    };
    auto page = avala::make_page<avala::Object>(avala::decode_page(body), decode);
    for (const auto& o : page.items) {
      if (!o.string("uid") || !o.string("name")) __builtin_trap();
    }
  } catch (const avala::Error& e) {
    if (e.kind() != avala::ErrorKind::decode) __builtin_trap();
  }
  return 0;
}
