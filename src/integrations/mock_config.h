// MockConfig: mocked service integrations in the format of Step Functions Local's mock
// configuration file, so that the paths of a state machine (happy path, retries,
// failures) can be tested without calling anything.
//
//   {"StateMachines": {MACHINE: {"TestCases": {CASE: {STATE: "MockedResponseName"}}}},
//    "MockedResponses": {NAME: {"0": {"Return": ANY},
//                               "1-2": {"Throw": {"Error": "E", "Cause": "C"}}}}}
//
// A test case maps Task state names to mocked responses. A mocked response maps
// invocations of the state to outcomes: keys are zero-based invocation numbers ("3") or
// inclusive ranges ("1-2"); together they must cover 0, 1, 2, ... without gaps or
// overlaps (Step Functions Local requires a response for every invocation). The
// invocation number counts every invocation of the state in the execution: retries and
// Map iterations included. An invocation beyond the last key has no response: as in
// Step Functions Local, the execution fails (the Task fails with States.Runtime, which no
// Retry or Catch handles), its cause naming the state, the response and the invocation.
//
// `Return` is the Task's result as the integration would give it (for .waitForTaskToken
// the callback's result, for .sync the final result); `Throw` fails the Task with Error
// and Cause (Cause may be omitted).
//
// Parsing is pure and strict: unknown keys, a test case naming an undefined response,
// malformed invocation keys and gaps are errors (code "INVALID_MOCK_CONFIG") naming the
// file and the key path, e.g. `mocks.json: MockedResponses.X."1-a": invalid invocation
// key`. A MockConfig is immutable and safe to read from any number of threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "json/value.h"

namespace sg::integrations {

// One invocation's outcome.
struct MockOutcome {
  bool is_return = true;
  json::Value value;  // Return's value
  std::string error;  // Throw's Error
  std::string cause;  // Throw's Cause
  bool has_cause = true;
};

class MockedResponse {
 public:
  struct Range {
    int64_t first = 0, last = 0;  // inclusive
    MockOutcome outcome;
  };
  // The outcome for the zero-based invocation `n`, or nullptr beyond the last key.
  const MockOutcome* at(int64_t n) const;
  // Invocations covered: 0 .. count()-1.
  int64_t count() const { return ranges_.empty() ? 0 : ranges_.back().last + 1; }

 private:
  friend class MockConfigParser;
  std::vector<Range> ranges_;  // sorted, contiguous from 0
};

class MockConfig {
 public:
  // Parses the file's text; `origin` names the file in messages.
  static Result<MockConfig> parse(std::string_view text, std::string_view origin);

  bool has_test_case(std::string_view machine, std::string_view test_case) const;
  // The name of the mocked response the test case gives `state`, or nullptr when the
  // state is not mocked (or the machine or test case is unknown).
  const std::string* response_name(std::string_view machine, std::string_view test_case,
                                   std::string_view state) const;
  const MockedResponse* response(std::string_view name) const;
  // The test cases of `machine`, sorted (for messages).
  std::vector<std::string> test_cases(std::string_view machine) const;

 private:
  friend class MockConfigParser;
  using TestCase = std::map<std::string, std::string, std::less<>>;  // state -> response
  std::map<std::string, std::map<std::string, TestCase, std::less<>>, std::less<>> machines_;
  std::map<std::string, MockedResponse, std::less<>> responses_;
};

// Reads and parses a mock config file (at most 16 MiB). Errors name the file.
Result<MockConfig> read_mock_config_file(const std::string& path);

}  // namespace sg::integrations
