#include "store/sqlite_event_bus_store.h"

#include <sqlite3.h>

#include <algorithm>

#include "json/parse.h"
#include "store/sqlite_statement.h"

namespace sg::store {

namespace {

using json::ObjectBuilder;
using json::Value;

// Added tables only (CREATE ... IF NOT EXISTS): older data directories open unchanged.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS event_buses(
  name TEXT PRIMARY KEY,
  doc TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_rules(
  bus TEXT NOT NULL,
  name TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY(bus, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_waiters(
  id INTEGER PRIMARY KEY,
  bus TEXT NOT NULL,
  key TEXT NOT NULL,
  execution_arn TEXT NOT NULL,
  doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS event_waiters_by_execution ON event_waiters(execution_arn);
CREATE TABLE IF NOT EXISTS event_schedule_fires(
  bus TEXT NOT NULL,
  rule TEXT NOT NULL,
  last_fire_ms INTEGER NOT NULL,
  PRIMARY KEY(bus, rule)) WITHOUT ROWID;
)sql";

using Stmt = Statement;

Value opt_string(const std::optional<std::string>& s) { return s ? Value::string(*s) : Value(); }

std::optional<std::string> read_opt(const Value& doc, std::string_view key) {
  const Value* v = doc.find(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

int64_t read_int(const Value& doc, std::string_view key) {
  const Value* v = doc.find(key);
  return v && v->is_number() ? static_cast<int64_t>(v->as_double()) : 0;
}

std::string bus_doc(const events::BusRecord& b) {
  ObjectBuilder o;
  o.add("description", opt_string(b.description));
  o.add("created", Value::integer(b.created_ms));
  o.add("modified", Value::integer(b.modified_ms));
  return std::move(o).build().dump();
}

std::string rule_doc(const events::RuleRecord& r) {
  ObjectBuilder o;
  o.add("pattern", opt_string(r.event_pattern));
  o.add("schedule", opt_string(r.schedule_expression));
  o.add("description", opt_string(r.description));
  o.add("role", opt_string(r.role_arn));
  o.add("state", Value::string(r.state));
  o.add("targets", Value::array(r.targets));
  o.add("created", Value::integer(r.created_ms));
  return std::move(o).build().dump();
}

std::string waiter_doc(const EventWaiter& w) {
  ObjectBuilder o;
  o.add("token", Value::string(w.token));
  o.add("pattern", Value::string(w.pattern));
  o.add("key_path", Value::string(w.key_path));
  o.add("created", Value::integer(w.created_ms));
  return std::move(o).build().dump();
}

Value parse_doc(const std::string& text) {
  auto v = json::parse_json(text);
  return v.ok() ? std::move(v).value() : Value::empty_object();
}

// Runs `sql` and calls row(statement) for each row.
template <typename F>
Status each_row(sqlite3* db, const char* sql, F row) {
  Statement s(db, sql);
  if (!s.ok())
    return Status::Fail("STORE", std::string("cannot read the event bus tables: ") + sqlite3_errmsg(db));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) row(s);
  if (rc != SQLITE_DONE)
    return Status::Fail("STORE", std::string("cannot read the event bus tables: ") + sqlite3_errmsg(db));
  return Status::Ok();
}

}  // namespace

struct SqliteEventBusStore::Statements {
  explicit Statements(sqlite3* db)
      : put_bus(db, "INSERT OR REPLACE INTO event_buses(name, doc) VALUES(?1, ?2)"),
        delete_bus(db, "DELETE FROM event_buses WHERE name = ?1"),
        delete_bus_rules(db, "DELETE FROM event_rules WHERE bus = ?1"),
        put_rule(db, "INSERT OR REPLACE INTO event_rules(bus, name, doc) VALUES(?1, ?2, ?3)"),
        delete_rule(db, "DELETE FROM event_rules WHERE bus = ?1 AND name = ?2"),
        delete_fire(db, "DELETE FROM event_schedule_fires WHERE bus = ?1 AND rule = ?2"),
        add_waiter(db,
                   "INSERT INTO event_waiters(id, bus, key, execution_arn, doc) VALUES(?1, ?2, ?3, ?4, ?5)"),
        remove_waiter(db, "DELETE FROM event_waiters WHERE id = ?1"),
        remove_waiters_of(db, "DELETE FROM event_waiters WHERE execution_arn = ?1"),
        set_fire(db,
                 "INSERT OR REPLACE INTO event_schedule_fires(bus, rule, last_fire_ms) VALUES(?1, ?2, ?3)") {}
  Stmt put_bus, delete_bus, delete_bus_rules, put_rule, delete_rule, delete_fire, add_waiter, remove_waiter,
      remove_waiters_of, set_fire;
};

SqliteEventBusStore::SqliteEventBusStore(SqliteStore& store) : store_(store) {}
SqliteEventBusStore::~SqliteEventBusStore() = default;

Result<std::unique_ptr<SqliteEventBusStore>> SqliteEventBusStore::open(SqliteStore& store) {
  sqlite3* db = store.connection();
  char* err = nullptr;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Error{"STORE", "cannot create the event bus tables: " + msg};
  }
  std::unique_ptr<SqliteEventBusStore> s(new SqliteEventBusStore(store));
  Status st = each_row(db, "SELECT name, doc FROM event_buses", [&](Statement& r) {
    Value doc = parse_doc(r.text(1));
    events::BusRecord b;
    b.name = r.text(0);
    b.description = read_opt(doc, "description");
    b.created_ms = read_int(doc, "created");
    b.modified_ms = read_int(doc, "modified");
    s->buses_[b.name] = std::move(b);
  });
  if (st.ok())
    st = each_row(db, "SELECT bus, name, doc FROM event_rules", [&](Statement& r) {
      Value doc = parse_doc(r.text(2));
      events::RuleRecord rule;
      rule.bus = r.text(0);
      rule.name = r.text(1);
      rule.event_pattern = read_opt(doc, "pattern");
      rule.schedule_expression = read_opt(doc, "schedule");
      rule.description = read_opt(doc, "description");
      rule.role_arn = read_opt(doc, "role");
      rule.state = read_opt(doc, "state").value_or("ENABLED");
      if (const Value* t = doc.find("targets"))
        for (const Value& x : t->items()) rule.targets.push_back(x);
      rule.created_ms = read_int(doc, "created");
      s->rules_[{rule.bus, rule.name}] = std::move(rule);
    });
  if (st.ok())
    st = each_row(db, "SELECT id, bus, key, execution_arn, doc FROM event_waiters", [&](Statement& r) {
      Value doc = parse_doc(r.text(4));
      EventWaiter w;
      w.id = r.integer(0);
      w.bus = r.text(1);
      w.key = r.text(2);
      w.execution_arn = r.text(3);
      w.token = read_opt(doc, "token").value_or("");
      w.pattern = read_opt(doc, "pattern").value_or("");
      w.key_path = read_opt(doc, "key_path").value_or("");
      w.created_ms = read_int(doc, "created");
      s->next_waiter_id_ = std::max(s->next_waiter_id_, w.id + 1);
      s->remember_waiter(w);
    });
  if (st.ok())
    st = each_row(db, "SELECT bus, rule, last_fire_ms FROM event_schedule_fires", [&](Statement& r) {
      s->last_fire_[{r.text(0), r.text(1)}] = r.integer(2);
    });
  if (!st.ok()) return st.error();
  s->st_ = std::make_unique<Statements>(db);
  return s;
}

void SqliteEventBusStore::done(int rc, const char* what) { store_.report_write(rc, what); }

std::vector<events::BusRecord> SqliteEventBusStore::buses() const {
  std::vector<events::BusRecord> out;
  for (const auto& [name, b] : buses_) out.push_back(b);
  return out;
}

std::optional<events::BusRecord> SqliteEventBusStore::bus(std::string_view name) const {
  auto it = buses_.find(name);
  if (it == buses_.end()) return std::nullopt;
  return it->second;
}

void SqliteEventBusStore::put_bus(const events::BusRecord& bus) {
  buses_[bus.name] = bus;
  done(st_->put_bus.bind(1, bus.name).bind(2, bus_doc(bus)).run(), "cannot save an event bus");
}

void SqliteEventBusStore::delete_bus(std::string_view name) {
  buses_.erase(std::string(name));
  for (auto it = rules_.begin(); it != rules_.end();) {
    if (it->first.first == name) {
      last_fire_.erase(it->first);
      it = rules_.erase(it);
    } else {
      ++it;
    }
  }
  done(st_->delete_bus.bind(1, name).run(), "cannot delete an event bus");
  done(st_->delete_bus_rules.bind(1, name).run(), "cannot delete an event bus's rules");
}

std::vector<events::RuleRecord> SqliteEventBusStore::rules(std::string_view bus) const {
  std::vector<events::RuleRecord> out;
  for (auto it = rules_.lower_bound({std::string(bus), std::string()});
       it != rules_.end() && it->first.first == bus; ++it)
    out.push_back(it->second);
  return out;
}

std::optional<events::RuleRecord> SqliteEventBusStore::rule(std::string_view bus,
                                                            std::string_view name) const {
  auto it = rules_.find({std::string(bus), std::string(name)});
  if (it == rules_.end()) return std::nullopt;
  return it->second;
}

void SqliteEventBusStore::put_rule(const events::RuleRecord& rule) {
  rules_[{rule.bus, rule.name}] = rule;
  done(st_->put_rule.bind(1, rule.bus).bind(2, rule.name).bind(3, rule_doc(rule)).run(),
       "cannot save a rule");
}

void SqliteEventBusStore::delete_rule(std::string_view bus, std::string_view name) {
  rules_.erase({std::string(bus), std::string(name)});
  last_fire_.erase({std::string(bus), std::string(name)});
  done(st_->delete_rule.bind(1, bus).bind(2, name).run(), "cannot delete a rule");
  done(st_->delete_fire.bind(1, bus).bind(2, name).run(), "cannot delete a rule's fire time");
}

void SqliteEventBusStore::add_waiter(EventWaiter& w) {
  w.id = next_waiter_id_++;
  remember_waiter(w);
  done(st_->add_waiter.bind(1, w.id)
           .bind(2, w.bus)
           .bind(3, w.key)
           .bind(4, w.execution_arn)
           .bind(5, waiter_doc(w))
           .run(),
       "cannot save an event waiter");
}

std::vector<EventWaiter> SqliteEventBusStore::waiters(std::string_view bus, std::string_view key) const {
  std::vector<EventWaiter> out;
  auto [lo, hi] = waiters_by_key_.equal_range({std::string(bus), std::string(key)});
  for (auto it = lo; it != hi; ++it) out.push_back(waiters_.at(it->second));
  std::sort(out.begin(), out.end(), [](const EventWaiter& a, const EventWaiter& b) { return a.id < b.id; });
  return out;
}

std::vector<EventWaiter> SqliteEventBusStore::all_waiters() const {
  std::vector<EventWaiter> out;
  for (const auto& [id, w] : waiters_) out.push_back(w);
  return out;
}

void SqliteEventBusStore::remember_waiter(const EventWaiter& w) {
  waiters_by_key_.emplace(std::make_pair(w.bus, w.key), w.id);
  waiters_by_execution_.emplace(w.execution_arn, w.id);
  ++key_path_counts_[{w.bus, w.key_path}];
  waiters_[w.id] = w;
}

std::vector<std::string> SqliteEventBusStore::key_paths(std::string_view bus) const {
  std::vector<std::string> out;
  for (auto it = key_path_counts_.lower_bound({std::string(bus), std::string()});
       it != key_path_counts_.end() && it->first.first == bus; ++it)
    out.push_back(it->first.second);
  return out;
}

void SqliteEventBusStore::forget_waiter(int64_t id) {
  auto it = waiters_.find(id);
  if (it == waiters_.end()) return;
  auto kp = key_path_counts_.find({it->second.bus, it->second.key_path});
  if (kp != key_path_counts_.end() && --kp->second <= 0) key_path_counts_.erase(kp);
  auto [lo, hi] = waiters_by_key_.equal_range({it->second.bus, it->second.key});
  for (auto k = lo; k != hi; ++k) {
    if (k->second == id) {
      waiters_by_key_.erase(k);
      break;
    }
  }
  auto [elo, ehi] = waiters_by_execution_.equal_range(it->second.execution_arn);
  for (auto k = elo; k != ehi; ++k) {
    if (k->second == id) {
      waiters_by_execution_.erase(k);
      break;
    }
  }
  waiters_.erase(it);
}

void SqliteEventBusStore::remove_waiter(int64_t id) {
  if (!waiters_.count(id)) return;
  forget_waiter(id);
  done(st_->remove_waiter.bind(1, id).run(), "cannot delete an event waiter");
}

size_t SqliteEventBusStore::remove_waiters_of(std::string_view execution_arn) {
  std::vector<int64_t> ids;
  auto [lo, hi] = waiters_by_execution_.equal_range(execution_arn);
  for (auto it = lo; it != hi; ++it) ids.push_back(it->second);
  if (ids.empty()) return 0;
  for (int64_t id : ids) forget_waiter(id);
  done(st_->remove_waiters_of.bind(1, execution_arn).run(), "cannot delete event waiters");
  return ids.size();
}

std::optional<int64_t> SqliteEventBusStore::last_fire(std::string_view bus, std::string_view rule) const {
  auto it = last_fire_.find({std::string(bus), std::string(rule)});
  if (it == last_fire_.end()) return std::nullopt;
  return it->second;
}

void SqliteEventBusStore::set_last_fire(std::string_view bus, std::string_view rule, int64_t ms) {
  last_fire_[{std::string(bus), std::string(rule)}] = ms;
  done(st_->set_fire.bind(1, bus).bind(2, rule).bind(3, ms).run(), "cannot save a rule's fire time");
}

}  // namespace sg::store
