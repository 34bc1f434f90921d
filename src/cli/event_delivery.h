// DeliveryQueue: what happens to a rule target's delivery after PutEvents answered —
// attempts, retries with backoff, the dead-letter file, and the counters /metrics shows.
//
// The queue holds no clock and performs nothing itself: the host (events_runtime.h) asks
// for the jobs due at its time (take_due), performs each (start an execution, resume a
// waiting task, POST a webhook) and reports the outcome (report). So retries run in
// virtual time in tests and on the service loop's clock in the server.
//
// Retry policy, per target (its RetryPolicy, as PutTargets accepts it):
//   MaximumRetryAttempts (default 185, AWS's) and MaximumEventAgeInSeconds (default 86400)
//   bound the retries; the delay before retry n (1-based) is
//   min(base * 2^(n-1), cap) * time_scale (base 1 s, cap 60 s by default). A permanent
//   failure (e.g. the state machine does not exist, a 4xx webhook answer) is not retried.
//   When a job is given up, one JSON line goes to the dead-letter sink with AWS's DLQ
//   attributes: RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION
//   (MaximumRetryAttempts | MaximumEventAgeInSeconds, absent for a permanent failure),
//   RETRY_ATTEMPTS, plus the event and the rendered input.
//
// Counters: delivered, failed (attempts that failed), retried, dead_lettered.
//
// Not thread-safe: one thread (the service loop's) uses a queue. Counters may be read
// from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "events/event_bus_service.h"

namespace sg::cli {

struct DeliveryOptions {
  int64_t base_delay_ms = 1000;
  int64_t max_delay_ms = 60000;
  double time_scale = 1.0;
  int default_max_retries = 185;
  int64_t default_max_age_s = 86400;
};

struct DeliveryJob {
  uint64_t id = 0;
  events::Delivery delivery;
  int attempts = 0;  // attempts made so far
  int64_t first_ms = 0;
  int64_t due_ms = 0;
};

struct DeliveryOutcome {
  enum class Kind { kDelivered, kRetryable, kPermanent };
  Kind kind = Kind::kDelivered;
  std::string error_code;  // e.g. NO_RESOURCE, THROTTLING, TIMEOUT, SDK_CLIENT_ERROR
  std::string message;
  static DeliveryOutcome ok() { return {}; }
  static DeliveryOutcome retryable(std::string code, std::string m) {
    return {Kind::kRetryable, std::move(code), std::move(m)};
  }
  static DeliveryOutcome permanent(std::string code, std::string m) {
    return {Kind::kPermanent, std::move(code), std::move(m)};
  }
};

struct DeliveryCounters {
  std::atomic<uint64_t> delivered{0};
  std::atomic<uint64_t> failed{0};
  std::atomic<uint64_t> retried{0};
  std::atomic<uint64_t> dead_lettered{0};
};

class DeliveryQueue {
 public:
  // `dead_letter` receives one JSON line (no newline) per job given up.
  DeliveryQueue(DeliveryOptions options, std::function<void(const std::string&)> dead_letter)
      : options_(options), dead_letter_(std::move(dead_letter)) {}

  // Queues a delivery due at once.
  void submit(events::Delivery d, int64_t now_ms);
  // Removes and returns the jobs due at `now_ms`, oldest first.
  std::vector<DeliveryJob> take_due(int64_t now_ms);
  // The outcome of an attempt of `job` (as take_due returned it).
  void report(DeliveryJob job, const DeliveryOutcome& outcome, int64_t now_ms);
  std::optional<int64_t> next_due() const;
  size_t pending() const { return jobs_.size(); }
  const DeliveryCounters& counters() const { return counters_; }

 private:
  void give_up(const DeliveryJob& job, const DeliveryOutcome& outcome, const char* exhausted);

  DeliveryOptions options_;
  std::function<void(const std::string&)> dead_letter_;
  std::multimap<int64_t, DeliveryJob> jobs_;  // by due time
  uint64_t next_id_ = 1;
  DeliveryCounters counters_;
};

}  // namespace sg::cli
