// EventsRuntime: the event bus inside `stepguard serve` (docs/events.md). It owns the
// EventBridge service on its durable store and does what the pure service leaves to its
// host:
//   - answers AWSEvents.* actions on the service loop, in the loop's batch (the reply
//     leaves after the commit, like every Step Functions action);
//   - correlation: events on a bus complete the `events:waitForEvent` tasks waiting under
//     the event's key (enlist() registers them, in the batch that schedules the task);
//   - delivers rule targets through a DeliveryQueue (retries, dead-letter file, counters):
//     state machine ARN -> StartExecution (name from KinesisParameters.PartitionKeyPath,
//     a duplicate name is idempotent); arn:aws:states:::events:waitForEvent -> resume the
//     tasks waiting under the event's key with the target's input; http(s):// URL -> POST
//     the input (on a thread of its own, the outcome comes back to the loop);
//   - emits "Step Functions Execution Status Change" on the default bus for every status
//     change of a Standard execution (engine::ExecutionObserver);
//   - fires scheduled rules and the config's Scheduler-style schedules (event_schedules.h)
//     on the loop's clock scaled by --time-scale (last fire times are durable, written in
//     the batch that starts the fired executions; a fire missed while the server was down
//     runs once at start-up unless catch_up_missed is false);
//   - logs events nobody took (no rule matched, no task waited) to the unmatched log
//     (a JSON lines file and a ring served at GET /events/api/unmatched).
//
// Thread safety: everything runs on the service loop's thread except unmatched_json() and
// counters(), which any thread may call.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/execution_actions.h"
#include "cli/config_file.h"
#include "cli/event_delivery.h"
#include "cli/event_schedules.h"
#include "engine/durable_engine.h"
#include "engine/seeded_entropy.h"
#include "engine/service_loop.h"
#include "events/event_bus_service.h"
#include "events/event_pattern.h"
#include "integrations/wait_for_event.h"
#include "store/sqlite_event_bus_store.h"

namespace sg::cli {

struct EventsSettings {
  std::string dead_letter_file;  // JSON lines; empty: none (counted only)
  std::string unmatched_file;    // JSON lines; empty: none (ring only)
  size_t unmatched_ring = 1000;
  bool catch_up_missed = true;
  bool status_change_events = true;
  DeliveryOptions delivery;
  int max_webhook_threads = 16;
  std::vector<ConfigSchedule> schedules;  // `events: schedules:` (event_schedules.h)
};

struct EventsHost {
  store::SqliteStore* store = nullptr;
  engine::DurableEngine* engine = nullptr;
  api::ExecutionActions* execution_actions = nullptr;
  engine::ServiceLoop* loop = nullptr;
  std::string partition = "aws", region = "us-east-1", account = "123456789012";
  uint64_t seed = 0;  // event ids
};

// The "Step Functions Execution Status Change" event for a change of `row` (AWS's shape:
// epoch-millisecond dates, input/output as JSON strings dropped past 248 KB).
json::Value status_change_event(const engine::ExecutionChange& change, const store::ExecutionRow* row,
                                const std::string& account, const std::string& region, const std::string& id,
                                int64_t now_ms);

// Reads the config file's `events:` section (docs/events.md):
//   events: {dead_letter_file: F, unmatched_file: F, unmatched_ring: 1000,
//            catch_up_missed: true, status_change_events: true,
//            retry_base_seconds: 1, retry_max_seconds: 60, schedules: [...]}
// Relative paths resolve against the config file's folder. Errors: "INVALID_CONFIG".
Result<EventsSettings> events_settings(const ConfigFile& config, double time_scale);
// events_settings() + EventsRuntime::open(), registered as an observer of `engine`.
class EventsRuntime;
Result<std::unique_ptr<EventsRuntime>> open_events_runtime(
    const ConfigFile& config, const std::string& partition, const std::string& region,
    const std::string& account, double time_scale, store::SqliteStore* store, engine::DurableEngine* engine,
    engine::ServiceLoop* loop);

class EventsRuntime final : public engine::ExecutionObserver {
 public:
  static Result<std::unique_ptr<EventsRuntime>> open(EventsHost host, EventsSettings settings);
  ~EventsRuntime() override;

