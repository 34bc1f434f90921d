#include "engine/durable_engine.h"

#include <openssl/evp.h>

#include <algorithm>
#include <random>
#include <unordered_set>

#include "asl/state_machine.h"
#include "engine/nested_execution.h"
#include "engine/seeded_entropy.h"
#include "json/parse.h"
#include "json/uuid.h"

namespace sg::engine {

using json::Value;

namespace {

constexpr int64_t kPurgeEveryMs = 60 * 1000;
// An execution with no input for this long, nothing in flight and no timer due within
// this long leaves memory; its journal brings it back when needed. Waiting for it to be
// idle keeps an execution that receives a stream of inputs from being replayed for each.
constexpr int64_t kHibernateAfterMs = 2000;
// Timer entries handled per on_time() call (per batch): many executions due at the same
// instant fire over several batches, so requests are answered in between.
constexpr int kMaxTimersPerBatch = 1024;
// AWS ends an Express execution that runs longer than this.
constexpr int64_t kExpressMaxMs = 5 * 60 * 1000;

uint64_t token_key(const std::string& token) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: tokens are random already
  for (unsigned char c : token) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string sha256_hex(std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// Execution names, express ids and seeds need not be reproducible: a random start.
uint64_t fresh_seed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

// Tokens are 88 characters of the base64 alphabet (Execution::new_token()).
bool well_formed_token(const std::string& t) {
  if (t.size() != 88) return false;
  for (char c : t)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) return false;
  return true;
}

const std::string* str_member(const Value& v, std::string_view key) {
  thread_local std::string tmp;
  const Value* m = v.find(key);
  if (!m || !m->is_string()) return nullptr;
  tmp = std::string(m->as_string());
  return &tmp;
}

int64_t int_member(const Value& v, std::string_view key, int64_t dflt = 0) {
  const Value* m = v.find(key);
  return m && m->is_int() ? m->as_int() : dflt;
}

Value without_members(const Value& obj, std::initializer_list<std::string_view> keys) {
  std::vector<json::Member> kept;
  for (const json::Member& m : obj.members())
    if (std::find(keys.begin(), keys.end(), m.name()) == keys.end()) kept.push_back(m);
  return Value::object(std::move(kept));
}

}  // namespace

struct DurableEngine::Live final : HistorySink {
  DurableEngine* engine = nullptr;
  int64_t id = 0;
  bool durable = true;
  store::ExecutionRow row;
  std::shared_ptr<const asl::StateMachine> machine;
  std::unique_ptr<Execution> exec;
  int64_t journal_seq = 0;
  int64_t pushed_timer = 0;
  std::vector<std::string> tokens;
  std::function<void(SyncOutcome)> sync_done;
  std::unordered_set<uint64_t> unstarted_activities;  // queued, ActivityStarted not recorded
  std::unordered_set<uint64_t> in_flight;             // dispatched, no answer yet
  int64_t last_touch = -1;                            // time of the latest input (idle_)
  int64_t express_deadline = 0;                       // Express: when it times out
  bool express_timed_out = false;
  std::unordered_map<uint64_t, std::string> sync_children;  // .sync task id -> child ARN
  // Mocks: the test case (empty: none), the machine's name, and the tasks created so far
  // per state name, counted in creation order (replay included), so the invocation number
  // of each task is the same after a rebuild.
  std::string test_case, machine_name;
  std::unordered_map<std::string, int64_t> invocations;

