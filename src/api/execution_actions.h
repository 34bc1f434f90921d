// The execution, callback and activity-polling actions of the Step Functions API:
// StartExecution, StartSyncExecution, StopExecution, DescribeExecution, ListExecutions,
// GetExecutionHistory, DescribeStateMachineForExecution, RedriveExecution,
// GetActivityTask, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat.
//
// Each handler checks the request as AWS's validator does (request_fields.h), resolves
// ARNs through the Registry, calls the DurableEngine once and shapes the answer as the
// botocore model has it. Runs on the service loop's thread. `reply` is called exactly
// once: at once for most actions; when the execution ends for StartSyncExecution; when a
// task arrives or the 60 s poll ends for GetActivityTask.
#pragma once

#include <functional>
#include <string_view>

#include "api/api_error.h"
#include "api/registry.h"
#include "engine/durable_engine.h"

namespace sg::api {

inline constexpr int64_t kActivityPollMs = 60000;  // GetActivityTask's long poll

class ExecutionActions {
 public:
  // Also makes the engine resolve nested executions (states:startExecution) through the
  // registry, as StartExecution does.
  ExecutionActions(Registry& registry, engine::DurableEngine& engine);

  static bool handles(std::string_view action);
  void handle(std::string_view action, const json::Value& request, int64_t now_ms,
              std::function<void(ApiResult)> reply);

 private:
  ApiResult start_execution(const json::Value& request, int64_t now_ms);
  void start_sync_execution(const json::Value& request, int64_t now_ms, std::function<void(ApiResult)> reply);
  ApiResult stop_execution(const json::Value& request, int64_t now_ms);
  ApiResult describe_execution(const json::Value& request);
  ApiResult list_executions(const json::Value& request, int64_t now_ms);
  ApiResult get_execution_history(const json::Value& request, int64_t now_ms);
  ApiResult describe_state_machine_for_execution(const json::Value& request);
  ApiResult redrive_execution(const json::Value& request, int64_t now_ms);
  void get_activity_task(const json::Value& request, int64_t now_ms, std::function<void(ApiResult)> reply);
  ApiResult send_task_success(const json::Value& request, int64_t now_ms);
  ApiResult send_task_failure(const json::Value& request, int64_t now_ms);
  ApiResult send_task_heartbeat(const json::Value& request, int64_t now_ms);

  Registry& registry_;
  engine::DurableEngine& engine_;
};

}  // namespace sg::api
