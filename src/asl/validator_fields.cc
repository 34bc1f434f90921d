// Validator value helpers: reporting, types, ranges, enums, paths, templates, warnings.
#include <cmath>

#include "asl/validator_internal.h"
#include "json/intrinsics.h"
#include "json/jsonpath.h"
#include "json/payload_template.h"
#include "json/timestamp.h"

namespace sg::asl::validator_detail {

namespace {

// The type names AWS prints in "Expected value of type ...".
const char* aws_type_name(json::Type t) {
  switch (t) {
    case json::Type::kString:
      return "String";
    case json::Type::kObject:
      return "Object";
    case json::Type::kArray:
      return "Array";
    case json::Type::kBool:
      return "Boolean";
    case json::Type::kInt:
      return "Integer";
    case json::Type::kDouble:
      return "Number";
    case json::Type::kNull:
      return "Null";
  }
  return "Value";
}

// Java's Double.toString for the bounds AWS prints ("Minimum value is 0.0").
std::string java_double(double d) {
  std::string s;
  json::format_java_double(d, s);
  return s;
}

bool looks_like_intrinsic_or_path(std::string_view s) {
  return looks_like_path(s) || json::Intrinsic::looks_like_intrinsic(s);
}

}  // namespace

bool looks_like_path(std::string_view s) {
  if (s == "$" || s == "$$") return true;
  return s.starts_with("$.") || s.starts_with("$$.") || s.starts_with("$[") || s.starts_with("$$[");
}

size_t utf8_length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

void Checker::report(Severity sev, const char* code, std::string message, std::string location) {
  out_.push_back(Diagnostic{sev, code, std::move(message), std::move(location)});
}

void Checker::unsupported(std::string_view field, const std::string& object_loc) {
  schema("Field '" + std::string(field) + "' is not supported", object_loc);
}

void Checker::required(std::initializer_list<std::string_view> names, const json::Value& obj,
                       const std::string& loc) {
  std::string missing;
  for (std::string_view n : names) {
    if (obj.find(n)) continue;
    if (!missing.empty()) missing += ", ";
    missing += n;
  }
  if (!missing.empty()) schema("These fields are required: [" + missing + "]", loc);
}

bool Checker::expect_type(const json::Value& v, json::Type want, const std::string& loc) {
  if (v.type() == want) return true;
  schema(std::string("Expected value of type ") + aws_type_name(want), loc);
  return false;
}

bool Checker::check_int(const json::Value& v, std::string_view field, int64_t min, std::optional<int64_t> max,
                        const std::string& loc) {
  if (!v.is_int()) {
    schema("Expected value of type Integer", loc);
    warn_no_path(v, field, loc);
    return false;
  }
  int64_t n = v.as_int();
  if (n < min) {
    schema("Minimum value is " + std::to_string(min), loc);
    return false;
  }
  if (max && n > *max) {
    schema("Maximum value is " + std::to_string(*max), loc);
    return false;
  }
  return true;
}

bool Checker::check_number(const json::Value& v, std::string_view field, double min,
                           std::optional<double> max, const std::string& loc) {
  if (!v.is_number()) {
    schema("Expected value of type Number", loc);
    warn_no_path(v, field, loc);
    return false;
  }
  double d = v.as_double();
  if (d < min) {
    schema("Minimum value is " + java_double(min), loc);
    return false;
  }
  if (max && d > *max) {
    schema("Maximum value is " + java_double(*max), loc);
    return false;
  }
  return true;
}

void Checker::check_enum(const json::Value& v, std::initializer_list<std::string_view> values,
                         const std::string& loc) {
  if (!expect_string(v, loc)) return;
  std::string list;
  for (std::string_view x : values) {
    if (v.as_string() == x) return;
    if (!list.empty()) list += ", ";
    list += x;
  }
  schema("Value should be one of the following: [" + list + "]", loc);
}

bool Checker::exclusive(const json::Value& obj, std::initializer_list<std::string_view> names,
                        const std::string& loc) {
  int present = 0;
  std::string list;
  for (std::string_view n : names) {
    if (obj.find(n)) ++present;
    if (!list.empty()) list += ", ";
    list += n;
  }
  if (present <= 1) return true;
  schema("There should only be one of the following fields: [" + list + "]", loc);
  return false;
}

void Checker::check_io_path(const json::Value& v, const std::string& loc) {
  if (v.is_null()) return;
  if (!expect_string(v, loc)) return;
  if (!json::JsonPath::compile(v.as_string())) schema("Value must be a valid JSONPath.", loc);
}

void Checker::check_reference_path(const json::Value& v, Roots roots, bool null_ok, const std::string& loc) {
  if (null_ok && v.is_null()) return;
  if (!expect_string(v, loc)) return;
  std::string_view text = v.as_string();
  if (!text.starts_with("$")) {
    schema("Value is not a Reference Path: Reference path didn't start with '$'", loc);
    return;
  }
  auto p = json::JsonPath::compile(text);
  bool ok = p.ok() && p->is_reference_path();
  if (ok && roots == Roots::kInputOnly) ok = p->root() == json::PathRoot::kInput;
  if (ok && roots == Roots::kNoContext) ok = p->root() != json::PathRoot::kContext;
  if (!ok) schema("Value is not a Reference Path", loc);
}

void Checker::check_timestamp(const json::Value& v, const std::string& loc) {
  if (!expect_string(v, loc)) return;
  if (!json::parse_rfc3339(v.as_string())) schema("String does not match RFC3339 timestamp", loc);
}

void Checker::warn_no_path(const json::Value& v, std::string_view field, const std::string& loc) {
  if (!v.is_string() || !looks_like_path(v.as_string())) return;
  warn("NO_PATH",
       "The value of field '" + std::string(field) +
           "' looks like a path, but the field name does not end with 'Path'",
       loc);
}

void Checker::check_comment(const json::Value& obj, const std::string& loc) {
  if (const json::Value* c = obj.find("Comment")) expect_string(*c, at(loc, "Comment"));
}

namespace {

// Walks a payload template: every "x.$" value must compile as a path or an intrinsic call
// (AWS's message, at the template field); other string values that look like one get a
// NO_DOLLAR warning. Returns the number of errors reported.
struct TemplateWalker {
  Checker& checker;
  const std::string& loc;
  int errors = 0;

