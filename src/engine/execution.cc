// Execution: the frames of one execution over the pure interpreter.
//
// Frames: the execution is a tree of frames (the root, each Parallel branch, each Map
// iteration). A frame runs its states synchronously until it blocks on time (Wait, retry
// backoff), on a task or on children (Parallel/Map); ready frames run depth first (a
// frame's new children and a finished fork go ahead of older work), timers in time order.
// Cancelled frames (aborted siblings) are skipped when their turn comes; finished children
// are freed as soon as their result is recorded.
//
// Tasks: a frame that reaches a Task records TaskScheduled (and TaskStarted, except for
// queued activities) and parks; the host collects the parked tasks with take_tasks() and
// reports each result with task_done(). Results for tasks no longer awaited (aborted
// frames, an ended execution) are dropped.
#include "engine/execution.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <queue>
#include <unordered_map>

#include "asl/interpreter.h"
#include "asl/state_machine.h"
#include "asl/variables.h"
#include "engine/event_recorder.h"
#include "engine/seeded_entropy.h"
#include "json/uuid.h"

namespace sg::engine {

using asl::State;
using asl::StatesError;
using asl::Step;
using json::Value;

const char* execution_status_name(ExecutionStatus s) {
  switch (s) {
    case ExecutionStatus::kRunning:
      return "RUNNING";
    case ExecutionStatus::kSucceeded:
      return "SUCCEEDED";
    case ExecutionStatus::kFailed:
      return "FAILED";
    case ExecutionStatus::kTimedOut:
      return "TIMED_OUT";
    case ExecutionStatus::kAborted:
      return "ABORTED";
  }
  return "UNKNOWN";
}

namespace {

enum class Action : uint8_t {
  kEnter,
  kRetry,
  kAfterWait,
  kForkDone,
  kExecutionTimeout,
  kDeliverLater,      // a result reported for a later instant (task_done_later)
  kTaskTimeout,       // TimeoutSeconds of the frame's task (own_task_timeouts)
  kHeartbeatTimeout,  // HeartbeatSeconds of the frame's task (own_task_timeouts)
};

struct Frame {
  const asl::StateContainer* container = nullptr;
  const State* state = nullptr;
  Value input;  // raw input of the current state
  Frame* parent = nullptr;
  size_t slot = 0;  // position in the parent's results
  asl::StateEntry entry;
  std::vector<int64_t> retry_attempts;
  // The workflow variables of this frame's States object; reads fall through to the
  // parent frame's scope (a fork's parent outlives its children).
  asl::VariableScope scope;
  int64_t last_event = 0;  // previousEventId for this frame's next event
  bool cancelled = false;
  bool finished = false;
  bool entered = false;  // a StateEntered was recorded (aborts report only then)

  // Wait in progress.
  Step pending;
  // The task this frame waits for (0: none), its timeouts and a result due later.
  uint64_t task_id = 0;
  int64_t task_deadline = 0, heartbeat_deadline = 0;
  std::optional<int64_t> task_timeout_s, task_heartbeat_s;
  TaskResult later;

  // Parallel/Map in progress.
  std::vector<std::unique_ptr<Frame>> children;
  std::vector<Value> results;
  std::vector<Value> items;     // kept until the fork succeeds: a redrive re-runs the rest
  std::vector<char> slot_done;  // 1 once a branch/iteration's result is recorded
  size_t started = 0, running = 0, completed = 0, failed = 0;
  int64_t max_concurrency = 0;
  std::optional<double> tolerated_pct;
  std::optional<int64_t> tolerated_count;
  bool fork_failed = false;
  StatesError fork_error;
  int64_t map_index = -1;            // index of this frame as a Map iteration
  int64_t last_iteration_event = 0;  // Map: id of the latest MapIterationSucceeded
};

struct Timer {
  int64_t at;
  uint64_t seq;
  Frame* frame;
  Action action;
  // Task timers (timeouts, deliveries) carry the task id and no frame: the frame may be
  // freed before they pop, and they are stale once the frame moved on.
  uint64_t tag;
  bool operator>(const Timer& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

Step fail_step(StatesError e) {
  Step s;
  s.kind = Step::Kind::kFail;
  s.error = std::move(e);
  return s;
}

}  // namespace

struct Execution::Impl {
  Impl(std::shared_ptr<const asl::StateMachine> m, ExecutionSetup s)
      : machine(std::move(m)), sm(*machine), setup(std::move(s)), events(setup.history, setup.region) {}

