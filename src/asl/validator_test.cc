// Tests of the definition validator: AWS's codes, messages and locations (reference §9 and
// the AWS measurements it cites), one test per rule, and valid machines that must pass.
#include "asl/validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "asl/state_machine.h"
#include "json/parse.h"

namespace sg::asl {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// "SEVERITY CODE|message|location": readable in failure output and exact.
std::vector<std::string> render(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ds)
    out.push_back(std::string(severity_name(d.severity)) + " " + d.code + "|" + d.message + "|" + d.location);
  return out;
}

std::vector<std::string> check(std::string_view text, ValidateOptions opts = {}) {
  return render(validate_definition_text(text, opts));
}

std::vector<std::string> express(std::string_view text) {
  ValidateOptions opts;
  opts.express = true;
  return check(text, opts);
}

// A machine whose States object is `states` and whose StartAt is "A".
std::string machine(std::string_view states) {
  return R"({"StartAt":"A","States":{)" + std::string(states) + "}}";
}

// A one-state machine: state "A" with the given fields (Type included).
std::string one(std::string_view fields) { return machine(R"("A":{)" + std::string(fields) + "}"); }

std::string E(std::string_view code, std::string_view message, std::string_view location) {
  return "ERROR " + std::string(code) + "|" + std::string(message) + "|" + std::string(location);
}
std::string S(std::string_view message, std::string_view location) {
  return E("SCHEMA_VALIDATION_FAILED", message, location);
}
std::string W(std::string_view code, std::string_view message, std::string_view location) {
  return "WARNING " + std::string(code) + "|" + std::string(message) + "|" + std::string(location);
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kSource = STEPGUARD_SOURCE_DIR;
const std::string kShared = STEPGUARD_SHARED_DIR;

// ---------------------------------------------------------------- text, JSON, root

// AWS-observed: "" is SCHEMA_VALIDATION_FAILED, not MISSING_DESCRIPTION.
TEST(ValidateText, EmptyOrBlankIsNotAnObject) {
  EXPECT_THAT(check(""), ElementsAre(S("Definition must be a valid JSON object", "")));
  EXPECT_THAT(check(" \n\t "), ElementsAre(S("Definition must be a valid JSON object", "")));
}

TEST(ValidateText, SyntaxErrorIsJacksonStyle) {
  const std::string loc = R"x([Source: (String)"not a definition"; line: 1, column: 4])x";
  EXPECT_THAT(
      check("not a definition"),
      ElementsAre(E("INVALID_JSON_DESCRIPTION",
                    "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token "
                    "'null', 'true' or 'false')\n at " +
                        loc,
                    loc)));
}

// Text that ends too early says what it was in the middle of, pointing past its end.
TEST(ValidateText, TruncatedTextIsEndOfInput) {
  auto message_of = [](std::string_view text) {
    auto ds = validate_definition_text(text);
    return ds.empty() ? std::string() : ds[0].message.substr(0, ds[0].message.find('\n'));
  };
  EXPECT_EQ(message_of(R"({"StartAt": "A")"), "Unexpected end-of-input: expected close marker for Object");
  EXPECT_EQ(message_of(R"({"States": [1,)"), "Unexpected end-of-input: expected close marker for Array");
  EXPECT_EQ(message_of(R"({"Comment": "abc)"),
            "Unexpected end-of-input: was expecting closing quote for a String value");
  auto ds = validate_definition_text("{");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].location, R"x([Source: (String)"{"; line: 1, column: 2])x");
}

TEST(ValidateText, SyntaxErrorSourceIsTruncatedAfter500Characters) {
  std::string text = "{\"Comment\": \"" + std::string(600, 'x') + "\", oops}";
  auto ds = validate_definition_text(text);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "INVALID_JSON_DESCRIPTION");
  std::string head = "[Source: (String)\"" + text.substr(0, 500) + "\"[truncated " +
                     std::to_string(text.size() - 500) + " chars]; line: 1, column: ";
  EXPECT_EQ(ds[0].location.substr(0, head.size()), head);
}

TEST(ValidateText, NonObjectDefinition) {
  EXPECT_THAT(check(R"("")"), ElementsAre(S("Definition must be a valid JSON object", "")));
  EXPECT_THAT(check("[]"), ElementsAre(S("Definition must be a valid JSON object", "")));
  EXPECT_THAT(check("42"), ElementsAre(S("Definition must be a valid JSON object", "")));
}

TEST(ValidateText, EmptyObjectNeedsStatesAndStartAt) {
  EXPECT_THAT(check("{}"), ElementsAre(S("These fields are required: [States, StartAt]", "/")));
  EXPECT_THAT(check(R"({"States":{"A":{"Type":"Succeed"}}})"),
              ElementsAre(S("These fields are required: [StartAt]", "/")));
}

TEST(ValidateText, DefinitionSizeLimit) {
  ValidateOptions opts;
  opts.max_definition_bytes = 40;
  std::string text = one(R"("Type":"Succeed")");
  ASSERT_GT(text.size(), 40u);
  EXPECT_THAT(
      check(text, opts),
      ElementsAre(S("1 validation error detected: Value at 'definition' failed to satisfy constraint: "
                    "Member must have length less than or equal to 40",
                    "")));
  auto doc = json::parse_json(text);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(validate_definition(*doc, opts).size(), 1u);
  EXPECT_THAT(render(validate_definition(*doc)), IsEmpty());
}

// The limit counts characters (Java string length), so multi-byte text fits as AWS lets it.
TEST(ValidateText, DefinitionSizeCountsCharactersNotBytes) {
  std::string text = R"({"Comment":")" + std::string("\xc3\xa9\xc3\xa9\xc3\xa9") +
                     R"(","StartAt":"A","States":{"A":{"Type":"Succeed"}}})";
  ValidateOptions opts;
  opts.max_definition_bytes = text.size() - 3;  // the characters: each é is two bytes
  EXPECT_THAT(check(text, opts), IsEmpty());
  opts.max_definition_bytes = text.size() - 4;
  EXPECT_EQ(check(text, opts).size(), 1u);
}

TEST(ValidateRoot, UnknownTopLevelField) {
  EXPECT_THAT(check(R"({"StartAt":"A","Foo":1,"States":{"A":{"Type":"Succeed"}}})"),
              ElementsAre(S("Field 'Foo' is not supported", "/")));
}

TEST(ValidateRoot, VersionMustBe10) {
  EXPECT_THAT(check(R"({"Version":"2.0","StartAt":"A","States":{"A":{"Type":"Succeed"}}})"),
              ElementsAre(S("Value should be one of the following: [1.0]", "/Version")));
  EXPECT_THAT(check(R"({"Version":"1.0","StartAt":"A","States":{"A":{"Type":"Succeed"}}})"), IsEmpty());
}

TEST(ValidateRoot, TimeoutSecondsRange) {
  EXPECT_THAT(check(R"({"TimeoutSeconds":-1,"StartAt":"A","States":{"A":{"Type":"Succeed"}}})"),
              ElementsAre(S("Minimum value is 0", "/TimeoutSeconds")));
  EXPECT_THAT(check(R"({"TimeoutSeconds":100000000,"StartAt":"A","States":{"A":{"Type":"Succeed"}}})"),
              ElementsAre(S("Maximum value is 99999999", "/TimeoutSeconds")));
  EXPECT_THAT(check(R"({"TimeoutSeconds":"60","StartAt":"A","States":{"A":{"Type":"Succeed"}}})"),
              ElementsAre(S("Expected value of type Integer", "/TimeoutSeconds")));
  EXPECT_THAT(check(R"({"TimeoutSeconds":0,"StartAt":"A","States":{"A":{"Type":"Succeed"}}})"), IsEmpty());
}

TEST(ValidateRoot, StartAtAndStatesTypes) {
  EXPECT_THAT(check(R"({"StartAt":1,"States":{"A":{"Type":"Succeed"}}})"),
              ElementsAre(S("Expected value of type String", "/StartAt")));
  EXPECT_THAT(check(R"({"StartAt":"A","States":[]})"),
              ElementsAre(S("Expected value of type Object", "/States")));
}

TEST(ValidateRoot, QueryLanguageValues) {
  EXPECT_THAT(check(R"({"QueryLanguage":"XPath","StartAt":"A","States":{"A":{"Type":"Succeed"}}})"),
              ElementsAre(S("Value should be one of the following: [JSONPath, JSONata]", "/QueryLanguage")));
}