  void on_event(const HistoryEvent& e) override {
    if (durable) engine->store_.append_event(id, e.id, e.to_json().dump());
  }
};

struct DurableEngine::Poller {
  std::string worker;
  int64_t deadline = 0;
  std::function<void(std::optional<ActivityTaskHandout>)> reply;
};

// An effect on another execution, applied once the current settle() is over.
struct DurableEngine::Notice {
  int64_t parent_id = 0;  // a child ended: complete this execution's task
  uint64_t task_id = 0;
  TaskResult result;
  std::string stop_arn;  // or: stop this child, with this cause
  std::string cause;
};

struct DurableEngine::QueuedActivity {
  int64_t execution_id = 0;
  uint64_t task_id = 0;
  std::string token;
  std::string input;
  bool started = false;  // handed out before a restart: hand it out again, record nothing
};

DurableEngine::DurableEngine(store::SqliteStore& store, TaskDispatcher& dispatcher, EngineOptions options)
    : store_(store), dispatcher_(dispatcher), options_(std::move(options)), rng_(fresh_seed()) {}

DurableEngine::~DurableEngine() = default;

size_t DurableEngine::open_count() const { return live_.size(); }

std::string DurableEngine::execution_arn_for(const StartSpec& spec, const std::string& name) const {
  std::string arn = spec.state_machine_arn;
  size_t p = arn.find(":stateMachine:");
  std::string prefix = arn.substr(0, p);
  std::string out = prefix;
  out += spec.express ? ":express:" : ":execution:";
  out += spec.state_machine_name;
  out += ':';
  out += name;
  return out;
}

DurableEngine::Live* DurableEngine::make_live(store::ExecutionRow row,
                                              std::shared_ptr<const asl::StateMachine> machine,
                                              bool durable) {
  auto l = std::make_unique<Live>();
  l->engine = this;
  l->id = row.id;
  l->durable = durable;
  l->machine = machine;
  ExecutionSetup s;
  s.execution_arn = row.arn;
  s.execution_name = row.name;
  s.state_machine_arn = row.state_machine_arn;
  size_t colon = row.state_machine_arn.rfind(':');
  s.state_machine_name = row.state_machine_arn.substr(colon + 1);
  if (const std::string* test = str_member(row.doc, "test")) {
    l->test_case = *test;
    l->machine_name = s.state_machine_name;
  }
  const std::string* role = str_member(row.doc, "role");
  s.role_arn = role ? *role : "";
  s.state_machine_alias_arn = row.alias_arn;
  s.state_machine_version_arn = row.version_arn;
  s.region = options_.region;
  const std::string* input_text = str_member(row.doc, "input");
  std::string text = input_text ? *input_text : "{}";
  auto parsed = json::parse_json(text);
  s.input = parsed.ok() ? std::move(parsed).value() : Value::empty_object();
  s.input_text = text;
  s.history = durable ? l.get() : nullptr;
  s.seed = static_cast<uint64_t>(int_member(row.doc, "seed"));
  const Value* scale = row.doc.find("scale");
  s.time_scale = scale && scale->is_number() ? scale->as_double() : 1.0;
  s.max_history_events = durable ? options_.max_history_events : 0;
  s.own_task_timeouts = true;
  s.queue_activities = true;
  l->exec = std::make_unique<Execution>(std::move(machine), std::move(s));
  l->row = std::move(row);
  Live* out = l.get();
  live_[out->id] = std::move(l);
  return out;
}

const std::string& DurableEngine::definition_hash(const StartSpec& spec) {
  // Hashed once per compiled definition, not per start: a definition may be 1 MB.
  auto it = hash_of_.find(spec.machine.get());
  if (it != hash_of_.end()) return it->second.second;
  std::string hash = sha256_hex(spec.definition_text);
  machines_by_hash_.emplace(hash, spec.machine);
  // The entry holds the machine, so its address cannot be reused by another one.
  return hash_of_.emplace(spec.machine.get(), std::make_pair(spec.machine, std::move(hash)))
      .first->second.second;
}

Status DurableEngine::check_test_case(const StartSpec& spec) const {
  if (spec.test_case.empty()) return Status::Ok();
  if (!options_.check_test_case) {
    std::string m("Test case '");
    m.append(spec.test_case).append("' cannot be used: no mock config file is configured");
    return Status::Fail("ValidationException", std::move(m));
  }
  return options_.check_test_case(spec.state_machine_name, spec.test_case);
}

Result<StartOutcome> DurableEngine::start(const StartSpec& spec, int64_t now_ms) {
  note_time(now_ms);
  if (Status st = check_test_case(spec); !st.ok()) return st.error();
  std::string name = spec.name.empty() ? json::random_uuid(rng_) : spec.name;
  std::string arn = execution_arn_for(spec, name);
  if (spec.express) arn += ":" + json::random_uuid(rng_);
  if (!spec.express) {
    if (auto existing = store_.find_execution(arn)) {
      // Idempotent while RUNNING with the same input; otherwise the name is taken.
      const std::string* in = str_member(existing->doc, "input");
      if (existing->status == "RUNNING" && in && *in == spec.input_text)
        return StartOutcome{arn, existing->start_ms};
      return Error{"ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'"};
    }
  }
  store::ExecutionRow row;
  row.arn = arn;
  row.state_machine_arn = spec.state_machine_arn;
  row.name = name;
  row.status = "RUNNING";
  row.start_ms = now_ms;
  row.version_arn = spec.version_arn;
  row.alias_arn = spec.alias_arn;
  const std::string& hash = definition_hash(spec);
  json::ObjectBuilder doc(9);
  doc.add("input", Value::string(spec.input_text));
  doc.add("def", Value::string(hash));
  doc.add("role", Value::string(spec.role_arn));
  doc.add("seed", Value::integer(static_cast<int64_t>(rng_.next_u64() >> 1)));
  doc.add("scale", Value::number(options_.time_scale));
  if (!spec.trace_header.empty()) doc.add("trace", Value::string(spec.trace_header));
  if (!spec.revision_id.empty()) doc.add("rev", Value::string(spec.revision_id));
  if (!spec.parent.is_null()) doc.add("parent", spec.parent);
  if (!spec.test_case.empty()) doc.add("test", Value::string(spec.test_case));
  row.doc = std::move(doc).build();
  if (spec.express) {
    row.id = next_express_id_--;
  } else {
    store_.put_definition(hash, spec.definition_text);
    store_.insert_execution(row);
    if (!store_.health().ok()) return Error{"StoreFailure", store_.health().error().message};
  }
  Live* l = make_live(std::move(row), spec.machine, !spec.express);
  StartOutcome out{arn, now_ms};
  if (spec.express) arm_express_deadline(*l, now_ms);
  notify(*l, ExecutionChange::Kind::kStarted, now_ms);
  l->exec->start(now_ms);
  settle(*l, Resume::kLive);
  return out;
}

void DurableEngine::start_sync(const StartSpec& spec, int64_t now_ms, std::function<void(SyncOutcome)> done) {
  note_time(now_ms);
  StartSpec s = spec;
  s.express = true;
  std::string name = s.name.empty() ? json::random_uuid(rng_) : s.name;
  s.name = name;
  std::string arn = execution_arn_for(s, name) + ":" + json::random_uuid(rng_);
  store::ExecutionRow row;
  row.id = next_express_id_--;
  row.arn = arn;
  row.state_machine_arn = s.state_machine_arn;
  row.name = name;
  row.status = "RUNNING";
  row.start_ms = now_ms;
  json::ObjectBuilder doc(4);
  doc.add("input", Value::string(s.input_text));
  doc.add("seed", Value::integer(static_cast<int64_t>(rng_.next_u64() >> 1)));
  doc.add("scale", Value::number(options_.time_scale));
  if (!s.trace_header.empty()) doc.add("trace", Value::string(s.trace_header));
  if (!s.test_case.empty()) doc.add("test", Value::string(s.test_case));
  row.doc = std::move(doc).build();
  Live* l = make_live(std::move(row), s.machine, false);
  l->sync_done = std::move(done);
  arm_express_deadline(*l, now_ms);
  notify(*l, ExecutionChange::Kind::kStarted, now_ms);
  l->exec->start(now_ms);
  settle(*l, Resume::kLive);
}

void DurableEngine::arm_express_deadline(Live& l, int64_t now_ms) {
  l.express_deadline =
      now_ms +
      std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(kExpressMaxMs) * options_.time_scale));
  timers_.push({l.express_deadline, l.id});  // stale (skipped) if it ends before
}

