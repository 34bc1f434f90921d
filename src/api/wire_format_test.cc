// Dates on the wire: epoch seconds with millisecond precision (reference §6.1).
#include "api/wire_format.h"

#include <gtest/gtest.h>

namespace sg::api {
namespace {

TEST(WireFormat, EpochSeconds) {
  EXPECT_EQ(epoch_seconds(1700000000000).dump(), "1700000000");
  // Jackson's (and AWS's) spelling of 1700000000.123.
  EXPECT_EQ(epoch_seconds(1700000000123).dump(), "1.700000000123E9");
  EXPECT_DOUBLE_EQ(epoch_seconds(1700000000123).as_double(), 1700000000.123);
  EXPECT_DOUBLE_EQ(epoch_seconds(1700000000001).as_double(), 1700000000.001);
  EXPECT_EQ(epoch_seconds(0).dump(), "0");
}

TEST(WireFormat, OptionalMembers) {
  json::ObjectBuilder b(4);
  add_date(b, "creationDate", 1500);
  add_string_if(b, "revisionId", "");
  add_string_if(b, "description", "d");
  add_if(b, "nothing", json::Value());
  add_if(b, "something", json::Value::boolean(false));
  EXPECT_EQ(std::move(b).build().dump(), R"({"creationDate":1.5,"description":"d","something":false})");
}

}  // namespace
}  // namespace sg::api