// ---------------------------------------------------------------- states: type, fields

TEST(ValidateState, BadType) {
  EXPECT_THAT(check(machine(R"("A":{"Type":"Sleep","End":true})")),
              ElementsAre(S("The field 'Type' should have one of these values: "
                            "[Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
                            "/States/A/Type")));
}

TEST(ValidateState, MissingType) {
  EXPECT_THAT(check(machine(R"("A":{"End":true})")),
              ElementsAre(S("These fields are required: [Type]", "/States/A")));
}

TEST(ValidateState, StateMustBeAnObject) {
  EXPECT_THAT(check(machine(R"("A":{"Type":"Pass","Next":"B"},"B":"Succeed")")),
              ElementsAre(S("Expected value of type Object", "/States/B"),
                          E("MISSING_END_STATE", "Workflow has no terminal state", "")));
}

TEST(ValidateState, FieldNotSupportedByType) {
  // AWS-measured: TimeoutSeconds on a Map, Retry/Catch on a Pass.
  EXPECT_THAT(check(machine(R"("A":{"Type":"Map","TimeoutSeconds":5,"ItemProcessor":{"StartAt":"X",)"
                            R"("States":{"X":{"Type":"Succeed"}}},"End":true})")),
              ElementsAre(S("Field 'TimeoutSeconds' is not supported", "/States/A")));
  EXPECT_THAT(check(one(R"("Type":"Pass","Retry":[],"Catch":[],"End":true)")),
              ElementsAre(S("Field 'Retry' is not supported", "/States/A"),
                          S("Field 'Catch' is not supported", "/States/A")));
  EXPECT_THAT(check(one(R"("Type":"Pass","Resource":"x","End":true)")),
              ElementsAre(S("Field 'Resource' is not supported", "/States/A")));
}

TEST(ValidateState, ResultPathNotSupportedOnWait) {
  EXPECT_THAT(check(one(R"("Type":"Wait","Seconds":1,"ResultPath":null,"End":true)")),
              ElementsAre(S("Field 'ResultPath' is not supported", "/States/A")));
}

TEST(ValidateState, FailAcceptsNoInputOrOutputPath) {
  EXPECT_THAT(check(one(R"("Type":"Fail","InputPath":"$","OutputPath":"$")")),
              ElementsAre(S("Field 'InputPath' is not supported", "/States/A"),
                          S("Field 'OutputPath' is not supported", "/States/A")));
}

TEST(ValidateState, CommentMustBeAString) {
  EXPECT_THAT(check(one(R"("Type":"Succeed","Comment":5)")),
              ElementsAre(S("Expected value of type String", "/States/A/Comment")));
}

TEST(ValidateState, NameLongerThan80Characters) {
  std::string name(81, 'n');
  EXPECT_THAT(check(R"({"StartAt":")" + name + R"(","States":{")" + name + R"(":{"Type":"Succeed"}}})"),
              ElementsAre(E("INVALID_STATE_NAME",
                            "State name '" + name + "' exceeds the 80-character limit allowed by the service",
                            "/States/" + name)));
  std::string ok(80, 'n');
  EXPECT_THAT(check(R"({"StartAt":")" + ok + R"(","States":{")" + ok + R"(":{"Type":"Succeed"}}})"),
              IsEmpty());
}

TEST(ValidateState, NameLengthCountsCharactersNotBytes) {
  std::string name;
  for (int i = 0; i < 80; ++i) name += "\xC3\xA9";  // é: 80 characters, 160 bytes
  EXPECT_THAT(check(R"({"StartAt":")" + name + R"(","States":{")" + name + R"(":{"Type":"Succeed"}}})"),
              IsEmpty());
}

TEST(ValidateState, DuplicateNameAcrossNestingLevels) {
  EXPECT_THAT(check(machine(
                  R"("A":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}],)"
                  R"("Next":"B"},"B":{"Type":"Succeed"})")),
              ElementsAre(E("DUPLICATE_STATE_NAME", "Duplicate State name: B", "/States/B")));
}

// ---------------------------------------------------------------- Next / End

TEST(ValidateTransitions, NextAndEndTogether) {
  EXPECT_THAT(check(machine(R"("A":{"Type":"Pass","Next":"B","End":true},"B":{"Type":"Succeed"})")),
              ElementsAre(S("There should only be one of the following fields: [Next, End]", "/States/A")));
}

TEST(ValidateTransitions, NeitherNextNorEnd) {
  EXPECT_THAT(
      check(machine(R"("A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass"},"C":{"Type":"Succeed"})")),
      ElementsAre(S("This object should have only one of the following fields: [Next, End]", "/States/B"),
                  E("MISSING_TRANSITION_TARGET", "State \"C\" is not reachable.", "/States/C")));
}

TEST(ValidateTransitions, TerminalTypesHaveNoNextOrEnd) {
  EXPECT_THAT(check(one(R"("Type":"Succeed","End":true)")),
              ElementsAre(S("Field 'End' is not supported", "/States/A")));
  EXPECT_THAT(check(machine(R"("A":{"Type":"Fail","Next":"B"},"B":{"Type":"Succeed"})")),
              ElementsAre(S("Field 'Next' is not supported", "/States/A"),
                          E("MISSING_TRANSITION_TARGET", "State \"B\" is not reachable.", "/States/B")));
}

TEST(ValidateTransitions, EndAndNextTypes) {
  EXPECT_THAT(
      check(one(R"("Type":"Pass","End":"yes")")),
      ElementsAre(S("Expected value of type Boolean", "/States/A/End"),
                  S("This object should have only one of the following fields: [Next, End]", "/States/A"),
                  E("MISSING_END_STATE", "Workflow has no terminal state", "")));
}

TEST(ValidateTransitions, DanglingNextThenMissingEndState) {
  // AWS-measured: both diagnostics, the dangling target first; MISSING_END_STATE has no location.
  EXPECT_THAT(check(one(R"("Type":"Pass","Next":"NOPE")")),
              ElementsAre(E("MISSING_TRANSITION_TARGET", "Missing 'Next' target: NOPE", "/States/A/Next"),
                          E("MISSING_END_STATE", "Workflow has no terminal state", "")));
}

TEST(ValidateTransitions, DanglingTargetsAlwaysSayNext) {
  EXPECT_THAT(
      check(machine(R"("A":{"Type":"Choice","Choices":[{"Variable":"$.x","IsNull":true,"Next":"NOPE"}],)"
                    R"("Default":"GONE"},"B":{"Type":"Succeed"})")),
      ElementsAre(E("MISSING_TRANSITION_TARGET", "Missing 'Next' target: NOPE", "/States/A/Choices[0]/Next"),
                  E("MISSING_TRANSITION_TARGET", "Missing 'Next' target: GONE", "/States/A/Default"),
                  E("MISSING_TRANSITION_TARGET", "State \"B\" is not reachable.", "/States/B")));
  EXPECT_THAT(
      check(machine(R"("A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",)"
                    R"("Catch":[{"ErrorEquals":["States.ALL"],"Next":"NOPE"}],"End":true})")),
      ElementsAre(E("MISSING_TRANSITION_TARGET", "Missing 'Next' target: NOPE", "/States/A/Catch[0]/Next")));
  EXPECT_THAT(check(R"({"StartAt":"NOPE","States":{"A":{"Type":"Succeed"}}})"),
              ElementsAre(E("MISSING_TRANSITION_TARGET", "Missing 'Next' target: NOPE", "/StartAt")));
}

TEST(ValidateTransitions, UnreachableState) {
  EXPECT_THAT(check(machine(R"("A":{"Type":"Succeed"},"C":{"Type":"Succeed"})")),
              ElementsAre(E("MISSING_TRANSITION_TARGET", "State \"C\" is not reachable.", "/States/C")));
}

TEST(ValidateTransitions, LoopWithoutTerminalStateHidesUnreachable) {
  // AWS-measured: A -> B -> A plus a state nothing routes to gives MISSING_END_STATE alone.
  EXPECT_THAT(check(machine(R"("A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"},)"
                            R"("Z":{"Type":"Pass","Next":"A"})")),
              ElementsAre(E("MISSING_END_STATE", "Workflow has no terminal state", "")));
}

