// Retry and Catch checks: fields, ranges, ErrorEquals rules (States.ALL alone and last,
// reserved "States." names).
#include <string_view>

#include "asl/states_error.h"
#include "asl/validator_internal.h"

namespace sg::asl::validator_detail {

void Checker::check_error_equals(const json::Value& obj, bool last, const std::string& loc) {
  const json::Value* ee = obj.find("ErrorEquals");
  if (!ee) return;  // reported by required()
  std::string eloc = at(loc, "ErrorEquals");
  if (!expect_array(*ee, eloc)) return;
  if (ee->size() == 0) {
    schema("Value cannot be empty", eloc);
    return;
  }
  bool has_all = false;
  for (size_t i = 0; i < ee->size(); ++i) {
    const json::Value& e = (*ee)[i];
    if (!expect_string(e, index(eloc, i))) continue;
    std::string_view name = e.as_string();
    if (name == "States.ALL") {
      has_all = true;
    } else if (name.starts_with("States.") && !is_predefined_error(name)) {
      schema("The error name '" + std::string(name) +
                 "' is reserved: names starting with 'States.' must be predefined Step Functions errors",
             eloc);
    }
  }
  if (has_all && (ee->size() > 1 || !last)) schema("States.ALL must appear alone and at end of list", eloc);
}

void Checker::check_retry(const json::Value& v, const std::string& loc) {
  if (!expect_array(v, loc)) return;
  for (size_t i = 0; i < v.size(); ++i) {
    const json::Value& r = v[i];
    std::string rloc = index(loc, i);
    if (!expect_object(r, rloc)) continue;
    for (const json::Member& m : r.members()) {
      std::string_view k = m.name();
      if (k != "ErrorEquals" && k != "IntervalSeconds" && k != "MaxAttempts" && k != "BackoffRate" &&
          k != "MaxDelaySeconds" && k != "JitterStrategy" && k != "Comment")
        unsupported(k, rloc);
    }
    required({"ErrorEquals"}, r, rloc);
    check_comment(r, rloc);
    check_error_equals(r, i + 1 == v.size(), rloc);
    // IntervalSeconds 0 is accepted by AWS (measured), although the spec says positive.
    if (const json::Value* x = r.find("IntervalSeconds"))
      check_int(*x, "IntervalSeconds", 0, kMaxTimeoutSeconds, at(rloc, "IntervalSeconds"));
    if (const json::Value* x = r.find("MaxAttempts"))
      check_int(*x, "MaxAttempts", 0, kMaxTimeoutSeconds, at(rloc, "MaxAttempts"));
    if (const json::Value* x = r.find("BackoffRate"))
      check_number(*x, "BackoffRate", 1.0, {}, at(rloc, "BackoffRate"));
    if (const json::Value* x = r.find("MaxDelaySeconds"))
      check_int(*x, "MaxDelaySeconds", 1, kMaxDelaySecondsLimit, at(rloc, "MaxDelaySeconds"));
    if (const json::Value* x = r.find("JitterStrategy"))
      check_enum(*x, {"NONE", "FULL"}, at(rloc, "JitterStrategy"));
  }
}

void Checker::check_catch(const json::Value& v, Lang lang, const std::string& loc) {
  if (!expect_array(v, loc)) return;
  for (size_t i = 0; i < v.size(); ++i) {
    const json::Value& c = v[i];
    std::string cloc = index(loc, i);
    if (!expect_object(c, cloc)) continue;
    for (const json::Member& m : c.members()) {
      std::string_view k = m.name();
      if (k == "Assign") {
        check_assign(m.value, lang, at(cloc, k), ExprUse::catcher());
      } else if (k == "Output") {
        if (lang == Lang::kJsonPath)
          schema(
              "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the "
              "'JSONata' QueryLanguage",
              cloc);
        else
          check_jsonata_template(m.value, at(cloc, k), ExprUse::catcher());
      } else if (k == "ResultPath" && lang == Lang::kJsonata) {
        schema(
            "The QueryLanguage is set to 'JSONata', but field 'ResultPath' is only supported for the "
            "'JSONPath' QueryLanguage",
            cloc);
      } else if (k != "ErrorEquals" && k != "Next" && k != "ResultPath" && k != "Comment") {
        unsupported(k, cloc);
      }
    }
    required({"ErrorEquals", "Next"}, c, cloc);
    check_comment(c, cloc);
    check_error_equals(c, i + 1 == v.size(), cloc);
    if (const json::Value* n = c.find("Next")) expect_string(*n, at(cloc, "Next"));
    if (const json::Value* rp = c.find("ResultPath"); rp && lang == Lang::kJsonPath)
      check_reference_path(*rp, Roots::kInputOnly, true, at(cloc, "ResultPath"));
  }
}

}  // namespace sg::asl::validator_detail