json::ObjectBuilder DurableEngine::new_entry(std::string_view kind, int64_t now_ms,
                                             std::optional<uint64_t> task) {
  json::ObjectBuilder e(7);
  e.add("k", Value::string(kind));
  if (task) e.add("id", Value::integer(static_cast<int64_t>(*task)));
  e.add("t", Value::integer(now_ms));
  return e;
}

void DurableEngine::record(Live& l, json::ObjectBuilder&& e) {
  Value entry = std::move(e).build();
  journal(l, entry);
  apply(l, entry);
}

void DurableEngine::input(Live& l, json::ObjectBuilder&& e) {
  record(l, std::move(e));
  settle(l, Resume::kLive);
}

void DurableEngine::journal(Live& l, Value entry) {
  if (!l.durable) return;
  store_.append_journal(l.id, ++l.journal_seq, entry.dump());
}

void DurableEngine::apply(Live& l, const Value& e) {
  std::string_view k = e.find("k")->as_string();
  int64_t t = int_member(e, "t");
  uint64_t id = static_cast<uint64_t>(int_member(e, "id"));
  Execution& x = *l.exec;
  if (k == "adv") {
    x.advance(t);
  } else if (k == "done") {
    l.sync_children.erase(id);
    const Value* ok = e.find("ok");
    if (ok && ok->as_bool()) {
      const Value* out = e.find("out");
      x.task_done(id, TaskResult::success(out ? *out : Value()), t);
    } else {
      TaskResult r = TaskResult::failure("", "");
      const Value* err = e.find("err");
      const Value* cause = e.find("cause");
      r.has_error = err != nullptr;
      r.has_cause = cause != nullptr;
      if (err) r.error = std::string(err->as_string());
      if (cause) r.cause = std::string(cause->as_string());
      const Value* hb = e.find("hb");
      r.heartbeat_timeout = hb && hb->as_bool();
      x.task_done(id, std::move(r), t);
    }
  } else if (k == "sub") {
    const Value* out = e.find("out");
    x.task_submitted(id, out ? *out : Value::empty_object(), t);
    if (const Value* child = e.find("child"); child && child->is_string())
      l.sync_children[id] = std::string(child->as_string());
  } else if (k == "act") {
    const Value* w = e.find("w");
    x.activity_started(id, w ? std::string(w->as_string()) : std::string(), t);
  } else if (k == "hb") {
    x.heartbeat(id, t);
  } else if (k == "redrive") {
    x.redrive(t);
  } else if (k == "stop") {
    const Value* err = e.find("err");
    const Value* cause = e.find("cause");
    std::string es = err ? std::string(err->as_string()) : "",
                cs = cause ? std::string(cause->as_string()) : "";
    x.stop(err ? &es : nullptr, cause ? &cs : nullptr, t);
  }
}

