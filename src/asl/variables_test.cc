// Variable scopes, names and size limits (AWS: UAX #31 identifiers of at most 80
// characters, "states" reserved; 256 KiB per variable and per Assign).
#include "asl/variables.h"

#include <gtest/gtest.h>

namespace sg::asl {
namespace {

using json::Value;

Value obj(std::initializer_list<std::pair<const char*, Value>> members) {
  json::ObjectBuilder b;
  for (const auto& [k, v] : members) b.add(k, v);
  return std::move(b).build();
}

TEST(VariableNames, UnicodeIdentifiers) {
  for (const char* ok : {"x", "myVariable", "a_1", "número", "数量", "Ωmega", "camelCase99"})
    EXPECT_TRUE(is_valid_variable_name(ok)) << ok;
  for (const char* bad : {"", "states", "x.y", "x[2]", "1x", "a-b", "a b", "$x", "_x", "x$"})
    EXPECT_FALSE(is_valid_variable_name(bad)) << bad;
  EXPECT_TRUE(is_valid_variable_name(std::string(80, 'v')));
  EXPECT_FALSE(is_valid_variable_name(std::string(81, 'v')));
  // 80 code points, not bytes.
  std::string wide;
  for (int i = 0; i < 80; ++i) wide += "é";
  EXPECT_TRUE(is_valid_variable_name(wide));
}

TEST(VariableScope, InnerReadsOuterAndShadows) {
  VariableScope outer;
  EXPECT_EQ(outer.set("x", Value::integer(1)), 1);
  outer.set("y", Value::string("yy"));
  VariableScope inner(&outer);
  inner.set("z", Value::boolean(true));
  EXPECT_EQ(inner.find("x")->as_int(), 1);
  EXPECT_EQ(inner.find_own("x"), nullptr);
  EXPECT_EQ(outer.find("z"), nullptr);
  inner.set("x", Value::integer(2));
  EXPECT_EQ(inner.find("x")->as_int(), 2);
  EXPECT_EQ(outer.find("x")->as_int(), 1);
  EXPECT_EQ(inner.visible().dump(), R"({"z":true,"x":2,"y":"yy"})");
}

TEST(VariableScope, BytesFollowReplacements) {
  VariableScope s;
  EXPECT_EQ(s.set("a", Value::string("abc")), 5);  // "abc" is 5 bytes of JSON
  EXPECT_EQ(s.set("a", Value::integer(7)), -4);
  EXPECT_EQ(s.bytes(), 1u);
  EXPECT_EQ(s.assign_all(obj({{"b", Value::integer(10)}, {"a", Value::integer(1)}})), 2);
  EXPECT_EQ(s.bytes(), 3u);
}

TEST(VariableSizes, PerVariableAndPerAssign) {
  std::string big(kMaxVariableBytes, 'x');  // 2 more bytes of quotes: over the limit
  auto e = check_assignment_sizes(obj({{"v", Value::string(big)}}));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->error, "States.DataLimitExceeded");
  std::string half(150000, 'y');
  e = check_assignment_sizes(obj({{"a", Value::string(half)}, {"b", Value::string(half)}}));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->error, "States.DataLimitExceeded");
  EXPECT_FALSE(check_assignment_sizes(obj({{"a", Value::string(half)}})).has_value());
}

}  // namespace
}  // namespace sg::asl
