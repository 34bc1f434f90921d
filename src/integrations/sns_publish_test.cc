// `arn:aws:states:::sns:publish` (and .waitForTaskToken): parameters, AWS's result shape
// and errors, and what reaches the topic's channels.
#include "integrations/sns_publish.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "json/parse.h"

namespace sg::integrations {
namespace {

constexpr const char* kTopic = "arn:aws:sns:us-east-1:123456789012:myTopic";

json::Value js(std::string_view text) {
  auto v = json::parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : json::Value();
}

class SnsPublishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sg-sns-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    file_ = dir_ + "/out.jsonl";
    std::filesystem::remove(file_);
    std::string yaml = std::string(kTopic) + ":\n  - file: " + file_ + "\n" +
                       "arn:aws:sns:us-east-1:123456789012:orders.fifo:\n  - file: " + file_ + "\n";
    auto topics = parse_topics(YAML::Load(yaml), "conf.yaml");
    ASSERT_TRUE(topics.ok());
    NotifierOptions o;
    o.clock = std::make_shared<VirtualNotifierClock>(1700000000000);
    o.workers = 1;
    notifier_ = std::make_shared<Notifier>(std::make_shared<const Topics>(*topics), o);
    SnsPublishOptions so;
    so.now_ms = [] { return int64_t{1700000000000}; };
    so.new_request_id = [] { return std::string("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"); };
    so.invoke_callback_tasks = true;
    exec_ = std::make_unique<SnsPublishExecutor>(notifier_, so);
  }

  engine::TaskResult run(std::string_view params,
                         std::string_view resource = "arn:aws:states:::sns:publish") {
    engine::TaskRequest r;
    r.resource = resource;
    r.parameters = js(params);
    return exec_->invoke(r);
  }

  std::vector<json::Value> delivered() {
    EXPECT_TRUE(notifier_->wait_idle(10000));
    std::ifstream in(file_);
    std::vector<json::Value> out;
    for (std::string line; std::getline(in, line);) out.push_back(js(line));
    return out;
  }

  std::string dir_, file_;
  std::shared_ptr<Notifier> notifier_;
  std::unique_ptr<SnsPublishExecutor> exec_;
};

TEST(SnsResource, Classifies) {
  EXPECT_EQ(classify_sns_resource("arn:aws:states:::sns:publish"), SnsResourceKind::kPublish);
  EXPECT_EQ(classify_sns_resource("arn:aws:states:::sns:publish.waitForTaskToken"),
            SnsResourceKind::kPublishWaitForTaskToken);
  EXPECT_EQ(classify_sns_resource("arn:aws:states:::sns:publish.sync"), SnsResourceKind::kOther);
  EXPECT_EQ(classify_sns_resource("arn:aws:states:::aws-sdk:sns:publish"), SnsResourceKind::kOther);
}

TEST_F(SnsPublishTest, PublishesAndAnswersAsAws) {
  auto r = run(R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:myTopic","Message":"Hello world",
                   "Subject":"Greeting",
                   "MessageAttributes":{"my_attribute_no_1":{"DataType":"String","StringValue":"value 1"}}})");
  ASSERT_TRUE(r.ok) << r.error << ": " << r.cause;
  const json::Value& out = r.output;
  std::vector<std::string> names;
  for (const auto& m : out.members()) names.emplace_back(m.name());
  EXPECT_EQ(names, (std::vector<std::string>{"MessageId", "SdkHttpMetadata", "SdkResponseMetadata"}));
  EXPECT_EQ(out.find("SdkResponseMetadata")->dump(),
            R"({"RequestId":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"})");
  const json::Value* http = out.find("SdkHttpMetadata");
  EXPECT_EQ(*http->find("HttpStatusCode"), json::Value::integer(200));
  EXPECT_EQ(http->find("HttpHeaders")->find("Content-Type")->as_string(), "text/xml");
  EXPECT_EQ(http->find("HttpHeaders")->find("Content-Length")->as_string(), "294");
  EXPECT_EQ(http->find("HttpHeaders")->find("Date")->as_string(), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(http->find("AllHttpHeaders")->find("x-amzn-RequestId")->dump(),
            R"(["0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"])");

  auto got = delivered();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].find("MessageId")->as_string(), out.find("MessageId")->as_string());
  EXPECT_EQ(got[0].find("TopicArn")->as_string(), kTopic);
  EXPECT_EQ(got[0].find("Subject")->as_string(), "Greeting");
  EXPECT_EQ(got[0].find("Message")->as_string(), "Hello world");
  EXPECT_EQ(got[0].find("MessageAttributes")->dump(),
            R"({"my_attribute_no_1":{"Type":"String","Value":"value 1"}})");
}

