// SqliteAlarmStore on real files: alarm definitions written in a committed batch are there
// after reopening, in creation order, with their ActionsEnabled flag; removed ones are gone;
// a batch that was not committed leaves nothing behind.
#include "store/sqlite_alarm_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "json/parse.h"

namespace sg::store {
namespace {

class SqliteAlarmStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string leaf = "sg-alarmstore-";
    leaf += std::to_string(::getpid());
    leaf += '-';
    leaf += ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = std::filesystem::temp_directory_path() / leaf;
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void open() {
    alarms_.reset();
    store_.reset();
    auto s = SqliteStore::open(dir_.string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    auto a = SqliteAlarmStore::open(*store_);
    ASSERT_TRUE(a.ok()) << a.error().message;
    alarms_ = std::move(a).value();
  }
  std::vector<StoredAlarm> read() {
    auto r = alarms_->alarms();
    EXPECT_TRUE(r.ok());
    return r.ok() ? std::move(r).value() : std::vector<StoredAlarm>{};
  }
  static StoredAlarm metric(const std::string& name, int threshold) {
    std::string text =
        R"({"AlarmName":")" + name +
        R"(","Namespace":"AWS/States","MetricName":"ExecutionsFailed","Statistic":"Sum",)"
        R"("Period":60,"EvaluationPeriods":1,"ComparisonOperator":"GreaterThanOrEqualToThreshold",)"
        R"("Threshold":)" +
        std::to_string(threshold) + "}";
    StoredAlarm a;
    a.name = name;
    a.kind = "MetricAlarm";
    a.request = json::parse_json(text).value();
    return a;
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<SqliteAlarmStore> alarms_;
};

TEST_F(SqliteAlarmStoreTest, DefinitionsSurviveReopenInCreationOrder) {
  open();
  ASSERT_TRUE(store_->begin().ok());
  alarms_->put(metric("b-failures", 1));
  alarms_->put(metric("a-failures", 2));
  StoredAlarm composite;
  composite.name = "any";
  composite.kind = "CompositeAlarm";
  composite.request =
      json::parse_json(R"j({"AlarmName":"any","AlarmRule":"ALARM(\"a-failures\")"})j").value();
  composite.actions_enabled = false;
  alarms_->put(composite);
  alarms_->put(metric("b-failures", 5));  // update keeps its position
  ASSERT_TRUE(store_->commit().ok());

  open();
  std::vector<StoredAlarm> got = read();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].name, "b-failures");
  EXPECT_EQ(got[0].kind, "MetricAlarm");
  EXPECT_EQ(got[0].request.find("Threshold")->as_double(), 5);
  EXPECT_TRUE(got[0].actions_enabled);
  EXPECT_EQ(got[1].name, "a-failures");
  EXPECT_EQ(got[2].name, "any");
  EXPECT_EQ(got[2].kind, "CompositeAlarm");
  EXPECT_EQ(got[2].request.find("AlarmRule")->as_string(), "ALARM(\"a-failures\")");
  EXPECT_FALSE(got[2].actions_enabled);
}

TEST_F(SqliteAlarmStoreTest, RemoveAndActionsEnabledAreDurable) {
  open();
  alarms_->put(metric("one", 1));
  alarms_->put(metric("two", 1));
  ASSERT_TRUE(store_->begin().ok());
  alarms_->remove("one");
  alarms_->remove("never-stored");
  alarms_->set_actions_enabled("two", false);
  alarms_->set_actions_enabled("never-stored", false);
  ASSERT_TRUE(store_->commit().ok());

  open();
  std::vector<StoredAlarm> got = read();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].name, "two");
  EXPECT_FALSE(got[0].actions_enabled);
  EXPECT_TRUE(store_->health().ok());
}

TEST_F(SqliteAlarmStoreTest, UncommittedBatchLeavesNothing) {
  open();
  ASSERT_TRUE(store_->begin().ok());
  alarms_->put(metric("lost", 1));
  EXPECT_EQ(read().size(), 1u);  // the batch sees its own writes
  open();                        // closes without commit
  EXPECT_TRUE(read().empty());
}

}  // namespace
}  // namespace sg::store