TEST(ValidateTransitions, LoopPlusUnreachableTerminal) {
  EXPECT_THAT(check(machine(R"("A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"},)"
                            R"("C":{"Type":"Succeed"})")),
              ElementsAre(E("MISSING_TRANSITION_TARGET", "State \"C\" is not reachable.", "/States/C")));
}

TEST(ValidateTransitions, ReachableThroughCatchAndDefault) {
  EXPECT_THAT(
      check(machine(R"("A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",)"
                    R"("Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"Next":"C"},)"
                    R"("C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"D"}],)"
                    R"("Default":"H"},"D":{"Type":"Succeed"},"H":{"Type":"Fail"})")),
      IsEmpty());
}

TEST(ValidateTransitions, NoCrossingIntoOrOutOfBranches) {
  EXPECT_THAT(
      check(machine(R"("A":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{)"
                    R"("X":{"Type":"Pass","Next":"Done"}}}],"Next":"Done"},"Done":{"Type":"Succeed"})")),
      ElementsAre(E("MISSING_TRANSITION_TARGET", "Missing 'Next' target: Done",
                    "/States/A/Branches[0]/States/X/Next"),
                  E("MISSING_END_STATE", "Workflow has no terminal state", "")));
  EXPECT_THAT(check(machine(R"("A":{"Type":"Map","ItemProcessor":{"StartAt":"Y","States":{)"
                            R"("Y":{"Type":"Succeed"},"Z":{"Type":"Succeed"}}},"Next":"Y"})")),
              ElementsAre(E("MISSING_TRANSITION_TARGET", "Missing 'Next' target: Y", "/States/A/Next"),
                          E("MISSING_END_STATE", "Workflow has no terminal state", ""),
                          E("MISSING_TRANSITION_TARGET", "State \"Z\" is not reachable.",
                            "/States/A/ItemProcessor/States/Z")));
}

// ---------------------------------------------------------------- paths and templates

TEST(ValidatePaths, InputAndOutputPathMustBeJsonPaths) {
  // AWS (via CloudFormation): "Value must be a valid JSONPath. at /States/Pass/OutputPath".
  EXPECT_THAT(check(one(R"("Type":"Pass","OutputPath":"Test","End":true)")),
              ElementsAre(S("Value must be a valid JSONPath.", "/States/A/OutputPath")));
  EXPECT_THAT(check(one(R"("Type":"Pass","InputPath":5,"End":true)")),
              ElementsAre(S("Expected value of type String", "/States/A/InputPath")));
  EXPECT_THAT(check(one(R"("Type":"Pass","InputPath":"$$.Execution.Id","OutputPath":null,"End":true)")),
              IsEmpty());
  EXPECT_THAT(check(one(R"("Type":"Pass","InputPath":"$.items[*].id","End":true)")), IsEmpty());
}

TEST(ValidatePaths, ResultPathIsAnInputReferencePath) {
  EXPECT_THAT(check(one(R"("Type":"Pass","ResultPath":"$$.Execution","End":true)")),
              ElementsAre(S("Value is not a Reference Path", "/States/A/ResultPath")));
  EXPECT_THAT(check(one(R"("Type":"Pass","ResultPath":"$myVar","End":true)")),
              ElementsAre(S("Value is not a Reference Path", "/States/A/ResultPath")));
  EXPECT_THAT(check(one(R"("Type":"Pass","ResultPath":"$.items[*]","End":true)")),
              ElementsAre(S("Value is not a Reference Path", "/States/A/ResultPath")));
  EXPECT_THAT(check(one(R"("Type":"Pass","ResultPath":"result","End":true)")),
              ElementsAre(S("Value is not a Reference Path: Reference path didn't start with '$'",
                            "/States/A/ResultPath")));
  EXPECT_THAT(check(one(R"("Type":"Pass","ResultPath":null,"End":true)")), IsEmpty());
  EXPECT_THAT(check(one(R"("Type":"Pass","ResultPath":"$.a.b[0]","End":true)")), IsEmpty());
}

TEST(ValidatePaths, BadTemplateValue) {
  // AWS-observed wording and location (the template field).
  EXPECT_THAT(
      check(one(R"("Type":"Pass","Parameters":{"ok.$":"$.a","parsed.$":"not a path"},"End":true)")),
      ElementsAre(S("The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic "
                    "function call",
                    "/States/A/Parameters")));
  EXPECT_THAT(
      check(one(R"x("Type":"Pass","Parameters":{"deep":[{"x.$":"States.NoSuchFunction(1)"}]},"End":true)x")),
      ElementsAre(S("The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic "
                    "function call",
                    "/States/A/Parameters")));
  EXPECT_THAT(check(one(R"("Type":"Pass","Parameters":{"n.$":5},"End":true)")),
              ElementsAre(S("The value for the field 'n.$' must be a valid JSONPath or a valid intrinsic "
                            "function call",
                            "/States/A/Parameters")));
}

TEST(ValidatePaths, TemplateValuesOfEveryKind) {
  EXPECT_THAT(
      check(one(R"("Type":"Pass","Parameters":{"a.$":"$","b.$":"$$","c.$":"$$.Map.Item.Value",)"
                R"x("d.$":"States.Array('x', 1, $.y)","e.$":"$['Test\\\"\"Name\"']",)x"
                R"x("f.$":"States.StringToJson('{\"constant_in_literal\": \"false\"}')"},"End":true)x")),
      IsEmpty());
}

