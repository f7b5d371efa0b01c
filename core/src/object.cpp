#include "avala/object.hpp"

namespace avala {

Object Object::decode(const Schema& schema, RecordRef obj) {
  for (std::string_view key : schema.required) {
    if (!key.empty()) required_string(*obj, key, schema.name);
  }
  return Object(schema.kind, std::move(obj));
}

}  // namespace avala
