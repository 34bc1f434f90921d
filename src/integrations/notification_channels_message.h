// The body every channel receives: SNS's HTTP/HTTPS notification JSON, built from one
// published message. Pure.
//
//   {"Type":"Notification","MessageId":"<uuid>","TopicArn":"arn:aws:sns:...:alerts",
//    "Subject":"...",                      (only when the publisher gave one)
//    "Message":"...","Timestamp":"2026-11-21T10:00:00.123Z",
//    "SignatureVersion":"1","Signature":"<base64>",
//    "SigningCertURL":"https://sns.<region>.amazonaws.com/SimpleNotificationService-stepguard-unsigned.pem",
//    "UnsubscribeURL":"https://sns.<region>.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=<arn>",
//    "MessageAttributes":{"Name":{"Type":"String","Value":"..."}}   (only when given)}
//
// Field order follows SNS's. stepguard holds no SNS signing key: Signature is a fixed
// placeholder and SigningCertURL names no real certificate, so receivers must not verify
// signatures when pointed at stepguard (SNS receivers usually make that switchable).
// The subscription ARN of a channel is the topic ARN plus a UUID derived from the topic,
// the channel's position and its target, so it is stable across restarts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sg::integrations {

struct MessageAttribute {
  std::string name;
  std::string type;   // DataType: String, Number, Binary, String.Array, ...
  std::string value;  // StringValue, or BinaryValue (base64) for Binary
};

struct Notification {
  std::string topic_arn;
  std::optional<std::string> subject;
  std::string message;  // the default message
  // MessageStructure=json: per-protocol messages ("http", "https", "default", ...); a
  // webhook takes its scheme's entry, other channels "default" (= message).
  std::vector<std::pair<std::string, std::string>> protocol_messages;
  std::vector<MessageAttribute> attributes;
  std::string message_id;  // a UUID (filled by Notifier::publish when empty)
  int64_t timestamp_ms = 0;
};

constexpr std::string_view kUnsignedSignature = "c3RlcGd1YXJkIGRvZXMgbm90IHNpZ24gbm90aWZpY2F0aW9ucw==";

// The message a channel of this protocol ("http", "https", "default") receives.
const std::string& message_for_protocol(const Notification& n, std::string_view protocol);

// The notification JSON (compact) for one subscription.
std::string sns_notification_json(const Notification& n, std::string_view subscription_arn,
                                  std::string_view protocol);

// topic_arn + ":" + a UUID derived from (topic_arn, index, target).
std::string subscription_arn_for(std::string_view topic_arn, size_t index, std::string_view target);

// The region field of an ARN ("us-east-1"), or "us-east-1" when the ARN has none.
std::string_view arn_region(std::string_view arn);

}  // namespace sg::integrations
