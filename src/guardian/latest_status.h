// The latest execution of every state machine: the guardian's traffic lights.
//
// Contract
// - One record per key (a state machine ARN, or an alias/version ARN when executions start
//   through them): status, execution ARN and name, start/stop dates, error and cause.
// - "Latest" is what the Step Functions console lists first: the execution with the latest
//   start date; among equal start dates, the one started later (ExecutionUpdate::start_seq,
//   e.g. the store's row id, which grows with every StartExecution); with equal keys the
//   update that arrived later wins. apply():
//     * an update for the execution already shown replaces its fields (RUNNING -> FAILED,
//       or a redrive going back to RUNNING); its start date and sequence are kept;
//     * an update for another execution replaces the record only if it is not older by
//       (start date, start_seq); so a late finish of an older execution never overwrites a
//       newer one.
// - status_code() is the seed's mapping: RUNNING=1, SUCCEEDED=2, FAILED=3, TIMED_OUT=4,
//   ABORTED=5, anything else (no execution, PENDING_REDRIVE) = 0.
// Pure; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sg::guardian {

enum class ExecStatus { kNone, kRunning, kSucceeded, kFailed, kTimedOut, kAborted, kPendingRedrive };

// AWS's status names: "RUNNING", "SUCCEEDED", ..., "PENDING_REDRIVE"; kNone -> "".
std::string_view exec_status_name(ExecStatus s);
// Inverse of exec_status_name(); unknown names -> kNone.
ExecStatus parse_exec_status(std::string_view name);
// The seed's numeric mapping (see above).
int status_code(ExecStatus s);
// The statuses that have a traffic-light colour, in display order.
inline constexpr ExecStatus kDisplayedStatuses[] = {ExecStatus::kRunning, ExecStatus::kSucceeded,
                                                    ExecStatus::kFailed, ExecStatus::kTimedOut,
                                                    ExecStatus::kAborted};

struct LatestExecution {
  ExecStatus status = ExecStatus::kNone;
  std::string execution_arn;
  std::string name;
  int64_t start_ms = 0;
  std::optional<int64_t> stop_ms;
  std::string error;
  std::string cause;
  int64_t start_seq = 0;
};

using ExecutionUpdate = LatestExecution;

class LatestStatusBoard {
 public:
  // Applies one status change; returns true when the visible record changed.
  bool apply(const std::string& key, const ExecutionUpdate& update);
  // nullptr when the key never ran.
  const LatestExecution* find(std::string_view key) const;
  void remove(std::string_view key) { records_.erase(std::string(key)); }
  const std::map<std::string, LatestExecution, std::less<>>& records() const { return records_; }

 private:
  std::map<std::string, LatestExecution, std::less<>> records_;
};

}  // namespace sg::guardian
