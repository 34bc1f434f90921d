// The HTTP handler of `stepguard serve`: routes each request to the action that answers it.
//
//   GET /healthz                 {"status":"ok"} (no store access: answers while busy)
//   GET /metrics, /guardian/api/* the guardian (guardian_http_handler.h), when configured
//   POST / (X-Amz-Target: AWSStepFunctions.<Action>)
//     TestState                  on a thread of its own (it may call a function and wait);
//                                at most kMaxConcurrentTestStates at once, the excess
//                                answered ThrottlingException (SDKs retry it)
//     every other action         on the service loop; the reply leaves once the batch that
//                                produced it has committed, so what it reports is durable
//   anything else                404 (GET) or UnknownOperationException
//
// Each response carries x-amzn-RequestId. Thread-safe: the server calls it from its I/O
// threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "api/execution_actions.h"
#include "api/registry.h"
#include "api/registry_actions.h"
#include "api/test_state.h"
#include "cli/events_http_handler.h"
#include "cli/guardian_http_handler.h"
#include "engine/service_loop.h"
#include "server/http_server.h"

namespace sg::cli {

struct SfnServices {
  engine::ServiceLoop* loop = nullptr;
  api::Registry* registry = nullptr;
  api::RegistryActions* registry_actions = nullptr;
  api::ExecutionActions* execution_actions = nullptr;
  // For TestState; shared with its threads, which may outlive a shutdown's grace period.
  std::shared_ptr<engine::TaskExecutor> tasks;
  api::ApiContext context;
  GuardianHttpHandler* guardian = nullptr;  // GET /metrics, /guardian/api/* (null: none)
  EventsHttpHandler* events = nullptr;      // AWSEvents.*, /events/api/* (null: none)
};

inline constexpr int kMaxConcurrentTestStates = 64;

class SfnHttpHandler {
 public:
  explicit SfnHttpHandler(SfnServices services) : s_(std::move(services)) {}
  void operator()(server::HttpRequest&& request, server::Responder respond);
  // Requests answered so far (for logs).
  uint64_t answered() const { return answered_.load(std::memory_order_relaxed); }
  // Shutdown, once the functions TestState calls were killed: waits up to `limit` for the
  // TestState threads to end. True when none is left.
  bool drain_test_states(std::chrono::milliseconds limit);

 private:
  void run_on_loop(std::string action, json::Value request, server::Responder respond);
  void run_test_state(json::Value request, server::Responder respond);

  // TestState threads running; shared with them (they are detached).
  struct TestStateRuns {
    std::mutex mu;
    std::condition_variable idle;
    int running = 0;  // guarded by mu
  };

  SfnServices s_;
  std::atomic<uint64_t> answered_{0};
  std::shared_ptr<TestStateRuns> test_states_ = std::make_shared<TestStateRuns>();
};

}  // namespace sg::cli
