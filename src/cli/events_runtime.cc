#include "cli/events_runtime.h"

#include <cmath>
#include <fstream>
#include <random>
#include <thread>

#include "common/log.h"
#include "events/input_transformer.h"
#include "events/schedule_expression.h"
#include "integrations/http_task_client.h"
#include "json/parse.h"
#include "json/timestamp.h"
#include "json/uuid.h"

namespace sg::cli {

namespace {

using json::ObjectBuilder;
using json::Value;

constexpr size_t kStatusPayloadCap = 248 * 1024;
constexpr int64_t kWebhookTimeoutMs = 10000;

std::string iso_seconds(int64_t ms) { return json::format_iso8601_ms(ms).substr(0, 19).append("Z"); }

void append_line(const std::string& path, const std::string& line) {
  if (path.empty()) return;
  std::ofstream out(path, std::ios::app);
  out << line << '\n';
}

const std::string* str(const Value& doc, std::string_view key) {
  static thread_local std::string s;
  const Value* v = doc.find(key);
  if (!v || !v->is_string()) return nullptr;
  s = std::string(v->as_string());
  return &s;
}

bool is_state_machine(std::string_view arn) {
  return arn.starts_with("arn:") && arn.find(":states:") != std::string_view::npos &&
         arn.find(":stateMachine:") != std::string_view::npos;
}

bool is_webhook(std::string_view arn) { return arn.starts_with("http://") || arn.starts_with("https://"); }

std::optional<std::string> member_string(const Value& v, std::string_view a, std::string_view b) {
  const Value* x = v.find(a);
  if (!x) return std::nullopt;
  const Value* y = x->find(b);
  if (!y || !y->is_string()) return std::nullopt;
  return std::string(y->as_string());
}

// The rendered input as a JSON value (a non-JSON template: a JSON string).
Value input_value(const events::RenderedInput& in) {
  if (in.json) {
    auto v = json::parse_json(in.text);
    if (v.ok()) return std::move(v).value();
  }
  return Value::string(in.text);
}

}  // namespace

Value status_change_event(const engine::ExecutionChange& c, const store::ExecutionRow* row,
                          const std::string& account, const std::string& region, const std::string& id,
                          int64_t now_ms) {
  std::string input = "{}";
  std::optional<std::string> output;
  if (row) {
    if (const std::string* in = str(row->doc, "input")) input = *in;
    if (c.status == "SUCCEEDED")
      if (const std::string* out = str(row->doc, "output")) output = *out;
  }
  size_t in_size = Value::string(input).dump().size();
  size_t out_size = output ? Value::string(*output).dump().size() : 0;
  bool out_included = output && out_size <= kStatusPayloadCap;
  bool in_included = in_size + (out_included ? out_size : 0) <= kStatusPayloadCap;

  ObjectBuilder d;
  d.add("executionArn", Value::string(c.execution_arn));
  d.add("stateMachineArn", Value::string(c.state_machine_arn));
  d.add("name", Value::string(c.name));
  d.add("status", Value::string(c.status));
  d.add("startDate", Value::integer(c.start_ms));
  d.add("stopDate", c.stop_ms ? Value::integer(c.stop_ms) : Value());
  d.add("input", in_included ? Value::string(input) : Value());
  ObjectBuilder inD;
  inD.add("included", Value::boolean(in_included));
  d.add("inputDetails", std::move(inD).build());
  d.add("output", out_included ? Value::string(*output) : Value());
  if (output) {
    ObjectBuilder outD;
    outD.add("included", Value::boolean(out_included));
    d.add("outputDetails", std::move(outD).build());
  } else {
    d.add("outputDetails", Value());
  }
  d.add("stateMachineVersionArn", c.version_arn.empty() ? Value() : Value::string(c.version_arn));
  d.add("stateMachineAliasArn", c.alias_arn.empty() ? Value() : Value::string(c.alias_arn));
  int64_t redrives = row ? row->redrive_count : 0;
  d.add("redriveCount", Value::integer(redrives));
  Value redrive_date;
  if (row && redrives > 0)
    if (const Value* rd = row->doc.find("redrive_ms"); rd && rd->is_number())
      redrive_date = Value::integer(static_cast<int64_t>(rd->as_double()));
  d.add("redriveDate", redrive_date);
  bool redrivable = c.status == "FAILED" || c.status == "TIMED_OUT" || c.status == "ABORTED";
  d.add("redriveStatus", Value::string(redrivable ? "REDRIVABLE" : "NOT_REDRIVABLE"));
  std::string reason;
  if (!redrivable) reason = "Execution is " + c.status + " and cannot be redriven";
  d.add("redriveStatusReason", reason.empty() ? Value() : Value::string(reason));
  d.add("error", c.error.empty() ? Value() : Value::string(c.error));
  d.add("cause", c.cause.empty() ? Value() : Value::string(c.cause));

  ObjectBuilder e;
  e.add("version", Value::string("0"));
  e.add("id", Value::string(id));
  e.add("detail-type", Value::string("Step Functions Execution Status Change"));
  e.add("source", Value::string("aws.states"));
  e.add("account", Value::string(account));
  e.add("time", Value::string(iso_seconds(c.at_ms ? c.at_ms : now_ms)));
  e.add("region", Value::string(region));
  e.add("resources", Value::array({Value::string(c.execution_arn)}));
  e.add("detail", std::move(d).build());
  return std::move(e).build();
}

EventsRuntime::EventsRuntime(EventsHost host, EventsSettings settings,
                             std::unique_ptr<store::SqliteEventBusStore> store)
    : host_(std::move(host)),
      settings_(std::move(settings)),
      store_(std::move(store)),
      entropy_(host_.seed),
      queue_(settings_.delivery, [path = settings_.dead_letter_file](const std::string& line) {
        log::warn("event delivery dead-lettered", {{"delivery", line}});
        append_line(path, line);
      }) {
  service_ =
      std::make_unique<events::EventBusService>(*store_, events::EventsConfig{host_.region, host_.account});
  outbox_->loop = host_.loop;
}

EventsRuntime::~EventsRuntime() { close(); }

Result<std::unique_ptr<EventsRuntime>> EventsRuntime::open(EventsHost host, EventsSettings settings) {
  auto store = store::SqliteEventBusStore::open(*host.store);
  if (!store.ok()) return store.error();
  return std::unique_ptr<EventsRuntime>(
      new EventsRuntime(std::move(host), std::move(settings), std::move(*store)));
}

void EventsRuntime::close() {
  std::lock_guard<std::mutex> lock(outbox_->mu);
  outbox_->loop = nullptr;
}

events::CallContext EventsRuntime::context() { return events::CallContext{host_.loop->now(), &entropy_}; }

void EventsRuntime::call(const std::string& action, const Value& request,
                         std::function<void(int, std::string)> reply) {
  auto r = service_->call(action, request, context());
  int status = 200;
  std::string body;
  if (r.ok()) {
    if (action != "PutEvents" && action != "TestEventPattern" && !action.starts_with("Describe") &&
        !action.starts_with("List"))
      schedules_dirty_ = true;  // rules may have changed: look at the schedules again this batch
    body = r->response.dump();
    handle_published(r->published, r->deliveries);
    enqueue(std::move(r->deliveries));
    pump(host_.loop->now());
  } else {
    status = r.error().http_status();
    ObjectBuilder e;
    e.add("__type", Value::string(r.error().type));
    e.add("message", Value::string(r.error().message));
    body = std::move(e).build().dump();
  }
  host_.loop->after_commit(
      [reply = std::move(reply), status, body = std::move(body)](bool committed) mutable {
        if (!committed) {
          reply(500, R"({"__type":"InternalException","message":"The store failed to save the change"})");
          return;
        }
        reply(status, std::move(body));
      });
}

void EventsRuntime::handle_published(const std::vector<events::PublishedEvent>& published,
                                     const std::vector<events::Delivery>& deliveries) {
  for (const events::PublishedEvent& p : published) {
    const Value* id = p.event.find("id");
    bool routed = false, resumes = false;
    for (const events::Delivery& d : deliveries) {
      const Value* did = d.event.find("id");
      if (!did || !id || did->as_string() != id->as_string()) continue;
      routed = true;
      if (const Value* arn = d.target.find("Arn");
          arn && arn->is_string() && integrations::is_wait_for_event(arn->as_string()))
        resumes = true;
    }
    // An event a rule routes to a resume target is correlated by that target (with its
    // input); every other event natively, with the event as the output.
    size_t completed = resumes ? 0 : correlate(p.bus, p.event, Value(), "");
    if (!routed && completed == 0) note_unmatched(p.bus, p.event);
  }
}

const events::EventPattern* EventsRuntime::pattern(const std::string& text) {
  auto it = patterns_.find(text);
  if (it == patterns_.end()) {
    auto p = events::EventPattern::parse(text);
    if (!p.ok())
      log::warn("events:waitForEvent pattern is not valid",
                {{"pattern", text}, {"error", p.error().message}});
    if (patterns_.size() > 10000) patterns_.clear();
    it = patterns_
             .emplace(text, p.ok() ? std::optional<events::EventPattern>(std::move(p).value()) : std::nullopt)
             .first;
  }
  return it->second ? &*it->second : nullptr;
}

size_t EventsRuntime::correlate(const std::string& bus, const Value& event, const Value& output,
                                const std::string& key_path) {
  size_t completed = 0;
  int64_t now = host_.loop->now();
  std::vector<std::string> paths =
      key_path.empty() ? store_->key_paths(bus) : std::vector<std::string>{key_path};
  for (const std::string& path : paths) {
    auto key = events::value_at_path(event, path);
    if (!key) continue;
    // A snapshot: a task this event completes may register again under the same key.
    for (const store::EventWaiter& w : store_->waiters(bus, *key)) {
      if (key_path.empty() && w.key_path != path) continue;
      if (!w.pattern.empty()) {
        const events::EventPattern* p = pattern(w.pattern);
        if (!p || !p->matches(event)) continue;
      }
      store_->remove_waiter(w.id);
      Status st = host_.engine->task_success(w.token, output.is_null() ? event : output, now);
      if (st.ok()) ++completed;  // else: the task ended (timeout, stop): a stale registration
    }
  }
  return completed;
}

Result<Value> EventsRuntime::enlist(const integrations::WaitSpec& spec, const engine::TaskRequest& request) {
  if (!store_->bus(spec.bus) && spec.bus != "default") {
    std::string m = "events:waitForEvent: event bus ";
    return Error{"States.Runtime", m.append(spec.bus).append(" does not exist")};
  }
  if (!spec.pattern.empty() && !pattern(spec.pattern))
    return Error{"States.Runtime", "events:waitForEvent: Pattern is not a valid event pattern"};
  store::EventWaiter w;
  w.bus = spec.bus;
  w.key = spec.key;
  w.token = spec.token;
  w.execution_arn = std::string(request.execution_arn);
  w.pattern = spec.pattern;
  w.key_path = spec.key_path;
  w.created_ms = host_.loop->now();
  store_->add_waiter(w);
  ObjectBuilder o;
  o.add("EventBusName", Value::string(spec.bus));
  o.add("CorrelationKey", Value::string(spec.key));
  return std::move(o).build();
}

void EventsRuntime::enqueue(std::vector<events::Delivery> deliveries) {
  int64_t now = host_.loop->now();
  for (events::Delivery& d : deliveries) queue_.submit(std::move(d), now);
}

void EventsRuntime::pump(int64_t now_ms) {
  for (DeliveryJob& job : queue_.take_due(now_ms)) perform(std::move(job), now_ms);
}

void EventsRuntime::perform(DeliveryJob job, int64_t now_ms) {
  const Value* arn_v = job.delivery.target.find("Arn");
  std::string arn = arn_v && arn_v->is_string() ? std::string(arn_v->as_string()) : std::string();
  if (is_webhook(arn)) {
    if (webhooks_in_flight_ >= settings_.max_webhook_threads) {
      queue_.submit(job.delivery, now_ms + 50);  // wait for a free thread
      return;
    }
    return post_webhook(std::move(job));
  }
  if (is_state_machine(arn) && !host_.execution_actions) {
    queue_.submit(job.delivery, now_ms + 50);  // the server is starting: not an attempt
    return;
  }
  DeliveryOutcome outcome;
  if (is_state_machine(arn)) {
    outcome = start_execution(job.delivery, now_ms);
  } else if (integrations::is_wait_for_event(arn)) {
    auto path = member_string(job.delivery.target, "KinesisParameters", "PartitionKeyPath");
    size_t n =
        correlate(job.delivery.bus, job.delivery.event, input_value(job.delivery.input), path.value_or(""));
    outcome = n ? DeliveryOutcome::ok()
                : DeliveryOutcome::retryable("NO_WAITER", "No task waits for this event's correlation key");
  } else {
    outcome = DeliveryOutcome::permanent(
        "NO_RESOURCE",
        "stepguard delivers to state machines, events:waitForEvent and http(s) URLs, not " + arn);
  }
  queue_.report(std::move(job), outcome, now_ms);
}

DeliveryOutcome EventsRuntime::start_execution(const events::Delivery& d, int64_t now_ms) {
  ObjectBuilder req;
  req.add("stateMachineArn", *d.target.find("Arn"));
  if (auto path = member_string(d.target, "KinesisParameters", "PartitionKeyPath")) {
    auto name = events::value_at_path(d.event, *path);
    if (!name)
      return DeliveryOutcome::permanent("INVALID_PARAMETER",
                                        "The event has nothing at " + *path + " to name the execution");
    req.add("name", Value::string(*name));
  }
  req.add("input", Value::string(d.input.json ? d.input.text : Value::string(d.input.text).dump()));
  std::optional<api::ApiResult> result;
  host_.execution_actions->handle("StartExecution", std::move(req).build(), now_ms,
                                  [&](api::ApiResult r) { result.emplace(std::move(r)); });
  if (!result || result->ok()) return DeliveryOutcome::ok();
  const api::ApiError& e = result->error();
  if (e.code == "ExecutionAlreadyExists") return DeliveryOutcome::ok();  // idempotent by name
  if (e.code == "StateMachineDoesNotExist")
    return DeliveryOutcome::retryable("NO_RESOURCE", e.message);  // it may be created soon
  if (e.code == "ExecutionLimitExceeded" || e.code == "ThrottlingException")
    return DeliveryOutcome::retryable("THROTTLING", e.message);
  return DeliveryOutcome::permanent(e.code, e.message);
}

void EventsRuntime::post_webhook(DeliveryJob job) {
  ++webhooks_in_flight_;
  integrations::HttpCall call;
  call.method = "POST";
  call.url = std::string(job.delivery.target.find("Arn")->as_string());
  call.headers.emplace_back("Content-Type", job.delivery.input.json ? "application/json" : "text/plain");
  call.body = job.delivery.input.text;
  call.send_body = true;
  call.timeout_ms = kWebhookTimeoutMs;
  auto run = [outbox = outbox_, call = std::move(call), job = std::move(job), this]() mutable {
    integrations::HttpReply r = integrations::send_http(call);
    DeliveryOutcome o;
    if (r.ok_status()) {
      o = DeliveryOutcome::ok();
    } else if (r.kind == integrations::HttpReply::Kind::kResponse) {
      bool retry = r.status >= 500 || r.status == 429 || r.status == 408;
      std::string m = "HTTP " + std::to_string(r.status);
      o = retry ? DeliveryOutcome::retryable(r.status == 429 ? "THROTTLING" : "HTTP_ERROR", m)
                : DeliveryOutcome::permanent("HTTP_ERROR", m);
    } else if (r.kind == integrations::HttpReply::Kind::kTimeout) {
      o = DeliveryOutcome::retryable("TIMEOUT", "The webhook did not answer in time");
    } else {
      o = DeliveryOutcome::retryable("SDK_CLIENT_ERROR", r.error);
    }
    std::lock_guard<std::mutex> lock(outbox->mu);
    if (!outbox->loop) return;  // shutting down: the runtime may be gone
    outbox->loop->post([this, job = std::move(job), o = std::move(o)]() mutable {
      --webhooks_in_flight_;
      queue_.report(std::move(job), o, host_.loop->now());
      pump(host_.loop->now());
    });
  };
  try {
    std::thread(std::move(run)).detach();
  } catch (const std::system_error&) {
    --webhooks_in_flight_;
  }
}

void EventsRuntime::note_unmatched(const std::string& bus, const Value& event) {
  ObjectBuilder o;
  o.add("bus", Value::string(bus));
  o.add("received", Value::string(json::format_iso8601_ms(host_.loop->now())));
  o.add("event", event);
  Value line = std::move(o).build();
  append_line(settings_.unmatched_file, line.dump());
  std::lock_guard<std::mutex> lock(unmatched_mu_);
  unmatched_.push_back(std::move(line));
  while (unmatched_.size() > settings_.unmatched_ring) unmatched_.pop_front();
}

std::string EventsRuntime::unmatched_json() const {
  std::vector<Value> items;
  {
    std::lock_guard<std::mutex> lock(unmatched_mu_);
    for (auto it = unmatched_.rbegin(); it != unmatched_.rend(); ++it) items.push_back(*it);  // newest first
  }
  ObjectBuilder o;
  o.add("events", Value::array(std::move(items)));
  return std::move(o).build().dump();
}

void EventsRuntime::on_execution_change(const engine::ExecutionChange& change) {
  if (change.express) return;  // Express workflows emit no status events, as on AWS
  if (change.kind == engine::ExecutionChange::Kind::kClosed) store_->remove_waiters_of(change.execution_arn);
  if (!settings_.status_change_events) return;
  std::optional<store::ExecutionRow> row = host_.store->find_execution_by_id(change.row_id);
  pending_status_events_.push_back(status_change_event(
      change, row ? &*row : nullptr, host_.account, host_.region, json::random_uuid(entropy_), change.at_ms));
  // The engine must not be re-entered from its observer: the events are matched (and
  // may complete waiting tasks) in a batch of their own, right after this one.
  if (status_flush_posted_) return;
  status_flush_posted_ = true;
  host_.loop->post([this] {
    status_flush_posted_ = false;
    std::vector<Value> events = std::move(pending_status_events_);
    pending_status_events_.clear();
    for (const Value& e : events) {
      auto deliveries = service_->publish("default", e, context());
      correlate("default", e, Value(), "");
      enqueue(std::move(deliveries));
    }
    pump(host_.loop->now());
  });
}

namespace {

// Schedules run on a virtual clock that `--time-scale` speeds up (or slows down), anchored
// at the schedule's creation: virtual = anchor + (real - anchor) / scale.
int64_t to_virtual(int64_t anchor, int64_t real, double scale) {
  return anchor + static_cast<int64_t>(static_cast<double>(real - anchor) / scale);
}
int64_t to_real(int64_t anchor, int64_t virt, double scale) {
  return anchor + static_cast<int64_t>(std::ceil(static_cast<double>(virt - anchor) * scale));
}

constexpr std::string_view kConfigScheduleBus = "";  // bus name never valid: no clash with rules

std::string config_last_key(const std::string& name) { return "schedule/" + name; }
std::string config_anchor_key(const std::string& name) { return "schedule-anchor/" + name; }
// The scheduled time of the last fire that ran (the last fire times above also move when a
// fire is dropped or on first sight), for listings.
std::string fired_key(const std::string& bus, const std::string& name) { return "fired/" + bus + "/" + name; }

Result<events::Schedule> rule_schedule(const events::RuleRecord& rule) {
  events::ScheduleOptions o;
  o.dialect = events::ScheduleDialect::kRule;
  o.created = events::SysSeconds(std::chrono::seconds(rule.created_ms / 1000));
  return events::Schedule::make(*rule.schedule_expression, o);
}

}  // namespace

void EventsRuntime::load_config_schedules(int64_t now_ms) {
  if (config_schedules_loaded_) return;
  config_schedules_loaded_ = true;
  for (const ConfigSchedule& cs : settings_.schedules) {
    std::string key = config_anchor_key(cs.name);
    std::optional<int64_t> anchor = store_->last_fire(kConfigScheduleBus, key);
    if (!anchor) {
      anchor = now_ms;
      store_->set_last_fire(kConfigScheduleBus, key, now_ms);
    }
    events::ScheduleOptions o = cs.options;
    o.created = events::SysSeconds(std::chrono::seconds(*anchor / 1000));
    auto made = events::Schedule::make(cs.expression, o);
    if (!made.ok())
      log::warn("schedule not loaded", {{"schedule", cs.name}, {"error", made.error().message}});
    config_schedules_.push_back(made.ok() ? std::optional<events::Schedule>(std::move(made).value())
                                          : std::nullopt);
    config_anchors_.push_back(*anchor);
  }
}

void EventsRuntime::fire_rule(const events::RuleRecord& rule, int64_t fire_ms, int64_t now_ms) {
  std::string rule_arn = service_->rule_arn(rule.bus, rule.name);
  ObjectBuilder e;
  e.add("version", Value::string("0"));
  e.add("id", Value::string(json::random_uuid(entropy_)));
  e.add("detail-type", Value::string("Scheduled Event"));
  e.add("source", Value::string("aws.events"));
  e.add("account", Value::string(host_.account));
  e.add("time", Value::string(iso_seconds(fire_ms)));
  e.add("region", Value::string(host_.region));
  e.add("resources", Value::array({Value::string(rule_arn)}));
  e.add("detail", Value::empty_object());
  Value event = std::move(e).build();
  ++schedule_fires_;
  store_->set_last_fire(kConfigScheduleBus, fired_key(rule.bus, rule.name), fire_ms);
  events::DeliveryContext dc{rule.name, rule_arn, iso_seconds(fire_ms)};
  for (const Value& t : rule.targets)
    queue_.submit(events::Delivery{rule.bus, rule.name, rule_arn, t, event,
                                   events::TargetInput::of_stored_target(t).render(event, dc)},
                  now_ms);
}

void EventsRuntime::fire_config_schedule(const ConfigSchedule& cs, int64_t fire_ms, int64_t now_ms) {
  std::string arn = "arn:" + host_.partition + ":scheduler:" + host_.region + ":" + host_.account +
                    ":schedule/default/" + cs.name;
  std::string id = json::random_uuid(entropy_);
  ++schedule_fires_;
  store_->set_last_fire(kConfigScheduleBus, fired_key("schedule", cs.name), fire_ms);
  ObjectBuilder e;  // what the dead-letter line shows as the event
  e.add("version", Value::string("0"));
  e.add("id", Value::string(id));
  e.add("detail-type", Value::string("Scheduled Event"));
  e.add("source", Value::string("aws.scheduler"));
  e.add("account", Value::string(host_.account));
  e.add("time", Value::string(iso_seconds(fire_ms)));
  e.add("region", Value::string(host_.region));
  e.add("resources", Value::array({Value::string(arn)}));
  e.add("detail", Value::empty_object());
  ObjectBuilder t;
  t.add("Id", Value::string(cs.name));
  t.add("Arn", Value::string(cs.target));
  events::RenderedInput input{fill_scheduler_placeholders(cs.input, arn, iso_seconds(fire_ms), id, 1), true};
  queue_.submit(events::Delivery{std::string(kConfigScheduleBus), cs.name, arn, std::move(t).build(),
                                 std::move(e).build(), std::move(input)},
                now_ms);
}

void EventsRuntime::fire_schedules(int64_t now_ms, bool startup) {
  std::optional<int64_t> next;
  auto merge = [&](int64_t at) { next = next ? std::min(*next, at) : at; };
  double scale = settings_.delivery.time_scale;
  for (const events::RuleRecord& rule : service_->scheduled_rules()) {
    auto schedule = rule_schedule(rule);
    if (!schedule.ok()) continue;
    int64_t vnow = to_virtual(rule.created_ms, now_ms, scale);
    std::string salt = rule.bus + "/" + rule.name;
    FireDecision d = decide_fire(*schedule, salt, store_->last_fire(rule.bus, rule.name), vnow, startup,
                                 settings_.catch_up_missed);
    if (d.store_last) store_->set_last_fire(rule.bus, rule.name, d.last_ms);
    if (d.fire_ms) fire_rule(rule, *d.fire_ms, now_ms);
    if (d.dropped) {
      ++dropped_fires_;
      log::info("missed schedule fire not caught up (catch_up_missed: false)", {{"rule", rule.name}});
    }
    if (d.next_ms) merge(to_real(rule.created_ms, *d.next_ms, scale));
  }
  load_config_schedules(now_ms);
  for (size_t i = 0; i < settings_.schedules.size(); ++i) {
    const ConfigSchedule& cs = settings_.schedules[i];
    if (!cs.enabled || !config_schedules_[i]) continue;
    int64_t anchor = config_anchors_[i];
    int64_t vnow = to_virtual(anchor, now_ms, scale);
    std::string key = config_last_key(cs.name);
    std::optional<int64_t> last = store_->last_fire(kConfigScheduleBus, key);
    // First sight: a Scheduler rate without StartDate fires at once (its anchor is now).
    if (!last) last = vnow - 1000;
    FireDecision d = decide_fire(*config_schedules_[i], "schedule/" + cs.name, last, vnow, startup,
                                 settings_.catch_up_missed);
    if (d.store_last || !store_->last_fire(kConfigScheduleBus, key))
      store_->set_last_fire(kConfigScheduleBus, key, d.last_ms);
    if (d.fire_ms) fire_config_schedule(cs, *d.fire_ms, now_ms);
    if (d.dropped) {
      ++dropped_fires_;
      log::info("missed schedule fire not caught up (catch_up_missed: false)", {{"schedule", cs.name}});
    }
    if (d.next_ms) merge(to_real(anchor, *d.next_ms, scale));
  }
  next_schedule_ms_ = next;
}

std::string EventsRuntime::schedules_json(int count) {
  int64_t now = host_.loop->now();
  double scale = settings_.delivery.time_scale;
  std::vector<Value> items;
  auto fires = [&](const events::Schedule& s, const std::string& salt, int64_t anchor,
                   std::optional<int64_t> last) {
    std::vector<Value> out;
    int64_t vnow = to_virtual(anchor, now, scale);
    for (int64_t v : next_fires(s, salt, std::max(vnow, last.value_or(vnow)), count))
      out.push_back(Value::string(iso_seconds(to_real(anchor, v, scale))));
    return Value::array(std::move(out));
  };
  auto last_value = [&](std::optional<int64_t> last, int64_t anchor) {
    return last ? Value::string(iso_seconds(to_real(anchor, *last, scale))) : Value();
  };
  for (const events::RuleRecord& rule : service_->scheduled_rules()) {
    auto schedule = rule_schedule(rule);
    if (!schedule.ok()) continue;
    std::optional<int64_t> last = store_->last_fire(rule.bus, rule.name);
    ObjectBuilder o;
    o.add("kind", Value::string("rule"));
    o.add("name", Value::string(rule.name));
    o.add("arn", Value::string(service_->rule_arn(rule.bus, rule.name)));
    o.add("expression", Value::string(*rule.schedule_expression));
    o.add("timezone", Value::string("UTC"));
    std::vector<Value> targets;
    for (const Value& t : rule.targets)
      if (const Value* arn = t.find("Arn")) targets.push_back(*arn);
    o.add("targets", Value::array(std::move(targets)));
    std::optional<int64_t> fired = store_->last_fire(kConfigScheduleBus, fired_key(rule.bus, rule.name));
    if (fired && *fired < rule.created_ms) fired.reset();  // a rule of the same name, deleted
    o.add("last_fire", last_value(fired, rule.created_ms));
    o.add("next_fires", fires(*schedule, rule.bus + "/" + rule.name, rule.created_ms, last));
    items.push_back(std::move(o).build());
  }
  load_config_schedules(now);
  for (size_t i = 0; i < settings_.schedules.size(); ++i) {
    const ConfigSchedule& cs = settings_.schedules[i];
    if (!cs.enabled || !config_schedules_[i]) continue;
    std::optional<int64_t> last = store_->last_fire(kConfigScheduleBus, config_last_key(cs.name));
    ObjectBuilder o;
    o.add("kind", Value::string("schedule"));
    o.add("name", Value::string(cs.name));
    o.add("arn", Value::string("arn:" + host_.partition + ":scheduler:" + host_.region + ":" + host_.account +
                               ":schedule/default/" + cs.name));
    o.add("expression", Value::string(cs.expression));
    o.add("timezone", Value::string(cs.options.time_zone.empty() ? "UTC" : cs.options.time_zone));
    o.add("targets", Value::array({Value::string(cs.target)}));
    o.add("flexible_window_minutes", Value::integer(cs.options.flexible_window_minutes));
    o.add("last_fire", last_value(store_->last_fire(kConfigScheduleBus, fired_key("schedule", cs.name)),
                                  config_anchors_[i]));
    o.add("next_fires", fires(*config_schedules_[i], "schedule/" + cs.name, config_anchors_[i], last));
    items.push_back(std::move(o).build());
  }
  ObjectBuilder out;
  out.add("time_scale", Value::number(scale));
  out.add("schedules", Value::array(std::move(items)));
  return std::move(out).build().dump();
}

void EventsRuntime::on_time(int64_t now_ms) {
  bool startup = !schedules_started_;
  schedules_started_ = true;
  // The schedules are looked at when one is due or the rules changed (call()), not in
  // every batch: reading the rules costs as much as the default bus has rules.
  if (startup || schedules_dirty_ || (next_schedule_ms_ && now_ms >= *next_schedule_ms_)) {
    schedules_dirty_ = false;
    fire_schedules(now_ms, startup);
  }
  pump(now_ms);
}

std::string EventsRuntime::prometheus_text() const {
  const DeliveryCounters& c = queue_.counters();
  std::string out =
      "# HELP stepguard_event_deliveries_total Event bus target deliveries: delivered, failed attempts, "
      "retries scheduled, given up to the dead-letter file.\n"
      "# TYPE stepguard_event_deliveries_total counter\n";
  auto line = [&](const char* metric, const char* outcome, uint64_t n) {
    out.append(metric)
        .append("{outcome=\"")
        .append(outcome)
        .append("\"} ")
        .append(std::to_string(n))
        .append("\n");
  };
  line("stepguard_event_deliveries_total", "delivered", c.delivered.load());
  line("stepguard_event_deliveries_total", "failed", c.failed.load());
  line("stepguard_event_deliveries_total", "retried", c.retried.load());
  line("stepguard_event_deliveries_total", "dead_lettered", c.dead_lettered.load());
  out.append(
      "# HELP stepguard_schedule_fires_total Schedule fires (scheduled rules and config schedules); dropped: "
      "missed while down with catch_up_missed off.\n"
      "# TYPE stepguard_schedule_fires_total counter\n");
  line("stepguard_schedule_fires_total", "fired", schedule_fires_.load());
  line("stepguard_schedule_fires_total", "dropped", dropped_fires_.load());
  return out;
}

std::optional<int64_t> EventsRuntime::next_wakeup(std::optional<int64_t> other) const {
  std::optional<int64_t> out = other;
  auto merge = [&](std::optional<int64_t> t) {
    if (t) out = out ? std::min(*out, *t) : *t;
  };
  merge(queue_.next_due());
  merge(next_schedule_ms_);
  if (!schedules_started_) merge(int64_t{0});
  return out;
}

Result<EventsSettings> events_settings(const ConfigFile& config, double time_scale) {
  EventsSettings s;
  s.delivery.time_scale = time_scale;
  const YAML::Node& e = config.events;
  if (!e || e.IsNull()) return s;
  std::string base;
  if (size_t slash = config.path.rfind('/'); slash != std::string::npos)
    base = config.path.substr(0, slash + 1);
  auto path = [&](const YAML::Node& v) {
    std::string p = v.as<std::string>();
    return p.empty() || p[0] == '/' ? p : base + p;
  };
  try {
    for (const auto& kv : e) {
      std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "dead_letter_file") {
        s.dead_letter_file = path(v);
      } else if (key == "unmatched_file") {
        s.unmatched_file = path(v);
      } else if (key == "unmatched_ring") {
        s.unmatched_ring = v.as<size_t>();
      } else if (key == "catch_up_missed") {
        s.catch_up_missed = v.as<bool>();
      } else if (key == "status_change_events") {
        s.status_change_events = v.as<bool>();
      } else if (key == "retry_base_seconds") {
        s.delivery.base_delay_ms = static_cast<int64_t>(v.as<double>() * 1000);
      } else if (key == "retry_max_seconds") {
        s.delivery.max_delay_ms = static_cast<int64_t>(v.as<double>() * 1000);
      } else if (key == "schedules") {
        auto schedules = parse_config_schedules(v, config.path);
        if (!schedules.ok()) return schedules.error();
        s.schedules = std::move(schedules).value();
      } else {
        return Error{"INVALID_CONFIG",
                     config.path + ": unknown key events." + key +
                         " (known: dead_letter_file, unmatched_file, unmatched_ring, catch_up_missed, "
                         "status_change_events, retry_base_seconds, retry_max_seconds, schedules)"};
      }
    }
  } catch (const YAML::Exception& x) {
    return Error{"INVALID_CONFIG", config.path + ": events: " + x.what()};
  }
  return s;
}

Result<std::unique_ptr<EventsRuntime>> open_events_runtime(
    const ConfigFile& config, const std::string& partition, const std::string& region,
    const std::string& account, double time_scale, store::SqliteStore* store, engine::DurableEngine* engine,
    engine::ServiceLoop* loop) {
  auto settings = events_settings(config, time_scale);
  if (!settings.ok()) return settings.error();
  EventsHost host;
  host.store = store;
  host.engine = engine;
  host.loop = loop;
  host.partition = partition;
  host.region = region;
  host.account = account;
  host.seed = std::random_device{}();
  auto runtime = EventsRuntime::open(std::move(host), std::move(settings).value());
  if (!runtime.ok()) return runtime.error();
  engine->add_observer(runtime->get());
  return runtime;
}

}  // namespace sg::cli
