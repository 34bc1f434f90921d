// definition_to_dot(): the diagram structure of AWS's documented example state machines.
#include "asl/definition_graph.h"

#include <gtest/gtest.h>

#include <regex>

#include "json/parse.h"

namespace sg::asl {
namespace {

json::Value parse(std::string_view text) {
  auto v = json::parse_json(text);
  EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().message);
  return v.ok() ? *v : json::Value();
}

std::string dot_of(std::string_view text) {
  auto dot = definition_to_dot(parse(text));
  EXPECT_TRUE(dot.ok());
  return dot.ok() ? *dot : "";
}

// The DOT node id ("n3", "start", "end") of the state whose SVG id is state-NAME.
std::string node_of(const std::string& dot, const std::string& name) {
  if (name == "Start") return "start";
  if (name == "End") return "end";
  std::regex re("(n[0-9]+) \\[id=\"" + state_node_id(name) + "\"");
  std::smatch m;
  return std::regex_search(dot, m, re) ? m[1].str() : "?";
}

// The attributes of the edge between two states ("" when there is none).
std::string edge_attrs(const std::string& dot, const std::string& from, const std::string& to) {
  std::string prefix = node_of(dot, from) + " -> " + node_of(dot, to) + " [";
  size_t at = dot.find(prefix);
  if (at == std::string::npos) return "";
  size_t end = dot.find("];\n", at);
  return dot.substr(at + prefix.size(), end - at - prefix.size());
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// "Hello world" from the Step Functions Developer Guide (Pass states chained to Succeed).
TEST(DefinitionGraph, HelloWorldIsAChainFromStartToEnd) {
  std::string dot = dot_of(R"({
    "Comment": "A Hello World example of the Amazon States Language using Pass states",
    "StartAt": "Hello",
    "States": {
      "Hello": {"Type": "Pass", "Result": "Hello", "Next": "World"},
      "World": {"Type": "Pass", "Result": "World", "End": true}
    }})");
  EXPECT_TRUE(dot.starts_with("digraph StateMachine {"));
  EXPECT_NE(edge_attrs(dot, "Start", "Hello"), "");
  EXPECT_NE(edge_attrs(dot, "Hello", "World"), "");
  EXPECT_NE(edge_attrs(dot, "World", "End"), "");
  EXPECT_EQ(count(dot, " -> "), 3);
  EXPECT_NE(dot.find("class=\"state type-Pass\""), std::string::npos);
  EXPECT_NE(dot.find("id=\"graph-start\""), std::string::npos);
  EXPECT_NE(dot.find("id=\"graph-end\""), std::string::npos);
}

// The Choice state example of the ASL specification.
TEST(DefinitionGraph, ChoiceRulesAndDefaultAreLabelledEdges) {
  std::string dot = dot_of(R"({
    "StartAt": "ChoiceStateX",
    "States": {
      "ChoiceStateX": {
        "Type": "Choice",
        "Choices": [
          {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
          {"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"},
          {"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20},
                   {"Variable": "$.value", "NumericLessThan": 30}],
           "Next": "ValueInTwenties"}
        ],
        "Default": "DefaultState"
      },
      "Public": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Foo", "Next": "NextState"},
      "ValueIsZero": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Zero", "Next": "NextState"},
      "ValueInTwenties": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Bar", "Next": "NextState"},
      "DefaultState": {"Type": "Fail", "Error": "DefaultStateError", "Cause": "No Matches!"},
      "NextState": {"Type": "Succeed"}
    }})");
  EXPECT_EQ(edge_attrs(dot, "ChoiceStateX", "Public"),
            R"x(class="edge-choice", label="!($.type == \"Private\")")x");
  EXPECT_EQ(edge_attrs(dot, "ChoiceStateX", "ValueIsZero"), R"(class="edge-choice", label="$.value == 0")");
  EXPECT_EQ(edge_attrs(dot, "ChoiceStateX", "ValueInTwenties"),
            R"(class="edge-choice", label="$.value >= 20 && $.value < 30")");
  EXPECT_EQ(edge_attrs(dot, "ChoiceStateX", "DefaultState"), R"(class="edge-default", label="Default")");
  EXPECT_NE(edge_attrs(dot, "DefaultState", "End"), "");  // Fail ends the execution
  EXPECT_NE(edge_attrs(dot, "NextState", "End"), "");
  EXPECT_NE(edge_attrs(dot, "Public", "NextState"), "");
  EXPECT_NE(dot.find("class=\"state type-Choice\""), std::string::npos);
}

// Retry and Catch example of the Developer Guide ("Handling errors in Step Functions").
TEST(DefinitionGraph, CatchEdgesAreDashedAndNameTheErrors) {
  std::string dot = dot_of(R"({
    "StartAt": "HelloWorld",
    "States": {
      "HelloWorld": {
        "Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:FailFunction",
        "Catch": [
          {"ErrorEquals": ["CustomError"], "Next": "CustomErrorFallback"},
          {"ErrorEquals": ["States.TaskFailed", "States.Timeout"], "Next": "ReservedTypeFallback"},
          {"ErrorEquals": ["States.ALL"], "Next": "CatchAllFallback"}
        ],
        "End": true
      },
      "CustomErrorFallback": {"Type": "Pass", "Result": "This is a fallback from a custom Lambda function exception", "End": true},
      "ReservedTypeFallback": {"Type": "Pass", "Result": "This is a fallback from a reserved error code", "End": true},
      "CatchAllFallback": {"Type": "Pass", "Result": "This is a fallback from any error code", "End": true}
    }})");
  EXPECT_EQ(edge_attrs(dot, "HelloWorld", "CustomErrorFallback"),
            R"(class="edge-catch", label="CustomError", style=dashed)");
  EXPECT_EQ(edge_attrs(dot, "HelloWorld", "ReservedTypeFallback"),
            R"(class="edge-catch", label="States.TaskFailed, States.Timeout", style=dashed)");
  EXPECT_EQ(edge_attrs(dot, "HelloWorld", "End"), R"(class="edge-end")");
  EXPECT_EQ(count(dot, "style=dashed"), 3);
}

