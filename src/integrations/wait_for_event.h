// The `events:waitForEvent` Task resource: a task that waits until an event with its
// correlation key arrives on an event bus (stepguard's native correlation, docs/events.md).
//
//   "Resource": "arn:aws:states:::events:waitForEvent.waitForTaskToken",
//   "Parameters": {"EventBusName": "orders",              (optional, default "default")
//                  "CorrelationKey.$": "$.orderId",        (required: string or number)
//                  "KeyPath": "$.detail.order_id",         (optional, default below)
//                  "Pattern": {"source": ["shop"]}}        (optional: object or JSON text)
//
// parse_wait_request() reads a TaskRequest's effective parameters into a WaitSpec (pure;
// errors with code "States.Runtime" and a message naming the problem).
//
// WaitForEventDispatcher decorates the server's TaskDispatcher: a callback task on this
// resource is submitted at once, in the batch that scheduled it, by calling `enlist`
// (which registers the token under (bus, key) durably and returns the submission's
// response); every other task goes to the inner dispatcher unchanged. A waitForEvent task
// that cannot wait (bad parameters; a resource without `.waitForTaskToken` while the
// definition loader does not treat the bare form as a callback) fails at once with
// States.Runtime through `report`. Mocked tasks go to the inner dispatcher.
// Engine thread only, like the dispatcher it wraps.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "engine/durable_engine.h"
#include "integrations/pooled_dispatcher.h"

namespace sg::integrations {

inline constexpr std::string_view kDefaultCorrelationKeyPath = "$.detail.correlation_id";

struct WaitSpec {
  std::string bus = "default";
  std::string key;
  std::string key_path = std::string(kDefaultCorrelationKeyPath);
  std::string pattern;  // JSON text; empty: any event with the key
  std::string token;
};

// True for arn:<partition>:states:::events:waitForEvent[.waitForTaskToken].
bool is_wait_for_event(std::string_view resource);
Result<WaitSpec> parse_wait_request(const engine::TaskRequest& request);

class WaitForEventDispatcher final : public engine::TaskDispatcher {
 public:
  using Enlist = std::function<Result<json::Value>(const WaitSpec& spec, const engine::TaskRequest& request)>;
  WaitForEventDispatcher(engine::TaskDispatcher& inner, Enlist enlist,
                         std::function<void(TaskOutcome)> report)
      : inner_(inner), enlist_(std::move(enlist)), report_(std::move(report)) {}

  void dispatch(std::unique_ptr<engine::DispatchedTask> task) override;
  std::optional<json::Value> submit_at_once(const engine::TaskRequest& request) override;
  bool mocks(const engine::TaskRequest& request) override { return inner_.mocks(request); }

 private:
  engine::TaskDispatcher& inner_;
  Enlist enlist_;
  std::function<void(TaskOutcome)> report_;
};

}  // namespace sg::integrations