void DurableEngine::settle(Live& l, Resume mode, const std::unordered_set<uint64_t>* handed_out) {
  struct Depth {  // the outermost settle() applies the notices its executions left
    DurableEngine* e;
    ~Depth() {
      if (--e->settle_depth_ == 0) e->drain_notices();
    }
  } depth{this};
  ++settle_depth_;
  Execution& x = *l.exec;
  bool nested_started = false;
  for (PendingTask& t : x.take_tasks()) {
    if (!l.test_case.empty()) {  // every task counts, awaited or not
      t.request.test_case = l.test_case;
      t.request.state_machine_name = l.machine_name;
      t.request.invocation = l.invocations[std::string(t.request.state_name)]++;
    }
    if (!x.task_awaited(t.id)) continue;
    const std::string& token = t.request.task_token;
    if (!token.empty()) {
      tokens_[token_key(token)] = {l.id, t.id};
      l.tokens.push_back(token);
    }
    bool already = handed_out && handed_out->count(t.id);
    if (t.state && nested_mode(*t.state) && !dispatcher_.mocks(t.request)) {
      // Started in the batch that scheduled it: a rebuilt execution finds it submitted.
      if (!already) {
        start_nested(l, t);
        nested_started = true;
      }
      continue;
    }
    if (mode == Resume::kWake) {
      // Back from hibernation: its queue entries and submitted calls are where they were.
      if (t.activity && !already) l.unstarted_activities.insert(t.id);
      continue;
    }
    if (t.activity) {
      // A task handed out before a restart is queued again (the handout may never have
      // reached its worker); with the same token, whichever worker answers first wins.
      QueuedActivity q{l.id, t.id, token, t.request.parameters.dump(), already};
      if (!already) l.unstarted_activities.insert(t.id);
      std::string arn(t.request.resource);
      activity_queue_[arn].push_back(std::move(q));
      hand_out_activities(arn, now_);
      continue;
    }
    if (t.callback && already) continue;  // the call went out; the token will come back
    if (t.callback) {
      if (std::optional<Value> response = dispatcher_.submit_at_once(t.request)) {
        // No call to make: submitted in this batch, without a round trip to the pool.
        json::ObjectBuilder e = new_entry("sub", now_, t.id);
        e.add("out", *response);
        record(l, std::move(e));
        continue;
      }
    }
    auto d = std::make_unique<DispatchedTask>();
    d->execution_id = l.id;
    d->task_id = t.id;
    d->callback = t.callback;
    d->machine = l.machine;
    d->execution_arn = l.row.arn;
    d->request = t.request;
    d->request.execution_arn = d->execution_arn;
    d->request.withdrawn = nullptr;
    l.in_flight.insert(t.id);
    dispatcher_.dispatch(std::move(d));
  }
  if (nested_started) {  // a request-response start completed its task: run on
    settle(l, Resume::kLive);
    return;
  }
  stop_orphaned_children(l);
  if (x.done()) {
    finish(l);
    return;
  }
  if (std::optional<int64_t> at = x.next_timer(); at && *at != l.pushed_timer) {
    l.pushed_timer = *at;
    timers_.push({*at, l.id});
  }
  touch(l);
}

void DurableEngine::touch(Live& l) {
  if (!l.durable || l.last_touch == now_) return;
  l.last_touch = now_;
  idle_.push_back({now_, l.id});
}

void DurableEngine::notify(const Live& l, ExecutionChange::Kind kind, int64_t now_ms) {
  if (observers_.empty()) return;
  ExecutionChange c;
  c.kind = kind;
  c.state_machine_arn = l.row.state_machine_arn;
  c.version_arn = l.row.version_arn;
  c.alias_arn = l.row.alias_arn;
  c.execution_arn = l.row.arn;
  c.name = l.row.name;
  c.status = l.row.status;
  c.start_ms = l.row.start_ms;
  c.stop_ms = l.row.stop_ms;
  if (const std::string* e = str_member(l.row.doc, "error")) c.error = *e;
  if (const std::string* e = str_member(l.row.doc, "cause")) c.cause = *e;
  c.row_id = l.row.id;
  c.express = !l.durable;
  c.redriven = l.row.redrive_count > 0;
  c.at_ms = now_ms;
  for (ExecutionObserver* o : observers_) o->on_execution_change(c);
}

void DurableEngine::finish(Live& l) {
  ExecutionResult r = l.exec->result();
  if (l.express_timed_out) {  // ended by the engine (fail()); AWS reports TIMED_OUT
    r.status = ExecutionStatus::kTimedOut;
    r.has_error = true;
    r.error = "States.Timeout";
    r.has_cause = false;
    r.cause.clear();
  }
  l.row.status = execution_status_name(r.status);
  l.row.stop_ms = r.stop_time_ms;
  Value doc = l.row.doc;
  if (r.status == ExecutionStatus::kSucceeded)
    doc = doc.with_member("output", Value::string(r.output.dump()));
  if (r.has_error) doc = doc.with_member("error", Value::string(r.error));
  if (r.has_cause) doc = doc.with_member("cause", Value::string(r.cause));
  l.row.doc = std::move(doc);
  for (const std::string& t : l.tokens) tokens_.erase(token_key(t));
  if (l.durable) store_.update_execution(l.row);
  notify(l, ExecutionChange::Kind::kClosed, r.stop_time_ms);
  child_finished(l);
  if (l.sync_done) {
    SyncOutcome o;
    o.execution_arn = l.row.arn;
    o.state_machine_arn = l.row.state_machine_arn;
    o.name = l.row.name;
    const std::string* in = str_member(l.row.doc, "input");
    o.input_text = in ? *in : "{}";
    const std::string* trace = str_member(l.row.doc, "trace");
    if (trace) o.trace_header = *trace;
    o.start_ms = l.row.start_ms;
    o.stop_ms = r.stop_time_ms;
    o.result = r;
    int64_t d = std::max<int64_t>(1, o.stop_ms - o.start_ms);
    o.billed_ms = (d + 99) / 100 * 100;  // Express bills in 100 ms increments
    auto done = std::move(l.sync_done);
    done(std::move(o));
  }
  live_.erase(l.id);  // l is gone from here on
}

