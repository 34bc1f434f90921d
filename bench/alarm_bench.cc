// bench/alarm_bench.cc: the guardian's alarm evaluation cost per minute (issue 6 item 8).
// N state machines under one alarm template (one ExecutionsFailed alarm each, period 60 s,
// 3 evaluation periods) and 20 executions per machine per minute recorded for an hour; then
// each evaluation minute is timed: the work `stepguard serve` does once a minute.
//
//   alarm_bench [MACHINES (default 5000)] [MINUTES (default 30)]
//
// Prints the median and worst evaluation time per minute and a JSON line.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "guardian/alarm_service.h"
#include "guardian/alarm_template.h"
#include "guardian/metric_store.h"
#include "guardian/states_metrics.h"

using namespace sg::guardian;

int main(int argc, char** argv) {
  const int machines = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int minutes = argc > 2 ? std::atoi(argv[2]) : 30;
  const int64_t t0 = 1'780'000'000'000;  // a whole minute

  AlarmTemplate t;
  t.name = "failures";
  t.name_pattern = "*";
  t.alarm.name = "${state_machine}-failed";
  t.alarm.ns = "AWS/States";
  t.alarm.metric_name = "ExecutionsFailed";
  t.alarm.dimensions = {{"StateMachineArn", "${state_machine_arn}"}};
  t.alarm.statistic = "Sum";
  t.alarm.period_seconds = 60;
  t.alarm.evaluation_periods = 3;
  t.alarm.threshold = 1;
  t.alarm.treat_missing_data = TreatMissingData::kNotBreaching;
  t.alarm.actions.alarm_actions = {"arn:aws:sns:us-east-1:123456789012:ops"};

  std::vector<StateMachineInfo> infos;
  for (int i = 0; i < machines; ++i) {
    std::string name("machine-");
    name.append(std::to_string(i));
    std::string arn("arn:aws:states:us-east-1:123456789012:stateMachine:");
    arn.append(name);
    infos.push_back({name, arn, {}});
  }
  AlarmService service;
  for (const MetricAlarmConfig& c : reconcile(t, infos, {}).create) {
    if (!service.upsert_metric_alarm(c, t0).ok()) return 1;
  }

  MetricStore store;
  StatesMetrics metrics(store);
  auto record_minute = [&](int64_t minute_start) {
    for (int i = 0; i < machines; ++i) {
      ExecutionRef ex{infos[i].arn, "", ""};
      for (int k = 0; k < 20; ++k) {
        int64_t at = minute_start + k * 2900;
        metrics.record_execution_started(ex, at);
        if ((i + k) % 97 == 0)
          metrics.record_execution_failed(ex, at + 100, 100);
        else
          metrics.record_execution_succeeded(ex, at + 100, 100);
      }
    }
  };
  for (int m = 0; m < 60; ++m) record_minute(t0 + m * 60'000);

  std::vector<double> ms;
  size_t transitions = 0;
  for (int m = 0; m < minutes; ++m) {
    int64_t now = t0 + (60 + m) * 60'000;
    record_minute(now - 60'000);
    auto start = std::chrono::steady_clock::now();
    transitions += service.evaluate(store, now).size();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  double median = ms[ms.size() / 2], worst = ms.back();
  std::printf(
      "alarm evaluation, %d alarms over %d machines: median %.1f ms per minute, worst %.1f ms (%zu "
      "transitions)\n",
      machines, machines, median, worst, transitions);
  std::printf("{\"alarms\": %d, \"median_ms\": %.3f, \"worst_ms\": %.3f}\n", machines, median, worst);
  return 0;
}
