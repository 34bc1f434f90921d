#include "integrations/sns_publish.h"

#include <chrono>

#include "integrations/lambda_response.h"
#include "json/parse.h"

namespace sg::integrations {

namespace {

using engine::TaskResult;

constexpr size_t kMaxSubjectChars = 100;

std::string sns_cause(std::string_view message, int status, std::string_view code,
                      std::string_view request_id) {
  std::string out(message);
  out += " (Service: AmazonSNS; Status Code: ";
  out += std::to_string(status);
  out += "; Error Code: ";
  out += code;
  out += "; Request ID: ";
  out += request_id;
  out += "; Proxy: null)";
  return out;
}

TaskResult invalid_parameter(std::string_view message, std::string_view request_id) {
  return TaskResult::failure("SNS.InvalidParameterException",
                             sns_cause(message, 400, "InvalidParameter", request_id));
}

TaskResult invalid_value(std::string_view message, std::string_view request_id) {
  return TaskResult::failure("SNS.InvalidParameterValueException",
                             sns_cause(message, 400, "ParameterValueInvalid", request_id));
}

// The XML body SNS answers a Publish with; only its length shows (Content-Length).
size_t publish_response_length(std::string_view message_id, std::string_view request_id, bool fifo) {
  std::string xml =
      "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n  <PublishResult>\n";
  xml += "    <MessageId>";
  xml += message_id;
  xml += "</MessageId>\n";
  if (fifo) xml += "    <SequenceNumber>10000000000000000000</SequenceNumber>\n";
  xml += "  </PublishResult>\n  <ResponseMetadata>\n    <RequestId>";
  xml += request_id;
  xml += "</RequestId>\n  </ResponseMetadata>\n</PublishResponse>\n";
  return xml.size();
}

json::Value one(json::Value v) { return json::Value::array({std::move(v)}); }

}  // namespace

SnsResourceKind classify_sns_resource(std::string_view resource) {
  if (!resource.starts_with("arn:")) return SnsResourceKind::kOther;
  size_t colon = resource.find(':', 4);
  if (colon == std::string_view::npos) return SnsResourceKind::kOther;
  std::string_view rest = resource.substr(colon);
  if (rest == ":states:::sns:publish") return SnsResourceKind::kPublish;
  if (rest == ":states:::sns:publish.waitForTaskToken") return SnsResourceKind::kPublishWaitForTaskToken;
  return SnsResourceKind::kOther;
}

SnsPublishExecutor::SnsPublishExecutor(std::shared_ptr<Notifier> notifier, SnsPublishOptions options)
    : notifier_(std::move(notifier)), options_(std::move(options)) {}

std::string SnsPublishExecutor::request_id() const {
  return options_.new_request_id ? options_.new_request_id() : random_request_id();
}

int64_t SnsPublishExecutor::now_ms() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TaskResult SnsPublishExecutor::invoke(const engine::TaskRequest& request) {
  if (request.is_withdrawn()) return withdrawn_result();
  if (classify_sns_resource(request.resource) == SnsResourceKind::kOther) {
    return TaskResult::failure("States.Runtime", "The SNS executor has no integration for resource '" +
                                                     std::string(request.resource) + "'");
  }
  if (classify_sns_resource(request.resource) == SnsResourceKind::kPublishWaitForTaskToken &&
      !options_.invoke_callback_tasks) {
    return TaskResult::failure("States.Runtime",
                               options_.host + " cannot run resource '" + std::string(request.resource) +
                                   "': a .waitForTaskToken task completes only when SendTaskSuccess or "
                                   "SendTaskFailure is called with its task token, which needs the stepguard "
                                   "server; use 'arn:aws:states:::sns:publish' to publish without waiting");
  }
  const std::string rid = request_id();
  const json::Value& p = request.parameters;
  if (!p.is_object())
    return TaskResult::failure("States.Runtime", "The sns:publish Parameters must be an object");
  for (const json::Member& m : p.members()) {
    std::string_view k = m.name();
    if (k != "TopicArn" && k != "TargetArn" && k != "Message" && k != "Subject" && k != "MessageAttributes" &&
        k != "MessageStructure" && k != "MessageGroupId" && k != "MessageDeduplicationId" &&
        k != "PhoneNumber") {
      return TaskResult::failure(
          "States.Runtime",
          "The field '" + std::string(k) + "' is not supported by Step Functions for sns:publish");
    }
  }
  auto text = [&](const char* name) -> const json::Value* {
    const json::Value* v = p.find(name);
    return v && !v->is_null() ? v : nullptr;
  };

  // Target.
  const json::Value* topic = text("TopicArn");
  const json::Value* target = text("TargetArn");
  if (topic && target) {
    return invalid_parameter("Invalid parameter: TopicArn or TargetArn Reason: Only one of them may be given",
                             rid);
  }
  const json::Value* arn_value = topic ? topic : target;
  bool sms_only = !arn_value && text("PhoneNumber");
  if (!arn_value && !sms_only)
    return invalid_parameter(
        "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter", rid);
  std::string arn = arn_value && arn_value->is_string() ? std::string(arn_value->as_string()) : std::string();
  if (arn_value && !is_topic_arn(arn))
    return invalid_parameter(topic ? "Invalid parameter: TopicArn" : "Invalid parameter: TargetArn", rid);

  // Message.
  const json::Value* message = text("Message");
  if (!message) return invalid_parameter("Invalid parameter: Empty message", rid);
  Notification n;
  n.topic_arn = arn;
  n.message = message->is_string() ? std::string(message->as_string()) : message->dump();
  if (n.message.empty()) return invalid_parameter("Invalid parameter: Empty message", rid);
  if (const json::Value* ms = text("MessageStructure")) {
    if (!ms->is_string() || ms->as_string() != "json")
      return invalid_parameter("Invalid parameter: MessageStructure", rid);
    json::Value doc = *message;
    if (message->is_string()) {
      auto parsed = json::parse_json(message->as_string());
      if (!parsed || !parsed->is_object())
        return invalid_parameter("Invalid parameter: Message Structure - JSON message body failed to parse",
                                 rid);
      doc = std::move(parsed).value();
    }
    if (!doc.is_object())
      return invalid_parameter("Invalid parameter: Message Structure - JSON message body failed to parse",
                               rid);
    const json::Value* def = doc.find("default");
    if (!def)
      return invalid_parameter("Invalid parameter: Message Structure - No default entry in JSON message body",
                               rid);
    for (const json::Member& m : doc.members()) {
      std::string v = m.value.is_string() ? std::string(m.value.as_string()) : m.value.dump();
      if (m.name() == "default") n.message = v;
      n.protocol_messages.emplace_back(std::string(m.name()), std::move(v));
    }
  }

  // Subject.
  if (const json::Value* s = text("Subject")) {
    if (!s->is_string()) return invalid_parameter("Invalid parameter: Subject", rid);
    std::string_view subject = s->as_string();
    bool ok = !subject.empty() && subject.size() <= kMaxSubjectChars;
    for (char c : subject) ok = ok && c != '\n' && c != '\r';
    if (!ok) return invalid_parameter("Invalid parameter: Subject", rid);
    n.subject = std::string(subject);
  }

  // Attributes.
  if (const json::Value* attrs = text("MessageAttributes")) {
    if (!attrs->is_object()) return invalid_parameter("Invalid parameter: MessageAttributes", rid);
    for (const json::Member& m : attrs->members()) {
      std::string name(m.name());
      const json::Value* type = m.value.find("DataType");
      if (!type || !type->is_string() || type->as_string().empty()) {
        return invalid_value(
            "The message attribute '" + name + "' must contain a non-empty message attribute type.", rid);
      }
      std::string t(type->as_string());
      bool binary = t.starts_with("Binary");
      if (!binary && !t.starts_with("String") && !t.starts_with("Number")) {
        return invalid_value("The message attribute '" + name +
                                 "' has an invalid message attribute type, the set of supported type "
                                 "prefixes is Binary, Number, and String.",
                             rid);
      }
      const json::Value* v = m.value.find(binary ? "BinaryValue" : "StringValue");
      if (!v || !v->is_string() || v->as_string().empty()) {
        return invalid_value(
            "The message attribute '" + name +
                "' must contain non-empty message attribute value for message attribute type '" + t + "'.",
            rid);
      }
      n.attributes.push_back(MessageAttribute{name, t, std::string(v->as_string())});
    }
  }

  const bool fifo = arn.ends_with(".fifo");
  if (fifo && !text("MessageGroupId"))
    return invalid_parameter("Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
                             rid);

  // Publish (an SMS with no topic is answered, delivered nowhere).
  std::string message_id;
  if (sms_only) {
    message_id = random_request_id();
  } else {
    auto published = notifier_->publish(std::move(n));
    if (!published)
      return TaskResult::failure("SNS.NotFoundException",
                                 sns_cause("Topic does not exist", 404, "NotFound", rid));
    message_id = std::move(published).value();
  }

  const int64_t now = now_ms();
  const json::Value id = json::Value::string(rid);
  const json::Value length =
      json::Value::string(std::to_string(publish_response_length(message_id, rid, fifo)));
  const json::Value date = json::Value::string(format_http_date(now));
  const json::Value xml = json::Value::string(std::string_view("text/xml"));

  json::ObjectBuilder all(4);
  all.add("x-amzn-RequestId", one(id));
  all.add("Content-Length", one(length));
  all.add("Date", one(date));
  all.add("Content-Type", one(xml));
  json::ObjectBuilder headers(4);
  headers.add("Content-Length", length);
  headers.add("Content-Type", xml);
  headers.add("Date", date);
  headers.add("x-amzn-RequestId", id);
  json::ObjectBuilder http(3);
  http.add("AllHttpHeaders", std::move(all).build());
  http.add("HttpHeaders", std::move(headers).build());
  http.add("HttpStatusCode", json::Value::integer(200));
  json::ObjectBuilder sdk(1);
  sdk.add("RequestId", id);

  json::ObjectBuilder out(4);
  out.add("MessageId", json::Value::string(message_id));
  if (fifo) {
    // A 20-digit sequence number that grows with time, as SNS FIFO topics give.
    std::string seq = std::to_string(10000000000000000000ull + static_cast<uint64_t>(now) * 1000);
    out.add("SequenceNumber", json::Value::string(seq.substr(0, 20)));
  }
  out.add("SdkHttpMetadata", std::move(http).build());
  out.add("SdkResponseMetadata", std::move(sdk).build());
  return TaskResult::success(std::move(out).build());
}

}  // namespace sg::integrations