Result<DurableEngine::Live*> DurableEngine::rebuild(store::ExecutionRow row,
                                                    std::unordered_set<uint64_t>* handed_out) {
  const std::string* hash = str_member(row.doc, "def");
  std::shared_ptr<const asl::StateMachine> machine;
  std::string h = hash ? *hash : "";
  if (auto it = machines_by_hash_.find(h); it != machines_by_hash_.end()) {
    machine = it->second;
  } else if (auto text = store_.definition(h)) {
    auto doc = json::parse_json(*text);
    if (doc.ok()) {
      auto m = asl::load_state_machine(*doc);
      if (m.ok()) machine = *m;
    }
    if (machine) machines_by_hash_.emplace(h, machine);
  }
  if (!machine)
    return Error{"STORE", "execution " + row.arn + " refers to a definition that cannot be loaded"};
  ++rebuilds_;
  std::vector<std::string> entries = store_.journal(row.id);
  int64_t stored_events = store_.event_count(row.id);
  Live* l = make_live(std::move(row), machine, true);
  l->exec->set_replay_until(stored_events);
  l->exec->start(l->row.start_ms);
  for (const std::string& text : entries) {
    auto e = json::parse_json(text);
    if (!e.ok() || !e->find("k")) {
      std::string arn = l->row.arn;
      live_.erase(l->id);
      return Error{"STORE", "execution " + arn + " has a damaged journal entry"};
    }
    std::string_view k = e->find("k")->as_string();
    if (handed_out && (k == "act" || k == "sub"))
      handed_out->insert(static_cast<uint64_t>(int_member(*e, "id")));
    apply(*l, *e);
  }
  l->journal_seq = static_cast<int64_t>(entries.size());
  l->exec->set_replay_until(0);
  return l;
}

Result<int64_t> DurableEngine::recover(int64_t now_ms, std::vector<std::string>* problems) {
  note_time(now_ms);
  int64_t resumed = 0;
  recovering_ = true;  // children are stopped once every execution is back
  for (store::ExecutionRow& row : store_.open_executions()) {
    if (live_.count(row.id)) continue;
    std::unordered_set<uint64_t> handed_out;
    auto l = rebuild(std::move(row), &handed_out);
    if (!l.ok()) {
      if (problems) problems->push_back(l.error().message);
      continue;
    }
    ++resumed;
    settle(**l, Resume::kRecover, &handed_out);
    // Waiting executions go back to sleep at once, so resuming many costs no more memory
    // than running them did.
    hibernate_idle(now_ms, /*all=*/true);
  }
  recovering_ = false;
  drain_notices();
  return resumed;
}

Result<int64_t> DurableEngine::redrive(const std::string& execution_arn, const std::string& client_token,
                                       int64_t now_ms) {
  note_time(now_ms);
  auto row = store_.find_execution(execution_arn);
  if (!row) return Error{"ExecutionDoesNotExist", "Execution Does Not Exist: '" + execution_arn + "'"};
  if (row->status == "RUNNING" || live_.count(row->id))
    return Error{"ExecutionNotRedrivable",
                 "Execution not redrivable: Execution is RUNNING and cannot be redriven"};
  auto rebuilt = rebuild(std::move(*row), nullptr);
  if (!rebuilt.ok()) return rebuilt.error();
  Live& l = **rebuilt;
  if (!l.exec->done()) {  // the journal should have ended it; refuse rather than guess
    live_.erase(l.id);
    return Error{"STORE", "execution " + execution_arn + " is closed in the store but not in its journal"};
  }
  l.row.status = "RUNNING";
  l.row.stop_ms = 0;
  ++l.row.redrive_count;
  Value doc = l.row.doc;
  doc = without_members(doc, {"output", "error", "cause"});
  doc = doc.with_member("redriveDate", Value::integer(now_ms));
  if (!client_token.empty()) doc = doc.with_member("redriveToken", Value::string(client_token));
  l.row.doc = std::move(doc);
  store_.update_execution(l.row);
  notify(l, ExecutionChange::Kind::kRedriven, now_ms);
  json::ObjectBuilder e = new_entry("redrive", now_ms);
  input(l, std::move(e));
  return now_ms;
}

Result<int64_t> DurableEngine::stop(const std::string& execution_arn, const std::string* error,
                                    const std::string* cause, int64_t now_ms) {
  note_time(now_ms);
  auto row = store_.find_execution(execution_arn);
  if (!row) return Error{"ExecutionDoesNotExist", "Execution Does Not Exist: '" + execution_arn + "'"};
  if (row->status != "RUNNING") return row->stop_ms;
  Live* l = wake(row->id);
  if (!l) return Error{"STORE", "execution " + execution_arn + " cannot be resumed"};
  json::ObjectBuilder e = new_entry("stop", now_ms);
  if (error) e.add("err", Value::string(*error));
  if (cause) e.add("cause", Value::string(*cause));
  input(*l, std::move(e));
  return now_ms;
}

void DurableEngine::stop_all_of(const std::string& state_machine_arn, int64_t now_ms) {
  store::ExecutionFilter f;
  f.state_machine_arn = state_machine_arn;
  f.status = "RUNNING";
  f.limit = 1 << 30;
  for (const store::ExecutionRow& r : store_.list_executions(f)) (void)stop(r.arn, nullptr, nullptr, now_ms);
}

