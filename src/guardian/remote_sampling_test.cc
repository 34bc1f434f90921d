#include "guardian/remote_sampling.h"

#include <gtest/gtest.h>

#include <map>

#include "json/parse.h"

namespace sg::guardian {
namespace {

const char* kArn1 = "arn:aws:states:eu-west-1:210987654321:stateMachine:step1";
const char* kArn2 = "arn:aws:states:eu-west-1:210987654321:stateMachine:step2";

HttpReply ok(std::string body) { return HttpReply{200, "", std::move(body), ""}; }

std::string field(const std::string& body, const char* key) {
  auto v = json::parse_json(body);
  const json::Value* m = v->find(key);
  if (!m) return "";
  return m->is_string() ? std::string(m->as_string()) : m->dump();
}

TEST(RemoteSamplingTest, ParsesListStateMachinesAsAwsSendsIt) {
  // Shape from the Step Functions API reference (dates are epoch seconds on the wire).
  auto page = parse_list_state_machines(
      R"({"stateMachines":[{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:HelloWorld",)"
      R"("name":"HelloWorld","type":"STANDARD","creationDate":1.561483513489E9}],"nextToken":"tok"})");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->machines.size(), 1u);
  EXPECT_EQ(page->machines[0].name, "HelloWorld");
  EXPECT_EQ(page->machines[0].type, "STANDARD");
  EXPECT_EQ(page->next_token, "tok");
  EXPECT_FALSE(parse_list_state_machines("{}").ok());
  EXPECT_FALSE(parse_list_state_machines("not json").ok());
}

TEST(RemoteSamplingTest, ParsesListExecutionsDates) {
  auto page = parse_list_executions(
      R"({"executions":[{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:HelloWorld:e1",)"
      R"("stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:HelloWorld","name":"e1",)"
      R"("status":"FAILED","startDate":1561483513.5,"stopDate":"2019-06-25T17:25:15.250Z"}]})");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->executions.size(), 1u);
  const LatestExecution& e = page->executions[0];
  EXPECT_EQ(e.status, ExecStatus::kFailed);
  EXPECT_EQ(e.name, "e1");
  EXPECT_EQ(e.start_ms, 1561483513500);
  ASSERT_TRUE(e.stop_ms);
  EXPECT_EQ(*e.stop_ms, 1561483515250);
  EXPECT_TRUE(page->next_token.empty());
}

TEST(RemoteSamplingTest, RequestBodiesAskForOneExecution) {
  std::string b = list_executions_body(kArn1, "");
  EXPECT_EQ(field(b, "stateMachineArn"), kArn1);
  EXPECT_EQ(field(b, "maxResults"), "1");
  EXPECT_EQ(field(b, "nextToken"), "");
  EXPECT_EQ(field(list_executions_body(kArn1, "t2"), "nextToken"), "t2");
  EXPECT_EQ(field(list_state_machines_body(""), "maxResults"), "1000");
  EXPECT_EQ(field(list_state_machines_body("abc"), "nextToken"), "abc");
}

