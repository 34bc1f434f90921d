#include "integrations/lambda_executor.h"

#include <array>
#include <chrono>
#include <exception>
#include <mutex>

#include "common/parallel_for.h"
#include "integrations/command_function.h"
#include "integrations/http_function.h"
#include "integrations/lambda_endpoint.h"
#include "integrations/lambda_response.h"
#include "json/parse.h"

namespace sg::integrations {

namespace {

using engine::TaskRequest;
using engine::TaskResult;
using json::Value;

// Lambda's FunctionName constraint, as its validation errors quote it.
constexpr const char* kFunctionNamePattern =
    "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]"
    "+)"
    "(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
constexpr size_t kMaxListedFunctions = 10;

std::string sdk_details(int status, std::string_view code, std::string_view request_id) {
  return " (Service: AWSLambda; Status Code: " + std::to_string(status) +
         "; Error Code: " + std::string(code) + "; Request ID: " + std::string(request_id) + "; Proxy: null)";
}

TaskResult validation_error(std::string_view value, std::string_view field, std::string_view constraint,
                            std::string_view request_id) {
  std::string cause = "1 validation error detected: Value '" + std::string(value) + "' at '" +
                      std::string(field) + "' failed to satisfy constraint: " + std::string(constraint);
  cause += sdk_details(400, "ValidationException", request_id);
  return TaskResult::failure("Lambda.AWSLambdaException", std::move(cause));
}

TaskResult from_outcome(FunctionOutcome o) {
  if (o.ok) return TaskResult::success(std::move(o.output));
  return TaskResult::failure(std::move(o.error), std::move(o.cause));
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// The bytes sent for a lambda:invoke Payload (see the header).
std::string payload_text(const Value* payload) {
  if (!payload || payload->is_null()) return "{}";
  if (payload->is_string()) {
    std::string_view s = payload->as_string();
    if (json::parse_json(s)) return std::string(s);
  }
  return payload->dump();
}

}  // namespace

LambdaResourceKind classify_lambda_resource(std::string_view resource) {
  if (is_lambda_function_arn(resource)) return LambdaResourceKind::kFunctionArn;
  // arn:<partition>:states:<region>:<account>:lambda:<action>
  std::array<std::string_view, 7> parts;
  size_t n = 0, start = 0;
  while (n < parts.size()) {
    size_t colon = resource.find(':', start);
    parts[n++] =
        resource.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
    if (colon == std::string_view::npos) break;
    start = colon + 1;
    if (n == parts.size()) return LambdaResourceKind::kOther;  // more than 7 parts
  }
  if (n != 7 || parts[0] != "arn" || !parts[1].starts_with("aws") || parts[2] != "states" ||
      parts[5] != "lambda") {
    return LambdaResourceKind::kOther;
  }
  if (parts[6] == "invoke") return LambdaResourceKind::kInvoke;
  if (parts[6] == "invoke.waitForTaskToken") return LambdaResourceKind::kInvokeWaitForTaskToken;
  return LambdaResourceKind::kOther;
}

LambdaExecutor::LambdaExecutor(FunctionRegistry registry, LambdaExecutorOptions options)
    : registry_(std::move(registry)), options_(std::move(options)) {
  functions_.reserve(registry_.size());
  for (const FunctionSpec& spec : registry_.entries()) {
    auto ref = parse_function_ref(spec.key);
    std::string name = ref ? std::string(ref->name) : spec.key;
    if (spec.kind == FunctionSpec::Kind::kHttp) {
      functions_.push_back(std::make_unique<HttpFunction>(std::move(name), spec.target));
    } else if (spec.kind == FunctionSpec::Kind::kLambdaEndpoint) {
      functions_.push_back(make_lambda_endpoint_function(
          spec.target, spec.function_name.empty() ? name : spec.function_name, ref ? ref->qualifier : ""));
    } else {
      functions_.push_back(std::make_unique<CommandFunction>(CommandOptions{
          std::move(name), spec.target, spec.environment, spec.working_directory, spec.max_concurrency}));
    }
  }
}

LambdaExecutor::~LambdaExecutor() = default;

std::string LambdaExecutor::request_id() const {
  return options_.new_request_id ? options_.new_request_id() : random_request_id();
}

int64_t LambdaExecutor::now_ms() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TaskResult LambdaExecutor::invoke(const TaskRequest& request) {
  TaskResult result;
  invoke_all(std::span<const TaskRequest>(&request, 1), std::span<TaskResult>(&result, 1), nullptr);
  return result;
}

// Every request is prepared on the calling thread (resource and parameter checks, payload
// text, request id); the calls left are grouped per function and each group runs through
// LocalFunction::call_all (concurrently, up to max_concurrent_calls); each result is shaped
// as its resource form wants and reported as soon as its call ends.
void LambdaExecutor::invoke_all(std::span<const TaskRequest> requests, std::span<TaskResult> results,
                                const Done& done) {
  std::mutex done_mu;  // done() is called one at a time, whichever thread finishes a call
  auto report = [&](size_t i) {
    std::lock_guard<std::mutex> lock(done_mu);
    if (done) done(i);
  };
  std::vector<PreparedCall> prepared(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    try {
      prepared[i] = requests[i].is_withdrawn() ? answered(withdrawn_result()) : prepare(requests[i]);
    } catch (const std::exception& e) {
      prepared[i].result = TaskResult::failure(
          "Lambda.ServiceException", std::string("stepguard could not invoke the function: ") + e.what());
    }
  }
  // Answered already: report first. Then group the calls per function, in request order.
  std::vector<std::vector<size_t>> groups(functions_.size());
  std::vector<size_t> used;
  for (size_t i = 0; i < prepared.size(); ++i) {
    if (prepared[i].result) {
      results[i] = std::move(*prepared[i].result);
      report(i);
      continue;
    }
    if (groups[prepared[i].function].empty()) used.push_back(prepared[i].function);
    groups[prepared[i].function].push_back(i);
  }
  size_t width = options_.max_concurrent_calls > 0 ? static_cast<size_t>(options_.max_concurrent_calls) : 1;
  parallel_for(used.size(), used.size(), [&](size_t g) {
    const std::vector<size_t>& members = groups[used[g]];
    std::vector<FunctionCall> calls(members.size());
    std::vector<FunctionOutcome> outs(members.size());
    for (size_t k = 0; k < members.size(); ++k) {
      const PreparedCall& p = prepared[members[k]];
      calls[k].event = p.event;
      calls[k].timeout_ms = p.timeout_ms;
      calls[k].request_id = p.request_id;
      calls[k].withdrawn = requests[members[k]].withdrawn;
    }
    functions_[used[g]]->call_all(calls, outs, width, [&](size_t k) {
      size_t i = members[k];
      try {
        results[i] = finish(prepared[i], std::move(outs[k]));
      } catch (const std::exception& e) {
        results[i] = TaskResult::failure("Lambda.ServiceException",
                                         std::string("stepguard could not invoke the function: ") + e.what());
      }
      report(i);
    });
  });
}

LambdaExecutor::PreparedCall LambdaExecutor::prepare(const TaskRequest& request) {
  switch (classify_lambda_resource(request.resource)) {
    case LambdaResourceKind::kFunctionArn:
      return prepare_function_arn(request);
    case LambdaResourceKind::kInvoke:
      return prepare_invoke(request);
    case LambdaResourceKind::kInvokeWaitForTaskToken:
      if (options_.invoke_callback_tasks) return prepare_invoke(request);
      return answered(TaskResult::failure(
          "States.Runtime", options_.host + " cannot run resource '" + std::string(request.resource) +
                                "': a .waitForTaskToken task completes only when "
                                "SendTaskSuccess or SendTaskFailure is called with "
                                "its task token, which needs the stepguard server; "
                                "use 'arn:aws:states:::lambda:invoke' to take the "
                                "function's own result instead"));
    case LambdaResourceKind::kOther:
      break;
  }
  return answered(no_integration(request.resource));
}

LambdaExecutor::PreparedCall LambdaExecutor::answered(TaskResult r) {
  PreparedCall p;
  p.result = std::move(r);
  return p;
}

TaskResult LambdaExecutor::no_integration(std::string_view resource) const {
  return TaskResult::failure("States.Runtime", options_.host + " has no integration for resource '" +
                                                   std::string(resource) +
                                                   "': only Lambda functions run here, each configured as a "
                                                   "local function (--function NAME=COMMAND or NAME=URL)");
}

TaskResult LambdaExecutor::not_found(const FunctionRef& ref, const std::string& request_id) const {
  std::string cause = "Function not found: " + qualified_function_arn(ref, options_.region, options_.account);
  cause += sdk_details(404, "ResourceNotFoundException", request_id);
  cause += ". No local function is configured for '" + std::string(ref.name) + "': pass --function " +
           std::string(ref.name) + "=COMMAND or --function " + std::string(ref.name) +
           "=URL, or add it to a --functions file";
  if (!registry_.empty()) {
    cause += " (configured: ";
    size_t shown = 0;
    for (const FunctionSpec& e : registry_.entries()) {
      if (shown == kMaxListedFunctions) {
        cause += ", ...";
        break;
      }
      if (shown++) cause += ", ";
      cause += e.key;
    }
    cause += ")";
  }
  cause += ".";
  return TaskResult::failure("Lambda.ResourceNotFoundException", std::move(cause));
}

void LambdaExecutor::set_call(PreparedCall& p, size_t index, std::string event,
                              const TaskRequest& request) const {
  // The call stops at the first of: the entry's timeout, the Task's TimeoutSeconds, the
  // execution's deadline.
  const FunctionSpec& spec = registry_.entries()[index];
  int64_t timeout_ms = 0;
  auto cap = [&](int64_t ms) {
    if (ms > 0 && (timeout_ms == 0 || ms < timeout_ms)) timeout_ms = ms;
  };
  if (spec.timeout_seconds) cap(*spec.timeout_seconds * 1000);
  if (request.timeout_seconds) cap(*request.timeout_seconds * 1000);
  cap(request.time_left_ms);
  p.function = index;
  p.event = std::move(event);
  p.timeout_ms = timeout_ms;
}

LambdaExecutor::PreparedCall LambdaExecutor::prepare_function_arn(const TaskRequest& request) {
  auto ref = parse_function_ref(request.resource);
  if (!ref) return answered(no_integration(request.resource));  // classify() checked; kept for safety
  auto index = registry_.resolve(*ref, options_.region, options_.account);
  PreparedCall p;
  p.request_id = request_id();
  if (!index) return answered(not_found(*ref, p.request_id));
  p.shape = PreparedCall::Shape::kBare;
  set_call(p, *index, request.parameters.dump(), request);
  return p;
}

LambdaExecutor::PreparedCall LambdaExecutor::prepare_invoke(const TaskRequest& request) {
  const Value& params = request.parameters;
  if (!params.is_object()) {
    return answered(
        TaskResult::failure("States.Runtime", "The parameters of resource '" + std::string(request.resource) +
                                                  "' must be an object with a FunctionName, got " +
                                                  std::string(json::type_name(params.type()))));
  }
  const Value* fn = params.find("FunctionName");
  if (!fn) {
    return answered(TaskResult::failure("States.Runtime",
                                        "The field 'FunctionName' is required but was missing from the "
                                        "parameters of resource '" +
                                            std::string(request.resource) + "'"));
  }
  if (!fn->is_string()) {
    return answered(TaskResult::failure(
        "States.Runtime", "The field 'FunctionName' of resource '" + std::string(request.resource) +
                              "' must be a string, got " + std::string(json::type_name(fn->type()))));
  }
  std::string id = request_id();
  std::string_view fn_text = fn->as_string();
  auto ref = parse_function_ref(fn_text);
  if (!ref) {
    return answered(validation_error(
        fn_text, "functionName",
        std::string("Member must satisfy regular expression pattern: ") + kFunctionNamePattern, id));
  }
  if (const Value* q = params.find("Qualifier"); q && !q->is_null()) {
    if (!q->is_string()) {
      return answered(validation_error(
          q->dump(), "qualifier", "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)", id));
    }
    std::string_view qualifier = q->as_string();
    if (!qualifier.empty()) {
      std::string probe = "x:" + std::string(qualifier);
      auto check = parse_function_ref(probe);
      if (!check || check->qualifier != qualifier) {
        return answered(validation_error(qualifier, "qualifier",
                                         "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)",
                                         id));
      }
      if (!ref->qualifier.empty() && ref->qualifier != qualifier) {
        return answered(
            TaskResult::failure("Lambda.InvalidParameterValueException",
                                "The derived qualifier from the function name does not match the specified "
                                "qualifier." +
                                    sdk_details(400, "InvalidParameterValueException", id)));
      }
      ref->qualifier = qualifier;
    }
  }
  int status = 200;
  if (const Value* t = params.find("InvocationType"); t && !t->is_null()) {
    std::string_view type = t->is_string() ? t->as_string() : std::string_view();
    if (type == "Event") {
      status = 202;
    } else if (type == "DryRun") {
      status = 204;
    } else if (type != "RequestResponse") {
      return answered(validation_error(t->is_string() ? std::string(type) : t->dump(), "invocationType",
                                       "Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
                                       id));
    }
  }
  auto index = registry_.resolve(*ref, options_.region, options_.account);
  if (!index) return answered(not_found(*ref, id));

  PreparedCall p;
  p.request_id = std::move(id);
  if (status == 204) return answered(empty_invoke_result(204, p.request_id));
  p.shape = status == 202 ? PreparedCall::Shape::kInvokeEvent : PreparedCall::Shape::kInvoke;
  p.executed_version = all_digits(ref->qualifier) ? std::string(ref->qualifier) : std::string("$LATEST");
  set_call(p, *index, payload_text(params.find("Payload")), request);
  return p;
}

TaskResult LambdaExecutor::empty_invoke_result(int status, std::string_view request_id) const {
  InvokeResponseMeta meta;
  meta.status_code = status;
  meta.request_id = request_id;
  meta.executed_version = "";
  meta.content_length = 0;
  meta.now_ms = now_ms();
  return TaskResult::success(lambda_invoke_result(Value::string(std::string_view()), meta));
}

TaskResult LambdaExecutor::finish(const PreparedCall& p, FunctionOutcome o) const {
  switch (p.shape) {
    case PreparedCall::Shape::kBare:
      return from_outcome(std::move(o));
    case PreparedCall::Shape::kInvokeEvent:  // the outcome is discarded, as AWS does
      return empty_invoke_result(202, p.request_id);
    case PreparedCall::Shape::kInvoke:
      break;
  }
  if (!o.ok) return from_outcome(std::move(o));
  InvokeResponseMeta meta;
  meta.status_code = 200;
  meta.request_id = p.request_id;
  meta.executed_version = p.executed_version;
  meta.content_length = o.payload_bytes;
  meta.now_ms = now_ms();
  return TaskResult::success(lambda_invoke_result(std::move(o.output), meta));
}

Result<std::unique_ptr<LambdaExecutor>> make_lambda_executor(const std::vector<std::string>& function_specs,
                                                             const std::string& functions_file,
                                                             LambdaExecutorOptions options) {
  auto cli = FunctionRegistry::from_specs(function_specs);
  if (!cli) return cli.error();
  FunctionRegistry registry = std::move(cli).value();
  if (!functions_file.empty()) {
    auto file = FunctionRegistry::from_yaml_file(functions_file);
    if (!file) return file.error();
    registry = FunctionRegistry::merge(file.value(), registry);
  }
  return std::make_unique<LambdaExecutor>(std::move(registry), std::move(options));
}

}  // namespace sg::integrations
