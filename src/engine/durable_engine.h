// DurableEngine: the executions of `stepguard serve`.
//
// Standard executions are durable. Each is a row, its AWS-shaped history events and its
// journal: the inputs that drove it (task results, timer firings, callbacks, heartbeats,
// activity hand-outs, stops), each with its time. All of it is written in the store's
// current transaction (the service loop commits once per batch). After a restart,
// recover() rebuilds every open execution by replaying its journal through the
// deterministic Execution (events already stored are not written again), re-arms its
// timers (Waits keep their deadlines, retries their counters, callbacks their tokens) and
// dispatches again the tasks that were in flight: tasks are at least once, transitions
// exactly once.
//
// Express executions run in memory with the same core and leave nothing in the store.
// Like AWS's, they last at most 5 minutes (scaled by time_scale), then end TIMED_OUT.
//
// Tasks go to the injected TaskDispatcher, which performs them elsewhere and reports back
// through task_result()/task_submitted() on the engine thread. Activity tasks wait in
// per-activity queues for GetActivityTask pollers; callback tasks wait for SendTask*.
//
// Hibernation: a Standard execution that has had no input for 2 s, with nothing in flight
// and no timer due within 2 s, leaves memory (only its token and timer entries stay); a
// token, a timer, a stop or an activity poll rebuilds it from its journal. So open
// executions waiting on callbacks cost a few dozen bytes each, not their whole frame tree,
// while one that keeps receiving inputs (a Map's callbacks answered one by one) is not
// replayed from its journal for each of them.
//
// Not thread-safe: the service loop's thread calls everything.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/result.h"
#include "engine/execution.h"
#include "engine/seeded_entropy.h"
#include "store/sqlite_store.h"

namespace sg::asl {
class StateMachine;
}

