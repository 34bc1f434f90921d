// The Context object ($$) of one state entry, built lazily: most states never read it.
//
// ExecutionContext holds what is fixed for an execution (ids, input, start time); its
// JSON sub-objects are built once and shared by every state entry. StateEntry is one
// entry into a state (name, entered time, retry count, Map item, task token). StateRoots
// exposes both to paths as json::PathRoots; the input it shows is set by the caller as
// the state's processing moves from raw input to effective input to result. Variable
// paths ($name) read the workflow variables in scope (asl/variables.h).
//
// Shape (AWS): {"Execution":{"Id","Input","Name","RoleArn","StartTime","RedriveCount"},
//  "State":{"EnteredTime","Name","RetryCount"},"StateMachine":{"Id","Name"},
//  "Task":{"Token"} (tasks with a token), "Map":{"Item":{"Index","Value"}} (ItemSelector)}
// Overrides (--context-file) are merged deeply on top.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "json/path_roots.h"
#include "json/value.h"

namespace sg::asl {

struct ExecutionContext {
  std::string execution_arn;
  std::string execution_name;
  std::string role_arn;
  std::string state_machine_arn;
  std::string state_machine_name;
  json::Value input;
  int64_t start_time_ms = 0;
  int64_t redrive_count = 0;
  json::Value overrides;  // object or null

  // Built on first use; shared afterwards.
  const json::Value& execution_object() const;
  const json::Value& state_machine_object() const;

 private:
  mutable json::Value execution_obj_, state_machine_obj_;
};

struct MapItem {
  int64_t index = 0;
  json::Value value;
};

struct StateEntry {
  std::string_view state_name;
  int64_t entered_time_ms = 0;
  int64_t entered_event_id = 0;
  int64_t retry_count = 0;
  std::string task_token;
};

class VariableScope;

class StateRoots final : public json::PathRoots {
 public:
  // `variables` (may be null: no variable in scope) must outlive the roots.
  StateRoots(const ExecutionContext& ex, const StateEntry& entry, const json::Value& input,
             const VariableScope* variables = nullptr)
      : ex_(ex), entry_(entry), input_(&input), variables_(variables) {}
  void set_input(const json::Value& input) { input_ = &input; }
  void set_map_item(const MapItem* item) {
    item_ = item;
    ctx_valid_ = false;
  }
  void invalidate() { ctx_valid_ = false; }

  const json::Value& input() const override { return *input_; }
  const json::Value& context() const override;
  const json::Value* variable(std::string_view name) const override;
  const VariableScope* variables() const { return variables_; }
  const ExecutionContext& execution() const { return ex_; }
  const StateEntry& entry() const { return entry_; }

 private:
  const ExecutionContext& ex_;
  const StateEntry& entry_;
  const json::Value* input_;
  const VariableScope* variables_;
  const MapItem* item_ = nullptr;
  mutable json::Value ctx_;
  mutable json::Value state_obj_;  // built once per entry; Map items only change "Map"
  mutable bool ctx_valid_ = false;
};

// Deep merge of `overlay` onto `base` (objects merged key by key; anything else replaces).
json::Value deep_merge(const json::Value& base, const json::Value& overlay);

}  // namespace sg::asl
