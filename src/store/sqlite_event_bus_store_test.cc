// SqliteEventBusStore on real files: buses, rules with their targets, correlation waiters
// and schedule fire times written in a committed batch are there after reopening; a batch
// that was not committed leaves nothing behind; a data directory from before the event
// bus opens and gains the tables.
#include "store/sqlite_event_bus_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "json/parse.h"

namespace sg::store {
namespace {

class SqliteEventBusStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string leaf = "sg-evstore-";
    leaf += std::to_string(::getpid());
    leaf += '-';
    leaf += ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = std::filesystem::temp_directory_path() / leaf;
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void open() {
    events_.reset();
    store_.reset();
    auto s = SqliteStore::open(dir_.string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    auto e = SqliteEventBusStore::open(*store_);
    ASSERT_TRUE(e.ok()) << e.error().message;
    events_ = std::move(e).value();
  }
  events::RuleRecord rule(std::string name) {
    events::RuleRecord r;
    r.bus = "default";
    r.name = std::move(name);
    r.event_pattern = R"({"source":["shop"]})";
    r.description = "orders";
    r.targets.push_back(
        *json::parse_json(R"({"Id":"t1","Arn":"arn:aws:states:us-east-1:123456789012:stateMachine:orders",)"
                          R"("KinesisParameters":{"PartitionKeyPath":"$.detail.order_id"}})"));
    r.created_ms = 1700000000000;
    return r;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<SqliteEventBusStore> events_;
};

TEST_F(SqliteEventBusStoreTest, RulesAndTargetsSurviveARestart) {
  open();
  ASSERT_TRUE(store_->begin().ok());
  events_->put_bus(events::BusRecord{"default", std::nullopt, 1, 1});
  events_->put_bus(events::BusRecord{"orders", "order events", 2, 3});
  events_->put_rule(rule("placed"));
  events::RuleRecord sched;
  sched.bus = "default";
  sched.name = "nightly";
  sched.schedule_expression = "cron(0 3 * * ? *)";
  sched.state = "DISABLED";
  events_->put_rule(sched);
  events_->set_last_fire("default", "nightly", 1234);
  ASSERT_TRUE(store_->commit().ok());

  open();
  ASSERT_EQ(events_->buses().size(), 2u);
  EXPECT_EQ(events_->bus("orders")->description.value_or(""), "order events");
  EXPECT_EQ(events_->bus("orders")->modified_ms, 3);
  auto rules = events_->rules("default");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].name, "nightly");  // sorted by name
  EXPECT_EQ(rules[0].state, "DISABLED");
  EXPECT_FALSE(rules[0].event_pattern.has_value());
  auto placed = events_->rule("default", "placed");
  ASSERT_TRUE(placed);
  EXPECT_EQ(*placed->event_pattern, R"({"source":["shop"]})");
  ASSERT_EQ(placed->targets.size(), 1u);
  EXPECT_EQ(placed->targets[0].dump(), rule("placed").targets[0].dump());
  EXPECT_EQ(placed->created_ms, 1700000000000);
  EXPECT_EQ(events_->last_fire("default", "nightly").value_or(0), 1234);

  events_->delete_rule("default", "nightly");
  events_->delete_bus("orders");
  open();
  EXPECT_EQ(events_->buses().size(), 1u);
  EXPECT_EQ(events_->rules("default").size(), 1u);
  EXPECT_FALSE(events_->last_fire("default", "nightly"));
}

TEST_F(SqliteEventBusStoreTest, AnUncommittedBatchLeavesNothing) {
  open();
  ASSERT_TRUE(store_->begin().ok());
  events_->put_rule(rule("placed"));
  EventWaiter w{0, "default", "o-1", "tok", "arn:x", "", "$.detail.order_id", 5};
  events_->add_waiter(w);
  store_.reset();  // crash: the batch is abandoned
  events_.reset();
  open();
  EXPECT_FALSE(events_->rule("default", "placed"));
  EXPECT_EQ(events_->waiter_count(), 0u);
}

TEST_F(SqliteEventBusStoreTest, WaitersAreFoundByKeyOldestFirstAndRemovedWithTheirExecution) {
  open();
  EventWaiter a{0, "default", "o-1", "tok-a", "arn:exec:a", R"({"source":["pay"]})", "$.detail.order_id", 5};
  EventWaiter b{0, "default", "o-1", "tok-b", "arn:exec:b", "", "", 6};
  EventWaiter c{0, "default", "o-2", "tok-c", "arn:exec:a", "", "", 7};
  events_->add_waiter(a);
  events_->add_waiter(b);
  events_->add_waiter(c);
  EXPECT_LT(a.id, b.id);
  open();
  auto found = events_->waiters("default", "o-1");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].token, "tok-a");
  EXPECT_EQ(found[0].pattern, R"({"source":["pay"]})");
  EXPECT_EQ(found[0].key_path, "$.detail.order_id");
  EXPECT_EQ(found[1].token, "tok-b");
  EXPECT_EQ(events_->remove_waiters_of("arn:exec:a"), 2u);
  EXPECT_EQ(events_->waiters("default", "o-2").size(), 0u);
  events_->remove_waiter(found[1].id);
  events_->remove_waiter(found[1].id);  // absent: no-op
  open();
  EXPECT_EQ(events_->waiter_count(), 0u);
  // Ids keep growing after a restart.
  EventWaiter d{0, "default", "o-3", "tok-d", "arn:exec:d", "", "", 8};
  events_->add_waiter(d);
  EXPECT_GT(d.id, 0);
}

TEST_F(SqliteEventBusStoreTest, ADataDirectoryFromBeforeTheEventBusOpens) {
  {
    auto s = SqliteStore::open(dir_.string());
    ASSERT_TRUE(s.ok());
    store::ExecutionRow r;
    r.arn = "arn:aws:states:us-east-1:123456789012:execution:sm:e1";
    r.state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:sm";
    r.name = "e1";
    r.status = "RUNNING";
    r.start_ms = 1;
    r.doc = json::Value::empty_object();
    (*s)->insert_execution(r);
  }
  open();
  EXPECT_TRUE(store_->find_execution("arn:aws:states:us-east-1:123456789012:execution:sm:e1"));
  EXPECT_TRUE(events_->buses().empty());
}

}  // namespace
}  // namespace sg::store
