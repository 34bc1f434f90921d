#include "integrations/command_function.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "integrations/subprocess.h"
#include "json/parse.h"

namespace sg::integrations {
namespace {

const std::string kFixtures = std::string(STEPGUARD_SOURCE_DIR) + "/tests/data/functions";

FunctionOutcome run(const std::string& command, std::string_view event = "{}", int64_t timeout_ms = 0,
                    std::vector<std::pair<std::string, std::string>> env = {}, std::string wd = "") {
  CommandFunction fn(CommandOptions{"my-fn", command, std::move(env), std::move(wd)});
  FunctionCall call;
  call.event = event;
  call.timeout_ms = timeout_ms;
  return fn.call(call);
}

json::Value parse(std::string_view text) { return json::parse_json(text).value(); }

TEST(CommandFunction, StdoutIsTheResultAndStdinTheEvent) {
  auto o = run("cat", R"({"a":[1,2,{"b":null}],"s":"é"})");
  ASSERT_TRUE(o.ok) << o.error << ": " << o.cause;
  EXPECT_EQ(o.output, parse(R"({"a":[1,2,{"b":null}],"s":"é"})"));
  EXPECT_EQ(o.payload_bytes, std::string_view(R"({"a":[1,2,{"b":null}],"s":"é"})").size());

  auto scalar = run("printf '  42\\n'");
  ASSERT_TRUE(scalar.ok);
  EXPECT_EQ(scalar.output, json::Value::integer(42));
}

TEST(CommandFunction, EmptyStdoutIsNull) {
  auto o = run("true");
  ASSERT_TRUE(o.ok);
  EXPECT_TRUE(o.output.is_null());
  EXPECT_EQ(o.payload_bytes, 0u);
}

TEST(CommandFunction, ErrorTypeObjectIsAFunctionErrorEvenWithExitZero) {
  auto o = run(R"(printf '{"errorMessage":"boom","errorType":"CustomError","stackTrace":["a.py:1"]}')");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "CustomError");
  EXPECT_EQ(o.cause, R"({"errorMessage":"boom","errorType":"CustomError","stackTrace":["a.py:1"]})");

  auto failing = run(R"(printf '{"errorType":"Exception","errorMessage":"x"}'; exit 1)");
  ASSERT_FALSE(failing.ok);
  EXPECT_EQ(failing.error, "Exception");
  EXPECT_EQ(failing.cause, R"({"errorType":"Exception","errorMessage":"x"})");  // fields kept as given
}

TEST(CommandFunction, NonZeroExitIsLambdaUnknownWithStatusAndStderr) {
  auto o = run("echo starting >&2; echo 'Traceback: it broke' >&2; exit 3");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "Lambda.Unknown");
  EXPECT_EQ(o.cause,
            "local function 'my-fn' (echo starting >&2; echo 'Traceback: it broke' >&2; exit 3) exited with "
            "status 3; "
            "stderr:\nstarting\nTraceback: it broke");

  auto quiet = run("echo '{\"ok\":true}'; exit 1");  // valid JSON, but the process failed
  ASSERT_FALSE(quiet.ok);
  EXPECT_EQ(quiet.error, "Lambda.Unknown");
  EXPECT_EQ(quiet.cause,
            "local function 'my-fn' (echo '{\"ok\":true}'; exit 1) exited with status 1 and wrote "
            "nothing to stderr");

  auto killed = run("kill -9 $$");
  ASSERT_FALSE(killed.ok);
  EXPECT_EQ(killed.error, "Lambda.Unknown");
  EXPECT_NE(killed.cause.find("was killed by signal 9"), std::string::npos) << killed.cause;
}

TEST(CommandFunction, StderrCauseKeepsOnlyTheLast4KB) {
  auto o = run("python3 -c \"import sys; sys.stderr.write('A' * 10000 + 'END')\"; exit 2");
  ASSERT_FALSE(o.ok);
  size_t at = o.cause.find("stderr (last 4 KB):\n");
  ASSERT_NE(at, std::string::npos) << o.cause;
  std::string tail = o.cause.substr(at + std::string("stderr (last 4 KB):\n").size());
  EXPECT_EQ(tail.size(), CommandFunction::kStderrTail);
  EXPECT_TRUE(tail.ends_with("AEND"));
}

TEST(CommandFunction, StdoutThatIsNotJsonIsLambdaUnknown) {
  auto o = run("echo hello world");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "Lambda.Unknown");
  EXPECT_TRUE(o.cause.starts_with("local function 'my-fn' returned a payload that is not JSON (")) << o.cause;
  EXPECT_TRUE(o.cause.ends_with("): hello world\n")) << o.cause;
}

