#include "cli/config_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/task_executor_factory.h"

namespace sg::cli {
namespace {

TEST(ConfigFile, ReadsEverySetting) {
  auto c = parse_config_text(R"(
listen: 0.0.0.0:9000
data: state
account: "111122223333"
region: eu-west-1
partition: aws
time_scale: 0.001
log_format: json
durability: normal
history_retention_days: 7
metrics_retention_days: 30
io_threads: 4
task_threads: 8
functions:
  check: ./check.sh
  notify: http://127.0.0.1:9000/notify
  long:
    command: ./long.sh
    timeout_seconds: 30
    working_directory: fns
functions_file: more/functions.yaml
mock_config: mocks/MockConfigFile.json
connections:
  arn:aws:events:us-east-1:123456789012:connection/api/1:
    api_key: {name: x-api-key, value: s3cret}
topics:
  arn:aws:sns:us-east-1:123456789012:alerts:
    - file: alerts.log
)",
                             "stepguard.yaml", "/etc/sg");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->listen, "0.0.0.0:9000");
  EXPECT_EQ(c->data, "/etc/sg/state");  // relative paths: against the file's folder
  EXPECT_EQ(c->account, "111122223333");
  EXPECT_EQ(c->region, "eu-west-1");
  EXPECT_EQ(c->partition, "aws");
  EXPECT_DOUBLE_EQ(*c->time_scale, 0.001);
  EXPECT_EQ(c->log_format, "json");
  EXPECT_EQ(c->durability, "normal");
  EXPECT_EQ(c->history_retention_days, 7);
  EXPECT_EQ(c->metrics_retention_days, 30);
  EXPECT_EQ(c->io_threads, 4);
  EXPECT_EQ(c->task_threads, 8);
  ASSERT_EQ(c->functions.size(), 3u);
  EXPECT_EQ(c->functions.entries()[2].working_directory, "/etc/sg/fns");
  EXPECT_EQ(c->functions.entries()[2].timeout_seconds, 30);
  EXPECT_EQ(c->functions_file, "/etc/sg/more/functions.yaml");
  EXPECT_EQ(c->mock_config, "/etc/sg/mocks/MockConfigFile.json");
  ASSERT_TRUE(c->connections.IsMap());
  EXPECT_EQ(c->connections.size(), 1u);
  ASSERT_TRUE(c->topics.IsMap());
  EXPECT_EQ(c->topics.begin()->second[0]["file"].Scalar(), "alerts.log");
}

TEST(ConfigFile, AbsentSettingsStayUnset) {
  auto c = parse_config_text("functions:\n  f: echo {}\n", "c.yaml", "");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->listen);
  EXPECT_FALSE(c->time_scale);
  EXPECT_TRUE(c->mock_config.empty());
  EXPECT_FALSE(c->connections.IsMap());
  auto empty = parse_config_text("", "c.yaml", "");
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_TRUE(empty->functions.empty());
}

struct Bad {
  std::string text;
  std::string message;
};

TEST(ConfigFile, ErrorsNameTheFileLineAndKey) {
  const Bad cases[] = {
      {"listen: a:1\nlisen: b\n", "cfg.yaml:2:1: unknown key 'lisen' (expected listen, data,"},
      {"time_scale: fast\n", "cfg.yaml:1:13: time_scale must be a positive number, got 'fast'"},
      {"time_scale: 0\n", "cfg.yaml:1:13: time_scale must be a positive number, got '0'"},
      {"log_format: xml\n", "cfg.yaml:1:13: log_format must be text or json, got 'xml'"},
      {"durability: maybe\n", "cfg.yaml:1:13: durability must be full or normal, got 'maybe'"},
      {"io_threads: -1\n", "cfg.yaml:1:13: io_threads must be a positive integer, got '-1'"},
      {"metrics_retention_days: 0\n",
       "cfg.yaml:1:25: metrics_retention_days must be a positive integer, got '0'"},
      {"history_retention_days: [1]\n",
       "cfg.yaml:1:25: history_retention_days must be a non-negative integer"},
      {"connections: [a]\n", "cfg.yaml:1:14: connections must be a mapping, got a list"},
      {"mock_config: {a: 1}\n", "cfg.yaml:1:14: mock_config must be a non-empty string, got a mapping"},
      {"functions:\n  f:\n    command: x\n    timeout: 3\n",
       "cfg.yaml:4:5: unknown key 'timeout' in functions.f"},
      {"- a\n", "cfg.yaml:1:1: the config file must be a mapping, got a list"},
      {"listen: [\n", "cfg.yaml:2:1: invalid YAML"},
  };
  for (const Bad& b : cases) {
    auto c = parse_config_text(b.text, "cfg.yaml", "");
    ASSERT_FALSE(c.ok()) << b.text;
    EXPECT_EQ(c.error().message.substr(0, b.message.size()), b.message) << c.error().message;
  }
}

TEST(ConfigFile, MissingFileIsNamed) {
  auto c = read_config_file("/nonexistent/stepguard.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("/nonexistent/stepguard.yaml"), std::string::npos);
}

// ---- The router built from it ---------------------------------------------------------

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() / ("sg-config-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = (path_ / name).string();
    std::ofstream(p) << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

TEST(RouterTable, FlagsOverrideTheConfigFile) {
  TempDir dir;
  dir.write("mocks.json", R"({"StateMachines": {"M": {"TestCases": {"T": {}}}}})");
  dir.write("other.json", R"({"StateMachines": {"M": {"TestCases": {"U": {}}}}})");
  std::string cfg = dir.write("stepguard.yaml", "mock_config: mocks.json\nfunctions:\n  f: echo {}\n");
  RouterSources s;
  auto f = read_config_file(cfg);
  ASSERT_TRUE(f.ok()) << f.error().message;
  s.config = *f;
  auto t = make_router_table(s, RouterHost{});
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_TRUE((*t)->mocks);
  EXPECT_TRUE((*t)->mocks->has_test_case("M", "T"));
  ASSERT_NE((*t)->route_for("arn:aws:lambda:us-east-1:123456789012:function:f"), nullptr);
  EXPECT_EQ((*t)->route_for("arn:aws:states:::sqs:sendMessage"), nullptr);

  s.mock_config = dir.write("flag.json", R"({"StateMachines": {"M": {"TestCases": {"V": {}}}}})");
  t = make_router_table(s, RouterHost{});
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_FALSE((*t)->mocks->has_test_case("M", "T"));
  EXPECT_TRUE((*t)->mocks->has_test_case("M", "V"));
}

TEST(RouterTable, ABadMockConfigIsAnError) {
  TempDir dir;
  RouterSources s;
  s.mock_config = dir.write("mocks.json", R"({"MockedResponses": {"X": {"1-a": {"Return": 1}}}})");
  auto t = make_router_table(s, RouterHost{});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("mocks.json: MockedResponses.X.\"1-a\": invalid invocation key"),
            std::string::npos)
      << t.error().message;
}

}  // namespace
}  // namespace sg::cli
