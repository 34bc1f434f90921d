// Behaviour of each of the 18 intrinsic functions, including AWS quirks and limits.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "json/intrinsics.h"
#include "json/intrinsics_test_util.h"

namespace sg::json {
namespace {

using namespace sg::json::testing;  // NOLINT

// ---- JSON conversion ------------------------------------------------------------------

TEST(StringToJson, BlankGivesNullAndMinusZeroGivesZero) {
  EXPECT_EQ(out("States.StringToJson('')"), "null");
  EXPECT_EQ(out("States.StringToJson(' ')"), "null");
  EXPECT_EQ(out("States.StringToJson($.s)", R"({"s":" \n\t "})"), "null");
  EXPECT_EQ(out("States.StringToJson('-0')"), "0");
  EXPECT_EQ(out("States.StringToJson('[1, \"a\", {\"b\": null}]')"), R"([1,"a",{"b":null}])");
}

TEST(StringToJson, UnescapedBracesOutsideFormatAreAccepted) {
  EXPECT_EQ(out(R"(States.StringToJson('{"constant_in_literal": "false"}'))"),
            R"({"constant_in_literal":"false"})");
}

TEST(StringToJson, InvalidJsonFails) {
  EXPECT_EQ(code_of("States.StringToJson($.s)", R"({"s":"{nope"})"), "States.IntrinsicFailure");
  EXPECT_EQ(code_of("States.StringToJson($.s)", R"({"s":5})"), "States.IntrinsicFailure");
}

TEST(JsonToString, CompactSerialisation) {
  EXPECT_EQ(out("States.JsonToString($.v)", R"({"v": {"Arg1": 1, "Arg2": []}})"),
            R"("{\"Arg1\":1,\"Arg2\":[]}")");
  EXPECT_EQ(out("States.JsonToString($.v)", R"({"v":"HelloWorld"})"), R"("\"HelloWorld\"")");
  EXPECT_EQ(out("States.JsonToString($.v)", R"({"v":null})"), R"("null")");
  EXPECT_EQ(out("States.JsonToString(1.5)"), R"("1.5")");
}

// ---- Arrays -----------------------------------------------------------------------------

TEST(Array, KeepsTypes) {
  EXPECT_EQ(out("States.Array()"), "[]");
  EXPECT_EQ(out("States.Array( 1 , 'two' ,true,false, null, 2.5e1 , $.x)", R"({"x":[1]})"),
            R"([1,"two",true,false,null,25.0,[1]])");
}

TEST(ArrayPartition, Chunks) {
  EXPECT_EQ(out("States.ArrayPartition($.a, 2)", R"({"a":[]})"), "[]");
  EXPECT_EQ(out("States.ArrayPartition($.a, 5)", R"({"a":[0,1,2]})"), "[[0,1,2]]");
  EXPECT_EQ(out("States.ArrayPartition($.a, 1)", R"({"a":[0,1,2]})"), "[[0],[1],[2]]");
  EXPECT_EQ(out("States.ArrayPartition($.a, 2)", R"({"a":[0,1,2,3]})"), "[[0,1],[2,3]]");
}

TEST(ArrayPartition, SizeMustBeAPositiveInteger) {
  EXPECT_EQ(code_of("States.ArrayPartition($.a, 0)", R"({"a":[1]})"), "States.IntrinsicFailure");
  EXPECT_EQ(code_of("States.ArrayPartition($.a, -1)", R"({"a":[1]})"), "States.IntrinsicFailure");
  EXPECT_EQ(code_of("States.ArrayPartition($.a, 1.5)", R"({"a":[1]})"), "States.IntrinsicFailure");
  EXPECT_EQ(compile_code("States.ArrayPartition('abc', 1)"), "INVALID_INTRINSIC");
  EXPECT_EQ(
      out("States.ArrayPartition($.a, $.n)", R"({"a":"abc","n":1})"),
      "ERROR States.IntrinsicFailure: States.ArrayPartition: argument 1 must be an array, but was a string");
}

TEST(ArrayContains, DeepEquality) {
  const char* text = "States.ArrayContains($.a, $.v)";
  EXPECT_EQ(out(text, R"({"a":[[1,2,3],2],"v":[1,2,3]})"), "true");
  EXPECT_EQ(out(text, R"({"a":[[1,2,3],2],"v":null})"), "false");
  EXPECT_EQ(out(text, R"({"a":[],"v":null})"), "false");
  EXPECT_EQ(out(text, R"({"a":[],"v":[]})"), "false");
  EXPECT_EQ(out(text, R"({"a":[{"1":2,"2":[]}],"v":{"2":[],"1":2}})"), "true");
  EXPECT_EQ(out(text, R"({"a":[{"1":2,"2":[]}],"v":[]})"), "false");
  EXPECT_EQ(out(text, R"({"a":[true,false],"v":false})"), "true");
  EXPECT_EQ(out("States.ArrayContains($.a, 'x')", R"({"a":["y","x"]})"), "true");
}

TEST(ArrayRange, EndIsInclusive) {
  EXPECT_EQ(out("States.ArrayRange(0, 9, 3)"), "[0,3,6,9]");
  EXPECT_EQ(out("States.ArrayRange(0, 10, 3)"), "[0,3,6,9]");
  EXPECT_EQ(out("States.ArrayRange(1, 9, 9)"), "[1]");
  EXPECT_EQ(out("States.ArrayRange(5, 5, 1)"), "[5]");
  EXPECT_EQ(out("States.ArrayRange(5, 1, -2)"), "[5,3,1]");
  EXPECT_EQ(out("States.ArrayRange(5, 1, 1)"), "[]");
  EXPECT_EQ(out("States.ArrayRange($.a, $.b, $.c)", R"({"a":0,"b":9,"c":3})"), "[0,3,6,9]");
}

TEST(ArrayRange, AtMostOneThousandItems) {
  auto r = eval("States.ArrayRange(0, 999, 1)");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 1000u);
  EXPECT_EQ(code_of("States.ArrayRange(0, 1000, 1)"), "States.IntrinsicFailure");
  EXPECT_EQ(code_of("States.ArrayRange(-9223372036854775807, 9223372036854775807, 1)"),
            "States.IntrinsicFailure");
  EXPECT_EQ(code_of("States.ArrayRange(1, 2, 0)"), "States.IntrinsicFailure");
  EXPECT_EQ(code_of("States.ArrayRange(1, 2.5, 1)"), "States.IntrinsicFailure");
}

TEST(ArrayGetItem, IndexInRange) {
  EXPECT_EQ(out("States.ArrayGetItem($.a, $.i)", R"({"a":[1,2,3,4,5,6,7,8,9],"i":5})"), "6");
  EXPECT_EQ(out("States.ArrayGetItem($.a, 0)", R"({"a":[{"x":1}]})"), R"({"x":1})");
  EXPECT_EQ(
      out("States.ArrayGetItem($.a, 9)", R"({"a":[1,2,3,4,5,6,7,8,9]})"),
      "ERROR States.IntrinsicFailure: States.ArrayGetItem: index 9 is out of bounds for an array of 9 items");
  EXPECT_EQ(code_of("States.ArrayGetItem($.a, -1)", R"({"a":[1]})"), "States.IntrinsicFailure");
  EXPECT_EQ(code_of("States.ArrayGetItem($.a, 0)", R"({"a":[]})"), "States.IntrinsicFailure");
  EXPECT_EQ(compile_code("States.ArrayGetItem($.a, 'x')"), "INVALID_INTRINSIC");
}

TEST(ArrayLength, CountsItems) {
  EXPECT_EQ(out("States.ArrayLength($.a)", R"({"a":[1,2,3,4,5,6,7,8,9]})"), "9");
  EXPECT_EQ(out("States.ArrayLength($.a)", R"({"a":[]})"), "0");
  EXPECT_EQ(
      out("States.ArrayLength($.a)", R"({"a":{"k":1}})"),
      "ERROR States.IntrinsicFailure: States.ArrayLength: argument 1 must be an array, but was an object");
}

TEST(ArrayUnique, KeepsFirstSeenOrder) {
  EXPECT_EQ(out("States.ArrayUnique($.a)", R"({"a":[1,2,3,3,3,3,3,3,4]})"), "[1,2,3,4]");
  EXPECT_EQ(out("States.ArrayUnique($.a)",
                R"({"a":[null,null,true,true,false,1,1,1.1,"HelloWorld","HelloWorld",[],[],[null],[null],)"
                R"({"a":1,"b":2},{"b":2,"a":1},{"a":1,"b":1}]})"),
            R"([null,true,false,1,1.1,"HelloWorld",[],[null],{"a":1,"b":2},{"a":1,"b":1}])");
}

TEST(ArrayUnique, LargeArraysAndSharing) {
  std::string a = "[";
  for (int i = 0; i < 200; ++i) {
    if (i) a += ',';
    a += "{\"k\":";
    a += std::to_string(i % 50);
    a += '}';
  }
  a += "]";
  auto r = eval("States.ArrayUnique($.a)", R"({"a":)" + a + "}");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 50u);
  EXPECT_EQ((*r)[49].dump(), R"({"k":49})");
  EXPECT_EQ(out("States.ArrayUnique($.a)", R"({"a":[1,1.0,2]})"), "[1,2]");

  Value input = J(R"({"a":[1,2,3]})");
  TestRoots roots(input);
  auto same = eval("States.ArrayUnique($.a)", roots);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->identity(), input.find("a")->identity());
}

// ---- Encoding and hashing -----------------------------------------------------------

TEST(Base64, EncodeAndDecode) {
  EXPECT_EQ(out("States.Base64Encode('Data to encode')"), R"("RGF0YSB0byBlbmNvZGU=")");
  EXPECT_EQ(out("States.Base64Encode('')"), R"("")");
  EXPECT_EQ(out("States.Base64Encode('ab')"), R"("YWI=")");
  EXPECT_EQ(out("States.Base64Encode($.s)", R"({"s":"é€😀"})"), R"("w6nigqzwn5iA")");
  EXPECT_EQ(out("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')"), R"("Data to encode")");
  EXPECT_EQ(out("States.Base64Decode('RGF0YSB0byBlbmNvZGU')"), R"("Data to encode")");
  EXPECT_EQ(out("States.Base64Decode('w6nigqzwn5iA')"), R"("é€😀")");
  EXPECT_EQ(out("States.Base64Decode('')"), R"("")");
  EXPECT_EQ(out("States.Base64Decode('/w==')"), R"("�")");  // byte 0xFF is not UTF-8
}

TEST(Base64, InvalidInputFails) {
  EXPECT_EQ(out("States.Base64Decode('not base64!')"),
            "ERROR States.IntrinsicFailure: States.Base64Decode: the input is not valid base64");
  EXPECT_EQ(code_of("States.Base64Decode('a')"), "States.IntrinsicFailure");
  EXPECT_EQ(code_of("States.Base64Decode('ab=c')"), "States.IntrinsicFailure");
  EXPECT_EQ(compile_code("States.Base64Encode(1)"), "INVALID_INTRINSIC");
}

TEST(Base64, TenThousandCharacterLimit) {
  std::string ok(10000, 'a'), big(10001, 'a');
  EXPECT_EQ(code_of("States.Base64Encode($.s)", R"({"s":")" + ok + "\"}"), "ok");
  EXPECT_EQ(
      out("States.Base64Encode($.s)", R"({"s":")" + big + "\"}"),
      "ERROR States.IntrinsicFailure: States.Base64Encode: the input string is longer than 10000 characters");
  std::string multi;  // 10000 characters, 20000 bytes: within the limit
  for (int i = 0; i < 10000; ++i) multi += "é";
  EXPECT_EQ(code_of("States.Base64Encode($.s)", R"({"s":")" + multi + "\"}"), "ok");
  EXPECT_EQ(code_of("States.Base64Decode($.s)", R"({"s":")" + std::string(10004, 'A') + "\"}"),
            "States.IntrinsicFailure");
}

