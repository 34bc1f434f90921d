// Step Functions ARNs (reference §6.4): building them for this server's partition, region
// and account, and reading the ones clients send.
//
// A server answers for one ApiContext. parse_arn() accepts only ARNs of that context
// (anything else answers InvalidArn "Invalid Arn: 'Invalid ARN prefix: <arn>'", which is
// also what AWS says for text that is no ARN at all), classifies the resource and checks
// its shape (a malformed one: InvalidArn "Invalid Arn: '<arn>'"). It does not look the
// resource up. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "api/api_error_or.h"

namespace sg::api {

struct ApiContext {
  std::string partition = "aws";
  std::string region = "us-east-1";
  std::string account = "123456789012";

  // "arn:<partition>:states:<region>:<account>:", which every ARN of this server begins with.
  std::string prefix() const;
};

std::string state_machine_arn(const ApiContext& ctx, std::string_view name);
// "...:stateMachine:<name>:<version>"
std::string state_machine_version_arn(const ApiContext& ctx, std::string_view name, int64_t version);
// "...:stateMachine:<name>:<alias>"
std::string state_machine_alias_arn(const ApiContext& ctx, std::string_view name, std::string_view alias);
// "...:execution:<state machine name>:<execution name>"
std::string execution_arn(const ApiContext& ctx, std::string_view state_machine_name,
                          std::string_view execution_name);
// "...:express:<state machine name>:<execution name>:<uuid>"
std::string express_execution_arn(const ApiContext& ctx, std::string_view state_machine_name,
                                  std::string_view execution_name, std::string_view uuid);
std::string activity_arn(const ApiContext& ctx, std::string_view name);

// The resource type, the segment after the account ("stateMachine", "execution", ...).
enum class ResourceType { kStateMachine, kExecution, kExpress, kActivity, kMapRun };
std::string_view resource_type_name(ResourceType type);

enum class ArnKind {
  kStateMachine,      // stateMachine:<name>
  kVersion,           // stateMachine:<name>:<digits>
  kAlias,             // stateMachine:<name>:<alias>
  kLabelled,          // stateMachine:<name>/<label> (a Distributed Map state)
  kExecution,         // execution:<sm>[/<label>]:<name>
  kExpressExecution,  // express:<sm>[/<label>]:<name>:<uuid>
  kActivity,          // activity:<name>
  kMapRun,            // mapRun:<sm>/<label>:<id>
};

struct ParsedArn {
  ArnKind kind = ArnKind::kStateMachine;
  ResourceType type = ResourceType::kStateMachine;
  std::string arn;                // as given
  std::string name;               // the state machine's or the activity's name (no label)
  std::string label;              // kLabelled, labelled executions, map runs
  int64_t version = 0;            // kVersion; -1 for digits no version can have ("01", huge)
  std::string alias;              // kAlias
  std::string execution_name;     // kExecution, kExpressExecution
  std::string express_id;         // kExpressExecution
  std::string map_run_id;         // kMapRun
  std::string state_machine_arn;  // the unqualified state machine's ARN (empty for activities)
};

ApiOr<ParsedArn> parse_arn(const ApiContext& ctx, std::string_view arn);

// parse_arn(), and the resource type must be one of `allowed`; another type answers
// InvalidArn "Invalid Arn: 'Resource type not valid in this context: <type>'".
ApiOr<ParsedArn> parse_arn_as(const ApiContext& ctx, std::string_view arn,
                              std::initializer_list<ResourceType> allowed);

}  // namespace sg::api
