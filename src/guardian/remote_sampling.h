// Sampling a remote Step Functions account (the seed's cron Lambda, done right): the pure
// part of `stepguard serve`'s `watch:` (cli/remote_watcher.h does the HTTP, signing and
// sleeping).
//
// One sampling cycle is ListStateMachines (every page, following nextToken) and then, for
// each machine, ListExecutions with maxResults=1: Step Functions lists executions newest
// first, so the one item is the machine's latest execution (DescribeExecution takes an
// execution ARN, not a state machine ARN).
//
// Contract
// - SamplingCycle is a sans-I/O driver: next() says which AWS JSON 1.0 call to make
//   (operation name for X-Amz-Target "AWSStepFunctions.<op>", and the body) and how long to
//   wait before making it; on_reply() takes the HTTP reply. It ends kDone with the machines
//   and their latest executions, or kFailed with the error of the call that failed.
//     * Throttling (HTTP 429, or a ThrottlingException-like __type) and transient failures
//       (HTTP 5xx, transport errors) are retried with the same request after
//       backoff_delay_ms(attempt): exponential, equal jitter, capped; after
//       policy.max_retries retries in a row the cycle fails. A success resets the count.
//     * ListExecutions answering StateMachineDoesNotExist drops that machine (deleted
//       between the two calls); any other error fails the cycle.
//     * An empty ListExecutions page that carries a nextToken is followed (bounded by
//       kMaxExecutionPages): an empty page does not prove the machine never ran.
//     * Bounds: kMaxStateMachinePages pages of ListStateMachines.
// - Parsers accept AWS's wire shapes: dates as epoch seconds (numbers, as AWS sends them) or
//   RFC 3339 strings.
// Pure (randomness is a parameter); not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "guardian/latest_status.h"

namespace sg::guardian {

inline constexpr int kListStateMachinesPageSize = 1000;  // AWS's maximum maxResults
inline constexpr int kMaxStateMachinePages = 100;
inline constexpr int kMaxExecutionPages = 10;
inline constexpr std::string_view kAwsJson10ContentType = "application/x-amz-json-1.0";
inline constexpr std::string_view kStepFunctionsTargetPrefix = "AWSStepFunctions.";

// A state machine of the watched account and its latest execution (nullopt: never run).
struct RemoteMachine {
  std::string arn;
  std::string name;
  std::string type;  // STANDARD | EXPRESS
  std::optional<LatestExecution> latest;
};

struct StateMachinesPage {
  std::vector<RemoteMachine> machines;
  std::string next_token;  // "" on the last page
};

struct ExecutionsPage {
  std::vector<LatestExecution> executions;
  std::string next_token;
};

Result<StateMachinesPage> parse_list_state_machines(std::string_view body);
Result<ExecutionsPage> parse_list_executions(std::string_view body);
// Request bodies.
std::string list_state_machines_body(std::string_view next_token);
std::string list_executions_body(std::string_view state_machine_arn, std::string_view next_token);

// An error reply, as AWS JSON 1.0 sends it: {"__type": "[ns#]Name", "message": ...}, or the
// X-Amzn-ErrorType header.
struct AwsError {
  int http_status = 0;
  std::string type;  // without the "namespace#" prefix and ":..." suffix
  std::string message;
  bool throttling = false;  // 429, ThrottlingException, TooManyRequestsException, ...
  bool transient = false;   // throttling, 5xx, or no HTTP reply at all
};
AwsError parse_aws_error(int http_status, std::string_view error_type_header, std::string_view body);

// "arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME" -> ACCOUNT / REGION ("" if not an ARN).
std::string arn_account(std::string_view arn);
std::string arn_region(std::string_view arn);

struct BackoffPolicy {
  int64_t base_ms = 500;
  int64_t cap_ms = 30000;
  int max_retries = 8;
};
// The wait before retry number `attempt` (0 = first retry): half of
// min(cap, base * 2^attempt) plus a random share of the other half ("equal jitter", so a
// retry never comes back at once). `random` is any 64-bit random number.
int64_t backoff_delay_ms(const BackoffPolicy& policy, int attempt, uint64_t random);

// One HTTP call's outcome as the shell saw it.
struct HttpReply {
  int status = 0;                 // 0: no reply (transport_error says why)
  std::string error_type_header;  // X-Amzn-ErrorType, if any
  std::string body;
  std::string transport_error;
};

// What the guardian shows about one watched endpoint ("watches" in the grid JSON).
struct WatchStatus {
  std::string name;      // the watch entry's name
  std::string endpoint;  // URL
  std::string region;
  std::string account;  // from the machines' ARNs, once a sample had one
  int64_t last_attempt_ms = 0;
  int64_t last_success_ms = 0;  // 0: never
  int64_t last_error_ms = 0;
  std::string last_error;  // "" once a cycle succeeds again
  int64_t machines = 0;
  int64_t requests = 0;  // in the last cycle
  int64_t retries = 0;   // in the last cycle (throttling and transient errors)
  int64_t interval_ms = 0;
};

class SamplingCycle {
 public:
  enum class Kind { kCall, kDone, kFailed };
  struct Step {
    Kind kind = Kind::kCall;
    std::string operation;  // kCall: "ListStateMachines" | "ListExecutions"
    std::string body;       // kCall
    int64_t delay_ms = 0;   // kCall: wait this long before calling (backoff)
  };

  explicit SamplingCycle(BackoffPolicy policy = {});

  Step next() const;
  void on_reply(const HttpReply& reply, uint64_t random);

  // kDone: the machines in ListStateMachines order, each with its latest execution.
  const std::vector<RemoteMachine>& machines() const { return machines_; }
  std::vector<RemoteMachine> take_machines() { return std::move(machines_); }
  // kFailed: e.g. {"ThrottlingException", "ListExecutions: Rate exceeded (gave up after 8 retries)"}.
  const Error& error() const { return error_; }
  int requests() const { return requests_; }
  int retries() const { return retries_total_; }

 private:
  void fail(std::string code, std::string message);
  void next_machine();

  BackoffPolicy policy_;
  Kind kind_ = Kind::kCall;
  bool listing_machines_ = true;
  std::string token_;
  size_t machine_ = 0;  // index while listing executions
  int pages_ = 0;
  int attempt_ = 0;  // retries in a row of the current request
  int64_t delay_ms_ = 0;
  std::vector<RemoteMachine> machines_;
  Error error_;
  int requests_ = 0;
  int retries_total_ = 0;
};

}  // namespace sg::guardian
