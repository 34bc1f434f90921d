// Shapes of integration responses, for checking mocked results (fieldValidationMode
// STRICT and PRESENT), in AWS's wording:
//   "Mock result schema validation error: Required field 'ExecutionArn' is missing"
//   "Mock result schema validation error: Field 'StatusCode' must be a number"
//   "Mock result schema validation error: Field 'Status' is not an expected value"
// Members use the casing Step Functions gives the service's response (PascalCase). Fields
// the shape does not know are accepted (AWS-observed: a mock with unknown fields passes).
//
// Only a few integrations are described here (Lambda invoke, Step Functions
// startExecution and its .sync forms, SQS sendMessage, SNS publish, EventBridge
// putEvents); any other resource's mock is taken as given, as NONE would.
#include <map>
#include <memory>
#include <vector>

#include "api/test_state_internal.h"

namespace sg::api::test_state_detail {
namespace {

using json::Value;

struct Shape;

// A member of an object shape (a separate type so that Shape can hold members of its own
// type).
struct Field {
  Field(std::string n, Shape s);
  std::string name;
  std::shared_ptr<const Shape> shape;
};

struct Shape {
  enum class Kind : uint8_t { kAny, kString, kNumber, kInteger, kBoolean, kList, kObject } kind = Kind::kAny;
  std::vector<Field> members;            // kObject
  std::vector<std::string> required;     // kObject
  std::vector<std::string> enum_values;  // kString
  std::shared_ptr<const Shape> element;  // kList
};

Field::Field(std::string n, Shape s)
    : name(std::move(n)), shape(std::make_shared<const Shape>(std::move(s))) {}

Shape of(Shape::Kind k) {
  Shape s;
  s.kind = k;
  return s;
}
Shape str() { return of(Shape::Kind::kString); }
Shape integer() { return of(Shape::Kind::kInteger); }
Shape any() { return of(Shape::Kind::kAny); }
Shape enumeration(std::vector<std::string> values) {
  Shape s = str();
  s.enum_values = std::move(values);
  return s;
}
Shape list_of(Shape element) {
  Shape s = of(Shape::Kind::kList);
  s.element = std::make_shared<const Shape>(std::move(element));
  return s;
}
Shape object(std::vector<Field> members, std::vector<std::string> required = {}) {
  Shape s = of(Shape::Kind::kObject);
  s.members = std::move(members);
  s.required = std::move(required);
  return s;
}

// DescribeExecution, which the .sync forms of startExecution poll; `output` is a string
// for .sync and JSON for .sync:2.
Shape describe_execution(Shape output) {
  return object(
      {{"ExecutionArn", str()},
       {"StateMachineArn", str()},
       {"Name", str()},
       {"Status", enumeration({"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"})},
       {"StartDate", str()},
       {"StopDate", str()},
       {"Input", str()},
       {"Output", std::move(output)},
       {"Error", str()},
       {"Cause", str()}},
      {"ExecutionArn", "StateMachineArn", "Status", "StartDate"});
}

// Keyed by "<service>:<action>" as the loader splits a service ARN.
const std::map<std::string, Shape, std::less<>>& shapes() {
  static const std::map<std::string, Shape, std::less<>> table{
      {"lambda:invoke", object({{"StatusCode", integer()},
                                {"FunctionError", str()},
                                {"LogResult", str()},
                                {"Payload", any()},
                                {"ExecutedVersion", str()}})},
      {"states:startExecution",
       object({{"ExecutionArn", str()}, {"StartDate", str()}}, {"ExecutionArn", "StartDate"})},
      {"states:startExecution.sync", describe_execution(str())},
      {"states:startExecution.sync:2", describe_execution(any())},
      {"sqs:sendMessage", object({{"MD5OfMessageBody", str()},
                                  {"MD5OfMessageAttributes", str()},
                                  {"MD5OfMessageSystemAttributes", str()},
                                  {"MessageId", str()},
                                  {"SequenceNumber", str()}})},
      {"sns:publish", object({{"MessageId", str()}, {"SequenceNumber", str()}})},
      {"events:putEvents",
       object({{"FailedEntryCount", integer()},
               {"Entries",
                list_of(object({{"EventId", str()}, {"ErrorCode", str()}, {"ErrorMessage", str()}}))}})},
  };
  return table;
}

std::string problem(std::string_view text) {
  std::string m("Mock result schema validation error: ");
  m.append(text);
  return m;
}

std::string field_must_be(std::string_view field, std::string_view what) {
  std::string t("Field '");
  t.append(field).append("' must be ").append(what);
  return problem(t);
}

// Walks the mock along the shape; `field` is the member name messages show.
std::optional<std::string> check(const Shape& shape, const Value& v, std::string_view field, bool strict) {
  switch (shape.kind) {
    case Shape::Kind::kAny:
      return std::nullopt;
    case Shape::Kind::kString:
      if (!v.is_string()) return field_must_be(field, "a string");
      if (!shape.enum_values.empty()) {
        for (const std::string& e : shape.enum_values)
          if (v.as_string() == e) return std::nullopt;
        std::string t("Field '");
        t.append(field).append("' is not an expected value");
        return problem(t);
      }
      return std::nullopt;
    case Shape::Kind::kInteger: {
      int64_t n;
      if (!v.is_number() || !v.integral_value(&n)) return field_must_be(field, "a number");
      return std::nullopt;
    }
    case Shape::Kind::kNumber:
      if (!v.is_number()) return field_must_be(field, "a number");
      return std::nullopt;
    case Shape::Kind::kBoolean:
      if (!v.is_bool()) return field_must_be(field, "a boolean");
      return std::nullopt;
    case Shape::Kind::kList:
      if (!v.is_array()) return field_must_be(field, "an array");
      for (const Value& item : v.items())
        if (auto p = check(*shape.element, item, field, strict)) return p;
      return std::nullopt;
    case Shape::Kind::kObject:
      if (!v.is_object()) {
        if (field.empty()) return std::string("Mocked result must be a JSON object.");
        return field_must_be(field, "an object");
      }
      if (strict) {
        for (const std::string& r : shape.required) {
          if (!v.find(r)) {
            std::string t("Required field '");
            t.append(r).append("' is missing");
            return problem(t);
          }
        }
      }
      for (const json::Member& m : v.members()) {
        for (const Field& f : shape.members) {
          if (f.name != m.name()) continue;
          if (auto p = check(*f.shape, m.value, f.name, strict)) return p;
          break;
        }
      }
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_mock_shape(const asl::State& task, const json::Value& result, bool strict) {
  if (task.task_kind != asl::TaskKind::kService || result.is_null()) return std::nullopt;
  std::string key(task.resource_type);
  key.append(":").append(task.resource_action);
  auto it = shapes().find(key);
  if (it == shapes().end()) return std::nullopt;
  return check(it->second, result, "", strict);
}

}  // namespace sg::api::test_state_detail
