// Lambda function references: the ways a state machine (or a registry key) names a Lambda
// function, parsed into their parts.
//
// Accepted forms (the Lambda Invoke API's FunctionName forms):
//   my-fn                                              name
//   my-fn:prod                                         name and qualifier (version or alias)
//   123456789012:function:my-fn[:prod]                 partial ARN
//   us-east-1:123456789012:function:my-fn[:prod]       partial ARN with region
//   arn:aws:lambda:us-east-1:123456789012:function:my-fn[:prod]   full ARN (any aws* partition)
// Names are 1-140 characters of [A-Za-z0-9_.-]; qualifiers are "$LATEST" or 1-128 characters
// of [A-Za-z0-9_-]; accounts are 12 digits.
//
// parse_function_ref() returns nullopt for anything else. The views point into the parsed
// text, which must outlive the result. Pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sg::integrations {

struct FunctionRef {
  std::string_view partition;  // empty unless a full ARN
  std::string_view region;     // empty when not given
  std::string_view account;    // empty when not given
  std::string_view name;
  std::string_view qualifier;  // empty when not given
};

std::optional<FunctionRef> parse_function_ref(std::string_view text);

// True when `resource` is a full Lambda function ARN (the Task "Resource" legacy form).
bool is_lambda_function_arn(std::string_view resource);

// "arn:<partition>:lambda:<region>:<account>:function:<name>:<qualifier or $LATEST>", with
// the defaults filling parts the reference leaves out (what Lambda's error messages show).
std::string qualified_function_arn(const FunctionRef& ref, std::string_view default_region,
                                   std::string_view default_account);

}  // namespace sg::integrations