TEST(ValidatePaths, TemplatesInEveryField) {
  EXPECT_THAT(check(one(R"("Type":"Task","Resource":"arn:aws:states:::lambda:invoke",)"
                        R"("ResultSelector":{"x.$":"nope"},"End":true)")),
              ElementsAre(S("The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic "
                            "function call",
                            "/States/A/ResultSelector")));
  EXPECT_THAT(check(one(R"("Type":"Map","ItemSelector":{"x.$":"nope"},)"
                        R"("ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true)")),
              ElementsAre(S("The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic "
                            "function call",
                            "/States/A/ItemSelector")));
}

TEST(ValidateWarnings, NoDollar) {
  EXPECT_THAT(
      check(one(R"x("Type":"Pass","Parameters":{"Payload":"$.input","f":"States.UUID()",)x"
                R"("plain":"$result"},"End":true)")),
      ElementsAre(W("NO_DOLLAR",
                    "The value of field 'Payload' looks like a JSONPath or an intrinsic function call, "
                    "but the field name does not end with '.$'",
                    "/States/A/Parameters"),
                  W("NO_DOLLAR",
                    "The value of field 'f' looks like a JSONPath or an intrinsic function call, "
                    "but the field name does not end with '.$'",
                    "/States/A/Parameters")));
}

TEST(ValidateWarnings, PassResultIsStatic) {
  EXPECT_THAT(
      check(one(R"("Type":"Pass","Result":{"TestResult.$":"ConditionTrue"},"End":true)")),
      ElementsAre(W("PASS_RESULT_IS_STATIC",
                    "The Result of a Pass state is static: the path in field 'TestResult.$' is not evaluated",
                    "/States/A/Result")));
  EXPECT_THAT(check(one(R"("Type":"Pass","Result":{"a":[1,{"b":"plain"}]},"End":true)")), IsEmpty());
}

TEST(ValidateWarnings, NoPath) {
  EXPECT_THAT(
      check(one(R"("Type":"Fail","Error":"$.error")")),
      ElementsAre(W("NO_PATH",
                    "The value of field 'Error' looks like a path, but the field name does not end with "
                    "'Path'",
                    "/States/A/Error")));
}

TEST(ValidateWarnings, WarningsAloneKeepTheResultOk) {
  auto ds = validate_definition_text(one(R"("Type":"Fail","Cause":"$.cause")"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].severity, Severity::kWarning);
  EXPECT_FALSE(has_errors(ds));
}

// ---------------------------------------------------------------- Task

TEST(ValidateTask, ResourceRequired) {
  EXPECT_THAT(check(one(R"("Type":"Task","End":true)")),
              ElementsAre(S("These fields are required: [Resource]", "/States/A")));
}

TEST(ValidateTask, ResourceMustBeAnArn) {
  EXPECT_THAT(check(one(R"("Type":"Task","Resource":"createToken","End":true)")),
              ElementsAre(S("Value is not a valid resource ARN", "/States/A/Resource")));
  EXPECT_THAT(check(one(R"("Type":"Task","Resource":["x"],"End":true)")),
              ElementsAre(S("Expected value of type String", "/States/A/Resource")));
}

TEST(ValidateTask, UnrecognizedResources) {
  for (const char* r :
       {"arn:aws:states:::lambda:invoke.sync", "arn:aws:states:::aws-sdk:s3:getObject.sync",
        "arn:aws:states:::glue:startJobRun.waitForTaskToken", "arn:aws:states:::sqs:sendMessage.sync:2",
        "arn:aws:states:::lambda", "arn:aws:states:::lambda:invoke.async",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-1", "arn:aws:lambda:us-east-1:123456789012:layer:x",
        "arn:aws:states:us-east-1:123456789012:stateMachine:child", "arn:aws:states:::http:get"}) {
    std::string text = one(std::string(R"("Type":"Task","Resource":")") + r + R"(","End":true)");
    EXPECT_THAT(check(text),
                ElementsAre(E("INVALID_RESOURCE",
                              std::string("The resource provided ") + r +
                                  " is not recognized. The value is not a valid resource ARN, or the "
                                  "resource is not available in this region.",
                              "/States/A/Resource")))
        << r;
  }
}

TEST(ValidateTask, RecognizedResources) {
  for (const char* r :
       {"arn:aws:lambda:us-east-1:123456789012:function:f",
        "arn:aws:lambda:us-east-1:123456789012:function:f:live",
        "arn:aws:states:us-east-1:123456789012:activity:worker", "arn:aws:states:::lambda:invoke",
        "arn:aws:states:::lambda:invoke.waitForTaskToken", "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws:states:::states:startExecution.sync", "arn:aws:states:::ecs:runTask.sync",
        "arn:aws:states:::aws-sdk:s3:getObject",
        "arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken", "arn:aws:states:::http:invoke",
        "arn:aws-cn:states:::sns:publish", "arn:aws:states:::dynamodb:putItem",
        "arn:aws:states:::batch:submitJob.sync"}) {
    EXPECT_THAT(check(one(std::string(R"("Type":"Task","Resource":")") + r + R"(","End":true)")), IsEmpty())
        << r;
  }
}

TEST(ValidateTask, ExpressRejectsSyncCallbacksAndActivities) {
  // AWS's wording, including the two spaces before "at" (a trailing space in the message).
  EXPECT_THAT(
      express(
          one(R"("Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true)")),
      ElementsAre(S("Express state machine does not support '.waitForTaskToken' service integration ",
                    "/States/A/Resource")));
  EXPECT_THAT(
      express(one(R"("Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","End":true)")),
      ElementsAre(
          S("Express state machine does not support '.sync' service integration", "/States/A/Resource")));
  EXPECT_THAT(express(one(R"("Type":"Task","Resource":"arn:aws:states:us-east-1:1:activity:a","End":true)")),
              ElementsAre(S("Express state machine does not support Activity ARN", "/States/A/Resource")));
  EXPECT_THAT(express(one(R"("Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true)")),
              IsEmpty());
  EXPECT_THAT(check(one(R"("Type":"Task","Resource":"arn:aws:states:us-east-1:1:activity:a","End":true)")),
              IsEmpty());
}

TEST(ValidateTask, TimeoutRanges) {
  const std::string r = R"("Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,)";
  EXPECT_THAT(check(one(r + R"("TimeoutSeconds":0)")),
              ElementsAre(S("Minimum value is 1", "/States/A/TimeoutSeconds")));
  EXPECT_THAT(check(one(r + R"("HeartbeatSeconds":100000000)")),
              ElementsAre(S("Maximum value is 99999999", "/States/A/HeartbeatSeconds")));
  EXPECT_THAT(check(one(r + R"("TimeoutSeconds":1.5)")),
              ElementsAre(S("Expected value of type Integer", "/States/A/TimeoutSeconds")));
  EXPECT_THAT(
      check(one(r + R"("TimeoutSeconds":"$.t")")),
      ElementsAre(S("Expected value of type Integer", "/States/A/TimeoutSeconds"),
                  W("NO_PATH",
                    "The value of field 'TimeoutSeconds' looks like a path, but the field name does not "
                    "end with 'Path'",
                    "/States/A/TimeoutSeconds")));
  EXPECT_THAT(check(one(r + R"("TimeoutSeconds":99999999,"HeartbeatSeconds":1)")), IsEmpty());
}

TEST(ValidateTask, HeartbeatMustBeLessThanTimeout) {
  EXPECT_THAT(check(one(R"("Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,)"
                        R"("TimeoutSeconds":10,"HeartbeatSeconds":10)")),
              ElementsAre(S("The value of 'HeartbeatSeconds' must be less than the value of 'TimeoutSeconds'",
                            "/States/A/HeartbeatSeconds")));
}

TEST(ValidateTask, FieldAndPathFormAreExclusive) {
  EXPECT_THAT(
      check(one(R"("Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,)"
                R"("TimeoutSeconds":10,"TimeoutSecondsPath":"$.t")")),
      ElementsAre(S("There should only be one of the following fields: [TimeoutSeconds, TimeoutSecondsPath]",
                    "/States/A")));
}

TEST(ValidateTask, DynamicTimeoutPaths) {
  const std::string r = R"("Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,)";
  EXPECT_THAT(check(one(r + R"("TimeoutSecondsPath":"$.t","HeartbeatSecondsPath":"$$.Execution.Input.h")")),
              IsEmpty());
  EXPECT_THAT(check(one(r + R"("TimeoutSecondsPath":"t")")),
              ElementsAre(S("Value is not a Reference Path: Reference path didn't start with '$'",
                            "/States/A/TimeoutSecondsPath")));
}

TEST(ValidateTask, CredentialsNeedRoleArn) {
  const std::string r = R"("Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,)";
  EXPECT_THAT(check(one(r + R"("Credentials":{})")),
              ElementsAre(S("The field 'RoleArn' is required but was missing", "/States/A/Credentials")));
  EXPECT_THAT(check(one(r + R"("Credentials":{"RoleArn.$":"$.role"})")), IsEmpty());
  EXPECT_THAT(
      check(one(r + R"("Credentials":{"RoleArn.$":"role"})")),
      ElementsAre(S("The value for the field 'RoleArn.$' must be a valid JSONPath or a valid intrinsic "
                    "function call",
                    "/States/A/Credentials")));
  EXPECT_THAT(
      check(one(R"("Type":"Task","Resource":"arn:aws:states:us-east-1:1:activity:a","End":true,)"
                R"("Credentials":{"RoleArn":"arn:aws:iam::1:role/r"})")),
      ElementsAre(S("The field 'Credentials' is not supported for activities", "/States/A/Credentials")));
}

// ---------------------------------------------------------------- Retry / Catch

const std::string kTask = R"("Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,)";

TEST(ValidateRetry, ErrorEqualsRequiredAndNonEmpty) {
  EXPECT_THAT(check(one(kTask + R"("Retry":[{"MaxAttempts":1}])")),
              ElementsAre(S("These fields are required: [ErrorEquals]", "/States/A/Retry[0]")));
  EXPECT_THAT(check(one(kTask + R"("Retry":[{"ErrorEquals":[]}])")),
              ElementsAre(S("Value cannot be empty", "/States/A/Retry[0]/ErrorEquals")));
}

TEST(ValidateRetry, StatesAllAloneAndLast) {
  EXPECT_THAT(
      check(one(kTask + R"("Retry":[{"ErrorEquals":["States.ALL","Custom"]}])")),
      ElementsAre(S("States.ALL must appear alone and at end of list", "/States/A/Retry[0]/ErrorEquals")));
  EXPECT_THAT(
      check(one(kTask + R"("Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["Custom"]}])")),
      ElementsAre(S("States.ALL must appear alone and at end of list", "/States/A/Retry[0]/ErrorEquals")));
}

TEST(ValidateRetry, ReservedErrorNames) {
  EXPECT_THAT(
      check(one(kTask + R"("Retry":[{"ErrorEquals":["States.MyError"]}])")),
      ElementsAre(S("The error name 'States.MyError' is reserved: names starting with 'States.' must be "
                    "predefined Step Functions errors",
                    "/States/A/Retry[0]/ErrorEquals")));
  EXPECT_THAT(
      check(one(kTask + R"("Retry":[{"ErrorEquals":["States.Timeout","States.TaskFailed",)"
                        R"("States.HeartbeatTimeout","States.Http.StatusCode.503","Lambda.Unknown"]}])")),
      IsEmpty());
}

