// PooledDispatcher: the TaskDispatcher of `stepguard serve`. Tasks run on a fixed pool of
// threads through a TaskExecutor (the function registry's LambdaExecutor); each outcome is
// handed to `report`, which the server forwards to the engine's thread.
//
// Callback tasks (.waitForTaskToken): a Lambda callback invokes the function, and its
// response is reported as the submission (TaskSubmitted); the result comes later through
// SendTaskSuccess/Failure. A callback on a service stepguard has no integration for (SQS,
// SNS, ...) makes no call: it is submitted at once with an empty response, so workflows
// that hand their token to another system can be tested by sending the token back
// through the API.
//
// Thread-safe. stop() drops queued tasks, withdraws the running calls (command functions
// are killed, HTTP calls abandoned) and waits for the threads; from then on no outcome is
// reported, so an interrupted call is never taken for the task's result: the engine
// dispatches it again after the restart, as after a crash. The destructor calls it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/durable_engine.h"
#include "engine/task_executor.h"

namespace sg::integrations {

struct TaskOutcome {
  int64_t execution_id = 0;
  uint64_t task_id = 0;
  bool submitted = false;  // a callback task's call went out: `result.output` is its response
  engine::TaskResult result;
};

class PooledDispatcher final : public engine::TaskDispatcher {
 public:
  PooledDispatcher(engine::TaskExecutor& executor, std::function<void(TaskOutcome)> report, int threads = 32);
  ~PooledDispatcher() override;

  void dispatch(std::unique_ptr<engine::DispatchedTask> task) override;
  // A callback on a service with no integration: submitted at once with {}.
  std::optional<json::Value> submit_at_once(const engine::TaskRequest& request) override;
  void stop();

 private:
  void work();
  TaskOutcome run(engine::DispatchedTask& task);

  engine::TaskExecutor& executor_;
  std::function<void(TaskOutcome)> report_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<engine::DispatchedTask>> queue_;  // guarded by mu_
  bool stopping_ = false;                                      // guarded by mu_
  // Every dispatched request points here (TaskRequest::withdrawn); stop() sets it.
  std::atomic<bool> withdrawn_{false};
  std::vector<std::thread> threads_;
};

}  // namespace sg::integrations