DurableEngine::Live* DurableEngine::wake(int64_t id) {
  if (auto it = live_.find(id); it != live_.end()) return it->second.get();
  if (id < 0) return nullptr;  // Express executions are never hibernated
  auto row = store_.find_execution_by_id(id);
  if (!row || row->status != "RUNNING") return nullptr;
  std::unordered_set<uint64_t> handed_out;
  auto l = rebuild(std::move(*row), &handed_out);
  if (!l.ok()) return nullptr;
  settle(**l, Resume::kWake, &handed_out);
  // settle() ends (and frees) an execution its journal closed: look it up again.
  auto it = live_.find(id);
  return it == live_.end() ? nullptr : it->second.get();
}

bool DurableEngine::may_hibernate(const Live& l, int64_t now_ms) const {
  if (!l.durable || l.exec->done() || !l.in_flight.empty() || l.sync_done) return false;
  std::optional<int64_t> at = l.exec->next_timer();
  return !at || *at - now_ms >= kHibernateAfterMs;  // a timer due soon keeps it
}

void DurableEngine::hibernate_idle(int64_t now_ms, bool all) {
  // An execution that is not let go here gets a new entry with its next input (a task
  // result, a timer, a token), so each one is looked at again once idle.
  while (!idle_.empty() && (all || idle_.front().first + kHibernateAfterMs <= now_ms)) {
    auto [touched, id] = idle_.front();
    idle_.pop_front();
    auto it = live_.find(id);
    if (it == live_.end() || it->second->last_touch != touched) continue;  // gone, or touched since
    if (may_hibernate(*it->second, now_ms)) hibernate(*it->second);
  }
}

void DurableEngine::hibernate(Live& l) {
  // Tokens of tasks that closed (timed out, aborted, caught) are forgotten now: a rebuild
  // registers only the tokens of the tasks still awaited, so nothing would erase them later.
  for (const std::string& token : l.tokens) {
    auto t = tokens_.find(token_key(token));
    if (t != tokens_.end() && t->second.first == l.id && !l.exec->task_awaited(t->second.second))
      tokens_.erase(t);
  }
  live_.erase(l.id);  // its journal rebuilds it when a token, timer or stop needs it
}

DurableEngine::Live* DurableEngine::live_for_token(const std::string& token, Status* error,
                                                   uint64_t* task_id) {
  if (!well_formed_token(token)) {
    *error = Status::Fail("InvalidToken", "Invalid Token: 'Invalid token'");
    return nullptr;
  }
  auto it = tokens_.find(token_key(token));
  if (it != tokens_.end()) {
    uint64_t id = it->second.second;
    Live* l = wake(it->second.first);
    if (l && l->exec->task_awaited(id) &&
        std::find(l->tokens.begin(), l->tokens.end(), token) != l->tokens.end()) {
      *task_id = id;
      if (l->unstarted_activities.count(id)) mark_activity_started(*l, id, "", now_);
      return l;
    }
  }
  *error =
      Status::Fail("TaskTimedOut",
                   "Task Timed Out: 'The task token has either expired or the task associated with the token "
                   "has already been closed.'");
  return nullptr;
}

Status DurableEngine::task_success(const std::string& token, const Value& output, int64_t now_ms) {
  note_time(now_ms);
  Status err;
  uint64_t id = 0;
  Live* l = live_for_token(token, &err, &id);
  if (!l) return err;
  tokens_.erase(token_key(token));
  json::ObjectBuilder e = new_entry("done", now_ms, id);
  e.add("ok", Value::boolean(true));
  e.add("out", output);
  input(*l, std::move(e));
  return Status::Ok();
}

Status DurableEngine::task_failure(const std::string& token, const std::string* error,
                                   const std::string* cause, int64_t now_ms) {
  note_time(now_ms);
  Status err;
  uint64_t id = 0;
  Live* l = live_for_token(token, &err, &id);
  if (!l) return err;
  tokens_.erase(token_key(token));
  json::ObjectBuilder e = new_entry("done", now_ms, id);
  e.add("ok", Value::boolean(false));
  if (error) e.add("err", Value::string(*error));
  if (cause) e.add("cause", Value::string(*cause));
  input(*l, std::move(e));
  return Status::Ok();
}

Status DurableEngine::task_heartbeat(const std::string& token, int64_t now_ms) {
  note_time(now_ms);
  Status err;
  uint64_t id = 0;
  Live* l = live_for_token(token, &err, &id);
  if (!l) return err;
  json::ObjectBuilder e = new_entry("hb", now_ms, id);
  input(*l, std::move(e));
  return Status::Ok();
}

bool DurableEngine::poll_activity(const std::string& activity_arn, const std::string& worker_name,
                                  int64_t deadline_ms,
                                  std::function<void(std::optional<ActivityTaskHandout>)> reply) {
  auto& waiting = pollers_[activity_arn];
  if (waiting.size() >= kMaxActivityPollers) return false;
  auto p = std::make_unique<Poller>();
  p->worker = worker_name;
  p->deadline = deadline_ms;
  p->reply = std::move(reply);
  waiting.push_back(std::move(p));
  poll_deadlines_.push({deadline_ms, activity_arn});
  hand_out_activities(activity_arn, now_);
  return true;
}

