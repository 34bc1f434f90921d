#include "json/jsonata_lib_datetime.h"

#include <gtest/gtest.h>

namespace sg::json::jsonata::lib {
namespace {

std::string fmt(double ms, std::string_view picture, std::optional<std::string_view> tz = std::nullopt) {
  std::string out;
  LibError e;
  if (!format_date_time(ms, picture, tz, &out, &e)) return "error " + e.code;
  return out;
}

TEST(FormatDateTime, ReferenceCases) {
  EXPECT_EQ(fmt(1, kIso8601Picture), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(fmt(1509380732935, kIso8601Picture), "2017-10-30T16:25:32.935Z");
  EXPECT_EQ(fmt(1521801216617, "Year: <[Y9,999,*]>"), "Year: <2,018>");
  EXPECT_EQ(fmt(1521801216617, "[[Year]]: [[[Y0001]]]"), "[Year]: [2018]");
  EXPECT_EQ(fmt(1522616700000, "[F0] [FNn]"), "7 Sunday");
  EXPECT_EQ(fmt(1521801216617, "[M01]/[D01]/[Y0001] at [H01]:[m01]:[s01]"), "03/23/2018 at 10:33:36");
  EXPECT_EQ(fmt(1521801216617, "[Y]-[ M01]-[D 01]T[H01 ]:[ m   ]:[s].[f0  01][Z01:\n 01t]"),
            "2018-03-23T10:33:36.617Z");
  EXPECT_EQ(fmt(1521801216617, "[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z0101t]", "+0100"),
            "2018-03-23T11:33:36.617+0100");
  EXPECT_EQ(fmt(1531310400000, "[Y]-[M01]-[D01]T[H01]:[m]:[s][Z01:01]"), "2018-07-11T12:00:00+00:00");
  EXPECT_EQ(fmt(1531310400000, "[Y]-[M01]-[D01]T[H01]:[m]:[s][Z]", "-0500"), "2018-07-11T07:00:00-05:00");
  EXPECT_EQ(fmt(1531310400000, "[Y]-[M01]-[D01]T[H01]:[m]:[s][Z0]", "-0500"), "2018-07-11T07:00:00-5");
  EXPECT_EQ(fmt(1531310400000, "[Y]-[M01]-[D01]T[H01]:[m]:[s][Z0]", "+0530"), "2018-07-11T17:30:00+5:30");
  EXPECT_EQ(fmt(1531310400000, "[Y]-[M01]-[D01]T[H01]:[m]:[s][z]", "-0500"), "2018-07-11T07:00:00GMT-05:00");
  EXPECT_EQ(fmt(1230757500000, "[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z0101t]", "+0530"),
            "2009-01-01T02:35:00.000+0530");
  EXPECT_EQ(fmt(1230757500000, "[Z010101t]", "+0530"), "error D3134");
  EXPECT_EQ(fmt(1521801216617, "[D#1,2]/[M1,2]/[Y,2]"), "23/03/18");
  EXPECT_EQ(fmt(1521801216617, "[D#1,2]/[M1,2]/[Y##01,2-2]"), "23/03/18");
  EXPECT_EQ(fmt(1521801216617, "[Da] [MA] [Yi]"), "w C mmxviii");
  EXPECT_EQ(fmt(1521801216617, "[FNn], the [Dwo] of [MNn] [Y] [E]"),
            "Friday, the twenty-third of March 2018 ISO");
  EXPECT_EQ(fmt(1521801216617, "[FNn,3-3], [D1o] [MNn,3-3] [Y] [C]"), "Fri, 23rd Mar 2018 ISO");
  EXPECT_EQ(fmt(1204405500000, "[F], [D]/[M]/[Y] [h]:[m]:[s] [P]"), "saturday, 1/3/2008 9:05:00 pm");
  EXPECT_EQ(fmt(1199664000000, "[F], [D]/[M]/[Y] [h]:[m]:[s] [PN]"), "monday, 7/1/2008 12:00:00 AM");
  EXPECT_EQ(fmt(1514808000000, "[dwo] day of the year"), "first day of the year");
  EXPECT_EQ(fmt(1483185600000, "[d] days in [Y0001]"), "366 days in 2016");
  EXPECT_EQ(fmt(1451304000000, "Week: [W]"), "Week: 53");
  EXPECT_EQ(fmt(1419854400000, "Week: [W]"), "Week: 1");
  EXPECT_EQ(fmt(1359460800000, "Week: [w] of [xNn]"), "Week: 5 of January");
  EXPECT_EQ(fmt(1483272000000, "Week: [w] of [xNn]"), "Week: 5 of December");
  EXPECT_EQ(fmt(1419940800000, "Week: [w] of [xNn]"), "Week: 1 of January");
  EXPECT_EQ(fmt(1104537600000, "[X0001]-W[W01]-[F1]"), "2004-W53-6");
  EXPECT_EQ(fmt(1199059200000, "[X0001]-W[W01]-[F1]"), "2008-W01-1");
  EXPECT_EQ(fmt(1419940800000, "[YN]-[M]-[D]"), "error D3133");
  EXPECT_EQ(fmt(1419940800000, "[YN]-[M"), "error D3135");
  EXPECT_EQ(fmt(1419940800000, "[q]"), "error D3132");
  EXPECT_EQ(fmt(1540127100000, kIso8601Picture, "0000"), "2018-10-21T13:05:00.000Z");
}

std::optional<double> parse(std::string_view text, std::string_view picture, std::string* code = nullptr) {
  std::optional<double> out;
  LibError e;
  if (!parse_date_time(text, picture, 1700000000000, &out, &e)) {
    if (code) *code = e.code;
    return -1;
  }
  return out;
}

TEST(ParseDateTime, ReferenceCases) {
  EXPECT_EQ(parse("201802", "[Y0001][M01]"), 1517443200000);
  EXPECT_EQ(parse("20180205", "[Y0001][M01][D01]"), 1517788800000);
  EXPECT_EQ(parse("20240101123849", "[Y0000][M00][D00][H00][m00][s00]"), 1704112729000);
  EXPECT_EQ(parse("Hello", "Hello"), std::nullopt);
  EXPECT_EQ(parse("2018", "[Y1]"), 1514764800000);
  EXPECT_EQ(parse("2018-03-27T14:03:00.123Z", "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001]Z"),
            1522159380123);
  EXPECT_EQ(parse("27th 3 1976", "[D1o] [M#1] [Y0001]"), 196732800000);
  EXPECT_EQ(parse("21st 12 1881", "[D1o] [M01] [Y0001]"), -2777932800000);
  EXPECT_EQ(parse("MCMLXXXIV", "[YI]"), 441763200000);
  EXPECT_EQ(parse("27 iii MMXVIII", "[D1] [Mi] [YI]"), 1522108800000);
  EXPECT_EQ(parse("ae C mmxviii", "[Da] [MA] [Yi]"), 1522454400000);
  EXPECT_EQ(parse("27th April 2008", "[D1o] [MNn] [Y0001]"), 1209254400000);
  EXPECT_EQ(parse("2 Feb 2012", "[D1] [MNn,3-3] [Y0001]"), 1328140800000);
  EXPECT_EQ(parse("one thousand, nine hundred and eighty-four", "[Yw]"), 441763200000);
  EXPECT_EQ(parse("nineteen hundred and eighty-four", "[Yw]"), 441763200000);
  EXPECT_EQ(parse("twenty-seventh April 2008", "[Dw] [MNn] [Y0001]"), 1209254400000);
  EXPECT_EQ(parse("TWENTY-SECOND August two thousand and seventeen", "[DW] [MNn] [Yw]"), 1503360000000);
  EXPECT_EQ(parse("Twentieth of August, two thousand and seventeen", "[DW] of [MNn], [Yw]"), 1503187200000);
  EXPECT_EQ(parse("4/4/2018 12:06 am", "[D1]/[M1]/[Y0001] [h]:[m] [P]"), 1522800360000);
  EXPECT_EQ(parse("4/4/2018 12:06 pm", "[D1]/[M1]/[Y0001] [h]:[m] [P]"), 1522843560000);
  EXPECT_EQ(parse("4/4/2018 11:30 pm", "[D1]/[M1]/[Y0001] [h]:[m] [P]"), 1522884600000);
  EXPECT_EQ(parse("2018-094", "[Y0001]-[d001]"), 1522800000000);
  EXPECT_EQ(parse("Mon, Twelfth November 2018", "[FNn,*-3], [DWwo] [MNn] [Y]"), 1541980800000);
  EXPECT_EQ(parse("three hundred and sixty-fifth day of 2018", "[dwo] day of [Y]"), 1546214400000);
  EXPECT_EQ(parse("irrelevent string", "[Y]-[M]-[D]"), std::nullopt);
  EXPECT_EQ(parse("2020-09-09 08:00:00 +02:00", "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]"), 1599631200000);
  EXPECT_EQ(parse("2020-09-09 08:00:00 GMT-05:00", "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z]"),
            1599656400000);
  EXPECT_EQ(parse("2020-09-09 12:00:00 +05:30", "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]"), 1599633000000);
  EXPECT_EQ(parse("2020-09-09 12:00:00 GMT-5", "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z01]"), 1599670800000);
  EXPECT_EQ(parse("2020-09-09 12:00:00 +0530", "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z0001]"),
            1599633000000);
  EXPECT_EQ(parse("2026-04-08T19:05:04.01987", "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f1]"), 1775675104019);
  // Time only: the date comes from "now" (2023-11-14T22:13:20Z).
  EXPECT_EQ(parse("13:45", "[H]:[m]"), 1699969500000);
  std::string code;
  EXPECT_EQ(parse("2018-05-22", "[Y]-[M]-[q]", &code), -1);
  EXPECT_EQ(code, "D3132");
  EXPECT_EQ(parse("2018-05-22", "[YN]-[M]-[D]", &code), -1);
  EXPECT_EQ(code, "D3133");
  EXPECT_EQ(parse("2018-22", "[Y]-[D]", &code), -1);
  EXPECT_EQ(code, "D3136");
  EXPECT_EQ(parse("5-22 23:59", "[M]-[D] [m]:[s]", &code), -1);
  EXPECT_EQ(code, "D3136");
  EXPECT_EQ(parse("2018-3-2-5", "[X]-[x]-[w]-[F1]", &code), -1);
  EXPECT_EQ(code, "D3136");
  EXPECT_EQ(parse("2018-32-5", "[X]-[W]-[F1]", &code), -1);
  EXPECT_EQ(code, "D3136");
}

std::optional<double> iso(std::string_view text, std::string* code = nullptr) {
  std::optional<double> out;
  LibError e;
  if (!parse_iso8601(text, &out, &e)) {
    if (code) *code = e.code;
    return -1;
  }
  return out;
}

TEST(ParseIso8601, ToMillis) {
  EXPECT_EQ(iso("1970-01-01T00:00:00.001Z"), 1);
  EXPECT_EQ(iso("2018-02-01T09:42:13.123+0000"), 1517478133123);
  EXPECT_EQ(iso("2017-10-30T15:28:34Z"), 1509377314000);
  EXPECT_EQ(iso("2018-10-21T13:05:00Z"), 1540127100000);
  EXPECT_EQ(iso("2018-10-21T15:05:00+02:00"), 1540127100000);
  EXPECT_EQ(iso("2018-10-21"), 1540080000000);
  EXPECT_EQ(iso("2018"), 1514764800000);
  EXPECT_EQ(iso("2018-13-01"), std::nullopt);
  std::string code;
  EXPECT_EQ(iso("foo", &code), -1);
  EXPECT_EQ(code, "D3110");
  EXPECT_EQ(iso("01-02-2018"), -1);
  EXPECT_EQ(iso("2018-02-03 11:15:33"), -1);
}

}  // namespace
}  // namespace sg::json::jsonata::lib
