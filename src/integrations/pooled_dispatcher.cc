#include "integrations/pooled_dispatcher.h"

#include "integrations/lambda_executor.h"

namespace sg::integrations {

PooledDispatcher::PooledDispatcher(engine::TaskExecutor& executor, std::function<void(TaskOutcome)> report,
                                   int threads)
    : executor_(executor), report_(std::move(report)) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { work(); });
}

PooledDispatcher::~PooledDispatcher() { stop(); }

void PooledDispatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    queue_.clear();
  }
  // After stopping_ (under mu_): a worker that sees a withdrawn result also sees stopping_
  // and drops it.
  withdrawn_.store(true);
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

std::optional<json::Value> PooledDispatcher::submit_at_once(const engine::TaskRequest& request) {
  if (classify_lambda_resource(request.resource) != LambdaResourceKind::kOther) return std::nullopt;
  return json::Value::empty_object();  // no integration to call: it waits for its token
}

void PooledDispatcher::dispatch(std::unique_ptr<engine::DispatchedTask> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    task->request.withdrawn = &withdrawn_;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void PooledDispatcher::work() {
  for (;;) {
    std::unique_ptr<engine::DispatchedTask> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    TaskOutcome outcome = run(*task);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;  // possibly interrupted by stop(): not the task's result
    }
    report_(std::move(outcome));
  }
}

TaskOutcome PooledDispatcher::run(engine::DispatchedTask& task) {
  TaskOutcome o;
  o.execution_id = task.execution_id;
  o.task_id = task.task_id;
  o.result = executor_.invoke(task.request);
  o.submitted = task.callback && o.result.ok;
  return o;
}

}  // namespace sg::integrations
