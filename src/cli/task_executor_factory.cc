#include "cli/task_executor_factory.h"

#include "integrations/lambda_executor.h"

namespace sg::cli {

Result<std::unique_ptr<engine::TaskExecutor>> make_local_task_executor(
    const std::vector<std::string>& function_specs, const std::string& functions_file,
    const std::string& account, const std::string& region, int max_concurrent_calls) {
  integrations::LambdaExecutorOptions opt;
  opt.account = account;
  opt.region = region;
  if (max_concurrent_calls > 0) opt.max_concurrent_calls = max_concurrent_calls;
  auto ex = integrations::make_lambda_executor(function_specs, functions_file, std::move(opt));
  if (!ex) return ex.error();
  return std::unique_ptr<engine::TaskExecutor>(std::move(ex).value());
}

}  // namespace sg::cli
