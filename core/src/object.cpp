#include "avala/object.hpp"

namespace avala {

Object Object::decode(const Schema& schema, RecordRef obj) {
  required_strings(*obj, schema.required, schema.name);
  return Object(schema.kind, std::move(obj));
}

}  // namespace avala
