#include "cli/remote_watcher.h"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <mutex>
#include <regex>

#include "cli/guardian_service.h"
#include "json/parse.h"

namespace sg::cli {
namespace {

const char* kArn = "arn:aws:states:eu-west-1:210987654321:stateMachine:step1";

class ManualClock final : public engine::Clock {
 public:
  int64_t now_ms() override { return now; }
  int64_t now = 1700000000000;
};

std::string header(const SignedCall& c, const char* name) {
  for (const auto& [k, v] : c.headers)
    if (k == name) return v;
  return "";
}

TEST(RemoteWatcherTest, ParsesWatchSection) {
  YAML::Node n = YAML::Load(R"(
- name: prod
  region: eu-west-1
- name: local
  region: us-east-1
  endpoint: http://127.0.0.1:9000
  profile: dev
  interval_seconds: 0.5
)");
  auto w = parse_watch_section(n, "c.yaml");
  ASSERT_TRUE(w.ok()) << w.error().message;
  ASSERT_EQ(w->size(), 2u);
  EXPECT_EQ((*w)[0].endpoint, "https://states.eu-west-1.amazonaws.com");
  EXPECT_EQ((*w)[0].interval_ms, 60000);
  EXPECT_EQ((*w)[1].interval_ms, 500);
  EXPECT_EQ((*w)[1].profile, "dev");
  EXPECT_TRUE(parse_watch_section(YAML::Node(), "c.yaml")->empty());

  auto bad = parse_watch_section(YAML::Load("- {name: a}"), "c.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "c.yaml:1: watch[0] (a): region is required");
  bad = parse_watch_section(YAML::Load("- {name: a, region: r, colour: red}"), "c.yaml");
  EXPECT_NE(bad.error().message.find("unknown key 'colour'"), std::string::npos);
  bad = parse_watch_section(YAML::Load("- {name: a, region: r, interval_seconds: 0}"), "c.yaml");
  EXPECT_NE(bad.error().message.find("interval_seconds must be a positive number"), std::string::npos);
  bad = parse_watch_section(YAML::Load("- {name: a, region: r, endpoint: 'ftp://x'}"), "c.yaml");
  EXPECT_FALSE(bad.ok());
  bad = parse_watch_section(YAML::Load("[{name: a, region: r}, {name: a, region: r}]"), "c.yaml");
  EXPECT_NE(bad.error().message.find("used twice"), std::string::npos);
}

TEST(RemoteWatcherTest, SignsAwsJsonCalls) {
  WatchEntry e{"w", "http://127.0.0.1:9000", "eu-west-1", "", 1000};
  guardian::AwsCredentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session"};
  auto c = sign_call(e, "ListStateMachines", "{}", creds, 1440938160000);  // 2015-08-30T12:36:00Z
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->url, "http://127.0.0.1:9000/");
  EXPECT_EQ(header(*c, "Host"), "127.0.0.1:9000");
  EXPECT_EQ(header(*c, "X-Amz-Target"), "AWSStepFunctions.ListStateMachines");
  EXPECT_EQ(header(*c, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(header(*c, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(header(*c, "X-Amz-Security-Token"), "session");
  std::regex shape(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/states/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}");
  EXPECT_TRUE(std::regex_match(header(*c, "Authorization"), shape)) << header(*c, "Authorization");
  // The same request signed twice gives the same signature; another body another one.
  auto c2 = sign_call(e, "ListStateMachines", "{}", creds, 1440938160000);
  auto c3 = sign_call(e, "ListStateMachines", "{\"maxResults\":1}", creds, 1440938160000);
  EXPECT_EQ(header(*c, "Authorization"), header(*c2, "Authorization"));
  EXPECT_NE(header(*c, "Authorization"), header(*c3, "Authorization"));
}

// A remote account that throttles its first `throttle` calls, in virtual time.
class FakeTransport final : public SfnTransport {
 public:
  guardian::HttpReply post(const SignedCall& call, const std::string& body) override {
    targets.push_back(header(call, "X-Amz-Target"));
    if (throttle > 0) {
      --throttle;
      return {400, "", R"({"__type":"ThrottlingException","message":"Rate exceeded"})", ""};
    }
    if (header(call, "X-Amz-Target") == "AWSStepFunctions.ListStateMachines")
      return {200, "",
              std::string(R"({"stateMachines":[{"stateMachineArn":")") + kArn +
                  R"(","name":"step1","type":"STANDARD","creationDate":1700000000}]})",
              ""};
    auto v = json::parse_json(body);
    EXPECT_EQ(v->find("maxResults")->as_int(), 1);
    return {200, "", latest, ""};
  }
  int throttle = 0;
  std::string latest = R"({"executions":[]})";
  std::vector<std::string> targets;
};

struct Harness {
  ManualClock clock;
  FakeTransport transport;
  std::vector<int64_t> sleeps;
  std::vector<std::pair<guardian::WatchStatus, std::optional<std::vector<guardian::RemoteMachine>>>> reports;
  bool have_credentials = true;

