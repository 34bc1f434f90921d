#include "store/sqlite_alarm_store.h"

#include <sqlite3.h>

#include "json/parse.h"
#include "store/sqlite_statement.h"

namespace sg::store {

namespace {

// Added table only (CREATE ... IF NOT EXISTS): older data directories open unchanged.
// seq: creation order (kept by updates).
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS guardian_alarms(
  name TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  request TEXT NOT NULL,
  actions_enabled INTEGER NOT NULL) WITHOUT ROWID;
)sql";

using Stmt = Statement;

}  // namespace

struct SqliteAlarmStore::Statements {
  explicit Statements(sqlite3* db)
      : put(db,
            "INSERT INTO guardian_alarms(name, seq, kind, request, actions_enabled) "
            "VALUES(?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM guardian_alarms), ?2, ?3, ?4) "
            "ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, request = excluded.request, "
            "actions_enabled = excluded.actions_enabled"),
        set_enabled(db, "UPDATE guardian_alarms SET actions_enabled = ?2 WHERE name = ?1"),
        remove(db, "DELETE FROM guardian_alarms WHERE name = ?1") {}
  Stmt put, set_enabled, remove;
};

SqliteAlarmStore::SqliteAlarmStore(SqliteStore& store) : store_(store) {}
SqliteAlarmStore::~SqliteAlarmStore() = default;

Result<std::unique_ptr<SqliteAlarmStore>> SqliteAlarmStore::open(SqliteStore& store) {
  sqlite3* db = store.connection();
  char* err = nullptr;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Error{"STORE", "cannot create the guardian alarms table: " + msg};
  }
  std::unique_ptr<SqliteAlarmStore> s(new SqliteAlarmStore(store));
  s->st_ = std::make_unique<Statements>(db);
  return s;
}

Result<std::vector<StoredAlarm>> SqliteAlarmStore::alarms() {
  sqlite3* db = store_.connection();
  auto fail = [&] {
    std::string msg = "cannot read the guardian alarms table: ";
    msg += sqlite3_errmsg(db);
    return Error{"STORE", msg};
  };
  Stmt s(db, "SELECT name, kind, request, actions_enabled FROM guardian_alarms ORDER BY seq");
  if (!s.ok()) return fail();
  std::vector<StoredAlarm> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    StoredAlarm a;
    a.name = s.text(0);
    a.kind = s.text(1);
    auto parsed = json::parse_json(s.text(2));
    a.request = parsed.ok() ? std::move(parsed).value() : json::Value::empty_object();
    a.actions_enabled = s.integer(3) != 0;
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return fail();
  return out;
}

void SqliteAlarmStore::put(const StoredAlarm& alarm) {
  int rc = st_->put.bind(1, alarm.name)
               .bind(2, alarm.kind)
               .bind(3, alarm.request.dump())
               .bind(4, static_cast<int64_t>(alarm.actions_enabled ? 1 : 0))
               .run();
  store_.report_write(rc, "cannot save a guardian alarm");
}

void SqliteAlarmStore::set_actions_enabled(std::string_view name, bool enabled) {
  int rc = st_->set_enabled.bind(1, name).bind(2, static_cast<int64_t>(enabled ? 1 : 0)).run();
  store_.report_write(rc, "cannot save a guardian alarm's ActionsEnabled");
}

void SqliteAlarmStore::remove(std::string_view name) {
  store_.report_write(st_->remove.bind(1, name).run(), "cannot delete a guardian alarm");
}

}  // namespace sg::store