  // An AWSEvents action (loop thread). `reply(status, body)` is called once the batch has
  // committed.
  void call(const std::string& action, const json::Value& request,
            std::function<void(int status, std::string body)> reply);
  // waitForEvent tasks (WaitForEventDispatcher's enlist).
  Result<json::Value> enlist(const integrations::WaitSpec& spec, const engine::TaskRequest& request);
  // Loop hooks.
  void on_time(int64_t now_ms);
  // The earlier of `other` and the runtime's next due time.
  std::optional<int64_t> next_wakeup(std::optional<int64_t> other) const;
  // Loop thread; StartExecution targets wait (retry) until it is set.
  void set_execution_actions(api::ExecutionActions* actions) { host_.execution_actions = actions; }
  void on_execution_change(const engine::ExecutionChange& change) override;
  // Stops webhook threads from reporting back (shutdown, before the loop stops).
  void close();

  std::string unmatched_json() const;
  // Loop thread: every enabled scheduled rule and config schedule with its last fire and
  // its next `count` fire times (real time: --time-scale applied), for GET
  // /events/api/schedules and `stepguard schedules`:
  //   {"time_scale":1,"schedules":[{"kind":"rule"|"schedule","name","arn","expression",
  //     "timezone","targets","last_fire":ISO|null,"next_fires":[ISO,...]}]}
  //   (last_fire: the scheduled time of the last fire that ran)
  std::string schedules_json(int count);
  uint64_t dropped_fires() const { return dropped_fires_.load(); }
  // Any thread: the delivery counters and schedule fires in Prometheus text format, for
  // whoever renders /metrics to append:
  //   stepguard_event_deliveries_total{outcome="delivered|failed|retried|dead_lettered"}
  //   stepguard_schedule_fires_total{outcome="fired|dropped"}
  std::string prometheus_text() const;
  const DeliveryCounters& counters() const { return queue_.counters(); }
  events::EventBusService& service() { return *service_; }

 private:
  EventsRuntime(EventsHost host, EventsSettings settings, std::unique_ptr<store::SqliteEventBusStore> store);
  events::CallContext context();
  // Completes waiting tasks for `event`; `output` null = the event. key_path empty = each
  // waiter's own. Returns how many tasks it completed.
  size_t correlate(const std::string& bus, const json::Value& event, const json::Value& output,
                   const std::string& key_path);
  void handle_published(const std::vector<events::PublishedEvent>& published,
                        const std::vector<events::Delivery>& deliveries);
  void enqueue(std::vector<events::Delivery> deliveries);
  void pump(int64_t now_ms);
  void perform(DeliveryJob job, int64_t now_ms);
  DeliveryOutcome start_execution(const events::Delivery& d, int64_t now_ms);
  void post_webhook(DeliveryJob job);
  void note_unmatched(const std::string& bus, const json::Value& event);
  void fire_schedules(int64_t now_ms, bool startup);
  void fire_rule(const events::RuleRecord& rule, int64_t fire_ms, int64_t now_ms);
  void fire_config_schedule(const ConfigSchedule& s, int64_t fire_ms, int64_t now_ms);
  // The config schedules as Schedules (their rate anchor: first start-up, stored).
  void load_config_schedules(int64_t now_ms);
  const events::EventPattern* pattern(const std::string& text);

  EventsHost host_;
  EventsSettings settings_;
  std::unique_ptr<store::SqliteEventBusStore> store_;
  std::unique_ptr<events::EventBusService> service_;
  engine::SeededEntropy entropy_;
  DeliveryQueue queue_;
  std::map<std::string, std::optional<events::EventPattern>> patterns_;
  std::vector<json::Value> pending_status_events_;
  bool status_flush_posted_ = false;
  int webhooks_in_flight_ = 0;
  bool schedules_started_ = false;
  bool schedules_dirty_ = false;  // an action may have changed the rules
  std::optional<int64_t> next_schedule_ms_;
  std::vector<std::optional<events::Schedule>> config_schedules_;  // parallel to settings_.schedules
  std::vector<int64_t> config_anchors_;                            // their anchors (real ms)
  bool config_schedules_loaded_ = false;
  std::atomic<uint64_t> dropped_fires_{0};
  std::atomic<uint64_t> schedule_fires_{0};

  // Shared with webhook threads: they report through the loop while it is open.
  struct Outbox {
    std::mutex mu;
    engine::ServiceLoop* loop = nullptr;  // null once closed
  };
  std::shared_ptr<Outbox> outbox_ = std::make_shared<Outbox>();

  mutable std::mutex unmatched_mu_;
  std::deque<json::Value> unmatched_;  // guarded by unmatched_mu_
};

}  // namespace sg::cli
