// `stepguard serve`: the single place where the server's parts are wired together.
//
// Start-up: read the config file (YAML) and the flags (flags win), open the store, load
// the registry, resume every open execution, then listen. Shutdown on SIGTERM/SIGINT:
// stop accepting, answer waiting activity polls, let requests in flight finish, stop
// the task pool, commit the last batch and close the store.
#include "cli/serve_command.h"

#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <random>

#include "api/execution_actions.h"
#include "api/registry.h"
#include "api/registry_actions.h"
#include "cli/sfn_http_handler.h"
#include "common/log.h"
#include "engine/durable_engine.h"
#include "engine/service_loop.h"
#include "integrations/lambda_executor.h"
#include "integrations/pooled_dispatcher.h"
#include "integrations/subprocess.h"
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
  std::string functions_file;
  std::vector<std::string> functions;
  int io_threads = 2;
  int task_threads = 32;
};

int usage_error(const std::string& msg) {
  std::cerr << "stepguard serve: " << msg << "\n";
  return 2;
}

// The config file: the same settings as the flags, by the names below.
Status read_config(const std::string& path, ServeConfig& c) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (!root.IsMap()) return Status::Fail("CONFIG", path + ": the config file must be a YAML mapping");
    for (auto it : root) {
      std::string key = it.first.as<std::string>();
      const YAML::Node& v = it.second;
      if (key == "listen")
        c.listen = v.as<std::string>();
      else if (key == "data")
        c.data = v.as<std::string>();
      else if (key == "account")
        c.account = v.as<std::string>();
      else if (key == "region")
        c.region = v.as<std::string>();
      else if (key == "partition")
        c.partition = v.as<std::string>();
      else if (key == "time_scale")
        c.time_scale = v.as<double>();
      else if (key == "log_format")
        c.log_format = v.as<std::string>();
      else if (key == "durability")
        c.durability = v.as<std::string>();
      else if (key == "history_retention_days")
        c.retention_days = v.as<int64_t>();
      else if (key == "functions_file")
        c.functions_file = v.as<std::string>();
      else if (key == "io_threads")
        c.io_threads = v.as<int>();
      else if (key == "task_threads")
        c.task_threads = v.as<int>();
      else if (key == "functions") {
        for (auto f : v) c.functions.push_back(f.first.as<std::string>() + "=" + f.second.as<std::string>());
      } else {
        return Status::Fail("CONFIG", path + ": unknown setting '" + key + "'");
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::Fail("CONFIG", path + ": " + e.what());
  }
  return Status::Ok();
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
  std::string config_file, listen, data, account, region, log_format, durability, functions_file;
  std::vector<std::string> functions;
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
  app.add_option("--function", functions, "Local Lambda function NAME=COMMAND or NAME=URL (repeatable)");
  app.add_option("--functions", functions_file, "YAML file of local functions");
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
    Status st = read_config(config_file, c);
    if (!st.ok()) return usage_error(st.error().message);
  }
  if (!listen.empty()) c.listen = listen;
  if (!data.empty()) c.data = data;
  if (!account.empty()) c.account = account;
  if (!region.empty()) c.region = region;
  if (time_scale > 0) c.time_scale = time_scale;
  if (!log_format.empty()) c.log_format = log_format;
  if (!durability.empty()) c.durability = durability;
  if (retention_days >= 0) c.retention_days = retention_days;
  if (!functions_file.empty()) c.functions_file = functions_file;
  for (auto& f : functions) c.functions.push_back(f);

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

  integrations::LambdaExecutorOptions lopt;
  lopt.account = c.account;
  lopt.region = c.region;
  lopt.host = "stepguard serve";
  lopt.invoke_callback_tasks = true;
  auto made = integrations::make_lambda_executor(c.functions, c.functions_file, lopt);
  if (!made.ok()) {
    log::error("cannot configure the functions", {{"error", made.error().message}});
    return 1;
  }
  // Shared with TestState threads, which may outlive this function (see drain below).
  std::shared_ptr<integrations::LambdaExecutor> executor = std::move(made).value();

  engine::DurableEngine* engine_ptr = nullptr;
  engine::ServiceLoop* loop_ptr = nullptr;
  integrations::PooledDispatcher dispatcher(
      *executor,
      [&](integrations::TaskOutcome o) {
        loop_ptr->post([&engine_ptr, &loop_ptr, o = std::move(o)]() mutable {
          if (o.submitted)
            engine_ptr->task_submitted(o.execution_id, o.task_id, o.result.output, loop_ptr->now());
          else
            engine_ptr->task_result(o.execution_id, o.task_id, std::move(o.result), loop_ptr->now());
        });
      },
      c.task_threads);
  engine::EngineOptions eopt;
  eopt.partition = c.partition;
  eopt.region = c.region;
  eopt.account = c.account;
  eopt.time_scale = c.time_scale;
  eopt.history_retention_ms = c.retention_days * 24 * 3600 * 1000;
  engine::DurableEngine engine(**store, dispatcher, eopt);
  engine_ptr = &engine;

  engine::LoopHooks hooks;
  hooks.begin_batch = [&] { return (*store)->begin(); };
  hooks.commit_batch = [&] { return (*store)->commit(); };
  hooks.on_time = [&](int64_t now) { engine.on_time(now); };
  hooks.next_wakeup = [&] { return engine.next_wakeup(); };
  hooks.on_commit_failure = [](const Error& e) { log::error("store commit failed", {{"error", e.message}}); };
  engine::ServiceLoop loop(clock, hooks);
  loop_ptr = &loop;
  registry.on_deleted = [&](const std::string& arn) { engine.stop_all_of(arn, loop.now()); };

  // Resume open executions before anything else can touch them.
  if (Status st = (*store)->begin(); !st.ok()) {
    log::error("cannot open the store", {{"error", st.error().message}});
    return 1;
  }
  std::vector<std::string> not_resumed;
  auto resumed = engine.recover(clock.now_ms(), &not_resumed);
  for (const std::string& problem : not_resumed) log::warn("execution not resumed", {{"problem", problem}});
  if (Status st = (*store)->commit(); !st.ok() || !resumed.ok()) {
    log::error("cannot resume executions",
               {{"error", resumed.ok() ? st.error().message : resumed.error().message}});
    dispatcher.stop();  // recover() may have dispatched calls: none may report to a gone loop
    return 1;
  }
  loop.start();

  api::RegistryActions registry_actions(registry);
  api::ExecutionActions execution_actions(registry, engine);
  SfnHttpHandler handler(SfnServices{&loop, &registry, &registry_actions, &execution_actions, executor, ctx});
  server::HttpServer http;
  server::HttpServerOptions hopt;
  hopt.host = host;
  hopt.port = port;
  hopt.io_threads = c.io_threads;
  Status started = http.start(hopt, [&handler](server::HttpRequest&& r, server::Responder respond) {
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
  sigwait(&signals, &sig);
  log::info("shutting down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  // Waiting activity polls answer "no task" now rather than holding the shutdown.
  loop.post([&] { engine.release_pollers(); });
  http.stop();
  // The pool withdraws its calls (their outcomes are dropped: they run again after the
  // restart); what is left running belongs to TestState.
  dispatcher.stop();
  integrations::kill_running_subprocesses();
  if (!handler.drain_test_states(std::chrono::seconds(5))) log::warn("TestState calls still running at exit");
  loop.stop();
  log::info("stopped", {{"requests", static_cast<int64_t>(handler.answered())}});
  return 0;
}

}  // namespace sg::cli