TEST(RemoteSamplingTest, ErrorTypesAndThrottling) {
  AwsError e = parse_aws_error(
      400, "", R"({"__type":"com.amazonaws.swf.base.model#ThrottlingException","message":"Rate exceeded"})");
  EXPECT_EQ(e.type, "ThrottlingException");
  EXPECT_EQ(e.message, "Rate exceeded");
  EXPECT_TRUE(e.throttling);
  EXPECT_TRUE(e.transient);
  e = parse_aws_error(429, "", "");
  EXPECT_TRUE(e.throttling);
  e = parse_aws_error(400, "UnrecognizedClientException:http://internal.amazon.com/", "");
  EXPECT_EQ(e.type, "UnrecognizedClientException");
  EXPECT_FALSE(e.transient);
  e = parse_aws_error(503, "", "");
  EXPECT_FALSE(e.throttling);
  EXPECT_TRUE(e.transient);
  e = parse_aws_error(0, "", "");
  EXPECT_EQ(e.type, "TransportError");
  EXPECT_TRUE(e.transient);
}

TEST(RemoteSamplingTest, AccountAndRegionFromArn) {
  EXPECT_EQ(arn_account(kArn1), "210987654321");
  EXPECT_EQ(arn_region(kArn1), "eu-west-1");
  EXPECT_EQ(arn_account("nope"), "");
}

TEST(RemoteSamplingTest, BackoffIsExponentialJitteredAndCapped) {
  BackoffPolicy p{500, 8000, 10};
  // Lowest (random 0) and highest (random = ceiling - half) delays per attempt.
  const int64_t ceilings[] = {500, 1000, 2000, 4000, 8000, 8000, 8000};
  for (int attempt = 0; attempt < 7; ++attempt) {
    int64_t c = ceilings[attempt];
    EXPECT_EQ(backoff_delay_ms(p, attempt, 0), c / 2) << attempt;
    EXPECT_EQ(backoff_delay_ms(p, attempt, static_cast<uint64_t>(c - c / 2)), c) << attempt;
    for (uint64_t r : {1ull, 77ull, 123456789ull, ~0ull}) {
      int64_t d = backoff_delay_ms(p, attempt, r);
      EXPECT_GE(d, c / 2);
      EXPECT_LE(d, c);
    }
  }
  EXPECT_EQ(backoff_delay_ms(p, 1000, 0), 4000);  // no overflow for large attempts
}

// A fake remote account answering the cycle's calls.
struct FakeAccount {
  std::vector<std::vector<std::string>> machine_pages;  // ARNs per ListStateMachines page
  std::map<std::string, std::string> latest;            // ARN -> ListExecutions reply body
  int throttle_next = 0;                                // answer this many calls with 400 Throttling
  std::vector<std::string> calls;

  HttpReply answer(const SamplingCycle::Step& s) {
    calls.push_back(s.operation + " " + s.body);
    if (throttle_next > 0) {
      --throttle_next;
      return HttpReply{400, "", R"({"__type":"ThrottlingException","message":"Rate exceeded"})", ""};
    }
    if (s.operation == "ListStateMachines") {
      std::string tok = field(s.body, "nextToken");
      size_t i = tok.empty() ? 0 : std::stoul(tok);
      std::string out = R"({"stateMachines":[)";
      for (size_t k = 0; k < machine_pages[i].size(); ++k) {
        const std::string& arn = machine_pages[i][k];
        if (k) out += ",";
        out += R"({"stateMachineArn":")" + arn + R"(","name":")" + arn.substr(arn.rfind(':') + 1) +
               R"(","type":"STANDARD","creationDate":1700000000})";
      }
      out += "]";
      if (i + 1 < machine_pages.size()) out += R"(,"nextToken":")" + std::to_string(i + 1) + "\"";
      return ok(out + "}");
    }
    std::string arn = field(s.body, "stateMachineArn");
    auto it = latest.find(arn);
    if (it == latest.end())
      return HttpReply{
          400, "", R"({"__type":"StateMachineDoesNotExist","message":"State Machine Does Not Exist"})", ""};
    return ok(it->second);
  }
};

// Runs a cycle to its end in virtual time; returns the time spent waiting.
int64_t run(SamplingCycle& c, FakeAccount& a) {
  int64_t waited = 0;
  for (int guard = 0; guard < 1000 && c.next().kind == SamplingCycle::Kind::kCall; ++guard) {
    SamplingCycle::Step s = c.next();
    waited += s.delay_ms;
    c.on_reply(a.answer(s), 0);
  }
  return waited;
}

std::string exec(const char* name, const char* status) {
  return std::string(R"({"executions":[{"executionArn":"arn:x:)") + name + R"(","name":")" + name +
         R"(","status":")" + status + R"(","startDate":1700000000}]})";
}