TEST(Hash, AllAlgorithms) {
  EXPECT_EQ(out("States.Hash('input data', 'SHA-384')"),
            R"("d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6)"
            R"(123aa008c756511b87525bdc835ebb27e1fb9e9374a15562")");
  EXPECT_EQ(out("States.Hash('input data', 'SHA-512')"),
            R"("6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce)"
            R"(2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4")");
  // A literal algorithm and one read at run time give the same digest.
  EXPECT_EQ(out("States.Hash($.d, 'SHA-1')", R"({"d":"input data"})"),
            R"("aaff4a450a104cd177d28d18d74485e8cae074b7")");
}

TEST(Hash, UnknownAlgorithm) {
  EXPECT_EQ(compile_code("States.Hash('x', 'SHA-999')"), "INVALID_INTRINSIC");
  EXPECT_EQ(out("States.Hash('x', $.alg)", R"({"alg":"sha-256"})"),
            "ERROR States.IntrinsicFailure: States.Hash: unsupported hash algorithm 'sha-256'; "
            "use MD5, SHA-1, SHA-256, SHA-384 or SHA-512");
}

TEST(Hash, NonStringDataIsHashedAsJsonAndLimited) {
  EXPECT_EQ(out("States.Hash($.d, 'MD5')", R"({"d":{"a":1}})"), R"("bb6cb5c68df4652941caf652a366f2d8")");
  std::string big(10001, 'a');
  EXPECT_EQ(out("States.Hash($.s, 'MD5')", R"({"s":")" + big + "\"}"),
            "ERROR States.IntrinsicFailure: States.Hash: the input data is longer than 10000 characters");
}