// Parallel example of the Developer Guide: branches are clusters inside the state's cluster,
// fanning out from the state's node and joining before Next.
TEST(DefinitionGraph, ParallelBranchesAreClusters) {
  std::string dot = dot_of(R"({
    "StartAt": "LookupCustomerInfo",
    "States": {
      "LookupCustomerInfo": {
        "Type": "Parallel",
        "Branches": [
          {"StartAt": "LookupAddress", "States": {"LookupAddress": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:AddressFinder", "End": true}}},
          {"StartAt": "LookupPhone", "States": {"LookupPhone": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:PhoneFinder", "End": true}}}
        ],
        "Next": "Done"
      },
      "Done": {"Type": "Succeed"}
    }})");
  EXPECT_NE(dot.find("id=\"cluster-LookupCustomerInfo\""), std::string::npos);
  EXPECT_EQ(count(dot, "subgraph cluster_"), 3);  // the state and its two branches
  EXPECT_NE(edge_attrs(dot, "LookupCustomerInfo", "LookupAddress"), "");
  EXPECT_NE(edge_attrs(dot, "LookupCustomerInfo", "LookupPhone"), "");
  // Both branches end at the join point, which leads to Done.
  std::regex join("(n[0-9]+) \\[shape=point");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dot, m, join));
  std::string j = m[1].str();
  EXPECT_NE(dot.find(node_of(dot, "LookupAddress") + " -> " + j), std::string::npos);
  EXPECT_NE(dot.find(node_of(dot, "LookupPhone") + " -> " + j), std::string::npos);
  EXPECT_NE(dot.find(j + " -> " + node_of(dot, "Done")), std::string::npos);
}

// Map with an ItemProcessor (Developer Guide, inline Map state), and the legacy Iterator.
TEST(DefinitionGraph, MapItemProcessorIsACluster) {
  for (std::string_view field : {"ItemProcessor", "Iterator"}) {
    std::string text = R"({"StartAt": "Validate-All", "States": {"Validate-All": {"Type": "Map",
        "InputPath": "$.detail", "ItemsPath": "$.shipped", "MaxConcurrency": 0, ")" +
                       std::string(field) +
                       R"(": {"StartAt": "Validate", "States": {"Validate": {"Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ship-val", "End": true}}},
        "ResultPath": "$.detail.shipped", "End": true}}})";
    std::string dot = dot_of(text);
    EXPECT_NE(dot.find("id=\"cluster-Validate-All\""), std::string::npos) << field;
    EXPECT_NE(edge_attrs(dot, "Validate-All", "Validate"), "") << field;
    EXPECT_NE(dot.find("class=\"state type-Map\""), std::string::npos);
  }
}

TEST(DefinitionGraph, JsonataConditionsAreShownAsWritten) {
  std::string dot = dot_of(R"({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
      "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n > 3 %}", "Next": "Big"}], "Default": "Small"},
      "Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}}})");
  EXPECT_EQ(edge_attrs(dot, "C", "Big"), R"(class="edge-choice", label="{% $states.input.n > 3 %}")");
}

TEST(DefinitionGraph, NamesAreEscapedForDotAndHtmlLabels) {
  std::string dot = dot_of(R"({"StartAt": "Say \"hi\" <now> & \\ later", "States": {
      "Say \"hi\" <now> & \\ later": {"Type": "Pass", "End": true}}})");
  EXPECT_NE(dot.find(R"(id="state-Say \"hi\" <now> & \\ later")"), std::string::npos);
  EXPECT_NE(dot.find("label=<Say &quot;hi&quot; &lt;now&gt; &amp; \\ later<BR/>"), std::string::npos);
}

TEST(DefinitionGraph, MissingTargetsAreLeftOutAndNoStatesIsAnError) {
  std::string dot = dot_of(R"({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}})");
  EXPECT_EQ(count(dot, " -> "), 1);  // only Start -> A
  auto bad = definition_to_dot(parse(R"({"StartAt": "A"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "INVALID_DEFINITION");
}

TEST(DefinitionGraph, OutputIsDeterministic) {
  const char* text =
      R"({"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 1, "Next": "B"}, "B": {"Type": "Succeed"}}})";
  EXPECT_EQ(dot_of(text), dot_of(text));
}

TEST(DefinitionGraph, ChoiceRuleLabels) {
  EXPECT_EQ(choice_rule_label(parse(R"({"Variable": "$.a", "IsPresent": false})")), "$.a is not present");
  EXPECT_EQ(choice_rule_label(parse(R"({"Variable": "$.a", "StringMatches": "log-*.txt"})")),
            "$.a matches \"log-*.txt\"");
  EXPECT_EQ(choice_rule_label(parse(R"({"Variable": "$.a", "TimestampLessThanPath": "$.b"})")), "$.a < $.b");
  EXPECT_EQ(choice_rule_label(parse(R"({"Or": [{"Variable": "$.a", "BooleanEquals": true},
      {"And": [{"Variable": "$.b", "IsNull": true}, {"Variable": "$.c", "NumericLessThanEquals": 2.5}]}]})")),
            "$.a == true || ($.b is null && $.c <= 2.5)");
}

}  // namespace
}  // namespace sg::asl
