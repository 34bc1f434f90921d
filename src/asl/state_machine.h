// The immutable, compiled model of a state machine definition.
//
// load_state_machine() turns a definition document into a StateMachine: every path,
// template, intrinsic, Choice rule and timestamp is compiled once here, so evaluation never
// re-parses anything. It expects a definition that asl::validate_definition() accepted and
// still re-checks what it relies on: on anything it cannot compile it returns an Error
// (code "INVALID_DEFINITION") rather than building a partial model.
//
// The model is shared (shared_ptr<const StateMachine>) and safe to read from any thread.
// States point at each other (next, default, catch targets) inside the same container;
// pointers stay valid for the StateMachine's lifetime.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "asl/jsonata_template.h"
#include "common/result.h"
#include "json/jsonpath.h"
#include "json/payload_template.h"
#include "json/value.h"

namespace sg::asl {

enum class StateType : uint8_t { kPass, kTask, kChoice, kWait, kSucceed, kFail, kParallel, kMap };
const char* state_type_name(StateType t);  // "Pass", "Task", ...

// A state's query language: its own QueryLanguage, else the machine's (never the
// enclosing Map's or Parallel's).
enum class QueryLanguage : uint8_t { kJsonPath, kJsonata };

struct State;

// InputPath / OutputPath: absent means "$" (identity), null means {}.
struct IoPath {
  enum class Mode : uint8_t { kIdentity, kNull, kPath } mode = Mode::kIdentity;
  json::JsonPath path;
};

// ResultPath: absent means "$" (the result replaces the input), null keeps the input.
struct ResultPathSpec {
  enum class Mode : uint8_t { kReplace, kDiscard, kPath } mode = Mode::kReplace;
  json::JsonPath path;
};

// A number that is fixed in the definition, read through a reference path (JSONPath) or
// computed by a JSONata expression.
struct DynamicInt {
  std::optional<int64_t> value;
  std::optional<json::JsonPath> path;
  std::optional<JsonataTemplate> expr;
  bool present() const { return value.has_value() || path.has_value() || expr.has_value(); }
};

// An Assign field (a state, a Choice rule or a catcher). JSONPath: a payload template whose
// value is the object of variable name -> value ("x.$" keys are paths, intrinsics or
// variables). JSONata: a template of "{% %}" expressions. `names` lists the variables in
// definition order.
struct AssignSpec {
  QueryLanguage lang = QueryLanguage::kJsonPath;
  json::PayloadTemplate jsonpath;
  JsonataTemplate jsonata;
  std::vector<std::string> names;
};

struct Retrier {
  std::vector<std::string> error_equals;
  int64_t interval_seconds = 1;
  int64_t max_attempts = 3;
  double backoff_rate = 2.0;
  std::optional<int64_t> max_delay_seconds;
  bool full_jitter = false;
};

struct Catcher {
  std::vector<std::string> error_equals;
  const State* next = nullptr;
  ResultPathSpec result_path;
  std::optional<AssignSpec> assign;       // Catch[i]/Assign: sees the Error Output
  std::optional<JsonataTemplate> output;  // JSONata Catch[i]/Output
};

enum class ChoiceOp : uint8_t {
  kAnd,
  kOr,
  kNot,
  kStringEquals,
  kStringLessThan,
  kStringGreaterThan,
  kStringLessThanEquals,
  kStringGreaterThanEquals,
  kStringMatches,
  kNumericEquals,
  kNumericLessThan,
  kNumericGreaterThan,
  kNumericLessThanEquals,
  kNumericGreaterThanEquals,
  kBooleanEquals,
  kTimestampEquals,
  kTimestampLessThan,
  kTimestampGreaterThan,
  kTimestampLessThanEquals,
  kTimestampGreaterThanEquals,
  kIsNull,
  kIsPresent,
  kIsNumeric,
  kIsString,
  kIsBoolean,
  kIsTimestamp,
};

struct ChoiceRule {
  ChoiceOp op = ChoiceOp::kAnd;
  std::vector<ChoiceRule> children;  // And/Or (several), Not (one)
  json::JsonPath variable;           // data tests
  bool operand_is_path = false;      // the ...Path operator forms
  json::JsonPath operand_path;
  json::Value operand;                  // literal operand
  std::optional<int64_t> operand_time;  // parsed literal for Timestamp* operators
  const State* next = nullptr;          // top-level rules only
  // JSONata rules: Condition (a boolean or an expression) instead of the fields above.
  std::optional<JsonataTemplate> condition;
  // Top-level rules: applied when the rule matches.
  std::optional<AssignSpec> assign;
  std::optional<JsonataTemplate> output;  // JSONata
};

// The States object of the machine, a Parallel branch or a Map processor.
struct StateContainer {
  std::vector<std::unique_ptr<State>> states;
  std::unordered_map<std::string, const State*> by_name;
  const State* start = nullptr;
  const State* find(std::string_view name) const;
};

enum class TaskKind : uint8_t {
  kLambdaArn,  // arn:aws:lambda:...:function:NAME  (LambdaFunction* history events)
  kActivity,   // arn:aws:states:...:activity:NAME  (Activity* events)
  kService,    // arn:aws:states:::service:action[.pattern]  (Task* events)
};
enum class IntegrationPattern : uint8_t { kRequestResponse, kSync, kSync2, kWaitForTaskToken };

struct State {
  std::string name;
  StateType type = StateType::kPass;
  QueryLanguage lang = QueryLanguage::kJsonPath;
  uint32_t id = 0;  // unique within the machine (document order)
  const State* next = nullptr;
  bool end = false;
  std::string comment;

