#include "engine/nested_execution.h"

#include <openssl/evp.h>

#include <cstring>

#include "asl/state_machine.h"
#include "json/parse.h"
#include "json/uuid.h"
#include "store/sqlite_store.h"

namespace sg::engine {

using json::ObjectBuilder;
using json::Value;

namespace {

constexpr std::string_view kAction = "startExecution";

Value included() {
  ObjectBuilder b(1);
  b.add("Included", Value::boolean(true));
  return std::move(b).build();
}

// A stored payload as .sync (text) or .sync:2 (JSON) reports it.
Value payload(std::string_view text, NestedMode mode) {
  if (mode != NestedMode::kSync2) return Value::string(text);
  auto v = json::parse_json(text);
  return v.ok() ? std::move(v).value() : Value::string(text);
}

const Value* string_member(const Value& doc, std::string_view key) {
  const Value* v = doc.find(key);
  return v && v->is_string() ? v : nullptr;
}

}  // namespace

std::optional<NestedMode> nested_mode(const asl::State& s) {
  if (s.type != asl::StateType::kTask || s.task_kind != asl::TaskKind::kService) return std::nullopt;
  if (s.resource_type != "states") return std::nullopt;
  std::string_view a = s.resource_action;
  if (!a.starts_with(kAction)) return std::nullopt;
  std::string_view suffix = a.substr(kAction.size());
  if (suffix.empty()) return NestedMode::kRequestResponse;
  if (suffix == ".sync") return NestedMode::kSync;
  if (suffix == ".sync:2") return NestedMode::kSync2;
  if (suffix == ".waitForTaskToken") return NestedMode::kWaitForTaskToken;
  return std::nullopt;
}

std::string_view nested_mode_name(NestedMode mode) {
  switch (mode) {
    case NestedMode::kRequestResponse:
      return "rr";
    case NestedMode::kSync:
      return "sync";
    case NestedMode::kSync2:
      return "sync2";
    case NestedMode::kWaitForTaskToken:
      return "token";
  }
  return "rr";
}

std::optional<NestedMode> nested_mode_from_name(std::string_view name) {
  for (NestedMode m :
       {NestedMode::kRequestResponse, NestedMode::kSync, NestedMode::kSync2, NestedMode::kWaitForTaskToken})
    if (nested_mode_name(m) == name) return m;
  return std::nullopt;
}

Result<NestedRequest, TaskResult> read_nested_request(const Value& params) {
  auto bad = [](std::string what) {
    return TaskResult::failure(
        "States.Runtime",
        "The Parameters of a states:startExecution Task are not a valid request: " + std::move(what));
  };
  if (!params.is_object()) return bad("they must be a JSON object");
  NestedRequest r;
  const Value* arn = params.find("StateMachineArn");
  if (!arn || !arn->is_string() || arn->as_string().empty())
    return bad("StateMachineArn must be a non-empty string");
  r.state_machine_arn = std::string(arn->as_string());
  if (const Value* name = params.find("Name"); name && !name->is_null()) {
    if (!name->is_string() || name->as_string().empty()) return bad("Name must be a non-empty string");
    r.name = std::string(name->as_string());
  }
  const Value* input = params.find("Input");
  if (!input || input->is_null()) {
    r.input_text = "{}";
  } else if (input->is_string()) {
    // JSON text (e.g. from States.JsonToString) is the input itself; other text is a string.
    std::string_view text = input->as_string();
    r.input_text = json::parse_json(text).ok() ? std::string(text) : input->dump();
  } else {
    r.input_text = input->dump();
  }
  for (const json::Member& m : params.members()) {
    std::string_view k = m.name();
    if (k != "StateMachineArn" && k != "Input" && k != "Name")
      return bad("the field '" + std::string(k) + "' is not supported (StateMachineArn, Input, Name)");
  }
  return r;
}

std::string derived_child_name(std::string_view parent_execution_arn, uint64_t task_id) {
  std::string text(parent_execution_arn);
  text += '#';
  text += std::to_string(task_id);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  uint64_t hi = 0, lo = 0;
  std::memcpy(&hi, md, 8);
  std::memcpy(&lo, md + 8, 8);
  return json::uuid_v4(hi, lo);
}

Value start_execution_response(std::string_view execution_arn, int64_t start_ms) {
  ObjectBuilder b(2);
  b.add("ExecutionArn", Value::string(execution_arn));
  b.add("StartDate", Value::integer(start_ms));
  return std::move(b).build();
}

Value describe_child(const store::ExecutionRow& child, NestedMode mode) {
  const Value& doc = child.doc;
  bool succeeded = child.status == "SUCCEEDED";
  ObjectBuilder b(18);
  // Alphabetical, as AWS serialises this response.
  if (const Value* c = string_member(doc, "cause")) b.add("Cause", *c);
  if (const Value* e = string_member(doc, "error")) b.add("Error", *e);
  b.add("ExecutionArn", Value::string(child.arn));
  const Value* in = string_member(doc, "input");
  b.add("Input", payload(in ? in->as_string() : std::string_view("{}"), mode));
  b.add("InputDetails", included());
  b.add("Name", Value::string(child.name));
  if (succeeded) {
    const Value* out = string_member(doc, "output");
    b.add("Output", payload(out ? out->as_string() : std::string_view("null"), mode));
    b.add("OutputDetails", included());
  }
  b.add("RedriveCount", Value::integer(child.redrive_count));
  b.add("RedriveStatus", Value::string(succeeded ? "NOT_REDRIVABLE" : "REDRIVABLE"));
  if (succeeded) b.add("RedriveStatusReason", Value::string("Execution is SUCCEEDED and cannot be redriven"));
  b.add("StartDate", Value::integer(child.start_ms));
  if (!child.alias_arn.empty()) b.add("StateMachineAliasArn", Value::string(child.alias_arn));
  b.add("StateMachineArn", Value::string(child.state_machine_arn));
  if (!child.version_arn.empty()) b.add("StateMachineVersionArn", Value::string(child.version_arn));
  b.add("Status", Value::string(child.status));
  if (child.stop_ms) b.add("StopDate", Value::integer(child.stop_ms));
  return std::move(b).build();
}

TaskResult child_result(const store::ExecutionRow& child, NestedMode mode) {
  Value described = describe_child(child, mode);
  if (child.status == "SUCCEEDED") return TaskResult::success(std::move(described));
  return TaskResult::failure("States.TaskFailed", described.dump());
}

TaskResult start_refused(std::string_view code, std::string_view message, std::string_view request_id) {
  std::string error = "StepFunctions.";
  error += code;
  if (!code.ends_with("Exception")) error += "Exception";
  std::string cause(message);
  cause += " (Service: AWSStepFunctions; Status Code: 400; Error Code: ";
  cause += code;
  cause += "; Request ID: ";
  cause += request_id;
  cause += "; Proxy: null)";
  return TaskResult::failure(std::move(error), std::move(cause));
}

std::string managing_task_aborted_cause(std::string_view parent_execution_arn) {
  std::string cause = "The Task state in AWS Step Functions execution [";
  cause += parent_execution_arn;
  cause += "] which was managing this resource was aborted";
  return cause;
}

}  // namespace sg::engine
