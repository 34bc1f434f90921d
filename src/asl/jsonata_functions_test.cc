// The functions Step Functions adds to JSONata, through the templates the interpreter uses:
// AWS's documented examples ($partition, $range, $hash, $random with a seed, $uuid, $parse)
// and the edge behaviour measured against AWS (see docs/compatibility.md).
#include "asl/jsonata_functions.h"

#include <gtest/gtest.h>

#include <regex>

#include "asl/jsonata_template.h"
#include "asl/variables.h"
#include "json/parse.h"

namespace sg::asl {
namespace {

using json::Value;

class FixedEntropy final : public json::Entropy {
 public:
  uint64_t next_u64() override { return state_ = state_ * 6364136223846793005ull + 1442695040888963407ull; }

 private:
  uint64_t state_ = 1;
};

// Evaluates one expression; "undefined", "ERROR <cause>" or the result's JSON.
std::string eval(std::string_view expr, const VariableScope* vars = nullptr) {
  std::string text = "{% ";
  text.append(expr).append(" %}");
  auto t = JsonataTemplate::compile(Value::string(text), "Output");
  if (!t) return "COMPILE " + t.error().message;
  FixedEntropy entropy;
  Value input = Value::empty_object();
  JsonataInputs in;
  in.input = &input;
  in.entropy = &entropy;
  in.variables = vars;
  Value out;
  StatesError e;
  if (!t->evaluate(in, &out, &e)) {
    if (e.cause.ends_with("returned nothing (undefined).")) return "undefined";
    return "ERROR " + e.cause;
  }
  return out.dump();
}

std::string thrown(std::string_view expr, std::string_view tail) {
  std::string s("ERROR The JSONata expression '");
  s.append(expr).append("' specified for the field 'Output' threw an error during evaluation. ").append(tail);
  return s;
}

TEST(AwsJsonataFunctions, Partition) {
  EXPECT_EQ(eval("$partition([1,2,3,4], 2)"), "[[1,2],[3,4]]");
  EXPECT_EQ(eval("$partition([1,2,3,4,5], 2)"), "[[1,2],[3,4],[5]]");
  EXPECT_EQ(eval("$partition([1,2,3])"), "[[1,2,3]]");
  EXPECT_EQ(eval("$partition([1,2,3,4,5], 2.9)"), "[[1,2],[3,4],[5]]");
  EXPECT_EQ(eval("$partition([], 2)"), "undefined");
  EXPECT_EQ(eval("$partition([1,2,3], 0)"), "undefined");
  EXPECT_EQ(eval("$partition([1,2,3], -1)"),
            thrown("$partition([1,2,3], -1)", "D3137: Second argument must be zero or greater"));
}

TEST(AwsJsonataFunctions, Range) {
  EXPECT_EQ(eval("$range(0, 10, 2)"), "[0,2,4,6,8,10]");
  EXPECT_EQ(eval("$range(1, -5, -1)"), "[1,0,-1,-2,-3,-4,-5]");
  EXPECT_EQ(eval("$range(1, 9, 3)"), "[1,4,7]");
  EXPECT_EQ(eval("$range(3, 3, 1)"), "3");
  EXPECT_EQ(eval("$range(-1.7, 2, 1)"), "[-1,0,1,2]");
  EXPECT_EQ(eval("$range(1, 5)"), "undefined");
  EXPECT_EQ(eval("$range(5, 1, 1)"), "undefined");
  EXPECT_EQ(eval("$range(1, 5, 0)"), "undefined");
  EXPECT_EQ(eval("$count($range(1, 360145, 1))"), "360145");
  EXPECT_EQ(eval("$range(1, 360146, 1)"),
            thrown("$range(1, 360146, 1)", "D3137: Expression evaluation memory limit exceeded"));
}

TEST(AwsJsonataFunctions, Hash) {
  EXPECT_EQ(eval("$hash('Hello', 'MD5')"), "\"8b1a9953c4611296a827abf8c47804d7\"");
  EXPECT_EQ(eval("$hash('Hello', 'SHA-1')"), "\"f7ff9e8b7bb2e09b70935a5d785e0cc5d9d0abf0\"");
  EXPECT_EQ(eval("$hash('Hello', 'SHA-256')"),
            "\"185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969\"");
  EXPECT_EQ(eval("$hash('input data', 'SHA-384')").size(), 98u);
  EXPECT_EQ(eval("$hash('input data', 'SHA-512')").size(), 130u);
  EXPECT_EQ(eval("$hash('ñ', 'MD5')"), "\"94e9342ecbb1458b6043ecd3bfcbc192\"");
  EXPECT_EQ(eval("$hash('Hello')"), "undefined");
  EXPECT_EQ(eval("$hash('Hello', 'md5')").substr(0, 6), "ERROR ");
  EXPECT_NE(eval("$hash(42, 'MD5')").find("T0410"), std::string::npos);
}

// java.util.Random(seed).nextDouble(), the values AWS returns.
TEST(AwsJsonataFunctions, RandomWithSeed) {
  EXPECT_EQ(java_random_double(42), 0.7275636800328681);
  EXPECT_EQ(java_random_double(0), 0.730967787376657);
  EXPECT_EQ(java_random_double(7), 0.7306990420600421);
  EXPECT_EQ(eval("$random(42)"), "0.7275636800328681");
  EXPECT_EQ(eval("$random(0.9) = $random(0)"), "true");
  EXPECT_EQ(eval("$random() >= 0 and $random() < 1"), "true");
  EXPECT_NE(eval("$random(1, 2)").find("T0410"), std::string::npos);
}

TEST(AwsJsonataFunctions, Uuid) {
  std::string u = eval("$uuid()");
  EXPECT_TRUE(std::regex_match(
      u, std::regex("\"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\"")))
      << u;
  EXPECT_EQ(eval("$uuid() = $uuid()"), "false");
  EXPECT_NE(eval("$uuid('seed')").find("T0410"), std::string::npos);
}

TEST(AwsJsonataFunctions, Parse) {
  EXPECT_EQ(eval(R"($parse('{"b":1,"a":[1,2,3]}'))"), R"({"b":1,"a":[1,2,3]})");
  EXPECT_EQ(eval("$parse('1.0')"), "1");
  EXPECT_EQ(eval("$parse('1.5')"), "1.5");
  EXPECT_EQ(eval("$exists($parse('null'))"), "true");
  EXPECT_EQ(eval("$parse()"), "undefined");
  EXPECT_EQ(eval("$parse('not valid json')"), thrown("$parse('not valid json')", "D3137: Invalid JSON"));
  EXPECT_NE(eval("$parse(null)").find("T0410"), std::string::npos);
}

// $eval is not available on AWS; $parse replaces it.
TEST(AwsJsonataFunctions, NoEval) { EXPECT_EQ(eval("$eval('1+1')").substr(0, 6), "ERROR "); }

// Workflow variables are plain $names; $states holds the state's input.
TEST(AwsJsonataFunctions, VariablesAndStates) {
  VariableScope outer;
  outer.set("x", Value::integer(40));
  VariableScope inner(&outer);
  inner.set("y", Value::integer(2));
  EXPECT_EQ(eval("$x + $y", &inner), "42");
  EXPECT_EQ(eval("$states.input"), "{}");
  EXPECT_EQ(eval("$z", &inner), "undefined");
}

}  // namespace
}  // namespace sg::asl
