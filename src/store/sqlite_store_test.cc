// SqliteStore on real files: what is written in a committed batch is there after reopening,
// what was not committed is not, and retention purges closed executions only.
#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace sg::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string leaf = "sg-store-";
    leaf += std::to_string(::getpid());
    leaf += '-';
    leaf += ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = std::filesystem::temp_directory_path() / leaf;
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<SqliteStore> open() {
    auto s = SqliteStore::open(dir_.string());
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(s).value() : nullptr;
  }
  ExecutionRow row(std::string name, std::string status, int64_t start, int64_t stop) {
    ExecutionRow r;
    r.arn = "arn:aws:states:us-east-1:123456789012:execution:sm:";
    r.arn += name;
    r.state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:sm";
    r.name = std::move(name);
    r.status = std::move(status);
    r.start_ms = start;
    r.stop_ms = stop;
    r.doc = json::Value::empty_object();
    return r;
  }
  std::filesystem::path dir_;
};

TEST_F(SqliteStoreTest, CommittedBatchSurvivesReopenAndUncommittedDoesNot) {
  {
    auto s = open();
    ASSERT_TRUE(s->begin().ok());
    ExecutionRow r = row("kept", "RUNNING", 1000, 0);
    s->insert_execution(r);
    s->append_event(r.id, 1, R"({"id":1})");
    s->append_journal(r.id, 1, R"({"k":"adv","t":5})");
    s->put_resource("activity", "arn:a", json::Value::empty_object());
    ASSERT_TRUE(s->commit().ok());
    ASSERT_TRUE(s->begin().ok());
    ExecutionRow lost = row("lost", "RUNNING", 2000, 0);
    s->insert_execution(lost);
    // No commit: the store closes with the batch open, which abandons it as a crash does.
  }
  auto s = open();
  auto kept = s->find_execution("arn:aws:states:us-east-1:123456789012:execution:sm:kept");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->status, "RUNNING");
  EXPECT_EQ(s->events(kept->id, 1, 0, false, 10), std::vector<std::string>{R"({"id":1})"});
  EXPECT_EQ(s->journal(kept->id), std::vector<std::string>{R"({"k":"adv","t":5})"});
  EXPECT_EQ(s->event_count(kept->id), 1);
  EXPECT_EQ(s->load_resources().size(), 1u);
  EXPECT_EQ(s->open_executions().size(), 1u);
}

TEST_F(SqliteStoreTest, ListsNewestFirstWithKeysetPagesAndFilters) {
  auto s = open();
  for (int i = 0; i < 5; ++i) {
    std::string name = "e";
    name += std::to_string(i);
    ExecutionRow r = row(name, i % 2 ? "FAILED" : "SUCCEEDED", 1000 + i, 2000 + i);
    s->insert_execution(r);
  }
  ExecutionFilter f;
  f.state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:sm";
  f.limit = 2;
  auto page1 = s->list_executions(f);
  ASSERT_EQ(page1.size(), 2u);
  EXPECT_EQ(page1[0].name, "e4");
  EXPECT_EQ(page1[1].name, "e3");
  f.before = {page1[1].start_ms, page1[1].id};
  auto page2 = s->list_executions(f);
  EXPECT_EQ(page2[0].name, "e2");
  f.before.reset();
  f.limit = 10;
  f.status = "FAILED";
  EXPECT_EQ(s->list_executions(f).size(), 2u);
}

TEST_F(SqliteStoreTest, RetentionPurgesClosedExecutionsOnly) {
  auto s = open();
  ExecutionRow old_closed = row("old", "SUCCEEDED", 100, 200);
  ExecutionRow recent = row("recent", "FAILED", 100, 5000);
  ExecutionRow running = row("running", "RUNNING", 100, 0);
  for (ExecutionRow* r : {&old_closed, &recent, &running}) {
    s->insert_execution(*r);
    s->append_event(r->id, 1, "{}");
  }
  EXPECT_EQ(s->purge_closed_before(1000), 1);
  EXPECT_FALSE(s->find_execution(old_closed.arn).has_value());
  EXPECT_EQ(s->event_count(old_closed.id), 0);
  EXPECT_TRUE(s->find_execution(recent.arn).has_value());
  EXPECT_TRUE(s->find_execution(running.arn).has_value());
}

TEST_F(SqliteStoreTest, UnwritableDirectoryIsAnError) {
  auto s = SqliteStore::open("/proc/stepguard-cannot-be-here");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "STORE");
  EXPECT_NE(s.error().message.find("/proc/stepguard-cannot-be-here"), std::string::npos);
}

TEST_F(SqliteStoreTest, ADirectoryInUseCannotBeOpenedAgainUntilItIsClosed) {
  // Two servers on one directory would both resume, and both run, every open execution.
  auto first = open();
  ASSERT_NE(first, nullptr);
  auto second = SqliteStore::open(dir_.string());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "STORE");
  EXPECT_NE(second.error().message.find("in use"), std::string::npos) << second.error().message;
  first.reset();
  EXPECT_NE(open(), nullptr);
}

}  // namespace
}  // namespace sg::store
