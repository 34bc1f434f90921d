// AWS's request-validation wording (reference §6.1) for the model's constraints.
#include "api/request_fields.h"

#include <gtest/gtest.h>

#include <array>

#include "json/parse.h"

namespace sg::api {
namespace {

json::Value parse(std::string_view text) { return json::parse_json(text).value(); }

constexpr std::array<std::string_view, 2> kTypes = {"STANDARD", "EXPRESS"};

TEST(RequestFields, ReadsMembers) {
  RequestFields f(parse(R"({"name":"n","maxResults":5,"publish":true,"nothing":null})"));
  EXPECT_EQ(f.string("name", {.required = true, .min_length = 1, .max_length = 80}), "n");
  EXPECT_EQ(f.integer("maxResults", {.min = 0, .max = 1000}), 5);
  EXPECT_EQ(f.boolean("publish"), true);
  EXPECT_EQ(f.string("nothing"), std::nullopt);  // null is absent
  EXPECT_EQ(f.string("absent"), std::nullopt);
  EXPECT_FALSE(f.error());
}

TEST(RequestFields, RangeViolation) {
  RequestFields f(parse(R"({"maxResults":1001})"));
  EXPECT_EQ(f.integer("maxResults", {.min = 0, .max = 1000}), 1001);
  ASSERT_TRUE(f.error());
  EXPECT_EQ(f.error()->code, "ValidationException");
  EXPECT_EQ(
      f.error()->message,
      "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must "
      "have value less than or equal to 1000");
}

TEST(RequestFields, RequiredLengthAndEnum) {
  RequestFields f(parse(R"({"type":"BOTH","name":")" + std::string(81, 'a') + R"("})"));
  f.string("stateMachineArn", {.required = true});
  f.string("name", {.required = true, .min_length = 1, .max_length = 80});
  f.string("type", {.enum_values = kTypes});
  ASSERT_TRUE(f.error());
  EXPECT_EQ(
      f.error()->message,
      "3 validation errors detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member "
      "must not be null; Value '" +
          std::string(81, 'a') +
          "' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80; Value "
          "'BOTH' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, "
          "EXPRESS]");
}

TEST(RequestFields, SensitiveMembersHideTheirValue) {
  RequestFields f(parse(R"({"versionDescription":")" + std::string(257, 'd') + R"("})"));
  f.string("versionDescription", {.max_length = 256, .sensitive = true});
  EXPECT_EQ(
      f.error()->message,
      "1 validation error detected: Value at 'versionDescription' failed to satisfy constraint: Member must "
      "have length less than or equal to 256");
}

TEST(RequestFields, LengthsCountUtf16Units) {
  EXPECT_EQ(utf16_length("abc"), 3u);
  EXPECT_EQ(utf16_length("caf\xc3\xa9"), 4u);
  EXPECT_EQ(utf16_length("\xf0\x9f\x98\x80"), 2u);  // an emoji is a surrogate pair
}

TEST(RequestFields, WrongTypesAreSerializationErrorsAndWin) {
  RequestFields f(parse(R"({"name":"","maxResults":"ten"})"));
  f.string("name", {.min_length = 1});
  f.integer("maxResults");
  ASSERT_TRUE(f.error());
  EXPECT_EQ(f.error()->code, "SerializationException");
  EXPECT_EQ(f.error()->message, "STRING_VALUE can not be converted to Integer");

  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"({"m":{}})", "Start of structure or map found where not expected."},
      {R"({"m":[]})", "Start of list found where not expected."},
      {R"({"m":5})", "NUMBER_VALUE can not be converted to String"},
      {R"({"m":true})", "BOOLEAN_VALUE can not be converted to String"},
  };
  for (const auto& [text, message] : cases) {
    RequestFields g(parse(text));
    g.string("m");
    EXPECT_EQ(g.error()->message, message) << text;
  }
  RequestFields big(parse(R"({"n":3000000000})"));
  big.integer("n");
  EXPECT_EQ(big.error()->code, "SerializationException");  // beyond a Java int
  RequestFields fraction(parse(R"({"n":1.5})"));
  fraction.integer("n");
  EXPECT_EQ(fraction.error()->code, "SerializationException");
}

TEST(RequestFields, NestedMembersAreNamedAsCoralNamesThem) {
  RequestFields f(parse(R"({"loggingConfiguration":{"level":"LOUD"},)"
                        R"("routingConfiguration":[{"stateMachineVersionArn":"a","weight":101}],)"
                        R"("tagKeys":[""]})"));
  std::optional<RequestFields> logging = f.structure("loggingConfiguration");
  ASSERT_TRUE(logging);
  constexpr std::array<std::string_view, 2> kLevels = {"ALL", "OFF"};
  logging->string("level", {.enum_values = kLevels});
  std::optional<std::vector<json::Value>> routing =
      f.list("routingConfiguration", {.min_length = 1, .max_length = 2});
  ASSERT_TRUE(routing);
  std::optional<RequestFields> item = f.list_structure("routingConfiguration", 0, (*routing)[0]);
  ASSERT_TRUE(item);
  item->integer("weight", {.min = 0, .max = 100});
  std::optional<std::vector<json::Value>> keys = f.list("tagKeys");
  f.list_string("tagKeys", 0, (*keys)[0], {.min_length = 1});
  EXPECT_EQ(
      f.error()->message,
      "3 validation errors detected: Value 'LOUD' at 'loggingConfiguration.level' failed to satisfy "
      "constraint: Member must satisfy enum value set: [ALL, OFF]; Value '101' at "
      "'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than "
      "or equal to 100; Value '' at 'tagKeys.1.member' failed to satisfy constraint: Member must have length "
      "greater than or equal to 1");
}

TEST(RequestFields, ListLengthAndPattern) {
  RequestFields f(parse(R"({"items":["a","b","c"],"name":"123"})"));
  f.list("items", {.max_length = 2});
  f.string("name",
           {.pattern = "^[a-z]+$", .matches = [](std::string_view s) { return s.find('1') == s.npos; }});
  EXPECT_EQ(
      f.error()->message,
      "2 validation errors detected: Value '[a, b, c]' at 'items' failed to satisfy constraint: Member must "
      "have length less than or equal to 2; Value '123' at 'name' failed to satisfy constraint: Member must "
      "satisfy regular expression pattern: ^[a-z]+$");
}

}  // namespace
}  // namespace sg::api