void DurableEngine::mark_activity_started(Live& l, uint64_t task_id, const std::string& worker,
                                          int64_t now_ms) {
  l.unstarted_activities.erase(task_id);
  json::ObjectBuilder e = new_entry("act", now_ms, task_id);
  if (!worker.empty()) e.add("w", Value::string(worker));
  record(l, std::move(e));
}

void DurableEngine::release_pollers() {
  auto all = std::move(pollers_);
  pollers_.clear();
  for (auto& [arn, waiting] : all)
    for (auto& p : waiting) p->reply(std::nullopt);
}

void DurableEngine::hand_out_activities(const std::string& activity_arn, int64_t now_ms) {
  auto qit = activity_queue_.find(activity_arn);
  auto pit = pollers_.find(activity_arn);
  if (qit == activity_queue_.end() || pit == pollers_.end()) return;
  auto& queue = qit->second;
  auto& waiting = pit->second;
  while (!queue.empty() && !waiting.empty()) {
    QueuedActivity q = std::move(queue.front());
    queue.pop_front();
    Live* lp = wake(q.execution_id);
    if (!lp || !lp->exec->task_awaited(q.task_id)) continue;
    Live& l = *lp;
    std::unique_ptr<Poller> p = std::move(waiting.front());
    waiting.pop_front();
    if (l.unstarted_activities.count(q.task_id)) mark_activity_started(l, q.task_id, p->worker, now_ms);
    p->reply(ActivityTaskHandout{q.token, q.input});
    settle(l, Resume::kLive);
  }
}

void DurableEngine::task_result(int64_t execution_id, uint64_t task_id, TaskResult result, int64_t now_ms) {
  note_time(now_ms);
  auto it = live_.find(execution_id);
  if (it == live_.end()) return;  // ended (results of in-flight tasks keep it awake)
  Live& l = *it->second;
  l.in_flight.erase(task_id);
  if (!l.exec->task_awaited(task_id)) {
    touch(l);  // nothing in flight any more, perhaps: it may hibernate once idle
    return;
  }
  json::ObjectBuilder e = new_entry("done", now_ms, task_id);
  e.add("ok", Value::boolean(result.ok));
  if (result.ok) {
    e.add("out", result.output);
  } else {
    if (result.has_error) e.add("err", Value::string(result.error));
    if (result.has_cause) e.add("cause", Value::string(result.cause));
    if (result.heartbeat_timeout) e.add("hb", Value::boolean(true));
  }
  input(l, std::move(e));
}

void DurableEngine::task_submitted(int64_t execution_id, uint64_t task_id, const Value& response,
                                   int64_t now_ms) {
  note_time(now_ms);
  auto it = live_.find(execution_id);
  if (it == live_.end()) return;
  Live& l = *it->second;
  l.in_flight.erase(task_id);
  if (!l.exec->task_awaited(task_id)) {
    touch(l);
    return;
  }
  json::ObjectBuilder e = new_entry("sub", now_ms, task_id);
  e.add("out", response);
  input(l, std::move(e));
}

void DurableEngine::on_time(int64_t now_ms) {
  note_time(now_ms);
  for (int fired = 0; fired < kMaxTimersPerBatch && !timers_.empty() && timers_.top().first <= now_ms;
       ++fired) {
    int64_t id = timers_.top().second;
    timers_.pop();
    Live* lp = wake(id);
    if (!lp) continue;
    Live& l = *lp;
    if (l.express_deadline && l.express_deadline <= now_ms) {
      l.express_timed_out = true;
      l.exec->fail("States.Timeout", "", now_ms);
      settle(l, Resume::kLive);  // ends it
      continue;
    }
    std::optional<int64_t> due = l.exec->next_timer();
    if (!due || *due > now_ms) continue;  // stale: a later entry exists for the new time
    l.pushed_timer = 0;
    json::ObjectBuilder e = new_entry("adv", now_ms);
    input(l, std::move(e));
  }
  while (!poll_deadlines_.empty() && poll_deadlines_.top().first <= now_ms) {
    std::string arn = poll_deadlines_.top().second;
    poll_deadlines_.pop();
    auto pit = pollers_.find(arn);
    if (pit == pollers_.end()) continue;
    auto& waiting = pit->second;
    for (auto it = waiting.begin(); it != waiting.end();) {
      if ((*it)->deadline <= now_ms) {
        auto reply = std::move((*it)->reply);
        it = waiting.erase(it);
        reply(std::nullopt);
      } else {
        ++it;
      }
    }
  }
  hibernate_idle(now_ms);
  if (options_.history_retention_ms > 0 && now_ms - last_purge_ms_ >= kPurgeEveryMs) {
    last_purge_ms_ = now_ms;
    store_.purge_closed_before(now_ms - options_.history_retention_ms);
  }
}

std::optional<int64_t> DurableEngine::next_wakeup() const {
  std::optional<int64_t> w;
  if (!timers_.empty()) w = timers_.top().first;
  if (!poll_deadlines_.empty() && (!w || poll_deadlines_.top().first < *w)) w = poll_deadlines_.top().first;
  // Idle executions leave memory even when no request comes to run a batch.
  if (!idle_.empty() && (!w || idle_.front().first + kHibernateAfterMs < *w))
    w = idle_.front().first + kHibernateAfterMs;
  return w;
}

