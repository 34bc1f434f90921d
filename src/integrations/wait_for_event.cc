#include "integrations/wait_for_event.h"

namespace sg::integrations {

namespace {

constexpr std::string_view kAction = ":states:::events:waitForEvent";

Error runtime(std::string message) { return Error{"States.Runtime", std::move(message)}; }

}  // namespace

bool is_wait_for_event(std::string_view resource) {
  if (!resource.starts_with("arn:")) return false;
  size_t p = resource.find(kAction);
  if (p == std::string_view::npos) return false;
  std::string_view rest = resource.substr(p + kAction.size());
  return rest.empty() || rest == ".waitForTaskToken";
}

Result<WaitSpec> parse_wait_request(const engine::TaskRequest& request) {
  WaitSpec s;
  const json::Value& p = request.parameters;
  if (!p.is_object()) return runtime("events:waitForEvent needs Parameters with a CorrelationKey");
  if (const json::Value* bus = p.find("EventBusName")) {
    if (!bus->is_string() || bus->as_string().empty())
      return runtime("events:waitForEvent: EventBusName must be a non-empty string");
    std::string_view b = bus->as_string();
    size_t slash = b.find(":event-bus/");
    s.bus = std::string(slash == std::string_view::npos ? b : b.substr(slash + 11));
  }
  const json::Value* key = p.find("CorrelationKey");
  if (!key || key->is_null())
    return runtime("events:waitForEvent needs a CorrelationKey (e.g. \"CorrelationKey.$\": \"$.orderId\")");
  if (key->is_string()) {
    s.key = std::string(key->as_string());
  } else if (key->is_number() || key->is_bool()) {
    s.key = key->dump();
  } else {
    return runtime("events:waitForEvent: CorrelationKey must be a string or a number");
  }
  if (const json::Value* kp = p.find("KeyPath")) {
    if (!kp->is_string() || !kp->as_string().starts_with("$"))
      return runtime("events:waitForEvent: KeyPath must be a JSONPath such as $.detail.order_id");
    s.key_path = std::string(kp->as_string());
  }
  if (const json::Value* pat = p.find("Pattern")) {
    if (pat->is_object()) {
      s.pattern = pat->dump();
    } else if (pat->is_string()) {
      s.pattern = std::string(pat->as_string());
    } else if (!pat->is_null()) {
      return runtime("events:waitForEvent: Pattern must be an EventBridge event pattern (object)");
    }
  }
  s.token = request.task_token;
  return s;
}

std::optional<json::Value> WaitForEventDispatcher::submit_at_once(const engine::TaskRequest& request) {
  if (!is_wait_for_event(request.resource) || inner_.mocks(request)) return inner_.submit_at_once(request);
  auto spec = parse_wait_request(request);
  if (!spec.ok() || spec->token.empty()) return std::nullopt;  // dispatch() fails it
  auto response = enlist_(*spec, request);
  if (!response.ok()) return std::nullopt;
  return std::move(response).value();
}

void WaitForEventDispatcher::dispatch(std::unique_ptr<engine::DispatchedTask> task) {
  if (!is_wait_for_event(task->request.resource) || inner_.mocks(task->request))
    return inner_.dispatch(std::move(task));
  std::string cause;
  auto spec = parse_wait_request(task->request);
  if (!spec.ok()) {
    cause = spec.error().message;
  } else if (!task->callback) {
    // Definitions always run it as a callback; only a host that cannot wait gets here.
    cause = "events:waitForEvent waits for an event, which this host cannot deliver";
  } else {
    auto response = enlist_(*spec, task->request);
    cause = response.ok() ? "events:waitForEvent could not register" : response.error().message;
  }
  TaskOutcome o;
  o.execution_id = task->execution_id;
  o.task_id = task->task_id;
  o.result = engine::TaskResult::failure("States.Runtime", std::move(cause));
  report_(std::move(o));
}

}  // namespace sg::integrations
