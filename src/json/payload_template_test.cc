#include "json/payload_template.h"

#include <gtest/gtest.h>

#include <string>

#include "json/intrinsics_test_util.h"

namespace sg::json {
namespace {

using namespace sg::json::testing;  // NOLINT

class FixedEntropy final : public Entropy {
 public:
  uint64_t next_u64() override { return n_ += 0x9e3779b97f4a7c15ull; }

 private:
  uint64_t n_ = 0;
};

PayloadTemplate compile_ok(std::string_view tmpl) {
  auto t = PayloadTemplate::compile(J(tmpl));
  EXPECT_TRUE(t.ok()) << (t ? "" : t.error().message);
  return t ? *t : PayloadTemplate();
}

std::string run(std::string_view tmpl, const PathRoots& roots) {
  auto t = PayloadTemplate::compile(J(tmpl));
  if (!t) return "COMPILE " + t.error().code + ": " + t.error().message;
  FixedEntropy e;
  auto r = t->evaluate(roots, e);
  if (!r) return "ERROR " + r.error().code + ": " + r.error().message;
  return r->dump();
}

std::string run(std::string_view tmpl, std::string_view input) { return run(tmpl, TestRoots(J(input))); }

// ---- Evaluation -----------------------------------------------------------------------

TEST(PayloadTemplate, DollarKeysAtAnyDepth) {
  EXPECT_EQ(run(R"({"a.$":"$.x","lit":"$.x",)"
                R"("o":{"b.$":"$.y[0]","c":1,"arr":[{"d.$":"$.x"},2,"$.x",[{"e.$":"$$"}]]}})",
                R"({"x":"X","y":[true]})"),
            R"({"a":"X","lit":"$.x","o":{"b":true,"c":1,"arr":[{"d":"X"},2,"$.x",[{"e":{}}]]}})");
}

TEST(PayloadTemplate, KeysWithoutDollarSuffixAreLiteral) {
  EXPECT_EQ(run(R"J({"result":"$result","f":"States.Format('x')","n":null})J", "{}"),
            R"J({"result":"$result","f":"States.Format('x')","n":null})J");
}

TEST(PayloadTemplate, IntrinsicsAndPathsMix) {
  EXPECT_EQ(
      run(R"J({"msg.$":"States.Format('item-{}-of-{}', $.i, $.n)","pair.$":"States.Array($.i, $.n, 'x')",)J"
          R"("whole.$":"$"})",
          R"({"i":1,"n":3})"),
      R"({"msg":"item-1-of-3","pair":[1,3,"x"],"whole":{"i":1,"n":3}})");
}

TEST(PayloadTemplate, KeepsMemberOrder) {
  EXPECT_EQ(run(R"({"z":1,"y.$":"$.a","x":2})", R"({"a":0})"), R"({"z":1,"y":0,"x":2})");
}

TEST(PayloadTemplate, StaticTemplateIsReturnedItself) {
  Value tmpl = J(R"J({"a":{"b":[1,2,{"c":"$.x"}]},"d":"States.UUID()"})J");
  auto t = PayloadTemplate::compile(tmpl);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->is_static());
  EXPECT_FALSE(t->uses_context());
  TestRoots roots(J(R"({"x":1})"));
  FixedEntropy e;
  auto r = t->evaluate(roots, e);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(tmpl.identity(), nullptr);
  EXPECT_EQ(r->identity(), tmpl.identity());
}

TEST(PayloadTemplate, StaticSubtreesAreShared) {
  Value tmpl = J(R"({"big":{"k":[1,2,3],"s":"a long string value here"},"v.$":"$.x"})");
  auto t = PayloadTemplate::compile(tmpl);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->is_static());
  TestRoots roots(J(R"({"x":{"deep":[1]}})"));
  FixedEntropy e;
  auto r = t->evaluate(roots, e);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->find("big")->identity(), tmpl.find("big")->identity());
  EXPECT_EQ(r->find("v")->identity(), roots.input().find("x")->identity());
}

TEST(PayloadTemplate, NonObjectTemplatesAndDefault) {
  Value arr = J(R"([{"a.$":"$.x"}])");
  auto t = PayloadTemplate::compile(arr);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->is_static());
  TestRoots roots(J("{}"));
  FixedEntropy e;
  EXPECT_EQ(t->evaluate(roots, e)->identity(), arr.identity());
  EXPECT_EQ(run(R"("text")", "{}"), R"("text")");
  PayloadTemplate none;
  EXPECT_TRUE(none.evaluate(roots, e)->is_null());
}

TEST(PayloadTemplate, ContextAndVariablePaths) {
  TestRoots roots(J(R"({"a":1})"), J(R"({"Execution":{"Name":"ex"},"Map":{"Item":{"Index":3}}})"));
  roots.set("myVar", J(R"({"list":["p","q"]})"));
  EXPECT_EQ(
      run(R"({"n.$":"$$.Execution.Name","i.$":"$$.Map.Item.Index","v.$":"$myVar.list[1]","w.$":"$myVar"})",
          roots),
      R"({"n":"ex","i":3,"v":"q","w":{"list":["p","q"]}})");
}

TEST(PayloadTemplate, UsesContext) {
  EXPECT_FALSE(compile_ok(R"({"a.$":"$.x"})").uses_context());
  EXPECT_TRUE(compile_ok(R"({"a.$":"$$.Execution.Id"})").uses_context());
  EXPECT_TRUE(compile_ok(R"J({"o":[{"a.$":"States.Format('{}', $$.State.Name)"}]})J").uses_context());
  EXPECT_FALSE(compile_ok(R"({"a":"$$.Execution.Id"})").uses_context());
}

