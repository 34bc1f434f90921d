#include "integrations/command_function.h"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "integrations/subprocess.h"
#include "json/parse.h"

extern char** environ;

namespace sg::integrations {

namespace {

std::string_view var_name(std::string_view entry) { return entry.substr(0, entry.find('=')); }

std::string signal_text(int sig) {
  const char* d = sigdescr_np(sig);
  return std::to_string(sig) + (d ? std::string(" (") + d + ")" : std::string());
}

}  // namespace

CommandFunction::CommandFunction(CommandOptions options) : options_(std::move(options)) {
  who_ = "local function '" + options_.function_name + "'";
  // The child's environment: ours, then AWS_LAMBDA_FUNCTION_NAME, then the configured
  // variables; a later definition of a name replaces an earlier one.
  std::vector<std::string> defs;
  for (char** e = environ; e && *e; ++e) defs.emplace_back(*e);
  defs.push_back("AWS_LAMBDA_FUNCTION_NAME=" + options_.function_name);
  for (const auto& [k, v] : options_.environment) defs.push_back(k + "=" + v);
  for (size_t i = 0; i < defs.size(); ++i) {
    bool replaced_later = false;
    for (size_t j = i + 1; j < defs.size() && !replaced_later; ++j)
      replaced_later = var_name(defs[j]) == var_name(defs[i]);
    if (!replaced_later) env_.push_back(std::move(defs[i]));
  }
  for (std::string& s : env_) envp_.push_back(s.data());
  envp_.push_back(nullptr);
  argv_storage_[0] = "/bin/sh";
  argv_storage_[1] = "-c";
  argv_storage_[2] = options_.command;
  for (std::string& s : argv_storage_) argv_.push_back(s.data());
  argv_.push_back(nullptr);
}

int CommandFunction::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

FunctionOutcome CommandFunction::call(const FunctionCall& call) {
  const int limit = std::max(1, options_.max_concurrency);
  {
    std::unique_lock<std::mutex> lock(mu_);
    while (running_ >= limit) {
      if (call.is_withdrawn()) return withdrawn_outcome();
      slot_freed_.wait_for(lock, std::chrono::milliseconds(50));
    }
    ++running_;
  }
  FunctionOutcome out = run(call);
  {
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
  }
  slot_freed_.notify_one();
  return out;
}

FunctionOutcome CommandFunction::run(const FunctionCall& call) {
  SubprocessSpec spec;
  spec.path = "/bin/sh";
  spec.argv = argv_.data();
  spec.envp = envp_.data();
  spec.working_directory = options_.working_directory.empty() ? nullptr : options_.working_directory.c_str();
  spec.input = call.event;
  spec.timeout_ms = call.timeout_ms;
  spec.max_output = kMaxResponseBytes;
  spec.stderr_tail = kStderrTail;
  spec.withdrawn = call.withdrawn;
  SubprocessResult r = run_subprocess(spec);

  if (!r.started) {
    std::string cause = "Could not start " + who_ + ": /bin/sh -c '" + options_.command + "'";
    if (!options_.working_directory.empty()) cause += " in directory '" + options_.working_directory + "'";
    cause += ": " + r.start_error;
    return FunctionOutcome::failure("Lambda.ServiceException", std::move(cause));
  }
  if (r.withdrawn) return withdrawn_outcome();
  if (r.timed_out) return FunctionOutcome::failure("States.Timeout", "");
  if (r.output_too_large) return response_too_large();
  if (r.exited && r.exit_code == 0) return interpret_payload(r.out, false, who_);

  // A failed process that still printed a Lambda-style error object reports that error.
  auto parsed = json::parse_json(r.out);
  if (parsed && parsed->is_object()) {
    const json::Value* type = parsed->find("errorType");
    if (type && type->is_string() && !type->as_string().empty()) {
      return FunctionOutcome::failure(std::string(type->as_string()), parsed->dump());
    }
  }
  std::string cause = who_ + " (" + options_.command + ") ";
  cause += r.exited ? "exited with status " + std::to_string(r.exit_code)
                    : "was killed by signal " + signal_text(r.term_signal);
  std::string_view err = tail_utf8(r.err_tail, kStderrTail);
  while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.remove_suffix(1);
  if (err.empty()) {
    cause += " and wrote nothing to stderr";
  } else {
    cause += "; stderr";
    if (r.err_tail.size() >= kStderrTail) cause += " (last 4 KB)";
    cause += ":\n";
    cause += err;
  }
  return FunctionOutcome::failure("Lambda.Unknown", std::move(cause));
}

}  // namespace sg::integrations
