// Internals of the definition validator (validator.h), shared by its source files:
//   validator.cc              entry points, text parsing, root and States containers
//   validator_fields.cc       value helpers: types, ranges, paths, templates, warnings
//   validator_states.cc       per-type state checks (Pass, Task, Wait, Fail, Parallel, ...)
//   validator_map.cc          Map: processor, ItemReader, ItemBatcher, ResultWriter, Label
//   validator_choice.cc       Choice rules
//   validator_retry.cc        Retry and Catch
//   validator_resource.cc     Task Resource forms and the EXPRESS rules
//   validator_transitions.cc  targets, reachability, terminal states (the graph pass)
//
// The Checker makes two passes over the document. The schema pass walks it in document
// order (fields, types, values, paths, templates) and records every States container; the
// graph pass then checks transitions per container (dangling targets for the whole machine
// first, then MISSING_END_STATE or unreachable states), which is AWS's order.
//
// Locations are AWS's JSON-pointer-like strings: "/" for the root object, "/States/A/Next",
// array elements as "Choices[0]", nested states with their full path
// ("/States/P/Branches[0]/States/X").
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "asl/diagnostics.h"
#include "asl/validator.h"
#include "json/value.h"

namespace sg::asl::validator_detail {

// Limits (AWS's values where AWS has one).
constexpr size_t kMaxStateNameLength = 80;  // Unicode characters
constexpr size_t kMaxLabelLength = 40;      // Distributed Map Label
// Parallel/Map nesting levels and Choice rule (And/Or/Not) nesting levels. AWS does not
// document its TOO_DEEPLY_NESTED depth; 32 is far beyond any real workflow and keeps the
// recursive loader and evaluator safe.
constexpr int kMaxNestingDepth = 32;
constexpr int64_t kMaxTimeoutSeconds = 99999999;
constexpr int64_t kMaxDelaySecondsLimit = 31622400;
constexpr int64_t kMaxItemsLimit = 100000000;
constexpr int64_t kMaxInputBytesPerBatch = 262144;

// Codes.
inline constexpr const char* kSchema = "SCHEMA_VALIDATION_FAILED";
inline constexpr const char* kMissingTarget = "MISSING_TRANSITION_TARGET";

inline constexpr const char* kInvalidJsonata = "INVALID_JSONATA_EXPRESSION";
inline constexpr const char* kUnsupportedJsonata = "UNSUPPORTED_JSONATA_EXPRESSION";

enum class Lang : uint8_t { kJsonPath, kJsonata };
enum class Kind : uint8_t { kPass, kTask, kChoice, kWait, kSucceed, kFail, kParallel, kMap, kUnknown };

// Which reserved $states members a JSONata field may read besides input and context.
struct ExprUse {
  bool result = false;        // $states.result: Output/Assign of Task, Map, Parallel
  bool error_output = false;  // $states.errorOutput: a catcher's Output/Assign
  static ExprUse for_state(Kind k) {
    ExprUse u;
    u.result = k == Kind::kTask || k == Kind::kMap || k == Kind::kParallel;
    return u;
  }
  static ExprUse catcher() {
    ExprUse u;
    u.error_output = true;
    return u;
  }
};

// Which roots a reference-path field accepts.
enum class Roots : uint8_t {
  kInputOnly,  // ResultPath: "$..." only
  kNoContext,  // Map numeric *Path fields: "$..." or "$var..." ("$$" rejected, AWS-measured)
  kAny,        // "$...", "$$...", "$var..."
};

// One States object (the machine, a Parallel branch or a Map processor), for the graph pass.
struct Container {
  std::string where;          // "" for the root, "/States/P/Branches[0]", ...
  const json::Value* object;  // the object holding StartAt/States (lives in the document)
};

std::string_view kind_name(Kind k);
Kind kind_of(std::string_view type);
std::string at(const std::string& base, std::string_view field);  // base + "/" + field
std::string index(const std::string& base, size_t i);             // base + "[i]"
inline std::string object_location(const std::string& base) { return base.empty() ? "/" : base; }

// True when text starts like a path ("$.", "$$", "$[", or is "$").
bool looks_like_path(std::string_view text);
// Number of Unicode code points in UTF-8 text (invalid bytes count as one each).
size_t utf8_length(std::string_view text);

class Checker {
 public:
  Checker(const ValidateOptions& opts, std::vector<Diagnostic>& out) : opts_(opts), out_(out) {}

  void check_definition(const json::Value& root);

  // ---- reporting (validator_fields.cc) ----
  void report(Severity sev, const char* code, std::string message, std::string location);
  void schema(std::string message, std::string location) {
    report(Severity::kError, kSchema, std::move(message), std::move(location));
  }
  void warn(const char* code, std::string message, std::string location) {
    report(Severity::kWarning, code, std::move(message), std::move(location));
  }
  void unsupported(std::string_view field, const std::string& object_loc);
  void required(std::initializer_list<std::string_view> names, const json::Value& obj,
                const std::string& loc);

