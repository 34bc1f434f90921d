#include "guardian/latest_status.h"

#include <gtest/gtest.h>

namespace sg::guardian {
namespace {

const std::string kMachine = "arn:aws:states:us-east-1:123456789012:stateMachine:step1";

ExecutionUpdate exec(const char* name, ExecStatus s, int64_t start, int64_t seq = 0) {
  ExecutionUpdate u;
  u.status = s;
  u.name = name;
  u.execution_arn = std::string("arn:aws:states:us-east-1:123456789012:execution:step1:") + name;
  u.start_ms = start;
  u.start_seq = seq;
  return u;
}

TEST(LatestStatusTest, SeedNumericMapping) {
  EXPECT_EQ(status_code(ExecStatus::kNone), 0);
  EXPECT_EQ(status_code(ExecStatus::kRunning), 1);
  EXPECT_EQ(status_code(ExecStatus::kSucceeded), 2);
  EXPECT_EQ(status_code(ExecStatus::kFailed), 3);
  EXPECT_EQ(status_code(ExecStatus::kTimedOut), 4);
  EXPECT_EQ(status_code(ExecStatus::kAborted), 5);
  EXPECT_EQ(status_code(ExecStatus::kPendingRedrive), 0);
  EXPECT_EQ(status_code(parse_exec_status("TIMED_OUT")), 4);
  EXPECT_EQ(parse_exec_status("nonsense"), ExecStatus::kNone);
}

TEST(LatestStatusTest, NeverRunHasNoRecord) {
  LatestStatusBoard board;
  EXPECT_EQ(board.find(kMachine), nullptr);
}

TEST(LatestStatusTest, SameExecutionProgresses) {
  LatestStatusBoard board;
  EXPECT_TRUE(board.apply(kMachine, exec("a", ExecStatus::kRunning, 1000, 1)));
  ExecutionUpdate done = exec("a", ExecStatus::kFailed, 1000, 1);
  done.stop_ms = 5000;
  done.error = "States.TaskFailed";
  done.cause = "boom";
  EXPECT_TRUE(board.apply(kMachine, done));
  const LatestExecution* r = board.find(kMachine);
  EXPECT_EQ(r->status, ExecStatus::kFailed);
  EXPECT_EQ(*r->stop_ms, 5000);
  EXPECT_EQ(r->error, "States.TaskFailed");
  EXPECT_EQ(r->cause, "boom");
  EXPECT_FALSE(board.apply(kMachine, done));  // duplicate delivery changes nothing
}

TEST(LatestStatusTest, LateFinishOfAnOlderExecutionDoesNotOverwrite) {
  LatestStatusBoard board;
  board.apply(kMachine, exec("old", ExecStatus::kRunning, 1000, 1));
  board.apply(kMachine, exec("new", ExecStatus::kRunning, 2000, 2));
  EXPECT_FALSE(board.apply(kMachine, exec("old", ExecStatus::kFailed, 1000, 1)));
  EXPECT_EQ(board.find(kMachine)->name, "new");
  EXPECT_EQ(board.find(kMachine)->status, ExecStatus::kRunning);
  EXPECT_TRUE(board.apply(kMachine, exec("new", ExecStatus::kSucceeded, 2000, 2)));
  EXPECT_EQ(board.find(kMachine)->status, ExecStatus::kSucceeded);
}

TEST(LatestStatusTest, EqualStartDatesAreOrderedByStartSequence) {
  LatestStatusBoard board;
  board.apply(kMachine, exec("second", ExecStatus::kRunning, 1000, 2));
  EXPECT_FALSE(board.apply(kMachine, exec("first", ExecStatus::kSucceeded, 1000, 1)));
  EXPECT_EQ(board.find(kMachine)->name, "second");
}

TEST(LatestStatusTest, EqualKeysLaterArrivalWins) {
  LatestStatusBoard board;
  board.apply(kMachine, exec("a", ExecStatus::kRunning, 1000));
  EXPECT_TRUE(board.apply(kMachine, exec("b", ExecStatus::kRunning, 1000)));
  EXPECT_EQ(board.find(kMachine)->name, "b");
}

TEST(LatestStatusTest, RedriveReturnsTheSameExecutionToRunning) {
  LatestStatusBoard board;
  board.apply(kMachine, exec("a", ExecStatus::kFailed, 1000, 1));
  EXPECT_TRUE(board.apply(kMachine, exec("a", ExecStatus::kRunning, 1000, 1)));
  EXPECT_EQ(board.find(kMachine)->status, ExecStatus::kRunning);
}

}  // namespace
}  // namespace sg::guardian
