// Helpers shared by the config-section parsers of this folder (connections:, topics:):
// error messages that name the file, the line and column, and the key path. Internal.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "common/result.h"

namespace sg::integrations::config_yaml {

constexpr const char* kConfigError = "INVALID_CONFIG";

inline const char* node_kind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

// "FILE:LINE:COLUMN: message" (the position when the node has one).
inline Error error_at(std::string_view file, const YAML::Node& at, const std::string& message) {
  std::string m(file);
  if (at.IsDefined()) {
    YAML::Mark mark = at.Mark();
    if (mark.line >= 0) {
      m += ':';
      m += std::to_string(mark.line + 1);
      m += ':';
      m += std::to_string(mark.column + 1);
    }
  }
  m += ": ";
  m += message;
  return Error{kConfigError, std::move(m)};
}

// A non-empty scalar's text, or nullptr.
inline const std::string* nonempty_scalar(const YAML::Node& n) {
  if (!n.IsDefined() || !n.IsScalar() || n.Scalar().empty()) return nullptr;
  return &n.Scalar();
}

}  // namespace sg::integrations::config_yaml
