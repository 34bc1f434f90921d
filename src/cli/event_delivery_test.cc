// DeliveryQueue in virtual time: retries back off, stop at the target's RetryPolicy, and
// what is given up lands in the dead-letter sink with AWS's DLQ attributes.
#include "cli/event_delivery.h"

#include <gtest/gtest.h>

#include "json/parse.h"

namespace sg::cli {
namespace {

events::Delivery delivery(std::string_view target) {
  events::Delivery d;
  d.rule_name = "r";
  d.rule_arn = "arn:aws:events:us-east-1:123456789012:rule/r";
  d.target = *json::parse_json(target);
  d.event = *json::parse_json(R"({"id":"e1","detail":{}})");
  d.input.text = "{}";
  return d;
}

TEST(DeliveryQueueTest, DeliveredAtOnce) {
  DeliveryQueue q({}, nullptr);
  q.submit(delivery(R"({"Id":"t","Arn":"http://x"})"), 1000);
  auto due = q.take_due(1000);
  ASSERT_EQ(due.size(), 1u);
  q.report(due[0], DeliveryOutcome::ok(), 1000);
  EXPECT_EQ(q.pending(), 0u);
  EXPECT_EQ(q.counters().delivered.load(), 1u);
}

TEST(DeliveryQueueTest, RetriesBackOffThenDeadLetter) {
  std::vector<std::string> dlq;
  DeliveryQueue q({}, [&](const std::string& line) { dlq.push_back(line); });
  q.submit(delivery(R"({"Id":"t","Arn":"http://x","RetryPolicy":{"MaximumRetryAttempts":3}})"), 0);
  std::vector<int64_t> attempts_at;
  int64_t now = 0;
  while (auto next = q.next_due()) {
    now = *next;
    for (DeliveryJob& j : q.take_due(now)) {
      attempts_at.push_back(now);
      q.report(std::move(j), DeliveryOutcome::retryable("SDK_CLIENT_ERROR", "connection refused"), now);
    }
  }
  // First attempt, then retries after 1 s, 2 s and 4 s.
  EXPECT_EQ(attempts_at, (std::vector<int64_t>{0, 1000, 3000, 7000}));
  EXPECT_EQ(q.counters().failed.load(), 4u);
  EXPECT_EQ(q.counters().retried.load(), 3u);
  EXPECT_EQ(q.counters().dead_lettered.load(), 1u);
  ASSERT_EQ(dlq.size(), 1u);
  auto line = json::parse_json(dlq[0]);
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->find("EXHAUSTED_RETRY_CONDITION")->as_string(), "MaximumRetryAttempts");
  EXPECT_EQ(line->find("RETRY_ATTEMPTS")->as_int(), 3);
  EXPECT_EQ(line->find("ERROR_CODE")->as_string(), "SDK_CLIENT_ERROR");
  EXPECT_EQ(line->find("RULE_ARN")->as_string(), "arn:aws:events:us-east-1:123456789012:rule/r");
  EXPECT_EQ(line->find("TARGET_ARN")->as_string(), "http://x");
}

TEST(DeliveryQueueTest, EventAgeLimitAndTimeScale) {
  std::vector<std::string> dlq;
  DeliveryOptions o;
  o.time_scale = 0.001;  // --time-scale: a 60 s event age is 60 ms
  DeliveryQueue q(o, [&](const std::string& line) { dlq.push_back(line); });
  q.submit(delivery(R"({"Id":"t","Arn":"http://x","RetryPolicy":{"MaximumEventAgeInSeconds":60}})"), 0);
  int attempts = 0;
  while (auto next = q.next_due()) {
    for (DeliveryJob& j : q.take_due(*next)) {
      ++attempts;
      q.report(std::move(j), DeliveryOutcome::retryable("TIMEOUT", "slow"), *next);
    }
  }
  // 0, 1, 3, 7, 15, 31 ms; the next retry (63 ms) would pass 60 ms.
  EXPECT_EQ(attempts, 6);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_NE(dlq[0].find("MaximumEventAgeInSeconds"), std::string::npos);
}

TEST(DeliveryQueueTest, PermanentFailuresAreNotRetried) {
  std::vector<std::string> dlq;
  DeliveryQueue q({}, [&](const std::string& line) { dlq.push_back(line); });
  q.submit(delivery(R"({"Id":"t","Arn":"arn:aws:states:us-east-1:1:stateMachine:gone"})"), 5);
  auto due = q.take_due(5);
  q.report(due[0], DeliveryOutcome::permanent("NO_RESOURCE", "State Machine Does Not Exist"), 5);
  EXPECT_EQ(q.pending(), 0u);
  EXPECT_EQ(q.counters().retried.load(), 0u);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].find("EXHAUSTED_RETRY_CONDITION"), std::string::npos);
}

}  // namespace
}  // namespace sg::cli
