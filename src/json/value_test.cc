#include "json/value.h"

#include <gtest/gtest.h>

#include <limits>

#include "json/parse.h"

namespace sg::json {
namespace {

Value P(std::string_view s) {
  auto r = parse_json(s);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Value();
}

TEST(Value, RoundTripsCompactWithKeyOrder) {
  EXPECT_EQ(P(R"({"b":1, "a":[true,false,null,"x"], "c":{"d":-2.5}})").dump(),
            R"({"b":1,"a":[true,false,null,"x"],"c":{"d":-2.5}})");
}

TEST(Value, JsonSizeMatchesDumpLength) {
  for (auto text : {R"({"k":"a\"b\\c\n\u0001é","n":[1,2.5,1e21,-0.0,12345678901234]})",
                    R"("a string longer than fourteen bytes")", "[]", "{}", "3.0"}) {
    Value v = P(text);
    EXPECT_EQ(v.json_size(), v.dump().size()) << text;
  }
}

TEST(Value, DoublesPrintLikeJava) {
  EXPECT_EQ(P("1.0").dump(), "1.0");
  EXPECT_EQ(P("1500.0").dump(), "1500.0");
  EXPECT_EQ(P("1e7").dump(), "1.0E7");
  EXPECT_EQ(P("0.001").dump(), "0.001");
  EXPECT_EQ(P("0.0001").dump(), "1.0E-4");
  EXPECT_EQ(P("123.456").dump(), "123.456");
  EXPECT_EQ(P("2.5E-5").dump(), "2.5E-5");
}

TEST(Value, EscapesLikeJackson) {
  EXPECT_EQ(Value::string(std::string("a\x01/\t")).dump(), R"("a\u0001/\t")");
}

TEST(Value, DuplicateKeysKeepFirstPositionLastValue) {
  EXPECT_EQ(P(R"({"a":1,"b":2,"a":3})").dump(), R"({"a":3,"b":2})");
}

TEST(Value, WithMemberSharesUntouchedChildren) {
  Value doc = P(R"({"big":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16],"x":1})");
  Value changed = doc.with_member("x", Value::integer(2));
  EXPECT_EQ(changed.find("big")->identity(), doc.find("big")->identity());
  EXPECT_EQ(changed.dump(), R"({"big":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16],"x":2})");
  EXPECT_EQ(doc.find("x")->as_int(), 1);
  EXPECT_EQ(doc.with_member("y", Value()).dump().substr(doc.dump().size() - 1), R"(,"y":null})");
}

TEST(Value, LargeObjectsAreIndexed) {
  ObjectBuilder b;
  for (int i = 0; i < 100; ++i) b.add("key" + std::to_string(i), Value::integer(i));
  Value o = std::move(b).build();
  EXPECT_EQ(o.find("key57")->as_int(), 57);
  EXPECT_EQ(o.find("nope"), nullptr);
  EXPECT_EQ(o.with_member("key3", Value::integer(-1)).find("key3")->as_int(), -1);
}

TEST(Value, EqualityIsDeepAndNumeric) {
  EXPECT_EQ(P("[1,{\"a\":2}]"), P("[1.0,{\"a\":2}]"));
  EXPECT_EQ(P(R"({"a":1,"b":2})"), P(R"({"b":2,"a":1})"));
  EXPECT_NE(P("[1,2]"), P("[2,1]"));
}

TEST(Parse, ReportsJacksonStyleErrors) {
  ParseErrorPosition where;
  auto r = parse_json("not a definition", &where);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "INVALID_JSON");
  EXPECT_NE(r.error().message.find("Unrecognized token 'not': was expecting (JSON String, Number, Array, "
                                   "Object or token 'null', 'true' or 'false')"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(where.line, 1u);
  EXPECT_EQ(where.column, 4u);
  EXPECT_FALSE(parse_json("{\"a\":").ok());
  EXPECT_FALSE(parse_json("").ok());
  EXPECT_FALSE(parse_json("[1,]").ok());
}

TEST(Parse, HugeIntegersBecomeDoubles) {
  EXPECT_TRUE(P("123456789012345678901234567890").is_double());
  EXPECT_EQ(P("9223372036854775807").as_int(), INT64_MAX);
}

TEST(Parse, RejectsHostileNesting) {
  std::string deep(100000, '[');
  EXPECT_FALSE(parse_json(deep).ok());
}

TEST(Yaml, TypesScalarsByTheCoreSchema) {
  auto r = parse_yaml(
      "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: {n: 1, f: 1.5, b: true, s: '1', z: null}\n    "
      "End: true\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(
      r->dump(),
      R"({"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"n":1,"f":1.5,"b":true,"s":"1","z":null},"End":true}}})");
}

}  // namespace
}  // namespace sg::json

