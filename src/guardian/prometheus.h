// `GET /metrics`: the guardian in Prometheus text exposition format 0.0.4.
//
// Contract
// - ExecutionCounters holds cumulative counters since process start (Prometheus counters
//   must never go down, unlike the CloudWatch-style store which prunes), keyed by state
//   machine ARN; Distributed Map child ARNs and qualified ARNs count under their parent.
// - render_prometheus() writes, for every known state machine (counted, shown on the
//   board, or listed in `machines` so never-run machines appear as 0):
//     stepguard_executions_started_total{state_machine}                    counter
//     stepguard_executions_closed_total{state_machine,status}              counter (4 statuses)
//     stepguard_executions_redriven_total{state_machine}                   counter
//     stepguard_executions_open{state_machine}                             gauge
//     stepguard_execution_duration_seconds{state_machine}                  histogram
//     stepguard_latest_execution_status_code{state_machine}                gauge, seed mapping 0..5
//     stepguard_latest_execution_status{state_machine,status}              gauge, one-hot (5 statuses)
//     stepguard_latest_execution_start_timestamp_seconds{state_machine}    gauge (when known)
//     stepguard_alarm_state{alarm,state}                                   gauge, one-hot
//   Label value `state_machine` is the machine's name; machines of another account or region
//   than options.account/region (when set) also get `account` and `region` labels so names
//   cannot collide. Never an execution-level label. Series are sorted by label values;
//   every metric has HELP and TYPE lines; label values are escaped (\\, \", \n).
// Pure; not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "guardian/alarm.h"
#include "guardian/latest_status.h"
#include "guardian/states_metrics.h"

namespace sg::guardian {

// Histogram upper bounds (seconds) for execution durations: sub-second Express-like runs
// up to day-long Standard workflows.
inline constexpr std::array<double, 12> kDurationBuckets = {0.1, 0.5, 1,   5,    10,    30,
                                                            60,  300, 900, 3600, 14400, 86400};

struct MachineCounters {
  uint64_t started = 0;
  std::array<uint64_t, 4> closed{};  // indexed by ExecutionOutcome
  uint64_t redriven = 0;
  std::array<uint64_t, kDurationBuckets.size()> buckets{};  // non-cumulative counts
  uint64_t duration_count = 0;
  double duration_sum_seconds = 0;
};

class ExecutionCounters {
 public:
  void on_started(std::string_view machine_arn);
  void on_closed(std::string_view machine_arn, ExecutionOutcome outcome, int64_t duration_ms);
  void on_redriven(std::string_view machine_arn);
  const std::map<std::string, MachineCounters, std::less<>>& machines() const { return machines_; }

 private:
  MachineCounters& at(std::string_view machine_arn);
  std::map<std::string, MachineCounters, std::less<>> machines_;
};

struct AlarmStateSample {
  std::string alarm_name;
  AlarmState state = AlarmState::kInsufficientData;
};

struct PrometheusOptions {
  std::string account;  // "" = never add account/region labels
  std::string region;
};

// Escapes a label value for the text format.
std::string escape_label_value(std::string_view v);

std::string render_prometheus(const ExecutionCounters& counters, const LatestStatusBoard& latest,
                              std::span<const std::string> machines, std::span<const AlarmStateSample> alarms,
                              const PrometheusOptions& options = {});

}  // namespace sg::guardian
