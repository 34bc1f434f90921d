#include "cli/task_executor_factory.h"

#include "integrations/connections.h"
#include "integrations/http_task.h"
#include "integrations/lambda_executor.h"
#include "integrations/notification_channels.h"
#include "integrations/sns_publish.h"

namespace sg::cli {

namespace {

Result<integrations::FunctionRegistry> merged_functions(const RouterSources& s) {
  integrations::FunctionRegistry reg;
  if (!s.config.functions_file.empty()) {
    auto f = integrations::FunctionRegistry::from_yaml_file(s.config.functions_file);
    if (!f) return f.error();
    reg = std::move(f).value();
  }
  reg = integrations::FunctionRegistry::merge(reg, s.config.functions);
  if (!s.functions_file.empty()) {
    auto f = integrations::FunctionRegistry::from_yaml_file(s.functions_file);
    if (!f) return f.error();
    reg = integrations::FunctionRegistry::merge(reg, *f);
  }
  if (!s.function_specs.empty()) {
    auto f = integrations::FunctionRegistry::from_specs(s.function_specs);
    if (!f) return f.error();
    reg = integrations::FunctionRegistry::merge(reg, *f);
  }
  return reg;
}

}  // namespace

Result<std::shared_ptr<integrations::RouterTable>> make_router_table(const RouterSources& sources,
                                                                     const RouterHost& host) {
  auto table = std::make_shared<integrations::RouterTable>();

  const std::string& mocks = sources.mock_config.empty() ? sources.config.mock_config : sources.mock_config;
  if (!mocks.empty()) {
    auto m = integrations::read_mock_config_file(mocks);
    if (!m) return m.error();
    table->mocks = std::make_shared<const integrations::MockConfig>(std::move(m).value());
  }

  auto functions = merged_functions(sources);
  if (!functions) return functions.error();
  integrations::LambdaExecutorOptions lopt;
  lopt.account = host.account;
  lopt.region = host.region;
  lopt.host = host.name;
  lopt.invoke_callback_tasks = host.invoke_callback_tasks;
  if (host.max_concurrent_calls > 0) lopt.max_concurrent_calls = host.max_concurrent_calls;

  const std::string config_name = sources.config.path.empty() ? "config" : sources.config.path;
  auto connections = integrations::parse_connections(sources.config.connections, config_name);
  if (!connections) return connections.error();
  auto topics = integrations::parse_topics(sources.config.topics, config_name);
  if (!topics) return topics.error();

  // The integrations, tried in this order.
  table->add(
      "Lambda",
      [](std::string_view r) {
        return integrations::classify_lambda_resource(r) != integrations::LambdaResourceKind::kOther;
      },
      std::make_shared<integrations::LambdaExecutor>(std::move(functions).value(), std::move(lopt)));
  integrations::HttpTaskOptions http_options;
  http_options.region = host.region;
  table->add(
      "HTTP Task", integrations::is_http_task_resource,
      std::make_shared<integrations::HttpTaskExecutor>(
          std::make_shared<const integrations::Connections>(std::move(connections).value()), http_options));
  if (host.notifier) {
    integrations::SnsPublishOptions sns_options;
    sns_options.invoke_callback_tasks = host.invoke_callback_tasks;
    sns_options.host = host.name;
    table->add(
        "SNS",
        [](std::string_view r) {
          return integrations::classify_sns_resource(r) != integrations::SnsResourceKind::kOther;
        },
        std::make_shared<integrations::SnsPublishExecutor>(host.notifier, sns_options));
    host.notifier->set_topics(std::make_shared<const integrations::Topics>(std::move(topics).value()));
  }
  return table;
}

integrations::RouterOptions router_options(const RouterHost& host, bool server) {
  integrations::RouterOptions o;
  o.host = host.name;
  o.mock_hint = server ? "stepguard serve --mock-config FILE, then StartExecution with stateMachineArn "
                         "ARN#TestCaseName"
                       : "stepguard run --mock-config FILE --test-case NAME";
  return o;
}

}  // namespace sg::cli
