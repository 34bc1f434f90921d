#include "asl/interpreter.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "asl/choice_eval.h"
#include "asl/interpreter_internal.h"
#include "asl/variables.h"
#include "json/timestamp.h"

namespace sg::asl {

using json::Value;

namespace interp {

Step data_limit(std::string_view who) {
  return fail(StatesError::make(std::string(errors::kDataLimitExceeded),
                                "The state/task '" + std::string(who) +
                                    "' returned a result with a size exceeding the maximum number of bytes "
                                    "service limit."));
}

JsonataInputs jsonata_inputs(const Value& raw, StateRoots& roots, json::Entropy& entropy, int64_t now_ms) {
  JsonataInputs in;
  in.input = &raw;
  in.roots = &roots;
  in.variables = roots.variables();
  in.entropy = &entropy;
  in.now_ms = now_ms;
  return in;
}

bool evaluate_assign(const AssignSpec& a, const Value& dollar, StateRoots& roots, const JsonataInputs& in,
                     json::Entropy& entropy, const StateEntry& entry, Value* out, Step* failed) {
  if (a.lang == QueryLanguage::kJsonPath) {
    const Value& before = roots.input();
    roots.set_input(dollar);
    auto r = a.jsonpath.evaluate(roots, entropy);
    roots.set_input(before);
    if (!r) {
      std::string_view code = r.error().code;
      if (code != errors::kIntrinsicFailure) code = errors::kRuntime;
      *failed = runtime_error(entry, code, r.error().message);
      return false;
    }
    *out = std::move(r).value();
  } else {
    StatesError e;
    if (!a.jsonata.evaluate(in, out, &e)) {
      *failed = query_error(entry, std::move(e));
      return false;
    }
  }
  if (auto e = check_assignment_sizes(*out)) {
    *failed = fail(std::move(*e));
    return false;
  }
  return true;
}

}  // namespace interp

namespace {

using interp::data_limit;
using interp::fail;
using interp::runtime_error;
using interp::too_big;

// Maps a Result error from paths/templates/intrinsics to a Step failure.
Step from_error(const StateEntry& entry, const Error& e) {
  std::string_view code = e.code;
  if (code != errors::kIntrinsicFailure && code != errors::kResultPathMatchFailure) code = errors::kRuntime;
  return runtime_error(entry, code, e.message);
}

// A JSONPath state's Assign with "$" reading `dollar`; `step` carries it out or becomes the
// failure. Returns false on failure.
bool assign_jsonpath(const std::optional<AssignSpec>& a, const Value& dollar, StateRoots& roots,
                     json::Entropy& entropy, const StateEntry& entry, Step* step) {
  if (!a) return true;
  JsonataInputs unused;
  Value assigned;
  if (!interp::evaluate_assign(*a, dollar, roots, unused, entropy, entry, &assigned, step)) return false;
  step->assigned = std::move(assigned);
  return true;
}

// The same before the step exists: the values go to *assigned, a failure to *failed.
bool assign_jsonpath(const AssignSpec& a, const Value& dollar, StateRoots& roots, json::Entropy& entropy,
                     const StateEntry& entry, Value* assigned, Step* failed) {
  JsonataInputs unused;
  return interp::evaluate_assign(a, dollar, roots, unused, entropy, entry, assigned, failed);
}

// InputPath / OutputPath. On success writes *out and returns true.
bool apply_io_path(const IoPath& p, const Value& in, const json::PathRoots& roots, Value* out, Error* err) {
  switch (p.mode) {
    case IoPath::Mode::kIdentity:
      *out = in;
      return true;
    case IoPath::Mode::kNull:
      *out = Value::empty_object();
      return true;
    case IoPath::Mode::kPath: {
      auto r = p.path.root() == json::PathRoot::kInput ? p.path.evaluate(in) : p.path.evaluate_in(roots);
      if (!r) {
        *err = Error{std::string(errors::kRuntime),
                     "Invalid path '" + p.path.text() + "' : " + r.error().message};
        return false;
      }
      *out = std::move(r).value();
      return true;
    }
  }
  return false;
}

bool apply_result_path(const ResultPathSpec& p, const Value& raw, const Value& result, Value* out,
                       Error* err) {
  switch (p.mode) {
    case ResultPathSpec::Mode::kReplace:
      *out = result;
      return true;
    case ResultPathSpec::Mode::kDiscard:
      *out = raw;
      return true;
    case ResultPathSpec::Mode::kPath: {
      auto r = p.path.assign(raw, result);
      if (!r) {
        *err = Error{std::string(errors::kResultPathMatchFailure),
                     "Unable to apply ResultPath '" + p.path.text() + "' to input '" + raw.dump() +
                         "': " + r.error().message};
        return false;
      }
      *out = std::move(r).value();
      return true;
    }
  }
  return false;
}

// The tail shared by every state that produces a result: ResultPath then OutputPath.
Step finish(const State& s, const Value& raw, const Value& result, const json::PathRoots& roots,
            const StateEntry& entry) {
  Value merged, out;
  Error err;
  if (!apply_result_path(s.result_path, raw, result, &merged, &err)) return from_error(entry, err);
  if (!apply_io_path(s.output_path, merged, roots, &out, &err)) return from_error(entry, err);
  if (too_big(out)) return data_limit(s.name);
  return transition(s, std::move(out));
}

// A value as AWS quotes it in "refers to value \"...\"" causes: strings bare, the rest as JSON.
std::string quoted_value(const Value& v) { return v.is_string() ? std::string(v.as_string()) : v.dump(); }

// Resolves a number given inline or by a `<field>Path` (MaxConcurrencyPath, TimeoutSecondsPath,
// ...), with AWS's cause for a value that is not an integer (AWS-observed for
// MaxConcurrencyPath; the same shape is used for the others). With `positive`, zero and
// negative values are refused the same way (AWS requires positive timeouts).
bool resolve_int(const DynamicInt& d, std::string_view field, bool positive, const json::PathRoots& roots,
                 std::optional<int64_t>* out, std::string* err) {
  if (d.value) {
    *out = d.value;
    return true;
  }
  if (!d.path) return true;
  auto r = d.path->evaluate_in(roots);
  if (!r) {
    *err = "Invalid path '" + d.path->text() + "' : " + r.error().message;
    return false;
  }
  int64_t n;
  if (!r->is_number() || !r->integral_value(&n)) {
    *err = "The " + std::string(field) + "Path field refers to value \"" + quoted_value(*r) +
           "\" which is not a valid integer: " + d.path->text();
    return false;
  }
  if (positive && n <= 0) {
    *err = "The " + std::string(field) + "Path field refers to value \"" + quoted_value(*r) +
           "\" which is not a valid positive integer: " + d.path->text();
    return false;
  }
  *out = n;
  return true;
}

Step enter_wait(const State& s, const Value& eff, StateRoots& roots, const StateEntry& entry,
                json::Entropy& entropy, int64_t now_ms) {
  int64_t wake = now_ms;
  if (s.wait_seconds) {
    wake = now_ms + *s.wait_seconds * 1000;
  } else if (s.wait_timestamp_ms) {
    wake = *s.wait_timestamp_ms;
  } else if (s.seconds_path) {
    auto r = s.seconds_path->evaluate_in(roots);
    const std::string& p = s.seconds_path->text();
    if (!r)
      return runtime_error(entry, errors::kRuntime,
                           "The SecondsPath parameter does not reference an input value: " + p);
    int64_t n;
    if (!r->is_number() || !r->integral_value(&n))
      return runtime_error(
          entry, errors::kRuntime,
          "The SecondsPath parameter cannot be parsed as a long value: " + p + " == " + r->dump());
    if (n < 0)
      return runtime_error(
          entry, errors::kRuntime,
          "The SecondsPath parameter references a negative value: " + p + " == " + r->dump());
    if (n > kMaxWaitSeconds) return runtime_error(entry, errors::kRuntime, "Wait state delay is too long.");
    wake = now_ms + n * 1000;
  } else if (s.timestamp_path) {
    auto r = s.timestamp_path->evaluate_in(roots);
    const std::string& p = s.timestamp_path->text();
    if (!r)
      return runtime_error(entry, errors::kRuntime,
                           "The TimestampPath parameter does not reference an input value: " + p);
    std::optional<int64_t> t = r->is_string() ? json::parse_rfc3339(r->as_string()) : std::nullopt;
    if (!t)
      return runtime_error(entry, errors::kRuntime,
                           "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
                           "date-time format string: " +
                               p + " == " + (r->is_string() ? std::string(r->as_string()) : r->dump()));
    wake = *t;
  }
  if (wake - now_ms > kMaxWaitSeconds * 1000)
    return runtime_error(entry, errors::kRuntime, "Wait state delay is too long.");
  Step step;
  if (!assign_jsonpath(s.assign, eff, roots, entropy, entry, &step)) return step;
  Value out;
  Error err;
  if (!apply_io_path(s.output_path, eff, roots, &out, &err)) return from_error(entry, err);
  step.kind = Step::Kind::kWait;
  step.next = s.next;
  step.value = std::move(out);
  step.time_ms = std::max(wake, now_ms);
  return step;
}

Step enter_fail(const State& s, const Value& raw, StateRoots& roots, const StateEntry& entry,
                json::Entropy& entropy) {
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
  roots.set_input(raw);
  for (auto [expr, out, has, field] : {std::tuple{&s.error_path, &e.error, &e.has_error, "ErrorPath"},
                                       std::tuple{&s.cause_path, &e.cause, &e.has_cause, "CausePath"}}) {
    if (!*expr) continue;
    auto r = (*expr)->evaluate(roots, entropy, field);
    if (!r) return from_error(entry, r.error());
    if (!r->is_string())
      return runtime_error(
          entry, errors::kRuntime,
          std::string("The value of the field '") + field + "' must be a string, but was: " + r->dump());
    *out = std::string(r->as_string());
    *has = true;
  }
  return fail(std::move(e));
}

Step enter_map(const State& s, const Value& eff, StateRoots& roots, const StateEntry& entry,
               json::Entropy& entropy) {
  Value items = eff;
  if (s.items_path) {
    auto r = s.items_path->evaluate_in(roots);
    if (!r)
      return runtime_error(entry, errors::kRuntime,
                           "Invalid path '" + s.items_path->text() + "' : " + r.error().message);
    items = std::move(r).value();
  }
  if (!items.is_array())
    return runtime_error(
        entry, errors::kRuntime,
        "Map state input must be an array but was: " + std::string(json::type_name(items.type())));
  Step step;
  step.kind = Step::Kind::kMap;
  std::string err;
  std::optional<int64_t> mc;
  if (!resolve_int(s.max_concurrency, "MaxConcurrency", false, roots, &mc, &err))
    return runtime_error(entry, errors::kRuntime, err);
  step.max_concurrency = mc.value_or(0);
  if (step.max_concurrency < 0)
    return runtime_error(entry, errors::kRuntime, "MaxConcurrency cannot be negative.");
  step.tolerated_failure_percentage = s.tolerated_failure_percentage;
  if (s.tolerated_failure_percentage_path) {
    auto r = s.tolerated_failure_percentage_path->evaluate_in(roots);
    if (!r || !r->is_number())
      return runtime_error(entry, errors::kRuntime,
                           "The ToleratedFailurePercentagePath field refers to value \"" +
                               (r ? quoted_value(*r) : std::string()) + "\" which is not a valid float: " +
                               s.tolerated_failure_percentage_path->text());
    step.tolerated_failure_percentage = r->as_double();
  }
  if (step.tolerated_failure_percentage &&
      (*step.tolerated_failure_percentage < 0 || *step.tolerated_failure_percentage > 100))
    return runtime_error(entry, errors::kRuntime, "ToleratedFailurePercentage must be between 0 and 100.");
  if (!resolve_int(s.tolerated_failure_count, "ToleratedFailureCount", false, roots,
                   &step.tolerated_failure_count, &err))
    return runtime_error(entry, errors::kRuntime, err);
  if (step.tolerated_failure_count && *step.tolerated_failure_count < 0)
    return runtime_error(entry, errors::kRuntime, "ToleratedFailureCount cannot be negative.");

  step.items.reserve(items.size());
  if (!s.item_selector) {
    for (const Value& it : items.items()) step.items.push_back(it);
  } else {
    MapItem item;
    roots.set_input(eff);
    int64_t index = 0;
    for (const Value& it : items.items()) {
      item.index = index++;
      item.value = it;
      roots.set_map_item(&item);
      auto r = s.item_selector->evaluate(roots, entropy);
      if (!r) {
        roots.set_map_item(nullptr);
        return from_error(entry, r.error());
      }
      step.items.push_back(std::move(r).value());
    }
    roots.set_map_item(nullptr);
  }
  return step;
}

}  // namespace

std::string cause_prefix(const StateEntry& entry) {
  return "An error occurred while executing the state '" + std::string(entry.state_name) +
         "' (entered at the event id #" + std::to_string(entry.entered_event_id) + "). ";
}

Step transition(const State& s, Value output) {
  Step step;
  step.value = std::move(output);
  if (s.end || !s.next) {
    step.kind = Step::Kind::kEnd;
  } else {
    step.kind = Step::Kind::kNext;
    step.next = s.next;
  }
  return step;
}

Step enter(const State& s, const Value& raw, StateRoots& roots, const StateEntry& entry,
           json::Entropy& entropy, int64_t now_ms) {
  roots.set_input(raw);
  if (s.lang == QueryLanguage::kJsonata) return interp::enter_jsonata(s, raw, roots, entry, entropy, now_ms);
  if (s.type == StateType::kFail) return enter_fail(s, raw, roots, entry, entropy);

  Value eff;
  Error err;
  if (!apply_io_path(s.input_path, raw, roots, &eff, &err)) return from_error(entry, err);
  roots.set_input(eff);

  switch (s.type) {
    case StateType::kChoice: {
      for (const ChoiceRule& rule : s.choices) {
        StatesError e;
        bool hit = evaluate_choice_rule(rule, roots, &e);
        if (!e.error.empty()) {
          e.cause = cause_prefix(entry) + e.cause;
          return fail(std::move(e));
        }
        if (hit) {
          Step step;
          if (!assign_jsonpath(rule.assign, eff, roots, entropy, entry, &step)) return step;
          Value out;
          if (!apply_io_path(s.output_path, eff, roots, &out, &err)) return from_error(entry, err);
          step.kind = Step::Kind::kNext;
          step.next = rule.next;
          step.value = std::move(out);
          return step;
        }
      }
      if (!s.default_next)
        return fail(
            StatesError::make(std::string(errors::kNoChoiceMatched),
                              "No Matches! in state '" + s.name + "' for input '" + eff.dump() + "'"));
      // The state's own Assign applies only when no rule matched (the Default branch).
      Step step;
      if (!assign_jsonpath(s.assign, eff, roots, entropy, entry, &step)) return step;
      Value out;
      if (!apply_io_path(s.output_path, eff, roots, &out, &err)) return from_error(entry, err);
      step.kind = Step::Kind::kNext;
      step.next = s.default_next;
      step.value = std::move(out);
      return step;
    }
    case StateType::kWait:
      return enter_wait(s, eff, roots, entry, entropy, now_ms);
    case StateType::kSucceed: {
      Value out;
      if (!apply_io_path(s.output_path, eff, roots, &out, &err)) return from_error(entry, err);
      if (too_big(out)) return data_limit(s.name);
      Step step;
      step.kind = Step::Kind::kEnd;
      step.value = std::move(out);
      return step;
    }
    case StateType::kMap:
      return enter_map(s, eff, roots, entry, entropy);
    default:
      break;
  }

  // Pass, Task, Parallel: Parameters make the effective input.
  Value params = eff;
  if (s.parameters) {
    auto r = s.parameters->evaluate(roots, entropy);
    if (!r) return from_error(entry, r.error());
    params = std::move(r).value();
    if (too_big(params)) return data_limit(s.name);
  }

  switch (s.type) {
    case StateType::kPass: {
      const Value& result = s.result ? *s.result : params;
      if (!s.assign) {
        roots.set_input(raw);
        return finish(s, raw, result, roots, entry);
      }
      Value assigned;
      Step failed;
      if (!assign_jsonpath(*s.assign, result, roots, entropy, entry, &assigned, &failed)) return failed;
      roots.set_input(raw);
      Step step = finish(s, raw, result, roots, entry);
      if (step.kind != Step::Kind::kFail) step.assigned = std::move(assigned);
      return step;
    }
    case StateType::kTask: {
      Step step;
      step.kind = Step::Kind::kTask;
      std::string e;
      roots.set_input(eff);
      if (!resolve_int(s.timeout_seconds, "TimeoutSeconds", true, roots, &step.timeout_seconds, &e) ||
          !resolve_int(s.heartbeat_seconds, "HeartbeatSeconds", true, roots, &step.heartbeat_seconds, &e))
        return runtime_error(entry, errors::kRuntime, e);
      step.value = std::move(params);
      return step;
    }
    case StateType::kParallel: {
      Step step;
      step.kind = Step::Kind::kParallel;
      step.value = std::move(params);
      return step;
    }
    default:
      break;
  }
  return runtime_error(entry, errors::kRuntime, "unsupported state type");
}

Step complete(const State& s, const Value& raw, const Value& result, StateRoots& roots,
              const StateEntry& entry, json::Entropy& entropy, int64_t now_ms) {
  if (s.type == StateType::kTask && too_big(result)) return data_limit(s.resource);
  if (s.lang == QueryLanguage::kJsonata)
    return interp::complete_jsonata(s, raw, result, roots, entry, entropy, now_ms);
  // Assign reads the raw result, before ResultSelector (see interpreter.h).
  Value assigned;
  if (s.assign) {
    Step failed;
    if (!assign_jsonpath(*s.assign, result, roots, entropy, entry, &assigned, &failed)) return failed;
  }
  Value selected = result;
  if (s.result_selector) {
    roots.set_input(result);
    auto r = s.result_selector->evaluate(roots, entropy);
    if (!r) return from_error(entry, r.error());
    selected = std::move(r).value();
  }
  roots.set_input(raw);
  Step step = finish(s, raw, selected, roots, entry);
  if (step.kind != Step::Kind::kFail) step.assigned = std::move(assigned);
  return step;
}

int64_t retry_delay_ms(const Retrier& r, int64_t attempt) {
  double seconds =
      static_cast<double>(r.interval_seconds) * std::pow(r.backoff_rate, static_cast<double>(attempt - 1));
  if (r.max_delay_seconds) seconds = std::min(seconds, static_cast<double>(*r.max_delay_seconds));
  seconds = std::min(seconds, static_cast<double>(kMaxWaitSeconds));
  return static_cast<int64_t>(std::llround(seconds * 1000.0));
}

Value error_output(const StatesError& e) {
  json::ObjectBuilder b(2);
  b.add("Error", Value::string(e.error));
  b.add("Cause", Value::string(e.cause));
  return std::move(b).build();
}

Step on_error(const State& s, const Value& raw, StatesError error, std::vector<int64_t>& attempts,
              StateRoots& roots, const StateEntry& entry, json::Entropy& entropy, int64_t now_ms) {
  if (!error.terminal() &&
      (s.type == StateType::kTask || s.type == StateType::kParallel || s.type == StateType::kMap)) {
    if (attempts.size() < s.retry.size()) attempts.resize(s.retry.size(), 0);
    for (size_t i = 0; i < s.retry.size(); ++i) {
      const Retrier& r = s.retry[i];
      if (!error_matches(r.error_equals, error)) continue;
      if (attempts[i] >= r.max_attempts) break;  // this retrier is spent: the retry phase ends
      int64_t delay = retry_delay_ms(r, ++attempts[i]);
      if (r.full_jitter) {
        double u = static_cast<double>(entropy.next_u64() >> 11) * (1.0 / 9007199254740992.0);
        delay = static_cast<int64_t>(static_cast<double>(delay) * u);
      }
      Step step;
      step.kind = Step::Kind::kRetry;
      step.time_ms = delay;
      step.error = std::move(error);
      return step;
    }
    for (const Catcher& c : s.catchers) {
      if (!error_matches(c.error_equals, error)) continue;
      Value eo = error_output(error);
      Step step;
      if (s.lang == QueryLanguage::kJsonata) {
        step = interp::catch_jsonata(s, c, raw, eo, roots, entry, entropy, now_ms);
        if (step.kind == Step::Kind::kFail) return step;
      } else {
        roots.set_input(raw);
        if (!assign_jsonpath(c.assign, eo, roots, entropy, entry, &step)) return step;
        Error err;
        if (!apply_result_path(c.result_path, raw, eo, &step.value, &err)) return from_error(entry, err);
      }
      step.kind = Step::Kind::kNext;
      step.next = c.next;
      step.caught = true;
      step.error = std::move(error);
      return step;
    }
  }
  return fail(std::move(error));
}

}  // namespace sg::asl
