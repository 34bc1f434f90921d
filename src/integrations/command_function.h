// CommandFunction: a local Lambda function that is a shell command.
//
// Each call runs `/bin/sh -c COMMAND` (run_subprocess) with the event JSON on stdin and
// reads stdout fully. The child's environment is stepguard's (as it was at construction),
// plus AWS_LAMBDA_FUNCTION_NAME (the function's name, as Lambda sets it), plus the
// configured variables (which win).
// Outcomes (see local_function.h for the payload rules):
// - exit 0: stdout is the payload (empty: null; an errorType object: a function error);
// - non-zero exit or death by a signal: a JSON errorType object on stdout still names the
//   error; otherwise error "Lambda.Unknown", cause naming the exit status and the stderr
//   tail (last 4 KB);
// - timeout (the call's timeout_ms): the process group is killed, error "States.Timeout";
// - the command cannot be started (e.g. missing working directory): error
//   "Lambda.ServiceException" with the reason.
// Concurrency: at most max_concurrency processes of one function run at once (a pool, like
// a Lambda function's reserved concurrency); further calls wait for a slot (a withdrawn call
// stops waiting). The call's timeout counts from its process's start.
// Thread-safe: the configuration is immutable after construction; the slots are guarded.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "integrations/local_function.h"

namespace sg::integrations {

struct CommandOptions {
  std::string function_name;  // AWS_LAMBDA_FUNCTION_NAME and messages
  std::string command;
  std::vector<std::pair<std::string, std::string>> environment;
  std::string working_directory;  // empty: stepguard's
  int max_concurrency = 16;       // processes at once; < 1 counts as 1
};

class CommandFunction final : public LocalFunction {
 public:
  static constexpr size_t kStderrTail = 4096;

  explicit CommandFunction(CommandOptions options);
  CommandFunction(const CommandFunction&) = delete;  // envp_/argv_ point into members
  CommandFunction& operator=(const CommandFunction&) = delete;
  FunctionOutcome call(const FunctionCall& call) override;

  // Processes of this function running now (tests).
  int running() const;

 private:
  FunctionOutcome run(const FunctionCall& call);
  CommandOptions options_;
  std::string who_;               // "local function 'NAME'" for causes
  std::vector<std::string> env_;  // "KEY=VALUE"
  std::vector<char*> envp_;       // into env_, null-terminated
  std::vector<char*> argv_;       // /bin/sh -c COMMAND, null-terminated
  std::string argv_storage_[3];
  mutable std::mutex mu_;
  std::condition_variable slot_freed_;
  int running_ = 0;  // guarded by mu_
};

}  // namespace sg::integrations