namespace sg::engine {

struct EngineOptions {
  std::string partition = "aws";
  std::string region = "us-east-1";
  std::string account = "123456789012";
  double time_scale = 1.0;
  int64_t max_history_events = 25000;
  int64_t history_retention_ms = 90LL * 24 * 3600 * 1000;
  // Mock test cases (StartSpec::test_case): Ok when the state machine has the test case,
  // else the error StartExecution answers (e.g. ValidationException). Null: none exists.
  std::function<Status(const std::string& state_machine_name, const std::string& test_case)> check_test_case;
};

// A task handed to the dispatcher. It owns what the request points into.
struct DispatchedTask {
  int64_t execution_id = 0;
  uint64_t task_id = 0;
  bool callback = false;  // .waitForTaskToken: report the call with task_submitted()
  std::shared_ptr<const asl::StateMachine> machine;  // keeps the request's views alive
  std::string execution_arn;
  TaskRequest request;  // resource/state_name point into `machine`, execution_arn into this
};

class TaskDispatcher {
 public:
  virtual ~TaskDispatcher() = default;
  // Starts the task; never blocks for its result.
  virtual void dispatch(std::unique_ptr<DispatchedTask> task) = 0;
  // For a callback task: the submission's response when no call needs to be made (the
  // engine then records it at once instead of dispatching); nullopt to dispatch it.
  virtual std::optional<json::Value> submit_at_once(const TaskRequest&) { return std::nullopt; }
  // True when the request's execution runs under a mock test case that mocks its state:
  // the task is dispatched (the dispatcher answers with the mock) whatever its resource,
  // nested executions included.
  virtual bool mocks(const TaskRequest&) { return false; }
};

// What StartExecution needs from the registry, resolved.
struct StartSpec {
  std::shared_ptr<const asl::StateMachine> machine;
  std::string definition_text;
  std::string state_machine_arn;  // unqualified
  std::string state_machine_name;
  std::string role_arn;
  std::string version_arn, alias_arn, revision_id;
  bool express = false;
  std::string name;        // execution name (the engine makes a UUID when empty)
  std::string input_text;  // as the caller sent it ("{}" when absent)
  json::Value input;
  std::string trace_header;
  // The mock test case it runs under (StartExecution's `ARN#TestCase`); stored with the
  // row, so recovery keeps it. Empty: none.
  std::string test_case;
  // A nested execution (states:startExecution): its parent, stored with the row
  // ({"id", "arn", "task", "mode"}); null for executions started through the API.
  json::Value parent;
};

// Resolves a nested execution's StateMachineArn (a state machine, version or alias ARN) into
// a StartSpec, as StartExecution would: errors carry the API's error code and message
// ("StateMachineDoesNotExist", ...). Set by the API layer, which owns the registry.
using ChildResolver = std::function<Result<StartSpec>(
    const std::string& state_machine_arn, const std::string& name, const std::string& input_text)>;

struct StartOutcome {
  std::string execution_arn;
  int64_t start_ms = 0;
};

// One execution status change, as the engine makes it (start, close, redrive).
struct ExecutionChange {
  enum class Kind { kStarted, kClosed, kRedriven };
  Kind kind = Kind::kStarted;
  std::string state_machine_arn;       // unqualified
  std::string version_arn, alias_arn;  // "" unless started through them
  std::string execution_arn, name;
  std::string status;  // RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
  int64_t start_ms = 0;
  int64_t stop_ms = 0;  // 0 while running
  std::string error, cause;
  int64_t row_id = 0;  // the store's row id (grows with every start; negative for Express)
  bool express = false;
  bool redriven = false;  // a close of an execution that was redriven at least once
  int64_t at_ms = 0;      // when the change happened
};

// Told of every execution status change on the engine thread, inside the batch (store
// transaction) that writes it. Must not call back into the engine.
class ExecutionObserver {
 public:
  virtual ~ExecutionObserver() = default;
  virtual void on_execution_change(const ExecutionChange& change) = 0;
};

// A finished Express execution (StartSyncExecution's answer).
struct SyncOutcome {
  std::string execution_arn, state_machine_arn, name, input_text, trace_header;
  int64_t start_ms = 0, stop_ms = 0;
  ExecutionResult result;
  int64_t billed_ms = 0;
};

// One activity task handed to a worker.
struct ActivityTaskHandout {
  std::string token;
  std::string input;  // JSON text
};

class DurableEngine {
 public:
  DurableEngine(store::SqliteStore& store, TaskDispatcher& dispatcher, EngineOptions options);
  ~DurableEngine();

  // Rebuilds every open execution from the store. Returns how many resumed. An execution
  // that cannot be rebuilt (a damaged journal entry, a definition that no longer loads)
  // stays as the store has it, RUNNING and inert, and is described in `problems`: one bad
  // record must not keep every other execution, and the server, from starting.
  Result<int64_t> recover(int64_t now_ms, std::vector<std::string>* problems = nullptr);

  // StartExecution. Errors: code "ExecutionAlreadyExists" (message AWS's), "StoreFailure".
  // A Standard start is idempotent by name for a RUNNING execution with the same input.
  Result<StartOutcome> start(const StartSpec& spec, int64_t now_ms);
  // Ok when spec.test_case is empty or names a test case of its state machine
  // (EngineOptions::check_test_case); start() checks it, StartSyncExecution calls it first.
  Status check_test_case(const StartSpec& spec) const;
  // StartSyncExecution: runs an Express execution; `done` is called on the engine thread
  // when it ends.
  void start_sync(const StartSpec& spec, int64_t now_ms, std::function<void(SyncOutcome)> done);

  // StopExecution of a RUNNING Standard execution. Errors: "ExecutionDoesNotExist".
  // Returns the stop date (an already closed execution: its stop date, unchanged).
  Result<int64_t> stop(const std::string& execution_arn, const std::string* error, const std::string* cause,
                       int64_t now_ms);
  // RedriveExecution of a closed execution the caller found redrivable: it is rebuilt from
  // its journal and re-enters the state it failed in (ExecutionRedriven, redriveCount+1).
  // Returns the redrive date. Errors: "ExecutionDoesNotExist", "ExecutionNotRedrivable".
  Result<int64_t> redrive(const std::string& execution_arn, const std::string& client_token, int64_t now_ms);
  // Stops every running execution of a state machine (it was deleted).
  void stop_all_of(const std::string& state_machine_arn, int64_t now_ms);

