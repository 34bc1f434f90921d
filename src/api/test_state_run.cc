// Runs the state under test through the interpreter and records inspectionData.
//
// The interpreter decides (output, next state, error); the stages shown at DEBUG are
// recomputed beside it from the same compiled paths and templates, which are pure. So
// that a States.UUID or States.MathRandom in a template shows the value the interpreter
// used, the interpreter's draws from the entropy source are recorded and replayed to the
// recomputation.
#include <cstdio>
#include <vector>

#include "api/test_state_internal.h"
#include "asl/context.h"
#include "asl/interpreter.h"
#include "asl/variables.h"
#include "engine/seeded_entropy.h"
#include "json/uuid.h"

namespace sg::api::test_state_detail {

using asl::State;
using asl::StatesError;
using asl::StateType;
using asl::Step;
using json::Value;

const char* status_name(Status s) {
  switch (s) {
    case Status::kSucceeded:
      return "SUCCEEDED";
    case Status::kFailed:
      return "FAILED";
    case Status::kRetriable:
      return "RETRIABLE";
    case Status::kCaughtError:
      return "CAUGHT_ERROR";
  }
  return "FAILED";
}

namespace {

// TestState's calls stop after 5 minutes with States.Timeout, as on AWS.
constexpr int64_t kMaxRunMs = 5 * 60 * 1000;
constexpr std::string_view kStateMachineName = "TestState";

class RecordingEntropy final : public json::Entropy {
 public:
  explicit RecordingEntropy(json::Entropy& base) : base_(base) {}
  uint64_t next_u64() override {
    uint64_t v = base_.next_u64();
    log_.push_back(v);
    return v;
  }
  size_t mark() const { return log_.size(); }
  const std::vector<uint64_t>& log() const { return log_; }

 private:
  json::Entropy& base_;
  std::vector<uint64_t> log_;
};

class ReplayEntropy final : public json::Entropy {
 public:
  ReplayEntropy(const std::vector<uint64_t>& log, size_t from) : log_(log), pos_(from) {}
  // Past the recording (not expected: the recomputation draws what the interpreter drew)
  // a fixed source keeps the result deterministic.
  uint64_t next_u64() override { return pos_ < log_.size() ? log_[pos_++] : spare_.next_u64(); }

 private:
  const std::vector<uint64_t>& log_;
  size_t pos_;
  engine::SeededEntropy spare_{0};
};

std::string task_token_from(json::Entropy& e) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string t;
  t.reserve(88);
  for (int i = 0; i < 11; ++i) {
    uint64_t x = e.next_u64();
    for (int k = 0; k < 8; ++k) {
      t += kAlphabet[x & 63];
      x >>= 6;
    }
  }
  return t;
}

std::string arn(const TestStateEnv& env, std::string_view resource) {
  std::string s("arn:");
  s.append(env.partition).append(":states:").append(env.region).append(":").append(env.account).append(":");
  s.append(resource);
  return s;
}

// InputPath as the interpreter applies it; nullopt when the path fails.
std::optional<Value> apply_input_path(const asl::IoPath& p, const Value& in, const json::PathRoots& roots) {
  switch (p.mode) {
    case asl::IoPath::Mode::kIdentity:
      return in;
    case asl::IoPath::Mode::kNull:
      return Value::empty_object();
    case asl::IoPath::Mode::kPath: {
      auto r = p.path.root() == json::PathRoot::kInput ? p.path.evaluate(in) : p.path.evaluate_in(roots);
      if (!r) return std::nullopt;
      return std::move(r).value();
    }
  }
  return std::nullopt;
}

std::optional<Value> apply_result_path(const asl::ResultPathSpec& p, const Value& raw, const Value& result) {
  switch (p.mode) {
    case asl::ResultPathSpec::Mode::kReplace:
      return result;
    case asl::ResultPathSpec::Mode::kDiscard:
      return raw;
    case asl::ResultPathSpec::Mode::kPath: {
      auto r = p.path.assign(raw, result);
      if (!r) return std::nullopt;
      return std::move(r).value();
    }
  }
  return std::nullopt;
}

// First retrier or catcher whose ErrorEquals takes `e` (what on_error scans for).
template <class Handlers>
std::optional<int64_t> first_match(const Handlers& hs, const StatesError& e) {
  for (size_t i = 0; i < hs.size(); ++i)
    if (asl::error_matches(hs[i].error_equals, e)) return static_cast<int64_t>(i);
  return std::nullopt;
}

class StateRun {
 public:
  StateRun(const RunSpec& spec, const TestStateEnv& env, const asl::ExecutionContext& ex,
           const asl::StateEntry& entry, RecordingEntropy& entropy)
      : spec_(spec), env_(env), s_(*spec.state), ex_(ex), entry_(entry), rec_(entropy), raw_(spec.input) {
    scope_.assign_all(spec.variables);
  }

