#include "json/jsonata_lib_picture.h"

#include <gtest/gtest.h>

namespace sg::json::jsonata::lib {
namespace {

std::string fmt(double v, std::string_view picture, DecimalFormat f = {}) {
  std::string out;
  LibError e;
  if (!format_number(v, picture, f, &out, &e)) return "error " + e.code;
  return out;
}

TEST(FormatNumber, ReferenceCases) {
  EXPECT_EQ(fmt(12345678.9, "9,999.99"), "12,345,678.90");
  EXPECT_EQ(fmt(123412345678.9, "9,9,99.99"), "123412345,6,78.90");
  EXPECT_EQ(fmt(1234.56789, "9,999.999,999"), "1,234.567,890");
  EXPECT_EQ(fmt(123.9, "9999"), "0124");
  EXPECT_EQ(fmt(0.14, "01%"), "14%");
  EXPECT_EQ(fmt(0.4857, "###.###\u2030"), "485.7\u2030");
  DecimalFormat pm;
  pm.set("per-mille", "pm");
  EXPECT_EQ(fmt(0.14, "###pm", pm), "140pm");
  EXPECT_EQ(fmt(-6, "000"), "-006");
  EXPECT_EQ(fmt(1234.5678, "00.000e0"), "12.346e2");
  EXPECT_EQ(fmt(1234.5678, "00.000e000"), "12.346e002");
  DecimalFormat circled;
  circled.set("zero-digit", "\u245f");
  EXPECT_EQ(fmt(1234.5678, "\u2460\u2460.\u2460\u2460\u2460e\u2460", circled),
            "\u2460\u2461.\u2462\u2463\u2465e\u2461");
  EXPECT_EQ(fmt(0.234, "#.00e0"), "0.23e0");
  EXPECT_EQ(fmt(0.123, "#.e9"), "0.1e0");
  EXPECT_EQ(fmt(0.234, ".00e0"), ".23e0");
  EXPECT_EQ(fmt(2.14 * 86.58, "PREFIX##00.000###SUFFIX"), "PREFIX185.2812SUFFIX");
  EXPECT_EQ(fmt(1E20, "#,######"), "100,000000,000000,000000");
  EXPECT_EQ(fmt(2, "000.000"), "002.000");
  DecimalFormat letters;
  letters.set("zero-digit", "A");
  EXPECT_EQ(fmt(2, "AAA.AAA", letters), "AAC.AAA");
  EXPECT_EQ(fmt(0, "0e0"), "0e0");
  EXPECT_EQ(fmt(-42, "0e0"), "-4e1");
  EXPECT_EQ(fmt(42, "0e0"), "4e1");
  EXPECT_EQ(fmt(0, "0.00e0"), "0.00e0");
  EXPECT_EQ(fmt(1234.5, "#,##0.00;(#,##0.00)"), "1,234.50");
  EXPECT_EQ(fmt(-1234.5, "#,##0.00;(#,##0.00)"), "(1,234.50)");
}

TEST(FormatNumber, PictureErrors) {
  EXPECT_EQ(fmt(20, "#;#;#"), "error D3080");
  EXPECT_EQ(fmt(20, "#.0.0"), "error D3081");
  EXPECT_EQ(fmt(20, "#0%%"), "error D3082");
  EXPECT_EQ(fmt(20, "#0\u2030\u2030"), "error D3083");
  EXPECT_EQ(fmt(20, "#0%\u2030"), "error D3084");
  EXPECT_EQ(fmt(20, ".e0"), "error D3085");
  EXPECT_EQ(fmt(20, "0+.e0"), "error D3086");
  EXPECT_EQ(fmt(20, "0,.e0"), "error D3087");
  EXPECT_EQ(fmt(20, "0,"), "error D3088");
  EXPECT_EQ(fmt(20, "0,,0"), "error D3089");
  EXPECT_EQ(fmt(20, "0#.e0"), "error D3090");
  EXPECT_EQ(fmt(20, "#0.#0e0"), "error D3091");
  EXPECT_EQ(fmt(20, "#0.0e0%"), "error D3092");
  EXPECT_EQ(fmt(20, "#0.0e0,0"), "error D3093");
  EXPECT_EQ(fmt(42, "%%"), "error D3086");
  EXPECT_EQ(fmt(42, "\u2030\u2030"), "error D3086");
  EXPECT_EQ(fmt(42, "%\u2030"), "error D3086");
  EXPECT_EQ(fmt(42, "---"), "error D3086");
}

}  // namespace
}  // namespace sg::json::jsonata::lib
