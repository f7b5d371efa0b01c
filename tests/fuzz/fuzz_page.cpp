// Page decoding: any body is either a page of projects/objects or Error(decode);
// the next-link guess never differs from a decoded page's link; an object
// body is accepted exactly when Boost.JSON accepts it, and its record agrees
// with Boost.JSON's tree.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

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
  // Any body: decode_object accepts exactly what Boost.JSON parses as an
  // object (simdjson reads the body, Boost.JSON the numbers and nested
  // values: together they must be as strict as Boost.JSON alone), the record
  // equals Boost.JSON's tree, and every string value it hands out is
  // NUL-terminated.
  boost::json::error_code ec;
  boost::json::value tree = boost::json::parse(boost::json::string_view(body.data(), body.size()), ec);
  bool object = !ec && tree.is_object();
  try {
    auto rec = avala::decode_object(std::string(body));
    if (!object) __builtin_trap();
    for (const auto& f : rec->fields()) {
      if (f.is_string() && f.text().data()[f.text().size()] != '\0') __builtin_trap();
    }
    // Serialized, so that a NaN (Boost.JSON reads 0e400 as one) equals itself.
    if (boost::json::serialize(rec->json()) != boost::json::serialize(tree.as_object())) __builtin_trap();
    for (const auto& kv : tree.as_object()) {
      auto s = rec->string(kv.key());
      if (kv.value().is_string() != s.has_value()) __builtin_trap();
      if (s && *s != std::string_view(kv.value().get_string())) __builtin_trap();
    }
  } catch (const avala::Error& e) {
    if (e.kind() != avala::ErrorKind::decode || object) __builtin_trap();
  }
  return 0;
}