  // ---- value helpers (validator_fields.cc); each returns true when the value is usable ----
  bool expect_type(const json::Value& v, json::Type want, const std::string& loc);
  bool expect_string(const json::Value& v, const std::string& loc) {
    return expect_type(v, json::Type::kString, loc);
  }
  bool expect_object(const json::Value& v, const std::string& loc) {
    return expect_type(v, json::Type::kObject, loc);
  }
  bool expect_array(const json::Value& v, const std::string& loc) {
    return expect_type(v, json::Type::kArray, loc);
  }
  bool expect_bool(const json::Value& v, const std::string& loc) {
    return expect_type(v, json::Type::kBool, loc);
  }
  // Integer in [min, max] (max optional). Path-looking strings also get a NO_PATH warning.
  bool check_int(const json::Value& v, std::string_view field, int64_t min, std::optional<int64_t> max,
                 const std::string& loc);
  bool check_number(const json::Value& v, std::string_view field, double min, std::optional<double> max,
                    const std::string& loc);
  void check_enum(const json::Value& v, std::initializer_list<std::string_view> values,
                  const std::string& loc);
  // At most one of the fields present; returns false when several are.
  bool exclusive(const json::Value& obj, std::initializer_list<std::string_view> names,
                 const std::string& loc);
  // InputPath / OutputPath: null or any valid Path.
  void check_io_path(const json::Value& v, const std::string& loc);
  // Reference-path fields (ResultPath, ItemsPath, Variable, *Path). null_ok for ResultPath.
  void check_reference_path(const json::Value& v, Roots roots, bool null_ok, const std::string& loc);
  // Payload templates (Parameters, ResultSelector, ItemSelector, Credentials, ...).
  void check_template(const json::Value& v, const std::string& loc);
  void check_timestamp(const json::Value& v, const std::string& loc);
  // NO_PATH warning when a string field holds a path (field has a "...Path" sibling).
  void warn_no_path(const json::Value& v, std::string_view field, const std::string& loc);
  // Comment fields must be strings.
  void check_comment(const json::Value& obj, const std::string& loc);

  // ---- containers and states (validator.cc / validator_states.cc) ----
  void check_container(const json::Value& obj, const std::string& where, bool processor, int depth);
  void check_state(const json::Value& st, const std::string& loc, int depth);
  void check_state_fields(Kind kind, const json::Value& st, Lang lang, const std::string& loc);
  void check_transition_fields(Kind kind, const json::Value& st, const std::string& loc);
  void check_pass(const json::Value& st, const std::string& loc);
  void check_task(const json::Value& st, Lang lang, const std::string& loc);
  void check_wait(const json::Value& st, Lang lang, const std::string& loc);
  void check_fail(const json::Value& st, Lang lang, const std::string& loc);
  void check_parallel(const json::Value& st, Lang lang, const std::string& loc, int depth);
  void check_fail_path(const json::Value& v, std::string_view field, const std::string& loc);

  // ---- Map (validator_map.cc) ----
  void check_map(const json::Value& st, Lang lang, const std::string& loc, int depth);
  void check_item_reader(const json::Value& v, Lang lang, const std::string& loc);
  void check_item_batcher(const json::Value& v, Lang lang, const std::string& loc);
  void check_result_writer(const json::Value& v, Lang lang, const std::string& loc);
  void check_label(const json::Value& v, const std::string& loc);

  // ---- Choice (validator_choice.cc) ----
  void check_choice(const json::Value& st, Lang lang, const std::string& loc);
  void check_choice_rule(const json::Value& rule, Lang lang, bool top, const std::string& loc, int depth);

  // ---- Retry / Catch (validator_retry.cc) ----
  void check_retry(const json::Value& v, const std::string& loc);
  void check_catch(const json::Value& v, Lang lang, const std::string& loc);
  void check_error_equals(const json::Value& obj, bool last, const std::string& loc);

  // ---- Task Resource (validator_resource.cc) ----
  // Returns true when the resource is an activity ARN.
  bool check_resource(const json::Value& v, const std::string& loc);

  // ---- JSONata and Assign (validator_jsonata.cc) ----
  // Every "{% %}" string in v (at any depth; locations "/a/b[0]" below loc): it must parse
  // (INVALID_JSONATA_EXPRESSION) and read only what the field offers
  // (UNSUPPORTED_JSONATA_EXPRESSION: $$, $states.result/errorOutput where they do not
  // exist, names at the top level).
  void check_jsonata_template(const json::Value& v, const std::string& loc, ExprUse use);
  // A field that is either a value of type `want` or a JSONata expression string.
  bool expect_jsonata_or(const json::Value& v, json::Type want, const std::string& loc);
  // Assign: an object of variable names (valid names, "states" reserved) to values
  // (JSONPath: "x.$" paths/intrinsics; JSONata: templates).
  void check_assign(const json::Value& v, Lang lang, const std::string& loc, ExprUse use);
  // The fields of a JSONata state that take expressions (Output, Arguments, Items, ...).
  void check_jsonata_state(Kind kind, const json::Value& st, const std::string& loc);

  // ---- variables (validator_variables.cc) ----
  // Across containers: a variable assigned in an inner scope must not share its name with
  // one assigned in an outer scope; a variable read where no state of the scope chain can
  // have assigned it yet gets a warning.
  void check_variables(const json::Value& root);

  // ---- graph pass (validator_transitions.cc) ----
  void check_targets(const Container& c);
  void check_reachability(const Container& c);

  const ValidateOptions& opts_;
  std::vector<Diagnostic>& out_;
  Lang top_lang_ = Lang::kJsonPath;
  std::vector<Container> containers_;
  std::unordered_set<std::string> state_names_;
  std::unordered_set<std::string> labels_;
};

}  // namespace sg::asl::validator_detail
