// libFuzzer target: the Step Functions API as a hostile client reaches it. The first byte
// picks an action, the rest is the HTTP body: decode_call() and then the registry actions
// or TestState must answer every input with a result or an AWS-shaped error (a `__type`
// with no ':' and a message), never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/registry.h"
#include "api/registry_actions.h"
#include "api/sfn_protocol.h"
#include "api/test_state.h"
#include "store/resource_store.h"

namespace {

void check(const sg::api::ApiResult& r) {
  if (r.ok()) return;
  sg::api::EncodedResponse e = sg::api::encode_error(r.error());
  std::string type = sg::api::error_type(r.error());
  if (type.empty() || type.find(':') != std::string::npos || e.status < 400 || e.body.empty())
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto actions = sg::api::model_actions();
  std::string_view action = actions[data[0] % actions.size()];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string target = "AWSStepFunctions.";
  target += action;
  auto call = sg::api::decode_call("POST", target, body);
  if (!call.ok()) {
    check(call.error());
    return 0;
  }
  if (call->action == "TestState") {
    sg::api::TestStateEnv env;
    env.now_ms = 1700000000000;
    check(sg::api::test_state(call->request, env));
    return 0;
  }
  if (!sg::api::RegistryActions::handles(call->action)) return 0;
  static sg::store::MemoryResourceStore store;
  static uint64_t seq = 0;
  static sg::api::Registry registry(
      sg::api::ApiContext{}, store, [] { return int64_t{1700000000000}; }, [] { return ++seq; });
  static sg::api::RegistryActions registry_actions(registry);
  check(registry_actions.handle(call->action, call->request));
  return 0;
}