TEST_F(SnsPublishTest, JsonMessageIsSerialisedAndTokenTravelsInIt) {
  auto r = run(R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:myTopic",
                   "Message":{"Input":{"a":1.0},"TaskToken":"AQB8-token"}})",
               "arn:aws:states:::sns:publish.waitForTaskToken");
  ASSERT_TRUE(r.ok) << r.cause;
  EXPECT_NE(r.output.find("MessageId"), nullptr);
  auto got = delivered();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].find("Message")->as_string(), R"({"Input":{"a":1.0},"TaskToken":"AQB8-token"})");
}

TEST_F(SnsPublishTest, WaitForTaskTokenNeedsAHostThatWaits) {
  SnsPublishExecutor run_host(notifier_);
  engine::TaskRequest r;
  r.resource = "arn:aws:states:::sns:publish.waitForTaskToken";
  r.parameters = js(R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:myTopic","Message":"m"})");
  auto result = run_host.invoke(r);
  EXPECT_EQ(result.error, "States.Runtime");
  EXPECT_NE(result.cause.find("stepguard run cannot run resource"), std::string::npos) << result.cause;
  EXPECT_TRUE(delivered().empty());
}

TEST_F(SnsPublishTest, MessageStructureJsonPicksDefaultForFiles) {
  auto r = run(R"({"TargetArn":"arn:aws:sns:us-east-1:123456789012:myTopic","MessageStructure":"json",
                   "Message":"{\"default\":\"plain\",\"http\":\"for webhooks\"}"})");
  ASSERT_TRUE(r.ok) << r.cause;
  auto got = delivered();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].find("Message")->as_string(), "plain");

  auto bad = run(R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:myTopic","MessageStructure":"json",
                     "Message":{"http":"x"}})");
  EXPECT_EQ(bad.error, "SNS.InvalidParameterException");
  EXPECT_NE(bad.cause.find("No default entry in JSON message body"), std::string::npos);
}

TEST_F(SnsPublishTest, FifoTopicsNeedAGroupAndAnswerASequenceNumber) {
  auto missing = run(R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:orders.fifo","Message":"m"})");
  EXPECT_EQ(missing.error, "SNS.InvalidParameterException");
  auto r = run(R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:orders.fifo","Message":"m",
                   "MessageGroupId":"g1","MessageDeduplicationId":"d1"})");
  ASSERT_TRUE(r.ok) << r.cause;
  ASSERT_NE(r.output.find("SequenceNumber"), nullptr);
  EXPECT_EQ(r.output.find("SequenceNumber")->as_string().size(), 20u);
}

TEST_F(SnsPublishTest, Errors) {
  auto unknown = run(R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:nope","Message":"m"})");
  EXPECT_FALSE(unknown.ok);
  EXPECT_EQ(unknown.error, "SNS.NotFoundException");
  EXPECT_EQ(unknown.cause,
            "Topic does not exist (Service: AmazonSNS; Status Code: 404; Error Code: NotFound; Request ID: "
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0; Proxy: null)");

  struct Case {
    const char* params;
    const char* error;
    const char* cause_part;
  };
  const Case cases[] = {
      {R"({"Message":"m"})", "SNS.InvalidParameterException", "TopicArn or TargetArn"},
      {R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:myTopic"})", "SNS.InvalidParameterException",
       "Empty message"},
      {R"({"TopicArn":"not-an-arn","Message":"m"})", "SNS.InvalidParameterException",
       "Invalid parameter: TopicArn"},
      {R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:myTopic","Message":"m","Subject":"a\nb"})",
       "SNS.InvalidParameterException", "Subject"},
      {R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:myTopic","Message":"m",
           "MessageAttributes":{"x":{"DataType":"String"}}})",
       "SNS.InvalidParameterValueException", "must contain non-empty message attribute value"},
      {R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:myTopic","Message":"m","Foo":1})", "States.Runtime",
       "Foo"},
  };
  for (const Case& c : cases) {
    auto r = run(c.params);
    EXPECT_FALSE(r.ok) << c.params;
    EXPECT_EQ(r.error, c.error) << c.params;
    EXPECT_NE(r.cause.find(c.cause_part), std::string::npos) << r.cause;
  }
  EXPECT_TRUE(delivered().empty());
}

}  // namespace
}  // namespace sg::integrations
