// run_local(): one Execution driven to its end on a virtual clock.
//
// The loop: tasks the execution parked go to the executor together (TaskExecutor::
// invoke_all, concurrent where the executor can); when none are parked, the clock jumps to
// the earliest timer. Results are handed back as they arrive (in park order for executors
// that run calls one after another); calls whose frames were aborted meanwhile are
// withdrawn and their results dropped. A task that timed out is reported once its timeout
// has passed in virtual time, so earlier timers (the execution deadline, sibling
// branches) come first.
#include "engine/local_runner.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "asl/state_machine.h"
#include "asl/states_error.h"
#include "engine/seeded_entropy.h"

namespace sg::engine {

namespace {

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

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class LocalHost {
 public:
  LocalHost(const asl::StateMachine& sm, const RunOptions& opt) : opt_(opt), exec_(borrow(sm), setup(opt)) {}

  RunResult run();

 private:
  static std::shared_ptr<const asl::StateMachine> borrow(const asl::StateMachine& sm) {
    return std::shared_ptr<const asl::StateMachine>(&sm, [](const asl::StateMachine*) {});
  }
  static ExecutionSetup setup(const RunOptions& opt) {
    const ExecutionIdentity& id = opt.identity;
    ExecutionSetup s;
    s.execution_name = id.execution_name;
    s.state_machine_name = id.state_machine_name;
    s.state_machine_arn =
        "arn:aws:states:" + id.region + ":" + id.account + ":stateMachine:" + id.state_machine_name;
    s.role_arn = id.role_arn;
    s.region = id.region;
    s.input = opt.input;
    s.input_text = opt.input_text;
    s.context_overrides = opt.context_overrides;
    s.history = opt.history;
    s.entropy = opt.entropy;
    s.seed = id.execution_name.empty() ? fresh_seed() : SeededEntropy::seed_from(id.execution_name);
    s.max_transitions = opt.max_transitions;
    return s;
  }
  int64_t wall_now() const {
    auto elapsed = std::chrono::steady_clock::now() - wall_start_;
    return start_ + std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  }
  void flush(std::vector<PendingTask> tasks);

  const RunOptions& opt_;
  Execution exec_;
  std::unordered_map<std::string, int64_t> invocations_;  // tasks created per state name
  int64_t now_ = 0, start_ = 0;
  std::chrono::steady_clock::time_point wall_start_;
};

RunResult LocalHost::run() {
  start_ = now_ = opt_.start_time_ms != 0 ? opt_.start_time_ms : wall_ms();
  wall_start_ = std::chrono::steady_clock::now();
  exec_.start(now_);
  while (!exec_.done()) {
    std::vector<PendingTask> tasks = exec_.take_tasks();
    if (!tasks.empty()) {
      flush(std::move(tasks));
      continue;
    }
    std::optional<int64_t> at = exec_.next_timer();
    if (!at) {
      // Nothing can make progress: cannot happen for a valid machine; fail loudly.
      std::string error(asl::errors::kRuntime), cause = "The execution stalled: no state can make progress.";
      exec_.fail(error, cause, now_);
      break;
    }
    if (opt_.real_time) std::this_thread::sleep_until(wall_start_ + std::chrono::milliseconds(*at - start_));
    now_ = std::max(now_, *at);
    exec_.advance(now_);
  }
  const ExecutionResult& r = exec_.result();
  RunResult out;
  out.status = r.status;
  out.output = r.output;
  out.has_error = r.has_error;
  out.error = r.error;
  out.has_cause = r.has_cause;
  out.cause = r.cause;
  out.transitions = r.transitions;
  out.duration_ms = r.stop_time_ms - start_;
  return out;
}

void LocalHost::flush(std::vector<PendingTask> tasks) {
  const size_t n = tasks.size();
  if (!opt_.tasks) {
    for (PendingTask& t : tasks)
      exec_.task_done(t.id,
                      TaskResult::failure("States.Runtime", "No task executor is configured: the resource '" +
                                                                std::string(t.request.resource) +
                                                                "' cannot be invoked by this runner."),
                      now_);
    return;
  }
  std::vector<TaskRequest> requests(n);
  for (size_t i = 0; i < n; ++i) {
    requests[i] = tasks[i].request;
    if (!opt_.test_case.empty()) {
      requests[i].test_case = opt_.test_case;
      requests[i].state_machine_name = opt_.identity.state_machine_name;
      requests[i].invocation = invocations_[std::string(requests[i].state_name)]++;
    }
  }
  std::vector<TaskResult> results(n);
  const auto wall_before = std::chrono::steady_clock::now();
  const int64_t batch_start = now_;

  auto apply = [&](size_t i) {
    if (exec_.done() || !exec_.task_awaited(tasks[i].id)) return;
    if (opt_.real_time) now_ = std::max(now_, wall_now());  // tasks take wall time
    TaskResult& r = results[i];
    if (!r.ok && r.error == asl::errors::kTimeout) {
      // Tasks take no virtual time, but a timed-out one lasted its timeout: report it then.
      const TaskRequest& q = requests[i];
      int64_t lasted = 0;
      if (q.timeout_seconds && *q.timeout_seconds > 0) lasted = *q.timeout_seconds * 1000;
      if (q.time_left_ms > 0 && (lasted == 0 || q.time_left_ms < lasted)) lasted = q.time_left_ms;
      if (lasted == 0) {  // stopped by the function entry's own timeout
        lasted = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                       wall_before)
                     .count();
      }
      exec_.task_done_later(tasks[i].id, std::move(r), batch_start + lasted);
      return;
    }
    exec_.task_done(tasks[i].id, std::move(r), now_);
  };

  if (n == 1) {
    opt_.tasks->invoke_all(requests, results, nullptr);
    apply(0);
    return;
  }
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
  uint64_t cancels_seen = exec_.cancellations();
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
    if (exec_.cancellations() != cancels_seen || exec_.done()) {
      cancels_seen = exec_.cancellations();
      for (size_t j = 0; j < n; ++j)
        if (!received[j] && (exec_.done() || !exec_.task_awaited(tasks[j].id))) withdrawn[j].store(true);
    }
  }
  worker.join();
}

}  // namespace

RunResult run_local(const asl::StateMachine& machine, const RunOptions& options) {
  LocalHost host(machine, options);
  return host.run();
}

}  // namespace sg::engine
