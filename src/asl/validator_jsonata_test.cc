// Validator tests for JSONata states, Assign and workflow variables: the QueryLanguage
// rules (AWS-measured wording), expressions that must parse and may read only what their
// field offers, variable names, scopes and reads before assignment.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "asl/jsonata_check.h"
#include "asl/validator.h"

namespace sg::asl {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<std::string> check(std::string_view text) {
  std::vector<std::string> out;
  for (const Diagnostic& d : validate_definition_text(text))
    out.push_back(std::string(severity_name(d.severity)) + " " + d.code + "|" + d.message + "|" + d.location);
  return out;
}

std::string machine(std::string_view states, std::string_view lang = "") {
  std::string m = "{";
  if (!lang.empty()) m.append(R"("QueryLanguage":")").append(lang).append("\",");
  m.append(R"("StartAt":"A","States":{)").append(states).append("}}");
  return m;
}
std::string one(std::string_view fields, std::string_view lang = "") {
  return machine(R"("A":{)" + std::string(fields) + "}", lang);
}
std::string ata(std::string_view fields) { return one(fields, "JSONata"); }

std::string E(std::string_view code, std::string_view message, std::string_view location) {
  return "ERROR " + std::string(code) + "|" + std::string(message) + "|" + std::string(location);
}
std::string S(std::string_view message, std::string_view location) {
  return E("SCHEMA_VALIDATION_FAILED", message, location);
}
std::string U(std::string_view message, std::string_view location) {
  return E("UNSUPPORTED_JSONATA_EXPRESSION", message, location);
}
std::string W(std::string_view message, std::string_view location) {
  return "WARNING UNDEFINED_VARIABLE|" + std::string(message) + "|" + std::string(location);
}

const std::string kTask = R"("Type":"Task","Resource":"arn:aws:states:::lambda:invoke",)";
const std::string kProc = R"("ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}})";

// ---------------------------------------------------------------- QueryLanguage

TEST(ValidateJsonata, MachineAndStateLanguages) {
  EXPECT_THAT(check(ata(R"("Type":"Pass","Output":"{% $states.input %}","End":true)")), IsEmpty());
  // A JSONPath machine may hold JSONata states.
  EXPECT_THAT(check(one(R"("Type":"Pass","QueryLanguage":"JSONata","Output":{"x":"{% 1 %}"},"End":true)")),
              IsEmpty());
}

