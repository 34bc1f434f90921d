// TestState: the request's checks in the order AWS applies them, the definition (one
// state, or a full machine and a state name), and the response. Running the state is in
// test_state_run.cc.
#include "api/test_state.h"

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "api/api_error_messages.h"
#include "api/api_error_or.h"
#include "api/request_fields.h"
#include "api/test_state_internal.h"
#include "asl/validator.h"
#include "json/parse.h"

namespace sg::api {

using namespace test_state_detail;  // NOLINT: this file's own internals
using json::Value;

namespace {

enum class Level : uint8_t { kInfo, kDebug, kTrace };

constexpr size_t kMaxDefinitionLength = 1048576;
constexpr size_t kMaxPayloadLength = 262144;
constexpr std::array<std::string_view, 3> kLevels = {"INFO", "DEBUG", "TRACE"};
constexpr std::array<std::string_view, 3> kValidationModes = {"STRICT", "PRESENT", "NONE"};

// The request, decoded and checked against the model's constraints.
struct Request {
  std::string definition;
  std::optional<std::string> role_arn, input, variables, state_name, context;
  Level level = Level::kInfo;
  bool reveal_secrets = false;
  bool has_mock = false;
  std::optional<std::string> mock_result;
  bool has_error_output = false;
  std::optional<std::string> mock_error, mock_cause;
  std::string field_validation_mode = "STRICT";
  std::optional<int64_t> retrier_retry_count, map_iteration_failure_count;
  // Checked, then unused: errorCausedByState changes nothing AWS shows (a mocked Map or
  // Parallel error is reported as given), and mapItemReaderData feeds a Distributed Map's
  // ItemReader, which stepguard does not load yet.
  std::optional<std::string> error_caused_by_state, map_item_reader_data;
};

// The state under test and what it belongs to.
struct Loaded {
  std::shared_ptr<const asl::StateMachine> machine;
  const asl::State* state = nullptr;
  Value state_json;  // the state's own definition
};

ApiError invalid_definition(std::string message) {
  return ApiError{"InvalidDefinition", std::move(message), 400, ""};
}

ApiOr<Request> decode(const Value& body) {
  Request r;
  RequestFields f(body);
  StringRule definition{
      .required = true, .min_length = 1, .max_length = kMaxDefinitionLength, .sensitive = true};
  StringRule payload{.max_length = kMaxPayloadLength, .sensitive = true};
  StringRule state_name{.min_length = 1, .max_length = 80, .sensitive = true};
  r.definition = f.string("definition", definition).value_or("");
  r.role_arn = f.string("roleArn", StringRule{.min_length = 1, .max_length = 256});
  r.input = f.string("input", payload);
  if (auto l = f.string("inspectionLevel", StringRule{.enum_values = kLevels}))
    r.level = *l == "DEBUG" ? Level::kDebug : *l == "TRACE" ? Level::kTrace : Level::kInfo;
  r.reveal_secrets = f.boolean("revealSecrets").value_or(false);
  r.variables = f.string("variables", payload);
  r.state_name = f.string("stateName", state_name);
  if (auto mock = f.structure("mock")) {
    r.has_mock = true;
    r.mock_result = mock->string("result", payload);
    if (auto eo = mock->structure("errorOutput")) {
      r.has_error_output = true;
      r.mock_error = eo->string("error", StringRule{.max_length = 256, .sensitive = true});
      r.mock_cause = eo->string("cause", StringRule{.max_length = 32768, .sensitive = true});
    }
    if (auto m = mock->string("fieldValidationMode", StringRule{.enum_values = kValidationModes}))
      r.field_validation_mode = *m;
  }
  r.context = f.string("context", payload);
  if (auto sc = f.structure("stateConfiguration")) {
    r.retrier_retry_count = sc->integer("retrierRetryCount", IntRule{.min = 0});
    r.error_caused_by_state = sc->string("errorCausedByState", state_name);
    r.map_iteration_failure_count = sc->integer("mapIterationFailureCount", IntRule{.min = 0});
    r.map_item_reader_data = sc->string("mapItemReaderData", payload);
  }
  if (auto e = f.error()) return *e;
  return r;
}

// "Invalid State Machine Definition: 'CODE: message at location, ...'", errors only. A
// location inside the one-state wrapper is shown relative to the state ("/Parameters").
ApiError definition_errors(const std::vector<asl::Diagnostic>& diags, bool single_state) {
  std::string wrapper("/States/");
  wrapper.append(kSingleStateName);
  std::string m("Invalid State Machine Definition: '");
  bool first = true;
  for (const asl::Diagnostic& d : diags) {
    if (d.severity != asl::Severity::kError) continue;
    std::string_view loc = d.location;
    if (single_state && loc.starts_with(wrapper)) {
      if (loc.size() == wrapper.size())
        loc = "/";
      else if (loc[wrapper.size()] == '/')
        loc.remove_prefix(wrapper.size());
    }
    if (!first) m.append(", ");
    first = false;
    m.append(d.code).append(": ").append(d.message);
    if (loc.empty())
      m.append(" at null");  // as CreateStateMachine renders a diagnostic without location
    else if (!d.message.ends_with(loc))
      m.append(" at ").append(loc);
  }
  m.append("'");
  return invalid_definition(std::move(m));
}

// A one-state machine around a single state so the validator and loader take it: the
// state keeps its transitions, and each state it names (Next, Default, a Choice rule's or
// a catcher's Next) is a stand-in Succeed state, so that nextState reports the name given.
Value wrap_state(const Value& state) {
  json::ObjectBuilder states;
  states.add(kSingleStateName, state);
  std::vector<std::string_view> names = {kSingleStateName};
  Value stand_in = Value::object({json::Member{Value::string("Type"), Value::string("Succeed")}});
  auto target = [&](const Value* v) {
    if (!v || !v->is_string() || v->as_string().empty()) return;
    if (std::find(names.begin(), names.end(), v->as_string()) != names.end()) return;
    names.push_back(v->as_string());
    states.add(v->as_string(), stand_in);
  };
  target(state.find("Next"));
  target(state.find("Default"));
  for (std::string_view key : {"Choices", "Catch"}) {
    const Value* list = state.find(key);
    if (!list || !list->is_array()) continue;
    for (const Value& item : list->items()) target(item.find("Next"));
  }
  json::ObjectBuilder root;
  root.add("StartAt", Value::string(kSingleStateName));
  root.add("States", std::move(states).build());
  return std::move(root).build();
}

// The definition of the state called `name` in a States container, searched through
// Parallel branches and Map processors (state names are unique machine-wide).
const Value* find_state_json(const Value& container, std::string_view name) {
  const Value* states = container.find("States");
  if (!states || !states->is_object()) return nullptr;
  if (const Value* s = states->find(name)) return s;
  for (const json::Member& m : states->members()) {
    if (const Value* branches = m.value.find("Branches"); branches && branches->is_array())
      for (const Value& b : branches->items())
        if (const Value* found = find_state_json(b, name)) return found;
    for (std::string_view key : {"ItemProcessor", "Iterator"})
      if (const Value* p = m.value.find(key))
        if (const Value* found = find_state_json(*p, name)) return found;
  }
  return nullptr;
}

ApiOr<Loaded> load(const Request& r) {
  Loaded out;
  Value doc;
  bool single = !r.state_name.has_value();
  if (single) {
    auto parsed = json::parse_json(r.definition);
    // The validator words a syntax error (and a non-object) as AWS does.
    if (!parsed || !parsed->is_object())
      return definition_errors(asl::validate_definition_text(r.definition), false);
    out.state_json = *parsed;
    doc = wrap_state(out.state_json);
    std::vector<asl::Diagnostic> diags = asl::validate_definition(doc);
    if (asl::has_errors(diags)) return definition_errors(diags, true);
  } else {
    std::vector<asl::Diagnostic> diags = asl::validate_definition_text(r.definition, {}, &doc);
    if (asl::has_errors(diags)) return definition_errors(diags, false);
  }
  auto machine = asl::load_state_machine(doc);
  if (!machine) {
    std::string m("Invalid State Machine Definition: '");
    m.append(machine.error().message).append("'");
    return invalid_definition(std::move(m));
  }
  out.machine = std::move(machine).value();
  if (single) {
    out.state = out.machine->root.find(kSingleStateName);
  } else {
    out.state = out.machine->find_anywhere(*r.state_name);
    if (!out.state) return validation_error("State not found in definition");
    if (const Value* json = find_state_json(doc, *r.state_name)) out.state_json = *json;
  }
  return out;
}

bool needs_mock(const asl::State& s) {
  return s.task_kind == asl::TaskKind::kActivity || s.pattern != asl::IntegrationPattern::kRequestResponse;
}

ApiError bad_context(std::string_view detail) {
  std::string m("Invalid Context object provided: ");
  m.append(detail);
  return validation_error(std::move(m));
}

// The fields a mocked Context object may carry, and their types (AWS-observed messages:
// "Execution.Id must be a string", "Field 'pokemon' is not allowed", "'Map' field is not
// supported when mocking a Context object").
std::optional<ApiError> check_context(const Value& ctx, const asl::State& s) {
  struct Allowed {
    std::string_view object;
    std::vector<std::string_view> strings, integers, any;
  };
  static const std::array<Allowed, 4> kAllowed = {{
      {"Execution", {"Id", "Name", "RoleArn", "StartTime", "RedriveTime"}, {"RedriveCount"}, {"Input"}},
      {"State", {"EnteredTime", "Name"}, {"RetryCount"}, {}},
      {"StateMachine", {"Id", "Name"}, {}, {}},
      {"Task", {"Token"}, {}, {}},
  }};
  if (!ctx.is_object()) return bad_context("Context object must be a JSON object");
  for (const json::Member& top : ctx.members()) {
    std::string_view name = top.name();
    if (name == "Map") return bad_context("'Map' field is not supported when mocking a Context object");
    auto a =
        std::find_if(kAllowed.begin(), kAllowed.end(), [&](const Allowed& x) { return x.object == name; });
    std::string field("Field '");
    field.append(name).append("' is not allowed");
    if (a == kAllowed.end()) return bad_context(field);
    if (name == "Task" &&
        !(s.type == asl::StateType::kTask && s.pattern != asl::IntegrationPattern::kRequestResponse))
      return bad_context(
          "Context object contains 'Task' when state is not a Task state with a '.sync' or "
          "'.waitForTaskToken' "
          "service integration pattern");
    std::string prefix(name);
    if (!top.value.is_object()) return bad_context(prefix.append(" must be an object"));
    for (const json::Member& m : top.value.members()) {
      auto has = [&](const std::vector<std::string_view>& v) {
        return std::find(v.begin(), v.end(), m.name()) != v.end();
      };
      std::string what(prefix);
      what.append(".").append(m.name());
      int64_t n;
      if (has(a->strings)) {
        if (!m.value.is_string()) return bad_context(what.append(" must be a string"));
      } else if (has(a->integers)) {
        if (!m.value.is_number() || !m.value.integral_value(&n))
          return bad_context(what.append(" must be an integer"));
      } else if (!has(a->any)) {
        std::string f("Field '");
        f.append(m.name()).append("' is not allowed");
        return bad_context(f);
      }
    }
  }
  return std::nullopt;
}

// The TestState rules on the mock, the role, the context and the state configuration,
// in the order AWS reports them. Fills the run's mock and context.
std::optional<ApiError> check_rules(const Request& r, const Loaded& l, RunSpec& spec) {
  const asl::State& s = *l.state;
  bool fork = s.type == asl::StateType::kMap || s.type == asl::StateType::kParallel;
  if (!r.has_mock && fork)
    return invalid_definition(
        "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, "
        "Pass, Succeed, Fail, Choice]");
  if (r.has_mock) {
    if (s.type != asl::StateType::kTask && !fork) {
      std::string m("State type '");
      m.append(asl::state_type_name(s.type)).append("' is not supported when a mock is specified");
      return validation_error(std::move(m));
    }
    if (r.mock_result.has_value() == r.has_error_output)
      return validation_error(
          "A test mock should have only one of the following fields: [result, errorOutput].");
    if (r.reveal_secrets)
      return validation_error("TestState does not support RevealSecrets when a mock is specified.");
    spec.mock.present = true;
    if (r.mock_result) {
      auto v = json::parse_json(*r.mock_result);
      if (!v) return validation_error("Mocked result must be valid JSON");
      spec.mock.has_result = true;
      spec.mock.result = std::move(v).value();
      const Value& m = spec.mock.result;
      if (s.type == asl::StateType::kMap) {
        if (l.state_json.find("ResultWriter")) {
          if (!m.is_object()) return validation_error("Mocked result must be a JSON object.");
        } else if (!m.is_array()) {
          return validation_error("Mocked result must be an array.");
        }
      } else if (s.type == asl::StateType::kParallel) {
        if (!m.is_array()) return validation_error("Mocked result must be an array.");
        if (m.size() != s.branches.size())
          return validation_error(
              "Mocked result must contain the same number of items as number of Parallel branches.");
      } else if (r.field_validation_mode != "NONE") {
        if (auto problem = check_mock_shape(s, m, r.field_validation_mode == "STRICT"))
          return validation_error(std::move(*problem));
      }
    } else {
      // No error name is a failure without one, as SendTaskFailure without `error` is.
      spec.mock.error = asl::StatesError::make(r.mock_error.value_or(""), r.mock_cause.value_or(""));
      spec.mock.error.has_error = r.mock_error.has_value();
      spec.mock.error.has_cause = r.mock_cause.has_value();
    }
  } else if (s.type == asl::StateType::kTask) {
    if (needs_mock(s))
      return invalid_definition(
          "TestState API does not support Activity tasks, .sync or .waitForTaskToken service integration "
          "patterns without a mock");
    if (!r.role_arn) return validation_error("RoleArn must be specified when testing a Task state");
  }
  if (r.context) {
    if (!r.has_mock)
      return validation_error("TestState does not support Context when a mock is not specified.");
    auto ctx = json::parse_json(*r.context);
    if (!ctx) return bad_context("Context object must be valid JSON");
    if (auto e = check_context(*ctx, s)) return e;
    spec.context_overrides = std::move(ctx).value();
  }
  if (r.map_iteration_failure_count && !r.has_mock)
    return validation_error(
        "TestState does not support MapIterationFailureCount when a mock is not specified.");
  if (r.role_arn && !r.role_arn->starts_with("arn:")) return invalid_arn_prefix(*r.role_arn);
  return std::nullopt;
}

ApiError invalid_input(std::string_view detail) {
  std::string m("Invalid State Machine Execution Input: '");
  m.append(detail).append("'");
  return ApiError{"InvalidExecutionInput", std::move(m), 400, ""};
}

// The execution input: {} when absent; AWS's messages for empty and malformed text.
ApiOr<Value> parse_input(const std::optional<std::string>& text) {
  if (!text) return Value::empty_object();
  if (text->find_first_not_of(" \t\r\n") == std::string::npos)
    return invalid_input("Invalid execution input.");
  auto v = json::parse_json(*text);
  if (!v) {
    const std::string& msg = v.error().message;
    return invalid_input(std::string_view(msg).substr(0, msg.find('\n')));
  }
  return std::move(v).value();
}

void add_payload(json::ObjectBuilder& b, std::string_view key, const std::optional<Value>& v) {
  if (v) b.add(key, Value::string(v->dump()));
}

Value encode_inspection(const Inspection& in, const std::optional<Value>& variables) {
  json::ObjectBuilder b;
  add_payload(b, "input", in.input);
  add_payload(b, "afterInputPath", in.after_input_path);
  add_payload(b, "afterParameters", in.after_parameters);
  add_payload(b, "afterArguments", in.after_arguments);
  add_payload(b, "result", in.result);
  add_payload(b, "afterResultSelector", in.after_result_selector);
  add_payload(b, "afterResultPath", in.after_result_path);
  add_payload(b, "variables", in.variables ? in.variables : variables);
  if (in.catch_index || in.retry_index || in.retry_backoff_seconds) {
    json::ObjectBuilder e;
    if (in.catch_index) e.add("catchIndex", Value::integer(*in.catch_index));
    if (in.retry_index) e.add("retryIndex", Value::integer(*in.retry_index));
    if (in.retry_backoff_seconds)
      e.add("retryBackoffIntervalSeconds", Value::integer(*in.retry_backoff_seconds));
    b.add("errorDetails", std::move(e).build());
  }
  add_payload(b, "afterItemsPath", in.after_items_path);
  add_payload(b, "afterItemSelector", in.after_item_selector);
  if (in.tolerated_failure_count) b.add("toleratedFailureCount", Value::integer(*in.tolerated_failure_count));
  if (in.tolerated_failure_percentage)
    b.add("toleratedFailurePercentage", Value::number(*in.tolerated_failure_percentage));
  if (in.max_concurrency) b.add("maxConcurrency", Value::integer(*in.max_concurrency));
  return std::move(b).build();
}

Value encode(const Outcome& o, Level level, const std::optional<Value>& variables) {
  json::ObjectBuilder b;
  add_payload(b, "output", o.output);
  if (o.error) b.add("error", Value::string(*o.error));
  if (o.cause) b.add("cause", Value::string(*o.cause));
  // TRACE adds the HTTP request and response of an HTTP Task, which stepguard does not run.
  if (level != Level::kInfo) b.add("inspectionData", encode_inspection(o.inspection, variables));
  if (!o.next_state.empty()) b.add("nextState", Value::string(o.next_state));
  b.add("status", Value::string(status_name(o.status)));
  return std::move(b).build();
}

}  // namespace

ApiResult test_state(const Value& request, const TestStateEnv& env) {
  auto req = decode(request);
  if (!req) return std::move(req).error();
  const Request& r = *req;

  auto loaded = load(r);
  if (!loaded) return std::move(loaded).error();

  RunSpec spec;
  spec.state = loaded->state;
  if (auto e = check_rules(r, *loaded, spec)) return *e;

  auto input = parse_input(r.input);
  if (!input) return std::move(input).error();
  spec.input = std::move(input).value();

  // The workflow variables the state reads ($name), shown back with what it assigns.
  std::optional<Value> variables;
  if (r.variables) {
    auto v = json::parse_json(*r.variables);
    if (!v || !v->is_object()) return validation_error("Variables must be a JSON object");
    variables = std::move(v).value();
    spec.variables = *variables;
  }

  spec.role_arn = r.role_arn.value_or("");
  spec.retrier_retry_count = r.retrier_retry_count.value_or(0);
  spec.map_iteration_failure_count = r.map_iteration_failure_count;
  Outcome outcome = run_state(spec, env);
  if (outcome.refused) return *outcome.refused;
  return encode(outcome, r.level, variables);
}

}  // namespace sg::api
