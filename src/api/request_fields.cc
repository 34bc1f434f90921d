#include "api/request_fields.h"

#include <algorithm>
#include <limits>

#include "api/api_error_messages.h"

namespace sg::api {
namespace {

constexpr std::string_view kNotNull = "Member must not be null";

std::string number_text(int64_t v) { return std::to_string(v); }

std::string default_render(std::span<const json::Value> items) {
  std::string out("[");
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.append(", ");
    if (items[i].is_string())
      out.append(items[i].as_string());
    else
      out.append(items[i].dump());
  }
  out.append("]");
  return out;
}

}  // namespace

size_t utf16_length(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;  // a lead byte starts a code point
    if (c >= 0xF0) ++n;           // outside the BMP: a surrogate pair
  }
  return n;
}

std::string violation(std::string_view path, const std::optional<std::string>& shown,
                      std::string_view constraint, bool hidden) {
  std::string out("Value");
  if (!shown) {
    out.append(" null");
  } else if (!hidden) {
    out.append(" '").append(*shown).append("'");
  }
  out.append(" at '").append(path).append("' failed to satisfy constraint: ").append(constraint);
  return out;
}

ApiError validation_errors(std::span<const std::string> lines) {
  std::string message = std::to_string(lines.size());
  message.append(lines.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) message.append("; ");
    message.append(lines[i]);
  }
  return validation_error(std::move(message));
}

RequestFields::RequestFields(const json::Value& request)
    : RequestFields(request, "", std::make_shared<Problems>()) {}

RequestFields::RequestFields(json::Value object, std::string prefix, std::shared_ptr<Problems> problems)
    : object_(std::move(object)), prefix_(std::move(prefix)), problems_(std::move(problems)) {}

const json::Value& RequestFields::raw(std::string_view member) const {
  static const json::Value kNull;
  const json::Value* v = object_.find(member);
  return v ? *v : kNull;
}

std::string RequestFields::path_of(std::string_view member) const {
  std::string out(prefix_);
  out.append(member);
  return out;
}

void RequestFields::add_violation(std::string line) { problems_->violations.push_back(std::move(line)); }

void RequestFields::wrong_type(const json::Value& got, std::string_view expected) {
  if (problems_->serialization) return;  // the first one is what Coral stops at
  std::string message;
  switch (got.type()) {
    case json::Type::kObject:
      message = "Start of structure or map found where not expected.";
      break;
    case json::Type::kArray:
      message = "Start of list found where not expected.";
      break;
    default: {
      message = got.is_string() ? "STRING_VALUE" : got.is_bool() ? "BOOLEAN_VALUE" : "NUMBER_VALUE";
      message.append(" can not be converted to ").append(expected);
    }
  }
  problems_->serialization = serialization_error(std::move(message));
}

std::optional<std::string> RequestFields::check_string(const std::string& path, const json::Value& v,
                                                       const StringRule& rule) {
  if (v.is_null()) {
    if (rule.required) add_violation(violation(path, std::nullopt, kNotNull));
    return std::nullopt;
  }
  if (!v.is_string()) {
    wrong_type(v, "String");
    return std::nullopt;
  }
  std::string s(v.as_string());
  size_t length = utf16_length(s);
  auto fail = [&](std::string_view constraint) {
    add_violation(violation(path, s, constraint, rule.sensitive));
  };
  if (rule.min_length && length < *rule.min_length) {
    std::string c("Member must have length greater than or equal to ");
    c.append(std::to_string(*rule.min_length));
    fail(c);
  }
  if (rule.max_length && length > *rule.max_length) {
    std::string c("Member must have length less than or equal to ");
    c.append(std::to_string(*rule.max_length));
    fail(c);
  }
  if (rule.matches && !rule.matches(s)) {
    std::string c("Member must satisfy regular expression pattern: ");
    c.append(rule.pattern);
    fail(c);
  }
  if (!rule.enum_values.empty() &&
      std::find(rule.enum_values.begin(), rule.enum_values.end(), s) == rule.enum_values.end()) {
    std::string c("Member must satisfy enum value set: [");
    for (size_t i = 0; i < rule.enum_values.size(); ++i) {
      if (i) c.append(", ");
      c.append(rule.enum_values[i]);
    }
    c.append("]");
    fail(c);
  }
  return s;
}

