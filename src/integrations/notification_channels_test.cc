// Notification channels: the `topics:` config section, SNS's notification JSON, and the
// Notifier delivering to webhooks, commands and files with retries in virtual time.
#include "integrations/notification_channels.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "integrations/notification_channels_message.h"
#include "integrations/notification_channels_notifier.h"
#include "integrations/test_http_server.h"
#include "json/parse.h"

namespace sg::integrations {
namespace {

using testing::HttpRequest;
using testing::HttpResponse;
using testing::TestHttpServer;

constexpr const char* kTopic = "arn:aws:sns:us-east-2:123456789012:ops-alerts";

std::string temp_dir() {
  std::string d = std::filesystem::temp_directory_path() / ("sg-notify-" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<const Topics> topics_from(const std::string& yaml,
                                          const std::string& file = "/etc/sg/conf.yaml") {
  auto t = parse_topics(YAML::Load(yaml), file);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return std::make_shared<const Topics>(t.ok() ? *t : Topics());
}

TEST(Topics, ParsesChannelsWithOptions) {
  auto t = topics_from(std::string(kTopic) +
                       ":\n"
                       "  - webhook: https://hooks.example.com/x?token=abc\n"
                       "    headers: {X-Token: abc}\n"
                       "    timeout_seconds: 5\n"
                       "  - command: ./page.sh --urgent\n"
                       "  - file: out/alerts.jsonl\n"
                       "    fsync: true\n"
                       "arn:aws:sns:us-east-1:123456789012:quiet: []\n");
  const auto* channels = t->find(kTopic);
  ASSERT_NE(channels, nullptr);
  ASSERT_EQ(channels->size(), 3u);
  EXPECT_EQ((*channels)[0].kind, Channel::Kind::kWebhook);
  EXPECT_EQ((*channels)[0].timeout_ms, 5000);
  EXPECT_EQ((*channels)[0].headers.at(0).first, "X-Token");
  EXPECT_EQ((*channels)[0].describe(), "https://hooks.example.com/x");
  EXPECT_EQ((*channels)[1].kind, Channel::Kind::kCommand);
  EXPECT_EQ((*channels)[1].timeout_ms, Channel::kDefaultCommandTimeoutMs);
  EXPECT_EQ((*channels)[1].describe(), "./page.sh");
  EXPECT_EQ((*channels)[2].target, "/etc/sg/out/alerts.jsonl");
  EXPECT_TRUE((*channels)[2].fsync);
  ASSERT_NE(t->find("arn:aws:sns:us-east-1:123456789012:quiet"), nullptr);
  EXPECT_TRUE(t->find("arn:aws:sns:us-east-1:123456789012:quiet")->empty());
}

TEST(Topics, ErrorsNameFileLineAndPath) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::string a = kTopic;
  const Case cases[] = {
      {"arn:aws:sqs:us-east-1:1:q: []", "c.yaml:1:1: topics.arn:aws:sqs:us-east-1:1:q: not an SNS topic ARN"},
      {a + ": {webhook: x}",
       "c.yaml:1:" + std::to_string(a.size() + 3) + ": topics." + a + " must be a list of channels"},
      {a + ":\n  - {webhook: ftp://x}", "topics." + a + "[0].webhook must be an http:// or https:// URL"},
      {a + ":\n  - {command: x, fsync: true}", "c.yaml:2:18: unknown key 'fsync' in topics." + a +
                                                   "[0] (a command channel takes command, timeout_seconds)"},
      {a + ":\n  - {file: x}\n  - {webhook: 'http://h', timeout_seconds: 0}",
       "c.yaml:3:44: topics." + a + "[1].timeout_seconds must be a positive integer"},
      {a + ":\n  - {webhook: 'http://h', command: x}",
       "topics." + a + "[0] must have only one of webhook, command or file"},
      {a + ":\n  - {headers: {a: b}}", "topics." + a + "[0] must have one of webhook, command or file"},
  };
  for (const Case& c : cases) {
    auto r = parse_topics(YAML::Load(c.yaml), "c.yaml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.error().code, "INVALID_CONFIG");
    EXPECT_NE(r.error().message.find(c.message), std::string::npos)
        << r.error().message << "\nwanted: " << c.message;
  }
}

TEST(NotificationJson, HasSnsFieldsInOrder) {
  Notification n;
  n.topic_arn = kTopic;
  n.subject = "Patch report";
  n.message = "{\"ok\":true}";
  n.message_id = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324";
  n.timestamp_ms = 1335920046655;  // 2012-05-02T00:54:06.655Z
  n.attributes = {{"severity", "String", "high"}};
  std::string sub = subscription_arn_for(kTopic, 0, "http://h/x");
  EXPECT_TRUE(sub.starts_with(std::string(kTopic) + ":"));
  EXPECT_EQ(sub, subscription_arn_for(kTopic, 0, "http://h/x"));  // stable
  auto doc = json::parse_json(sns_notification_json(n, sub, "http"));
  ASSERT_TRUE(doc.ok());
  std::vector<std::string> names;
  for (const auto& m : doc->members()) names.emplace_back(m.name());
  EXPECT_EQ(names, (std::vector<std::string>{"Type", "MessageId", "TopicArn", "Subject", "Message",
                                             "Timestamp", "SignatureVersion", "Signature", "SigningCertURL",
                                             "UnsubscribeURL", "MessageAttributes"}));
  EXPECT_EQ(doc->find("Type")->as_string(), "Notification");
  EXPECT_EQ(doc->find("Message")->as_string(), "{\"ok\":true}");
  EXPECT_EQ(doc->find("Timestamp")->as_string(), "2012-05-02T00:54:06.655Z");
  EXPECT_EQ(doc->find("SignatureVersion")->as_string(), "1");
  EXPECT_EQ(doc->find("UnsubscribeURL")->as_string(),
            "https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + sub);
  EXPECT_EQ(doc->find("MessageAttributes")->dump(), R"({"severity":{"Type":"String","Value":"high"}})");

  n.subject.reset();
  n.attributes.clear();
  auto bare = json::parse_json(sns_notification_json(n, sub, "http"));
  EXPECT_EQ(bare->find("Subject"), nullptr);
  EXPECT_EQ(bare->find("MessageAttributes"), nullptr);
}

struct Attempts {
  std::mutex mu;
  std::vector<DeliveryAttempt> list;
  std::function<void(const DeliveryAttempt&)> hook() {
    return [this](const DeliveryAttempt& a) {
      std::lock_guard<std::mutex> lock(mu);
      list.push_back(a);
    };
  }
};

NotifierOptions virtual_options(std::shared_ptr<VirtualNotifierClock> clock, Attempts& attempts) {
  NotifierOptions o;
  o.clock = std::move(clock);
  o.workers = 1;
  o.on_attempt = attempts.hook();
  return o;
}

TEST(Notifier, WebhookReceivesSnsNotification) {
  std::mutex mu;
  std::vector<HttpRequest> got;
  TestHttpServer server([&](const HttpRequest& r) {
    std::lock_guard<std::mutex> lock(mu);
    got.push_back(r);
    return HttpResponse{};
  });
  auto topics = topics_from(std::string(kTopic) + ":\n  - webhook: " + server.url("/sns") +
                            "\n    headers: {X-Token: t0k}\n");
  auto clock = std::make_shared<VirtualNotifierClock>(1335920046655);
  Attempts attempts;
  Notifier notifier(topics, virtual_options(clock, attempts));
  auto id = notifier.publish(kTopic, std::string("Subj"), "hello", {{"k", "String", "v"}});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(notifier.wait_idle(5000));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(got.size(), 1u);
  const HttpRequest& r = got[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/sns");
  EXPECT_EQ(r.header("x-amz-sns-message-type"), "Notification");
  EXPECT_EQ(r.header("x-amz-sns-message-id"), *id);
  EXPECT_EQ(r.header("x-amz-sns-topic-arn"), kTopic);
  EXPECT_TRUE(r.header("x-amz-sns-subscription-arn").starts_with(std::string(kTopic) + ":"));
  EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(r.header("User-Agent"), "Amazon Simple Notification Service Agent");
  EXPECT_EQ(r.header("X-Token"), "t0k");
  auto body = json::parse_json(r.body);
  ASSERT_TRUE(body.ok()) << r.body;
  EXPECT_EQ(body->find("MessageId")->as_string(), *id);
  EXPECT_EQ(body->find("Subject")->as_string(), "Subj");
  EXPECT_EQ(body->find("Message")->as_string(), "hello");
  EXPECT_EQ(body->find("Timestamp")->as_string(), "2012-05-02T00:54:06.655Z");
  EXPECT_EQ(body->find("MessageAttributes")->dump(), R"({"k":{"Type":"String","Value":"v"}})");
  EXPECT_EQ(notifier.stats().webhook.delivered, 1u);
}

TEST(Notifier, CommandGetsJsonOnStdinAndFileGetsOneLinePerMessage) {
  std::string dir = temp_dir();
  std::string captured = dir + "/stdin.json";
  std::string lines = dir + "/log/notifications/lines.jsonl";  // its folders are created
  std::filesystem::remove(captured);
  std::filesystem::remove_all(dir + "/log");
  auto topics =
      topics_from(std::string(kTopic) + ":\n  - command: cat > " + captured + "\n  - file: " + lines + "\n");
  Attempts attempts;
  Notifier notifier(topics, virtual_options(std::make_shared<VirtualNotifierClock>(0), attempts));
  auto first = notifier.publish(kTopic, std::nullopt, "one");
  auto second = notifier.publish(kTopic, std::nullopt, "two");
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(notifier.wait_idle(10000));

  std::string in = read_file(captured);
  ASSERT_FALSE(in.empty());
  EXPECT_EQ(in.back(), '\n');
  auto doc = json::parse_json(in);
  ASSERT_TRUE(doc.ok()) << in;
  EXPECT_EQ(doc->find("Type")->as_string(), "Notification");
  EXPECT_EQ(doc->find("Message")->as_string(), "two");  // the second run overwrote the file

  std::string text = read_file(lines);
  std::vector<std::string> rows;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 2u) << text;
  EXPECT_EQ(json::parse_json(rows[0])->find("MessageId")->as_string(), *first);
  EXPECT_EQ(json::parse_json(rows[1])->find("Message")->as_string(), "two");
  NotifierStats s = notifier.stats();
  EXPECT_EQ(s.command.delivered, 2u);
  EXPECT_EQ(s.file.delivered, 2u);
  EXPECT_EQ(s.file.failed, 0u);
}

TEST(Notifier, RetriesWithBackoffInVirtualTimeThenGivesUp) {
  auto topics = topics_from(std::string(kTopic) + ":\n  - command: 'echo nope >&2; exit 3'\n");
  auto clock = std::make_shared<VirtualNotifierClock>(100000);
  Attempts attempts;
  Notifier notifier(topics, virtual_options(clock, attempts));
  ASSERT_TRUE(notifier.publish(kTopic, std::nullopt, "m").ok());
  ASSERT_TRUE(notifier.wait_idle(10000));
  std::lock_guard<std::mutex> lock(attempts.mu);
  ASSERT_EQ(attempts.list.size(), 6u);
  const int64_t expected[] = {0, 0, 0, 1000, 3000, 7000};  // 2 immediate retries, then 1 s, 2 s, 4 s
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(attempts.list[i].at_ms - 100000, expected[i]) << "attempt " << i + 1;
    EXPECT_EQ(attempts.list[i].attempt, static_cast<int>(i) + 1);
    EXPECT_FALSE(attempts.list[i].ok);
    EXPECT_EQ(attempts.list[i].final, i == 5);
  }
  EXPECT_NE(attempts.list[0].error.find("exit status 3: nope"), std::string::npos) << attempts.list[0].error;
  NotifierStats s = notifier.stats();
  EXPECT_EQ(s.command.retried, 5u);
  EXPECT_EQ(s.command.failed, 1u);
  EXPECT_EQ(s.command.delivered, 0u);
}

TEST(Notifier, WebhookRecoversAfterServerErrorsAndClientErrorsAreFinal) {
  std::atomic<int> calls{0};
  TestHttpServer server([&](const HttpRequest& r) {
    HttpResponse resp;
    if (r.path == "/gone") {
      resp.status = 404;
    } else if (++calls <= 3) {
      resp.status = 503;
    }
    return resp;
  });
  auto topics =
      topics_from(std::string(kTopic) + ":\n  - webhook: " + server.url("/flaky") +
                  "\narn:aws:sns:us-east-1:123456789012:gone:\n  - webhook: " + server.url("/gone") + "\n");
  auto clock = std::make_shared<VirtualNotifierClock>(0);
  Attempts attempts;
  Notifier notifier(topics, virtual_options(clock, attempts));
  ASSERT_TRUE(notifier.publish(kTopic, std::nullopt, "m").ok());
  ASSERT_TRUE(notifier.wait_idle(10000));
  ASSERT_TRUE(notifier.publish("arn:aws:sns:us-east-1:123456789012:gone", std::nullopt, "m").ok());
  ASSERT_TRUE(notifier.wait_idle(10000));
  NotifierStats s = notifier.stats();
  EXPECT_EQ(s.webhook.delivered, 1u);
  EXPECT_EQ(s.webhook.retried, 3u);
  EXPECT_EQ(s.webhook.failed, 1u);  // the 404, not retried
  std::lock_guard<std::mutex> lock(attempts.mu);
  ASSERT_EQ(attempts.list.size(), 5u);
  EXPECT_EQ(attempts.list[3].at_ms, 1000);  // the fourth attempt waited 1 s
  EXPECT_TRUE(attempts.list[3].ok);
  EXPECT_TRUE(attempts.list[4].final);
  EXPECT_EQ(attempts.list[4].error, "HTTP 404: (empty)");
}

TEST(Notifier, UnknownTopicIsNotFoundAndUnwritableFileCountsAsFailed) {
  // A path under a regular file can be neither created nor opened.
  auto topics = topics_from(std::string(kTopic) + ":\n  - file: /etc/hostname/x.jsonl\n");
  Attempts attempts;
  NotifierOptions o = virtual_options(std::make_shared<VirtualNotifierClock>(0), attempts);
  o.policy.max_attempts = 2;
  Notifier notifier(topics, o);
  auto missing = notifier.publish("arn:aws:sns:us-east-1:123456789012:nope", std::nullopt, "m");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "Topic does not exist");
  ASSERT_TRUE(notifier.publish(kTopic, std::nullopt, "m").ok());
  ASSERT_TRUE(notifier.wait_idle(10000));
  NotifierStats s = notifier.stats();
  EXPECT_EQ(s.file.failed, 1u);
  EXPECT_EQ(s.file.retried, 1u);
  std::lock_guard<std::mutex> lock(attempts.mu);
  EXPECT_NE(attempts.list.at(0).error.find("open:"), std::string::npos);
}

TEST(DeliveryPolicy, DelaysDoubleUpToTheCap) {
  DeliveryPolicy p;
  p.max_delay_ms = 5000;
  EXPECT_EQ(p.delay_before(2), 0);
  EXPECT_EQ(p.delay_before(3), 0);
  EXPECT_EQ(p.delay_before(4), 1000);
  EXPECT_EQ(p.delay_before(5), 2000);
  EXPECT_EQ(p.delay_before(6), 4000);
  EXPECT_EQ(p.delay_before(7), 5000);
  EXPECT_EQ(p.delay_before(60), 5000);
}

}  // namespace
}  // namespace sg::integrations