  Outcome run() {
    out_.inspection.input = raw_;
    if (!spec_.variables.is_null()) out_.inspection.variables = spec_.variables;
    asl::StateRoots roots(ex_, entry_, raw_, &scope_);
    if (jsonata()) {
      // JSONata states have no InputPath/Parameters stages: AWS shows afterArguments.
      Step step = asl::enter(s_, raw_, roots, entry_, rec_, env_.now_ms);
      if ((s_.type == StateType::kTask || s_.type == StateType::kParallel) &&
          (step.kind == Step::Kind::kTask || step.kind == Step::Kind::kParallel))
        out_.inspection.after_arguments = step.value;
      switch (s_.type) {
        case StateType::kTask:
          return task(std::move(step));
        case StateType::kMap:
          return map(std::move(step));
        case StateType::kParallel:
          return parallel(std::move(step));
        default:
          return decided(std::move(step));
      }
    }
    eff_ = apply_input_path(s_.input_path, raw_, roots);
    // AWS shows no input stages for a Pass with Result: its Result replaces them.
    if (!(s_.type == StateType::kPass && s_.result)) out_.inspection.after_input_path = eff_;
    Step step = asl::enter(s_, raw_, roots, entry_, rec_, env_.now_ms);
    switch (s_.type) {
      case StateType::kPass:
        record_pass();
        return decided(std::move(step));
      case StateType::kTask:
        return task(std::move(step));
      case StateType::kMap:
        return map(std::move(step));
      case StateType::kParallel:
        return parallel(std::move(step));
      default:
        return decided(std::move(step));
    }
  }

 private:
  bool jsonata() const { return s_.lang == asl::QueryLanguage::kJsonata; }

  void record_pass() {
    Inspection& in = out_.inspection;
    if (s_.result) {
      in.result = *s_.result;
      in.after_result_selector = *s_.result;
    } else {
      if (!eff_) return;
      Value params = *eff_;
      if (s_.parameters) {
        ReplayEntropy replay(rec_.log(), 0);
        asl::StateRoots roots(ex_, entry_, *eff_, &scope_);
        auto r = s_.parameters->evaluate(roots, replay);
        if (!r) return;
        params = std::move(r).value();
      }
      in.after_parameters = params;
      in.after_result_selector = params;  // AWS shows the stage for a Pass too
    }
    in.after_result_path = apply_result_path(s_.result_path, raw_, *in.after_result_selector);
  }

  // The stages after the work: ResultSelector (replaying the draws complete() made from
  // `mark` on) and ResultPath.
  void record_result_stages(const Value& result, size_t mark) {
    if (jsonata()) return;
    Value selected = result;
    if (s_.result_selector) {
      ReplayEntropy replay(rec_.log(), mark);
      asl::StateRoots roots(ex_, entry_, result, &scope_);
      auto r = s_.result_selector->evaluate(roots, replay);
      if (!r) return;
      selected = std::move(r).value();
    }
    out_.inspection.after_result_selector = selected;
    out_.inspection.after_result_path = apply_result_path(s_.result_path, raw_, selected);
  }

  Outcome complete_with(const Value& result, bool show_result) {
    if (show_result) out_.inspection.result = result;
    size_t mark = rec_.mark();
    asl::StateRoots roots(ex_, entry_, raw_, &scope_);
    Step done = asl::complete(s_, raw_, result, roots, entry_, rec_, env_.now_ms);
    record_result_stages(result, mark);
    return decided(std::move(done));
  }

