// JSONata states: Arguments -> [work] -> Output and Assign; the fields that take
// expressions (Items, ItemSelector, Condition, TimeoutSeconds, HeartbeatSeconds, Seconds,
// Timestamp, Error, Cause, MaxConcurrency, ToleratedFailure*). Every expression reads
// $states.input (the raw input), $states.context and the variables from before the state;
// Output and Assign of Task/Map/Parallel also read $states.result, a catcher's read
// $states.errorOutput.
#include <cmath>

#include "asl/interpreter_internal.h"
#include "asl/variables.h"
#include "json/timestamp.h"

namespace sg::asl::interp {

using json::Value;

namespace {

// Evaluates a template; on failure *failed is the state's error.
bool eval(const JsonataTemplate& t, const JsonataInputs& in, const StateEntry& entry, Value* out,
          Step* failed) {
  StatesError e;
  if (t.evaluate(in, out, &e)) return true;
  *failed = query_error(entry, std::move(e));
  return false;
}

// Output (default: `fallback`) and Assign into `step` (kind and next are the caller's).
bool output_and_assign(const std::optional<JsonataTemplate>& output, const std::optional<AssignSpec>& assign,
                       const Value& fallback, const JsonataInputs& in, StateRoots& roots,
                       json::Entropy& entropy, const StateEntry& entry, Step* step) {
  Value out = fallback;
  if (output && !eval(*output, in, entry, &out, step)) return false;
  if (assign) {
    Value assigned;
    if (!evaluate_assign(*assign, fallback, roots, in, entropy, entry, &assigned, step)) return false;
    step->assigned = std::move(assigned);
  }
  step->value = std::move(out);
  return true;
}

// A number field that is a literal or an expression. `integer` requires an integral value.
// Returns false (with *failed set) when the expression fails or yields a non-number.
bool number_field(const DynamicInt& d, const JsonataInputs& in, const StateEntry& entry,
                  std::optional<int64_t>* out, Step* failed) {
  if (d.value) {
    *out = d.value;
    return true;
  }
  if (!d.expr) return true;
  Value v;
  if (!eval(*d.expr, in, entry, &v, failed)) return false;
  int64_t n;
  if (!v.is_number() || !v.integral_value(&n)) {
    *failed = query_error(entry, d.expr->unexpected_type("integer", v));
    return false;
  }
  *out = n;
  return true;
}

Step value_error(const StateEntry& entry, const JsonataTemplate& t, std::string message) {
  return query_error(entry, t.error(std::move(message)));
}

Step enter_wait(const State& s, const Value& raw, StateRoots& roots, const JsonataInputs& in,
                json::Entropy& entropy, const StateEntry& entry, int64_t now_ms) {
  int64_t wake = now_ms;
  Step failed;
  if (s.wait_seconds) {
    wake = now_ms + *s.wait_seconds * 1000;
  } else if (s.wait_timestamp_ms) {
    wake = *s.wait_timestamp_ms;
  } else if (s.seconds_expr) {
    Value v;
    if (!eval(*s.seconds_expr, in, entry, &v, &failed)) return failed;
    int64_t n;
    if (!v.is_number()) return query_error(entry, s.seconds_expr->unexpected_type("number", v));
    if (!v.integral_value(&n))
      return value_error(entry, *s.seconds_expr,
                         "The Seconds field cannot be parsed as a long value: " + v.dump());
    if (n < 0)
      return value_error(entry, *s.seconds_expr,
                         "The Seconds field references a negative value: " + v.dump());
    if (n > kMaxWaitSeconds) return runtime_error(entry, errors::kRuntime, "Wait state delay is too long.");
    wake = now_ms + n * 1000;
  } else if (s.timestamp_expr) {
    Value v;
    if (!eval(*s.timestamp_expr, in, entry, &v, &failed)) return failed;
    std::optional<int64_t> t = v.is_string() ? json::parse_rfc3339(v.as_string()) : std::nullopt;
    if (!t)
      return value_error(
          entry, *s.timestamp_expr,
          "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format "
          "string: " +
              (v.is_string() ? std::string(v.as_string()) : v.dump()));
    wake = *t;
  }
  if (wake - now_ms > kMaxWaitSeconds * 1000)
    return runtime_error(entry, errors::kRuntime, "Wait state delay is too long.");
  Step step;
  if (!output_and_assign(s.output, s.assign, raw, in, roots, entropy, entry, &step)) return step;
  if (too_big(step.value)) return data_limit(s.name);
  step.kind = Step::Kind::kWait;
  step.next = s.next;
  step.time_ms = std::max(wake, now_ms);
  return step;
}

Step enter_fail(const State& s, const JsonataInputs& in, const StateEntry& entry) {
  StatesError e;
  e.has_error = e.has_cause = false;
  if (s.error) {
    e.error = *s.error;
    e.has_error = true;
  }
  if (s.cause) {
    e.cause = *s.cause;
    e.has_cause = true;
  }
  for (auto [expr, out, has] : {std::tuple{&s.error_expr, &e.error, &e.has_error},
                                std::tuple{&s.cause_expr, &e.cause, &e.has_cause}}) {
    if (!*expr) continue;
    Value v;
    Step failed;
    if (!eval(**expr, in, entry, &v, &failed)) return failed;
    if (!v.is_string()) return query_error(entry, (*expr)->unexpected_type("string", v));
    *out = std::string(v.as_string());
    *has = true;
  }
  return fail(std::move(e));
}

Step enter_choice(const State& s, const Value& raw, StateRoots& roots, const JsonataInputs& in,
                  json::Entropy& entropy, const StateEntry& entry) {
  for (const ChoiceRule& rule : s.choices) {
    if (!rule.condition) continue;
    Value v;
    Step failed;
    if (!eval(*rule.condition, in, entry, &v, &failed)) return failed;
    if (!v.is_bool()) return query_error(entry, rule.condition->unexpected_type("boolean", v));
    if (!v.as_bool()) continue;
    Step step;
    if (!output_and_assign(rule.output, rule.assign, raw, in, roots, entropy, entry, &step)) return step;
    if (too_big(step.value)) return data_limit(s.name);
    step.kind = Step::Kind::kNext;
    step.next = rule.next;
    return step;
  }
  if (!s.default_next)
    return fail(StatesError::make(std::string(errors::kNoChoiceMatched),
                                  "No Matches! in state '" + s.name + "' for input '" + raw.dump() + "'"));
  Step step;
  if (!output_and_assign(s.output, s.assign, raw, in, roots, entropy, entry, &step)) return step;
  if (too_big(step.value)) return data_limit(s.name);
  step.kind = Step::Kind::kNext;
  step.next = s.default_next;
  return step;
}

Step enter_map(const State& s, const Value& raw, StateRoots& roots, const JsonataInputs& in,
               const StateEntry& entry) {
  Value items = raw;
  Step failed;
  if (s.items) {
    if (!eval(*s.items, in, entry, &items, &failed)) return failed;
    if (!items.is_array()) {
      if (s.items->is_expression()) return query_error(entry, s.items->unexpected_type("array", items));
      return runtime_error(entry, errors::kRuntime, "The Items field must be an array");
    }
  } else if (!items.is_array()) {
    StatesError e = StatesError::make(
        std::string(errors::kQueryEvaluationError),
        cause_prefix(entry) + "Map state input must be an array but was: " + jsonata_type_name(items));
    return fail(std::move(e));
  }
  Step step;
  step.kind = Step::Kind::kMap;
  std::optional<int64_t> mc;
  if (!number_field(s.max_concurrency, in, entry, &mc, &failed)) return failed;
  step.max_concurrency = mc.value_or(0);
  if (step.max_concurrency < 0) {
    if (s.max_concurrency.expr)
      return value_error(entry, *s.max_concurrency.expr, "MaxConcurrency cannot be negative.");
    return runtime_error(entry, errors::kRuntime, "MaxConcurrency cannot be negative.");
  }
  step.tolerated_failure_percentage = s.tolerated_failure_percentage;
  if (s.tolerated_failure_percentage_expr) {
    Value v;
    if (!eval(*s.tolerated_failure_percentage_expr, in, entry, &v, &failed)) return failed;
    if (!v.is_number())
      return query_error(entry, s.tolerated_failure_percentage_expr->unexpected_type("number", v));
    step.tolerated_failure_percentage = v.as_double();
    if (*step.tolerated_failure_percentage < 0 || *step.tolerated_failure_percentage > 100)
      return value_error(entry, *s.tolerated_failure_percentage_expr,
                         "ToleratedFailurePercentage must be between 0 and 100.");
  }
  if (!number_field(s.tolerated_failure_count, in, entry, &step.tolerated_failure_count, &failed))
    return failed;
  if (step.tolerated_failure_count && *step.tolerated_failure_count < 0) {
    if (s.tolerated_failure_count.expr)
      return value_error(entry, *s.tolerated_failure_count.expr, "ToleratedFailureCount cannot be negative.");
    return runtime_error(entry, errors::kRuntime, "ToleratedFailureCount cannot be negative.");
  }
  step.items.reserve(items.size());
  if (!s.item_selector_jsonata) {
    for (const Value& it : items.items()) step.items.push_back(it);
    return step;
  }
  MapItem item;
  int64_t index = 0;
  for (const Value& it : items.items()) {
    item.index = index++;
    item.value = it;
    roots.set_map_item(&item);
    Value v;
    bool ok = eval(*s.item_selector_jsonata, in, entry, &v, &failed);
    roots.set_map_item(nullptr);
    if (!ok) return failed;
    step.items.push_back(std::move(v));
  }
  return step;
}

}  // namespace

Step enter_jsonata(const State& s, const Value& raw, StateRoots& roots, const StateEntry& entry,
                   json::Entropy& entropy, int64_t now_ms) {
  JsonataInputs in = jsonata_inputs(raw, roots, entropy, now_ms);
  switch (s.type) {
    case StateType::kPass:
    case StateType::kSucceed: {
      Step step;
      const std::optional<AssignSpec> none;
      if (!output_and_assign(s.output, s.type == StateType::kPass ? s.assign : none, raw, in, roots, entropy,
                             entry, &step))
        return step;
      if (too_big(step.value)) return data_limit(s.name);
      if (s.type == StateType::kSucceed) {
        step.kind = Step::Kind::kEnd;
        return step;
      }
      Value assigned = std::move(step.assigned);
      Step t = transition(s, std::move(step.value));
      t.assigned = std::move(assigned);
      return t;
    }
    case StateType::kFail:
      return enter_fail(s, in, entry);
    case StateType::kChoice:
      return enter_choice(s, raw, roots, in, entropy, entry);
    case StateType::kWait:
      return enter_wait(s, raw, roots, in, entropy, entry, now_ms);
    case StateType::kMap:
      return enter_map(s, raw, roots, in, entry);
    case StateType::kTask:
    case StateType::kParallel:
      break;
  }
  Step step;
  Value args = raw;
  if (s.arguments && !eval(*s.arguments, in, entry, &args, &step)) return step;
  if (too_big(args)) return data_limit(s.name);
  step.value = std::move(args);
  if (s.type == StateType::kParallel) {
    step.kind = Step::Kind::kParallel;
    return step;
  }
  step.kind = Step::Kind::kTask;
  for (auto [d, out, field] :
       {std::tuple{&s.timeout_seconds, &step.timeout_seconds, "TimeoutSeconds"},
        std::tuple{&s.heartbeat_seconds, &step.heartbeat_seconds, "HeartbeatSeconds"}}) {
    Step failed;
    if (!number_field(*d, in, entry, out, &failed)) return failed;
    if (*out && **out <= 0 && d->expr)
      return value_error(entry, *d->expr,
                         std::string("The ") + field +
                             " field must be a positive integer, but was: " + std::to_string(**out));
  }
  return step;
}

Step complete_jsonata(const State& s, const Value& raw, const Value& result, StateRoots& roots,
                      const StateEntry& entry, json::Entropy& entropy, int64_t now_ms) {
  JsonataInputs in = jsonata_inputs(raw, roots, entropy, now_ms);
  in.result = &result;
  Step step;
  if (!output_and_assign(s.output, s.assign, result, in, roots, entropy, entry, &step)) return step;
  if (too_big(step.value)) return data_limit(s.name);
  Value assigned = std::move(step.assigned);
  Step t = transition(s, std::move(step.value));
  t.assigned = std::move(assigned);
  return t;
}

Step catch_jsonata(const State& s, const Catcher& c, const Value& raw, const Value& error_output,
                   StateRoots& roots, const StateEntry& entry, json::Entropy& entropy, int64_t now_ms) {
  JsonataInputs in = jsonata_inputs(raw, roots, entropy, now_ms);
  in.error_output = &error_output;
  Step step;
  if (!output_and_assign(c.output, c.assign, error_output, in, roots, entropy, entry, &step)) return step;
  if (too_big(step.value)) return data_limit(s.name);
  return step;
}

}  // namespace sg::asl::interp