TEST(CommandFunction, TimeoutKillsTheWholeProcessGroup) {
  namespace fs = std::filesystem;
  fs::path marker = fs::temp_directory_path() / ("sg_cmd_timeout_" + std::to_string(::getpid()));
  fs::remove(marker);
  auto start = std::chrono::steady_clock::now();
  // A grandchild that would write the marker after 1 s; killing only the shell would miss it.
  auto o = run("(sleep 1; touch " + marker.string() + ") & sleep 30", "{}", 300);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "States.Timeout");
  EXPECT_EQ(o.cause, "");
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  EXPECT_FALSE(fs::exists(marker)) << "the background child survived the timeout";
  fs::remove(marker);
}

TEST(CommandFunction, TimeoutAlsoAppliesAfterStdoutCloses) {
  auto o = run("exec >&- 2>&-; sleep 30", "{}", 300);
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "States.Timeout");
}

TEST(CommandFunction, OneMegabyteEachWayDoesNotDeadlock) {
  // cat echoes as it reads: stdin and stdout must be serviced together.
  std::string big = "{\"data\":\"" + std::string(1 << 20, 'x') + "\",\"n\":1}";
  auto o = run("cat", big, 20000);
  ASSERT_TRUE(o.ok) << o.error << ": " << o.cause.substr(0, 300);
  EXPECT_EQ(o.payload_bytes, big.size());
  EXPECT_EQ(o.output.find("data")->as_string().size(), size_t{1} << 20);

  // A large reply to a small event, and a small reply to a large event that is not read.
  auto out = run("python3 -c \"import json; print(json.dumps({'d': 'y' * (1 << 20)}))\"", "{}", 20000);
  ASSERT_TRUE(out.ok) << out.cause;
  EXPECT_EQ(out.output.find("d")->as_string().size(), size_t{1} << 20);
  auto ignored = run("echo '{\"ignored\":true}'", big, 20000);
  ASSERT_TRUE(ignored.ok) << ignored.cause;
  EXPECT_EQ(ignored.output, parse(R"({"ignored":true})"));
}

TEST(CommandFunction, ResponsesOverSixMegabytesFailAsLambdaDoes) {
  auto o = run("head -c 7000000 /dev/zero | tr '\\0' '1'", "{}", 20000);
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "Function.ResponseSizeTooLarge");
  EXPECT_EQ(o.cause,
            "{\"errorMessage\":\"Response payload size exceeded maximum allowed payload size (6291556 "
            "bytes).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}");
}

TEST(CommandFunction, EnvironmentAndFunctionName) {
  ::setenv("SG_TEST_INHERITED", "from-parent", 1);
  ::setenv("SG_TEST_OVERRIDDEN", "parent", 1);
  auto o = run(R"(printf '{"name":"%s","inherited":"%s","overridden":"%s","extra":"%s"}' )"
               R"("$AWS_LAMBDA_FUNCTION_NAME" "$SG_TEST_INHERITED" "$SG_TEST_OVERRIDDEN" "$EXTRA")",
               "{}", 0, {{"SG_TEST_OVERRIDDEN", "configured"}, {"EXTRA", "a b=c"}});
  ASSERT_TRUE(o.ok) << o.cause;
  EXPECT_EQ(o.output, parse(R"({"name":"my-fn","inherited":"from-parent","overridden":"configured",)"
                            R"("extra":"a b=c"})"));
}

TEST(CommandFunction, WorkingDirectory) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("sg_cmd_wd_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "handler.sh") << "printf '{\"here\":\"%s\"}' \"$(pwd)\"\n";
  auto o = run("sh ./handler.sh", "{}", 0, {}, dir.string());
  ASSERT_TRUE(o.ok) << o.cause;
  EXPECT_EQ(o.output.find("here")->as_string(), fs::canonical(dir).string());
  fs::remove_all(dir);
}

TEST(CommandFunction, CommandThatCannotStartIsAServiceException) {
  auto o = run("cat", "{}", 0, {}, "/definitely/not/a/dir");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "Lambda.ServiceException");
  EXPECT_EQ(o.cause,
            "Could not start local function 'my-fn': /bin/sh -c 'cat' in directory '/definitely/not/a/dir': "
            "No such file or directory");
}

TEST(CommandFunction, MissingProgramIsReportedThroughTheShell) {
  auto o = run("sg-no-such-program-xyz");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "Lambda.Unknown");
  EXPECT_NE(o.cause.find("exited with status 127"), std::string::npos) << o.cause;
  EXPECT_NE(o.cause.find("not found"), std::string::npos) << o.cause;
}