  void schedule(int64_t at, Frame* f, Action a, uint64_t tag = 0) {
    timers.push(Timer{at, seq++, f, a, tag});
  }
  int64_t scaled(int64_t delay_ms) const {
    if (setup.time_scale == 1.0 || delay_ms <= 0) return delay_ms;
    return std::max<int64_t>(0, std::llround(static_cast<double>(delay_ms) * setup.time_scale));
  }
  void ready(Frame* f, Action a) { ready_q.push_back({f, a}); }
  // Work that continues what just ran (new children, a finished fork) goes first: the
  // execution proceeds depth first, so a Map inside a Map holds one inner Map's frames at
  // a time rather than all of them.
  void ready_next(Frame* f, Action a) { ready_q.push_front({f, a}); }
  void run_ready();
  void release(Frame* child) { child->parent->children[child->slot].reset(); }

  void dispatch(Frame* f, Action a);
  void enter_state(Frame* f, bool retry) { handle(f, begin_state(f, retry)); }
  Step begin_state(Frame* f, bool retry);
  void handle(Frame* f, Step step);
  void run_task(Frame* f, const Step& step);
  // Stores a state's assignments in its frame's scope; false (with *error) past the
  // execution's 10 MiB of variables.
  bool commit_variables(Frame* f, const Value& assigned, StatesError* error);
  // A frame leaves: its variables no longer count against the execution's total.
  void drop_variables(Frame* f) { variable_bytes -= static_cast<int64_t>(f->scope.bytes()); }
  void arm_task_timers(Frame* f);
  void complete_task(Frame* f, TaskResult r);
  void start_fork(Frame* f, Step step);
  void start_children(Frame* f);
  void fork_done(Frame* f);
  void frame_succeeded(Frame* f, Value output);
  void frame_failed(Frame* f, StatesError error);
  void cancel(Frame* f);
  void finish(ExecutionStatus status, Value output, const StatesError* error);
  void fail_execution(StatesError e) {
    cancel(root.get());
    finish(ExecutionStatus::kFailed, {}, &e);
  }
  Frame* awaiting(uint64_t id) const {
    auto it = tasks.find(id);
    if (it == tasks.end() || done || it->second->cancelled || it->second->task_id != id) return nullptr;
    return it->second;
  }
  std::string new_token();

