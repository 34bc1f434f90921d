// GuardianService: the guardian inside `stepguard serve` (issue 6). It owns the metric
// store, the AWS/States metrics writer, the Prometheus counters, the latest-status board and
// the alarm service, and is fed by the durable engine on every execution status change.
//
// Contract
// - Loop thread only (everything except construction): the engine calls
//   on_execution_change() inside the batch that makes the change; metrics and the board are
//   updated there, and listeners are called after the batch commits (event "status" with
//   the machine's tile, event "alarm" with the alarm object).
// - Latest status is durable by rebuilding: restore_latest() seeds the board at start-up
//   from the executions table (the latest execution per state machine by start date), so
//   it always agrees with the committed rows. Metrics and alarm states live in memory and
//   restart empty (a fresh CloudWatch namespace; alarms start INSUFFICIENT_DATA again).
// - API-managed alarms are durable when an alarm store is set (set_alarm_store()): every
//   successful PutMetricAlarm / PutCompositeAlarm stores its request, DeleteAlarms removes
//   the rows, Enable/DisableAlarmActions updates their flag (writes join the current batch).
//   start() reloads them after the config's alarms; a stored alarm named like a config
//   alarm is skipped (the config wins at start-up), one that no longer loads is logged and
//   skipped.
// - Guardian time: with time scale S the guardian's clock runs 1/S times as fast as the
//   wall clock from start() on (g = origin + (t - origin) / S), so `--time-scale 0.01`
//   evaluates alarms every 0.6 s of real time over 1-minute metric windows. Metric
//   timestamps and alarm times are guardian time; execution dates are the engine's.
// - on_time(now) runs tick() at every guardian minute boundary (next_wakeup() says when):
//   reconciles alarm templates against the registry, evaluates alarms, delivers
//   transitions to the Notifier (SNS alarm message shape), samples LatestExecutionStatusCode,
//   prunes metrics and history.
// - The JSON shapes (tiles, counts, alarms) are the dashboard contract in docs/guardian.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "engine/durable_engine.h"
#include "guardian/alarm_service.h"
#include "guardian/alarm_template.h"
#include "guardian/latest_status.h"
#include "guardian/metric_store.h"
#include "guardian/prometheus.h"
#include "guardian/remote_sampling.h"
#include "guardian/states_metrics.h"
#include "json/value.h"

namespace sg::integrations {
class Notifier;
}
namespace sg::store {
class SqliteStore;
class SqliteAlarmStore;
}  // namespace sg::store

namespace sg::cli {

// The guardian's own metric (the seed's custom metric, kept by the server): every state
// machine's latest execution status code (RUNNING=1 ... ABORTED=5, never run 0), dimension
// StateMachineArn, sampled at every status change and once a guardian minute, so a
// Maximum/60 s alarm with threshold 3 is red exactly while the latest execution failed.
inline constexpr std::string_view kGuardianNamespace = "StepGuard";
inline constexpr std::string_view kLatestStatusMetric = "LatestExecutionStatusCode";

// A state machine as the guardian lists it.
struct GuardianMachine {
  std::string name;
  std::string arn;
  std::string type;  // STANDARD | EXPRESS
  std::string account;
  std::string region;
  std::map<std::string, std::string> tags;
};

struct GuardianConfig {
  guardian::AccountContext account;
  double time_scale = 1.0;
  int64_t metric_retention_ms = guardian::kDefaultMetricRetentionMs;
  std::vector<json::Value> alarms;            // PutMetricAlarm-shaped requests
  std::vector<json::Value> composite_alarms;  // PutCompositeAlarm-shaped requests
  std::vector<guardian::AlarmTemplate> templates;
};

// Where the guardian learns which state machines exist (the registry); loop thread.
struct MachineSource {
  std::function<std::vector<GuardianMachine>()> list;                          // sorted by name
  std::function<std::optional<GuardianMachine>(const std::string& arn)> find;  // unqualified ARN
};

class GuardianService final : public engine::ExecutionObserver {
 public:
  using Listener = std::function<void(std::string_view event_name, const json::Value& data)>;
  // Runs fn after the current batch commits (ServiceLoop::after_commit); when null, fn runs
  // at once (tests).
  using AfterCommit = std::function<void(std::function<void()> fn)>;

  GuardianService(GuardianConfig config, MachineSource machines, integrations::Notifier* notifier,
                  AfterCommit after_commit = nullptr);
  ~GuardianService() override;

