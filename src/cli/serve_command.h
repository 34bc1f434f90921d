// `stepguard serve`: the Step Functions API over HTTP with durable executions.
#pragma once

#include <string>
#include <vector>

namespace sg::cli {

// Runs the server until SIGTERM/SIGINT. Returns 0 after a clean shutdown, 1 when it
// cannot start (store, address, config), 2 on a usage error.
int serve_command(const std::vector<std::string>& args);

}  // namespace sg::cli