// ---- Compile errors -------------------------------------------------------------------

TEST(PayloadTemplateErrors, InvalidDollarValues) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"parsed.$": 5})", "parsed.$"},
      {R"({"parsed.$": null})", "parsed.$"},
      {R"({"parsed.$": "ConditionTrue"})", "parsed.$"},
      {R"({"parsed.$": "$.a["})", "parsed.$"},
      {R"J({"parsed.$": "States.Nope()"})J", "parsed.$"},
      {R"J({"parsed.$": "States.Format('a\\\"b')"})J", "parsed.$"},  // backslash + quote
      {R"({"ok.$": "$.a", "o": {"arr": [1, {"deep.$": "States.Array("}]}})", "deep.$"},
  };
  for (auto [tmpl, field] : cases) {
    std::string got_field;
    auto t = PayloadTemplate::compile(J(tmpl), &got_field);
    ASSERT_FALSE(t.ok()) << tmpl;
    EXPECT_EQ(t.error().code, "INVALID_TEMPLATE");
    EXPECT_EQ(t.error().message, "The value for the field '" + std::string(field) +
                                     "' must be a valid JSONPath or a valid intrinsic function call");
    EXPECT_EQ(got_field, field);
  }
}

TEST(PayloadTemplateErrors, DuplicateKeysAfterRenaming) {
  std::string field;
  auto t = PayloadTemplate::compile(J(R"({"a": 1, "a.$": "$.x"})"), &field);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "INVALID_TEMPLATE");
  EXPECT_EQ(field, "a.$");
}

// ---- Runtime failures -----------------------------------------------------------------

TEST(PayloadTemplateErrors, MissingPathIsStatesRuntime) {
  EXPECT_EQ(run(R"({"value.$":"$.no_such_jsonpath"})", R"({"a": [1, "x"]})"),
            "ERROR States.Runtime: The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' "
            R"(could not be found in the input '{"a":[1,"x"]}')");
  EXPECT_EQ(run(R"({"o":{"deep.$":"$.a.b.c"}})", R"({"a":{}})"),
            "ERROR States.Runtime: The JSONPath '$.a.b.c' specified for the field 'deep.$' "
            R"(could not be found in the input '{"a":{}}')");
}

TEST(PayloadTemplateErrors, MissingContextPathShowsTheContext) {
  TestRoots roots(J(R"({"a":1})"), J(R"({"Execution":{"Id":"e"}})"));
  EXPECT_EQ(run(R"({"v.$":"$$.Nope"})", roots),
            "ERROR States.Runtime: The JSONPath '$$.Nope' specified for the field 'v.$' "
            R"(could not be found in the input '{"Execution":{"Id":"e"}}')");
}

TEST(PayloadTemplateErrors, MissingVariablePathShowsTheVariable) {
  TestRoots roots(J(R"({"a":1})"));
  roots.set("v", J(R"({"x":1})"));
  EXPECT_EQ(run(R"({"r.$":"$v.y"})", roots),
            "ERROR States.Runtime: The JSONPath '$v.y' specified for the field 'r.$' "
            R"(could not be found in the input '{"x":1}')");
  auto unknown = run(R"({"r.$":"$nope"})", roots);
  EXPECT_EQ(unknown.rfind("ERROR States.Runtime: ", 0), 0u) << unknown;
}

TEST(PayloadTemplateErrors, MissingPathInsideIntrinsic) {
  EXPECT_EQ(run(R"J({"m.$":"States.Format('{}', $.gone)"})J", R"({"a":1})"),
            "ERROR States.Runtime: The JSONPath '$.gone' specified for the field 'm.$' "
            R"(could not be found in the input '{"a":1}')");
}

TEST(PayloadTemplateErrors, IntrinsicFailurePassesThrough) {
  EXPECT_EQ(
      run(R"J({"x":{"i.$":"States.ArrayGetItem($.a, 5)"}})J", R"({"a":[1]})"),
      "ERROR States.IntrinsicFailure: States.ArrayGetItem: index 5 is out of bounds for an array of 1 item");
}

// ---- Expression -----------------------------------------------------------------------

TEST(Expression, PathsAndIntrinsics) {
  auto p = Expression::compile("$.err");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->is_path());
  EXPECT_EQ(p->text(), "$.err");
  EXPECT_EQ(p->path().text(), "$.err");
  auto i = Expression::compile("States.Format('E{}', $.code)");
  ASSERT_TRUE(i.ok());
  EXPECT_FALSE(i->is_path());
  TestRoots roots(J(R"({"err":"Boom","code":42})"));
  FixedEntropy e;
  EXPECT_EQ(p->evaluate(roots, e, "ErrorPath")->dump(), R"("Boom")");
  EXPECT_EQ(i->evaluate(roots, e, "CausePath")->dump(), R"("E42")");
}

TEST(Expression, Failures) {
  EXPECT_FALSE(Expression::compile("Boom").ok());
  EXPECT_FALSE(Expression::compile("$.a[").ok());
  EXPECT_FALSE(Expression::compile("States.Nope()").ok());
  auto p = Expression::compile("$.missing");
  ASSERT_TRUE(p.ok());
  TestRoots roots(J(R"({"a":1})"));
  FixedEntropy e;
  auto r = p->evaluate(roots, e, "ErrorPath");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "States.Runtime");
  EXPECT_EQ(r.error().message,
            "The JSONPath '$.missing' specified for the field 'ErrorPath' could not be found in the input "
            R"('{"a":1}')");
  auto i = Expression::compile("States.ArrayGetItem($.a, 0)");
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->evaluate(roots, e, "CausePath").error().code, "States.IntrinsicFailure");
}

}  // namespace
}  // namespace sg::json
