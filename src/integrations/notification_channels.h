// Notification channels: where a message published to an SNS topic ARN goes, as the
// `topics:` section of the config file lists them (the local stand-in for SNS
// subscriptions). Used by `arn:aws:states:::sns:publish` (sns_publish.h) and, later, by
// the guardian's alarm actions, through the Notifier (notification_channels_notifier.h).
//
//   topics:
//     arn:aws:sns:us-east-1:123456789012:ops-alerts:
//       - webhook: http://127.0.0.1:9000/sns          # POSTs SNS's HTTP notification JSON
//         headers: {X-Token: abc}                      # optional, added to every POST
//         timeout_seconds: 10                          # optional (default 10)
//       - command: ./scripts/page-oncall.sh            # /bin/sh -c, the JSON on stdin
//         timeout_seconds: 30                          # optional (default 30)
//       - file: ./notifications/ops-alerts.jsonl       # appends one JSON line
//         fsync: true                                  # optional (default false)
//     arn:aws:sns:us-east-1:123456789012:quiet: []     # a topic with no channels
//
// Each channel is a mapping with exactly one of webhook, command or file, plus that
// kind's options; unknown keys, options of another kind, bad values, a topic ARN that is
// not arn:PARTITION:sns:REGION:ACCOUNT:NAME or a topic given twice are errors (code
// "INVALID_CONFIG") naming the file, line, column and key path
// ("stepguard.yaml:9:11: topics.<arn>[1].timeout_seconds must be a positive integer").
// A relative file path is taken from the config file's folder.
//
// parse_topics() is pure apart from resolving that folder (no file is touched). A Topics
// value is immutable and thread-safe to read.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace sg::integrations {

struct Channel {
  enum class Kind { kWebhook, kCommand, kFile };
  static constexpr int64_t kDefaultWebhookTimeoutMs = 10 * 1000;
  static constexpr int64_t kDefaultCommandTimeoutMs = 30 * 1000;

  Kind kind = Kind::kWebhook;
  std::string target;                                        // the URL, the command, or the file path
  std::vector<std::pair<std::string, std::string>> headers;  // webhook only
  int64_t timeout_ms = 0;                                    // webhook, command
  bool fsync = false;                                        // file only

  // "webhook", "command" or "file".
  std::string_view kind_name() const;
  // The target without secrets for logs: a URL without user info and query, a command's
  // first word, a file path.
  std::string describe() const;
};

class Topics {
 public:
  Topics() = default;
  explicit Topics(std::map<std::string, std::vector<Channel>, std::less<>> by_arn)
      : by_arn_(std::move(by_arn)) {}

  // The channels of this topic ARN, or nullptr when the topic is not configured.
  const std::vector<Channel>* find(std::string_view topic_arn) const {
    auto it = by_arn_.find(topic_arn);
    return it == by_arn_.end() ? nullptr : &it->second;
  }
  size_t size() const { return by_arn_.size(); }
  const std::map<std::string, std::vector<Channel>, std::less<>>& all() const { return by_arn_; }

 private:
  std::map<std::string, std::vector<Channel>, std::less<>> by_arn_;
};

// Reads the value of the `topics:` key (a mapping of topic ARNs to lists of channels; null
// or undefined gives no topics). `file` names the config file in messages and anchors
// relative file paths.
Result<Topics> parse_topics(const YAML::Node& node, const std::string& file);

// True for arn:PARTITION:sns:REGION:ACCOUNT:NAME.
bool is_topic_arn(std::string_view arn);

}  // namespace sg::integrations