  void walk(const json::Value& v) {
    if (v.is_array()) {
      for (const json::Value& x : v.items()) walk(x);
      return;
    }
    if (!v.is_object()) return;
    for (const json::Member& m : v.members()) {
      std::string_view key = m.name();
      if (key.size() >= 2 && key.ends_with(".$")) {
        bool ok = m.value.is_string() && json::Expression::compile(m.value.as_string()).ok();
        if (!ok) {
          checker.schema("The value for the field '" + std::string(key) +
                             "' must be a valid JSONPath or a valid intrinsic function call",
                         loc);
          ++errors;
        }
        continue;
      }
      if (m.value.is_string() && looks_like_intrinsic_or_path(m.value.as_string())) {
        checker.warn("NO_DOLLAR",
                     "The value of field '" + std::string(key) +
                         "' looks like a JSONPath or an intrinsic function call, but the field name does not "
                         "end with '.$'",
                     loc);
      }
      walk(m.value);
    }
  }
};

}  // namespace

void Checker::check_template(const json::Value& v, const std::string& loc) {
  TemplateWalker w{*this, loc};
  w.walk(v);
  if (w.errors > 0) return;
  // The walk found nothing wrong; the compiler has the last word (duplicate keys after
  // renaming, nesting limits, ...), so what passes here also loads.
  auto t = json::PayloadTemplate::compile(v);
  if (!t) schema(t.error().message, loc);
}

}  // namespace sg::asl::validator_detail