  // SendTaskSuccess/Failure/Heartbeat. Errors as AWS names them: "InvalidToken",
  // "TaskTimedOut" (closed or unknown task).
  Status task_success(const std::string& token, const json::Value& output, int64_t now_ms);
  Status task_failure(const std::string& token, const std::string* error, const std::string* cause,
                      int64_t now_ms);
  Status task_heartbeat(const std::string& token, int64_t now_ms);

  // GetActivityTask: `reply` gets a task at once if one is queued, else when one arrives,
  // else an empty handout at `deadline_ms`. Returns false when the activity already has
  // max_pollers waiting (ActivityWorkerLimitExceeded).
  bool poll_activity(const std::string& activity_arn, const std::string& worker_name, int64_t deadline_ms,
                     std::function<void(std::optional<ActivityTaskHandout>)> reply);

  // Answers every waiting GetActivityTask with no task (shutdown).
  void release_pollers();

  // Results from the dispatcher.
  void task_result(int64_t execution_id, uint64_t task_id, TaskResult result, int64_t now_ms);
  void task_submitted(int64_t execution_id, uint64_t task_id, const json::Value& response, int64_t now_ms);

  // Nested executions (arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken])
  // run in this engine: the child starts in the parent's batch, a .sync child's end completes
  // the parent's Task in the child's batch, and a parent whose .sync Task is aborted (stop,
  // failure, timeout) stops the child. Without a resolver such Tasks fail (States.Runtime).
  void set_child_resolver(ChildResolver resolver) { child_resolver_ = std::move(resolver); }
  // Observers (the guardian, the event bus's status-change events) are told of every status
  // change, in the order they were added.
  void add_observer(ExecutionObserver* observer) { observers_.push_back(observer); }
  void remove_observer(ExecutionObserver* observer) { std::erase(observers_, observer); }

  // Fires due timers and long-poll deadlines; purges expired history once a minute.
  void on_time(int64_t now_ms);
  std::optional<int64_t> next_wakeup() const;

  // Reads (through the store, so they see this batch's writes).
  std::optional<store::ExecutionRow> find(const std::string& execution_arn) {
    return store_.find_execution(execution_arn);
  }
  store::SqliteStore& store() { return store_; }
  const EngineOptions& options() const { return options_; }
  size_t open_count() const;
  // Executions rebuilt from their journal so far (recovery, wake-ups, redrives).
  uint64_t rebuilds() const { return rebuilds_; }
  // Task tokens the engine can route (awaited tasks of open executions).
  size_t token_count() const { return tokens_.size(); }

 private:
  struct Live;
  struct Poller;
  struct QueuedActivity;