TEST(ValidateRetry, Ranges) {
  auto retry = [](const std::string& fields) {
    return check(one(kTask + R"("Retry":[{"ErrorEquals":["E"],)" + fields + "}]"));
  };
  EXPECT_THAT(retry(R"("MaxAttempts":-1)"),
              ElementsAre(S("Minimum value is 0", "/States/A/Retry[0]/MaxAttempts")));
  EXPECT_THAT(retry(R"("MaxAttempts":100000000)"),
              ElementsAre(S("Maximum value is 99999999", "/States/A/Retry[0]/MaxAttempts")));
  EXPECT_THAT(retry(R"("BackoffRate":0.5)"),
              ElementsAre(S("Minimum value is 1.0", "/States/A/Retry[0]/BackoffRate")));
  EXPECT_THAT(retry(R"("MaxDelaySeconds":0)"),
              ElementsAre(S("Minimum value is 1", "/States/A/Retry[0]/MaxDelaySeconds")));
  EXPECT_THAT(retry(R"("MaxDelaySeconds":31622401)"),
              ElementsAre(S("Maximum value is 31622400", "/States/A/Retry[0]/MaxDelaySeconds")));
  EXPECT_THAT(retry(R"("IntervalSeconds":100000000)"),
              ElementsAre(S("Maximum value is 99999999", "/States/A/Retry[0]/IntervalSeconds")));
  EXPECT_THAT(retry(R"("JitterStrategy":"HALF")"),
              ElementsAre(S("Value should be one of the following: [NONE, FULL]",
                            "/States/A/Retry[0]/JitterStrategy")));
  EXPECT_THAT(retry(R"("MaxAttempts":0,"IntervalSeconds":0,"BackoffRate":1.0,"MaxDelaySeconds":31622400)"),
              IsEmpty());
}

TEST(ValidateRetry, UnknownRetrierField) {
  EXPECT_THAT(check(one(kTask + R"("Retry":[{"ErrorEquals":["E"],"Next":"A"}])")),
              ElementsAre(S("Field 'Next' is not supported", "/States/A/Retry[0]")));
}

TEST(ValidateCatch, RequiredFieldsAndResultPath) {
  EXPECT_THAT(check(one(kTask + R"("Catch":[{"ErrorEquals":["E"]}])")),
              ElementsAre(S("These fields are required: [Next]", "/States/A/Catch[0]")));
  EXPECT_THAT(check(one(kTask + R"("Catch":[{}])")),
              ElementsAre(S("These fields are required: [ErrorEquals, Next]", "/States/A/Catch[0]")));
  EXPECT_THAT(check(machine(R"("A":{)" + kTask +
                            R"("Catch":[{"ErrorEquals":["E"],"ResultPath":"$$.x","Next":"B"}]},)"
                            R"("B":{"Type":"Succeed"})")),
              ElementsAre(S("Value is not a Reference Path", "/States/A/Catch[0]/ResultPath")));
  EXPECT_THAT(
      check(machine(R"("A":{)" + kTask +
                    R"("Catch":[{"ErrorEquals":["States.ALL"],"Next":"B"},)"
                    R"({"ErrorEquals":["E"],"Next":"B"}]},"B":{"Type":"Succeed"})")),
      ElementsAre(S("States.ALL must appear alone and at end of list", "/States/A/Catch[0]/ErrorEquals")));
}

// ---------------------------------------------------------------- Choice

std::string choice(std::string_view rules) {
  return machine(R"("A":{"Type":"Choice","Choices":)" + std::string(rules) +
                 R"(,"Default":"B"},"B":{"Type":"Succeed"})");
}

TEST(ValidateChoice, ChoicesRequiredAndNonEmpty) {
  EXPECT_THAT(check(machine(R"("A":{"Type":"Choice","Default":"B"},"B":{"Type":"Succeed"})")),
              ElementsAre(S("These fields are required: [Choices]", "/States/A")));
  EXPECT_THAT(check(choice("[]")), ElementsAre(S("Value cannot be empty", "/States/A/Choices")));
}

TEST(ValidateChoice, TopLevelRulesNeedNext) {
  EXPECT_THAT(check(choice(R"([{"Variable":"$.x","IsNull":true}])")),
              ElementsAre(S("These fields are required: [Next]", "/States/A/Choices[0]")));
}

TEST(ValidateChoice, NestedRulesHaveNoNext) {
  EXPECT_THAT(check(choice(R"([{"And":[{"Variable":"$.x","IsNull":true,"Next":"B"}],"Next":"B"}])")),
              ElementsAre(S("Field 'Next' is not supported", "/States/A/Choices[0]/And[0]")));
  EXPECT_THAT(check(choice(R"([{"Not":{"Variable":"$.x","IsNull":true,"Next":"B"},"Next":"B"}])")),
              ElementsAre(S("Field 'Next' is not supported", "/States/A/Choices[0]/Not")));
}

TEST(ValidateChoice, AndOrNeedNonEmptyArrays) {
  EXPECT_THAT(check(choice(R"([{"Or":[],"Next":"B"}])")),
              ElementsAre(S("Value cannot be empty", "/States/A/Choices[0]/Or")));
  EXPECT_THAT(check(choice(R"([{"And":{"Variable":"$.x","IsNull":true},"Next":"B"}])")),
              ElementsAre(S("Expected value of type Array", "/States/A/Choices[0]/And")));
  EXPECT_THAT(check(choice(R"([{"Not":[],"Next":"B"}])")),
              ElementsAre(S("Expected value of type Object", "/States/A/Choices[0]/Not")));
}

TEST(ValidateChoice, ExactlyOneSelector) {
  EXPECT_THAT(
      check(
          choice(R"([{"Variable":"$.x","IsNull":true,"Not":{"Variable":"$.x","IsNull":true},"Next":"B"}])")),
      ElementsAre(
          S("The object must have only one of the following fields, [And, Or, Not, Variable, Condition]",
            "/States/A/Choices[0]")));
  EXPECT_THAT(
      check(choice(R"([{"Next":"B"}])")),
      ElementsAre(
          S("The object must have only one of the following fields, [And, Or, Not, Variable, Condition]",
            "/States/A/Choices[0]")));
  EXPECT_THAT(check(choice(R"([{"StringEquals":"x","Next":"B"}])")),
              ElementsAre(S("These fields are required: [Variable]", "/States/A/Choices[0]")));
}

TEST(ValidateChoice, ExactlyOneOperator) {
  EXPECT_THAT(check(choice(R"([{"Variable":"$.x","StringEquals":"a","NumericEquals":1,"Next":"B"}])")),
              ElementsAre(S("There should only be one of the following fields: [StringEquals, NumericEquals]",
                            "/States/A/Choices[0]")));
  EXPECT_THAT(check(choice(R"([{"Variable":"$.x","Next":"B"}])")),
              ElementsAre(S("The Choice rule must have one comparison operator (such as StringEquals or "
                            "NumericLessThanPath) beside 'Variable'",
                            "/States/A/Choices[0]")));
  EXPECT_THAT(check(choice(R"([{"Variable":"$.x","StringEqualz":"a","Next":"B"}])")),
              ElementsAre(S("Field 'StringEqualz' is not supported", "/States/A/Choices[0]"),
                          S("The Choice rule must have one comparison operator (such as StringEquals or "
                            "NumericLessThanPath) beside 'Variable'",
                            "/States/A/Choices[0]")));
}

