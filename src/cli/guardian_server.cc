#include "cli/guardian_server.h"

#include <algorithm>

#include "cli/guardian_config.h"
#include "common/log.h"
#include "integrations/notification_channels.h"

namespace sg::cli {

namespace {

GuardianMachine machine_of(const api::StateMachineRecord& r, const GuardianServerDeps& d) {
  GuardianMachine m;
  m.name = r.name;
  m.arn = r.arn;
  m.type = r.type;
  m.account = d.account;
  m.region = d.region;
  for (const api::Tag& t : r.tags) m.tags[t.key] = t.value;
  return m;
}

}  // namespace

Result<std::unique_ptr<GuardianServer>> GuardianServer::create(const GuardianServerDeps& deps) {
  std::unique_ptr<GuardianServer> g(new GuardianServer());
  g->deps_ = deps;
  GuardianConfig config;
  config.account.account_id = deps.account;
  config.account.region = deps.region;
  config.time_scale = deps.time_scale;
  if (deps.config) {
    Status st = read_guardian_sections(*deps.config, config);
    if (!st.ok()) return st.error();
    if (deps.config->metrics_retention_days)
      config.metric_retention_ms = *deps.config->metrics_retention_days * guardian::kDayMs;
  }
  // Alarm actions go through the server's one Notifier (sns:publish uses it too; the
  // router's table gives it the config's topics, and a SIGHUP reload replaces them).
  g->notifier_ = deps.notifier;
  MachineSource source;
  api::Registry* registry = deps.registry;
  GuardianServerDeps d = deps;
  source.list = [registry, d] {
    std::vector<GuardianMachine> out;
    for (const api::StateMachineRecord* r : registry->state_machines()) out.push_back(machine_of(*r, d));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  };
  source.find = [registry, d](const std::string& arn) -> std::optional<GuardianMachine> {
    const api::StateMachineRecord* r = registry->find_state_machine(arn);
    if (!r) return std::nullopt;
    return machine_of(*r, d);
  };
  engine::ServiceLoop* loop = deps.loop;
  g->service_ = std::make_unique<GuardianService>(
      std::move(config), std::move(source), g->notifier_.get(),
      [loop](std::function<void()> fn) { loop->after_commit([fn = std::move(fn)](bool) { fn(); }); });
  if (deps.store) {
    auto alarm_store = store::SqliteAlarmStore::open(*deps.store);
    if (!alarm_store.ok()) return alarm_store.error();
    g->alarm_store_ = std::move(alarm_store).value();
    g->service_->set_alarm_store(g->alarm_store_.get());
  }
  g->http_ = std::make_unique<GuardianHttpHandler>(*deps.loop, *g->service_);
  deps.engine->add_observer(g->service_.get());
  return g;
}

GuardianServer::~GuardianServer() {
  if (deps_.engine) deps_.engine->remove_observer(service_.get());
}

Status GuardianServer::start(int64_t now_ms) {
  Status st = service_->start(now_ms);
  if (!st.ok()) return st;
  service_->restore_latest(*deps_.store);
  log::info("guardian ready", {{"state_machines", static_cast<int64_t>(service_->board().records().size())},
                               {"notifications", notifier_ != nullptr}});
  return Status::Ok();
}

std::optional<int64_t> GuardianServer::next_wakeup(std::optional<int64_t> engine_wakeup) const {
  std::optional<int64_t> mine = service_->next_wakeup();
  if (!mine) return engine_wakeup;
  if (!engine_wakeup) return mine;
  return std::min(*mine, *engine_wakeup);
}

}  // namespace sg::cli
