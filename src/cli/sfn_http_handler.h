// The HTTP handler of `stepguard serve`: routes each request to the action that answers it.
//
//   GET /healthz                 {"status":"ok"} (no store access: answers while busy)
//   POST / (X-Amz-Target: AWSStepFunctions.<Action>)
//     TestState                  on a worker thread (it may call a function)
//     every other action         on the service loop; the reply leaves once the batch that
//                                produced it has committed, so what it reports is durable
//   anything else                404 (GET) or UnknownOperationException
//
// Each response carries x-amzn-RequestId. Thread-safe: the server calls it from its I/O
// threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "api/execution_actions.h"
#include "api/registry.h"
#include "api/registry_actions.h"
#include "api/test_state.h"
#include "engine/service_loop.h"
#include "server/http_server.h"

namespace sg::cli {

struct SfnServices {
  engine::ServiceLoop* loop = nullptr;
  api::Registry* registry = nullptr;
  api::RegistryActions* registry_actions = nullptr;
  api::ExecutionActions* execution_actions = nullptr;
  engine::TaskExecutor* tasks = nullptr;  // for TestState
  api::ApiContext context;
};

class SfnHttpHandler {
 public:
  explicit SfnHttpHandler(SfnServices services) : s_(std::move(services)) {}
  void operator()(server::HttpRequest&& request, server::Responder respond);
  // Requests answered so far (for logs).
  uint64_t answered() const { return answered_.load(std::memory_order_relaxed); }

 private:
  void run_on_loop(std::string action, json::Value request, server::Responder respond);
  void run_test_state(json::Value request, server::Responder respond);

  SfnServices s_;
  std::atomic<uint64_t> answered_{0};
};

}  // namespace sg::cli