// Nested executions ------------------------------------------------------------------------

void DurableEngine::start_nested(Live& l, const PendingTask& t) {
  NestedMode mode = *nested_mode(*t.state);
  auto fail = [&](const TaskResult& r) {
    json::ObjectBuilder e = new_entry("done", now_, t.id);
    e.add("ok", Value::boolean(false));
    e.add("err", Value::string(r.error));
    e.add("cause", Value::string(r.cause));
    record(l, std::move(e));
  };
  auto req = read_nested_request(t.request.parameters);
  if (!req.ok()) return fail(req.error());
  if (!child_resolver_) {
    return fail(TaskResult::failure(
        "States.Runtime", "Nested executions (states:startExecution) run only in `stepguard serve`"));
  }
  std::string name = req->name.empty() ? derived_child_name(l.row.arn, t.id) : req->name;
  std::string request_id = json::random_uuid(rng_);
  auto spec = child_resolver_(req->state_machine_arn, name, req->input_text);
  if (!spec.ok()) return fail(start_refused(spec.error().code, spec.error().message, request_id));
  bool sync = mode == NestedMode::kSync || mode == NestedMode::kSync2;
  if (sync && spec->express) {
    return fail(start_refused("StateMachineTypeNotSupported",
                              "This operation is not supported by this type of state machine", request_id));
  }
  json::ObjectBuilder parent(4);
  parent.add("id", Value::integer(l.id));
  parent.add("arn", Value::string(l.row.arn));
  parent.add("task", Value::integer(static_cast<int64_t>(t.id)));
  parent.add("mode", Value::string(nested_mode_name(mode)));
  spec->parent = std::move(parent).build();
  spec->name = name;

  // A child this task started already (a replay that lost nothing but is not sure) is the
  // child: the start is not made twice.
  std::optional<store::ExecutionRow> existing;
  if (!spec->express) {
    if (auto row = store_.find_execution(execution_arn_for(*spec, name))) {
      const Value* p = row->doc.find("parent");
      if (p && int_member(*p, "id") == l.id && int_member(*p, "task") == static_cast<int64_t>(t.id))
        existing = std::move(row);
    }
  }
  StartOutcome out;
  if (existing) {
    out = StartOutcome{existing->arn, existing->start_ms};
  } else {
    auto started = start(*spec, now_);
    if (!started.ok()) return fail(start_refused(started.error().code, started.error().message, request_id));
    out = *started;
  }
  Value response = start_execution_response(out.execution_arn, out.start_ms);
  if (mode == NestedMode::kRequestResponse) {
    json::ObjectBuilder e = new_entry("done", now_, t.id);
    e.add("ok", Value::boolean(true));
    e.add("out", response);
    record(l, std::move(e));
    return;
  }
  json::ObjectBuilder e = new_entry("sub", now_, t.id);
  e.add("out", response);
  if (sync) e.add("child", Value::string(out.execution_arn));
  record(l, std::move(e));
  if (sync && existing && existing->status != "RUNNING") {
    auto n = std::make_unique<Notice>();
    n->parent_id = l.id;
    n->task_id = t.id;
    n->result = child_result(*existing, mode);
    notices_.push_back(std::move(n));
  }
}

void DurableEngine::child_finished(const Live& child) {
  const Value* p = child.row.doc.find("parent");
  if (!p || !p->is_object()) return;
  const std::string* m = str_member(*p, "mode");
  std::optional<NestedMode> mode = m ? nested_mode_from_name(*m) : std::nullopt;
  if (mode != NestedMode::kSync && mode != NestedMode::kSync2) return;
  auto n = std::make_unique<Notice>();
  n->parent_id = int_member(*p, "id");
  n->task_id = static_cast<uint64_t>(int_member(*p, "task"));
  n->result = child_result(child.row, *mode);
  notices_.push_back(std::move(n));
}

void DurableEngine::stop_orphaned_children(Live& l) {
  for (auto it = l.sync_children.begin(); it != l.sync_children.end();) {
    if (!l.exec->done() && l.exec->task_awaited(it->first)) {
      ++it;
      continue;
    }
    auto n = std::make_unique<Notice>();
    n->stop_arn = it->second;
    n->cause = managing_task_aborted_cause(l.row.arn);
    notices_.push_back(std::move(n));
    it = l.sync_children.erase(it);
  }
}

void DurableEngine::drain_notices() {
  if (draining_ || recovering_) return;
  draining_ = true;
  while (!notices_.empty()) {
    std::unique_ptr<Notice> n = std::move(notices_.front());
    notices_.pop_front();
    if (!n->stop_arn.empty()) {
      (void)stop(n->stop_arn, nullptr, &n->cause, now_);
      continue;
    }
    Live* p = wake(n->parent_id);
    if (!p || !p->exec->task_awaited(n->task_id)) continue;
    const TaskResult& r = n->result;
    json::ObjectBuilder e = new_entry("done", now_, n->task_id);
    e.add("ok", Value::boolean(r.ok));
    if (r.ok) {
      e.add("out", r.output);
    } else {
      e.add("err", Value::string(r.error));
      e.add("cause", Value::string(r.cause));
    }
    input(*p, std::move(e));
  }
  draining_ = false;
}

}  // namespace sg::engine