// ---- JSON merge and math ------------------------------------------------------------

TEST(JsonMerge, OnlyShallow) {
  EXPECT_EQ(out("States.JsonMerge($.a, $.b, true)", R"({"a":{},"b":{}})"),
            "ERROR States.IntrinsicFailure: States.JsonMerge: only shallow merging is supported; "
            "the third argument must be false");
  EXPECT_EQ(out("States.JsonMerge($.a, $.b, false)", R"({"a":{"x":1},"b":{}})"), R"({"x":1})");
  EXPECT_EQ(out("States.JsonMerge($.a, $.b, false)", R"({"a":{},"b":{"y":2}})"), R"({"y":2})");
  EXPECT_EQ(compile_code("States.JsonMerge($.a, $.b, 'false')"), "INVALID_INTRINSIC");
  EXPECT_EQ(code_of("States.JsonMerge($.a, $.b, false)", R"({"a":[],"b":{}})"), "States.IntrinsicFailure");
}

TEST(JsonMerge, LargeObjects) {
  std::string a = "{", b = "{";
  for (int i = 0; i < 40; ++i) {
    if (i) {
      a += ',';
      b += ',';
    }
    a += "\"k";
    a += std::to_string(i);
    a += "\":";
    a += std::to_string(i);
    b += "\"k";
    b += std::to_string(i * 2);
    b += "\":\"b\"";
  }
  auto r = eval("States.JsonMerge($.a, $.b, false)", R"({"a":)" + a + "}, \"b\":" + b + "}}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 60u);
  EXPECT_EQ(r->members()[0].name(), "k0");
  EXPECT_EQ(r->members()[0].value.dump(), R"("b")");
  EXPECT_EQ(r->members()[1].value.dump(), "1");
  EXPECT_EQ(r->members()[59].name(), "k78");
}

TEST(MathAdd, RoundsLikeJavaMathRound) {
  const std::pair<const char*, const char*> cases[] = {
      {"1.49, 1.5", "3"}, {"1.5, 1.51", "4"}, {"-1.49, -1.5", "-2"}, {"-1.5, -1.51", "-3"},
      {"-0.5, 0.5", "1"}, {"2.5, 0", "3"},    {"-2.5, 0", "-2"},     {"-1.5, 0", "-1"},
      {"-9, 3", "-6"},    {"111, -1", "110"}, {"1e2, 1", "101"},
  };
  for (auto [args, want] : cases) EXPECT_EQ(out(std::string("States.MathAdd(") + args + ")"), want) << args;
  EXPECT_EQ(out("States.MathAdd($.a, $.b)", R"({"a":0.49999999999999994,"b":0})"), "0");
}

TEST(MathAdd, TypesAndOverflow) {
  EXPECT_EQ(compile_code("States.MathAdd('1', 2)"), "INVALID_INTRINSIC");
  EXPECT_EQ(out("States.MathAdd($.a, 2)", R"({"a":"1"})"),
            "ERROR States.IntrinsicFailure: States.MathAdd: argument 1 must be a number, but was a string");
  EXPECT_EQ(code_of("States.MathAdd(9223372036854775807, 1)"), "States.IntrinsicFailure");
  EXPECT_EQ(code_of("States.MathAdd(1e300, 1)"), "States.IntrinsicFailure");
}

TEST(MathRandom, WithinBoundsBothIncluded) {
  auto c = Intrinsic::compile("States.MathRandom($.a, $.b)");
  ASSERT_TRUE(c.ok());
  TestRoots roots(J(R"({"a":1,"b":3})"));
  CountingEntropy e;
  bool seen[4] = {};
  for (int i = 0; i < 300; ++i) {
    auto r = c->evaluate(roots, e);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->is_int());
    ASSERT_GE(r->as_int(), 1);
    ASSERT_LE(r->as_int(), 3);
    seen[r->as_int()] = true;
  }
  EXPECT_TRUE(seen[1] && seen[2] && seen[3]);
  EXPECT_EQ(e.calls, 300);
  EXPECT_EQ(out("States.MathRandom(7, 7)"), "7");
  EXPECT_EQ(code_of("States.MathRandom(8, 7)"), "States.IntrinsicFailure");
}

