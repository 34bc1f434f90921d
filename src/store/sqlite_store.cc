#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "json/parse.h"
#include "store/sqlite_statement.h"

namespace sg::store {

namespace {

// Write-ahead log frames (pages) after which a commit checkpoints what is left and the log
// starts over.
constexpr int kRestartFrames = 4000;
// Closed executions deleted per purge_closed_before() call.
constexpr int64_t kPurgeBatch = 5000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS resources(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  arn TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS definitions(
  hash TEXT PRIMARY KEY,
  text TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS executions(
  id INTEGER PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  state_machine_arn TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  stop_ms INTEGER NOT NULL DEFAULT 0,
  version_arn TEXT NOT NULL DEFAULT '',
  alias_arn TEXT NOT NULL DEFAULT '',
  redrive_count INTEGER NOT NULL DEFAULT 0,
  doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions(state_machine_arn, start_ms DESC, id DESC);
CREATE INDEX IF NOT EXISTS executions_open ON executions(status) WHERE status = 'RUNNING';
CREATE INDEX IF NOT EXISTS executions_closed ON executions(stop_ms) WHERE stop_ms > 0;
CREATE TABLE IF NOT EXISTS events(
  execution_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY(execution_id, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal(
  execution_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY(execution_id, seq)) WITHOUT ROWID;
)sql";

// A prepared statement, reset after each use.
using Stmt = Statement;

json::Value parse_doc(const std::string& text) {
  auto v = json::parse_json(text);
  return v.ok() ? std::move(v).value() : json::Value::empty_object();
}

constexpr const char* kExecutionColumns =
    "id, arn, state_machine_arn, name, status, start_ms, stop_ms, version_arn, alias_arn, redrive_count, doc";

ExecutionRow read_execution(Stmt& s) {
  ExecutionRow r;
  r.id = s.integer(0);
  r.arn = s.text(1);
  r.state_machine_arn = s.text(2);
  r.name = s.text(3);
  r.status = s.text(4);
  r.start_ms = s.integer(5);
  r.stop_ms = s.integer(6);
  r.version_arn = s.text(7);
  r.alias_arn = s.text(8);
  r.redrive_count = s.integer(9);
  r.doc = parse_doc(s.text(10));
  return r;
}

}  // namespace

struct SqliteStore::Statements {
  explicit Statements(sqlite3* db)
      : put_resource(db,
                     "INSERT INTO resources(arn, kind, doc) VALUES(?1, ?2, ?3) "
                     "ON CONFLICT(arn) DO UPDATE SET kind = excluded.kind, doc = excluded.doc"),
        delete_resource(db, "DELETE FROM resources WHERE arn = ?1"),
        load_resources(db, "SELECT kind, arn, doc FROM resources ORDER BY seq"),
        put_definition(db, "INSERT OR IGNORE INTO definitions(hash, text) VALUES(?1, ?2)"),
        get_definition(db, "SELECT text FROM definitions WHERE hash = ?1"),
        insert_execution(
            db,
            "INSERT INTO executions(arn, state_machine_arn, name, status, start_ms, stop_ms, "
            "version_arn, alias_arn, redrive_count, doc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
        update_execution(db,
                         "UPDATE executions SET status = ?2, stop_ms = ?3, redrive_count = ?4, doc = ?5 "
                         "WHERE id = ?1"),
        find_execution(
            db, (std::string("SELECT ") + kExecutionColumns + " FROM executions WHERE arn = ?1").c_str()),
        find_execution_by_id(
            db, (std::string("SELECT ") + kExecutionColumns + " FROM executions WHERE id = ?1").c_str()),
        open_executions(db, (std::string("SELECT ") + kExecutionColumns +
                             " FROM executions WHERE status = 'RUNNING' ORDER BY id")
                                .c_str()),
        append_event(db, "INSERT OR REPLACE INTO events(execution_id, id, doc) VALUES(?1, ?2, ?3)"),
        events_asc(
            db,
            "SELECT doc FROM events WHERE execution_id = ?1 AND id >= ?2 AND id <= ?3 ORDER BY id LIMIT ?4"),
        events_desc(
            db,
            "SELECT doc FROM events WHERE execution_id = ?1 AND id >= ?2 AND id <= ?3 ORDER BY id DESC "
            "LIMIT ?4"),
        event_count(db, "SELECT COALESCE(MAX(id), 0) FROM events WHERE execution_id = ?1"),
        append_journal(db, "INSERT OR REPLACE INTO journal(execution_id, seq, doc) VALUES(?1, ?2, ?3)"),
        journal(db, "SELECT doc FROM journal WHERE execution_id = ?1 ORDER BY seq"),
        begin(db, "BEGIN IMMEDIATE"),
        commit(db, "COMMIT") {}

  Stmt put_resource, delete_resource, load_resources, put_definition, get_definition, insert_execution,
      update_execution, find_execution, find_execution_by_id, open_executions, append_event, events_asc,
      events_desc, event_count, append_journal, journal, begin, commit;
};

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& dir, const SqliteOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{"STORE", "cannot create the data directory " + dir + ": " + ec.message()};
  std::string lock_path = dir + "/stepguard.lock";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) return Error{"STORE", "cannot open " + lock_path + ": " + std::strerror(errno)};
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(lock_fd);
    if (err == EWOULDBLOCK)
      return Error{"STORE",
                   "the data directory " + dir + " is in use by another stepguard (" + lock_path + ")"};
    return Error{"STORE", "cannot lock " + lock_path + ": " + std::strerror(err)};
  }
  std::string path = dir + "/stepguard.db";
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    ::close(lock_fd);
    return Error{"STORE", "cannot open " + path + ": " + msg};
  }
  std::unique_ptr<SqliteStore> s(new SqliteStore(db, lock_fd));
  std::string pragmas = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=OFF; ";
  pragmas += options.sync_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
  // The checkpointer thread copies the log into the database as it grows; the commit that
  // takes the log past kRestartFrames then finds little left to copy and lets it wrap.
  pragmas += "PRAGMA wal_autocheckpoint=" + std::to_string(kRestartFrames) + "; PRAGMA cache_size=-65536;";
  if (Status st = s->exec(pragmas.c_str()); !st.ok())
    return Error{"STORE", "cannot open " + path + ": " + st.error().message};
  if (Status st = s->exec(kSchema); !st.ok())
    return Error{"STORE", "cannot create the schema in " + path + ": " + st.error().message};
  s->st_ = std::make_unique<Statements>(db);
  SqliteStore* raw = s.get();
  s->checkpointer_ = std::thread([raw, path] { raw->checkpoint_loop(path); });
  return s;
}

SqliteStore::SqliteStore(sqlite3* db, int lock_fd) : db_(db), lock_fd_(lock_fd) {}

void SqliteStore::checkpoint_loop(std::string path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return;  // commits still work; the log just grows until the next start
  }
  sqlite3_busy_timeout(db, 1000);
  std::unique_lock<std::mutex> lock(checkpoint_mu_);
  while (!stopping_) {
    checkpoint_cv_.wait_for(lock, std::chrono::milliseconds(100));
    if (stopping_) break;
    lock.unlock();
    // PASSIVE copies what it can without blocking the writer (and syncs the database file
    // here, not on the writer's thread).
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
  lock.unlock();
  sqlite3_close(db);
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    stopping_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  // Only commit() makes a batch durable: a batch still open here is abandoned, as a crash
  // would abandon it.
  if (in_txn_) (void)exec("ROLLBACK");
  st_.reset();
  sqlite3_close(db_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the directory
}

Status SqliteStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::Fail("STORE", msg);
  }
  return Status::Ok();
}

void SqliteStore::note(int rc, const char* what) {
  if (rc == SQLITE_DONE || rc == SQLITE_ROW || rc == SQLITE_OK || !health_.ok()) return;
  std::string msg = what;
  msg += ": ";
  msg += sqlite3_errmsg(db_);
  health_ = Status::Fail("STORE", msg);
}

Status SqliteStore::begin() {
  if (in_txn_) return Status::Ok();
  int rc = st_->begin.step();
  st_->begin.reset();
  if (rc != SQLITE_DONE) {
    note(rc, "BEGIN");
    return health_;
  }
  in_txn_ = true;
  return Status::Ok();
}

Status SqliteStore::commit() {
  if (!in_txn_) return health_;
  int rc = st_->commit.step();
  st_->commit.reset();
  in_txn_ = false;
  if (rc != SQLITE_DONE) {
    note(rc, "COMMIT");
    (void)exec("ROLLBACK");
  }
  return health_;
}

void SqliteStore::put_resource(std::string_view kind, std::string_view arn, const json::Value& doc) {
  Stmt& s = st_->put_resource;
  s.bind(1, arn).bind(2, kind).bind(3, doc.dump());
  note(s.step(), "saving a resource");
  s.reset();
}

void SqliteStore::delete_resource(std::string_view arn) {
  Stmt& s = st_->delete_resource;
  s.bind(1, arn);
  note(s.step(), "deleting a resource");
  s.reset();
}

std::vector<StoredResource> SqliteStore::load_resources() {
  std::vector<StoredResource> out;
  Stmt& s = st_->load_resources;
  while (s.step() == SQLITE_ROW) out.push_back(StoredResource{s.text(0), s.text(1), parse_doc(s.text(2))});
  s.reset();
  return out;
}

void SqliteStore::put_definition(std::string_view hash, std::string_view text) {
  Stmt& s = st_->put_definition;
  s.bind(1, hash).bind(2, text);
  note(s.step(), "saving a definition");
  s.reset();
}

std::optional<std::string> SqliteStore::definition(std::string_view hash) {
  Stmt& s = st_->get_definition;
  s.bind(1, hash);
  std::optional<std::string> out;
  if (s.step() == SQLITE_ROW) out = s.text(0);
  s.reset();
  return out;
}

void SqliteStore::insert_execution(ExecutionRow& row) {
  Stmt& s = st_->insert_execution;
  s.bind(1, row.arn).bind(2, row.state_machine_arn).bind(3, row.name).bind(4, row.status);
  s.bind(5, row.start_ms).bind(6, row.stop_ms).bind(7, row.version_arn).bind(8, row.alias_arn);
  s.bind(9, row.redrive_count).bind(10, row.doc.dump());
  note(s.step(), "saving an execution");
  s.reset();
  row.id = sqlite3_last_insert_rowid(db_);
}

void SqliteStore::update_execution(const ExecutionRow& row) {
  Stmt& s = st_->update_execution;
  s.bind(1, row.id)
      .bind(2, row.status)
      .bind(3, row.stop_ms)
      .bind(4, row.redrive_count)
      .bind(5, row.doc.dump());
  note(s.step(), "updating an execution");
  s.reset();
}

std::optional<ExecutionRow> SqliteStore::find_execution(std::string_view arn) {
  Stmt& s = st_->find_execution;
  s.bind(1, arn);
  std::optional<ExecutionRow> out;
  if (s.step() == SQLITE_ROW) out = read_execution(s);
  s.reset();
  return out;
}

std::optional<ExecutionRow> SqliteStore::find_execution_by_id(int64_t id) {
  Stmt& s = st_->find_execution_by_id;
  s.bind(1, id);
  std::optional<ExecutionRow> out;
  if (s.step() == SQLITE_ROW) out = read_execution(s);
  s.reset();
  return out;
}

std::vector<ExecutionRow> SqliteStore::list_executions(const ExecutionFilter& f) {
  std::string sql =
      std::string("SELECT ") + kExecutionColumns + " FROM executions WHERE state_machine_arn = ?1";
  if (!f.version_arn.empty()) sql += " AND version_arn = ?2";
  if (!f.alias_arn.empty()) sql += " AND alias_arn = ?3";
  if (!f.status.empty()) sql += " AND status = ?4";
  if (f.redriven) sql += *f.redriven ? " AND redrive_count > 0" : " AND redrive_count = 0";
  if (f.before) sql += " AND (start_ms < ?5 OR (start_ms = ?5 AND id < ?6))";
  sql += " ORDER BY start_ms DESC, id DESC LIMIT ?7";
  Stmt s(db_, sql.c_str());
  s.bind(1, f.state_machine_arn);
  if (!f.version_arn.empty()) s.bind(2, f.version_arn);
  if (!f.alias_arn.empty()) s.bind(3, f.alias_arn);
  if (!f.status.empty()) s.bind(4, f.status);
  if (f.before) s.bind(5, f.before->first).bind(6, f.before->second);
  s.bind(7, static_cast<int64_t>(f.limit));
  std::vector<ExecutionRow> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_execution(s));
  note(rc, "listing executions");
  return out;
}

