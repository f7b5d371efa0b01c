// Page decoding: any body is either a page of projects/objects or Error(decode);
// the next-link guess never differs from a decoded page's link; an object
// body's record agrees with its tree.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "avala/endpoint.hpp"
#include "avala/error.hpp"
#include "avala/resources/catalog.hpp"
#include "avala/resources/projects.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    auto hint = avala::next_link_hint(body);
    auto page = avala::make_page<avala::Project>(avala::decode_page(std::string(body)));
    // The read-ahead guess, when there is one, is the page's own link.
    if (hint && page.next != *hint) __builtin_trap();
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
    auto page = avala::make_page<avala::Object>(avala::decode_page(std::string(body)), decode);
    for (const auto& o : page.items) {
      if (!o.string("uid") || !o.string("name")) __builtin_trap();
    }
  } catch (const avala::Error& e) {
    if (e.kind() != avala::ErrorKind::decode) __builtin_trap();
  }
  // Any object body: its flat record agrees with the tree built from it,
  // and every string value it hands out is NUL-terminated.
  try {
    auto rec = avala::decode_object(std::string(body));
    const auto& tree = rec->json();
    for (const auto& f : rec->fields()) {
      if (f.is_string() && f.text().data()[f.text().size()] != '\0') __builtin_trap();
    }
    for (const auto& kv : tree) {
      auto s = rec->string(kv.key());
      if (kv.value().is_string() != s.has_value()) __builtin_trap();
      if (s && *s != std::string_view(kv.value().get_string())) __builtin_trap();
    }
  } catch (const avala::Error& e) {
    if (e.kind() != avala::ErrorKind::decode) __builtin_trap();
  }
  return 0;
}
