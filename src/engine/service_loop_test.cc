// ServiceLoop: work runs in batches, each batch commits once, replies leave only after the
// commit (and learn when it failed), timers fire through on_time.
#include "engine/service_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <vector>

namespace sg::engine {
namespace {

class ManualClock final : public Clock {
 public:
  int64_t now_ms() override { return now.load(); }
  std::atomic<int64_t> now{1000};
};

struct Recorder {
  std::mutex mu;
  std::vector<std::string> log;
  void add(std::string s) {
    std::lock_guard<std::mutex> lock(mu);
    log.push_back(std::move(s));
  }
};

TEST(ServiceLoop, RepliesLeaveAfterTheBatchCommits) {
  ManualClock clock;
  Recorder rec;
  LoopHooks hooks;
  hooks.begin_batch = [&] {
    rec.add("begin");
    return Status::Ok();
  };
  hooks.commit_batch = [&] {
    rec.add("commit");
    return Status::Ok();
  };
  ServiceLoop loop(clock, hooks);
  std::promise<bool> replied;
  loop.post([&] {
    rec.add("work");
    loop.after_commit([&](bool committed) {
      rec.add("reply");
      replied.set_value(committed);
    });
  });
  loop.start();
  auto f = replied.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(f.get());
  loop.stop();
  std::lock_guard<std::mutex> lock(rec.mu);
  ASSERT_GE(rec.log.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(rec.log.begin(), rec.log.begin() + 4),
            (std::vector<std::string>{"begin", "work", "commit", "reply"}));
}

TEST(ServiceLoop, AFailedCommitIsReportedToTheReplies) {
  ManualClock clock;
  LoopHooks hooks;
  hooks.commit_batch = [] { return Status::Fail("STORE", "disk full"); };
  std::atomic<int> failures{0};
  hooks.on_commit_failure = [&](const Error& e) {
    EXPECT_EQ(e.message, "disk full");
    ++failures;
  };
  ServiceLoop loop(clock, hooks);
  std::promise<bool> replied;
  loop.post([&] { loop.after_commit([&](bool committed) { replied.set_value(committed); }); });
  loop.start();
  auto f = replied.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_FALSE(f.get());
  loop.stop();
  EXPECT_GE(failures.load(), 1);
}

TEST(ServiceLoop, DueTimersFireThroughOnTime) {
  ManualClock clock;
  std::atomic<int64_t> due{5000};
  std::promise<int64_t> fired;
  std::atomic<bool> done{false};
  LoopHooks hooks;
  hooks.next_wakeup = [&]() -> std::optional<int64_t> {
    if (done) return std::nullopt;
    return due.load();
  };
  hooks.on_time = [&](int64_t now) {
    if (!done && now >= due) {
      done = true;
      fired.set_value(now);
    }
  };
  ServiceLoop loop(clock, hooks);
  loop.start();
  clock.now = 4999;
  loop.post([] {});  // a batch before the timer is due fires nothing
  clock.now = 5000;
  loop.post([] {});  // wakes the loop now that the clock has moved
  auto f = fired.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(f.get(), 5000);
  loop.stop();
}

TEST(ServiceLoop, StopRunsWhatIsQueuedAndDropsLaterWork) {
  ManualClock clock;
  std::atomic<int> ran{0};
  ServiceLoop loop(clock, LoopHooks{});
  loop.start();
  for (int i = 0; i < 100; ++i) loop.post([&] { ++ran; });
  loop.stop();
  EXPECT_EQ(ran.load(), 100);
  loop.post([&] { ++ran; });
  EXPECT_EQ(ran.load(), 100);
}

}  // namespace
}  // namespace sg::engine