// AWS-observed wording, at the state.
TEST(ValidateJsonata, JsonPathStateInJsonataMachine) {
  EXPECT_THAT(
      check(ata(R"("Type":"Pass","QueryLanguage":"JSONPath","End":true)")),
      ElementsAre(S("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                    "/States/A")));
}

TEST(ValidateJsonata, FieldsOfTheOtherLanguage) {
  EXPECT_THAT(
      check(one(R"("Type":"Pass","QueryLanguage":"JSONata","InputPath":"$","End":true)")),
      ElementsAre(S("The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for "
                    "the 'JSONPath' QueryLanguage",
                    "/States/A")));
  EXPECT_THAT(
      check(one(kTask + R"("Arguments":{"a":1},"End":true)")),
      ElementsAre(S("The QueryLanguage is set to 'JSONPath', but field 'Arguments' is only supported for "
                    "the 'JSONata' QueryLanguage",
                    "/States/A")));
  EXPECT_THAT(
      check(one(R"("Type":"Pass","Output":{},"End":true)")),
      ElementsAre(S("The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for "
                    "the 'JSONata' QueryLanguage",
                    "/States/A")));
  EXPECT_THAT(check(one(R"("Type":"Map","Items":[1,2],"End":true,)" + kProc)),
              ElementsAre(S("The QueryLanguage is set to 'JSONPath', but field 'Items' is only supported for "
                            "the 'JSONata' QueryLanguage",
                            "/States/A")));
  EXPECT_THAT(
      check(machine(R"("A":{"Type":"Choice","Choices":[{"Condition":"{% true %}","Next":"B"}]},)"
                    R"("B":{"Type":"Succeed"})")),
      ElementsAre(S("The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for "
                    "the 'JSONata' QueryLanguage",
                    "/States/A/Choices[0]")));
  EXPECT_THAT(
      check(machine(R"("A":{"Type":"Choice","Choices":[{"Variable":"$.x","IsNull":true,"Next":"B"}]},)"
                    R"("B":{"Type":"Succeed"})",
                    "JSONata")),
      ElementsAre(S("The QueryLanguage is set to 'JSONata', but field 'Variable' is only supported for "
                    "the 'JSONPath' QueryLanguage",
                    "/States/A/Choices[0]")));
}

TEST(ValidateJsonata, ChoiceRuleNeedsCondition) {
  EXPECT_THAT(
      check(machine(R"("A":{"Type":"Choice","Choices":[{"Next":"B"}]},"B":{"Type":"Succeed"})", "JSONata")),
      ElementsAre(S("These fields are required: [Condition]", "/States/A/Choices[0]")));
  EXPECT_THAT(check(machine(R"("A":{"Type":"Choice","Choices":[{"Condition":"yes","Next":"B"}]},)"
                            R"("B":{"Type":"Succeed"})",
                            "JSONata")),
              ElementsAre(S("Expected value of type Boolean or a JSONata expression",
                            "/States/A/Choices[0]/Condition")));
  EXPECT_THAT(
      check(machine(R"("A":{"Type":"Choice","Choices":[{"Condition":true,"Next":"B",)"
                    R"("Output":"{% $states.input %}","Assign":{"x":"{% 1 %}"}}]},"B":{"Type":"Succeed"})",
                    "JSONata")),
      IsEmpty());
}

// ---------------------------------------------------------------- expressions

TEST(ValidateJsonata, ExpressionsMustParse) {
  std::vector<std::string> d = check(ata(R"("Type":"Pass","Output":{"v":"{% a[1,2) %}"},"End":true)"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_THAT(d[0], ::testing::StartsWith("ERROR INVALID_JSONATA_EXPRESSION|"));
  EXPECT_THAT(d[0], ::testing::EndsWith("|/States/A/Output/v"));
  // A string that is not wholly "{% ... %}" is a literal.
  EXPECT_THAT(check(ata(R"("Type":"Pass","Output":{"v":"x {% a[ %}"},"End":true)")), IsEmpty());
}

// AWS-measured (floci): the reserved names an expression may not read, and bare names at
// the top level (there is no context item).
TEST(ValidateJsonata, UnsupportedReferences) {
  EXPECT_THAT(check(ata(R"("Type":"Pass","Output":"{% $$ %}","End":true)")),
              ElementsAre(U("Reference to '$$' is not supported.", "/States/A/Output")));
  EXPECT_THAT(
      check(ata(R"("Type":"Pass","Output":{"v":"{% phone %}"},"End":true)")),
      ElementsAre(U("Reference to 'phone' at the top level is not supported.", "/States/A/Output/v")));
  EXPECT_THAT(check(ata(R"("Type":"Pass","Output":"{% $states.errorOutput %}","End":true)")),
              ElementsAre(U("Field '$states.errorOutput' does not exist.", "/States/A/Output")));
  EXPECT_THAT(check(ata(kTask + R"("Arguments":{"r":"{% $states.result %}"},"End":true)")),
              ElementsAre(U("Field '$states.result' does not exist.", "/States/A/Arguments/r")));
  // Where they exist.
  EXPECT_THAT(
      check(machine(R"("A":{)" + kTask +
                        R"("Output":"{% $states.result.Payload %}","Assign":{"r":"{% $states.result %}"},)"
                        R"("Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput %}",)"
                        R"("Assign":{"e":"{% $states.errorOutput.Error %}"},"Next":"B"}],"End":true},)"
                        R"("B":{"Type":"Succeed"})",
                    "JSONata")),
      IsEmpty());
}

TEST(ValidateJsonata, NamesInsideStepsAreNotTopLevel) {
  for (const char* expr :
       {"$states.input.items[value > 3]", "$states.input.a.b", "$map($states.input.a, function($x){ $x.b })",
        "$states.input{ `k`: v }", "($n := 3; $n * 2)", "$count($states.input.items[price > 1].name)",
        "'phone'", "$states.input.items^(price)", "[1..3].($ * 2)", "$sum($states.input.x) & \" a b \""}) {
    std::string def = ata(std::string(R"("Type":"Pass","Output":")") + expr + R"(","End":true)");
    // Escape the quotes of the expression for JSON.
    std::string escaped;
    for (char c : std::string(expr)) {
      if (c == '"') escaped += '\\';
      escaped += c;
    }
    def = ata(std::string(R"("Type":"Pass","Output":"{% )") + escaped + R"( %}","End":true)");
    EXPECT_THAT(check(def), IsEmpty()) << expr;
  }
}

TEST(ValidateJsonata, FieldValuesOrExpressions) {
  EXPECT_THAT(check(ata(kTask + R"("TimeoutSeconds":"{% $states.input.t %}",)"
                                R"("HeartbeatSeconds":"{% 5 %}","End":true)")),
              IsEmpty());
  EXPECT_THAT(check(ata(kTask + R"("TimeoutSeconds":0,"End":true)")),
              ElementsAre(S("Minimum value is 1", "/States/A/TimeoutSeconds")));
  EXPECT_THAT(check(ata(R"("Type":"Map","Items":{"a":1},"End":true,)" + kProc)),
              ElementsAre(S("Expected value of type Array or a JSONata expression", "/States/A/Items")));
  EXPECT_THAT(check(ata(R"("Type":"Map","Items":"{% $states.input.list %}","MaxConcurrency":"{% 2 %}",)"
                        R"("ToleratedFailurePercentage":150,"End":true,)" +
                        kProc)),
              ElementsAre(S("Maximum value is 100.0", "/States/A/ToleratedFailurePercentage")));
  EXPECT_THAT(check(ata(R"("Type":"Wait","Seconds":"{% 1 %}","End":true)")), IsEmpty());
  EXPECT_THAT(check(ata(R"("Type":"Wait","Timestamp":"not a time","End":true)")),
              ElementsAre(S("String does not match RFC3339 timestamp", "/States/A/Timestamp")));
  EXPECT_THAT(check(ata(R"("Type":"Fail","Error":"{% 'E' & 'rr' %}","Cause":"plain")")), IsEmpty());
}

// ---------------------------------------------------------------- Assign

TEST(ValidateAssign, BothLanguages) {
  EXPECT_THAT(check(one(R"J("Type":"Pass","Assign":{"x":1,"y.$":"$.a","z.$":"States.Format('{}', $.a)",)J"
                        R"("w.$":"$$.Execution.Id"},"End":true)")),
              IsEmpty());
  EXPECT_THAT(check(ata(R"("Type":"Pass","Assign":{"x":"{% $states.input.a %}","y":[1]},"End":true)")),
              IsEmpty());
  EXPECT_THAT(
      check(one(R"("Type":"Pass","Assign":{"y.$":"$..[bad"},"End":true)")),
      ElementsAre(S("The value for the field 'y.$' must be a valid JSONPath or a valid intrinsic function "
                    "call",
                    "/States/A/Assign")));
  // Succeed and Fail cannot assign (AWS's field tables).
  EXPECT_THAT(check(one(R"("Type":"Succeed","Assign":{"x":1})")),
              ElementsAre(S("Field 'Assign' is not supported", "/States/A")));
  EXPECT_THAT(check(one(R"("Type":"Pass","Assign":[1],"End":true)")),
              ElementsAre(S("Expected value of type Object", "/States/A/Assign")));
}

TEST(ValidateAssign, VariableNames) {
  const std::string why = "' is not valid: a variable name is a Unicode identifier of at most 80 characters";
  EXPECT_THAT(check(one(R"("Type":"Pass","Assign":{"x.y":1,"x[2]":2,"1x":3,"a-b":4},"End":true)")),
              ElementsAre(S("The variable name 'x.y" + why, "/States/A/Assign/x.y"),
                          S("The variable name 'x[2]" + why, "/States/A/Assign/x[2]"),
                          S("The variable name '1x" + why, "/States/A/Assign/1x"),
                          S("The variable name 'a-b" + why, "/States/A/Assign/a-b")));
  EXPECT_THAT(check(one(R"("Type":"Pass","Assign":{"states":1},"End":true)")),
              ElementsAre(S("The variable name 'states' is reserved", "/States/A/Assign/states")));
  std::string long_name(81, 'v');
  EXPECT_THAT(check(one(R"("Type":"Pass","Assign":{")" + long_name + R"(":1},"End":true)")),
              ElementsAre(S("The variable name '" + long_name + why, "/States/A/Assign/" + long_name)));
  // Unicode identifiers (UAX #31), 80 characters exactly.
  EXPECT_THAT(check(one(R"("Type":"Pass","Assign":{"número":1,"数量":2,"a_1":3,")" + std::string(80, 'v') +
                        R"(":4},"End":true)")),
              IsEmpty());
}

// ---------------------------------------------------------------- scopes and reads

TEST(ValidateVariables, InnerScopeCannotReuseAnOuterName) {
  std::string def = machine(R"("A":{"Type":"Pass","Assign":{"x":1},"Next":"M"},)"
                            R"("M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"I","States":{)"
                            R"("I":{"Type":"Pass","Assign":{"x":2,"y.$":"$x"},"End":true}}}})");
  EXPECT_THAT(check(def),
              ElementsAre(S("The variable 'x' is assigned in an enclosing scope: a variable assigned "
                            "inside a Parallel branch or a Map iteration cannot have the name of an "
                            "outer variable",
                            "/States/M/ItemProcessor/States/I/Assign/x")));
  // Sibling branches may use the same names (AWS's BASE_SCOPE_PARALLEL example).
  EXPECT_THAT(
      check(machine(
          R"("A":{"Type":"Pass","Assign":{"x":42},"Next":"P"},)"
          R"("P":{"Type":"Parallel","End":true,"Branches":[)"
          R"({"StartAt":"B1","States":{"B1":{"Type":"Pass","Assign":{"innerX.$":"$x"},"End":true}}},)"
          R"({"StartAt":"B2","States":{"B2":{"Type":"Pass","Assign":{"innerX.$":"$x"},"End":true}}}]})")),
      IsEmpty());
}

TEST(ValidateVariables, ReadBeforeAssignIsAWarning) {
  // B reads $x, which only C (after B) assigns.
  EXPECT_THAT(check(machine(R"("A":{"Type":"Pass","InputPath":"$x","Next":"B"},)"
                            R"("B":{"Type":"Pass","Assign":{"x":1},"End":true})")),
              ElementsAre(W("The variable '$x' is read before any state in its scope can have assigned it",
                            "/States/A")));
  // A loop can assign it before a later visit: no warning.
  EXPECT_THAT(
      check(machine(R"("A":{"Type":"Choice","Choices":[{"Variable":"$seen","IsPresent":true,"Next":"C"}],)"
                    R"("Default":"B"},)"
                    R"("B":{"Type":"Pass","Assign":{"seen":true},"Next":"A"},"C":{"Type":"Succeed"})")),
      IsEmpty());
  // JSONata reads, and locals bound inside the expression.
  EXPECT_THAT(check(ata(R"("Type":"Pass","Output":"{% ($y := 2; $y + $z) %}","End":true)")),
              ElementsAre(W("The variable '$z' is read before any state in its scope can have assigned it",
                            "/States/A")));
  // Inner scopes read outer variables assigned before the Map; a Distributed Map cannot.
  std::string map = R"("A":{"Type":"Pass","Assign":{"x":1},"Next":"M"},)"
                    R"("M":{"Type":"Map","End":true,"ItemProcessor":{)";
  std::string body = R"("StartAt":"I","States":{"I":{"Type":"Pass","InputPath":"$x","End":true}}}})";
  EXPECT_THAT(check(machine(map + body)), IsEmpty());
  EXPECT_THAT(
      check(machine(map + R"("ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},)" + body)),
      ElementsAre(W("The variable '$x' is read before any state in its scope can have assigned it",
                    "/States/M/ItemProcessor/States/I")));
  // A catcher's Assign flows along its own transition only.
  EXPECT_THAT(
      check(machine(R"("A":{)" + kTask +
                    R"("Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"err.$":"$.Error"},"Next":"B"}],)"
                    R"("Next":"C"},"B":{"Type":"Pass","InputPath":"$err","End":true},)"
                    R"("C":{"Type":"Pass","InputPath":"$err","End":true})")),
      ElementsAre(
          W("The variable '$err' is read before any state in its scope can have assigned it", "/States/C")));
}

// ---------------------------------------------------------------- the lexical scan itself

TEST(JsonataScan, References) {
  JsonataRefs r = scan_jsonata("$a + $count($b) + $states.input.c + $sum($d) + $map($e, $string)");
  EXPECT_THAT(r.variables, ElementsAre("a", "b", "d", "e"));
  EXPECT_THAT(r.top_level_names, IsEmpty());
  r = scan_jsonata("function($x, $y){ $x + $y + $w }($states.input, 2)");
  EXPECT_THAT(r.variables, ElementsAre("w"));
  r = scan_jsonata("$states.input.a[$i > 1]#$i.b @$v");
  EXPECT_THAT(r.variables, IsEmpty());
  r = scan_jsonata("\"$notAVariable\" & /* $nope */ $yes");
  EXPECT_THAT(r.variables, ElementsAre("yes"));
  r = scan_jsonata("a + b.c + $x.d");
  EXPECT_THAT(r.top_level_names, ElementsAre("a", "b"));
  EXPECT_TRUE(scan_jsonata("$states.result.x").uses_result);
  EXPECT_TRUE(scan_jsonata("$states.errorOutput").uses_error_output);
  EXPECT_TRUE(scan_jsonata("$$.a").uses_dollar_dollar);
  EXPECT_THAT(jsonpath_variables("States.Format('{} $no', $yes, $$.x, $.y, $z.a[0])"),
              ElementsAre("yes", "z"));
  // Unterminated strings, names and regular expressions end the scan quietly.
  for (const char* bad : {"\"abc\\", "'x", "`name", "/re", "$", "function(", "[{("})
    EXPECT_NO_THROW(scan_jsonata(bad)) << bad;
}

}  // namespace
}  // namespace sg::asl
