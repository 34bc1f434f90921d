// RoutedDispatcher: the TaskDispatcher of `stepguard serve`, in front of the task pool.
//
// - A mocked task (its execution's test case mocks its state, resource_router.h) is
//   answered at once with the mock, without a round trip through the pool. For a
//   callback task (.waitForTaskToken) the mock is the task's result, not the call's
//   response: it is reported as a result, never as a submission.
// - A callback task on a resource no integration claims makes no call: it is submitted at
//   once with {} and waits for SendTaskSuccess/Failure, so workflows that hand their
//   token to another system can be tested through the API.
// - Everything else goes to the pool (PooledDispatcher), which runs it through the router.
//
// Thread-safe. After stop() nothing more is reported.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "engine/durable_engine.h"
#include "integrations/pooled_dispatcher.h"
#include "integrations/resource_router.h"

namespace sg::integrations {

class RoutedDispatcher final : public engine::TaskDispatcher {
 public:
  // `router` and `pool` must outlive this dispatcher; `report` is the pool's.
  RoutedDispatcher(const ResourceRouter& router, PooledDispatcher& pool,
                   std::function<void(TaskOutcome)> report)
      : router_(router), pool_(pool), report_(std::move(report)) {}

  void dispatch(std::unique_ptr<engine::DispatchedTask> task) override;
  std::optional<json::Value> submit_at_once(const engine::TaskRequest& request) override;
  bool mocks(const engine::TaskRequest& request) override;
  // Stops the pool; mocked answers are no longer reported either.
  void stop();

 private:
  const ResourceRouter& router_;
  PooledDispatcher& pool_;
  std::function<void(TaskOutcome)> report_;
  std::atomic<bool> stopped_{false};
};

}  // namespace sg::integrations
