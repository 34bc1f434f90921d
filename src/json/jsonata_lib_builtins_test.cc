// The built-in function families called directly (no parser, no evaluator): arguments as
// the evaluator hands them over after checking the signature.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "json/jsonata_eval.h"
#include "json/jsonata_functions.h"
#include "json/jsonata_regex.h"
#include "json/jsonata_value.h"

namespace sg::json::jsonata {
namespace {

class FakeContext : public CallContext {
 public:
  const JValue& focus() const override { return focus_; }
  Outcome call(const JValue&, std::span<const JValue>) override { return make_error("T1006"); }
  int64_t now_ms() const override { return 1521801216617; }
  uint64_t random_u64() override {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_;
  }
  bool charge(uint64_t units, Error* error) override {
    used_ += units;
    if (used_ > budget_) {
      *error = make_error("U1001");
      return false;
    }
    return true;
  }
  size_t max_result_size() const override { return 1 << 20; }

 private:
  JValue focus_;
  uint64_t state_ = 42;
  uint64_t used_ = 0;
  uint64_t budget_ = 1 << 24;
};

const Builtin* find(std::string_view name) {
  for (auto family : {string_builtins(), numeric_builtins(), format_builtins(), aggregation_builtins(),
                      array_builtins(), object_builtins(), datetime_builtins()}) {
    for (const Builtin& b : family)
      if (b.name == name) return &b;
  }
  return nullptr;
}

// Calls $name; the result as JSON text ("undefined" for nothing, "error CODE" on failure).
std::string call(std::string_view name, std::initializer_list<JValue> args) {
  const Builtin* b = find(name);
  if (b == nullptr) return "no such function";
  FakeContext ctx;
  std::vector<JValue> a(args);
  Outcome r = b->fn(ctx, a);
  if (!r.ok()) return "error " + r.error().code;
  auto json = r.value().to_json();
  if (!json) return "undefined";
  return json->dump();
}

Error call_error(std::string_view name, std::initializer_list<JValue> args) {
  FakeContext ctx;
  std::vector<JValue> a(args);
  Outcome r = find(name)->fn(ctx, a);
  return r.ok() ? Error{} : r.error();
}

JValue S(std::string_view s) { return JValue::string(s); }
JValue N(double d) { return JValue::number(d); }
JValue A(std::vector<JValue> items) { return JValue::array(std::move(items)); }
JValue U() { return JValue(); }
JValue R(std::string_view pattern, std::string_view flags = "") {
  std::string err;
  auto re = compile_regex(pattern, flags, &err);
  EXPECT_TRUE(re) << err;
  // A regex value is a function wrapping the compiled pattern.
  auto fn = std::make_shared<Function>();
  fn->kind = Function::Kind::kRegex;
  fn->regex = re;
  return JValue::function(fn);
}

TEST(StringBuiltins, Basics) {
  EXPECT_EQ(call("length", {S("\U0001D11E\U0001F4A9")}), "2");
  EXPECT_EQ(call("length", {U()}), "undefined");
  EXPECT_EQ(call("substring", {S("hello world"), N(-5), N(1)}), "\"w\"");
  EXPECT_EQ(call("substringBefore", {S("Hello World"), S("l")}), "\"He\"");
  EXPECT_EQ(call("substringAfter", {S("Hello World"), S("l")}), "\"lo World\"");
  EXPECT_EQ(call("substringAfter", {S("Hello World"), S("f")}), "\"Hello World\"");
  EXPECT_EQ(call("uppercase", {S("Hello World")}), "\"HELLO WORLD\"");
  EXPECT_EQ(call("trim", {S("   Hello  \n  \t World  \t ")}), "\"Hello World\"");
  EXPECT_EQ(call("pad", {S("foo"), N(-5), U()}), "\"  foo\"");
  EXPECT_EQ(call("pad", {S("foo"), N(1e12), U()}), "error U1001");
  EXPECT_EQ(call("contains", {S("Hello World"), S("lo")}), "true");
  EXPECT_EQ(call("contains", {S("Hello World"), S("world")}), "false");
  EXPECT_EQ(call("join", {A({S("hello"), S("world")}), S(", ")}), "\"hello, world\"");
  EXPECT_EQ(call("join", {A({S("hello")}), U()}), "\"hello\"");
  EXPECT_EQ(call("base64decode", {S("aGVsbG86d29ybGQ=")}), "\"hello:world\"");
  EXPECT_EQ(call("encodeUrlComponent", {S("?x=test")}), "\"%3Fx%3Dtest\"");
  Error e = call_error("decodeUrl", {S("%E0%A4%A")});
  EXPECT_EQ(e.code, "D3140");
  EXPECT_EQ(e.message, "Malformed URL passed to $decodeUrl(): \"%E0%A4%A\"");
}

TEST(StringBuiltins, SplitAndReplaceWithStrings) {
  EXPECT_EQ(call("split", {S("Hello  World"), S(" "), U()}), "[\"Hello\",\"\",\"World\"]");
  EXPECT_EQ(call("split", {S("a, b, c, d"), S(", "), N(2.5)}), "[\"a\",\"b\"]");
  EXPECT_EQ(call("split", {S("a, b, c, d"), S(", "), N(0)}), "[]");
  EXPECT_EQ(call("split", {S("a, b, c, d"), S(", "), N(-3)}), "error D3020");
  EXPECT_EQ(call("split", {S("12\U0001F4A9345\U0001F4A96"), S("\U0001F4A9"), U()}), "[\"12\",\"345\",\"6\"]");
  EXPECT_EQ(call("replace", {S("the cat sat on the mat"), S("at"), S("it"), U()}),
            "\"the cit sit on the mit\"");
  EXPECT_EQ(call("replace", {S("the cat sat on the mat"), S("at"), S("it"), N(2)}),
            "\"the cit sit on the mat\"");
  EXPECT_EQ(call("replace", {S("hello"), S(""), S("bye"), U()}), "error D3010");
  EXPECT_EQ(call("replace", {S("hello"), S("l"), S("1"), N(-2)}), "error D3011");
}

TEST(StringBuiltins, Regexes) {
  EXPECT_EQ(call("split", {S("ababbxabbcc"), R("b+"), U()}), "[\"a\",\"a\",\"xa\",\"cc\"]");
  EXPECT_EQ(call("split", {S("ababbxabbcc"), R("b+"), N(2)}), "[\"a\",\"a\"]");
  EXPECT_EQ(call("split", {S("ababbxabbcc"), R("d+"), U()}), "[\"ababbxabbcc\"]");
  EXPECT_EQ(call("contains", {S("ababbxabbcc"), R("ab+")}), "true");
  EXPECT_EQ(call("contains", {S("ababbxabbcc"), R("ax+")}), "false");
  EXPECT_EQ(call("replace", {S("ababbxabbcc"), R("b+"), S("yy"), N(2)}), "\"ayyayyxabbcc\"");
  EXPECT_EQ(call("replace", {S("John Smith"), R("(\\w+)\\s(\\w+)"), S("$2, $1"), U()}), "\"Smith, John\"");
  EXPECT_EQ(call("replace", {S("265USD"), R("([0-9]+)USD"), S("$0 -> $$$1"), U()}), "\"265USD -> $265\"");
  EXPECT_EQ(call("replace", {S("265USD"), R("([0-9]+)USD"), S("$w"), U()}), "\"$w\"");
  EXPECT_EQ(call("replace", {S("abcd"), R("(ab)|(a)"), S("[1=$1][2=$2]"), U()}), "\"[1=ab][2=]cd\"");
  EXPECT_EQ(call("replace", {S("abracadabra"), R("a.*?a"), S("*"), U()}), "\"*c*bra\"");
  EXPECT_EQ(call("replace", {S("abracadabra"), R(".*?"), S("$1"), U()}), "error D1004");
  EXPECT_EQ(call("replace", {S("AAAA"), R("A+?"), S("b"), U()}), "\"bbbb\"");
  EXPECT_EQ(call("replace", {S("abcdefghijklmno"), R("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)(m)"),
                             S("$8$5$12$12$18$123"), U()}),
            "\"hella8l3no\"");
  EXPECT_EQ(call("replace", {S("abcdefghijklmno"), R("ijk"), S("$8$5$12$12$18$123"), U()}),
            "\"abcdefgh22823lmno\"");
  EXPECT_EQ(call("replace", {S("abcdefghijklmno"), R("(ijk)"), S("$x$"), U()}), "\"abcdefgh$x$lmno\"");
  EXPECT_EQ(call("match", {S("ababbabbcc"), R("a(b+)"), U()}),
            "[{\"match\":\"ab\",\"index\":0,\"groups\":[\"b\"]},{\"match\":\"abb\",\"index\":2,\"groups\":"
            "[\"bb\"]},{\"match\":\"abb\",\"index\":5,\"groups\":[\"bb\"]}]");
  // A sequence (the evaluator unwraps a single match); index counts UTF-16 units.
  EXPECT_EQ(call("match", {S("\U0001F600ab"), R("b"), U()}), "[{\"match\":\"b\",\"index\":3,\"groups\":[]}]");
  EXPECT_EQ(call("match", {S("ab"), R("a"), N(-1)}), "error D3040");
}

TEST(NumericBuiltins, Basics) {
  EXPECT_EQ(call("number", {S("0x12")}), "18");
  EXPECT_EQ(call("number", {S("1e0")}), "1");
  EXPECT_EQ(call("number", {JValue::boolean(true)}), "1");
  EXPECT_EQ(call("number", {S("10e500")}), "error D3030");
  EXPECT_EQ(call("number", {S("")}), "error D3030");
  EXPECT_EQ(call_error("number", {S("abc")}).message, "Unable to cast value to a number: \"abc\"");
  EXPECT_EQ(call("abs", {N(-3.7)}), "3.7");
  EXPECT_EQ(call("floor", {N(-3.7)}), "-4");
  EXPECT_EQ(call("ceil", {N(-3.7)}), "-3");
  EXPECT_EQ(call("ceil", {N(-0.5)}), "0");
  EXPECT_EQ(call("round", {N(4.525), N(2)}), "4.52");
  EXPECT_EQ(call("round", {N(-8.5), U()}), "-8");
  EXPECT_EQ(call("power", {N(10), N(-2)}), "0.01");
  EXPECT_EQ(call("power", {N(-2), N(1.0 / 3)}), "error D3061");
  EXPECT_EQ(call("power", {N(100), N(1000)}), "error D3061");
  EXPECT_EQ(call("sqrt", {N(-2)}), "error D3060");
  EXPECT_EQ(call("sqrt", {N(4)}), "2");
}

TEST(AggregationBuiltins, Basics) {
  EXPECT_EQ(call("sum", {A({N(1), N(2), N(3)})}), "6");
  EXPECT_EQ(call("sum", {A({})}), "0");
  EXPECT_EQ(call("sum", {U()}), "undefined");
  EXPECT_EQ(call("max", {A({N(-1), N(-5)})}), "-1");
  EXPECT_EQ(call("max", {A({})}), "undefined");
  EXPECT_EQ(call("min", {A({N(1), N(2), N(3)})}), "1");
  EXPECT_EQ(call("average", {A({N(1), N(2), N(3)})}), "2");
  EXPECT_EQ(call("average", {A({})}), "undefined");
  EXPECT_EQ(call("count", {U()}), "0");
  EXPECT_EQ(call("count", {A({S("1"), N(3)})}), "2");
}

TEST(FormatBuiltins, Basics) {
  EXPECT_EQ(call("formatNumber", {N(12345678.9), S("9,999.99"), U()}), "\"12,345,678.90\"");
  EXPECT_EQ(call("formatNumber", {N(0.14), S("###pm"), JValue::object({{"per-mille", S("pm")}})}),
            "\"140pm\"");
  EXPECT_EQ(call("formatNumber", {N(20), S("#;#;#"), U()}), "error D3080");
  EXPECT_EQ(call("formatBase", {N(99.5), N(2.5)}), "\"1100100\"");
  EXPECT_EQ(call("formatBase", {N(100), U()}), "\"100\"");
  EXPECT_EQ(call("formatBase", {N(100), N(37)}), "error D3100");
  EXPECT_EQ(call("formatInteger", {N(2018.7), S("w")}), "\"two thousand and eighteen\"");
  EXPECT_EQ(call("parseInteger", {S("MCMLXXXIV"), S("I")}), "1984");
  EXPECT_EQ(call("parseInteger", {S("50"), S("#")}), "error D3130");
}

TEST(ArrayBuiltins, Basics) {
  EXPECT_EQ(call("append", {N(1), A({N(3), N(4)})}), "[1,3,4]");
  EXPECT_EQ(call("append", {N(1), U()}), "1");
  EXPECT_EQ(call("reverse", {A({N(1), N(2), N(3)})}), "[3,2,1]");
  EXPECT_EQ(call("distinct", {A({N(1), N(2), N(1), S("1")})}), "[1,2,\"1\"]");
  EXPECT_EQ(call("distinct", {S("hello")}), "\"hello\"");
  EXPECT_EQ(call("zip", {A({N(1), N(2), N(3)}), A({N(4), N(5), N(6)})}), "[[1,4],[2,5],[3,6]]");
  EXPECT_EQ(call("zip", {A({N(1), N(2), N(3)}), A({N(4), N(5), N(6)}), U()}), "[]");
  std::string shuffled = call("shuffle", {A({N(1), N(2), N(3), N(4)})});
  EXPECT_EQ(shuffled.size(), std::string("[1,2,3,4]").size());
}

TEST(ObjectBuiltins, Basics) {
  JValue obj = JValue::object({{"a", N(1)}, {"b", A({N(2), N(3)})}});
  EXPECT_EQ(call("keys", {obj}), "[\"a\",\"b\"]");
  EXPECT_EQ(call("keys", {JValue::object({})}), "[]");  // an empty sequence: undefined to callers
  EXPECT_EQ(call("keys", {A({obj, JValue::object({{"c", N(1)}, {"a", N(2)}})})}), "[\"a\",\"b\",\"c\"]");
  EXPECT_EQ(call("lookup", {obj, S("a")}), "1");
  EXPECT_EQ(call("lookup", {A({obj, obj}), S("b")}), "[2,3,2,3]");
  EXPECT_EQ(call("spread", {obj}), "[{\"a\":1},{\"b\":[2,3]}]");
  EXPECT_EQ(call("spread", {S("Hello World")}), "\"Hello World\"");
  EXPECT_EQ(call("merge", {A({JValue::object({{"a", N(1)}}), JValue::object({{"b", N(2)}, {"a", N(3)}})})}),
            "{\"a\":3,\"b\":2}");
  Error e = call_error("error", {S("Too Expensive")});
  EXPECT_EQ(e.code, "D3137");
  EXPECT_EQ(e.message, "Too Expensive");
  EXPECT_EQ(call_error("error", {U()}).message, "$error() function evaluated");
  EXPECT_EQ(call("assert", {JValue::boolean(true), S("x")}), "undefined");
  e = call_error("assert", {JValue::boolean(false), U()});
  EXPECT_EQ(e.code, "D3141");
  EXPECT_EQ(e.message, "$assert() statement failed");
}

TEST(DatetimeBuiltins, Basics) {
  EXPECT_EQ(call("now", {U(), U()}), "\"2018-03-23T10:33:36.617Z\"");
  EXPECT_EQ(call("now", {S("[Y0001]"), U()}), "\"2018\"");
  EXPECT_EQ(call("millis", {}), "1521801216617");
  EXPECT_EQ(call("fromMillis", {N(1509380732935), U(), U()}), "\"2017-10-30T16:25:32.935Z\"");
  EXPECT_EQ(call("fromMillis", {N(1540127100000), U(), S("-0500")}), "\"2018-10-21T08:05:00.000-05:00\"");
  EXPECT_EQ(call("toMillis", {S("2017-10-30T15:28:34Z"), U()}), "1509377314000");
  EXPECT_EQ(call("toMillis", {S("foo"), U()}), "error D3110");
  EXPECT_EQ(call("toMillis", {S("13:45"), S("[H]:[m]")}), "1521812700000");
}

}  // namespace
}  // namespace sg::json::jsonata