TEST(RemoteSamplingTest, PagesThroughMachinesThenAsksEachForItsLatestExecution) {
  FakeAccount a;
  a.machine_pages = {{kArn1}, {kArn2}};
  a.latest[kArn1] = exec("a", "SUCCEEDED");
  a.latest[kArn2] = R"({"executions":[]})";
  SamplingCycle c;
  EXPECT_EQ(run(c, a), 0);
  ASSERT_EQ(c.next().kind, SamplingCycle::Kind::kDone);
  ASSERT_EQ(c.machines().size(), 2u);
  EXPECT_EQ(c.machines()[0].name, "step1");
  ASSERT_TRUE(c.machines()[0].latest);
  EXPECT_EQ(c.machines()[0].latest->status, ExecStatus::kSucceeded);
  EXPECT_FALSE(c.machines()[1].latest);  // never ran
  ASSERT_EQ(a.calls.size(), 4u);
  EXPECT_EQ(a.calls[1].substr(0, 18), "ListStateMachines ");
  EXPECT_NE(a.calls[1].find("\"nextToken\":\"1\""), std::string::npos);
  EXPECT_EQ(c.requests(), 4);
}

TEST(RemoteSamplingTest, FollowsTokenOfAnEmptyExecutionsPage) {
  FakeAccount a;
  a.machine_pages = {{kArn1}};
  a.latest[kArn1] = R"({"executions":[],"nextToken":"more"})";
  SamplingCycle c;
  run(c, a);
  // The token is followed, but only kMaxExecutionPages times.
  EXPECT_EQ(static_cast<int>(a.calls.size()), 1 + kMaxExecutionPages);
  EXPECT_NE(a.calls[2].find("\"nextToken\":\"more\""), std::string::npos);
  EXPECT_EQ(c.next().kind, SamplingCycle::Kind::kDone);
}

TEST(RemoteSamplingTest, DeletedMachineIsDropped) {
  FakeAccount a;
  a.machine_pages = {{kArn1, kArn2}};
  a.latest[kArn2] = exec("b", "RUNNING");  // kArn1 answers StateMachineDoesNotExist
  SamplingCycle c;
  run(c, a);
  ASSERT_EQ(c.next().kind, SamplingCycle::Kind::kDone);
  ASSERT_EQ(c.machines().size(), 1u);
  EXPECT_EQ(c.machines()[0].arn, kArn2);
  EXPECT_EQ(c.machines()[0].latest->status, ExecStatus::kRunning);
}

TEST(RemoteSamplingTest, ThrottlingBacksOffInVirtualTimeThenSucceeds) {
  FakeAccount a;
  a.machine_pages = {{kArn1}};
  a.latest[kArn1] = exec("a", "FAILED");
  a.throttle_next = 3;
  SamplingCycle c(BackoffPolicy{100, 1000, 5});
  std::vector<int64_t> delays;
  while (c.next().kind == SamplingCycle::Kind::kCall) {
    SamplingCycle::Step s = c.next();
    delays.push_back(s.delay_ms);
    c.on_reply(a.answer(s), 0);
  }
  // Random 0: the lower edge of each jitter window, 50, 100, 200; then no wait.
  EXPECT_EQ(delays, (std::vector<int64_t>{0, 50, 100, 200, 0}));
  EXPECT_EQ(c.retries(), 3);
  ASSERT_EQ(c.next().kind, SamplingCycle::Kind::kDone);
  EXPECT_EQ(c.machines()[0].latest->status, ExecStatus::kFailed);
}

TEST(RemoteSamplingTest, GivesUpAfterMaxRetries) {
  FakeAccount a;
  a.machine_pages = {{kArn1}};
  a.throttle_next = 100;
  SamplingCycle c(BackoffPolicy{100, 1000, 4});
  int64_t waited = run(c, a);
  ASSERT_EQ(c.next().kind, SamplingCycle::Kind::kFailed);
  EXPECT_EQ(c.error().code, "ThrottlingException");
  EXPECT_EQ(c.error().message, "ListStateMachines: Rate exceeded (gave up after 4 retries)");
  EXPECT_EQ(waited, 50 + 100 + 200 + 400);
  EXPECT_EQ(a.calls.size(), 5u);
}

TEST(RemoteSamplingTest, NonTransientErrorFailsAtOnce) {
  SamplingCycle c;
  c.on_reply(
      HttpReply{
          400, "",
          R"({"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."})",
          ""},
      0);
  ASSERT_EQ(c.next().kind, SamplingCycle::Kind::kFailed);
  EXPECT_EQ(c.error().code, "UnrecognizedClientException");
  EXPECT_EQ(c.error().message, "ListStateMachines: The security token included in the request is invalid.");
}

}  // namespace
}  // namespace sg::guardian