  Outcome task(Step step) {
    if (step.kind != Step::Kind::kTask) return decided(std::move(step));
    if (!jsonata()) out_.inspection.after_parameters = step.value;
    if (spec_.mock.present) {
      if (!spec_.mock.has_result) return failed(spec_.mock.error, false);
      return complete_with(spec_.mock.result, true);
    }
    if (!env_.tasks) {
      std::string cause("No task executor is configured: the resource '");
      cause.append(s_.resource).append("' cannot be invoked by TestState.");
      return failed(StatesError::make(std::string(asl::errors::kRuntime), std::move(cause)), false);
    }
    engine::TaskRequest req;
    req.resource = s_.resource;
    req.parameters = step.value;
    req.state_name = s_.name;
    req.execution_arn = ex_.execution_arn;
    req.timeout_seconds = step.timeout_seconds;
    req.heartbeat_seconds = step.heartbeat_seconds;
    req.task_token = entry_.task_token;
    req.attempt = static_cast<int>(spec_.retrier_retry_count);
    req.time_left_ms = kMaxRunMs;
    engine::TaskResult r = env_.tasks->invoke(req);
    if (!r.ok) {
      StatesError e = StatesError::make(std::move(r.error), std::move(r.cause));
      e.has_error = r.has_error;
      if (e.error == asl::errors::kTimeout && e.cause.empty()) e.has_cause = false;
      return failed(std::move(e), false);
    }
    return complete_with(r.output, true);
  }

  Outcome map(Step step) {
    Inspection& in = out_.inspection;
    if (eff_) {
      if (!s_.items_path) {
        in.after_items_path = *eff_;
      } else {
        asl::StateRoots roots(ex_, entry_, *eff_, &scope_);
        if (auto r = s_.items_path->evaluate_in(roots)) in.after_items_path = std::move(r).value();
      }
    }
    if (step.kind != Step::Kind::kMap) return decided(std::move(step));
    if (s_.item_selector || s_.item_selector_jsonata) in.after_item_selector = Value::array(step.items);
    in.max_concurrency = step.max_concurrency;
    in.tolerated_failure_count = step.tolerated_failure_count;
    in.tolerated_failure_percentage = step.tolerated_failure_percentage;
    const size_t item_count = step.items.size();
    if (!spec_.mock.has_result) return failed(spec_.mock.error, false);

    int64_t failures = spec_.map_iteration_failure_count.value_or(0);
    if (failures > static_cast<int64_t>(item_count)) {
      out_.refused = ApiError{"ValidationException",
                              "Map iteration failure count must be less than or equal to the number of Map "
                              "iterations",
                              400, ""};
      return std::move(out_);
    }
    // AWS-observed: the mocked failures count only against a declared tolerance; without
    // one the Map succeeds with the mocked result.
    if (failures > 0 && (in.tolerated_failure_count || in.tolerated_failure_percentage)) {
      bool exceeded = in.tolerated_failure_count && failures > *in.tolerated_failure_count;
      if (in.tolerated_failure_percentage && item_count > 0 &&
          static_cast<double>(failures) * 100.0 / static_cast<double>(item_count) >
              *in.tolerated_failure_percentage)
        exceeded = true;
      if (exceeded)
        return failed(StatesError::make(std::string(asl::errors::kExceedToleratedFailureThreshold),
                                        "The specified tolerated failure threshold was exceeded"),
                      false);
    }
    // AWS-observed: a Map's inspectionData has no "result" stage.
    return complete_with(spec_.mock.result, false);
  }

  Outcome parallel(Step step) {
    if (step.kind != Step::Kind::kParallel) return decided(std::move(step));
    if (!jsonata()) out_.inspection.after_parameters = step.value;
    if (!spec_.mock.has_result) return failed(spec_.mock.error, false);
    return complete_with(spec_.mock.result, false);
  }

  // The request's variables updated with what the state assigned.
  void record_variables(const Value& assigned) {
    if (!assigned.is_object() || assigned.size() == 0) return;
    asl::VariableScope after = scope_;
    after.assign_all(assigned);
    out_.inspection.variables = after.visible();
  }

  Outcome decided(Step step) {
    record_variables(step.assigned);
    switch (step.kind) {
      case Step::Kind::kNext:
      case Step::Kind::kWait:
        if (step.next) out_.next_state = step.next->name;
        [[fallthrough]];
      case Step::Kind::kEnd:
        out_.status = Status::kSucceeded;
        out_.output = std::move(step.value);
        return std::move(out_);
      case Step::Kind::kFail:
        return failed(std::move(step.error), true);
      default:
        break;
    }
    return failed(StatesError::make(std::string(asl::errors::kRuntime), "The state cannot be tested"), false);
  }