std::vector<ExecutionRow> SqliteStore::open_executions() {
  std::vector<ExecutionRow> out;
  Stmt& s = st_->open_executions;
  while (s.step() == SQLITE_ROW) out.push_back(read_execution(s));
  s.reset();
  return out;
}

void SqliteStore::append_event(int64_t execution_id, int64_t event_id, std::string_view json) {
  Stmt& s = st_->append_event;
  s.bind(1, execution_id).bind(2, event_id).bind(3, json);
  note(s.step(), "saving a history event");
  s.reset();
}

std::vector<std::string> SqliteStore::events(int64_t execution_id, int64_t from, int64_t to, bool reverse,
                                             int limit) {
  Stmt& s = reverse ? st_->events_desc : st_->events_asc;
  s.bind(1, execution_id).bind(2, from).bind(3, to > 0 ? to : INT64_MAX).bind(4, static_cast<int64_t>(limit));
  std::vector<std::string> out;
  while (s.step() == SQLITE_ROW) out.push_back(s.text(0));
  s.reset();
  return out;
}

int64_t SqliteStore::event_count(int64_t execution_id) {
  Stmt& s = st_->event_count;
  s.bind(1, execution_id);
  int64_t n = s.step() == SQLITE_ROW ? s.integer(0) : 0;
  s.reset();
  return n;
}

