// AWS's name rules for state machines and executions (reference section 6.5).
#include "asl/names.h"

#include <gtest/gtest.h>

#include <string>

namespace sg::asl {
namespace {

TEST(Names, AcceptsWhatAwsAccepts) {
  for (std::string_view ok :
       {"my-execution", "activity.name.v2", "run_42", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac"}) {
    EXPECT_TRUE(is_valid_name(ok)) << ok;
  }
  EXPECT_TRUE(is_valid_name(std::string(80, 'a')));
}

TEST(Names, RefusesWhatAwsRefuses) {
  for (std::string_view bad : {"", "has space", "tab\there", "new\nline", "a/b", "a:b", "a*b", "a?b", "a$b",
                               "a`b", "a\"b", "{x}", "a|b", "a\x7f",
                               "bad\xff"
                               "utf8",
                               "nbsp\xc2\xa0here"}) {
    EXPECT_FALSE(is_valid_name(bad)) << bad;
  }
  EXPECT_FALSE(is_valid_name(std::string(81, 'a')));
}

}  // namespace
}  // namespace sg::asl