std::optional<std::string> RequestFields::string(std::string_view member, const StringRule& rule) {
  return check_string(path_of(member), raw(member), rule);
}

std::optional<int64_t> RequestFields::integer(std::string_view member, const IntRule& rule) {
  const json::Value& v = raw(member);
  std::string path = path_of(member);
  if (v.is_null()) {
    if (rule.required) add_violation(violation(path, std::nullopt, kNotNull));
    return std::nullopt;
  }
  int64_t n = 0;
  // Model integers are Java ints: anything else cannot be read.
  if (!v.is_number() || !v.integral_value(&n) || n < std::numeric_limits<int32_t>::min() ||
      n > std::numeric_limits<int32_t>::max()) {
    wrong_type(v, "Integer");
    return std::nullopt;
  }
  if (rule.min && n < *rule.min) {
    std::string c("Member must have value greater than or equal to ");
    c.append(number_text(*rule.min));
    add_violation(violation(path, number_text(n), c));
  }
  if (rule.max && n > *rule.max) {
    std::string c("Member must have value less than or equal to ");
    c.append(number_text(*rule.max));
    add_violation(violation(path, number_text(n), c));
  }
  return n;
}

std::optional<bool> RequestFields::boolean(std::string_view member, bool required) {
  const json::Value& v = raw(member);
  if (v.is_null()) {
    if (required) add_violation(violation(path_of(member), std::nullopt, kNotNull));
    return std::nullopt;
  }
  if (!v.is_bool()) {
    wrong_type(v, "Boolean");
    return std::nullopt;
  }
  return v.as_bool();
}

std::optional<RequestFields> RequestFields::structure(std::string_view member, bool required) {
  const json::Value& v = raw(member);
  if (v.is_null()) {
    if (required) add_violation(violation(path_of(member), std::nullopt, kNotNull));
    return std::nullopt;
  }
  if (!v.is_object()) {
    wrong_type(v, "Structure");
    return std::nullopt;
  }
  std::string prefix = path_of(member);
  prefix.push_back('.');
  return RequestFields(v, std::move(prefix), problems_);
}

std::optional<std::vector<json::Value>> RequestFields::list(std::string_view member, const ListRule& rule) {
  const json::Value& v = raw(member);
  std::string path = path_of(member);
  if (v.is_null()) {
    if (rule.required) add_violation(violation(path, std::nullopt, kNotNull));
    return std::nullopt;
  }
  if (!v.is_array()) {
    wrong_type(v, "List");
    return std::nullopt;
  }
  std::span<const json::Value> items = v.items();
  auto shown = [&] { return rule.render ? rule.render(items) : default_render(items); };
  if (rule.min_length && items.size() < *rule.min_length) {
    std::string c("Member must have length greater than or equal to ");
    c.append(std::to_string(*rule.min_length));
    add_violation(violation(path, shown(), c));
  }
  if (rule.max_length && items.size() > *rule.max_length) {
    std::string c("Member must have length less than or equal to ");
    c.append(std::to_string(*rule.max_length));
    add_violation(violation(path, shown(), c));
  }
  return std::vector<json::Value>(items.begin(), items.end());
}

std::optional<RequestFields> RequestFields::list_structure(std::string_view member, size_t index,
                                                           const json::Value& item) {
  if (!item.is_object()) {
    if (!item.is_null()) wrong_type(item, "Structure");
    return std::nullopt;
  }
  std::string prefix = path_of(member);
  prefix.append(".").append(std::to_string(index + 1)).append(".member.");
  return RequestFields(item, std::move(prefix), problems_);
}

std::optional<std::string> RequestFields::list_string(std::string_view member, size_t index,
                                                      const json::Value& item, const StringRule& rule) {
  std::string path = path_of(member);
  path.append(".").append(std::to_string(index + 1)).append(".member");
  return check_string(path, item, rule);
}

std::optional<ApiError> RequestFields::error() const {
  if (problems_->serialization) return problems_->serialization;
  if (!problems_->violations.empty()) return validation_errors(problems_->violations);
  return std::nullopt;
}

}  // namespace sg::api
