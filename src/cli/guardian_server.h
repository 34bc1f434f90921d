// GuardianServer: the guardian's wiring inside `stepguard serve` — takes the server's
// Notifier (the `topics:` of the config), builds the GuardianService from its `alarms:`, `composite_alarms:`
// and `alarm_templates:`, registers it as the engine's observer, reads machines from the registry, and serves
// the guardian's HTTP endpoints (guardian_http_handler.h).
//
// API-managed alarms are kept in the store's guardian_alarms table (store/sqlite_alarm_store.h)
// and reloaded by start() after the config's alarms.
//
// Lifecycle (serve_command.cc): create() after the loop is built and before recovery;
// start() inside the recovery transaction, before DurableEngine::recover(); on_time() and
// next_wakeup() from the loop's hooks. Loop thread only, except http() (thread-safe).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "api/registry.h"
#include "cli/config_file.h"
#include "cli/guardian_http_handler.h"
#include "cli/guardian_service.h"
#include "engine/durable_engine.h"
#include "engine/service_loop.h"
#include "integrations/notification_channels_notifier.h"
#include "store/sqlite_alarm_store.h"
#include "store/sqlite_store.h"

namespace sg::cli {

struct GuardianServerDeps {
  const ConfigFile* config = nullptr;  // may be null (no config file)
  std::string account = "123456789012";
  std::string region = "us-east-1";
  double time_scale = 1.0;
  api::Registry* registry = nullptr;
  store::SqliteStore* store = nullptr;
  engine::DurableEngine* engine = nullptr;
  engine::ServiceLoop* loop = nullptr;
  std::shared_ptr<integrations::Notifier> notifier;  // delivers alarm actions; may be null
};

class GuardianServer {
 public:
  static Result<std::unique_ptr<GuardianServer>> create(const GuardianServerDeps& deps);
  ~GuardianServer();

  // Loads alarms and templates and seeds the latest-status board from the store.
  Status start(int64_t now_ms);
  void on_time(int64_t now_ms) { service_->on_time(now_ms); }
  // The earlier of the engine's wake-up and the guardian's next tick.
  std::optional<int64_t> next_wakeup(std::optional<int64_t> engine_wakeup) const;

  GuardianService& service() { return *service_; }
  GuardianHttpHandler& http() { return *http_; }

 private:
  GuardianServer() = default;
  GuardianServerDeps deps_;
  std::shared_ptr<integrations::Notifier> notifier_;
  std::unique_ptr<store::SqliteAlarmStore> alarm_store_;  // outlives service_ (declared first)
  std::unique_ptr<GuardianService> service_;
  std::unique_ptr<GuardianHttpHandler> http_;
};

}  // namespace sg::cli