TEST(ValidateChoice, OperandTypes) {
  EXPECT_THAT(check(choice(R"([{"Variable":"$.x","NumericEquals":"1","Next":"B"}])")),
              ElementsAre(S("Expected value of type Number", "/States/A/Choices[0]/NumericEquals")));
  EXPECT_THAT(check(choice(R"([{"Variable":"$.x","StringEquals":1,"Next":"B"}])")),
              ElementsAre(S("Expected value of type String", "/States/A/Choices[0]/StringEquals")));
  EXPECT_THAT(check(choice(R"([{"Variable":"$.x","BooleanEquals":"true","Next":"B"}])")),
              ElementsAre(S("Expected value of type Boolean", "/States/A/Choices[0]/BooleanEquals")));
  EXPECT_THAT(check(choice(R"([{"Variable":"$.x","IsPresent":1,"Next":"B"}])")),
              ElementsAre(S("Expected value of type Boolean", "/States/A/Choices[0]/IsPresent")));
  EXPECT_THAT(
      check(choice(R"([{"Variable":"$.x","TimestampEquals":"2016-12-05T21:29:29","Next":"B"}])")),
      ElementsAre(S("String does not match RFC3339 timestamp", "/States/A/Choices[0]/TimestampEquals")));
  EXPECT_THAT(
      check(choice(R"([{"Variable":"$.x","NumericLessThan":2.5,"Next":"B"},)"
                   R"({"Variable":"$.x","StringMatches":"log-*.txt","Next":"B"},)"
                   R"({"Variable":"$.x","TimestampGreaterThanEquals":"2016-03-14T01:59:00Z","Next":"B"}])")),
      IsEmpty());
}

TEST(ValidateChoice, VariableAndPathOperandsAreReferencePaths) {
  // AWS (via CloudFormation): "Value is not a Reference Path: Reference path didn't start with '$'".
  EXPECT_THAT(check(choice(R"([{"Variable":"Test","StringMatches":"Test","Next":"B"}])")),
              ElementsAre(S("Value is not a Reference Path: Reference path didn't start with '$'",
                            "/States/A/Choices[0]/Variable")));
  EXPECT_THAT(check(choice(R"([{"Variable":"$.x","StringEqualsPath":"y","Next":"B"}])")),
              ElementsAre(S("Value is not a Reference Path: Reference path didn't start with '$'",
                            "/States/A/Choices[0]/StringEqualsPath")));
  EXPECT_THAT(check(choice(R"([{"Variable":"$.items[*]","IsPresent":true,"Next":"B"}])")),
              ElementsAre(S("Value is not a Reference Path", "/States/A/Choices[0]/Variable")));
  EXPECT_THAT(
      check(choice(R"([{"Variable":"$$.Execution.Input.x","NumericGreaterThanPath":"$.limit","Next":"B"},)"
                   R"({"Variable":"$.jar[?(@.a >= 5)]","IsPresent":true,"Next":"B"}])")),
      IsEmpty());
}

TEST(ValidateChoice, LiteralOperandThatLooksLikeAPath) {
  EXPECT_THAT(
      check(choice(R"([{"Variable":"$.x","StringEquals":"$.y","Next":"B"}])")),
      ElementsAre(W("NO_PATH",
                    "The value of field 'StringEquals' looks like a path, but the field name does not end "
                    "with 'Path'",
                    "/States/A/Choices[0]/StringEquals")));
}

TEST(ValidateChoice, ChoiceCannotEnd) {
  EXPECT_THAT(check(machine(R"("A":{"Type":"Choice","Choices":[{"Variable":"$.x","IsNull":true,"Next":"B"}],)"
                            R"("End":true},"B":{"Type":"Succeed"})")),
              ElementsAre(S("Field 'End' is not supported", "/States/A")));
}

TEST(ValidateChoice, TooDeeplyNestedRules) {
  std::string rule = R"({"Variable":"$.x","IsNull":true})";
  for (int i = 0; i < 40; ++i) rule = R"({"Not":)" + rule + "}";
  rule.insert(rule.size() - 1, R"(,"Next":"B")");
  auto ds = check(choice("[" + rule + "]"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].substr(0, ds[0].find('|')), "ERROR TOO_DEEPLY_NESTED");
}

// ---------------------------------------------------------------- Wait

TEST(ValidateWait, ExactlyOneOfTheFourFields) {
  EXPECT_THAT(check(one(R"("Type":"Wait","Seconds":1,"Timestamp":"2016-03-14T01:59:00Z","End":true)")),
              ElementsAre(S("There should only be one of the following fields: "
                            "[SecondsPath, Seconds, TimestampPath, Timestamp]",
                            "/States/A")));
  EXPECT_THAT(check(one(R"("Type":"Wait","End":true)")),
              ElementsAre(S("This object should have only one of the following fields: "
                            "[SecondsPath, Seconds, TimestampPath, Timestamp]",
                            "/States/A")));
}

TEST(ValidateWait, SecondsRange) {
  EXPECT_THAT(check(one(R"("Type":"Wait","Seconds":-1,"End":true)")),
              ElementsAre(S("Minimum value is 0", "/States/A/Seconds")));
  EXPECT_THAT(check(one(R"("Type":"Wait","Seconds":0,"End":true)")), IsEmpty());
}

TEST(ValidateWait, TimestampRules) {
  // §1.4: the AWS-rejected forms, then accepted ones.
  for (const char* ts : {"2016-12-05T21:29:29", "2016-12-05 21:29:29Z", "2016-12-05T25:29:29Z",
                         "2016-13-05T21:29:29Z", "05-12-2016T21:29:29Z"}) {
    EXPECT_THAT(check(one(std::string(R"("Type":"Wait","Timestamp":")") + ts + R"(","End":true)")),
                ElementsAre(S("String does not match RFC3339 timestamp", "/States/A/Timestamp")))
        << ts;
  }
  for (const char* ts : {"2016-03-14T01:59:00Z", "2016-03-14T01:59:00.000000Z", "2016-03-14T01:59:00.00Z",
                         "2016-03-14T01:59:00+02:00"}) {
    EXPECT_THAT(check(one(std::string(R"("Type":"Wait","Timestamp":")") + ts + R"(","End":true)")), IsEmpty())
        << ts;
  }
}

TEST(ValidateWait, PathForms) {
  EXPECT_THAT(check(one(R"("Type":"Wait","SecondsPath":"$.s","End":true)")), IsEmpty());
  EXPECT_THAT(check(one(R"("Type":"Wait","TimestampPath":"$.t[*]","End":true)")),
              ElementsAre(S("Value is not a Reference Path", "/States/A/TimestampPath")));
}

// ---------------------------------------------------------------- Fail

TEST(ValidateFail, FieldAndPathFormAreExclusive) {
  EXPECT_THAT(
      check(one(R"("Type":"Fail","Error":"E","ErrorPath":"$.e","Cause":"c","CausePath":"$.c")")),
      ElementsAre(S("There should only be one of the following fields: [Error, ErrorPath]", "/States/A"),
                  S("There should only be one of the following fields: [Cause, CausePath]", "/States/A")));
}

TEST(ValidateFail, PathsAndStringIntrinsics) {
  EXPECT_THAT(
      check(one(R"x("Type":"Fail","ErrorPath":"$.error","CausePath":"States.Format('bad {}', $.x)")x")),
      IsEmpty());
  EXPECT_THAT(
      check(one(R"x("Type":"Fail","ErrorPath":"$$.Execution.Name","CausePath":"States.JsonToString($.x)")x")),
      IsEmpty());
  EXPECT_THAT(
      check(one(R"x("Type":"Fail","CausePath":"States.Array($.x)")x")),
      ElementsAre(S("The value for the field 'CausePath' must be a valid Reference Path or an intrinsic "
                    "function call that returns a string",
                    "/States/A/CausePath")));
  EXPECT_THAT(
      check(one(R"("Type":"Fail","ErrorPath":"error")")),
      ElementsAre(S("The value for the field 'ErrorPath' must be a valid Reference Path or an intrinsic "
                    "function call that returns a string",
                    "/States/A/ErrorPath")));
}

TEST(ValidateFail, ErrorAndCauseAreStrings) {
  EXPECT_THAT(check(one(R"("Type":"Fail","Error":404)")),
              ElementsAre(S("Expected value of type String", "/States/A/Error")));
}

// ---------------------------------------------------------------- Parallel

TEST(ValidateParallel, BranchesRequiredAndNonEmpty) {
  EXPECT_THAT(check(one(R"("Type":"Parallel","Branches":[],"End":true)")),
              ElementsAre(S("Value cannot be empty", "/States/A/Branches")));
  EXPECT_THAT(check(one(R"("Type":"Parallel","End":true)")),
              ElementsAre(S("These fields are required: [Branches]", "/States/A")));
}

TEST(ValidateParallel, EachBranchNeedsStartAtAndStates) {
  EXPECT_THAT(
      check(
          one(R"("Type":"Parallel","Branches":[{"States":{"X":{"Type":"Succeed"}}},{"Foo":1}],"End":true)")),
      ElementsAre(S("These fields are required: [StartAt]", "/States/A/Branches[0]"),
                  S("Field 'Foo' is not supported", "/States/A/Branches[1]"),
                  S("These fields are required: [States, StartAt]", "/States/A/Branches[1]")));
}

TEST(ValidateParallel, NestedDiagnosticsCarryTheFullPointer) {
  EXPECT_THAT(
      check(one(R"("Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Wait","End":true}}}],)"
                R"("End":true)")),
      ElementsAre(S("This object should have only one of the following fields: "
                    "[SecondsPath, Seconds, TimestampPath, Timestamp]",
                    "/States/A/Branches[0]/States/X")));
}

TEST(ValidateParallel, TooDeeplyNested) {
  std::string inner = R"({"StartAt":"L","States":{"L":{"Type":"Succeed"}}})";
  for (int i = 0; i < 40; ++i)
    inner = R"({"StartAt":"P)" + std::to_string(i) + R"(","States":{"P)" + std::to_string(i) +
            R"(":{"Type":"Parallel","End":true,"Branches":[)" + inner + "]}}}";
  std::string text = inner;  // the outermost container is the machine itself
  auto ds = validate_definition_text(text);
  ASSERT_FALSE(ds.empty());
  EXPECT_EQ(ds[0].code, "TOO_DEEPLY_NESTED");
}

