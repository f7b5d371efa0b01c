// A resource object (task, export, agent, ...): the whole JSON object as the
// server sent it, checked on decode for the fields callers rely on.
#pragma once

#include <boost/json/object.hpp>
#include <array>
#include <optional>
#include <string_view>

#include "avala/json_codec.hpp"

namespace avala {

enum class ObjectKind {
  other,  // a free-form answer, e.g. an agent test result
  task,
  export_,
  agent,
  agent_execution,
  quality_target,
  quality_target_evaluation,
  dataset,
};

// What objects of one resource must hold.
struct Schema {
  ObjectKind kind;
  std::string_view name;                         // "task", used in decode errors
  std::array<std::string_view, 2> required;  // string fields that must be present ("" = none)
};

class Object {
 public:
  // Throws Error(decode) when a required string field is missing.
  static Object decode(const Schema& schema, RecordRef obj);

  ObjectKind kind() const noexcept { return kind_; }
  std::optional<std::string_view> string(std::string_view key) const noexcept { return obj_->string(key); }
  const boost::json::object& json() const { return obj_->json(); }

 private:
  Object(ObjectKind kind, RecordRef obj) : kind_(kind), obj_(std::move(obj)) {}
  ObjectKind kind_;
  RecordRef obj_;  // never null
};

}  // namespace avala