  // TestState reports runtime errors without the history prefix AWS puts on execution
  // errors ("... (entered at the event id #N). "): a test has no event history.
  void strip_prefix(StatesError& e) const {
    std::string prefix = asl::cause_prefix(entry_);
    if (e.cause.starts_with(prefix)) e.cause.erase(0, prefix.size());
  }

  void set_error(const StatesError& e) {
    if (e.has_error) out_.error = e.error;
    if (e.has_cause) out_.cause = e.cause;
  }

  // An error raised by the state: Retry and Catch as on_error applies them, with
  // retrierRetryCount retries counted as done.
  Outcome failed(StatesError e, bool from_interpreter) {
    if (from_interpreter) strip_prefix(e);
    bool handled_type =
        s_.type == StateType::kTask || s_.type == StateType::kMap || s_.type == StateType::kParallel;
    if (!handled_type || e.terminal()) {
      out_.status = Status::kFailed;
      set_error(e);
      return std::move(out_);
    }
    Inspection& in = out_.inspection;
    in.retry_index = first_match(s_.retry, e);
    std::vector<int64_t> attempts(s_.retry.size(), spec_.retrier_retry_count);
    asl::StateRoots roots(ex_, entry_, raw_, &scope_);
    Step next = asl::on_error(s_, raw_, e, attempts, roots, entry_, rec_, env_.now_ms);
    switch (next.kind) {
      case Step::Kind::kRetry:
        out_.status = Status::kRetriable;
        in.retry_backoff_seconds = next.time_ms / 1000;
        set_error(e);
        return std::move(out_);
      case Step::Kind::kNext:
        out_.status = Status::kCaughtError;
        in.catch_index = first_match(s_.catchers, e);
        record_variables(next.assigned);
        out_.output = std::move(next.value);
        if (next.next) out_.next_state = next.next->name;
        set_error(e);
        return std::move(out_);
      default:
        // No handler, or a catcher whose ResultPath could not be applied.
        strip_prefix(next.error);
        out_.status = Status::kFailed;
        set_error(next.error);
        return std::move(out_);
    }
  }

  const RunSpec& spec_;
  const TestStateEnv& env_;
  const State& s_;
  const asl::ExecutionContext& ex_;
  const asl::StateEntry& entry_;
  RecordingEntropy& rec_;
  const Value& raw_;
  std::optional<Value> eff_;
  asl::VariableScope scope_;
  Outcome out_;
};

}  // namespace

Outcome run_state(const RunSpec& spec, const TestStateEnv& env) {
  engine::SeededEntropy own(env.seed);
  json::Entropy& base = env.entropy ? *env.entropy : own;

  // The synthetic execution of a test: an express-style execution ARN
  // (arn:...:express:<state machine>:<execution>, AWS-observed).
  asl::ExecutionContext ex;
  ex.state_machine_name = std::string(kStateMachineName);
  ex.execution_name = json::random_uuid(base);
  std::string sm("stateMachine:");
  sm.append(kStateMachineName);
  ex.state_machine_arn = arn(env, sm);
  std::string exec("express:");
  exec.append(kStateMachineName).append(":").append(ex.execution_name);
  ex.execution_arn = arn(env, exec);
  if (spec.role_arn.empty()) {
    ex.role_arn.append("arn:")
        .append(env.partition)
        .append(":iam::")
        .append(env.account)
        .append(":role/TestStateRole");
  } else {
    ex.role_arn = spec.role_arn;
  }
  ex.input = spec.input;
  ex.start_time_ms = env.now_ms;
  ex.overrides = spec.context_overrides;

  asl::StateEntry entry;
  entry.state_name = spec.state->name;
  entry.entered_time_ms = env.now_ms;
  entry.entered_event_id = 2;  // after ExecutionStarted; not shown (see strip_prefix)
  entry.retry_count = spec.retrier_retry_count;
  if (spec.state->type == StateType::kTask &&
      spec.state->pattern == asl::IntegrationPattern::kWaitForTaskToken)
    entry.task_token = task_token_from(base);

  RecordingEntropy recording(base);
  StateRun run(spec, env, ex, entry, recording);
  return run.run();
}

}  // namespace sg::api::test_state_detail