  // Where API-managed alarms are kept (may stay null: they are then memory only). Set
  // before start(); must outlive the service.
  void set_alarm_store(store::SqliteAlarmStore* alarm_store) { alarm_store_ = alarm_store; }
  // Loads the config's alarms, composite alarms, the stored API alarms and templates
  // (errors name the alarm) and starts guardian time at now_ms.
  Status start(int64_t now_ms);
  // Seeds the board from the store: the latest execution of every listed machine.
  void restore_latest(store::SqliteStore& store);

  // engine::ExecutionObserver
  void on_execution_change(const engine::ExecutionChange& change) override;

  // The loop's timer: ticks when a guardian minute has passed.
  void on_time(int64_t now_ms);
  std::optional<int64_t> next_wakeup() const { return next_tick_ms_; }
  // One evaluation round at guardian time g_ms.
  void tick(int64_t g_ms);
  int64_t guardian_time(int64_t real_ms) const;

  // Change feed (for server-sent events).
  uint64_t subscribe(Listener listener);
  void unsubscribe(uint64_t id);

  // Endpoints (loop thread).
  std::string prometheus_text() const;
  // GET /guardian/api/state-machines with its query (name, status, tag=k=v, offset, limit).
  json::Value state_machines(const std::map<std::string, std::string>& query) const;
  json::Value alarms_summary() const;
  Result<json::Value> metric_statistics(const json::Value& request) const;
  // POST /guardian/api/alarms/<Action>; now_ms is loop (real) time.
  Result<json::Value> alarm_action(std::string_view action, const json::Value& request, int64_t now_ms);

  // Remote machines (cli/remote_watcher.h; guardian_service_remote.cc). They join the
  // machine source, so the grid, /metrics, templates and alarms treat them like local
  // ones; their tiles carry the account and region of their ARNs. update_remote() with
  // machines (a successful sample) replaces watch status.name's machines and records what
  // changed since the last sample: board, AWS/States metrics and counters for executions
  // seen starting or closing, status events. Without machines (a failed cycle) the last
  // known machines stay and only the status (last_error) changes. Loop thread.
  void update_remote(guardian::WatchStatus status,
                     std::optional<std::vector<guardian::RemoteMachine>> machines, int64_t now_ms);
  // "watches" of the grid JSON: one object per watch entry (empty array when none).
  json::Value watches() const;

  const guardian::LatestStatusBoard& board() const { return board_; }
  const guardian::MetricStore& metric_store() const { return store_; }
  guardian::AlarmService& alarm_service() { return alarms_; }

 private:
  struct AlarmRef {
    std::string name;
    guardian::AlarmState state;
  };
  using AlarmIndex = std::map<std::string, std::vector<AlarmRef>>;  // machine ARN -> alarms
  AlarmIndex alarm_index() const;
  json::Value tile(const GuardianMachine& m, const AlarmIndex& index) const;
  json::Value alarm_object(const json::Value& described) const;
  void deliver(const std::vector<guardian::AlarmEvent>& events, int64_t g_ms);
  void reconcile_templates(int64_t g_ms);
  void later(std::function<void()> fn);
  void emit(std::string_view event, const json::Value& data);
  void flush_status();
  void schedule_next(int64_t g_ms);
  void sample_status(const std::string& machine_arn, int64_t g_ms);
  void add_remote_machines_to_source();  // constructor: machines_ also lists remote_
  Status restore_api_alarms(int64_t now_ms);
  void persist_alarm_action(std::string_view action, const json::Value& request);
  store::SqliteAlarmStore* alarm_store_ = nullptr;

  struct RemoteWatch {
    guardian::WatchStatus status;
    std::vector<GuardianMachine> machines;
  };
  std::map<std::string, RemoteWatch> remote_;  // by watch name

  GuardianConfig config_;
  MachineSource machines_;
  integrations::Notifier* notifier_;
  AfterCommit after_commit_;
  guardian::MetricStore store_;
  guardian::StatesMetrics metrics_;
  guardian::ExecutionCounters counters_;
  guardian::LatestStatusBoard board_;
  guardian::AlarmService alarms_;
  std::map<std::string, std::map<std::string, guardian::MetricAlarmConfig>> template_owned_;
  std::map<uint64_t, Listener> listeners_;
  uint64_t next_listener_ = 1;
  std::set<std::string> pending_status_;  // machines whose tile changed in this batch
  int64_t origin_ms_ = 0;
  std::optional<int64_t> next_tick_ms_;
};

}  // namespace sg::cli