// ---------------------------------------------------------------- Map

const std::string kProc = R"("ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}})";

TEST(ValidateMap, ProcessorRequired) {
  EXPECT_THAT(
      check(one(R"("Type":"Map","End":true)")),
      ElementsAre(S("This object should have only one of the following fields: [ItemProcessor, Iterator]",
                    "/States/A")));
  EXPECT_THAT(check(one(R"("Type":"Map","End":true,)" + kProc +
                        R"(,"Iterator":{"StartAt":"Y","States":{"Y":{"Type":"Succeed"}}})")),
              ElementsAre(S("There should only be one of the following fields: [ItemProcessor, Iterator]",
                            "/States/A")));
}

TEST(ValidateMap, QueryLanguageNotAllowedOnTheProcessor) {
  // AWS-measured (floci #2968), at the processor itself.
  EXPECT_THAT(
      check(one(R"("Type":"Map","End":true,"ItemProcessor":{"QueryLanguage":"JSONPath","StartAt":"X",)"
                R"("States":{"X":{"Type":"Succeed"}}})")),
      ElementsAre(S("Field 'QueryLanguage' is not supported", "/States/A/ItemProcessor")));
  EXPECT_THAT(check(one(R"("Type":"Map","End":true,"Iterator":{"QueryLanguage":"JSONPath","StartAt":"X",)"
                        R"("States":{"X":{"Type":"Succeed"}}})")),
              ElementsAre(S("Field 'QueryLanguage' is not supported", "/States/A/Iterator")));
}

TEST(ValidateMap, ProcessorConfig) {
  auto map = [](const std::string& config) {
    return check(one(R"("Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":)" + config +
                     R"(,"StartAt":"X","States":{"X":{"Type":"Succeed"}}})"));
  };
  EXPECT_THAT(map(R"({"Mode":"PARALLEL"})"),
              ElementsAre(S("Value should be one of the following: [INLINE, DISTRIBUTED]",
                            "/States/A/ItemProcessor/ProcessorConfig/Mode")));
  EXPECT_THAT(map(R"({"Mode":"DISTRIBUTED"})"), ElementsAre(S("These fields are required: [ExecutionType]",
                                                              "/States/A/ItemProcessor/ProcessorConfig")));
  EXPECT_THAT(
      map(R"({"Mode":"INLINE","ExecutionType":"STANDARD"})"),
      ElementsAre(S("Field 'ExecutionType' is not supported", "/States/A/ItemProcessor/ProcessorConfig")));
  EXPECT_THAT(map(R"({"Mode":"DISTRIBUTED","ExecutionType":"FAST"})"),
              ElementsAre(S("Value should be one of the following: [STANDARD, EXPRESS]",
                            "/States/A/ItemProcessor/ProcessorConfig/ExecutionType")));
  EXPECT_THAT(map(R"({"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"})"), IsEmpty());
}

TEST(ValidateMap, DistributedOnlyFieldsAreRejectedInline) {
  EXPECT_THAT(check(one(R"("Type":"Map","End":true,)" + kProc +
                        R"(,"ItemReader":{"Resource":"arn:aws:states:::s3:getObject"},"Label":"L",)"
                        R"("ItemBatcher":{"MaxItemsPerBatch":2},)"
                        R"("ResultWriter":{"Resource":"arn:aws:states:::s3:putObject"})")),
              ElementsAre(S("Field 'ItemReader' is not supported", "/States/A"),
                          S("Field 'ItemBatcher' is not supported", "/States/A"),
                          S("Field 'ResultWriter' is not supported", "/States/A"),
                          S("Field 'Label' is not supported", "/States/A")));
}

TEST(ValidateMap, ExpressRejectsDistributed) {
  EXPECT_THAT(
      express(one(R"("Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED",)"
                  R"("ExecutionType":"EXPRESS"},"StartAt":"X","States":{"X":{"Type":"Succeed"}}})")),
      ElementsAre(
          S("The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines",
            "/States/A/ItemProcessor/ProcessorConfig/Mode")));
}

TEST(ValidateMap, ConcurrencyAndTolerance) {
  auto map = [](const std::string& fields) {
    return check(one(R"("Type":"Map","End":true,)" + kProc + "," + fields));
  };
  EXPECT_THAT(map(R"("MaxConcurrency":-1)"),
              ElementsAre(S("Minimum value is 0", "/States/A/MaxConcurrency")));
  EXPECT_THAT(map(R"("ToleratedFailurePercentage":101)"),
              ElementsAre(S("Maximum value is 100.0", "/States/A/ToleratedFailurePercentage")));
  EXPECT_THAT(map(R"("ToleratedFailurePercentage":-1)"),
              ElementsAre(S("Minimum value is 0.0", "/States/A/ToleratedFailurePercentage")));
  EXPECT_THAT(map(R"("ToleratedFailureCount":-1)"),
              ElementsAre(S("Minimum value is 0", "/States/A/ToleratedFailureCount")));
  EXPECT_THAT(
      map(R"("MaxConcurrency":1,"MaxConcurrencyPath":"$.c")"),
      ElementsAre(S("There should only be one of the following fields: [MaxConcurrency, MaxConcurrencyPath]",
                    "/States/A")));
  // AWS-measured (floci #3733): only ItemsPath accepts the Context Object.
  EXPECT_THAT(map(R"("MaxConcurrencyPath":"$$.Execution.Input.n")"),
              ElementsAre(S("Value is not a Reference Path", "/States/A/MaxConcurrencyPath")));
  EXPECT_THAT(map(R"("ItemsPath":"$$.Execution.Input.items","MaxConcurrencyPath":"$.n",)"
                  R"("ToleratedFailureCountPath":"$.c","ToleratedFailurePercentagePath":"$.p")"),
              IsEmpty());
}

TEST(ValidateMap, ItemSelectorAndLegacyParametersAreExclusive) {
  EXPECT_THAT(check(one(R"("Type":"Map","End":true,)" + kProc + R"(,"ItemSelector":{},"Parameters":{})")),
              ElementsAre(S("There should only be one of the following fields: [ItemSelector, Parameters]",
                            "/States/A")));
}

const std::string kDistributed =
    R"("ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},)"
    R"("StartAt":"X","States":{"X":{"Type":"Succeed"}}})";

