#include "guardian/metrics_query.h"

#include <gtest/gtest.h>

#include "guardian/states_metrics.h"
#include "json/parse.h"

namespace sg::guardian {
namespace {

const char* kArn = "arn:aws:states:us-east-1:123456789012:stateMachine:step1";

json::Value parse(const std::string& text) { return *json::parse_json(text); }

TEST(MetricsQueryTest, GetMetricStatisticsShape) {
  MetricStore store;
  StatesMetrics m(store);
  ExecutionRef ex{kArn, "", ""};
  // 2024-01-01T10:00:00Z = 1704103200
  m.record_execution_started(ex, 1704103200000 + 5000);
  m.record_execution_failed(ex, 1704103200000 + 65000, 60000);
  auto r = get_metric_statistics(store, parse(R"({"Namespace":"AWS/States","MetricName":"ExecutionsStarted",
      "Dimensions":[{"Name":"StateMachineArn","Value":"arn:aws:states:us-east-1:123456789012:stateMachine:step1"}],
      "StartTime":1704103200,"EndTime":"2024-01-01T10:05:00Z","Period":300,
      "Statistics":["Sum","SampleCount"],"ExtendedStatistics":["p50"]})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(
      r->dump(),
      R"({"Label":"ExecutionsStarted","Datapoints":[{"Timestamp":1704103200,"Sum":1.0,"SampleCount":2.0,)"
      R"("Unit":"Count","ExtendedStatistics":{"p50":0.0}}]})");
}

TEST(MetricsQueryTest, Errors) {
  MetricStore store;
  auto missing = get_metric_statistics(store, parse(R"({"Namespace":"AWS/States"})"));
  EXPECT_EQ(missing.error().code, "MissingParameter");
  auto bad_period = get_metric_statistics(store, parse(R"({"Namespace":"A","MetricName":"M","StartTime":0,
      "EndTime":60,"Period":90,"Statistics":["Sum"]})"));
  EXPECT_EQ(bad_period.error().code, "InvalidParameterValue");
  auto no_stats = get_metric_statistics(store, parse(R"({"Namespace":"A","MetricName":"M","StartTime":0,
      "EndTime":60,"Period":60})"));
  EXPECT_EQ(no_stats.error().code, "MissingParameter");
  auto too_many = get_metric_statistics(store, parse(R"({"Namespace":"A","MetricName":"M","StartTime":0,
      "EndTime":864000,"Period":60,"Statistics":["Sum"]})"));
  EXPECT_EQ(too_many.error().code, "InvalidParameterCombination");
}

}  // namespace
}  // namespace sg::guardian
