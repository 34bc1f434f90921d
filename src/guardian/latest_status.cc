#include "guardian/latest_status.h"

#include <tuple>

namespace sg::guardian {

std::string_view exec_status_name(ExecStatus s) {
  switch (s) {
    case ExecStatus::kNone:
      return "";
    case ExecStatus::kRunning:
      return "RUNNING";
    case ExecStatus::kSucceeded:
      return "SUCCEEDED";
    case ExecStatus::kFailed:
      return "FAILED";
    case ExecStatus::kTimedOut:
      return "TIMED_OUT";
    case ExecStatus::kAborted:
      return "ABORTED";
    case ExecStatus::kPendingRedrive:
      return "PENDING_REDRIVE";
  }
  return "";
}

ExecStatus parse_exec_status(std::string_view name) {
  for (ExecStatus s : {ExecStatus::kRunning, ExecStatus::kSucceeded, ExecStatus::kFailed,
                       ExecStatus::kTimedOut, ExecStatus::kAborted, ExecStatus::kPendingRedrive}) {
    if (exec_status_name(s) == name) return s;
  }
  return ExecStatus::kNone;
}

int status_code(ExecStatus s) {
  switch (s) {
    case ExecStatus::kRunning:
      return 1;
    case ExecStatus::kSucceeded:
      return 2;
    case ExecStatus::kFailed:
      return 3;
    case ExecStatus::kTimedOut:
      return 4;
    case ExecStatus::kAborted:
      return 5;
    default:
      return 0;
  }
}

bool LatestStatusBoard::apply(const std::string& key, const ExecutionUpdate& update) {
  auto it = records_.find(key);
  if (it == records_.end()) {
    records_.emplace(key, update);
    return true;
  }
  LatestExecution& cur = it->second;
  if (cur.execution_arn == update.execution_arn) {
    LatestExecution next = update;
    next.start_ms = cur.start_ms;
    next.start_seq = cur.start_seq;
    if (next.name.empty()) next.name = cur.name;
    bool changed = next.status != cur.status || next.stop_ms != cur.stop_ms || next.error != cur.error ||
                   next.cause != cur.cause || next.name != cur.name;
    cur = std::move(next);
    return changed;
  }
  if (std::tie(update.start_ms, update.start_seq) < std::tie(cur.start_ms, cur.start_seq)) return false;
  cur = update;
  return true;
}

const LatestExecution* LatestStatusBoard::find(std::string_view key) const {
  auto it = records_.find(key);
  return it == records_.end() ? nullptr : &it->second;
}

}  // namespace sg::guardian