TEST(ValidateMap, ItemReader) {
  auto map = [](const std::string& reader) {
    return check(one(R"("Type":"Map","End":true,)" + kDistributed + R"(,"ItemReader":)" + reader));
  };
  EXPECT_THAT(map(R"({"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b"}})"),
              ElementsAre(S("The field 'Resource' does not match any of the allowed values",
                            "/States/A/ItemReader/Resource")));
  EXPECT_THAT(map(R"({"Parameters":{"Bucket":"b"}})"),
              ElementsAre(S("These fields are required: [Resource]", "/States/A/ItemReader")));
  EXPECT_THAT(
      map(R"({"Resource":"arn:aws:states:::s3:listObjectsV2","ReaderConfig":{"MaxItems":100000001}})"),
      ElementsAre(S("Maximum value is 100000000", "/States/A/ItemReader/ReaderConfig/MaxItems")));
  EXPECT_THAT(map(R"({"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"XML"}})"),
              ElementsAre(S("Value should be one of the following: [CSV, JSON, JSONL, PARQUET, MANIFEST]",
                            "/States/A/ItemReader/ReaderConfig/InputType")));
  EXPECT_THAT(map(R"({"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV",)"
                  R"("CSVHeaderLocation":"GIVEN"}})"),
              ElementsAre(S("These fields are required: [CSVHeaders]", "/States/A/ItemReader/ReaderConfig")));
  EXPECT_THAT(
      map(R"({"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON",)"
          R"("CSVHeaderLocation":"FIRST_ROW"}})"),
      ElementsAre(S("Field 'CSVHeaderLocation' is not supported", "/States/A/ItemReader/ReaderConfig")));
  EXPECT_THAT(map(R"({"Resource":"arn:aws:states:::s3:getObject",)"
                  R"("ReaderConfig":{"MaxItems":1,"MaxItemsPath":"$.m"}})"),
              ElementsAre(S("There should only be one of the following fields: [MaxItems, MaxItemsPath]",
                            "/States/A/ItemReader/ReaderConfig")));
}

TEST(ValidateMap, ItemBatcherAndResultWriter) {
  auto map = [](const std::string& fields) {
    return check(one(R"("Type":"Map","End":true,)" + kDistributed + "," + fields));
  };
  EXPECT_THAT(
      map(R"("ItemBatcher":{"BatchInput":{}})"),
      ElementsAre(
          S("This object should have at least one of the following fields: "
            "[MaxItemsPerBatch, MaxItemsPerBatchPath, MaxInputBytesPerBatch, MaxInputBytesPerBatchPath]",
            "/States/A/ItemBatcher")));
  EXPECT_THAT(map(R"("ItemBatcher":{"MaxInputBytesPerBatch":262145})"),
              ElementsAre(S("Maximum value is 262144", "/States/A/ItemBatcher/MaxInputBytesPerBatch")));
  EXPECT_THAT(map(R"("ResultWriter":{})"), ElementsAre(S("Value cannot be empty", "/States/A/ResultWriter")));
  EXPECT_THAT(map(R"("ResultWriter":{"WriterConfig":{"OutputType":"CSV"}})"),
              ElementsAre(S("Value should be one of the following: [JSON, JSONL]",
                            "/States/A/ResultWriter/WriterConfig/OutputType")));
}

TEST(ValidateMap, LabelRules) {
  auto map = [](const std::string& label) {
    return check(one(R"("Type":"Map","End":true,)" + kDistributed + R"(,"Label":")" + label + R"(")"));
  };
  EXPECT_THAT(map(std::string(41, 'l')),
              ElementsAre(E("INVALID_LABEL_NAME", "Label cannot exceed 40 characters", "/States/A/Label")));
  EXPECT_THAT(map(""), ElementsAre(E("INVALID_LABEL_NAME", "Label cannot be empty", "/States/A/Label")));
  EXPECT_THAT(map("a?b"), ElementsAre(E("INVALID_LABEL_NAME", "Label contains invalid character: '?'",
                                        "/States/A/Label")));
  EXPECT_THAT(map("two words"), ElementsAre(E("INVALID_LABEL_NAME", "Label contains invalid character: ' '",
                                              "/States/A/Label")));
  EXPECT_THAT(map(std::string(40, 'l')), IsEmpty());
}

TEST(ValidateMap, DuplicateLabels) {
  auto map = [](const std::string& inner, const std::string& tail) {
    return R"({"Type":"Map","Label":"Same","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED",)"
           R"("ExecutionType":"STANDARD"},"StartAt":")" +
           inner + R"(","States":{")" + inner + R"(":{"Type":"Succeed"}}},)" + tail + "}";
  };
  EXPECT_THAT(check(machine(R"("A":)" + map("X", R"("Next":"B")") + R"(,"B":)" + map("Y", R"("End":true)"))),
              ElementsAre(E("DUPLICATE_LABEL_NAME", "Duplicate Label name: Same", "/States/B/Label")));
}

// JSONata, Assign and variables: validator_jsonata_test.cc.

// ---------------------------------------------------------------- valid machines

TEST(ValidMachines, FixturesHaveNoDiagnostics) {
  for (const char* f : {"all_states.asl.json", "distributed_map.asl.json"}) {
    std::string text = read(kSource + "/tests/data/validate/" + f);
    ASSERT_FALSE(text.empty()) << f;
    EXPECT_THAT(check(text), IsEmpty()) << f;
    // What the validator accepts, the loader compiles, except what stepguard cannot run
    // yet: a Distributed Map is refused by name rather than run as an inline one.
    auto doc = json::parse_json(text);
    ASSERT_TRUE(doc.ok());
    auto sm = load_state_machine(*doc);
    if (std::string_view(f) == "distributed_map.asl.json") {
      ASSERT_FALSE(sm.ok());
      EXPECT_EQ(sm.error().code, "UNSUPPORTED_FEATURE");
      EXPECT_EQ(sm.error().message,
                "Map state 'Process Files' is a Distributed Map (ProcessorConfig Mode 'DISTRIBUTED'), which "
                "stepguard does not run yet");
    } else {
      EXPECT_TRUE(sm.ok()) << f << ": " << (sm.ok() ? "" : sm.error().message);
    }
  }
}

TEST(ValidMachines, BenchWorkloads) {
  int seen = 0;
  if (!std::filesystem::is_directory(kShared + "/bench/workloads")) GTEST_SKIP() << "no " << kShared;
  for (const auto& e : std::filesystem::directory_iterator(kShared + "/bench/workloads")) {
    std::string name = e.path().filename().string();
    if (!name.ends_with(".asl.json")) continue;
    ++seen;
    EXPECT_THAT(check(read(e.path().string())), IsEmpty()) << name;
  }
  EXPECT_GE(seen, 8);
}

TEST(ValidMachines, Seed004Example) {
  std::string text;
  if (!std::filesystem::is_directory(kShared + "/seeds")) GTEST_SKIP() << "no " << kShared;
  for (const auto& e : std::filesystem::directory_iterator(kShared + "/seeds"))
    if (e.path().filename().string().starts_with("004_")) text = read(e.path().string());
  ASSERT_FALSE(text.empty());
  // The article prints the definition as a JSON block starting at "{" on its own line.
  size_t start = text.find("{\n\"Comment\"");
  ASSERT_NE(start, std::string::npos);
  int depth = 0;
  size_t end = start;
  for (; end < text.size(); ++end) {
    if (text[end] == '{') ++depth;
    if (text[end] == '}' && --depth == 0) break;
  }
  EXPECT_THAT(check(text.substr(start, end - start + 1)), IsEmpty());
}

TEST(ValidMachines, ExamplesAndE2eFixtures) {
  EXPECT_THAT(check(read(kSource + "/examples/hello-world.asl.json")), IsEmpty());
  EXPECT_THAT(check(read(kSource + "/tests/e2e/fixtures/seed004_status_loop.asl.json")), IsEmpty());
  auto yaml = json::parse_yaml(read(kSource + "/tests/e2e/fixtures/seed002_rolling_restart.asl.yaml"));
  ASSERT_TRUE(yaml.ok());
  EXPECT_THAT(render(validate_definition(*yaml)), IsEmpty());
}

TEST(ValidMachines, AwsSpecExamples) {
  // The spec's Retry/Catch example and a Map over $$ input.
  EXPECT_THAT(check(R"({"StartAt":"X","States":{"X":{"Type":"Task",
      "Resource":"arn:aws:states:us-east-1:123456789012:activity:x",
      "Retry":[{"ErrorEquals":["ErrorA","ErrorB"],"IntervalSeconds":1,"BackoffRate":2.0,"MaxAttempts":2},
               {"ErrorEquals":["ErrorC"],"IntervalSeconds":5}],
      "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Z"}],"Next":"Y"},
    "Y":{"Type":"Pass","End":true},"Z":{"Type":"Fail","Error":"Failed"}}})"),
              IsEmpty());
}

}  // namespace
}  // namespace sg::asl
