// Internals shared by the date/time picture formatter (jsonata_lib_datetime.cc) and
// parser (jsonata_lib_datetime_parse.cc): calendar arithmetic on epoch milliseconds, the
// components of a date, and the analysed picture. Internal to json/jsonata_lib_datetime*.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/jsonata_lib_integer.h"
#include "json/jsonata_lib_text.h"

namespace sg::json::jsonata::lib {

inline constexpr int64_t kDayMs = 86400000;
inline constexpr const char* kDays[] = {"",         "Monday", "Tuesday",  "Wednesday",
                                        "Thursday", "Friday", "Saturday", "Sunday"};
inline constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

using Case = IntegerPicture::Case;

int64_t floor_div(int64_t a, int64_t b);
// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12), and back.
int64_t days_from_civil(int64_t y, int64_t m, int64_t d);
void civil_from_days(int64_t z, int64_t* y, int* m, int* d);
// Date.UTC(year, month0[, day]) in ms, months normalised as JavaScript does.
int64_t utc_date(int64_t year, int64_t month0, int64_t day = 1);

struct DateParts {
  int64_t ms;  // epoch ms
  int64_t year;
  int month;  // 1..12
  int day;
  int hour, minute, second, milli;
  int weekday;  // 0 Sunday .. 6 Saturday
};
DateParts split_date(int64_t ms);

// The value of one component (Y, M, D, d, F, W, w, X, x, H, h, P, m, s, f, C, E) of a date,
// as the reference's getDateTimeFragment gives it.
struct Fragment {
  bool defined = true;
  bool is_text = false;
  double num = 0;
  std::string text;
};
Fragment fragment(const DateParts& d, char32_t component);

bool in(char32_t c, std::u32string_view set);

// One literal or variable marker of an analysed picture (F&O 9.8.4).
struct Part {
  bool literal = false;
  std::string text;  // the literal
  char32_t component = 0;
  std::string component_text;  // for error messages
  std::optional<double> width_min, width_max;
  bool has_width = false;
  std::string presentation1, presentation2;
  bool has_names = false;
  Case names = Case::kLower;
  bool has_integer = false;
  IntegerPicture integer;
  double n = -1;  // Y: digits kept
};

// Splits `picture` into parts. Fails with D3131 (digit families), D3132 (unknown
// component) or D3135 (unclosed marker).
bool analyse_picture(std::string_view picture, std::vector<Part>* parts, LibError* error);

}  // namespace sg::json::jsonata::lib
