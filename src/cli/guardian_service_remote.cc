// GuardianService's remote machines: the part of the guardian fed by cli/remote_watcher.h
// (contract in guardian_service.h, "Remote machines"). Kept apart from guardian_service.cc
// because only the watcher uses it.
//
// Metrics of a watched account are what the watcher sees, not every execution: the latest
// execution of each machine at each sample. An execution seen for the first time counts as
// started (ExecutionsStarted) at the sample's time, and as closed (Executions<Outcome>,
// ExecutionTime) at the sample that first sees it closed; a closed execution seen RUNNING
// again was redriven. Executions that start and end between two samples without being the
// latest are not counted: the interval bounds the resolution, as in the seed's cron.
#include <algorithm>

#include "cli/guardian_service.h"
#include "json/timestamp.h"

namespace sg::cli {

namespace {

using guardian::ExecStatus;
using json::Value;

std::optional<guardian::ExecutionOutcome> outcome(ExecStatus s) {
  switch (s) {
    case ExecStatus::kSucceeded:
      return guardian::ExecutionOutcome::kSucceeded;
    case ExecStatus::kFailed:
      return guardian::ExecutionOutcome::kFailed;
    case ExecStatus::kAborted:
      return guardian::ExecutionOutcome::kAborted;
    case ExecStatus::kTimedOut:
      return guardian::ExecutionOutcome::kTimedOut;
    default:
      return std::nullopt;
  }
}

Value iso_or_null(int64_t ms) { return ms > 0 ? Value::string(json::format_iso8601_ms(ms)) : Value(); }

}  // namespace

void GuardianService::add_remote_machines_to_source() {
  MachineSource local = std::move(machines_);
  machines_.list = [this, local] {
    std::vector<GuardianMachine> out = local.list ? local.list() : std::vector<GuardianMachine>{};
    if (remote_.empty()) return out;
    for (const auto& [name, w] : remote_) out.insert(out.end(), w.machines.begin(), w.machines.end());
    // Local machines come first among equal names (they were first and the sort is stable).
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  };
  machines_.find = [this, local](const std::string& arn) -> std::optional<GuardianMachine> {
    if (local.find)
      if (auto m = local.find(arn)) return m;
    for (const auto& [name, w] : remote_)
      for (const GuardianMachine& m : w.machines)
        if (m.arn == arn) return m;
    return std::nullopt;
  };
}

void GuardianService::update_remote(guardian::WatchStatus status,
                                    std::optional<std::vector<guardian::RemoteMachine>> machines,
                                    int64_t now_ms) {
  RemoteWatch& w = remote_[status.name];
  if (!machines) {
    if (status.account.empty()) status.account = w.status.account;
    w.status = std::move(status);
    return;
  }
  const int64_t g = guardian_time(now_ms);
  std::set<std::string> gone;
  for (const GuardianMachine& m : w.machines) gone.insert(m.arn);
  std::vector<GuardianMachine> next;
  next.reserve(machines->size());
  std::vector<std::string> changed;
  for (guardian::RemoteMachine& r : *machines) {
    GuardianMachine m;
    m.name = r.name;
    m.arn = r.arn;
    m.type = r.type;
    m.account = guardian::arn_account(r.arn);
    m.region = guardian::arn_region(r.arn);
    if (m.region.empty()) m.region = status.region;
    gone.erase(r.arn);
    if (r.latest) {
      const guardian::LatestExecution& l = *r.latest;
      const guardian::LatestExecution* prev = board_.find(r.arn);
      guardian::ExecutionRef ref{r.arn, "", ""};
      const auto closed = outcome(l.status);
      const int64_t duration = l.stop_ms && *l.stop_ms > l.start_ms ? *l.stop_ms - l.start_ms : 0;
      auto record_close = [&] {
        metrics_.record_execution_closed(ref, *closed, g, duration, false);
        counters_.on_closed(r.arn, *closed, duration);
      };
      if (!prev || prev->execution_arn != l.execution_arn) {
        metrics_.record_execution_started(ref, g);
        counters_.on_started(r.arn);
        if (closed) record_close();
      } else if (closed && !outcome(prev->status)) {
        record_close();
      } else if (!closed && outcome(prev->status) && l.status == ExecStatus::kRunning) {
        metrics_.record_execution_redriven(ref, g);
        counters_.on_redriven(r.arn);
      }
      if (board_.apply(r.arn, l)) changed.push_back(r.arn);
    }
    next.push_back(std::move(m));
  }
  for (const std::string& arn : gone) board_.remove(arn);  // deleted in the watched account
  if (status.account.empty() && !next.empty()) status.account = next.front().account;
  w.status = std::move(status);
  w.machines = std::move(next);
  if (changed.empty() || listeners_.empty()) return;
  bool first = pending_status_.empty();
  pending_status_.insert(changed.begin(), changed.end());
  if (first) later([this] { flush_status(); });
}

Value GuardianService::watches() const {
  std::vector<Value> out;
  for (const auto& [name, w] : remote_) {
    const guardian::WatchStatus& s = w.status;
    json::ObjectBuilder b(12);
    b.add("name", Value::string(s.name));
    b.add("endpoint", Value::string(s.endpoint));
    b.add("region", Value::string(s.region));
    b.add("account", s.account.empty() ? Value() : Value::string(s.account));
    b.add("intervalSeconds", Value::number(static_cast<double>(s.interval_ms) / 1000.0));
    b.add("lastAttempt", iso_or_null(s.last_attempt_ms));
    b.add("lastSuccess", iso_or_null(s.last_success_ms));
    b.add("lastError", s.last_error.empty() ? Value() : Value::string(s.last_error));
    b.add("lastErrorTime", iso_or_null(s.last_error_ms));
    b.add("stateMachines", Value::integer(static_cast<int64_t>(w.machines.size())));
    b.add("requests", Value::integer(s.requests));
    b.add("retries", Value::integer(s.retries));
    out.push_back(std::move(b).build());
  }
  return Value::array(std::move(out));
}

}  // namespace sg::cli