TEST(MathRandom, SameSeedSameNumber) {
  auto a = out("States.MathRandom(0, 999, 3)");
  EXPECT_EQ(a, out("States.MathRandom(0, 999, 3)"));
  EXPECT_EQ(out("States.MathRandom(0, 999, $.s)", R"({"s":3})"), a);
  int differ = 0;
  for (int s = 0; s < 20; ++s)
    differ += out("States.MathRandom(0, 1000000, " + std::to_string(s) + ")") !=
              out("States.MathRandom(0, 1000000, 99)");
  EXPECT_GE(differ, 19);
  // Without a seed the Entropy decides: the same entropy gives the same number.
  auto c = Intrinsic::compile("States.MathRandom(0, 1000000)");
  ASSERT_TRUE(c.ok());
  TestRoots roots(Value::empty_object());
  CountingEntropy e1(42), e2(42), e3(43);
  EXPECT_EQ(c->evaluate(roots, e1)->dump(), c->evaluate(roots, e2)->dump());
  EXPECT_NE(c->evaluate(roots, e1)->dump(), c->evaluate(roots, e3)->dump());
}

// ---- Strings and UUID -----------------------------------------------------------------

TEST(StringSplit, EachCharacterIsADelimiterAndEmptyPiecesDrop) {
  EXPECT_EQ(out("States.StringSplit('1,2,3,4,5', ',')"), R"(["1","2","3","4","5"])");
  EXPECT_EQ(out("States.StringSplit(',,,,', ',')"), "[]");
  EXPECT_EQ(out("States.StringSplit(', , ,', ',')"), R"([" "," "])");
  EXPECT_EQ(out("States.StringSplit('This.is+a,test=string', '.+,=')"),
            R"(["This","is","a","test","string"])");
  EXPECT_EQ(out("States.StringSplit($.s, $.d)", R"({"s":"split on T and \nnew line","d":"T\n"})"),
            R"(["split on "," and ","new line"])");
  EXPECT_EQ(out("States.StringSplit('abc', '')"), R"(["abc"])");
  EXPECT_EQ(out("States.StringSplit('', ',')"), "[]");
  EXPECT_EQ(out("States.StringSplit($.s, $.d)", R"({"s":"a€b→c€","d":"€→"})"), R"(["a","b","c"])");
  EXPECT_EQ(out("States.StringSplit($.s, ',')", R"({"s":"é,ü"})"), R"(["é","ü"])");
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

TEST(Uuid, Version4FromEntropy) {
  auto c = Intrinsic::compile("States.UUID()");
  ASSERT_TRUE(c.ok());
  TestRoots roots(Value::empty_object());
  CountingEntropy e(7), same(7);
  auto u = c->evaluate(roots, e);
  ASSERT_TRUE(u.ok());
  std::string s(u->as_string());
  ASSERT_EQ(s.size(), 36u);
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(s[i], '-');
    } else {
      EXPECT_TRUE(is_hex(s[i])) << s;
    }
  }
  EXPECT_EQ(s[14], '4');
  EXPECT_TRUE(s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b') << s;
  EXPECT_EQ(c->evaluate(roots, same)->as_string(), s);
  EXPECT_NE(c->evaluate(roots, e)->as_string(), s);
  EXPECT_EQ(compile_code("States.UUID(1)"), "INVALID_INTRINSIC");
}

}  // namespace
}  // namespace sg::json
