#include "integrations/notification_channels_message.h"

#include "json/timestamp.h"
#include "json/uuid.h"
#include "json/value.h"

namespace sg::integrations {

namespace {

uint64_t fnv1a(std::string_view s, uint64_t seed) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

void add_string(std::string& out, std::string_view key, std::string_view value, bool first = false) {
  if (!first) out += ',';
  json::append_json_string(key, out);
  out += ':';
  json::append_json_string(value, out);
}

}  // namespace

std::string_view arn_region(std::string_view arn) {
  // arn:PARTITION:SERVICE:REGION:...
  size_t p = 0;
  for (int i = 0; i < 3; ++i) {
    p = arn.find(':', p);
    if (p == std::string_view::npos) return "us-east-1";
    ++p;
  }
  size_t end = arn.find(':', p);
  if (end == std::string_view::npos || end == p) return "us-east-1";
  return arn.substr(p, end - p);
}

const std::string& message_for_protocol(const Notification& n, std::string_view protocol) {
  for (const auto& [k, v] : n.protocol_messages)
    if (k == protocol) return v;
  return n.message;
}

std::string subscription_arn_for(std::string_view topic_arn, size_t index, std::string_view target) {
  std::string key(topic_arn);
  key += '\n';
  key += std::to_string(index);
  key += '\n';
  key += target;
  std::string out(topic_arn);
  out += ':';
  out += json::uuid_v4(fnv1a(key, 0), fnv1a(key, 0x9e3779b97f4a7c15ull));
  return out;
}

std::string sns_notification_json(const Notification& n, std::string_view subscription_arn,
                                  std::string_view protocol) {
  std::string region(arn_region(n.topic_arn));
  std::string out = "{";
  add_string(out, "Type", "Notification", true);
  add_string(out, "MessageId", n.message_id);
  add_string(out, "TopicArn", n.topic_arn);
  if (n.subject) add_string(out, "Subject", *n.subject);
  add_string(out, "Message", message_for_protocol(n, protocol));
  add_string(out, "Timestamp", json::format_iso8601_ms(n.timestamp_ms));
  add_string(out, "SignatureVersion", "1");
  add_string(out, "Signature", kUnsignedSignature);
  std::string cert = "https://sns.";
  cert += region;
  cert += ".amazonaws.com/SimpleNotificationService-stepguard-unsigned.pem";
  add_string(out, "SigningCertURL", cert);
  std::string unsubscribe = "https://sns.";
  unsubscribe += region;
  unsubscribe += ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn=";
  unsubscribe += subscription_arn;
  add_string(out, "UnsubscribeURL", unsubscribe);
  if (!n.attributes.empty()) {
    out += ",\"MessageAttributes\":{";
    bool first = true;
    for (const MessageAttribute& a : n.attributes) {
      if (!first) out += ',';
      first = false;
      json::append_json_string(a.name, out);
      out += ":{";
      add_string(out, "Type", a.type, true);
      add_string(out, "Value", a.value);
      out += '}';
    }
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace sg::integrations
