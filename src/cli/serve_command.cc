// `stepguard serve`: the single place where the server's parts are wired together.
//
// Start-up: read the config file (cli/config_file.h, shared with `run`) and the flags
// (flags win), build the task router (cli/task_executor_factory.h), open the store, load
// the registry, resume every open execution, then listen. SIGHUP reloads the router's part
// of the config (functions, mocks, connections, topics). Shutdown on SIGTERM/SIGINT:
// stop accepting, answer waiting activity polls, let requests in flight finish, stop
// the task pool, commit the last batch and close the store.
#include "cli/serve_command.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <random>

#include "api/execution_actions.h"
#include "api/registry.h"
#include "api/registry_actions.h"
#include "cli/aws_credentials.h"
#include "cli/config_file.h"
#include "cli/dashboard_handler.h"
#include "cli/events_runtime.h"
#include "cli/guardian_server.h"
#include "cli/remote_watcher.h"
#include "cli/sfn_http_handler.h"
#include "cli/task_executor_factory.h"
#include "common/log.h"
#include "engine/durable_engine.h"
#include "engine/service_loop.h"
#include "integrations/pooled_dispatcher.h"
#include "integrations/resource_router.h"
#include "integrations/routed_dispatcher.h"
#include "integrations/subprocess.h"
#include "integrations/wait_for_event.h"
#include "server/http_server.h"
#include "store/sqlite_store.h"

