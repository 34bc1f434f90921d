// Page sizes and nextToken strings (reference §6.1, Pagination).
#include "api/pagination.h"

#include <gtest/gtest.h>

#include <vector>

namespace sg::api {
namespace {

constexpr int64_t kNow = 1700000000000;

TEST(Pagination, PageSizes) {
  EXPECT_EQ(page_size(std::nullopt), 100u);
  EXPECT_EQ(page_size(0), 100u);
  EXPECT_EQ(page_size(7), 7u);
  EXPECT_EQ(page_size(1000), 1000u);
}

TEST(Pagination, TokensRoundTrip) {
  std::string token = encode_page_token("ListStateMachines", "machine-42", kNow);
  EXPECT_LE(token.size(), 1024u);
  ApiOr<std::string> after = decode_page_token(token, "ListStateMachines", kNow + 1000);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, "machine-42");
  // Keys of any bytes survive.
  std::string odd("k\xc3\xa9y \"quoted\" / 0");
  EXPECT_EQ(*decode_page_token(encode_page_token("L", odd, kNow), "L", kNow), odd);
}

TEST(Pagination, RefusesGarbageForeignAndExpiredTokens) {
  std::string token = encode_page_token("ListStateMachines", "k", kNow);
  std::string tampered = token;
  tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
  const std::pair<std::string, std::string_view> cases[] = {
      {"garbage", "ListStateMachines"}, {"!!!!", "ListStateMachines"},
      {"e30=", "ListStateMachines"},                                // base64 of {}
      {tampered, "ListStateMachines"},  {token, "ListActivities"},  // another listing
  };
  for (const auto& [text, listing] : cases) {
    ApiOr<std::string> after = decode_page_token(text, listing, kNow);
    ASSERT_FALSE(after.ok()) << text;
    EXPECT_EQ(after.error().code, "InvalidToken");
    EXPECT_EQ(after.error().message, "Invalid Token: 'Invalid token'");
  }
  EXPECT_TRUE(decode_page_token(token, "ListStateMachines", kNow + kPageTokenLifetimeMs).ok());
  EXPECT_FALSE(decode_page_token(token, "ListStateMachines", kNow + kPageTokenLifetimeMs + 1).ok());
}

TEST(Pagination, SelectsPagesAfterAKey) {
  std::vector<std::string> keys = {"a", "b", "c", "d", "e"};
  PageSlice first = select_page(keys, PageRequest{2, std::nullopt});
  EXPECT_EQ(first.begin, 0u);
  EXPECT_EQ(first.end, 2u);
  EXPECT_TRUE(first.more);
  PageSlice second = select_page(keys, PageRequest{2, "b"});
  EXPECT_EQ(second.begin, 2u);
  EXPECT_EQ(second.end, 4u);
  PageSlice last = select_page(keys, PageRequest{2, "d"});
  EXPECT_EQ(last.begin, 4u);
  EXPECT_EQ(last.end, 5u);
  EXPECT_FALSE(last.more);
  // The key handed out was deleted since: the next page still starts after it.
  std::vector<std::string> fewer = {"a", "c", "d"};
  EXPECT_EQ(select_page(fewer, PageRequest{2, "b"}).begin, 1u);
}

TEST(Pagination, PageRequestCombinesBoth) {
  ApiOr<PageRequest> none = page_request(0, std::nullopt, "L", kNow);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->limit, 100u);
  EXPECT_FALSE(none->after);
  ApiOr<PageRequest> next = page_request(5, encode_page_token("L", "x", kNow), "L", kNow);
  EXPECT_EQ(next->limit, 5u);
  EXPECT_EQ(next->after, "x");
  EXPECT_EQ(page_request(5, std::string("nope"), "L", kNow).error().code, "InvalidToken");
}

}  // namespace
}  // namespace sg::api