namespace sg::json {
namespace {

TEST(Parse, LargeDocumentsKeepOrderAndNumbers) {
  std::string text = "[";
  for (int i = 0; i < 20000; ++i) {
    if (i) text += ',';
    text += "{\"k\":";
    text += std::to_string(i);
    text += ",\"d\":1.5}";
  }
  text += "]";
  auto r = parse_json(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 20000u);
  EXPECT_EQ(r->dump(), text);
}

}  // namespace
}  // namespace sg::json

namespace sg::json {
namespace {

// json_size() is what the 256 KiB payload limit counts: it must equal the serialised
// length for every kind of string (escapes anywhere, UTF-8, control bytes) and number.
TEST(JsonSize, EqualsTheSerialisedLength) {
  std::vector<std::string> strings = {"",
                                      "a",
                                      "plain ascii text",
                                      "quote\" here",
                                      "back\\slash",
                                      "tab\tnew\nline",
                                      std::string("nul\0byte", 8),
                                      "\x01\x1f",
                                      "caf\xc3\xa9 \xe2\x82\xac",
                                      "exactly8",
                                      "sixteen chars!!!",
                                      "late escape at the end of a long string\"",
                                      "\x7f del is not escaped",
                                      "a\xff"
                                      "b",
                                      "\xc3",
                                      "\xed\xa0\x80 surrogate",
                                      "\xc0\xaf overlong",
                                      "\xf0\x9f\x98\x80 emoji",
                                      "long text then a bad byte \x80 here"};
  for (size_t pos = 0; pos < 20; ++pos) {
    std::string s(20, 'x');
    s[pos] = '"';
    strings.push_back(s);
    s[pos] = '\x05';
    strings.push_back(s);
  }
  for (const std::string& s : strings) {
    Value v = Value::string(s);
    EXPECT_EQ(v.json_size(), v.dump().size()) << s;
  }
  for (int64_t i : {int64_t{0}, int64_t{7}, int64_t{-7}, int64_t{10}, int64_t{-10}, int64_t{99}, int64_t{100},
                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    Value v = Value::integer(i);
    EXPECT_EQ(v.json_size(), v.dump().size()) << i;
  }
}

}  // namespace
}  // namespace sg::json

namespace sg::json {
namespace {

// A few hundred bytes of aliases must not expand into gigabytes.
TEST(ParseYaml, AliasBombsAreRefused) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev("*a");
    prev.append(std::to_string(i - 1));
    std::string name = std::to_string(i);
    text.append("a").append(name).append(": &a").append(name).append(" [").append(prev);
    for (int k = 1; k < 10; ++k) text.append(", ").append(prev);
    text.append("]\n");
  }
  auto r = parse_yaml(text);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("expands (through its aliases)"), std::string::npos);
  // Aliases within the budget still work.
  auto ok = parse_yaml("base: &b {Type: Pass}\ncopy: *b\n");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->dump(), R"({"base":{"Type":"Pass"},"copy":{"Type":"Pass"}})");
}

TEST(ParseYaml, OneDocumentOnly) {
  auto r = parse_yaml("StartAt: A\n---\nother: 1\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "the file holds 2 YAML documents; a definition is a single document");
}

}  // namespace
}  // namespace sg::json

namespace sg::json {
namespace {

// Bytes that are not UTF-8 (from a function's output, say) never reach stdout raw: each
// is printed as U+FFFD, so the output stays valid JSON.
TEST(JsonOutput, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(Value::string(std::string_view("a\xff"
                                           "b"))
                .dump(),
            "\"a\xEF\xBF\xBD"
            "b\"");
  EXPECT_EQ(Value::string(std::string_view("\xed\xa0\x80")).dump(),
            "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_EQ(Value::string(std::string_view("caf\xc3\xa9")).dump(), "\"caf\xc3\xa9\"");
  auto reparsed = parse_json(Value::string(std::string_view("x\xc3(\x80y")).dump());
  ASSERT_TRUE(reparsed.ok());
}

}  // namespace
}  // namespace sg::json
