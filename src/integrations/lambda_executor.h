// LambdaExecutor: the TaskExecutor of `stepguard run`: runs Lambda Task states against a
// FunctionRegistry of local commands and HTTP URLs.
//
// Resources
// - `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`: the payload is the effective
//   input (request.parameters); the result is the function's output alone.
// - `arn:aws:states:::lambda:invoke`: Parameters follow Lambda's Invoke API:
//     FunctionName    required: name, NAME:QUALIFIER, partial or full ARN
//     Qualifier       optional; must agree with a qualifier in FunctionName
//     Payload         any JSON; absent or null sends {} (what AWS sends); a string holding
//                     JSON is sent as that JSON text, any other string as a JSON string
//     InvocationType  RequestResponse (default) | Event | DryRun
//     ClientContext, LogType: accepted and ignored
//   The result is the AWS-shaped response object (lambda_response.h) with the function's
//   output as Payload. Event: the function runs to completion (so local runs stay
//   deterministic) but its outcome is discarded; result StatusCode 202, Payload "". DryRun:
//   the function is not called; StatusCode 204, Payload "".
// - `arn:aws:states:::lambda:invoke.waitForTaskToken`: the result must come from
//   SendTaskSuccess/SendTaskFailure, which `stepguard run` cannot receive: error
//   "States.Runtime" naming the limitation (unless invoke_callback_tasks is set, for hosts
//   that wait for the token themselves: then the function is invoked as for lambda:invoke
//   and the response is returned).
// - Anything else: error "States.Runtime", cause
//   "<host> has no integration for resource '<resource>': only Lambda functions run here, each configured as
//   a local function (--function NAME=COMMAND or NAME=URL)".
//
// Errors
// - Function outcomes as described in local_function.h / command_function.h /
//   http_function.h (errorType names, Lambda.Unknown, States.Timeout, ...).
// - No registry entry: "Lambda.ResourceNotFoundException", cause as AWS words it,
//   "Function not found: arn:aws:lambda:REGION:ACCOUNT:function:NAME:QUALIFIER (Service:
//   AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: <uuid>;
//   Proxy: null)", followed by a hint naming `--function NAME=...`.
// - Bad Parameters: missing/non-string FunctionName is "States.Runtime"; a FunctionName that
//   is not a valid name or ARN, or an unknown InvocationType, is
//   "Lambda.AWSLambdaException" with Lambda's validation message; a Qualifier that
//   contradicts FunctionName is "Lambda.InvalidParameterValueException".
// Timeout of a call: the smaller of the entry's timeout_seconds and the Task's
// TimeoutSeconds; none when neither is set.
//
// invoke() never throws. invoke_all() runs a batch concurrently (max_concurrent_calls), so
// local functions must tolerate concurrent calls, as Lambda functions do. Thread-safe: the registry and
// functions are immutable after construction (HTTP handle pools lock internally); now_ms/new_request_id, when
// given, must be thread-safe too.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/task_executor.h"
#include "integrations/function_registry.h"
#include "integrations/local_function.h"

namespace sg::integrations {

struct LambdaExecutorOptions {
  std::string account = "123456789012";  // fills ARNs that do not name one
  std::string region = "us-east-1";
  std::string host = "stepguard run";           // names this host in "has no integration" causes
  bool invoke_callback_tasks = false;           // see .waitForTaskToken above
  std::function<int64_t()> now_ms;              // null: the system clock (Date header)
  std::function<std::string()> new_request_id;  // null: random_request_id()
  // Calls that start at the same instant (Map iterations, Parallel branches) run on up to
  // this many threads at once; 1 runs them one after another.
  int max_concurrent_calls = 16;
};

enum class LambdaResourceKind { kFunctionArn, kInvoke, kInvokeWaitForTaskToken, kOther };

// Which of the resource forms above `resource` is.
LambdaResourceKind classify_lambda_resource(std::string_view resource);

class LambdaExecutor final : public engine::TaskExecutor {
 public:
  explicit LambdaExecutor(FunctionRegistry registry, LambdaExecutorOptions options = {});
  ~LambdaExecutor() override;

  engine::TaskResult invoke(const engine::TaskRequest& request) override;
  // Checks every request, then runs the calls of each function as one batch
  // (LocalFunction::call_all, up to options().max_concurrent_calls at once).
  void invoke_all(std::span<const engine::TaskRequest> requests, std::span<engine::TaskResult> results,
                  const Done& done) override;

  const FunctionRegistry& registry() const { return registry_; }
  const LambdaExecutorOptions& options() const { return options_; }

 private:
  // A request checked and ready to call its function, or already answered (result set).
  struct PreparedCall {
    enum class Shape { kBare, kInvoke, kInvokeEvent };
    std::optional<engine::TaskResult> result;
    size_t function = 0;  // index into functions_
    std::string event;    // the payload sent
    std::string request_id;
    int64_t timeout_ms = 0;
    Shape shape = Shape::kBare;
    std::string executed_version;  // kInvoke: the response's ExecutedVersion
  };
  static PreparedCall answered(engine::TaskResult r);
  PreparedCall prepare(const engine::TaskRequest& request);
  PreparedCall prepare_function_arn(const engine::TaskRequest& request);
  PreparedCall prepare_invoke(const engine::TaskRequest& request);
  void set_call(PreparedCall& p, size_t index, std::string event, const engine::TaskRequest& request) const;
  engine::TaskResult finish(const PreparedCall& p, FunctionOutcome o) const;
  engine::TaskResult empty_invoke_result(int status, std::string_view request_id) const;
  engine::TaskResult not_found(const FunctionRef& ref, const std::string& request_id) const;
  engine::TaskResult no_integration(std::string_view resource) const;
  std::string request_id() const;
  int64_t now_ms() const;

  FunctionRegistry registry_;
  LambdaExecutorOptions options_;
  std::vector<std::unique_ptr<LocalFunction>> functions_;  // parallel to registry_.entries()
};

// The executor `stepguard run` uses: --function specs, merged over an optional --functions
// file (empty path: none). Errors are the registry's (file, line and key named).
Result<std::unique_ptr<LambdaExecutor>> make_lambda_executor(const std::vector<std::string>& function_specs,
                                                             const std::string& functions_file,
                                                             LambdaExecutorOptions options = {});

}  // namespace sg::integrations