  WatcherDeps deps() {
    WatcherDeps d;
    d.clock = &clock;
    d.transport = &transport;
    d.credentials = [this](const std::string&) -> Result<guardian::AwsCredentials> {
      if (!have_credentials) return Error{"NoCredentials", "no AWS credentials: test"};
      return guardian::AwsCredentials{"AKID", "secret", ""};
    };
    d.report = [this](guardian::WatchStatus s, std::optional<std::vector<guardian::RemoteMachine>> m) {
      reports.emplace_back(std::move(s), std::move(m));
    };
    d.random = [] { return uint64_t{0}; };
    d.backoff = guardian::BackoffPolicy{1000, 8000, 3};
    d.sleep = [this](int64_t ms) {
      sleeps.push_back(ms);
      clock.now += ms;  // virtual time
      return true;
    };
    return d;
  }
};

TEST(RemoteWatcherTest, CycleBacksOffOnThrottlingInVirtualTime) {
  Harness h;
  h.transport.throttle = 2;
  h.transport.latest =
      R"({"executions":[{"executionArn":"arn:aws:states:eu-west-1:210987654321:execution:step1:e1","name":"e1",)"
      R"("status":"FAILED","startDate":1700000000,"stopDate":1700000001}]})";
  RemoteWatcher w({WatchEntry{"prod", "http://127.0.0.1:1", "eu-west-1", "", 60000}}, h.deps());
  int64_t t0 = h.clock.now;
  guardian::WatchStatus st = w.run_cycle(0);
  EXPECT_EQ(h.sleeps, (std::vector<int64_t>{500, 1000}));
  EXPECT_EQ(h.clock.now - t0, 1500);
  EXPECT_EQ(st.last_error, "");
  EXPECT_EQ(st.account, "210987654321");
  EXPECT_EQ(st.requests, 4);
  EXPECT_EQ(st.retries, 2);
  ASSERT_EQ(h.reports.size(), 1u);
  ASSERT_TRUE(h.reports[0].second);
  EXPECT_EQ((*h.reports[0].second)[0].latest->status, guardian::ExecStatus::kFailed);
}

TEST(RemoteWatcherTest, ErrorsAreReportedAndKeptUntilASuccess) {
  Harness h;
  h.have_credentials = false;
  RemoteWatcher w({WatchEntry{"prod", "http://127.0.0.1:1", "eu-west-1", "", 60000}}, h.deps());
  guardian::WatchStatus st = w.run_cycle(0);
  EXPECT_EQ(st.last_error, "NoCredentials: no AWS credentials: test");
  EXPECT_TRUE(h.transport.targets.empty());  // nothing is sent unsigned
  EXPECT_FALSE(h.reports.back().second);
  h.have_credentials = true;
  h.transport.throttle = 100;
  st = w.run_cycle(0);
  EXPECT_EQ(st.last_error, "ThrottlingException: ListStateMachines: Rate exceeded (gave up after 3 retries)");
  EXPECT_EQ(st.last_success_ms, 0);
  h.transport.throttle = 0;
  st = w.run_cycle(0);
  EXPECT_EQ(st.last_error, "");
  EXPECT_EQ(st.last_success_ms, h.clock.now);
}

TEST(RemoteWatcherTest, ThreadSamplesEveryInterval) {
  Harness h;
  WatcherDeps d = h.deps();
  std::mutex mu;
  std::vector<int64_t> waits;
  std::promise<void> done;
  d.sleep = [&](int64_t ms) {
    std::lock_guard<std::mutex> lock(mu);
    if (ms == 0) return true;  // "still running?" between samples
    waits.push_back(ms);
    h.clock.now += ms;
    if (waits.size() < 3) return true;
    done.set_value();
    return false;  // stop after the third interval
  };
  RemoteWatcher w({WatchEntry{"prod", "http://127.0.0.1:1", "eu-west-1", "", 15000}}, d);
  w.start();
  done.get_future().wait();
  w.stop();
  EXPECT_EQ(waits, (std::vector<int64_t>{15000, 15000, 15000}));
  EXPECT_EQ(h.reports.size(), 3u);
}

TEST(RemoteWatcherTest, GuardianShowsRemoteMachinesWithAccountAndMetrics) {
  GuardianConfig config;
  config.account.account_id = "123456789012";
  config.account.region = "us-east-1";
  GuardianService g(config, MachineSource{}, nullptr);
  ASSERT_TRUE(g.start(1700000000000).ok());
  guardian::WatchStatus st;
  st.name = "prod";
  st.endpoint = "http://x";
  st.region = "eu-west-1";
  guardian::RemoteMachine m{kArn, "step1", "STANDARD", std::nullopt};
  guardian::LatestExecution l;
  l.status = guardian::ExecStatus::kRunning;
  l.execution_arn = "arn:aws:states:eu-west-1:210987654321:execution:step1:e1";
  l.name = "e1";
  l.start_ms = 1700000000000;
  m.latest = l;
  g.update_remote(st, std::vector<guardian::RemoteMachine>{m}, 1700000001000);
  json::Value grid = g.state_machines({});
  ASSERT_EQ(grid.find("stateMachines")->size(), 1u);
  const json::Value& tile = (*grid.find("stateMachines"))[0];
  EXPECT_EQ(tile.find("account")->as_string(), "210987654321");
  EXPECT_EQ(tile.find("region")->as_string(), "eu-west-1");
  EXPECT_EQ(tile.find("latest")->find("status")->as_string(), "RUNNING");
  EXPECT_EQ((*grid.find("watches"))[0].find("account")->as_string(), "210987654321");

  // The same execution, now failed: counted once as started and once as failed.
  l.status = guardian::ExecStatus::kFailed;
  l.stop_ms = 1700000002000;
  m.latest = l;
  g.update_remote(st, std::vector<guardian::RemoteMachine>{m}, 1700000003000);
  g.update_remote(st, std::vector<guardian::RemoteMachine>{m}, 1700000004000);
  std::string prom = g.prometheus_text();
  EXPECT_NE(
      prom.find(
          R"(stepguard_executions_started_total{state_machine="step1",account="210987654321",region="eu-west-1"} 1)"),
      std::string::npos)
      << prom;
  EXPECT_NE(
      prom.find(
          R"(stepguard_latest_execution_status_code{state_machine="step1",account="210987654321",region="eu-west-1"} 3)"),
      std::string::npos)
      << prom;

  // A failed sample keeps the machines and shows the error.
  st.last_error = "ThrottlingException: Rate exceeded";
  g.update_remote(st, std::nullopt, 1700000005000);
  grid = g.state_machines({});
  EXPECT_EQ(grid.find("stateMachines")->size(), 1u);
  EXPECT_EQ((*grid.find("watches"))[0].find("lastError")->as_string(), "ThrottlingException: Rate exceeded");

  // Deleted remotely: gone from the grid.
  st.last_error.clear();
  g.update_remote(st, std::vector<guardian::RemoteMachine>{}, 1700000006000);
  EXPECT_EQ(g.state_machines({}).find("stateMachines")->size(), 0u);
}

}  // namespace
}  // namespace sg::cli
