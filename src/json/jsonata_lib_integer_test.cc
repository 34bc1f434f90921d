#include "json/jsonata_lib_integer.h"

#include <gtest/gtest.h>

namespace sg::json::jsonata::lib {
namespace {

std::string fmt_int(double v, std::string_view picture) {
  IntegerPicture pic;
  LibError e;
  std::string out;
  if (!analyse_integer_picture(picture, &pic, &e) || !format_integer(v, pic, &out, &e))
    return "error " + e.code;
  return out;
}

double parse_int(std::string_view text, std::string_view picture) {
  IntegerPicture pic;
  LibError e;
  double v = -1;
  if (!analyse_integer_picture(picture, &pic, &e) || !parse_integer(text, pic, &v, &e)) return -12345;
  return v;
}

TEST(FormatInteger, Pictures) {
  EXPECT_EQ(fmt_int(2018, "w"), "two thousand and eighteen");
  EXPECT_EQ(fmt_int(2018, "Ww"), "Two Thousand and Eighteen");
  EXPECT_EQ(fmt_int(123, "W"), "ONE HUNDRED AND TWENTY-THREE");
  EXPECT_EQ(fmt_int(23, "w;o"), "twenty-third");
  EXPECT_EQ(fmt_int(20, "w;o"), "twentieth");
  EXPECT_EQ(fmt_int(100, "w;o"), "one hundredth");
  EXPECT_EQ(fmt_int(1000000, "w"), "one million");
  EXPECT_EQ(fmt_int(2018, "I"), "MMXVIII");
  EXPECT_EQ(fmt_int(1999, "i"), "mcmxcix");
  EXPECT_EQ(fmt_int(23, "a"), "w");
  EXPECT_EQ(fmt_int(27, "A"), "AA");
  EXPECT_EQ(fmt_int(1234567, "#,##0"), "1,234,567");
  EXPECT_EQ(fmt_int(1234567, "#,##,##0"), "12,34,567");
  EXPECT_EQ(fmt_int(7, "000"), "007");
  EXPECT_EQ(fmt_int(-7, "000"), "-007");
  EXPECT_EQ(fmt_int(23, "0;o"), "23rd");
  EXPECT_EQ(fmt_int(11, "0;o"), "11th");
  EXPECT_EQ(fmt_int(12340, "###\u0661"), "\u0661\u0662\u0663\u0664\u0660");
  EXPECT_EQ(fmt_int(5, "#"), "error D3130");
  EXPECT_EQ(fmt_int(5, "0\u0661"), "error D3131");
}

TEST(ParseInteger, ReferenceCases) {
  EXPECT_EQ(parse_int("123", "000"), 123);
  EXPECT_EQ(parse_int("0123", "0000"), 123);
  EXPECT_EQ(parse_int("1234", "###0"), 1234);
  EXPECT_EQ(parse_int("123rd", "000;o"), 123);
  EXPECT_EQ(parse_int("28th", "#0;o"), 28);
  EXPECT_EQ(parse_int("\u0661\u0662\u0663\u0664\u0660", "###\u0661"), 12340);
  EXPECT_EQ(parse_int("\uff11\uff12\uff13\uff14\uff10", "###\uff10"), 12340);
  EXPECT_EQ(parse_int("1,234,567,890", "#,##0"), 1234567890);
  EXPECT_EQ(parse_int("1234:567,890", "#:###,##0"), 1234567890);
  EXPECT_EQ(parse_int("12345,67,890", "##,##,##0"), 1234567890);
  EXPECT_EQ(parse_int("", "I"), 0);
  EXPECT_EQ(parse_int("MCMLXXXIV", "I"), 1984);
  EXPECT_EQ(parse_int("xcix", "i"), 99);
  EXPECT_EQ(parse_int("NINETY-NINE", "W"), 99);
  EXPECT_EQ(parse_int("FIVE HUNDRED AND FIFTY-FIVE", "W"), 555);
  EXPECT_EQ(parse_int("three thousand, seven hundred and thirty", "w"), 3730);
  EXPECT_EQ(parse_int("four million, three hundred and twenty-seven thousand, seven hundred and thirty", "w"),
            4327730);
  EXPECT_EQ(parse_int("one trillion and one", "w"), 1000000000001);
  EXPECT_DOUBLE_EQ(parse_int("ten billion trillion trillion trillion", "w"), 1e46);
  EXPECT_EQ(parse_int("seven hundred and thirtieth", "w;o"), 730);
  EXPECT_EQ(parse_int("Seven Hundred and Thirty-Third", "Ww;o"), 733);
  EXPECT_EQ(parse_int("FZPH", "A"), 123456);
  EXPECT_EQ(parse_int("aa", "a"), 27);
  EXPECT_EQ(parse_int("50", "#"), -12345);  // D3130
}

}  // namespace
}  // namespace sg::json::jsonata::lib
