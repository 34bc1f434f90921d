// Builds the TaskExecutor `stepguard run` uses from its --function/--functions options.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/task_executor.h"

namespace sg::cli {

Result<std::unique_ptr<engine::TaskExecutor>> make_local_task_executor(
    const std::vector<std::string>& function_specs, const std::string& functions_file,
    const std::string& account, const std::string& region, int max_concurrent_calls = 0);

}  // namespace sg::cli