  std::shared_ptr<const asl::StateMachine> machine;
  const asl::StateMachine& sm;
  ExecutionSetup setup;
  EventRecorder events;
  asl::ExecutionContext ex;
  std::unique_ptr<json::Entropy> own_entropy;
  json::Entropy* entropy = nullptr;
  std::unique_ptr<Frame> root;
  // Aborted children may still be referenced by queued timers or ready entries: they are
  // kept alive here until the execution ends.
  std::vector<std::unique_ptr<Frame>> graveyard;
  std::deque<std::pair<Frame*, Action>> ready_q;
  std::vector<PendingTask> new_tasks;
  std::unordered_map<uint64_t, Frame*> tasks;  // awaited tasks
  uint64_t next_task_id = 1;
  uint64_t cancels = 0;
  // Mutable: next_timer() drops stale entries from the top (see stale()).
  mutable std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers;
  // A queued timer that would do nothing when it fires: its frame was cancelled, or its
  // task is no longer awaited or has a newer deadline (a heartbeat moved it).
  bool stale(const Timer& t) const {
    switch (t.action) {
      case Action::kExecutionTimeout:
        return false;
      case Action::kDeliverLater:
        return awaiting(t.tag) == nullptr;
      case Action::kTaskTimeout: {
        Frame* f = awaiting(t.tag);
        return !f || f->task_deadline != t.at;
      }
      case Action::kHeartbeatTimeout: {
        Frame* f = awaiting(t.tag);
        return !f || f->heartbeat_deadline != t.at;
      }
      default:
        return t.frame && t.frame->cancelled;
    }
  }
  uint64_t seq = 0;
  int64_t now = 0;
  int64_t start = 0;
  int64_t deadline = 0;        // the execution's TimeoutSeconds, when set
  int64_t variable_bytes = 0;  // the size of every live variable (AWS: at most 10 MiB)
  bool done = false;
  bool started = false;
  ExecutionResult result;
};

std::string Execution::Impl::new_token() {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string t;
  t.reserve(88);
  for (int i = 0; i < 11; ++i) {
    uint64_t x = entropy->next_u64();
    for (int k = 0; k < 8; ++k) {
      t += kAlphabet[x & 63];
      x >>= 6;
    }
  }
  return t;
}

void Execution::Impl::run_ready() {
  while (!done && !ready_q.empty()) {
    auto [f, a] = ready_q.front();
    ready_q.pop_front();
    if (f && f->cancelled) continue;
    dispatch(f, a);
  }
  if (done) ready_q.clear();
}

void Execution::Impl::dispatch(Frame* f, Action a) {
  switch (a) {
    case Action::kEnter:
      enter_state(f, false);
      return;
    case Action::kRetry:
      enter_state(f, true);
      return;
    case Action::kAfterWait: {
      Step s = std::move(f->pending);
      if (!s.assigned.is_null()) {
        StatesError e;
        if (!commit_variables(f, s.assigned, &e)) {
          handle(f, fail_step(std::move(e)));
          return;
        }
      }
      f->last_event = events.state_exited(f->last_event, now, *f->state, s.value, s.assigned);
      if (s.next) {
        f->state = s.next;
        f->input = std::move(s.value);
        enter_state(f, false);
      } else {
        frame_succeeded(f, std::move(s.value));
      }
      return;
    }
    case Action::kForkDone:
      fork_done(f);
      return;
    case Action::kDeliverLater:
    case Action::kTaskTimeout:
    case Action::kHeartbeatTimeout:
    case Action::kExecutionTimeout:
      return;  // handled where timers fire (they carry a task id)
  }
}

// Records the entry (or retry) of the frame's current state and runs its pure part.
Step Execution::Impl::begin_state(Frame* f, bool retry) {
  const State& s = *f->state;
  ++result.transitions;
  if (setup.max_transitions && result.transitions > setup.max_transitions) {
    fail_execution(StatesError::make(std::string(asl::errors::kRuntime),
                                     "The execution exceeded " + std::to_string(setup.max_transitions) +
                                         " state transitions, the limit of this run (an endless loop?)"));
    return Step{};  // ignored: handle() stops once the execution is done
  }
  if (setup.max_history_events && events.last_id() >= setup.max_history_events) {
    fail_execution(StatesError::make(std::string(asl::errors::kRuntime),
                                     "The execution reached the maximum number of history events (" +
                                         std::to_string(setup.max_history_events) + ")."));
    return Step{};
  }
  f->entered = true;
  if (!retry) {
    f->retry_attempts.clear();
    f->entry.retry_count = 0;
    f->entry.entered_time_ms = now;
    f->entry.state_name = s.name;
    f->last_event = events.state_entered(f->last_event, now, s, f->input);
    f->entry.entered_event_id = f->last_event;
  } else {
    ++f->entry.retry_count;
  }
  f->entry.task_token.clear();
  // Callback tasks and activities are completed through their token (SendTask*).
  if (s.type == asl::StateType::kTask &&
      (s.pattern == asl::IntegrationPattern::kWaitForTaskToken || s.task_kind == asl::TaskKind::kActivity))
    f->entry.task_token = new_token();
  asl::StateRoots roots(ex, f->entry, f->input, &f->scope);
  Step step = asl::enter(s, f->input, roots, f->entry, *entropy, now);
  if (step.kind == Step::Kind::kWait && setup.time_scale != 1.0)
    step.time_ms = now + scaled(step.time_ms - now);
  return step;
}

// Applies steps until the frame blocks or finishes. Pure-state chains loop here without
// touching the queues (the hot path of every benchmark).
void Execution::Impl::handle(Frame* f, Step step) {
  for (;;) {
    if (done) return;
    const State& s = *f->state;
    switch (step.kind) {
      case Step::Kind::kNext: {
        if (!step.assigned.is_null()) {
          StatesError e;
          if (!commit_variables(f, step.assigned, &e)) {
            step = fail_step(std::move(e));
            continue;
          }
        }
        f->last_event = events.state_exited(f->last_event, now, s, step.value, step.assigned);
        f->state = step.next;
        f->input = std::move(step.value);
        step = begin_state(f, false);
        continue;
      }
      case Step::Kind::kEnd:
        if (!step.assigned.is_null()) {
          StatesError e;
          if (!commit_variables(f, step.assigned, &e)) {
            step = fail_step(std::move(e));
            continue;
          }
        }
        if (s.type != asl::StateType::kFail)
          f->last_event = events.state_exited(f->last_event, now, s, step.value, step.assigned);
        frame_succeeded(f, std::move(step.value));
        return;
      case Step::Kind::kFail: {
        if (!step.error.location.empty()) {
          f->last_event = events.evaluation_failed(f->last_event, now, s, step.error);
          step.error.location = {};
        }
        if (s.type == asl::StateType::kTask || s.type == asl::StateType::kParallel ||
            s.type == asl::StateType::kMap) {
          if (!step.error.terminal() && s.has_retry_or_catch()) {
            asl::StateRoots roots(ex, f->entry, f->input, &f->scope);
            Step next =
                asl::on_error(s, f->input, step.error, f->retry_attempts, roots, f->entry, *entropy, now);
            if (next.kind != Step::Kind::kFail) {
              step = std::move(next);
              continue;
            }
          }
        }
        frame_failed(f, std::move(step.error));
        return;
      }
      case Step::Kind::kRetry:
        schedule(now + scaled(step.time_ms), f, Action::kRetry);
        return;
      case Step::Kind::kWait:
        f->pending = std::move(step);
        if (f->pending.time_ms <= now) {
          dispatch(f, Action::kAfterWait);
        } else {
          schedule(f->pending.time_ms, f, Action::kAfterWait);
        }
        return;
      case Step::Kind::kTask:
        run_task(f, step);
        return;
      case Step::Kind::kParallel:
      case Step::Kind::kMap:
        start_fork(f, std::move(step));
        return;
    }
  }
}

bool Execution::Impl::commit_variables(Frame* f, const Value& assigned, StatesError* error) {
  int64_t delta = 0;
  for (const json::Member& m : assigned.members()) {
    delta += static_cast<int64_t>(m.value.json_size());
    if (const Value* old = f->scope.find_own(m.name())) delta -= static_cast<int64_t>(old->json_size());
  }
  if (variable_bytes + delta > static_cast<int64_t>(asl::kMaxExecutionVariableBytes)) {
    *error = asl::execution_variables_too_big();
    return false;
  }
  variable_bytes += f->scope.assign_all(assigned);
  return true;
}

void Execution::Impl::run_task(Frame* f, const Step& step) {
  const State& s = *f->state;
  bool activity = s.task_kind == asl::TaskKind::kActivity;
  bool queued = activity && setup.queue_activities;
  f->last_event =
      events.task_scheduled(f->last_event, now, s, step.value, step.timeout_seconds, step.heartbeat_seconds);
  if (!queued) f->last_event = events.task_started(f->last_event, now, s);
  uint64_t id = next_task_id++;
  f->task_id = id;
  f->task_timeout_s = step.timeout_seconds;
  f->task_heartbeat_s = step.heartbeat_seconds;
  f->task_deadline = f->heartbeat_deadline = 0;
  tasks[id] = f;
  PendingTask& t = new_tasks.emplace_back();
  t.id = id;
  t.state = &s;
  t.callback = s.pattern == asl::IntegrationPattern::kWaitForTaskToken;
  t.activity = activity;
  TaskRequest& req = t.request;
  req.resource = s.resource;
  req.parameters = step.value;
  req.state_name = s.name;
  req.execution_arn = ex.execution_arn;
  req.timeout_seconds = step.timeout_seconds;
  req.heartbeat_seconds = step.heartbeat_seconds;
  req.task_token = f->entry.task_token;
  req.attempt = static_cast<int>(f->entry.retry_count);
  if (sm.timeout_seconds) req.time_left_ms = std::max<int64_t>(1, deadline - now);
  if (setup.own_task_timeouts && !queued) arm_task_timers(f);
}

// Task timeouts count from TaskStarted (ActivityStarted for activities).
void Execution::Impl::arm_task_timers(Frame* f) {
  if (f->task_timeout_s && *f->task_timeout_s > 0) {
    f->task_deadline = now + scaled(*f->task_timeout_s * 1000);
    schedule(f->task_deadline, nullptr, Action::kTaskTimeout, f->task_id);
  }
  if (f->task_heartbeat_s && *f->task_heartbeat_s > 0) {
    f->heartbeat_deadline = now + scaled(*f->task_heartbeat_s * 1000);
    schedule(f->heartbeat_deadline, nullptr, Action::kHeartbeatTimeout, f->task_id);
  }
}

void Execution::Impl::complete_task(Frame* f, TaskResult r) {
  const State& s = *f->state;
  tasks.erase(f->task_id);
  f->task_id = 0;
  Step next;
  if (r.ok) {
    f->last_event = events.task_succeeded(f->last_event, now, s, r.output);
    asl::StateRoots roots(ex, f->entry, f->input, &f->scope);
    next = asl::complete(s, f->input, r.output, roots, f->entry, *entropy, now);
  } else {
    bool timed_out = r.error == asl::errors::kTimeout;
    f->last_event = events.task_failed(f->last_event, now, s, r.error, r.cause, timed_out, r.has_cause);
    StatesError e = StatesError::make(std::move(r.error), std::move(r.cause));
    e.has_error = r.has_error;
    e.has_cause = r.has_cause;
    e.heartbeat = r.heartbeat_timeout;
    if (timed_out && e.cause.empty()) e.has_cause = false;  // TaskTimedOut carries no cause
    next.kind = Step::Kind::kFail;
    next.error = std::move(e);
  }
  handle(f, std::move(next));
}

void Execution::Impl::start_fork(Frame* f, Step step) {
  const State& s = *f->state;
  f->children.clear();
  f->results.clear();
  f->started = f->running = f->completed = f->failed = 0;
  f->last_iteration_event = 0;
  f->fork_failed = false;
  if (step.kind == Step::Kind::kParallel) {
    f->last_event = events.plain(f->last_event, now, "ParallelStateStarted");
    size_t n = s.branches.size();
    f->results.assign(n, Value());
    f->items.assign(n, step.value);
    f->slot_done.assign(n, 0);
    f->max_concurrency = 0;
  } else {
    f->last_event = events.map_state_started(f->last_event, now, step.items.size());
    f->items = std::move(step.items);
    f->results.assign(f->items.size(), Value());
    f->slot_done.assign(f->items.size(), 0);
    f->max_concurrency = step.max_concurrency;
    f->tolerated_pct = step.tolerated_failure_percentage;
    f->tolerated_count = step.tolerated_failure_count;
  }
  if (f->items.empty()) {
    ready(f, Action::kForkDone);
    return;
  }
  start_children(f);
}

void Execution::Impl::start_children(Frame* f) {
  const State& s = *f->state;
  bool is_map = s.type == asl::StateType::kMap;
  // children[i] is slot i's frame (release() relies on it), even when a redrive skips slots.
  if (f->children.size() < f->items.size()) f->children.resize(f->items.size());
  size_t first_new = f->started;
  while (f->started < f->items.size() &&
         (f->max_concurrency <= 0 || f->running < static_cast<size_t>(f->max_concurrency))) {
    size_t i = f->started++;
    if (f->slot_done[i]) continue;  // done before a redrive
    auto child = std::make_unique<Frame>();
    child->container = is_map ? s.processor.get() : s.branches[i].get();
    child->state = child->container->start;
    child->input = f->items[i];
    child->parent = f;
    child->scope.set_parent(&f->scope);
    child->slot = i;
    child->last_event = f->last_event;
    if (is_map) {
      child->map_index = static_cast<int64_t>(i);
      child->last_event =
          events.map_iteration(f->last_event, now, "MapIterationStarted", s.name, child->map_index);
    }
    ++f->running;
    f->children[i] = std::move(child);
  }
  // In item order, ahead of older work.
  for (size_t k = f->started; k-- > first_new;)
    if (!f->slot_done[k]) ready_next(f->children[k].get(), Action::kEnter);
}

void Execution::Impl::fork_done(Frame* f) {
  const State& s = *f->state;
  bool is_map = s.type == asl::StateType::kMap;
  for (auto& c : f->children)
    if (c && !c->finished) graveyard.push_back(std::move(c));
  f->children.clear();
  Step next;
  if (f->fork_failed) {
    f->last_event = events.plain(f->last_event, now, is_map ? "MapStateFailed" : "ParallelStateFailed");
    next.kind = Step::Kind::kFail;
    next.error = f->fork_error;
  } else {
    // AWS-observed: MapStateSucceeded and then MapStateExited point back at the last
    // iteration event, not at each other.
    int64_t prev = is_map && f->last_iteration_event ? f->last_iteration_event : f->last_event;
    f->last_event = events.plain(prev, now, is_map ? "MapStateSucceeded" : "ParallelStateSucceeded");
    if (is_map && f->last_iteration_event) f->last_event = f->last_iteration_event;
    Value results = Value::array(std::move(f->results));
    f->results.clear();
    f->items.clear();
    f->slot_done.clear();
    asl::StateRoots roots(ex, f->entry, f->input, &f->scope);
    next = asl::complete(s, f->input, results, roots, f->entry, *entropy, now);
  }
  handle(f, std::move(next));
}

void Execution::Impl::frame_succeeded(Frame* f, Value output) {
  f->finished = true;
  Frame* p = f->parent;
  if (p) drop_variables(f);
  if (!p) {
    finish(ExecutionStatus::kSucceeded, std::move(output), nullptr);
    return;
  }
  if (p->cancelled || p->fork_failed) return;
  const State& ps = *p->state;
  if (f->map_index >= 0) {
    // AWS-observed: the next MapIterationStarted points at the last event inside this
    // iteration, not at its MapIterationSucceeded.
    p->last_iteration_event =
        events.map_iteration(f->last_event, now, "MapIterationSucceeded", ps.name, f->map_index);
    p->last_event = f->last_event;
  } else {
    p->last_event = f->last_event;
  }
  p->results[f->slot] = std::move(output);
  p->slot_done[f->slot] = 1;
  --p->running;
  ++p->completed;
  if (p->completed == p->items.size()) {
    ready_next(p, Action::kForkDone);
  } else {
    start_children(p);
  }
  release(f);  // f is gone from here on
}

void Execution::Impl::frame_failed(Frame* f, StatesError error) {
  f->finished = true;
  Frame* p = f->parent;
  if (p) drop_variables(f);
  if (!p) {
    cancel(f);
    finish(ExecutionStatus::kFailed, {}, &error);
    return;
  }
  if (p->cancelled || p->fork_failed) return;
  const State& ps = *p->state;
  if (f->map_index >= 0) {
    p->last_event = events.map_iteration(f->last_event, now, "MapIterationFailed", ps.name, f->map_index);
    ++p->failed;
    bool tolerant = p->tolerated_pct || p->tolerated_count;
    bool within = false;
    if (tolerant) {
      within = true;
      if (p->tolerated_count && static_cast<int64_t>(p->failed) > *p->tolerated_count) within = false;
      if (p->tolerated_pct &&
          static_cast<double>(p->failed) * 100.0 / static_cast<double>(p->items.size()) > *p->tolerated_pct)
        within = false;
    }
    if (within) {
      p->results[f->slot] = asl::error_output(error);
      p->slot_done[f->slot] = 1;
      --p->running;
      ++p->completed;
      if (p->completed == p->items.size())
        ready_next(p, Action::kForkDone);
      else
        start_children(p);
      release(f);  // f is gone from here on
      return;
    }
    if (tolerant) {
      error = StatesError::make(std::string(asl::errors::kExceedToleratedFailureThreshold),
                                "The specified tolerated failure threshold was exceeded");
    }
  } else {
    p->last_event = f->last_event;
  }
  // The first failure fails the whole fork: abort the other children.
  p->fork_failed = true;
  p->fork_error = std::move(error);
  for (auto& c : p->children) {
    if (!c || c.get() == f || c->finished) continue;
    cancel(c.get());
    if (c->map_index >= 0)
      p->last_event = events.map_iteration(p->last_event, now, "MapIterationAborted", ps.name, c->map_index);
  }
  ready_next(p, Action::kForkDone);
}

void Execution::Impl::cancel(Frame* f) {
  if (f->cancelled || f->finished) return;
  f->cancelled = true;
  ++cancels;
  if (f->parent) drop_variables(f);
  if (f->task_id) {
    tasks.erase(f->task_id);
    f->task_id = 0;
  }
  // Only states that can be in progress have an abort event (AWS: Task, Wait, Map,
  // Parallel), and only once entered: a branch that had not started logs nothing.
  if (f->state && f->entered) {
    asl::StateType t = f->state->type;
    if (t == asl::StateType::kTask || t == asl::StateType::kWait || t == asl::StateType::kMap ||
        t == asl::StateType::kParallel)
      f->last_event = events.state_aborted(f->last_event, now, *f->state);
  }
  for (auto& c : f->children)
    if (c) cancel(c.get());
}

void Execution::Impl::finish(ExecutionStatus status, Value output, const StatesError* error) {
  done = true;
  tasks.clear();
  timers = {};
  result.status = status;
  result.stop_time_ms = now;
  int64_t prev = root ? root->last_event : 0;
  if (status == ExecutionStatus::kSucceeded) {
    result.output = std::move(output);
    events.execution_succeeded(prev, now, result.output);
    return;
  }
  result.has_error = error && error->has_error;
  result.has_cause = error && error->has_cause;
  if (error) {
    result.error = error->error;
    result.cause = error->cause;
  }
  const char* type = status == ExecutionStatus::kTimedOut  ? "ExecutionTimedOut"
                     : status == ExecutionStatus::kAborted ? "ExecutionAborted"
                                                           : "ExecutionFailed";
  events.execution_failed(prev, now, type, result.has_error ? &result.error : nullptr,
                          result.has_cause ? &result.cause : nullptr);
}

// --- public interface ---------------------------------------------------------------

Execution::Execution(std::shared_ptr<const asl::StateMachine> machine, ExecutionSetup setup)
    : impl_(std::make_unique<Impl>(std::move(machine), std::move(setup))) {}
Execution::~Execution() = default;

void Execution::start(int64_t now_ms) {
  Impl& m = *impl_;
  if (m.started) return;
  m.started = true;
  if (m.setup.entropy) {
    m.entropy = m.setup.entropy;
  } else {
    m.own_entropy = std::make_unique<SeededEntropy>(m.setup.seed);
    m.entropy = m.own_entropy.get();
  }
  m.start = m.now = now_ms;
  if (m.setup.execution_name.empty()) m.setup.execution_name = json::random_uuid(*m.entropy);
  if (m.setup.state_machine_arn.empty())
    m.setup.state_machine_arn =
        "arn:aws:states:" + m.setup.region + ":123456789012:stateMachine:" + m.setup.state_machine_name;
  if (m.setup.execution_arn.empty()) {
    std::string arn = m.setup.state_machine_arn;
    size_t p = arn.find(":stateMachine:");
    if (p != std::string::npos) arn.replace(p, 14, ":execution:");
    arn += ':';
    arn += m.setup.execution_name;
    m.setup.execution_arn = std::move(arn);
  }
  m.ex.execution_name = m.setup.execution_name;
  m.ex.state_machine_name = m.setup.state_machine_name;
  m.ex.state_machine_arn = m.setup.state_machine_arn;
  m.ex.execution_arn = m.setup.execution_arn;
  m.ex.role_arn = m.setup.role_arn;
  m.ex.input = m.setup.input;
  m.ex.start_time_ms = m.start;
  m.ex.overrides = m.setup.context_overrides;

  m.events.execution_started(m.now, m.setup.input, m.setup.input_text ? &*m.setup.input_text : nullptr,
                             m.setup.role_arn, m.setup.state_machine_alias_arn,
                             m.setup.state_machine_version_arn);
  m.root = std::make_unique<Frame>();
  m.root->container = &m.sm.root;
  m.root->state = m.sm.root.start;
  m.root->input = m.setup.input;
  m.root->last_event = 0;  // AWS: the first StateEntered points back to 0
  if (m.sm.timeout_seconds) {
    m.deadline = m.start + m.scaled(*m.sm.timeout_seconds * 1000);
    m.schedule(m.deadline, nullptr, Action::kExecutionTimeout);
  }
  m.ready(m.root.get(), Action::kEnter);
  m.run_ready();
}

void Execution::advance(int64_t now_ms) {
  Impl& m = *impl_;
  if (m.done) return;
  // Every timer due by now fires in time order; the clock shows each timer's own time, so
  // events keep the instants their timers were set for.
  while (!m.done && !m.timers.empty() && m.timers.top().at <= now_ms) {
    int64_t at = m.timers.top().at;
    m.now = std::max(m.now, at);
    // Every frame due at this instant becomes ready before any runs, so their tasks park
    // together (one batch for a Map's worth of retries).
    while (!m.timers.empty() && m.timers.top().at == at) {
      Timer t = m.timers.top();
      m.timers.pop();
      if (t.frame && t.frame->cancelled) continue;
      switch (t.action) {
        case Action::kExecutionTimeout: {
          StatesError e = StatesError::make(std::string(asl::errors::kTimeout), "");
          e.has_cause = false;
          m.cancel(m.root.get());
          m.finish(ExecutionStatus::kTimedOut, {}, &e);
          break;
        }
        case Action::kDeliverLater:
          if (Frame* f = m.awaiting(t.tag)) m.ready_q.push_back({f, Action::kDeliverLater});
          break;
        case Action::kTaskTimeout:
          if (Frame* f = m.awaiting(t.tag); f && f->task_deadline == at) {
            f->later = TaskResult::failure(std::string(asl::errors::kTimeout), "");
            m.ready_q.push_back({f, Action::kDeliverLater});
          }
          break;
        case Action::kHeartbeatTimeout:
          if (Frame* f = m.awaiting(t.tag); f && f->heartbeat_deadline == at) {
            f->later = TaskResult::failure(std::string(asl::errors::kTimeout), "");
            f->later.heartbeat_timeout = true;
            m.ready_q.push_back({f, Action::kDeliverLater});
          }
          break;
        default:
          m.ready(t.frame, t.action);
      }
      if (m.done) break;
    }
    // Deliveries run in the order their timers fired.
    while (!m.done && !m.ready_q.empty()) {
      auto [f, a] = m.ready_q.front();
      m.ready_q.pop_front();
      if (f && f->cancelled) continue;
      if (a == Action::kDeliverLater) {
        if (f->task_id) m.complete_task(f, std::move(f->later));
      } else {
        m.dispatch(f, a);
      }
    }
  }
  if (m.now < now_ms && !m.done) m.now = now_ms;
}

void Execution::task_done(uint64_t id, TaskResult result, int64_t now_ms) {
  Impl& m = *impl_;
  Frame* f = m.awaiting(id);
  if (!f) return;
  m.now = std::max(m.now, now_ms);
  m.complete_task(f, std::move(result));
  m.run_ready();
}

void Execution::task_done_later(uint64_t id, TaskResult result, int64_t at_ms) {
  Impl& m = *impl_;
  Frame* f = m.awaiting(id);
  if (!f) return;
  f->later = std::move(result);
  m.schedule(std::max(at_ms, m.now), nullptr, Action::kDeliverLater, id);
}

void Execution::task_submitted(uint64_t id, const json::Value& response, int64_t now_ms) {
  Impl& m = *impl_;
  Frame* f = m.awaiting(id);
  if (!f) return;
  m.now = std::max(m.now, now_ms);
  f->last_event = m.events.task_submitted(f->last_event, m.now, *f->state, response);
}

void Execution::activity_started(uint64_t id, const std::string& worker_name, int64_t now_ms) {
  Impl& m = *impl_;
  Frame* f = m.awaiting(id);
  if (!f) return;
  m.now = std::max(m.now, now_ms);
  f->last_event = m.events.activity_started(f->last_event, m.now, worker_name);
  if (m.setup.own_task_timeouts) m.arm_task_timers(f);
}

bool Execution::heartbeat(uint64_t id, int64_t now_ms) {
  Impl& m = *impl_;
  Frame* f = m.awaiting(id);
  if (!f) return false;
  m.now = std::max(m.now, now_ms);
  if (f->heartbeat_deadline) {
    f->heartbeat_deadline = m.now + m.scaled(*f->task_heartbeat_s * 1000);
    m.schedule(f->heartbeat_deadline, nullptr, Action::kHeartbeatTimeout, id);
  }
  return true;
}

void Execution::stop(const std::string* error, const std::string* cause, int64_t now_ms) {
  Impl& m = *impl_;
  if (m.done || !m.started) return;
  m.now = std::max(m.now, now_ms);
  StatesError e;
  e.has_error = error != nullptr;
  e.has_cause = cause != nullptr;
  if (error) e.error = *error;
  if (cause) e.cause = *cause;
  m.cancel(m.root.get());
  m.finish(ExecutionStatus::kAborted, {}, &e);
}

void Execution::fail(const std::string& error, const std::string& cause, int64_t now_ms) {
  Impl& m = *impl_;
  if (m.done || !m.started) return;
  m.now = std::max(m.now, now_ms);
  m.fail_execution(StatesError::make(error, cause));
}

bool Execution::redrive(int64_t now_ms) {
  Impl& m = *impl_;
  if (!m.done || !m.root || m.result.status == ExecutionStatus::kSucceeded) return false;
  m.now = std::max(m.now, now_ms);
  m.done = false;
  int64_t count = m.ex.redrive_count + 1;
  m.result = ExecutionResult{.transitions = m.result.transitions};
  // A fresh context: the cached $$.Execution object must show the new RedriveCount.
  asl::ExecutionContext ex;
  ex.execution_arn = m.ex.execution_arn;
  ex.execution_name = m.ex.execution_name;
  ex.role_arn = m.ex.role_arn;
  ex.state_machine_arn = m.ex.state_machine_arn;
  ex.state_machine_name = m.ex.state_machine_name;
  ex.input = m.ex.input;
  ex.start_time_ms = m.ex.start_time_ms;
  ex.redrive_count = count;
  ex.overrides = m.ex.overrides;
  m.ex = std::move(ex);
  Frame* root = m.root.get();
  for (auto& c : root->children)
    if (c) m.graveyard.push_back(std::move(c));
  root->children.clear();
  root->cancelled = root->finished = false;
  root->task_id = 0;
  root->last_event = m.events.execution_redriven(m.events.last_id(), m.now, count);
  if (m.sm.timeout_seconds) {  // the execution's timeout counts again from the redrive
    m.deadline = m.now + m.scaled(*m.sm.timeout_seconds * 1000);
    m.schedule(m.deadline, nullptr, Action::kExecutionTimeout);
  }
  // A Parallel or Map that stopped with some branches or iterations done re-runs only the
  // others (from their start); any other state is entered again.
  asl::StateType t = root->state->type;
  size_t done_slots = 0;
  for (char d : root->slot_done) done_slots += d != 0;
  if ((t == asl::StateType::kParallel || t == asl::StateType::kMap) && !root->items.empty() &&
      done_slots < root->items.size()) {
    root->fork_failed = false;
    root->started = 0;
    root->running = 0;
    root->completed = done_slots;
    root->failed = 0;
    m.start_children(root);
  } else {
    root->items.clear();
    root->results.clear();
    root->slot_done.clear();
    m.ready(root, Action::kEnter);
  }
  m.run_ready();
  return true;
}

uint64_t Execution::cancellations() const { return impl_->cancels; }

std::vector<PendingTask> Execution::take_tasks() {
  std::vector<PendingTask> out;
  out.swap(impl_->new_tasks);
  if (impl_->done) out.clear();
  return out;
}

bool Execution::task_awaited(uint64_t id) const { return impl_->awaiting(id) != nullptr; }

std::optional<int64_t> Execution::next_timer() const {
  const Impl& m = *impl_;
  if (m.done) return std::nullopt;
  // Stale timers are dropped here rather than reported: the host would wake (and journal
  // an input) for nothing, once per heartbeat that moved a deadline.
  while (!m.timers.empty() && m.stale(m.timers.top())) m.timers.pop();
  if (m.timers.empty()) return std::nullopt;
  return m.timers.top().at;
}

bool Execution::done() const { return impl_->done; }
const ExecutionResult& Execution::result() const { return impl_->result; }
int64_t Execution::events_recorded() const { return impl_->events.last_id(); }
int64_t Execution::start_time_ms() const { return impl_->start; }
void Execution::set_replay_until(int64_t event_id) { impl_->events.set_replay_until(event_id); }

}  // namespace sg::engine
