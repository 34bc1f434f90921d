// JSONata fields and Assign: expressions that must parse and may read only what their
// field offers, the fields of JSONata states that take a value or an expression, and
// variable names.
#include "asl/jsonata_check.h"
#include "asl/jsonata_template.h"
#include "asl/validator_internal.h"
#include "asl/variables.h"
#include "json/jsonata.h"
#include "json/timestamp.h"

namespace sg::asl::validator_detail {

namespace {

const char* type_word(json::Type t) {
  switch (t) {
    case json::Type::kBool:
      return "Boolean";
    case json::Type::kInt:
      return "Integer";
    case json::Type::kDouble:
      return "Number";
    case json::Type::kString:
      return "String";
    case json::Type::kArray:
      return "Array";
    case json::Type::kObject:
      return "Object";
    case json::Type::kNull:
      return "Null";
  }
  return "Value";
}

bool is_expression(const json::Value& v) { return v.is_string() && is_jsonata_expression(v.as_string()); }

}  // namespace

void Checker::check_jsonata_template(const json::Value& v, const std::string& loc, ExprUse use) {
  if (v.is_object()) {
    for (const json::Member& m : v.members()) check_jsonata_template(m.value, at(loc, m.name()), use);
    return;
  }
  if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) check_jsonata_template(v[i], index(loc, i), use);
    return;
  }
  if (!is_expression(v)) return;
  std::string_view body = jsonata_expression_body(v.as_string());
  json::jsonata::Error e;
  if (!json::jsonata::compile(body, &e)) {
    report(Severity::kError, kInvalidJsonata, e.message, loc);
    return;
  }
  JsonataRefs refs = scan_jsonata(body);
  if (refs.uses_dollar_dollar)
    report(Severity::kError, kUnsupportedJsonata, "Reference to '$$' is not supported.", loc);
  if (refs.uses_result && !use.result)
    report(Severity::kError, kUnsupportedJsonata, "Field '$states.result' does not exist.", loc);
  if (refs.uses_error_output && !use.error_output)
    report(Severity::kError, kUnsupportedJsonata, "Field '$states.errorOutput' does not exist.", loc);
  for (const std::string& name : refs.top_level_names)
    report(Severity::kError, kUnsupportedJsonata,
           "Reference to '" + name + "' at the top level is not supported.", loc);
}

bool Checker::expect_jsonata_or(const json::Value& v, json::Type want, const std::string& loc) {
  if (is_expression(v)) return true;
  if (v.type() == want || (want == json::Type::kDouble && v.is_number())) return true;
  schema(std::string("Expected value of type ") + type_word(want) + " or a JSONata expression", loc);
  return false;
}

void Checker::check_assign(const json::Value& v, Lang lang, const std::string& loc, ExprUse use) {
  if (!expect_object(v, loc)) return;
  for (const json::Member& m : v.members()) {
    std::string_view name = m.name();
    if (lang == Lang::kJsonPath && name.ends_with(".$")) name.remove_suffix(2);
    std::string key_loc = at(loc, m.name());
    if (name == "states") {
      schema("The variable name 'states' is reserved", key_loc);
    } else if (!is_valid_variable_name(name)) {
      schema("The variable name '" + std::string(name) +
                 "' is not valid: a variable name is a Unicode identifier of at most 80 characters",
             key_loc);
    }
  }
  if (lang == Lang::kJsonPath) {
    check_template(v, loc);
  } else {
    check_jsonata_template(v, loc, use);
  }
}

void Checker::check_jsonata_state(Kind kind, const json::Value& st, const std::string& loc) {
  ExprUse use = ExprUse::for_state(kind);
  if (const json::Value* v = st.find("Output")) check_jsonata_template(*v, at(loc, "Output"), use);
  if (const json::Value* v = st.find("Arguments"))
    check_jsonata_template(*v, at(loc, "Arguments"), ExprUse{});
  // A number field: a literal in range, or an expression.
  auto number = [&](std::string_view field, bool integer, double min, std::optional<double> max) {
    const json::Value* v = st.find(field);
    if (!v) return;
    std::string floc = at(loc, field);
    if (is_expression(*v)) {
      check_jsonata_template(*v, floc, ExprUse{});
    } else if (integer) {
      check_int(*v, field, static_cast<int64_t>(min),
                max ? std::optional<int64_t>(static_cast<int64_t>(*max)) : std::nullopt, floc);
    } else {
      check_number(*v, field, min, max, floc);
    }
  };
  switch (kind) {
    case Kind::kTask: {
      number("TimeoutSeconds", true, 1, static_cast<double>(kMaxTimeoutSeconds));
      number("HeartbeatSeconds", true, 1, static_cast<double>(kMaxTimeoutSeconds));
      const json::Value* t = st.find("TimeoutSeconds");
      const json::Value* h = st.find("HeartbeatSeconds");
      if (t && h && t->is_int() && h->is_int() && h->as_int() >= t->as_int())
        schema("The value of 'HeartbeatSeconds' must be less than the value of 'TimeoutSeconds'",
               at(loc, "HeartbeatSeconds"));
      break;
    }
    case Kind::kWait:
      number("Seconds", true, 0, static_cast<double>(kMaxTimeoutSeconds));
      if (const json::Value* v = st.find("Timestamp")) {
        if (is_expression(*v))
          check_jsonata_template(*v, at(loc, "Timestamp"), ExprUse{});
        else
          check_timestamp(*v, at(loc, "Timestamp"));
      }
      break;
    case Kind::kFail:
      for (std::string_view f : {"Error", "Cause"})
        if (const json::Value* v = st.find(f); v && expect_string(*v, at(loc, f)))
          check_jsonata_template(*v, at(loc, f), ExprUse{});
      break;
    case Kind::kMap:
      if (const json::Value* v = st.find("Items");
          v && expect_jsonata_or(*v, json::Type::kArray, at(loc, "Items")))
        check_jsonata_template(*v, at(loc, "Items"), ExprUse{});
      if (const json::Value* v = st.find("ItemSelector"))
        check_jsonata_template(*v, at(loc, "ItemSelector"), ExprUse{});
      number("MaxConcurrency", true, 0, std::nullopt);
      number("ToleratedFailureCount", true, 0, std::nullopt);
      number("ToleratedFailurePercentage", false, 0, 100.0);
      break;
    default:
      break;
  }
}

}  // namespace sg::asl::validator_detail
