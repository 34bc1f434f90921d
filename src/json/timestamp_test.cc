#include "json/timestamp.h"

#include <gtest/gtest.h>

namespace sg::json {
namespace {

TEST(Timestamp, AcceptsRfc3339AsAwsDoes) {
  EXPECT_EQ(parse_rfc3339("2016-03-14T01:59:00Z"), 1457920740000);
  EXPECT_EQ(parse_rfc3339("2016-03-14T01:59:00.000000Z"), 1457920740000);
  EXPECT_EQ(parse_rfc3339("2016-03-14T01:59:00.25Z"), 1457920740250);
  EXPECT_EQ(parse_rfc3339("2016-03-14T03:59:00+02:00"), 1457920740000);
  EXPECT_EQ(parse_rfc3339("2016-03-13T22:59:00-03:00"), 1457920740000);
  EXPECT_TRUE(parse_rfc3339("2024-02-29T00:00:00Z"));
}

TEST(Timestamp, RejectsWhatAwsRejects) {
  for (auto bad : {"2016-12-05T21:29:29", "2016-12-05 21:29:29Z", "2016-12-05T25:29:29Z",
                   "2016-13-05T21:29:29Z", "05-12-2016T21:29:29Z", "2023-02-29T00:00:00Z",
                   "2016-12-05t21:29:29Z", "2016-12-05T21:29:29.Z", "", "2016-12-05T21:29:29Zjunk"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

TEST(Timestamp, FormatsIsoWithMillis) {
  EXPECT_EQ(format_iso8601_ms(1457920740123), "2016-03-14T01:59:00.123Z");
  EXPECT_EQ(format_iso8601_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(parse_rfc3339(format_iso8601_ms(1700000000999)), 1700000000999);
}

}  // namespace
}  // namespace sg::json