TEST(CommandFunction, ConcurrentCallsAreIndependent) {
  CommandFunction fn(CommandOptions{"echo", "cat", {}, ""});
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::string event = "{\"t\":" + std::to_string(t) + "}";
      for (int i = 0; i < 5; ++i) {
        FunctionCall c;
        c.event = event;
        auto o = fn.call(c);
        if (o.ok && o.output.find("t")->as_int() == t) ++ok[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(ok[t], 5) << t;
}

TEST(CommandFunction, Fixtures) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("sg_cmd_fixtures_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string counter = (dir / "count").string();
  CommandFunction status(CommandOptions{
      "status", "python3 " + kFixtures + "/status_500_twice.py", {{"COUNTER_FILE", counter}}, ""});
  FunctionCall c;
  c.event = R"({"orderId":"o-1"})";
  EXPECT_EQ(status.call(c).output, parse(R"({"statusCode":500,"event":{"orderId":"o-1"}})"));
  EXPECT_EQ(status.call(c).output, parse(R"({"statusCode":500,"event":{"orderId":"o-1"}})"));
  EXPECT_EQ(status.call(c).output, parse(R"({"statusCode":200,"body":"ok","event":{"orderId":"o-1"}})"));

  CommandFunction check(CommandOptions{"check",
                                       "python3 " + kFixtures + "/instance_check.py",
                                       {{"COUNTER_DIR", dir.string()}, {"READY_AFTER", "3"}},
                                       ""});
  c.event = R"({"InstanceId":"i-0abc"})";
  for (int i = 1; i <= 2; ++i) {
    auto o = check.call(c);
    ASSERT_FALSE(o.ok);
    EXPECT_EQ(o.error, "InstanceNotYetStartedException");
    EXPECT_EQ(
        o.cause,
        R"({"errorMessage":"instance i-0abc not started","errorType":"InstanceNotYetStartedException"})");
  }
  auto ready = check.call(c);
  ASSERT_TRUE(ready.ok) << ready.cause;
  EXPECT_EQ(ready.output, parse(R"({"InstanceId":"i-0abc","status":"running","checks":3})"));
  c.event = R"({"InstanceId":"i-other"})";  // counted per instance
  EXPECT_EQ(check.call(c).error, "InstanceNotYetStartedException");
  fs::remove_all(dir);
}

TEST(Subprocess, ReportsExitCodeAndKeepsTheCallerAliveWhenStdinIsClosedEarly) {
  // The child exits at once without reading 4 MB of input: writing must fail with EPIPE,
  // not kill the test with SIGPIPE.
  std::string input(4 << 20, 'z');
  char sh[] = "/bin/sh", dash_c[] = "-c", cmd[] = "exit 5";
  char* argv[] = {sh, dash_c, cmd, nullptr};
  SubprocessSpec spec;
  spec.argv = argv;
  spec.input = input;
  SubprocessResult r = run_subprocess(spec);
  EXPECT_TRUE(r.started);
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 5);
}

}  // namespace
}  // namespace sg::integrations

namespace sg::integrations {
namespace {

TEST(CommandFunction, AtMostMaxConcurrencyProcessesRunAtOnce) {
  CommandFunction fn(CommandOptions{"pool", "sleep 0.3; echo 1", {}, "", /*max_concurrency=*/2});
  std::vector<FunctionCall> calls(6);
  for (auto& c : calls) c.event = "{}";
  std::vector<FunctionOutcome> outcomes(6);
  std::atomic<int> peak{0};
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done) {
      peak = std::max(peak.load(), fn.running());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  auto t0 = std::chrono::steady_clock::now();
  fn.call_all(calls, outcomes, 6, nullptr);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  done = true;
  watcher.join();
  for (const auto& o : outcomes) EXPECT_TRUE(o.ok) << o.error << ": " << o.cause;
  EXPECT_EQ(peak.load(), 2);
  EXPECT_GE(elapsed, std::chrono::milliseconds(850));  // three waves of two
}

TEST(CommandFunction, AWithdrawnCallStopsWaitingForASlot) {
  CommandFunction fn(CommandOptions{"pool", "sleep 1; echo 1", {}, "", 1});
  std::thread busy([&] {
    FunctionCall c;
    c.event = "{}";
    (void)fn.call(c);
  });
  while (fn.running() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::atomic<bool> withdrawn{true};
  FunctionCall c;
  c.event = "{}";
  c.withdrawn = &withdrawn;
  auto t0 = std::chrono::steady_clock::now();
  FunctionOutcome o = fn.call(c);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
  EXPECT_FALSE(o.ok);
  busy.join();
}

}  // namespace
}  // namespace sg::integrations
