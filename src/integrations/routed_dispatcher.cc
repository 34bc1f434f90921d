#include "integrations/routed_dispatcher.h"

namespace sg::integrations {

void RoutedDispatcher::dispatch(std::unique_ptr<engine::DispatchedTask> task) {
  if (stopped_.load()) return;
  if (std::optional<engine::TaskResult> mocked = router_.mocked(task->request)) {
    TaskOutcome o;
    o.execution_id = task->execution_id;
    o.task_id = task->task_id;
    o.submitted = false;  // a mocked callback task is answered by its mock
    o.result = std::move(*mocked);
    report_(std::move(o));
    return;
  }
  pool_.dispatch(std::move(task));
}

std::optional<json::Value> RoutedDispatcher::submit_at_once(const engine::TaskRequest& request) {
  if (mocks(request) || router_.has_route(request.resource)) return std::nullopt;
  return json::Value::empty_object();  // no integration to call: it waits for its token
}

bool RoutedDispatcher::mocks(const engine::TaskRequest& request) { return router_.mocks(request); }

void RoutedDispatcher::stop() {
  stopped_.store(true);
  pool_.stop();
}

}  // namespace sg::integrations
