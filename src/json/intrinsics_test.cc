#include "json/intrinsics.h"

#include <gtest/gtest.h>

#include <string>

#include "json/intrinsics_test_util.h"
#include "json/jsonpath.h"

namespace sg::json {
namespace {

using namespace sg::json::testing;  // NOLINT

// ---- Worked examples (reference §2.3), exact outputs -------------------------------------

TEST(IntrinsicExamples, Format) {
  EXPECT_EQ(
      run_template(R"J({"foo.$": "States.Format('Your name is {}, we are in the year {}', $.name, 2020)"})J",
                   R"({"name":"Foo"})"),
      R"({"foo":"Your name is Foo, we are in the year 2020"})");
}

TEST(IntrinsicExamples, FormatObjectsJavaStyle) {
  EXPECT_EQ(
      run_template(R"J({"FunctionResult.$": "States.Format('Formatting arguments fst={} and snd={}.', )J"
                   R"J($.fst, $.snd)"})J",
                   R"({"fst":{"Arg1":1,"Arg2":[]},"snd":null})"),
      R"({"FunctionResult":"Formatting arguments fst={Arg1=1, Arg2=[]} and snd=null."})");
}

TEST(IntrinsicExamples, StringToJson) {
  EXPECT_EQ(run_template(R"J({"foo.$": "States.StringToJson($.someString)"})J",
                         R"({"someString":"{\"number\": 20}"})"),
            R"({"foo":{"number":20}})");
}

TEST(IntrinsicExamples, JsonToString) {
  EXPECT_EQ(run_template(R"J({"foo.$": "States.JsonToString($.someJson)"})J",
                         R"({"someJson":{"name":"Foo","year":2020}})"),
            R"({"foo":"{\"name\":\"Foo\",\"year\":2020}"})");
}

TEST(IntrinsicExamples, Array) {
  EXPECT_EQ(run_template(R"J({"foo.$": "States.Array('Foo', 2020, $.someJson, null)"})J",
                         R"({"someJson":{"random":"abcdefg"}})"),
            R"({"foo":["Foo",2020,{"random":"abcdefg"},null]})");
}

TEST(IntrinsicExamples, ArrayPartition) {
  EXPECT_EQ(run_template(R"J({"inputArray.$": "States.ArrayPartition($.inputArray,4)"})J",
                         R"({"inputArray":[1,2,3,4,5,6,7,8,9]})"),
            R"({"inputArray":[[1,2,3,4],[5,6,7,8],[9]]})");
}

TEST(IntrinsicExamples, ArrayRange) {
  EXPECT_EQ(run_template(R"J({"array.$": "States.ArrayRange(1, 9, 2)"})J", "{}"), R"({"array":[1,3,5,7,9]})");
}

TEST(IntrinsicExamples, Hash) {
  const char* tmpl = R"J({"output.$": "States.Hash($.Data, $.Algorithm)"})J";
  EXPECT_EQ(run_template(tmpl, R"({"Data":"input data","Algorithm":"SHA-1"})"),
            R"({"output":"aaff4a450a104cd177d28d18d74485e8cae074b7"})");
  EXPECT_EQ(run_template(tmpl, R"({"Data":"input data","Algorithm":"MD5"})"),
            R"({"output":"812f45842bc6d66ee14572ce20db8e86"})");
  EXPECT_EQ(run_template(tmpl, R"({"Data":"input data","Algorithm":"SHA-256"})"),
            R"({"output":"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"})");
}

TEST(IntrinsicExamples, JsonMerge) {
  EXPECT_EQ(run_template(R"J({"output.$": "States.JsonMerge($.json1, $.json2, false)"})J",
                         R"({"json1":{"a":{"a1":1,"a2":2},"b":2},"json2":{"a":{"a3":1,"a4":2},"c":3}})"),
            R"({"output":{"a":{"a3":1,"a4":2},"b":2,"c":3}})");
}

TEST(IntrinsicExamples, MathAdd) {
  EXPECT_EQ(
      run_template(R"J({"value1.$": "States.MathAdd($.value1, $.step)"})J", R"({"value1":111,"step":-1})"),
      R"({"value1":110})");
}

TEST(IntrinsicExamples, NestedCallsOnContext) {
  const char* tmpl =
      R"({"r.$": "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), )"
      R"J(States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))"})J";
  EXPECT_EQ(run_template(tmpl, "{}", J(R"({"StateMachine":{"Name":"foo-bar-baz"}})")), R"({"r":"baz"})");
  EXPECT_EQ(run_template(tmpl, "{}", J(R"({"StateMachine":{"Name":"single"}})")), R"({"r":"single"})");
}

