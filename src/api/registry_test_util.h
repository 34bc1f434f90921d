// Test harness for the registry and its actions: an in-memory store, a clock the test
// moves, and a scripted random source (scripted draws first, then a counter).
#pragma once

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "api/registry.h"
#include "api/registry_actions.h"
#include "json/parse.h"
#include "store/resource_store.h"

namespace sg::api::testing {

inline constexpr int64_t kStartMs = 1700000000000;
inline constexpr std::string_view kRole = "arn:aws:iam::123456789012:role/sfn";
inline constexpr std::string_view kPass = R"({"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}})";
inline constexpr std::string_view kPass2 =
    R"({"Comment":"two","StartAt":"P","States":{"P":{"Type":"Pass","End":true}}})";

// Concatenation for expected messages (GCC 12 warns falsely on "literal" + std::string).
inline std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

inline std::string sm_arn(std::string_view name) { return state_machine_arn(ApiContext{}, name); }

inline json::Value J(std::string_view text) { return json::parse_json(text).value(); }
inline json::Value S(std::string_view text) { return json::Value::string(text); }
inline json::Value obj(std::initializer_list<std::pair<std::string_view, json::Value>> members) {
  json::ObjectBuilder b(members.size());
  for (const auto& [key, value] : members) b.add(key, value);
  return std::move(b).build();
}

class Harness {
 public:
  Harness() { reset_registry(); }

  // A registry over the same store, as after a restart (not loaded yet).
  void reset_registry() {
    registry = std::make_unique<Registry>(
        ApiContext{}, store, [this] { return now; },
        [this]() -> uint64_t {
          if (!draws.empty()) {
            uint64_t d = draws.front();
            draws.pop_front();
            return d;
          }
          return ++counter;
        });
    actions = std::make_unique<RegistryActions>(*registry);
  }

  CreateStateMachineInput create_input(std::string name, std::string_view definition = kPass) {
    CreateStateMachineInput in;
    in.name = std::move(name);
    in.definition = std::string(definition);
    in.role_arn = std::string(kRole);
    return in;
  }

  // Creates a state machine that must be accepted; returns its ARN.
  std::string create(std::string name, std::string_view definition = kPass, bool publish = false) {
    CreateStateMachineInput in = create_input(std::move(name), definition);
    in.publish = publish;
    ApiOr<CreateStateMachineOutput> out = registry->create_state_machine(in);
    return out.ok() ? out->state_machine_arn : std::string("create failed: ") + out.error().message;
  }

  ApiResult call(std::string_view action, const json::Value& request) {
    return actions->handle(action, request);
  }
  ApiResult call(std::string_view action, std::string_view request) { return call(action, J(request)); }
  // CreateStateMachine through the actions, with the harness's role.
  ApiResult create_call(std::string_view name, std::string_view definition = kPass) {
    return call("CreateStateMachine",
                obj({{"name", S(name)}, {"definition", S(definition)}, {"roleArn", S(kRole)}}));
  }

  store::MemoryResourceStore store;
  int64_t now = kStartMs;
  uint64_t counter = 0;
  std::deque<uint64_t> draws;
  std::unique_ptr<Registry> registry;
  std::unique_ptr<RegistryActions> actions;
};

}  // namespace sg::api::testing