  // An execution rebuilt from its row and journal (events already stored are not written).
  Result<Live*> rebuild(store::ExecutionRow row, std::unordered_set<uint64_t>* handed_out);
  Live* make_live(store::ExecutionRow row, std::shared_ptr<const asl::StateMachine> machine, bool durable);
  // A journal entry {"k": kind[, "id": task], "t": now, ...} for the caller to complete.
  static json::ObjectBuilder new_entry(std::string_view kind, int64_t now_ms,
                                       std::optional<uint64_t> task = {});
  // Journals the entry and applies it to the execution; input() then settles it.
  void record(Live& l, json::ObjectBuilder&& e);
  void input(Live& l, json::ObjectBuilder&& e);
  void journal(Live& l, json::Value entry);
  // Express: the 5-minute limit, as a timer.
  void arm_express_deadline(Live& l, int64_t now_ms);
  // What settle() does with the tasks an execution is waiting for: kLive dispatches new
  // ones; kRecover (after a restart) dispatches again those in flight at the crash and
  // queues activities again; kWake (back from hibernation) only re-registers tokens.
  enum class Resume { kLive, kRecover, kWake };
  void settle(Live& l, Resume mode, const std::unordered_set<uint64_t>* handed_out = nullptr);
  // The live execution `id`, rebuilt from the store if it was hibernated; nullptr when it
  // is not running.
  Live* wake(int64_t id);
  // Records an input to `l` (it stays in memory for a while).
  void touch(Live& l);
  bool may_hibernate(const Live& l, int64_t now_ms) const;
  // Sends executions idle long enough to sleep (all of the queue when `all`).
  void hibernate_idle(int64_t now_ms, bool all = false);
  void hibernate(Live& l);
  void finish(Live& l);
  void apply(Live& l, const json::Value& entry);
  Live* live_for_token(const std::string& token, Status* error, uint64_t* task_id);
  void hand_out_activities(const std::string& activity_arn, int64_t now_ms);
  std::string execution_arn_for(const StartSpec& spec, const std::string& name) const;
  void mark_activity_started(Live& l, uint64_t task_id, const std::string& worker, int64_t now_ms);
  void note_time(int64_t now_ms) { now_ = std::max(now_, now_ms); }
  // Nested executions (see set_child_resolver). Effects on other executions found while one
  // settles (a child ended, a child to stop) wait in notices_ until the outermost settle()
  // returns, so no execution is re-entered while it settles.
  struct Notice;
  void start_nested(Live& l, const PendingTask& t);
  void child_finished(const Live& child);
  void stop_orphaned_children(Live& l);
  void drain_notices();

  ChildResolver child_resolver_;
  std::vector<ExecutionObserver*> observers_;
  void notify(const Live& l, ExecutionChange::Kind kind, int64_t now_ms);
  std::deque<std::unique_ptr<Notice>> notices_;
  int settle_depth_ = 0;
  bool draining_ = false;
  bool recovering_ = false;

  store::SqliteStore& store_;
  TaskDispatcher& dispatcher_;
  EngineOptions options_;
  std::unordered_map<int64_t, std::unique_ptr<Live>> live_;
  // Token hash -> (execution id, task id), for live and hibernated executions alike; the
  // token itself is checked against the rebuilt execution.
  std::unordered_map<uint64_t, std::pair<int64_t, uint64_t>> tokens_;
  // (time of an input, execution id), oldest first: hibernation candidates once idle long
  // enough; an entry older than its execution's last input is skipped.
  std::deque<std::pair<int64_t, int64_t>> idle_;
  std::unordered_map<std::string, std::deque<QueuedActivity>> activity_queue_;
  std::unordered_map<std::string, std::deque<std::unique_ptr<Poller>>> pollers_;
  std::priority_queue<std::pair<int64_t, int64_t>, std::vector<std::pair<int64_t, int64_t>>,
                      std::greater<std::pair<int64_t, int64_t>>>
      timers_;  // (due, execution id); stale entries are skipped
  std::priority_queue<std::pair<int64_t, std::string>, std::vector<std::pair<int64_t, std::string>>,
                      std::greater<std::pair<int64_t, std::string>>>
      poll_deadlines_;  // (deadline, activity ARN)
  std::unordered_map<std::string, std::shared_ptr<const asl::StateMachine>> machines_by_hash_;
  // Definition hashes by compiled machine (holding the machine).
  std::unordered_map<const asl::StateMachine*,
                     std::pair<std::shared_ptr<const asl::StateMachine>, std::string>>
      hash_of_;
  const std::string& definition_hash(const StartSpec& spec);
  int64_t next_express_id_ = -1;
  int64_t now_ = 0;  // the latest time any input carried
  int64_t last_purge_ms_ = 0;
  SeededEntropy rng_;  // execution names, express ids, execution seeds
  uint64_t rebuilds_ = 0;
};

constexpr size_t kMaxActivityPollers = 1000;

}  // namespace sg::engine