TEST(IntrinsicExamples, EscapedQuoteInFormat) {
  // JSON source: "States.Format('Welcome to {} {}\\'s playlist.', $.firstName, $.lastName)"
  EXPECT_EQ(
      run_template(
          R"J({"greeting.$": "States.Format('Welcome to {} {}\\'s playlist.', $.firstName, $.lastName)"})J",
          R"({"firstName":"John","lastName":"Doe"})"),
      R"({"greeting":"Welcome to John Doe's playlist."})");
}

TEST(IntrinsicExamples, StringSplitOnRealNewline) {
  EXPECT_EQ(run_template(R"J({"FunctionResult.$": "States.StringSplit('Hello\nWorld', '\n')"})J", "{}"),
            R"({"FunctionResult":["Hello","World"]})");
}

TEST(IntrinsicExamples, NestedCallsFromAwsDocs) {
  // The AWS guide's nine-level example, with its "{}.{}.{}" template trimmed to the two
  // values it actually passes (as printed it would fail: 3 placeholders, 2 values).
  const char* text =
      "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem("
      "States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit("
      "States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
  EXPECT_EQ(out(text, R"({"ImageRecipe":{"Arn":"arn:aws:imagebuilder:us-east-1:1:image-recipe/x/1.2.3"}})"),
            R"("1.2")");
}

// ---- States.Format ---------------------------------------------------------------------

TEST(Format, ValuesPrintInTheirNaturalForm) {
  EXPECT_EQ(out("States.Format('{}|{}|{}|{}|{}', 'a', 1, 1.1, true, null)"), R"("a|1|1.1|true|null")");
  EXPECT_EQ(out("States.Format('{}', $.v)", R"({"v":{"a":"x","b":[1,"y",{"c":null}],"d":{}}})"),
            R"("{a=x, b=[1, y, {c=null}], d={}}")");
  EXPECT_EQ(out("States.Format('{}', $.v)", R"({"v":[]})"), R"("[]")");
  EXPECT_EQ(out("States.Format('{}', $.v)", R"({"v":2.50})"), R"("2.5")");
  EXPECT_EQ(out("States.Format('{}', $.v)", R"({"v":""})"), R"("")");
  EXPECT_EQ(out("States.Format('no placeholders')"), R"("no placeholders")");
}

TEST(Format, EscapedBracesAreLiteral) {
  EXPECT_EQ(out(R"(States.Format('\{\} is {}', 'x'))"), R"("{} is x")");
  EXPECT_EQ(out(R"(States.Format('\{{}\}', 'x'))"), R"("{x}")");
  EXPECT_EQ(out(R"(States.Format('a \\ b {}', 1))"), R"("a \\ b 1")");
}

TEST(Format, ValuesContainingBracesAreNotPlaceholders) {
  EXPECT_EQ(out("States.Format('{}-{}', $.a, $.b)", R"({"a":"{}","b":"x"})"), R"("{}-x")");
}

TEST(Format, WrongPlaceholderCount) {
  auto c = Intrinsic::compile("States.Format('{} {}', 1)");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "INVALID_INTRINSIC");
  EXPECT_NE(c.error().message.find("2 placeholders but 1 value was given"), std::string::npos)
      << c.error().message;
  EXPECT_EQ(compile_code("States.Format('{}', 1, 2)"), "INVALID_INTRINSIC");
  // A template read from the input is checked when it runs.
  EXPECT_EQ(
      out("States.Format($.t, 1)", R"({"t":"{} and {}"})"),
      "ERROR States.IntrinsicFailure: States.Format: the template has 2 placeholders but 1 value was given");
  EXPECT_EQ(out("States.Format($.t, 1, 2)", R"({"t":"{} and {}"})"), R"("1 and 2")");
}

TEST(Format, TemplateMustBeAString) {
  EXPECT_EQ(compile_code("States.Format(1)"), "INVALID_INTRINSIC");
  EXPECT_EQ(out("States.Format($.t)", R"({"t":5})"),
            "ERROR States.IntrinsicFailure: States.Format: argument 1 must be a string, but was a number");
}

// ---- Parsing ----------------------------------------------------------------------------

TEST(Parse, LiteralEscapes) {
  EXPECT_EQ(out(R"(States.Format('it\'s \\ \{\}'))"), R"("it's \\ {}")");
  EXPECT_EQ(out("States.Format('line\nbreak')"), R"("line\nbreak")");  // raw newline accepted
  EXPECT_EQ(compile_code(R"(States.Format('lone \ backslash'))"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code(R"(States.Format('quote \" rejected'))"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code(R"(States.Format('\n'))"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code(R"(States.Format('open \)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Format('unterminated)"), "INVALID_INTRINSIC");
}

TEST(Parse, NumbersAndKeywords) {
  EXPECT_EQ(out("States.Array(0, -1, 1.5, -2.5E-1, 1e3, 12345678901234567890)"),
            "[0,-1,1.5,-0.25,1000.0,1.2345678901234567E19]");
  EXPECT_EQ(compile_code("States.Array(01)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array(1.)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array(-)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array(.5)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array(nulls)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array(True)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array(\"x\")"), "INVALID_INTRINSIC");
}

TEST(Parse, StructureErrors) {
  auto c = Intrinsic::compile("States.Nope(1)");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "INVALID_INTRINSIC");
  EXPECT_NE(c.error().message.find("unknown intrinsic function 'States.Nope'"), std::string::npos);
  EXPECT_EQ(compile_code("States.Array(1,)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array(,1)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array(1 2)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array(1"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array(1) x"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array (1)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("states.Array(1)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code(""), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array(1)  "), "ok");
  EXPECT_EQ(compile_code("States.Array(\n1,\t2 )"), "ok");
}

TEST(Parse, ArgumentCounts) {
  auto c = Intrinsic::compile("States.ArrayGetItem($.a)");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("States.ArrayGetItem takes 2 arguments but 1 was given"),
            std::string::npos)
      << c.error().message;
  EXPECT_EQ(compile_code("States.MathRandom(1)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.MathRandom(1, 2, 3, 4)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Format()"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.JsonMerge($.a, $.b)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.ArrayRange(1, 2)"), "INVALID_INTRINSIC");
}

TEST(Parse, NestingLimitIsTen) {
  std::string ten = "States.Array(";
  for (int i = 0; i < 9; ++i) ten += "States.Array(";
  ten += std::string(10, ')');
  EXPECT_EQ(compile_code(ten), "ok");
  EXPECT_EQ(out(ten), "[[[[[[[[[[]]]]]]]]]]");
  EXPECT_EQ(compile_code("States.Array(" + ten + ")"), "INVALID_INTRINSIC");
}

TEST(Parse, PathArgumentsRunToTopLevelDelimiters) {
  const char* input =
      R"J({"a,b":"comma","x(y)":"paren","items":[{"k":"p,q","v":1},{"k":"z","v":2}],"n":[10,20]})J";
  EXPECT_EQ(out("States.Array($['a,b'], $['x(y)'])", input), R"(["comma","paren"])");
  EXPECT_EQ(out("States.Array($.items[?(@.k == 'p,q')].v , $.n[1])", input), R"([[1],20])");
  EXPECT_EQ(out("States.ArrayLength($.n)", input), "2");
  EXPECT_EQ(compile_code("States.Array($['unterminated)"), "INVALID_INTRINSIC");
  EXPECT_EQ(compile_code("States.Array($..)"), "INVALID_INTRINSIC");
}

TEST(Parse, LooksLikeIntrinsic) {
  EXPECT_TRUE(Intrinsic::looks_like_intrinsic("States.Format('x')"));
  EXPECT_TRUE(Intrinsic::looks_like_intrinsic("States.Nope("));
  EXPECT_FALSE(Intrinsic::looks_like_intrinsic("States.("));
  EXPECT_FALSE(Intrinsic::looks_like_intrinsic("States.Format"));
  EXPECT_FALSE(Intrinsic::looks_like_intrinsic("$.a"));
  EXPECT_FALSE(Intrinsic::looks_like_intrinsic(" States.Format('x')"));
}

// ---- Paths, context and variables ------------------------------------------------

TEST(Paths, MissingPathPropagatesThePathError) {
  auto c = Intrinsic::compile("States.Format('{}', States.JsonToString($.missing))");
  ASSERT_TRUE(c.ok());
  TestRoots roots(J(R"({"a":1})"));
  CountingEntropy e;
  const JsonPath* failed = nullptr;
  auto r = c->evaluate(roots, e, &failed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "PATH_NOT_FOUND");
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->text(), "$.missing");
  auto r2 = c->evaluate(roots, e);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, "PATH_NOT_FOUND");
}

TEST(Paths, ContextAndVariables) {
  TestRoots roots(J(R"({"a":1})"), J(R"({"Execution":{"Id":"exec-1"}})"));
  roots.set("myVar", J(R"({"items":[3,4]})"));
  roots.set("n", Value::integer(5));
  EXPECT_EQ(eval("States.Format('{}/{}/{}', $$.Execution.Id, $myVar.items[1], $n)", roots)->dump(),
            R"("exec-1/4/5")");
  EXPECT_EQ(eval("States.MathAdd($n, $.a)", roots)->dump(), "6");
  EXPECT_FALSE(eval("States.MathAdd($nope, 1)", roots).ok());
}

TEST(Compiled, NameUsesContextAndFolding) {
  auto c = Intrinsic::compile("States.Format('{}', States.ArrayLength($$.Map.Items))");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name(), "States.Format");
  EXPECT_TRUE(c->uses_context());
  auto d = Intrinsic::compile("States.Format('{}', $.a)");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->uses_context());

  // Constant calls are computed once: every evaluation shares the same result.
  auto k = Intrinsic::compile("States.ArrayRange(1, 500, 1)");
  ASSERT_TRUE(k.ok());
  TestRoots roots(Value::empty_object());
  CountingEntropy e;
  auto r1 = k->evaluate(roots, e), r2 = k->evaluate(roots, e);
  ASSERT_TRUE(r1.ok() && r2.ok());
  EXPECT_NE(r1->identity(), nullptr);
  EXPECT_EQ(r1->identity(), r2->identity());
  // UUID is never folded.
  auto u = Intrinsic::compile("States.Array(States.UUID())");
  ASSERT_TRUE(u.ok());
  EXPECT_NE(u->evaluate(roots, e)->dump(), u->evaluate(roots, e)->dump());
  // A constant call that fails still fails when evaluated (catchable at run time).
  EXPECT_EQ(code_of("States.ArrayGetItem(States.Array(1), 3)"), "States.IntrinsicFailure");
}

}  // namespace
}  // namespace sg::json