void SqliteStore::append_journal(int64_t execution_id, int64_t seq, std::string_view json) {
  Stmt& s = st_->append_journal;
  s.bind(1, execution_id).bind(2, seq).bind(3, json);
  note(s.step(), "saving a journal entry");
  s.reset();
}

std::vector<std::string> SqliteStore::journal(int64_t execution_id) {
  Stmt& s = st_->journal;
  s.bind(1, execution_id);
  std::vector<std::string> out;
  while (s.step() == SQLITE_ROW) out.push_back(s.text(0));
  s.reset();
  return out;
}

int64_t SqliteStore::purge_closed_before(int64_t before_ms) {
  // At most kPurgeBatch per call, so one purge never holds the engine's thread for long;
  // the next call (a minute later) takes the rest.
  Stmt ids(db_, "SELECT id FROM executions WHERE stop_ms > 0 AND stop_ms < ?1 LIMIT ?2");
  ids.bind(1, before_ms).bind(2, kPurgeBatch);
  std::vector<int64_t> victims;
  while (ids.step() == SQLITE_ROW) victims.push_back(ids.integer(0));
  Stmt del_events(db_, "DELETE FROM events WHERE execution_id = ?1");
  Stmt del_journal(db_, "DELETE FROM journal WHERE execution_id = ?1");
  Stmt del_exec(db_, "DELETE FROM executions WHERE id = ?1");
  for (int64_t id : victims) {
    for (Stmt* s : {&del_events, &del_journal, &del_exec}) {
      s->bind(1, id);
      note(s->step(), "purging an execution");
      s->reset();
    }
  }
  return static_cast<int64_t>(victims.size());
}

}  // namespace sg::store
