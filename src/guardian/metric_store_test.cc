#include "guardian/metric_store.h"

#include <gtest/gtest.h>

#include "guardian/states_metrics.h"
#include "json/timestamp.h"

namespace sg::guardian {
namespace {

int64_t at(const char* iso) { return *json::parse_rfc3339(iso); }

const char* kArn = "arn:aws:states:us-east-1:123456789012:stateMachine:step1";

MetricId by_machine(const char* metric) {
  return MetricId::make("AWS/States", metric, {{"StateMachineArn", kArn}});
}

double stat(const Datapoint& d, const char* name) { return *d.aggregate.value(*Statistic::parse(name)); }

TEST(StatisticTest, ParsesCloudWatchNames) {
  EXPECT_EQ(Statistic::parse("Maximum")->kind, Statistic::Kind::kMaximum);
  EXPECT_EQ(Statistic::parse("p99")->percentile, 99);
  EXPECT_EQ(Statistic::parse("p99.9")->percentile, 99.9);
  EXPECT_TRUE(Statistic::parse("p100"));
  EXPECT_FALSE(Statistic::parse("p101"));
  EXPECT_FALSE(Statistic::parse("maximum"));
  EXPECT_FALSE(Statistic::parse("p"));
  EXPECT_FALSE(Statistic::parse("p9.999"));
}

TEST(MetricStoreTest, StatisticsOverOnePeriod) {
  MetricStore store;
  MetricId id = by_machine("ExecutionTime");
  for (double v : {10.0, 20.0, 30.0, 40.0}) store.put(id, "Milliseconds", at("2024-01-01T10:00:30Z"), v);
  auto dps = store.get_statistics(id, at("2024-01-01T10:00:00Z"), at("2024-01-01T10:05:00Z"), 300);
  ASSERT_EQ(dps.size(), 1u);
  EXPECT_EQ(dps[0].timestamp_ms, at("2024-01-01T10:00:00Z"));
  EXPECT_EQ(dps[0].unit, "Milliseconds");
  EXPECT_EQ(stat(dps[0], "SampleCount"), 4);
  EXPECT_EQ(stat(dps[0], "Sum"), 100);
  EXPECT_EQ(stat(dps[0], "Average"), 25);
  EXPECT_EQ(stat(dps[0], "Minimum"), 10);
  EXPECT_EQ(stat(dps[0], "Maximum"), 40);
  EXPECT_EQ(stat(dps[0], "p50"), 20);
  EXPECT_EQ(stat(dps[0], "p75"), 30);
  EXPECT_EQ(stat(dps[0], "p100"), 40);
}

TEST(MetricStoreTest, PeriodsStepFromTheStartAndSkipEmptyWindows) {
  MetricStore store;
  MetricId id = by_machine("ExecutionsFailed");
  store.put(id, "Count", at("2024-01-01T10:00:00Z"), 1);
  store.put(id, "Count", at("2024-01-01T10:01:59Z"), 1);
  store.put(id, "Count", at("2024-01-01T10:05:00Z"), 1);
  auto dps = store.get_statistics(id, at("2024-01-01T10:00:10Z"), at("2024-01-01T10:06:00Z"), 120);
  ASSERT_EQ(dps.size(), 2u);
  EXPECT_EQ(dps[0].timestamp_ms, at("2024-01-01T10:00:00Z"));
  EXPECT_EQ(stat(dps[0], "Sum"), 2);
  EXPECT_EQ(dps[1].timestamp_ms, at("2024-01-01T10:04:00Z"));
  EXPECT_EQ(stat(dps[1], "Sum"), 1);
}

TEST(MetricStoreTest, EndTimeIsExclusive) {
  MetricStore store;
  MetricId id = by_machine("ExecutionsFailed");
  store.put(id, "Count", at("2024-01-01T10:05:00Z"), 1);
  EXPECT_TRUE(store.get_statistics(id, at("2024-01-01T10:00:00Z"), at("2024-01-01T10:05:00Z"), 60).empty());
}

TEST(MetricStoreTest, DimensionSetsAreExactAndOrderFree) {
  MetricStore store;
  store.put(MetricId::make("AWS/States", "M", {{"B", "2"}, {"A", "1"}}), "Count", 0, 5);
  EXPECT_TRUE(store.aggregate(MetricId::make("AWS/States", "M", {{"A", "1"}, {"B", "2"}}), 0, kMinuteMs));
  EXPECT_FALSE(store.aggregate(MetricId::make("AWS/States", "M", {{"A", "1"}}), 0, kMinuteMs));
  EXPECT_FALSE(store.aggregate(MetricId::make("AWS/States", "M", {}), 0, kMinuteMs));
}

TEST(MetricStoreTest, PercentilesAreNearestRank) {
  MetricStore store;
  MetricId id = by_machine("ExecutionTime");
  for (int i = 1; i <= 100; ++i) store.put(id, "Milliseconds", 0, i);
  auto a = store.aggregate(id, 0, kMinuteMs);
  EXPECT_EQ(*a->value(*Statistic::parse("p99")), 99);
  EXPECT_EQ(*a->value(*Statistic::parse("p90")), 90);
  EXPECT_EQ(*a->value(*Statistic::parse("p0")), 1);
  EXPECT_EQ(*a->value(*Statistic::parse("p99.5")), 100);
}

TEST(MetricStoreTest, PercentilesAreUnavailableWithNegativeValues) {
  MetricStore store;
  MetricId id = by_machine("X");
  store.put(id, "None", 0, -1);
  store.put(id, "None", 0, 5);
  auto a = store.aggregate(id, 0, kMinuteMs);
  EXPECT_FALSE(a->value(*Statistic::parse("p50")));
  EXPECT_EQ(*a->value(*Statistic::parse("Minimum")), -1);
}

TEST(MetricStoreTest, LargeBucketsUseASketchWithinOnePercent) {
  MetricStore store;
  MetricId id = by_machine("ExecutionTime");
  for (int i = 1; i <= 10000; ++i) store.put(id, "Milliseconds", 0, i);
  auto a = store.aggregate(id, 0, kMinuteMs);
  EXPECT_EQ(a->sample_count(), 10000);
  EXPECT_EQ(a->sum(), 10000.0 * 10001 / 2);
  double p90 = *a->value(*Statistic::parse("p90"));
  EXPECT_NEAR(p90, 9000, 9000 * 0.0101);
  double p1 = *a->value(*Statistic::parse("p1"));
  EXPECT_NEAR(p1, 100, 100 * 0.0101);
  EXPECT_LE(*a->value(*Statistic::parse("p100")), 10000);
}

TEST(MetricStoreTest, PruneDropsDataPastRetention) {
  MetricStore store(MetricStoreOptions{2 * kDayMs});
  MetricId id = by_machine("ExecutionsStarted");
  store.put(id, "Count", at("2024-01-01T00:00:00Z"), 1);
  store.put(id, "Count", at("2024-01-02T12:00:00Z"), 1);
  store.prune(at("2024-01-03T06:00:00Z"));
  auto a = store.aggregate(id, 0, at("2025-01-01T00:00:00Z"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->sample_count(), 1);
  store.prune(at("2024-01-10T00:00:00Z"));
  EXPECT_EQ(store.series_count(), 0u);
}

TEST(MetricStoreTest, DefaultRetentionIsFifteenDays) {
  EXPECT_EQ(MetricStore().options().retention_ms, 15 * kDayMs);
}

TEST(StatesMetricsTest, ExecutionsStartedIsOneThenZero) {
  MetricStore store;
  StatesMetrics m(store);
  ExecutionRef ex{kArn, "", ""};
  m.record_execution_started(ex, at("2024-01-01T10:00:10Z"));
  m.record_execution_succeeded(ex, at("2024-01-01T10:00:40Z"), 30000);
  auto started = store.aggregate(by_machine("ExecutionsStarted"), 0, at("2025-01-01T00:00:00Z"));
  EXPECT_EQ(started->sum(), 1);
  EXPECT_EQ(started->sample_count(), 2);
  EXPECT_EQ(store.unit_of(by_machine("ExecutionsStarted")), "Count");
  auto time = store.aggregate(by_machine("ExecutionTime"), 0, at("2025-01-01T00:00:00Z"));
  EXPECT_EQ(time->maximum(), 30000);
  EXPECT_EQ(store.unit_of(by_machine("ExecutionTime")), "Milliseconds");
  // The account-level (dimensionless) series is written too.
  auto account =
      store.aggregate(MetricId::make("AWS/States", "ExecutionsSucceeded", {}), 0, at("2025-01-01T00:00:00Z"));
  EXPECT_EQ(account->sum(), 1);
}

TEST(StatesMetricsTest, RedrivenCloseEmitsBothMetrics) {
  MetricStore store;
  StatesMetrics m(store);
  ExecutionRef ex{kArn, "", ""};
  m.record_execution_redriven(ex, 0);
  m.record_execution_aborted(ex, 1000, 5000, /*redriven=*/true);
  EXPECT_EQ(store.aggregate(by_machine("ExecutionsRedriven"), 0, kMinuteMs)->sum(), 1);
  EXPECT_EQ(store.aggregate(by_machine("ExecutionsAborted"), 0, kMinuteMs)->sum(), 1);
  EXPECT_EQ(store.aggregate(by_machine("RedrivenExecutionsAborted"), 0, kMinuteMs)->sum(), 1);
}

TEST(StatesMetricsTest, VersionAndAliasDimensions) {
  MetricStore store;
  StatesMetrics m(store);
  m.record_execution_started(ExecutionRef{kArn, "3", ""}, 0);
  m.record_execution_started(ExecutionRef{kArn, "", "prod"}, 0);
  auto v = MetricId::make("AWS/States", "ExecutionsStarted", {{"StateMachineArn", kArn}, {"Version", "3"}});
  auto a = MetricId::make("AWS/States", "ExecutionsStarted", {{"StateMachineArn", kArn}, {"Alias", "prod"}});
  EXPECT_EQ(store.aggregate(v, 0, kMinuteMs)->sum(), 1);
  EXPECT_EQ(store.aggregate(a, 0, kMinuteMs)->sum(), 1);
  EXPECT_EQ(store.aggregate(by_machine("ExecutionsStarted"), 0, kMinuteMs)->sum(), 2);
}

TEST(StatesMetricsTest, TaskMetricsUseAwsNames) {
  MetricStore store;
  StatesMetrics m(store);
  const char* act = "arn:aws:states:us-east-1:123456789012:activity:work";
  m.record_task(TaskKind::kActivity, act, TaskEvent::kHeartbeatTimedOut, 0, 10, 20, 30);
  m.record_task(TaskKind::kLambda, "arn:aws:lambda:us-east-1:123456789012:function:f", TaskEvent::kSucceeded,
                0, std::nullopt, 7);
  auto names = store.list_metrics("AWS/States");
  std::vector<std::string> got;
  for (const auto& id : names)
    if (!id.dimensions.empty()) got.push_back(id.dimensions[0].name + "/" + id.name);
  EXPECT_EQ(
      got, (std::vector<std::string>{"ActivityArn/ActivitiesHeartbeatTimedOut", "ActivityArn/ActivityRunTime",
                                     "ActivityArn/ActivityScheduleTime", "ActivityArn/ActivityTime",
                                     "LambdaFunctionArn/LambdaFunctionRunTime",
                                     "LambdaFunctionArn/LambdaFunctionsSucceeded"}));
}

TEST(StatesMetricsTest, ParentArnOfMapRunChildrenAndQualifiedArns) {
  EXPECT_EQ(parent_state_machine_arn("arn:aws:states:us-east-1:1:stateMachine:m/run1"),
            "arn:aws:states:us-east-1:1:stateMachine:m");
  EXPECT_EQ(parent_state_machine_arn("arn:aws:states:us-east-1:1:stateMachine:m:prod"),
            "arn:aws:states:us-east-1:1:stateMachine:m");
  EXPECT_EQ(parent_state_machine_arn("arn:aws:states:us-east-1:1:stateMachine:m"),
            "arn:aws:states:us-east-1:1:stateMachine:m");
}

}  // namespace
}  // namespace sg::guardian
