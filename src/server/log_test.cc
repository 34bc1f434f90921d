#include "common/log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace sg::log {
namespace {

using std::chrono::system_clock;

// 2026-11-21T10:00:00.123Z
system_clock::time_point fixed_time() {
  return system_clock::time_point(std::chrono::milliseconds(1795255200123));
}

// Collects lines for one test and restores the default configuration afterwards.
class LogTest : public ::testing::Test {
 protected:
  void use(Format format, Level min_level = Level::kInfo) {
    configure({.format = format, .min_level = min_level, .sink = [this](std::string_view line) {
                 lines_.emplace_back(line);  // the sink runs under the logger's mutex
               }});
  }
  void TearDown() override { configure({}); }

  std::vector<std::string> lines_;
};

TEST(LogFormatTest, Text) {
  EXPECT_EQ(format_line(Format::kText, Level::kInfo, fixed_time(), "listening",
                        {{"address", "127.0.0.1:8083"}, {"threads", 2}, {"ratio", 0.5}, {"tls", false}}),
            "2026-11-21T10:00:00.123Z INFO listening address=127.0.0.1:8083 threads=2 ratio=0.5 tls=false");
  EXPECT_EQ(format_line(Format::kText, Level::kWarn, fixed_time(), "slow",
                        {{"what", "quoted value"}, {"empty", ""}}),
            R"(2026-11-21T10:00:00.123Z WARN slow what="quoted value" empty="")");
  EXPECT_EQ(format_line(Format::kText, Level::kError, fixed_time(), "two\nlines", {{"k", "a=b"}}),
            R"(2026-11-21T10:00:00.123Z ERROR two\nlines k="a=b")");
}

TEST(LogFormatTest, Json) {
  size_t size = 42;
  EXPECT_EQ(format_line(Format::kJson, Level::kInfo, fixed_time(), "started",
                        {{"name", std::string("x")}, {"size", size}, {"ok", true}, {"ms", -1.25}}),
            R"({"time":"2026-11-21T10:00:00.123Z","level":"info","msg":"started",)"
            R"("name":"x","size":42,"ok":true,"ms":-1.25})");
  EXPECT_EQ(format_line(Format::kJson, Level::kError, fixed_time(), "m",
                        {{"nan", std::numeric_limits<double>::quiet_NaN()}}),
            R"({"time":"2026-11-21T10:00:00.123Z","level":"error","msg":"m","nan":null})");
}

TEST(LogFormatTest, EscapesControlCharactersQuotesBackslashesAndBadUtf8) {
  std::string nasty = std::string("a\"b\\c\n\r\t") + '\x01' + '\x1f' + "\xC3\xA9" + "\xFF" + "\xE2\x82" + "z";
  EXPECT_EQ(format_line(Format::kJson, Level::kInfo, fixed_time(), nasty, {{"v", nasty}}),
            R"({"time":"2026-11-21T10:00:00.123Z","level":"info","msg":")"
            R"(a\"b\\c\n\r\t\u0001\u001f)"
            "\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz"
            R"(","v":")"
            R"(a\"b\\c\n\r\t\u0001\u001f)"
            "\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz"
            R"("})");
  EXPECT_EQ(format_line(Format::kText, Level::kInfo, fixed_time(), "m", {{"v", "\x01\xFF"}}),
            "2026-11-21T10:00:00.123Z INFO m v=\"\\u0001\xEF\xBF\xBD\"");
}

TEST(LogFormatTest, TimeBeforeTheEpochAndOnSecondBoundaries) {
  EXPECT_EQ(format_line(Format::kText, Level::kInfo, system_clock::time_point(std::chrono::milliseconds(-1)),
                        "m", {}),
            "1969-12-31T23:59:59.999Z INFO m");
  EXPECT_EQ(
      format_line(Format::kText, Level::kInfo, system_clock::time_point(std::chrono::seconds(0)), "m", {}),
      "1970-01-01T00:00:00.000Z INFO m");
}

TEST_F(LogTest, WritesThroughTheSinkWithTheSystemClock) {
  use(Format::kJson);
  info("hello", {{"k", 1}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_TRUE(std::regex_match(
      lines_[0],
      std::regex(
          R"(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info","msg":"hello","k":1\})")))
      << lines_[0];
}

TEST_F(LogTest, FiltersBelowTheMinimumLevel) {
  use(Format::kText, Level::kWarn);
  info("dropped");
  warn("kept warn");
  error("kept error");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_NE(lines_[0].find(" WARN kept warn"), std::string::npos);
  EXPECT_NE(lines_[1].find(" ERROR kept error"), std::string::npos);
}

TEST_F(LogTest, ConcurrentWritersProduceWholeLines) {
  use(Format::kJson);
  constexpr int kThreads = 8;
  constexpr int kLines = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      std::string payload(100 + t, static_cast<char>('a' + t));
      for (int i = 0; i < kLines; ++i) info("line", {{"thread", t}, {"i", i}, {"payload", payload}});
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(lines_.size(), static_cast<size_t>(kThreads * kLines));
  std::regex whole(
      R"re(\{"time":"[^"]+","level":"info","msg":"line","thread":(\d),"i":\d+,"payload":"([a-h]+)"\})re");
  std::vector<int> per_thread(kThreads);
  for (const auto& line : lines_) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, whole)) << line;
    int t = std::stoi(m[1]);
    EXPECT_EQ(m[2].str(), std::string(100 + t, static_cast<char>('a' + t)));
    ++per_thread[t];
  }
  for (int count : per_thread) EXPECT_EQ(count, kLines);
}

}  // namespace
}  // namespace sg::log
