// Notifier: delivers published messages to every channel of their topic
// (notification_channels.h), asynchronously, with retries. The one delivery path for
// `sns:publish` tasks and the guardian's alarm actions.
//
// publish() checks the topic, stamps a MessageId (UUID) and Timestamp, queues one delivery
// per channel and returns the MessageId at once; background workers deliver:
//   webhook  POST of the SNS notification JSON (notification_channels_message.h) with
//            SNS's headers: Content-Type: text/plain; charset=UTF-8,
//            x-amz-sns-message-type: Notification, x-amz-sns-message-id,
//            x-amz-sns-topic-arn, x-amz-sns-subscription-arn,
//            User-Agent: Amazon Simple Notification Service Agent, then the channel's
//            own headers. Success: any 2xx. A 4xx other than 408 and 429 is permanent
//            (the receiver rejected the message): no retry.
//   command  /bin/sh -c COMMAND with the JSON (and a newline) on stdin. Success: exit 0.
//   file     one JSON line appended (O_APPEND, one write(2) per line; fsync when
//            configured). The file is created (0644) when missing.
// A failed attempt is retried per DeliveryPolicy: by default 6 attempts in all, the first
// two retries at once, then after 1 s, 2 s, 4 s (doubling, at most 20 s). Every failed
// attempt is logged (common/log.h, warn; the last one error) and counted; targets are
// logged without secrets (Channel::describe()).
//
// Time comes from a NotifierClock: the system clock in production, VirtualNotifierClock in
// tests, where waiting for a retry moves virtual time forward at once, so backoff is tested
// without sleeping. Thread-safe. The destructor stops the workers after the attempts in
// progress; deliveries still queued are dropped (logged, counted as failed).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.h"
#include "integrations/notification_channels.h"
#include "integrations/notification_channels_message.h"

namespace sg::integrations {

class NotifierClock {
 public:
  static constexpr int64_t kForever = INT64_MAX;
  virtual ~NotifierClock() = default;
  virtual int64_t now_ms() = 0;
  // Blocks on cv (lock held by the caller) until deadline_ms, a notification or a spurious
  // wake-up; the caller re-checks its condition.
  virtual void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                          int64_t deadline_ms) = 0;
};

// The wall clock (epoch milliseconds) and real waiting.
std::shared_ptr<NotifierClock> system_notifier_clock();

// Virtual time for tests: starts at `start_ms`; a wait with a deadline moves time to the
// deadline and returns at once; a wait without one blocks until notified.
class VirtualNotifierClock final : public NotifierClock {
 public:
  explicit VirtualNotifierClock(int64_t start_ms = 0) : now_(start_ms) {}
  int64_t now_ms() override { return now_.load(); }
  void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                  int64_t deadline_ms) override {
    if (deadline_ms == kForever) {
      cv.wait(lock);
      return;
    }
    if (deadline_ms > now_.load()) now_.store(deadline_ms);
  }
  void advance(int64_t ms) { now_ += ms; }

 private:
  std::atomic<int64_t> now_;
};

struct DeliveryPolicy {
  int max_attempts = 6;         // in all, the first included
  int immediate_retries = 2;    // retries sent at once
  int64_t min_delay_ms = 1000;  // the first delayed retry
  int64_t max_delay_ms = 20000;
  double backoff_rate = 2.0;

  // Delay before attempt number `attempt` (2, 3, ...).
  int64_t delay_before(int attempt) const;
};

struct ChannelStats {
  uint64_t delivered = 0;  // messages delivered
  uint64_t failed = 0;     // messages given up on (attempts exhausted, permanent error, dropped)
  uint64_t retried = 0;    // retry attempts made
};

struct NotifierStats {
  ChannelStats webhook, command, file;
  const ChannelStats& of(Channel::Kind kind) const;
};

// One delivery attempt, reported to NotifierOptions::on_attempt (tests, metrics).
struct DeliveryAttempt {
  std::string topic_arn;
  std::string message_id;
  Channel::Kind kind = Channel::Kind::kWebhook;
  std::string target;  // Channel::describe()
  int attempt = 1;     // 1 for the first
  int64_t at_ms = 0;   // when it started (NotifierClock time)
  bool ok = false;
  bool final = false;  // no further attempt follows
  std::string error;   // when !ok
};

struct NotifierOptions {
  DeliveryPolicy policy;
  int workers = 2;
  size_t max_pending = 10000;                              // queued deliveries beyond this are dropped
  std::shared_ptr<NotifierClock> clock;                    // null: system_notifier_clock()
  std::function<void(const DeliveryAttempt&)> on_attempt;  // called on a worker thread
};

class Notifier {
 public:
  explicit Notifier(std::shared_ptr<const Topics> topics, NotifierOptions options = {});
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Queues the message for every channel of topic_arn; returns its MessageId. Error
  // {"NOT_FOUND", "Topic does not exist"} when the topic is not configured.
  Result<std::string> publish(std::string_view topic_arn, std::optional<std::string> subject,
                              std::string message, std::vector<MessageAttribute> attributes = {});
  // The full form (MessageStructure, a MessageId chosen by the caller); message_id and
  // timestamp_ms are filled when empty / zero.
  Result<std::string> publish(Notification notification);

  bool has_topic(std::string_view topic_arn) const;
  // Replaces the configuration (SIGHUP); deliveries already queued keep their channels.
  void set_topics(std::shared_ptr<const Topics> topics);

  NotifierStats stats() const;
  // Blocks until nothing is queued or being delivered, or timeout_ms (real time) passes;
  // true when idle.
  bool wait_idle(int64_t timeout_ms);

 private:
  struct Delivery {
    std::shared_ptr<const Notification> notification;
    Channel channel;
    std::string subscription_arn;
    int attempt = 1;
  };
  struct Outcome {
    bool ok = false;
    bool permanent = false;
    std::string error;
  };
  void work();
  Outcome deliver(const Delivery& d);
  ChannelStats& stats_of(Channel::Kind kind);  // mu_ held

  NotifierOptions options_;
  std::shared_ptr<NotifierClock> clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;                                   // work arrived, or stopping
  std::condition_variable idle_cv_;                              // a delivery finished
  std::shared_ptr<const Topics> topics_;                         // guarded by mu_
  std::multimap<std::pair<int64_t, uint64_t>, Delivery> queue_;  // by (due, sequence); guarded by mu_
  uint64_t sequence_ = 0;                                        // guarded by mu_
  int in_flight_ = 0;                                            // guarded by mu_
  bool stopping_ = false;                                        // guarded by mu_
  NotifierStats stats_;                                          // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace sg::integrations
