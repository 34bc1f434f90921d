// Request-target helpers of the server's GET endpoints.
#include "server/http_query.h"

#include <gtest/gtest.h>

namespace sg::server {
namespace {

TEST(HttpQuery, PathStopsAtTheQuery) {
  EXPECT_EQ(path_of("/guardian/api/state-machines?limit=5"), "/guardian/api/state-machines");
  EXPECT_EQ(path_of("/metrics"), "/metrics");
}

TEST(HttpQuery, DecodesEscapesAndPlusAndKeepsMalformedOnes) {
  EXPECT_EQ(url_decode("a%20b+c%2Fd"), "a b c/d");
  EXPECT_EQ(url_decode("100%"), "100%");
  EXPECT_EQ(url_decode("%zz"), "%zz");
}

TEST(HttpQuery, ParamMatchesTheWholeName) {
  // "account" must not be read as "count".
  EXPECT_EQ(query_param("/events/api/schedules?account=7&count=5", "count"), "5");
  EXPECT_EQ(query_param("/x?tag=team%3Ddata", "tag"), "team=data");
  EXPECT_EQ(query_param("/x?a=1", "b"), "");
  EXPECT_EQ(query_param("/x", "a"), "");
}

TEST(HttpQuery, ParseQueryDecodesEveryPairLastWins) {
  auto q = parse_query("name=step&status=FAILED&&flag&name=other");
  EXPECT_EQ(q.at("name"), "other");
  EXPECT_EQ(q.at("status"), "FAILED");
  EXPECT_EQ(q.at("flag"), "");
  EXPECT_EQ(q.size(), 3u);
}

}  // namespace
}  // namespace sg::server
