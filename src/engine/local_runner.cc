// run_local(): a discrete-event simulation of one execution over the pure interpreter.
//
// Frames: the execution is a tree of frames (the root, each Parallel branch, each Map
// iteration). A frame runs its states synchronously until it blocks on time (Wait, retry
// backoff) or on children (Parallel/Map); ready frames run depth first (a frame's new
// children and a finished fork go ahead of older work), timers in time order. Cancelled
// frames (aborted siblings) are skipped when their turn comes; finished children are freed
// as soon as their result is recorded.
//
// Tasks: a frame that reaches a Task records TaskScheduled/TaskStarted and parks. Once no
// frame is ready (every frame of this instant has run), the parked tasks go to the
// executor together (TaskExecutor::invoke_all, concurrent where the executor can). Their
// frames resume as the results arrive (in park order for executors that run calls one
// after another); calls whose frames are aborted meanwhile are withdrawn and their
// results dropped.
#include "engine/local_runner.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <queue>
#include <random>
#include <thread>

#include "asl/interpreter.h"
#include "asl/state_machine.h"
#include "engine/event_recorder.h"
#include "engine/seeded_entropy.h"

namespace sg::engine {

using asl::State;
using asl::StatesError;
using asl::Step;
using json::Value;

const char* execution_status_name(ExecutionStatus s) {
  switch (s) {
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

enum class Action : uint8_t { kEnter, kRetry, kAfterWait, kForkDone, kExecutionTimeout, kTaskTimedOut };

struct Frame {
  const asl::StateContainer* container = nullptr;
  const State* state = nullptr;
  Value input;  // raw input of the current state
  Frame* parent = nullptr;
  size_t slot = 0;  // position in the parent's results
  asl::StateEntry entry;
  std::vector<int64_t> retry_attempts;
  int64_t last_event = 0;  // previousEventId for this frame's next event
  bool cancelled = false;
  bool finished = false;
  bool entered = false;  // a StateEntered was recorded (aborts report only then)

  // Wait in progress.
  Step pending;
  // A task that timed out, reported when its timeout has passed in virtual time.
  TaskResult timed_out;

  // Parallel/Map in progress.
  std::vector<std::unique_ptr<Frame>> children;
  std::vector<Value> results;
  std::vector<Value> items;
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
  bool operator>(const Timer& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

class Runner {
 public:
  Runner(const asl::StateMachine& sm, const RunOptions& opt)
      : sm_(sm), opt_(opt), events_(opt.history, opt.identity.region) {}

  RunResult run();

 private:
  int64_t now() const { return now_; }
  void schedule(int64_t at, Frame* f, Action a) { timers_.push(Timer{at, seq_++, f, a}); }
  void ready(Frame* f, Action a) { ready_.push_back({f, a}); }
  // Work that continues what just ran (new children, a finished fork) goes first: the
  // execution proceeds depth first, so a Map inside a Map holds one inner Map's frames at
  // a time rather than all of them.
  void ready_next(Frame* f, Action a) { ready_.push_front({f, a}); }
  void release(Frame* child);

  void dispatch(Frame* f, Action a);
  void enter_state(Frame* f, bool retry);
  Step begin_state(Frame* f, bool retry);
  void handle(Frame* f, Step step);
  void run_task(Frame* f, const Step& step);
  void flush_tasks();
  void complete_task(Frame* f, TaskResult r);
  void start_fork(Frame* f, Step step);
  void start_children(Frame* f);
  void fork_done(Frame* f);
  void frame_succeeded(Frame* f, Value output);
  void frame_failed(Frame* f, StatesError error);
  void cancel(Frame* f);
  void finish_execution(ExecutionStatus status, Value output, const StatesError* error);
  std::string new_token();

  const asl::StateMachine& sm_;
  const RunOptions& opt_;
  EventRecorder events_;
  asl::ExecutionContext ex_;
  std::unique_ptr<json::Entropy> own_entropy_;
  json::Entropy* entropy_ = nullptr;
  std::unique_ptr<Frame> root_;
  // Aborted children may still be referenced by queued timers or ready entries: they are
  // kept alive here until the run ends.
  std::vector<std::unique_ptr<Frame>> graveyard_;
  std::deque<std::pair<Frame*, Action>> ready_;
  std::vector<Frame*> parked_;                // frames waiting for their task, in park order
  std::vector<TaskRequest> parked_requests_;  // parallel to parked_
  uint64_t cancels_ = 0;                      // frames cancelled so far (a batch in flight watches it)
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  uint64_t seq_ = 0;
  int64_t now_ = 0;
  int64_t start_ = 0;
  int64_t deadline_ = 0;  // the execution's TimeoutSeconds, when set
  std::chrono::steady_clock::time_point wall_start_;
  bool done_ = false;
  RunResult result_;
};

// A seed for an execution without a name. Opening std::random_device costs tens of
// microseconds (more than a short execution), so each thread opens it once and then
// steps a splitmix64 sequence from there.
uint64_t fresh_seed() {
  thread_local uint64_t state = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }();
  state += 0x9e3779b97f4a7c15ull;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::string uuid_from(json::Entropy& e) {
  uint64_t a = e.next_u64(), b = e.next_u64();
  a = (a & 0xffffffffffff0fffull) | 0x0000000000004000ull;
  b = (b & 0x3fffffffffffffffull) | 0x8000000000000000ull;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffull));
  return buf;
}

std::string Runner::new_token() {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string t;
  t.reserve(88);
  for (int i = 0; i < 11; ++i) {
    uint64_t x = entropy_->next_u64();
    for (int k = 0; k < 8; ++k) {
      t += kAlphabet[x & 63];
      x >>= 6;
    }
  }
  return t;
}

RunResult Runner::run() {
  if (opt_.entropy) {
    entropy_ = opt_.entropy;
  } else {
    uint64_t seed = opt_.identity.execution_name.empty()
                        ? fresh_seed()
                        : SeededEntropy::seed_from(opt_.identity.execution_name);
    own_entropy_ = std::make_unique<SeededEntropy>(seed);
    entropy_ = own_entropy_.get();
  }
  const ExecutionIdentity& id = opt_.identity;
  start_ = opt_.start_time_ms != 0 ? opt_.start_time_ms
                                   : std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count();
  now_ = start_;
  wall_start_ = std::chrono::steady_clock::now();
  ex_.execution_name = id.execution_name.empty() ? uuid_from(*entropy_) : id.execution_name;
  ex_.state_machine_name = id.state_machine_name;
  ex_.state_machine_arn =
      "arn:aws:states:" + id.region + ":" + id.account + ":stateMachine:" + id.state_machine_name;
  ex_.execution_arn = "arn:aws:states:" + id.region + ":" + id.account +
                      ":execution:" + id.state_machine_name + ":" + ex_.execution_name;
  ex_.role_arn = id.role_arn;
  ex_.input = opt_.input;
  ex_.start_time_ms = start_;
  ex_.overrides = opt_.context_overrides;

  events_.execution_started(now_, opt_.input, opt_.input_text ? &*opt_.input_text : nullptr, id.role_arn);
  root_ = std::make_unique<Frame>();
  root_->container = &sm_.root;
  root_->state = sm_.root.start;
  root_->input = opt_.input;
  root_->last_event = 0;  // AWS: the first StateEntered points back to 0
  if (sm_.timeout_seconds) {
    deadline_ = start_ + *sm_.timeout_seconds * 1000;
    schedule(deadline_, nullptr, Action::kExecutionTimeout);
  }
  ready(root_.get(), Action::kEnter);

  while (!done_) {
    Frame* f;
    Action a;
    if (!ready_.empty()) {
      std::tie(f, a) = ready_.front();
      ready_.pop_front();
    } else if (!parked_.empty()) {
      flush_tasks();
      continue;
    } else if (!timers_.empty()) {
      // Advance to the earliest timer and make every frame due at that instant ready, so
      // their tasks park together (one batch for a Map's worth of retries).
      int64_t at = timers_.top().at;
      if (opt_.real_time) {
        auto due = wall_start_ + std::chrono::milliseconds(at - start_);
        std::this_thread::sleep_until(due);
      }
      now_ = std::max(now_, at);
      while (!timers_.empty() && timers_.top().at == at) {
        Timer t = timers_.top();
        timers_.pop();
        if (t.frame && t.frame->cancelled) continue;
        ready(t.frame, t.action);
      }
      continue;
    } else {
      // Nothing can make progress: cannot happen for a valid machine; fail loudly.
      StatesError e =
          StatesError::make("States.Runtime", "The execution stalled: no state can make progress.");
      finish_execution(ExecutionStatus::kFailed, {}, &e);
      break;
    }
    if (f && f->cancelled) continue;
    dispatch(f, a);
  }
  result_.duration_ms = now_ - start_;
  return std::move(result_);
}

void Runner::dispatch(Frame* f, Action a) {
  switch (a) {
    case Action::kEnter:
      enter_state(f, false);
      return;
    case Action::kRetry:
      enter_state(f, true);
      return;
    case Action::kAfterWait: {
      Step s = std::move(f->pending);
      f->last_event = events_.state_exited(f->last_event, now_, *f->state, s.value);
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
    case Action::kTaskTimedOut:
      complete_task(f, std::move(f->timed_out));
      return;
    case Action::kExecutionTimeout: {
      StatesError e = StatesError::make("States.Timeout", "");
      e.has_cause = false;
      cancel(root_.get());
      finish_execution(ExecutionStatus::kTimedOut, {}, &e);
      return;
    }
  }
}

void Runner::enter_state(Frame* f, bool retry) { handle(f, begin_state(f, retry)); }

// Records the entry (or retry) of the frame's current state and runs its pure part.
Step Runner::begin_state(Frame* f, bool retry) {
  const State& s = *f->state;
  ++result_.transitions;
  if (opt_.max_transitions && result_.transitions > opt_.max_transitions) {
    StatesError e = StatesError::make(std::string(asl::errors::kRuntime),
                                      "The execution exceeded " + std::to_string(opt_.max_transitions) +
                                          " state transitions, the limit of this run (an endless loop?)");
    cancel(root_.get());
    finish_execution(ExecutionStatus::kFailed, {}, &e);
    return Step{};  // ignored: handle() stops once the execution is done
  }
  f->entered = true;
  if (!retry) {
    f->retry_attempts.clear();
    f->entry.retry_count = 0;
    f->entry.entered_time_ms = now_;
    f->entry.state_name = s.name;
    f->last_event = events_.state_entered(f->last_event, now_, s, f->input);
    f->entry.entered_event_id = f->last_event;
  } else {
    ++f->entry.retry_count;
  }
  f->entry.task_token.clear();
  if (s.type == asl::StateType::kTask && s.pattern == asl::IntegrationPattern::kWaitForTaskToken)
    f->entry.task_token = new_token();
  asl::StateRoots roots(ex_, f->entry, f->input);
  return asl::enter(s, f->input, roots, f->entry, *entropy_, now_);
}

// Applies steps until the frame blocks or finishes. Pure-state chains loop here without
// touching the queues (the hot path of every benchmark).
void Runner::handle(Frame* f, Step step) {
  for (;;) {
    if (done_) return;
    const State& s = *f->state;
    switch (step.kind) {
      case Step::Kind::kNext: {
        f->last_event = events_.state_exited(f->last_event, now_, s, step.value);
        f->state = step.next;
        f->input = std::move(step.value);
        step = begin_state(f, false);
        continue;
      }
      case Step::Kind::kEnd:
        if (s.type != asl::StateType::kFail)
          f->last_event = events_.state_exited(f->last_event, now_, s, step.value);
        frame_succeeded(f, std::move(step.value));
        return;
      case Step::Kind::kFail: {
        if (s.type == asl::StateType::kTask || s.type == asl::StateType::kParallel ||
            s.type == asl::StateType::kMap) {
          if (!step.error.terminal() && s.has_retry_or_catch()) {
            Step next = asl::on_error(s, f->input, step.error, f->retry_attempts, f->entry, *entropy_);
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
        schedule(now_ + step.time_ms, f, Action::kRetry);
        return;
      case Step::Kind::kWait:
        f->pending = std::move(step);
        if (f->pending.time_ms <= now_) {
          dispatch(f, Action::kAfterWait);
        } else {
          schedule(f->pending.time_ms, f, Action::kAfterWait);
        }
        return;
      case Step::Kind::kTask: {
        run_task(f, step);
        return;
      }
      case Step::Kind::kParallel:
      case Step::Kind::kMap:
        start_fork(f, std::move(step));
        return;
    }
  }
}

void Runner::run_task(Frame* f, const Step& step) {
  const State& s = *f->state;
  f->last_event = events_.task_scheduled(f->last_event, now_, s, step.value, step.timeout_seconds,
                                         step.heartbeat_seconds);
  f->last_event = events_.task_started(f->last_event, now_, s);
  if (!opt_.tasks) {
    complete_task(
        f, TaskResult::failure("States.Runtime", "No task executor is configured: the resource '" +
                                                     s.resource + "' cannot be invoked by this runner."));
    return;
  }
  TaskRequest& req = parked_requests_.emplace_back();
  req.resource = s.resource;
  req.parameters = step.value;
  req.state_name = s.name;
  req.execution_arn = ex_.execution_arn;
  req.timeout_seconds = step.timeout_seconds;
  req.heartbeat_seconds = step.heartbeat_seconds;
  req.task_token = f->entry.task_token;
  req.attempt = static_cast<int>(f->entry.retry_count);
  if (sm_.timeout_seconds) req.time_left_ms = std::max<int64_t>(1, deadline_ - now_);
  parked_.push_back(f);
}

void Runner::flush_tasks() {
  std::vector<Frame*> frames;
  std::vector<TaskRequest> requests;
  frames.swap(parked_);
  requests.swap(parked_requests_);
  const size_t n = requests.size();
  std::vector<TaskResult> results(n);
  const auto wall_before = std::chrono::steady_clock::now();
  const int64_t batch_start = now_;

  auto apply = [&](size_t i) {
    Frame* f = frames[i];
    if (done_ || f->cancelled) return;
    if (opt_.real_time) {  // tasks take wall time: the clock moves on with them
      auto elapsed = std::chrono::steady_clock::now() - wall_start_;
      now_ = std::max(now_, start_ + std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
    }
    TaskResult& r = results[i];
    if (!r.ok && r.error == asl::errors::kTimeout) {
      // Tasks take no virtual time, but a timed-out one lasted its timeout: report it then,
      // so the execution deadline and sibling branches' timers come first when earlier.
      const TaskRequest& q = requests[i];
      int64_t lasted = 0;
      if (q.timeout_seconds && *q.timeout_seconds > 0) lasted = *q.timeout_seconds * 1000;
      if (q.time_left_ms > 0 && (lasted == 0 || q.time_left_ms < lasted)) lasted = q.time_left_ms;
      if (lasted == 0) {  // stopped by the function entry's own timeout
        lasted = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                       wall_before)
                     .count();
      }
      f->timed_out = std::move(r);
      schedule(batch_start + lasted, f, Action::kTaskTimedOut);
      return;
    }
    complete_task(f, std::move(r));
  };

  if (n == 1) {
    opt_.tasks->invoke_all(requests, results, nullptr);
    apply(0);
  } else {
    // The calls run on a thread of their own; each result is handled here as it arrives,
    // and calls whose branch or iteration has ended meanwhile (a sibling failed, the
    // execution finished) are withdrawn, so a hung function cannot hold the run.
    std::unique_ptr<std::atomic<bool>[]> withdrawn(new std::atomic<bool>[n]);
    for (size_t i = 0; i < n; ++i) {
      withdrawn[i].store(false);
      requests[i].withdrawn = &withdrawn[i];
    }
    std::mutex mu;
    std::condition_variable cv;
    std::vector<size_t> arrived, handling;  // arrived: guarded by mu
    size_t delivered = 0;                   // guarded by mu
    // Results are handed over in groups (a wake-up per result would cost more than the
    // result): when kGroup have gathered, when the last arrives, or every kPatience.
    constexpr size_t kGroup = 64;
    constexpr auto kPatience = std::chrono::milliseconds(2);
    std::thread worker([&] {
      opt_.tasks->invoke_all(requests, results, [&](size_t i) {
        bool wake;
        {
          std::lock_guard<std::mutex> lock(mu);
          arrived.push_back(i);
          ++delivered;
          wake = arrived.size() >= kGroup || delivered == n;
        }
        if (wake) cv.notify_one();
      });
    });
    std::vector<char> received(n, 0);
    size_t count = 0;
    uint64_t cancels_seen = cancels_;
    while (count < n) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait_for(lock, kPatience, [&] { return arrived.size() >= kGroup || count + arrived.size() == n; });
        handling.swap(arrived);
      }
      for (size_t i : handling) {
        ++count;
        received[i] = 1;
        apply(i);
      }
      handling.clear();
      if (cancels_ != cancels_seen || done_) {
        cancels_seen = cancels_;
        for (size_t j = 0; j < n; ++j)
          if (!received[j] && (done_ || frames[j]->cancelled)) withdrawn[j].store(true);
      }
    }
    worker.join();
  }
  // Hand the buffers back so the next batch reuses their capacity.
  frames.clear();
  requests.clear();
  if (parked_.empty()) parked_.swap(frames);
  if (parked_requests_.empty()) parked_requests_.swap(requests);
}

void Runner::complete_task(Frame* f, TaskResult r) {
  const State& s = *f->state;
  Step next;
  if (r.ok) {
    f->last_event = events_.task_succeeded(f->last_event, now_, s, r.output);
    asl::StateRoots roots(ex_, f->entry, f->input);
    next = asl::complete(s, f->input, r.output, roots, f->entry, *entropy_);
  } else {
    bool timed_out = r.error == asl::errors::kTimeout;
    f->last_event = events_.task_failed(f->last_event, now_, s, r.error, r.cause, timed_out);
    StatesError e = StatesError::make(std::move(r.error), std::move(r.cause));
    e.has_error = r.has_error;
    if (timed_out && e.cause.empty()) e.has_cause = false;  // TaskTimedOut carries no cause
    next.kind = Step::Kind::kFail;
    next.error = std::move(e);
  }
  handle(f, std::move(next));
}

void Runner::start_fork(Frame* f, Step step) {
  const State& s = *f->state;
  f->children.clear();
  f->results.clear();
  f->started = f->running = f->completed = f->failed = 0;
  f->last_iteration_event = 0;
  f->fork_failed = false;
  if (step.kind == Step::Kind::kParallel) {
    f->last_event = events_.plain(f->last_event, now_, "ParallelStateStarted");
    size_t n = s.branches.size();
    f->results.assign(n, Value());
    f->items.assign(n, step.value);
    f->max_concurrency = 0;
  } else {
    f->last_event = events_.map_state_started(f->last_event, now_, step.items.size());
    f->items = std::move(step.items);
    f->results.assign(f->items.size(), Value());
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

void Runner::start_children(Frame* f) {
  const State& s = *f->state;
  bool is_map = s.type == asl::StateType::kMap;
  size_t first_new = f->children.size();
  while (f->started < f->items.size() &&
         (f->max_concurrency <= 0 || f->running < static_cast<size_t>(f->max_concurrency))) {
    size_t i = f->started++;
    auto child = std::make_unique<Frame>();
    child->container = is_map ? s.processor.get() : s.branches[i].get();
    child->state = child->container->start;
    child->input = std::move(f->items[i]);
    child->parent = f;
    child->slot = i;
    child->last_event = f->last_event;
    if (is_map) {
      child->map_index = static_cast<int64_t>(i);
      child->last_event =
          events_.map_iteration(f->last_event, now_, "MapIterationStarted", s.name, child->map_index);
    }
    ++f->running;
    f->children.push_back(std::move(child));
  }
  // In item order, ahead of older work.
  for (size_t k = f->children.size(); k-- > first_new;) ready_next(f->children[k].get(), Action::kEnter);
}

// A finished child is no longer needed (its result is recorded): free it now rather than
// when its whole fork ends.
void Runner::release(Frame* child) { child->parent->children[child->slot].reset(); }

void Runner::fork_done(Frame* f) {
  const State& s = *f->state;
  bool is_map = s.type == asl::StateType::kMap;
  for (auto& c : f->children)
    if (c && !c->finished) graveyard_.push_back(std::move(c));
  f->children.clear();
  f->items.clear();
  Step next;
  if (f->fork_failed) {
    f->last_event = events_.plain(f->last_event, now_, is_map ? "MapStateFailed" : "ParallelStateFailed");
    next.kind = Step::Kind::kFail;
    next.error = f->fork_error;
  } else {
    // AWS-observed: MapStateSucceeded and then MapStateExited point back at the last
    // iteration event, not at each other.
    int64_t prev = is_map && f->last_iteration_event ? f->last_iteration_event : f->last_event;
    f->last_event = events_.plain(prev, now_, is_map ? "MapStateSucceeded" : "ParallelStateSucceeded");
    if (is_map && f->last_iteration_event) f->last_event = f->last_iteration_event;
    Value results = Value::array(std::move(f->results));
    f->results.clear();
    asl::StateRoots roots(ex_, f->entry, f->input);
    next = asl::complete(s, f->input, results, roots, f->entry, *entropy_);
  }
  handle(f, std::move(next));
}

void Runner::frame_succeeded(Frame* f, Value output) {
  f->finished = true;
  Frame* p = f->parent;
  if (!p) {
    finish_execution(ExecutionStatus::kSucceeded, std::move(output), nullptr);
    return;
  }
  if (p->cancelled || p->fork_failed) return;
  const State& ps = *p->state;
  if (f->map_index >= 0) {
    // AWS-observed: the next MapIterationStarted points at the last event inside this
    // iteration, not at its MapIterationSucceeded.
    p->last_iteration_event =
        events_.map_iteration(f->last_event, now_, "MapIterationSucceeded", ps.name, f->map_index);
    p->last_event = f->last_event;
  } else {
    p->last_event = f->last_event;
  }
  p->results[f->slot] = std::move(output);
  --p->running;
  ++p->completed;
  if (p->completed == p->items.size()) {
    ready_next(p, Action::kForkDone);
  } else {
    start_children(p);
  }
  release(f);  // f is gone from here on
}

void Runner::frame_failed(Frame* f, StatesError error) {
  f->finished = true;
  Frame* p = f->parent;
  if (!p) {
    cancel(f);
    finish_execution(ExecutionStatus::kFailed, {}, &error);
    return;
  }
  if (p->cancelled || p->fork_failed) return;
  const State& ps = *p->state;
  if (f->map_index >= 0) {
    p->last_event = events_.map_iteration(f->last_event, now_, "MapIterationFailed", ps.name, f->map_index);
    ++p->failed;
    bool tolerant = p->tolerated_pct || p->tolerated_count;
    bool within = false;
    if (tolerant) {
      within = true;
      if (p->tolerated_count && static_cast<int64_t>(p->failed) > *p->tolerated_count) within = false;
      if (p->tolerated_pct &&
          static_cast<double>(p->failed) * 100.0 / static_cast<double>(p->items.size()) > *p->tolerated_pct)
        within = false;
      if (!p->tolerated_count && !p->tolerated_pct) within = false;
    }
    if (within) {
      p->results[f->slot] = asl::error_output(error);
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
      p->last_event =
          events_.map_iteration(p->last_event, now_, "MapIterationAborted", ps.name, c->map_index);
  }
  ready_next(p, Action::kForkDone);
}

void Runner::cancel(Frame* f) {
  if (f->cancelled || f->finished) return;
  f->cancelled = true;
  ++cancels_;
  // Only states that can be in progress have an abort event (AWS: Task, Wait, Map,
  // Parallel), and only once entered: a branch that had not started logs nothing.
  if (f->state && f->entered) {
    asl::StateType t = f->state->type;
    if (t == asl::StateType::kTask || t == asl::StateType::kWait || t == asl::StateType::kMap ||
        t == asl::StateType::kParallel)
      f->last_event = events_.state_aborted(f->last_event, now_, *f->state);
  }
  for (auto& c : f->children)
    if (c) cancel(c.get());
}

void Runner::finish_execution(ExecutionStatus status, Value output, const StatesError* error) {
  done_ = true;
  result_.status = status;
  int64_t prev = root_ ? root_->last_event : 0;
  if (status == ExecutionStatus::kSucceeded) {
    result_.output = std::move(output);
    events_.execution_succeeded(prev, now_, result_.output);
    return;
  }
  result_.has_error = error->has_error;
  result_.has_cause = error->has_cause;
  result_.error = error->error;
  result_.cause = error->cause;
  const char* type = status == ExecutionStatus::kTimedOut ? "ExecutionTimedOut" : "ExecutionFailed";
  events_.execution_failed(prev, now_, type, error->has_error ? &error->error : nullptr,
                           error->has_cause ? &error->cause : nullptr);
}

}  // namespace

RunResult run_local(const asl::StateMachine& machine, const RunOptions& options) {
  Runner r(machine, options);
  return r.run();
}

}  // namespace sg::engine
