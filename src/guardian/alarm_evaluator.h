// Metric alarm evaluation with CloudWatch's semantics (guardian-and-events.md §2.3-2.5).
//
// Contract
// - Windows: at `now`, E = floor_minute(now); the newest window is [E - Period, E), older
//   ones step back by Period (windows slide by the minute, they are not aligned to the
//   period); each datapoint is stamped with its window start.
// - The evaluation range is evaluation_range(N) = N + max(floor(N/3), 2) windows (5 for
//   N = 3, as in AWS's documented tables).
// - decide() is the pure decision over the range (oldest first), reproducing every cell of
//   AWS's documented missing-data tables:
//     no real point      -> missing: INSUFFICIENT_DATA, ignore: keep, breaching: ALARM,
//                           notBreaching: OK;
//     >= N real points   -> the newest N real points; ALARM when >= M breach;
//     fewer than N       -> breaching/notBreaching: fill N - real with the treatment;
//                           missing/ignore: ALARM when >= M real points breach, OK when any
//                           real point does not breach, else ALARM ("premature alarm",
//                           keep for ignore) when the oldest breaching point within the last
//                           N windows is at least M windows old, else OK.
// - evaluate_metric_alarm() reads the store and returns the outcome with the StateReason
//   text and StateReasonData JSON AWS would write for a transition from `current`.
// - apply_evaluation() updates the state and returns the transition (with the actions to
//   run: only on a change of state, none when ActionsEnabled is false); nullopt when the
//   state stays.
// Pure.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "guardian/alarm.h"
#include "guardian/metric_store.h"

namespace sg::guardian {

enum class Slot : uint8_t { kMissing, kNotBreaching, kBreaching };
enum class Outcome { kOk, kAlarm, kInsufficientData, kKeep };

inline int evaluation_range(int n) { return n + std::max(n / 3, 2); }

struct Decision {
  Outcome outcome = Outcome::kKeep;
  // Indices into the range of the windows that decided, newest first: the N newest real
  // points, or all real points plus the newest missing windows up to N.
  std::vector<int> evaluated;
  int fills = 0;  // missing windows counted with the treatment (breaching/notBreaching)
};

Decision decide(std::span<const Slot> range_oldest_first, int n, int m, TreatMissingData treat);

struct WindowPoint {
  int64_t timestamp_ms = 0;
  std::optional<double> value;  // nullopt = missing
  double sample_count = 0;
};

struct AlarmEvaluation {
  Outcome outcome = Outcome::kKeep;
  std::string reason;              // StateReason for a transition into the outcome
  std::string reason_data;         // StateReasonData (JSON text)
  std::vector<WindowPoint> range;  // oldest first
};

AlarmEvaluation evaluate_metric_alarm(const MetricAlarmConfig& config, const MetricStore& store,
                                      AlarmState current, int64_t now_ms);

// Same, over windows already computed (oldest first); used by tests and by callers that
// fetch datapoints elsewhere (remote accounts).
AlarmEvaluation evaluate_points(const MetricAlarmConfig& config, std::vector<WindowPoint> range,
                                AlarmState current, int64_t now_ms);

struct AlarmTransition {
  std::string alarm_name;
  AlarmStateInfo old_state;
  AlarmStateInfo new_state;
  std::vector<std::string> actions;  // to run now (empty when ActionsEnabled is false)
};

std::optional<AlarmTransition> apply_evaluation(const std::string& alarm_name, const AlarmActions& actions,
                                                AlarmStateInfo& state, const AlarmEvaluation& evaluation,
                                                int64_t now_ms);

// SetAlarmState: forces a state (actions fire if it differs). nullopt when unchanged.
std::optional<AlarmTransition> set_alarm_state(const std::string& alarm_name, const AlarmActions& actions,
                                               AlarmStateInfo& state, AlarmState value, std::string reason,
                                               std::string reason_data, int64_t now_ms);

}  // namespace sg::guardian
