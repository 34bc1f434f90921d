#include "asl/context.h"

#include "asl/variables.h"
#include "json/timestamp.h"

namespace sg::asl {

using json::ObjectBuilder;
using json::Value;

const Value& ExecutionContext::execution_object() const {
  if (execution_obj_.is_null()) {
    ObjectBuilder b(6);
    b.add("Id", Value::string(execution_arn));
    b.add("Input", input);
    b.add("Name", Value::string(execution_name));
    b.add("RoleArn", Value::string(role_arn));
    b.add("StartTime", Value::string(json::format_iso8601_ms(start_time_ms)));
    b.add("RedriveCount", Value::integer(redrive_count));
    execution_obj_ = std::move(b).build();
  }
  return execution_obj_;
}

const Value& ExecutionContext::state_machine_object() const {
  if (state_machine_obj_.is_null()) {
    ObjectBuilder b(2);
    b.add("Id", Value::string(state_machine_arn));
    b.add("Name", Value::string(state_machine_name));
    state_machine_obj_ = std::move(b).build();
  }
  return state_machine_obj_;
}

const Value& StateRoots::context() const {
  if (ctx_valid_) return ctx_;
  if (state_obj_.is_null()) {
    ObjectBuilder state(3);
    state.add("EnteredTime", Value::string(json::format_iso8601_ms(entry_.entered_time_ms)));
    state.add("Name", Value::string(entry_.state_name));
    state.add("RetryCount", Value::integer(entry_.retry_count));
    state_obj_ = std::move(state).build();
  }
  ObjectBuilder b(5);
  b.add("Execution", ex_.execution_object());
  b.add("State", state_obj_);
  b.add("StateMachine", ex_.state_machine_object());
  if (!entry_.task_token.empty()) {
    ObjectBuilder task(1);
    task.add("Token", Value::string(entry_.task_token));
    b.add("Task", std::move(task).build());
  }
  if (item_) {
    ObjectBuilder it(2);
    it.add("Index", Value::integer(item_->index));
    it.add("Value", item_->value);
    ObjectBuilder map(1);
    map.add("Item", std::move(it).build());
    b.add("Map", std::move(map).build());
  }
  ctx_ = std::move(b).build();
  if (ex_.overrides.is_object()) ctx_ = deep_merge(ctx_, ex_.overrides);
  ctx_valid_ = true;
  return ctx_;
}

const Value* StateRoots::variable(std::string_view name) const {
  return variables_ ? variables_->find(name) : nullptr;
}

Value deep_merge(const Value& base, const Value& overlay) {
  if (!base.is_object() || !overlay.is_object()) return overlay;
  Value out = base;
  for (const json::Member& m : overlay.members()) {
    const Value* existing = out.find(m.name());
    out = out.with_member(m.name(), existing ? deep_merge(*existing, m.value) : m.value);
  }
  return out;
}

}  // namespace sg::asl
