// The one table of error codes: namespace, HTTP status and body of each (reference §6.1).
#include "api/api_error.h"

#include <gtest/gtest.h>

#include "api/api_error_messages.h"

namespace sg::api {
namespace {

struct Row {
  const char* code;
  const char* type;
  int status;
};

TEST(ApiError, EveryCodeHasItsNamespaceAndStatus) {
  const Row rows[] = {
      {"StateMachineDoesNotExist", "com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist", 400},
      {"StateMachineAlreadyExists", "com.amazonaws.swf.service.v2.model#StateMachineAlreadyExists", 400},
      {"ExecutionDoesNotExist", "com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist", 400},
      {"ActivityDoesNotExist", "com.amazonaws.swf.service.v2.model#ActivityDoesNotExist", 400},
      {"InvalidArn", "com.amazonaws.swf.service.v2.model#InvalidArn", 400},
      {"InvalidDefinition", "com.amazonaws.swf.service.v2.model#InvalidDefinition", 400},
      {"InvalidName", "com.amazonaws.swf.service.v2.model#InvalidName", 400},
      {"InvalidToken", "com.amazonaws.swf.service.v2.model#InvalidToken", 400},
      {"MissingRequiredParameter", "com.amazonaws.swf.service.v2.model#MissingRequiredParameter", 400},
      {"ResourceNotFound", "com.amazonaws.swf.service.v2.model#ResourceNotFound", 400},
      {"TooManyTags", "com.amazonaws.swf.service.v2.model#TooManyTags", 400},
      {"ConflictException", "com.amazonaws.swf.service.v2.model#ConflictException", 409},
      {"ServiceQuotaExceededException", "com.amazonaws.swf.service.v2.model#ServiceQuotaExceededException",
       402},
      {"ValidationException", "com.amazon.coral.validate#ValidationException", 400},
      {"UnknownOperationException", "UnknownOperationException", 400},
      {"SerializationException", "SerializationException", 400},
      {"InternalFailure", "InternalFailure", 500},
      {"ThrottlingException", "ThrottlingException", 400},
      // A code the table does not list is still a service error.
      {"SomeNewModelError", "com.amazonaws.swf.service.v2.model#SomeNewModelError", 400},
  };
  for (const Row& r : rows) {
    ApiError e = api_error(r.code, "m");
    EXPECT_EQ(e.code, r.code);
    EXPECT_EQ(e.http_status, r.status) << r.code;
    EXPECT_EQ(error_type(e), r.type) << r.code;
    // SDKs cut `__type` at ':' (botocore) or '#': it must never hold a colon.
    EXPECT_EQ(error_type(e).find(':'), std::string::npos) << r.code;
  }
}

TEST(ApiError, BodyHasTypeMessageAndReasonWhenSet) {
  EXPECT_EQ(error_body(state_machine_does_not_exist("arn:x")).dump(),
            R"({"__type":"com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist",)"
            R"("message":"State Machine Does Not Exist: 'arn:x'"})");
  EXPECT_EQ(error_body(validation_error("bad", "MISSING_REQUIRED_PARAMETER")).dump(),
            R"({"__type":"com.amazon.coral.validate#ValidationException","message":"bad",)"
            R"("reason":"MISSING_REQUIRED_PARAMETER"})");
  EXPECT_EQ(error_body(validation_error("bad")).dump(),
            R"({"__type":"com.amazon.coral.validate#ValidationException","message":"bad"})");
}

TEST(ApiError, MessagesInAwsWording) {
  EXPECT_EQ(invalid_arn_prefix("not_a_valid_arn").message,
            "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'");
  EXPECT_EQ(invalid_arn_resource_type("express").message,
            "Invalid Arn: 'Resource type not valid in this context: express'");
  EXPECT_EQ(invalid_name("a b").message, "Invalid Name: 'a b'");
  EXPECT_EQ(invalid_token().message, "Invalid Token: 'Invalid token'");
  EXPECT_EQ(activity_does_not_exist("arn:a").message, "Activity Does Not Exist: 'arn:a'");
  EXPECT_EQ(referenced_resource_not_found().message, "Request references a resource that does not exist.");
  EXPECT_EQ(labelled_arn_not_supported("arn:l").reason, "API_DOES_NOT_SUPPORT_LABELED_ARNS");
  EXPECT_EQ(conflict("c").http_status, 409);
}

}  // namespace
}  // namespace sg::api
