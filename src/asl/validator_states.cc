// Per-type state checks: which fields each state type accepts, Next/End, Pass, Task, Wait,
// Fail and Parallel.
#include <algorithm>
#include <span>

#include "asl/validator_internal.h"
#include "json/intrinsics.h"
#include "json/jsonpath.h"
#include "json/payload_template.h"

namespace sg::asl::validator_detail {

namespace {

// The fields each state type accepts besides Type, Comment and QueryLanguage, as AWS
// measured them (both query languages; the language rules come after).
constexpr std::string_view kPassFields[] = {"InputPath", "OutputPath", "Result", "ResultPath", "Parameters",
                                            "Output",    "Assign",     "Next",   "End"};
constexpr std::string_view kTaskFields[] = {
    "InputPath",      "OutputPath",         "ResultPath",       "Parameters",           "Arguments", "Output",
    "Assign",         "Resource",           "Credentials",      "ResultSelector",       "Retry",     "Catch",
    "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Next",      "End"};
constexpr std::string_view kWaitFields[] = {"InputPath", "OutputPath",  "Output",        "Assign", "Seconds",
                                            "Timestamp", "SecondsPath", "TimestampPath", "Next",   "End"};
constexpr std::string_view kParallelFields[] = {
    "InputPath",      "OutputPath", "ResultPath", "Parameters", "Arguments", "Output", "Assign",
    "ResultSelector", "Retry",      "Catch",      "Branches",   "Next",      "End"};
constexpr std::string_view kMapFields[] = {"InputPath",
                                           "OutputPath",
                                           "ResultPath",
                                           "Parameters",
                                           "Output",
                                           "Assign",
                                           "ResultSelector",
                                           "Retry",
                                           "Catch",
                                           "ItemProcessor",
                                           "Iterator",
                                           "ItemsPath",
                                           "Items",
                                           "ItemSelector",
                                           "ItemReader",
                                           "ItemBatcher",
                                           "ResultWriter",
                                           "MaxConcurrency",
                                           "MaxConcurrencyPath",
                                           "ToleratedFailurePercentage",
                                           "ToleratedFailurePercentagePath",
                                           "ToleratedFailureCount",
                                           "ToleratedFailureCountPath",
                                           "Label",
                                           "Next",
                                           "End"};
constexpr std::string_view kChoiceFields[] = {"InputPath", "OutputPath", "Output",
                                              "Assign",    "Choices",    "Default"};
constexpr std::string_view kSucceedFields[] = {"InputPath", "OutputPath", "Output"};
constexpr std::string_view kFailFields[] = {"Error", "Cause", "ErrorPath", "CausePath"};

constexpr std::string_view kJsonataOnly[] = {"Arguments", "Output", "Items"};
constexpr std::string_view kJsonPathOnly[] = {"InputPath",
                                              "OutputPath",
                                              "ResultPath",
                                              "Parameters",
                                              "ResultSelector",
                                              "Result",
                                              "ItemsPath",
                                              "TimeoutSecondsPath",
                                              "HeartbeatSecondsPath",
                                              "SecondsPath",
                                              "TimestampPath",
                                              "MaxConcurrencyPath",
                                              "ToleratedFailurePercentagePath",
                                              "ToleratedFailureCountPath",
                                              "ErrorPath",
                                              "CausePath"};

std::span<const std::string_view> fields_of(Kind k) {
  switch (k) {
    case Kind::kPass:
      return kPassFields;
    case Kind::kTask:
      return kTaskFields;
    case Kind::kChoice:
      return kChoiceFields;
    case Kind::kWait:
      return kWaitFields;
    case Kind::kSucceed:
      return kSucceedFields;
    case Kind::kFail:
      return kFailFields;
    case Kind::kParallel:
      return kParallelFields;
    case Kind::kMap:
      return kMapFields;
    case Kind::kUnknown:
      break;
  }
  return {};
}

bool contains(std::span<const std::string_view> list, std::string_view x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

// Intrinsics that return a string, the only ones Fail ErrorPath/CausePath accept.
constexpr std::string_view kStringIntrinsics[] = {
    "States.Format",       "States.JsonToString", "States.ArrayGetItem", "States.Base64Encode",
    "States.Base64Decode", "States.Hash",         "States.UUID"};

}  // namespace

void Checker::check_state_fields(Kind kind, const json::Value& st, Lang lang, const std::string& loc) {
  std::span<const std::string_view> allowed = fields_of(kind);
  for (const json::Member& m : st.members()) {
    std::string_view k = m.name();
    if (k == "Type" || k == "QueryLanguage") continue;
    if (k == "Comment") {
      expect_string(m.value, at(loc, k));
      continue;
    }
    if (!contains(allowed, k)) {
      unsupported(k, loc);
    } else if (lang == Lang::kJsonPath && contains(kJsonataOnly, k)) {
      schema("The QueryLanguage is set to 'JSONPath', but field '" + std::string(k) +
                 "' is only supported for the 'JSONata' QueryLanguage",
             loc);
    } else if (lang == Lang::kJsonata && contains(kJsonPathOnly, k)) {
      schema("The QueryLanguage is set to 'JSONata', but field '" + std::string(k) +
                 "' is only supported for the 'JSONPath' QueryLanguage",
             loc);
    }
  }
}

void Checker::check_transition_fields(Kind kind, const json::Value& st, const std::string& loc) {
  if (kind == Kind::kChoice || kind == Kind::kSucceed || kind == Kind::kFail) return;  // no Next/End
  const json::Value* next = st.find("Next");
  const json::Value* end = st.find("End");
  if (next) expect_string(*next, at(loc, "Next"));
  if (end) expect_bool(*end, at(loc, "End"));
  bool ends = end && end->is_bool() && end->as_bool();
  if (next && ends) {
    schema("There should only be one of the following fields: [Next, End]", loc);
  } else if (!next && !ends) {
    schema("This object should have only one of the following fields: [Next, End]", loc);
  }
}

void Checker::check_pass(const json::Value& st, const std::string& loc) {
  if (const json::Value* v = st.find("ResultPath"))
    check_reference_path(*v, Roots::kInputOnly, true, at(loc, "ResultPath"));
  if (const json::Value* v = st.find("Parameters")) check_template(*v, at(loc, "Parameters"));
  if (const json::Value* r = st.find("Result")) {
    // Result is static: ".$" keys and paths inside it are copied literally.
    struct Finder {
      std::string found;
      void walk(const json::Value& v) {
        if (!found.empty()) return;
        if (v.is_array()) {
          for (const json::Value& x : v.items()) walk(x);
        } else if (v.is_object()) {
          for (const json::Member& m : v.members()) {
            if (m.name().ends_with(".$") || (m.value.is_string() && looks_like_path(m.value.as_string()))) {
              found = std::string(m.name());
              return;
            }
            walk(m.value);
          }
        }
      }
    } f;
    f.walk(*r);
    if (!f.found.empty()) {
      warn("PASS_RESULT_IS_STATIC",
           "The Result of a Pass state is static: the path in field '" + f.found + "' is not evaluated",
           at(loc, "Result"));
    }
  }
}

void Checker::check_task(const json::Value& st, Lang lang, const std::string& loc) {
  required({"Resource"}, st, loc);
  bool activity = false;
  if (const json::Value* r = st.find("Resource")) activity = check_resource(*r, at(loc, "Resource"));
  if (const json::Value* c = st.find("Credentials")) {
    std::string cloc = at(loc, "Credentials");
    if (expect_object(*c, cloc)) {
      if (activity) schema("The field 'Credentials' is not supported for activities", cloc);
      for (const json::Member& m : c->members())
        if (m.name() != "RoleArn" && m.name() != "RoleArn.$") unsupported(m.name(), cloc);
      if (!c->find("RoleArn") && !c->find("RoleArn.$")) {
        schema("The field 'RoleArn' is required but was missing", cloc);
      } else if (lang == Lang::kJsonPath) {
        if (const json::Value* ra = c->find("RoleArn")) expect_string(*ra, at(cloc, "RoleArn"));
        check_template(*c, cloc);
      }
    }
  }
  bool timeout_ok = exclusive(st, {"TimeoutSeconds", "TimeoutSecondsPath"}, loc);
  bool heartbeat_ok = exclusive(st, {"HeartbeatSeconds", "HeartbeatSecondsPath"}, loc);
  if (lang == Lang::kJsonata) return;  // values may be JSONata expressions
  const json::Value* timeout = st.find("TimeoutSeconds");
  const json::Value* heartbeat = st.find("HeartbeatSeconds");
  bool t_valid = timeout && timeout_ok &&
                 check_int(*timeout, "TimeoutSeconds", 1, kMaxTimeoutSeconds, at(loc, "TimeoutSeconds"));
  bool h_valid =
      heartbeat && heartbeat_ok &&
      check_int(*heartbeat, "HeartbeatSeconds", 1, kMaxTimeoutSeconds, at(loc, "HeartbeatSeconds"));
  if (t_valid && h_valid && heartbeat->as_int() >= timeout->as_int()) {
    schema("The value of 'HeartbeatSeconds' must be less than the value of 'TimeoutSeconds'",
           at(loc, "HeartbeatSeconds"));
  }
  for (std::string_view f : {"TimeoutSecondsPath", "HeartbeatSecondsPath"})
    if (const json::Value* v = st.find(f)) check_reference_path(*v, Roots::kAny, false, at(loc, f));
  if (const json::Value* v = st.find("Parameters")) check_template(*v, at(loc, "Parameters"));
  if (const json::Value* v = st.find("ResultSelector")) check_template(*v, at(loc, "ResultSelector"));
  if (const json::Value* v = st.find("ResultPath"))
    check_reference_path(*v, Roots::kInputOnly, true, at(loc, "ResultPath"));
}

void Checker::check_wait(const json::Value& st, Lang lang, const std::string& loc) {
  int present = 0;
  for (std::string_view f : {"SecondsPath", "Seconds", "TimestampPath", "Timestamp"})
    if (st.find(f)) ++present;
  if (present > 1) {
    schema(
        "There should only be one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]",
        loc);
    return;
  }
  if (present == 0) {
    schema(
        "This object should have only one of the following fields: "
        "[SecondsPath, Seconds, TimestampPath, Timestamp]",
        loc);
    return;
  }
  if (lang == Lang::kJsonata) return;
  if (const json::Value* v = st.find("Seconds"))
    check_int(*v, "Seconds", 0, kMaxTimeoutSeconds, at(loc, "Seconds"));
  if (const json::Value* v = st.find("Timestamp")) {
    check_timestamp(*v, at(loc, "Timestamp"));
    warn_no_path(*v, "Timestamp", at(loc, "Timestamp"));
  }
  for (std::string_view f : {"SecondsPath", "TimestampPath"})
    if (const json::Value* v = st.find(f)) check_reference_path(*v, Roots::kAny, false, at(loc, f));
}

void Checker::check_fail(const json::Value& st, Lang lang, const std::string& loc) {
  exclusive(st, {"Error", "ErrorPath"}, loc);
  exclusive(st, {"Cause", "CausePath"}, loc);
  if (lang == Lang::kJsonata) return;
  for (std::string_view f : {"Error", "Cause"}) {
    if (const json::Value* v = st.find(f); v && expect_string(*v, at(loc, f)))
      warn_no_path(*v, f, at(loc, f));
  }
  for (std::string_view f : {"ErrorPath", "CausePath"})
    if (const json::Value* v = st.find(f)) check_fail_path(*v, f, at(loc, f));
}

// ErrorPath / CausePath: a reference path ($, $$ or a variable) or an intrinsic call that
// returns a string.
void Checker::check_fail_path(const json::Value& v, std::string_view field, const std::string& loc) {
  if (!expect_string(v, loc)) return;
  std::string_view text = v.as_string();
  auto e = json::Expression::compile(text);
  bool ok = e.ok();
  if (ok && e->is_path()) {
    ok = e->path().is_reference_path();
  } else if (ok) {
    auto call = json::Intrinsic::compile(text);
    ok = call.ok() && std::find(std::begin(kStringIntrinsics), std::end(kStringIntrinsics), call->name()) !=
                          std::end(kStringIntrinsics);
  }
  if (!ok) {
    schema("The value for the field '" + std::string(field) +
               "' must be a valid Reference Path or an intrinsic function call that returns a string",
           loc);
  }
}

void Checker::check_parallel(const json::Value& st, Lang lang, const std::string& loc, int depth) {
  required({"Branches"}, st, loc);
  if (lang == Lang::kJsonPath) {
    if (const json::Value* v = st.find("Parameters")) check_template(*v, at(loc, "Parameters"));
    if (const json::Value* v = st.find("ResultSelector")) check_template(*v, at(loc, "ResultSelector"));
    if (const json::Value* v = st.find("ResultPath"))
      check_reference_path(*v, Roots::kInputOnly, true, at(loc, "ResultPath"));
  }
  const json::Value* br = st.find("Branches");
  if (!br) return;
  std::string bloc = at(loc, "Branches");
  if (!expect_array(*br, bloc)) return;
  if (br->size() == 0) {
    schema("Value cannot be empty", bloc);
    return;
  }
  for (size_t i = 0; i < br->size(); ++i)
    check_container((*br)[i], index(bloc, i), /*processor=*/false, depth + 1);
}

}  // namespace sg::asl::validator_detail
