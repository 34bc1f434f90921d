// `stepguard run FILE [options]`: runs one execution in-process on a virtual clock and
// prints its result.
//
//   --input JSON | --input-file F   execution input (default {})
//   --context-file F                JSON merged into the Context object ($$)
//   --function NAME=COMMAND|URL     a local Lambda function (repeatable)
//   --functions FILE                YAML registry of local functions
//   --config FILE                   the config file (cli/config_file.h), as for serve
//   --mock-config FILE              Step Functions Local mock config (integrations/mock_config.h)
//   --test-case NAME                run under this test case of the mock config; an unknown
//                                   test case exits 1
//   --trace                         one JSON history event per line on stderr
//   --real-time                     sleep through Wait and Retry intervals
//   --name NAME                     state machine name (default: file name without extensions)
//   --execution-name NAME           execution name (default: a random UUID)
//
// Exit codes: 0 succeeded (output JSON on one line on stdout); 2 the execution failed,
// timed out or was aborted ({"Error":..,"Cause":..} on stdout); 1 invalid definition,
// input or options (diagnostics on stderr).
#pragma once

#include <string>
#include <vector>

namespace sg::cli {

int run_command(const std::vector<std::string>& args);

}  // namespace sg::cli
