#include "cli/run_command.h"

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "asl/interpreter.h"
#include "asl/names.h"
#include "asl/state_machine.h"
#include "asl/validator.h"
#include "cli/config_file.h"
#include "cli/definition_file.h"
#include "cli/task_executor_factory.h"
#include "engine/local_runner.h"
#include "integrations/resource_router.h"
#include "integrations/subprocess.h"
#include "json/parse.h"

namespace sg::cli {

namespace {

// How long a run waits at exit for its notifications (retries included) to be delivered.
constexpr int64_t kNotificationDrainMs = 30000;

class StderrTrace final : public engine::HistorySink {
 public:
  void on_event(const engine::HistoryEvent& e) override {
    std::string line = e.to_json().dump();
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
};

std::string machine_name_from(const std::string& path) {
  std::string base =
      path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  size_t dot = base.find('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

// Interrupted (Ctrl-C, kill): stop every local function still running, then die of the
// same signal, so that no function outlives the run.
extern "C" void stop_functions_and_exit(int sig) {
  integrations::kill_running_subprocesses();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

int usage_error(const std::string& msg) {
  std::cerr << "stepguard run: " << msg << "\n";
  return 1;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  CLI::App app{"Run one execution of a state machine in-process", "stepguard run"};
  std::string file, input_json, input_file, context_file, name, execution_name, config_file, test_case;
  RouterSources sources;
  bool trace = false, real_time = false;
  uint64_t max_transitions = 10'000'000;
  int max_concurrent_calls = 16;
  app.add_option("file", file, "State machine definition (JSON or YAML)")->required();
  auto* in_opt = app.add_option("--input", input_json, "Execution input as JSON (default {})");
  app.add_option("--input-file", input_file, "File holding the execution input")->excludes(in_opt);
  app.add_option("--context-file", context_file, "JSON object merged into the Context object");
  app.add_option("--function", sources.function_specs,
                 "Local Lambda function NAME=COMMAND or NAME=URL (repeatable)");
  app.add_option("--functions", sources.functions_file, "YAML file of local functions");
  app.add_option("--config", config_file,
                 "YAML config file, the same as stepguard serve's (flags override it)");
  app.add_option("--mock-config", sources.mock_config, "Step Functions Local mock config file");
  app.add_option("--test-case", test_case, "Run under this test case of the mock config (mocked states)");
  app.add_option("--name", name, "State machine name (default: the file name)");
  app.add_option("--execution-name", execution_name, "Execution name (default: a random UUID)");
  app.add_flag("--trace", trace, "Print each history event as a JSON line on stderr");
  app.add_flag("--real-time", real_time, "Sleep through Wait and Retry intervals");
  app.add_option("--max-concurrent-calls", max_concurrent_calls,
                 "Calls to one function that start together run at most this many at once (default 16)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--max-transitions", max_transitions,
                 "Fail the execution after this many state transitions (default 10000000; 0: no limit)");
  std::vector<std::string> argv_rev(args.rbegin(), args.rend());
  try {
    app.parse(argv_rev);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }

  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, stop_functions_and_exit);

  auto text = read_file(file);
  if (!text) return usage_error(text.error().message);
  json::Value def;
  std::vector<asl::Diagnostic> diags = check_definition(file, *text, asl::ValidateOptions{}, &def);
  print_diagnostics(std::cerr, file, diags);
  if (asl::has_errors(diags)) return 1;
  auto machine = asl::load_state_machine(def);
  if (!machine) return usage_error(file + ": " + machine.error().message);

  engine::RunOptions opt;
  bool has_input = in_opt->count() > 0;
  if (!input_file.empty()) {
    auto t = read_file(input_file, kMaxInputFileBytes);
    if (!t) {
      std::cerr << "Invalid State Machine Execution Input: " << t.error().message << "\n";
      return 1;
    }
    input_json = *t;
    has_input = true;
  }
  if (has_input) {
    // AWS checks and records the input as the caller wrote it: the limit counts its bytes,
    // and ExecutionStarted echoes it unchanged.
    if (input_json.size() > asl::kMaxPayloadBytes) {
      std::cerr << "Invalid State Machine Execution Input: the input is " << input_json.size()
                << " bytes, over the limit of " << asl::kMaxPayloadBytes << " bytes\n";
      return 1;
    }
    if (input_json.find_first_not_of(" \t\r\n") == std::string::npos) {
      std::cerr << "Invalid State Machine Execution Input: 'Invalid execution input.'\n";
      return 1;
    }
    auto in = json::parse_json(input_json);
    if (!in) {
      std::string msg = in.error().message.substr(0, in.error().message.find('\n'));
      std::cerr << "Invalid State Machine Execution Input: '" << msg << "'\n";
      return 1;
    }
    opt.input = std::move(in).value();
    opt.input_text = input_json;
  }
  if (!context_file.empty()) {
    auto t = read_file(context_file, kMaxInputFileBytes);
    if (!t) return usage_error(t.error().message);
    auto c = json::parse_json(*t);
    if (!c || !c->is_object()) return usage_error("--context-file must hold a JSON object");
    opt.context_overrides = std::move(c).value();
  }
  if (!config_file.empty()) {
    auto f = read_config_file(config_file);
    if (!f) return usage_error(f.error().message);
    sources.config = std::move(f).value();
    if (sources.config.account) opt.identity.account = *sources.config.account;
    if (sources.config.region) opt.identity.region = *sources.config.region;
  }
  RouterHost host;
  host.account = opt.identity.account;
  host.region = opt.identity.region;
  host.max_concurrent_calls = max_concurrent_calls;
  host.notifier = std::make_shared<integrations::Notifier>(std::make_shared<const integrations::Topics>());
  auto table = make_router_table(sources, host);
  if (!table) return usage_error(table.error().message);
  const std::string machine_name = name.empty() ? machine_name_from(file) : name;
  if (!test_case.empty()) {
    const integrations::MockConfig* mocks = (*table)->mocks.get();
    if (!mocks)
      return usage_error(
          "--test-case needs a mock config file (--mock-config FILE or mock_config in --config)");
    if (!mocks->has_test_case(machine_name, test_case)) {
      std::string m("test case '");
      m.append(test_case).append("' is not defined for state machine '").append(machine_name);
      m.append("' in the mock config file");
      std::vector<std::string> known = mocks->test_cases(machine_name);
      if (known.empty())
        m.append(" (it defines no test case for this state machine; --name names the machine)");
      for (size_t i = 0; i < known.size(); ++i) m.append(i ? ", " : " (defined: ").append(known[i]);
      if (!known.empty()) m.append(")");
      return usage_error(m);
    }
  }
  integrations::ResourceRouter router(router_options(host, false), *table);
  opt.tasks = &router;
  opt.test_case = test_case;
  StderrTrace sink;
  if (trace) opt.history = &sink;
  opt.real_time = real_time;
  opt.max_transitions = max_transitions;
  opt.identity.state_machine_name = machine_name;
  opt.identity.execution_name = execution_name;
  // A context file naming the execution names it everywhere ($$.Execution.Id included).
  if (execution_name.empty() && opt.context_overrides.is_object()) {
    const json::Value* exec = opt.context_overrides.find("Execution");
    const json::Value* n = exec ? exec->find("Name") : nullptr;
    if (n && n->is_string()) opt.identity.execution_name = std::string(n->as_string());
  }
  for (const auto& [flag, value] :
       {std::pair<const char*, const std::string*>{"--name", &name},
        std::pair<const char*, const std::string*>{"--execution-name", &execution_name}}) {
    if (!value->empty() && !asl::is_valid_name(*value)) {
      std::cerr
          << "stepguard run: " << flag << ": InvalidName: Invalid Name: '" << *value
          << "' (1 to 80 characters, no whitespace, no < > { } [ ] ? * \" # % \\ ^ | ~ ` $ & , ; : /)\n";
      return 1;
    }
  }

  engine::RunResult r = engine::run_local(**machine, opt);
  // Notifications the run published are delivered (with their retries) before it exits.
  if (!host.notifier->wait_idle(kNotificationDrainMs))
    std::cerr << "stepguard run: some notifications were not delivered in time\n";
  if (r.status == engine::ExecutionStatus::kSucceeded) {
    std::cout << r.output.dump() << "\n";
    return 0;
  }
  json::ObjectBuilder b(2);
  if (r.has_error) b.add("Error", json::Value::string(r.error));
  if (r.has_cause) b.add("Cause", json::Value::string(r.cause));
  std::cout << std::move(b).build().dump() << "\n";
  return 2;
}

}  // namespace sg::cli