namespace sg::cli {

namespace {

struct ServeConfig {
  std::string listen = "127.0.0.1:8083";
  std::string data = "./stepguard-data";
  std::string account = "123456789012";
  std::string region = "us-east-1";
  std::string partition = "aws";
  double time_scale = 1.0;
  std::string log_format = "text";
  std::string durability = "full";
  int64_t retention_days = 90;
  int io_threads = 2;
  int task_threads = 32;
};

int usage_error(const std::string& msg) {
  std::cerr << "stepguard serve: " << msg << "\n";
  return 2;
}

// Server settings from the config file (flags override them afterwards).
void apply_config(const ConfigFile& f, ServeConfig& c) {
  if (f.listen) c.listen = *f.listen;
  if (f.data) c.data = *f.data;
  if (f.account) c.account = *f.account;
  if (f.region) c.region = *f.region;
  if (f.partition) c.partition = *f.partition;
  if (f.time_scale) c.time_scale = *f.time_scale;
  if (f.log_format) c.log_format = *f.log_format;
  if (f.durability) c.durability = *f.durability;
  if (f.history_retention_days) c.retention_days = *f.history_retention_days;
  if (f.io_threads) c.io_threads = *f.io_threads;
  if (f.task_threads) c.task_threads = *f.task_threads;
}

// StartExecution's check of `ARN#TestCase` against the mocks the router has now.
Status check_test_case(const integrations::ResourceRouter& router, const std::string& machine,
                       const std::string& test_case) {
  std::shared_ptr<const integrations::RouterTable> table = router.table();
  if (!table->mocks) {
    std::string m("Test case '");
    m.append(test_case).append(
        "' cannot be used: no mock config file is configured (stepguard serve --mock-config FILE, or "
        "mock_config in the config file)");
    return Status::Fail("ValidationException", std::move(m));
  }
  if (table->mocks->has_test_case(machine, test_case)) return Status::Ok();
  std::string m("Test case '");
  m.append(test_case)
      .append("' is not defined for state machine '")
      .append(machine)
      .append("' in the mock config file");
  std::vector<std::string> known = table->mocks->test_cases(machine);
  if (known.empty()) m.append(" (it defines no test case for this state machine)");
  for (size_t i = 0; i < known.size(); ++i) m.append(i ? ", " : " (defined: ").append(known[i]);
  if (!known.empty()) m.append(")");
  return Status::Fail("ValidationException", std::move(m));
}

// SIGHUP: reads the config file (and the files it names) again and swaps the router's
// functions, mocks, connections and topics. Server settings (listen, data, ...) keep the
// values the server started with. A bad file leaves the running configuration as it is.
void reload_router(const std::string& config_file, RouterSources& sources, const RouterHost& host,
                   integrations::ResourceRouter& router) {
  RouterSources next = sources;
  if (!config_file.empty()) {
    auto f = read_config_file(config_file);
    if (!f.ok()) {
      log::error("configuration not reloaded: the old one stays", {{"error", f.error().message}});
      return;
    }
    next.config = std::move(f).value();
  }
  auto table = make_router_table(next, host);
  if (!table.ok()) {
    log::error("configuration not reloaded: the old one stays", {{"error", table.error().message}});
    return;
  }
  size_t routes = (*table)->routes.size();
  bool mocks = (*table)->mocks != nullptr;
  router.install(*table);
  sources = std::move(next);
  log::info("configuration reloaded", {{"config", config_file.empty() ? "(flags only)" : config_file},
                                       {"integrations", static_cast<int64_t>(routes)},
                                       {"mock_config", mocks}});
}

// Prometheus lines for the notification channels (sns:publish and alarm actions).
std::string notification_metrics(const integrations::NotifierStats& stats) {
  std::string out =
      "# HELP stepguard_notifications_total Notification deliveries by channel kind and outcome "
      "(retried counts retry attempts).\n# TYPE stepguard_notifications_total counter\n";
  const std::pair<const char*, const integrations::ChannelStats*> kinds[] = {
      {"webhook", &stats.webhook}, {"command", &stats.command}, {"file", &stats.file}};
  for (const auto& [kind, c] : kinds) {
    for (const auto& [outcome, n] : {std::pair<const char*, uint64_t>{"delivered", c->delivered},
                                     std::pair<const char*, uint64_t>{"failed", c->failed},
                                     std::pair<const char*, uint64_t>{"retried", c->retried}}) {
      out.append("stepguard_notifications_total{channel=\"").append(kind).append("\",outcome=\"");
      out.append(outcome).append("\"} ").append(std::to_string(n)).append("\n");
    }
  }
  return out;
}

bool split_listen(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  *host = listen.substr(0, colon);
  try {
    int p = std::stoi(listen.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    *port = static_cast<uint16_t>(p);
  } catch (...) {
    return false;
  }
  return !host->empty();
}

}  // namespace

int serve_command(const std::vector<std::string>& args) {
  const auto process_start = std::chrono::steady_clock::now();
  CLI::App app{"Serve the AWS Step Functions API with durable executions", "stepguard serve"};
  ServeConfig c;
  std::string config_file, listen, data, account, region, log_format, durability;
  RouterSources sources;  // the router's config file part and flags (reloaded on SIGHUP)
  double time_scale = 0;
  int64_t retention_days = -1;
  app.add_option("--listen", listen, "Address to listen on (default 127.0.0.1:8083)");
  app.add_option("--data", data, "Data directory (default ./stepguard-data)");
  app.add_option("--config", config_file, "YAML config file (flags override it)");
  app.add_option("--account", account, "Account id in ARNs (default 123456789012)");
  app.add_option("--region", region, "Region in ARNs (default us-east-1)");
  app.add_option("--time-scale", time_scale, "Multiply every Wait, Retry interval and timeout (e.g. 0.001)")
      ->check(CLI::PositiveNumber);
  app.add_option("--log-format", log_format, "text (default) or json (JSON lines)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option(
         "--durability", durability,
         "full (default: commits survive power loss) or normal (commits survive a crash of the process)")
      ->check(CLI::IsMember({"full", "normal"}));
  app.add_option("--history-retention-days", retention_days, "Keep closed executions this long (default 90)");
  app.add_option("--function", sources.function_specs,
                 "Local Lambda function NAME=COMMAND or NAME=URL (repeatable)");
  app.add_option("--functions", sources.functions_file, "YAML file of local functions");
  app.add_option("--mock-config", sources.mock_config,
                 "Step Functions Local mock config file (StartExecution with stateMachineArn ARN#TestCase)");
  std::vector<std::string> argv_rev(args.rbegin(), args.rend());
  try {
    app.parse(argv_rev);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }
  if (!config_file.empty()) {
    auto f = read_config_file(config_file);
    if (!f.ok()) return usage_error(f.error().message);
    sources.config = std::move(f).value();
    apply_config(sources.config, c);
  }
  auto watch_entries = parse_watch_section(sources.config.watch, sources.config.path);
  if (!watch_entries.ok()) return usage_error(watch_entries.error().message);
  if (!listen.empty()) c.listen = listen;
  if (!data.empty()) c.data = data;
  if (!account.empty()) c.account = account;
  if (!region.empty()) c.region = region;
  if (time_scale > 0) c.time_scale = time_scale;
  if (!log_format.empty()) c.log_format = log_format;
  if (!durability.empty()) c.durability = durability;
  if (retention_days >= 0) c.retention_days = retention_days;

  log::configure(log::Options{.format = c.log_format == "json" ? log::Format::kJson : log::Format::kText});
  std::string host;
  uint16_t port = 0;
  if (!split_listen(c.listen, &host, &port))
    return usage_error("--listen must be HOST:PORT, got '" + c.listen + "'");

  // Signals are taken by sigwait() below; every thread started from here inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);  // reloads the router's configuration
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto store = store::SqliteStore::open(c.data, store::SqliteOptions{.sync_full = c.durability == "full"});
  if (!store.ok()) {
    log::error("cannot open the store", {{"error", store.error().message}});
    return 1;
  }
  engine::SystemClock clock;
  std::mt19937_64 rng{std::random_device{}()};
  api::ApiContext ctx{c.partition, c.region, c.account};
  api::Registry registry(
      ctx, **store, [&clock] { return clock.now_ms(); }, [&rng] { return rng(); });
  for (const std::string& problem : registry.load())
    log::warn("resource not restored", {{"problem", problem}});

  RouterHost router_host;
  router_host.name = "stepguard serve";
  router_host.account = c.account;
  router_host.region = c.region;
  router_host.invoke_callback_tasks = true;
  router_host.notifier =
      std::make_shared<integrations::Notifier>(std::make_shared<const integrations::Topics>());
  auto table = make_router_table(sources, router_host);
  if (!table.ok()) {
    log::error("cannot configure the task router", {{"error", table.error().message}});
    return 1;
  }
  // Shared with TestState threads, which may outlive this function (see drain below).
  auto router = std::make_shared<integrations::ResourceRouter>(router_options(router_host, true), *table);

  engine::DurableEngine* engine_ptr = nullptr;
  engine::ServiceLoop* loop_ptr = nullptr;
  auto report = [&](integrations::TaskOutcome o) {
    loop_ptr->post([&engine_ptr, &loop_ptr, o = std::move(o)]() mutable {
      if (o.submitted)
        engine_ptr->task_submitted(o.execution_id, o.task_id, o.result.output, loop_ptr->now());
      else
        engine_ptr->task_result(o.execution_id, o.task_id, std::move(o.result), loop_ptr->now());
    });
  };
  integrations::PooledDispatcher pool(*router, report, c.task_threads);
  integrations::RoutedDispatcher dispatcher(*router, pool, report);
  std::unique_ptr<EventsRuntime> events;  // the event bus (cli/events_runtime.h), built below
  integrations::WaitForEventDispatcher waits(
      dispatcher, [&](const auto& spec, const auto& request) { return events->enlist(spec, request); },
      report);
  engine::EngineOptions eopt;
  eopt.partition = c.partition;
  eopt.region = c.region;
  eopt.account = c.account;
  eopt.time_scale = c.time_scale;
  eopt.history_retention_ms = c.retention_days * 24 * 3600 * 1000;
  eopt.check_test_case = [&router](const std::string& machine, const std::string& test_case) {
    return check_test_case(*router, machine, test_case);
  };
  engine::DurableEngine engine(**store, waits, eopt);
  engine_ptr = &engine;

  std::unique_ptr<GuardianServer> guardian;  // the guardian (cli/guardian_server.h), built below
  engine::LoopHooks hooks;
  hooks.begin_batch = [&] { return (*store)->begin(); };
  hooks.commit_batch = [&] { return (*store)->commit(); };
  hooks.on_time = [&](int64_t now) {
    engine.on_time(now);
    if (guardian) guardian->on_time(now);
    if (events) events->on_time(now);
  };
  hooks.next_wakeup = [&] {
    auto next = guardian ? guardian->next_wakeup(engine.next_wakeup()) : engine.next_wakeup();
    return events ? events->next_wakeup(next) : next;
  };
  hooks.on_commit_failure = [](const Error& e) { log::error("store commit failed", {{"error", e.message}}); };
  engine::ServiceLoop loop(clock, hooks);
  loop_ptr = &loop;
  auto made = GuardianServer::create({&sources.config, c.account, c.region, c.time_scale, &registry,
                                      store->get(), &engine, &loop, router_host.notifier});
  if (!made.ok()) {
    log::error("cannot configure the guardian", {{"error", made.error().message}});
    return 1;
  }
  guardian = std::move(made).value();
  auto made_events = open_events_runtime(sources.config, c.partition, c.region, c.account, c.time_scale,
                                         store->get(), &engine, &loop);
  if (!made_events.ok()) {
    log::error("cannot start the event bus", {{"error", made_events.error().message}});
    return 1;
  }
  events = std::move(made_events).value();
  registry.on_deleted = [&](const std::string& arn) { engine.stop_all_of(arn, loop.now()); };

  // Resume open executions before anything else can touch them.
  if (Status st = (*store)->begin(); !st.ok()) {
    log::error("cannot open the store", {{"error", st.error().message}});
    return 1;
  }
  std::vector<std::string> not_resumed;
  if (Status st = guardian->start(clock.now_ms()); !st.ok()) {
    log::error("cannot start the guardian", {{"error", st.error().message}});
    return 1;
  }
  auto resumed = engine.recover(clock.now_ms(), &not_resumed);
  for (const std::string& problem : not_resumed) log::warn("execution not resumed", {{"problem", problem}});
  if (Status st = (*store)->commit(); !st.ok() || !resumed.ok()) {
    log::error("cannot resume executions",
               {{"error", resumed.ok() ? st.error().message : resumed.error().message}});
    dispatcher.stop();  // recover() may have dispatched calls: none may report to a gone loop
    return 1;
  }
  loop.start();
  // Remote Step Functions endpoints (`watch:`) feed the guardian through the loop.
  CurlSfnTransport watch_transport;
  WatcherDeps watch_deps;
  watch_deps.clock = &clock;
  watch_deps.transport = &watch_transport;
  watch_deps.credentials = [env = system_credential_env()](const std::string& profile) {
    return resolve_aws_credentials(profile, env);
  };
  watch_deps.report = [&loop, &guardian](guardian::WatchStatus st,
                                         std::optional<std::vector<guardian::RemoteMachine>> m) {
    loop.post([&loop, &guardian, st = std::move(st), m = std::move(m)]() mutable {
      guardian->service().update_remote(std::move(st), std::move(m), loop.now());
    });
  };
  RemoteWatcher watcher(std::move(watch_entries).value(), watch_deps);
  watcher.start();

  api::RegistryActions registry_actions(registry);
  api::ExecutionActions execution_actions(registry, engine);
  loop.post([&] { events->set_execution_actions(&execution_actions); });
  EventsHttpHandler events_http(loop, *events);
  guardian->http().set_extra_metrics(
      [&] { return events->prometheus_text() + notification_metrics(router_host.notifier->stats()); });
  SfnHttpHandler handler(SfnServices{&loop, &registry, &registry_actions, &execution_actions, router, ctx,
                                     &guardian->http(), &events_http});
  // The web dashboard (cli/dashboard_handler.h): pages, diagrams and the guardian's live feed.
  DashboardHandler dashboard([&loop, &registry](std::string arn, auto done) {
    loop.post([&registry, arn = std::move(arn), done = std::move(done)] {
      done(registry_definition(registry, arn));
    });
  });
  loop.post([&] {
    guardian->service().subscribe(
        [&dashboard](std::string_view e, const json::Value& d) { dashboard.publish(e, d); });
  });
  server::HttpServer http;
  server::HttpServerOptions hopt;
  hopt.host = host;
  hopt.port = port;
  hopt.io_threads = c.io_threads;
  Status started =
      http.start(hopt, [&handler, &dashboard](server::HttpRequest&& r, server::Responder respond) {
        if (dashboard.handle(r, respond)) return;
        handler(std::move(r), std::move(respond));
      });
  if (!started.ok()) {
    log::error("cannot listen", {{"error", started.error().message}});
    dispatcher.stop();  // before the loop goes: its workers post their outcomes there
    loop.stop();
    return 1;
  }
  auto ready_ms =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - process_start)
          .count() /
      1000.0;
  log::info("serving", {{"address", host + ":" + std::to_string(http.port())},
                        {"data", c.data},
                        {"resumed_executions", *resumed},
                        {"time_scale", c.time_scale},
                        {"ready_ms", ready_ms}});

  int sig = 0;
  for (;;) {
    sigwait(&signals, &sig);
    if (sig != SIGHUP) break;
    reload_router(config_file, sources, router_host, *router);
  }
  log::info("shutting down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  // Waiting activity polls answer "no task" now rather than holding the shutdown.
  loop.post([&] { engine.release_pollers(); });
  http.stop();
  watcher.stop();
  // The pool withdraws its calls (their outcomes are dropped: they run again after the
  // restart); what is left running belongs to TestState.
  dispatcher.stop();
  integrations::kill_running_subprocesses();
  if (!handler.drain_test_states(std::chrono::seconds(5))) log::warn("TestState calls still running at exit");
  if (!router_host.notifier->wait_idle(5000)) log::warn("notifications still queued at exit were dropped");
  events->close();  // webhook threads report no more
  loop.stop();
  log::info("stopped", {{"requests", static_cast<int64_t>(handler.answered())}});
  return 0;
}

}  // namespace sg::cli