  IoPath input_path, output_path;
  ResultPathSpec result_path;
  std::optional<json::PayloadTemplate> parameters;  // Parameters (Map: legacy ItemSelector)
  std::optional<json::PayloadTemplate> result_selector;
  std::vector<Retrier> retry;
  std::vector<Catcher> catchers;
  std::optional<AssignSpec> assign;  // absent when the state assigns nothing

  // JSONata: Arguments (Task, Parallel) and Output (every state but Fail).
  std::optional<JsonataTemplate> arguments, output;

  // Pass
  std::optional<json::Value> result;

  // Task
  std::string resource;
  TaskKind task_kind = TaskKind::kService;
  IntegrationPattern pattern = IntegrationPattern::kRequestResponse;
  std::string resource_type;    // history: "lambda" for arn:aws:states:::lambda:invoke
  std::string resource_action;  // history: "invoke", "sendMessage.waitForTaskToken"
  DynamicInt timeout_seconds, heartbeat_seconds;

  // Choice
  std::vector<ChoiceRule> choices;
  const State* default_next = nullptr;

  // Wait
  std::optional<int64_t> wait_seconds;
  std::optional<int64_t> wait_timestamp_ms;
  std::string wait_timestamp_text;
  std::optional<json::JsonPath> seconds_path, timestamp_path;
  std::optional<JsonataTemplate> seconds_expr, timestamp_expr;  // JSONata

  // Fail
  std::optional<std::string> error, cause;
  std::optional<json::Expression> error_path, cause_path;
  std::optional<JsonataTemplate> error_expr, cause_expr;  // JSONata expressions

  // Parallel
  std::vector<std::unique_ptr<StateContainer>> branches;

  // Map
  std::unique_ptr<StateContainer> processor;
  std::optional<json::JsonPath> items_path;
  std::optional<json::PayloadTemplate> item_selector;
  std::optional<JsonataTemplate> items, item_selector_jsonata;  // JSONata Items, ItemSelector
  DynamicInt max_concurrency;
  std::optional<double> tolerated_failure_percentage;
  std::optional<json::JsonPath> tolerated_failure_percentage_path;
  std::optional<JsonataTemplate> tolerated_failure_percentage_expr;
  DynamicInt tolerated_failure_count;

  bool has_retry_or_catch() const { return !retry.empty() || !catchers.empty(); }
};

class StateMachine {
 public:
  StateContainer root;
  std::optional<int64_t> timeout_seconds;
  std::string comment;
  QueryLanguage lang = QueryLanguage::kJsonPath;
  size_t state_count = 0;
  // The state with a given name anywhere in the machine (names are unique machine-wide).
  const State* find_anywhere(std::string_view name) const;

  std::unordered_map<std::string, const State*> all_states;
};

Result<std::shared_ptr<const StateMachine>> load_state_machine(const json::Value& definition);

}  // namespace sg::asl
