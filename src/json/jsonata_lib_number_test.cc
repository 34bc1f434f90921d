#include "json/jsonata_lib_number.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sg::json::jsonata::lib {
namespace {

TEST(JsNumberToString, MatchesJavaScript) {
  EXPECT_EQ(js_number_to_string(5), "5");
  EXPECT_EQ(js_number_to_string(-5.5), "-5.5");
  EXPECT_EQ(js_number_to_string(22.0 / 7), "3.142857142857143");
  EXPECT_EQ(js_number_to_string(1e100), "1e+100");
  EXPECT_EQ(js_number_to_string(1e-100), "1e-100");
  EXPECT_EQ(js_number_to_string(1e-6), "0.000001");
  EXPECT_EQ(js_number_to_string(1e-7), "1e-7");
  EXPECT_EQ(js_number_to_string(1.5e-7), "1.5e-7");
  EXPECT_EQ(js_number_to_string(1e20), "100000000000000000000");
  EXPECT_EQ(js_number_to_string(1e21), "1e+21");
  EXPECT_EQ(js_number_to_string(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(js_number_to_string(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(js_number_to_string(-0.0), "0");
  EXPECT_EQ(js_number_to_string(NAN), "NaN");
  EXPECT_EQ(js_number_to_string(-INFINITY), "-Infinity");
  EXPECT_EQ(js_number_to_string(5890840712243076.0), "5890840712243076");
}

TEST(JsToPrecision, FifteenDigitsForStrings) {
  EXPECT_EQ(js_number_to_string(jsonata_string_number(22.0 / 7)), "3.14285714285714");
  EXPECT_EQ(js_number_to_string(jsonata_string_number(78.8 / 2)), "39.4");
  EXPECT_EQ(js_number_to_string(jsonata_string_number(5890840712243076.0)), "5890840712243076");
  EXPECT_EQ(js_number_to_string(jsonata_string_number(0.1 + 0.2)), "0.3");
  // Exact ties round away from zero, as toPrecision does.
  EXPECT_EQ(js_to_precision(2.5, 1), 3);
  EXPECT_EQ(js_to_precision(-2.5, 1), -3);
  EXPECT_EQ(js_to_precision(123456789012344.5, 15), 123456789012345.0);
  EXPECT_EQ(js_to_precision(9.96, 2), 10);
}

TEST(JsToFixed, RoundsHalfAwayFromZeroOnExactValue) {
  EXPECT_EQ(js_to_fixed(0.5, 0), "1");
  EXPECT_EQ(js_to_fixed(2.5, 0), "3");
  EXPECT_EQ(js_to_fixed(1.005, 2), "1.00");  // 1.005 is 1.00499999999999989...
  EXPECT_EQ(js_to_fixed(123.456, 1), "123.5");
  EXPECT_EQ(js_to_fixed(99.99, 1), "100.0");
  EXPECT_EQ(js_to_fixed(-0.001, 2), "-0.00");
  EXPECT_EQ(js_to_fixed(1e21, 2), "1e+21");
  EXPECT_EQ(js_to_fixed(1e20, 0), "100000000000000000000");
}

TEST(RoundHalfEven, ReferenceCases) {
  EXPECT_EQ(round_half_even(4, 0), 4);
  EXPECT_EQ(round_half_even(2.3, 0), 2);
  EXPECT_EQ(round_half_even(2.7, 0), 3);
  EXPECT_EQ(round_half_even(2.5, 0), 2);
  EXPECT_EQ(round_half_even(3.5, 0), 4);
  EXPECT_EQ(round_half_even(-0.5, 0), 0);
  EXPECT_FALSE(std::signbit(round_half_even(-0.5, 0)));
  EXPECT_EQ(round_half_even(-0.3, 0), 0);
  EXPECT_EQ(round_half_even(0.5, 0), 0);
  EXPECT_EQ(round_half_even(-7.5, 0), -8);
  EXPECT_EQ(round_half_even(-8.5, 0), -8);
  EXPECT_EQ(round_half_even(4.49, 1), 4.5);
  EXPECT_EQ(round_half_even(4.525, 2), 4.52);
  EXPECT_EQ(round_half_even(4.515, 2), 4.52);
  EXPECT_EQ(round_half_even(12345, -2), 12300);
  EXPECT_EQ(round_half_even(12350, -2), 12400);
  EXPECT_DOUBLE_EQ(round_half_even(6.022e-23, 24), 6e-23);
}

TEST(IntegerToRadix, FormatBase) {
  EXPECT_EQ(js_integer_to_radix(100, 10), "100");
  EXPECT_EQ(js_integer_to_radix(100, 2), "1100100");
  EXPECT_EQ(js_integer_to_radix(-100, 2), "-1100100");
  EXPECT_EQ(js_integer_to_radix(100, 36), "2s");
  EXPECT_EQ(js_integer_to_radix(0, 16), "0");
}

TEST(ParseNumberString, NumberCasts) {
  EXPECT_EQ(js_parse_number_string("1e0"), 1);
  EXPECT_EQ(js_parse_number_string("-0.05"), -0.05);
  EXPECT_EQ(js_parse_number_string("00"), 0);
  EXPECT_EQ(js_parse_number_string("0123"), 123);
  EXPECT_EQ(js_parse_number_string("-007"), -7);
  EXPECT_EQ(js_parse_number_string("0x12"), 18);
  EXPECT_EQ(js_parse_number_string("0O12"), 10);
  EXPECT_EQ(js_parse_number_string("0b101"), 5);
  EXPECT_EQ(js_parse_number_string("1e-400"), 0);
  EXPECT_FALSE(js_parse_number_string("10e500"));
  EXPECT_FALSE(js_parse_number_string("Hello world"));
  EXPECT_FALSE(js_parse_number_string("1/2"));
  EXPECT_FALSE(js_parse_number_string("1234 hello"));
  EXPECT_FALSE(js_parse_number_string(""));
  EXPECT_FALSE(js_parse_number_string("[1]"));
  EXPECT_FALSE(js_parse_number_string("+1"));
  EXPECT_FALSE(js_parse_number_string(".5"));
  EXPECT_FALSE(js_parse_number_string("5."));
  EXPECT_FALSE(js_parse_number_string("0x"));
  EXPECT_FALSE(js_parse_number_string("0b102"));
}

}  // namespace
}  // namespace sg::json::jsonata::lib
