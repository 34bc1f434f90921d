#include "events/schedule_expression.h"

#include <date/date.h>
#include <gtest/gtest.h>

#include "json/timestamp.h"

namespace sg::events {
namespace {

SysSeconds at(std::string_view iso) {
  auto ms = json::parse_rfc3339(iso);
  EXPECT_TRUE(ms.has_value()) << iso;
  return SysSeconds(std::chrono::seconds(ms.value_or(0) / 1000));
}

std::string show(SysSeconds t) { return date::format("%Y-%m-%d %H:%M", t); }

std::vector<std::string> fires(std::string_view expression, std::string_view after, int count,
                               ScheduleOptions options = {ScheduleDialect::kRule}) {
  auto s = Schedule::make(expression, options);
  EXPECT_TRUE(s.ok()) << expression << (s.ok() ? "" : s.error().message);
  std::vector<std::string> out;
  if (!s.ok()) return out;
  SysSeconds t = at(after);
  for (int i = 0; i < count; ++i) {
    auto next = s->next_fire_after(t);
    if (!next) break;
    out.push_back(show(*next));
    t = *next;
  }
  return out;
}

using Fires = std::vector<std::string>;
constexpr std::string_view kRef = "2025-02-27T12:00:00Z";  // a Thursday

TEST(CronSchedule, ReferenceVectors) {
  EXPECT_EQ(fires("cron(0 10 * * ? *)", kRef, 3),
            (Fires{"2025-02-28 10:00", "2025-03-01 10:00", "2025-03-02 10:00"}));
  EXPECT_EQ(fires("cron(15 12 * * ? *)", kRef, 3),
            (Fires{"2025-02-27 12:15", "2025-02-28 12:15", "2025-03-01 12:15"}));
  EXPECT_EQ(fires("cron(0 18 ? * MON-FRI *)", kRef, 3),
            (Fires{"2025-02-27 18:00", "2025-02-28 18:00", "2025-03-03 18:00"}));
  EXPECT_EQ(fires("cron(0 8 1 * ? *)", kRef, 3),
            (Fires{"2025-03-01 08:00", "2025-04-01 08:00", "2025-05-01 08:00"}));
  EXPECT_EQ(fires("cron(0/15 * * * ? *)", kRef, 3),
            (Fires{"2025-02-27 12:15", "2025-02-27 12:30", "2025-02-27 12:45"}));
  EXPECT_EQ(fires("cron(0/10 * ? * MON-FRI *)", kRef, 3),
            (Fires{"2025-02-27 12:10", "2025-02-27 12:20", "2025-02-27 12:30"}));
  EXPECT_EQ(fires("cron(0/5 8-17 ? * MON-FRI *)", kRef, 3),
            (Fires{"2025-02-27 12:05", "2025-02-27 12:10", "2025-02-27 12:15"}));
  EXPECT_EQ(fires("cron(5,35 14 * * ? *)", kRef, 3),
            (Fires{"2025-02-27 14:05", "2025-02-27 14:35", "2025-02-28 14:05"}));
  EXPECT_EQ(fires("cron(15 10 ? * 6L 2019-2030)", kRef, 3),
            (Fires{"2025-02-28 10:15", "2025-03-28 10:15", "2025-04-25 10:15"}));
  EXPECT_EQ(fires("cron(1/10 * * * ? *)", kRef, 3),
            (Fires{"2025-02-27 12:01", "2025-02-27 12:11", "2025-02-27 12:21"}));
  EXPECT_EQ(fires("cron(0 0 L * ? *)", kRef, 3),
            (Fires{"2025-02-28 00:00", "2025-03-31 00:00", "2025-04-30 00:00"}));
  EXPECT_EQ(fires("cron(0 9 15W * ? *)", kRef, 3),
            (Fires{"2025-03-14 09:00", "2025-04-15 09:00", "2025-05-15 09:00"}));
  EXPECT_EQ(fires("cron(0 9 1W * ? *)", kRef, 3),
            (Fires{"2025-03-03 09:00", "2025-04-01 09:00", "2025-05-01 09:00"}));
  EXPECT_EQ(fires("cron(0 9 ? * 3#2 *)", kRef, 3),
            (Fires{"2025-03-11 09:00", "2025-04-08 09:00", "2025-05-13 09:00"}));
  EXPECT_EQ(fires("cron(0 9 ? * 2#1 *)", kRef, 3),
            (Fires{"2025-03-03 09:00", "2025-04-07 09:00", "2025-05-05 09:00"}));
  EXPECT_EQ(fires("cron(30 2 ? * SUN *)", kRef, 3),
            (Fires{"2025-03-02 02:30", "2025-03-09 02:30", "2025-03-16 02:30"}));
  EXPECT_EQ(fires("cron(0 0 29 2 ? *)", kRef, 3),
            (Fires{"2028-02-29 00:00", "2032-02-29 00:00", "2036-02-29 00:00"}));
  EXPECT_EQ(fires("cron(59 23 31 12 ? *)", kRef, 3),
            (Fires{"2025-12-31 23:59", "2026-12-31 23:59", "2027-12-31 23:59"}));
  EXPECT_EQ(fires("cron(0 0 1 JAN,APR,JUL,OCT ? *)", kRef, 3),
            (Fires{"2025-04-01 00:00", "2025-07-01 00:00", "2025-10-01 00:00"}));
  EXPECT_EQ(fires("cron(0 12 ? * 1,7 *)", kRef, 3),
            (Fires{"2025-03-01 12:00", "2025-03-02 12:00", "2025-03-08 12:00"}));
  EXPECT_EQ(fires("cron(0/20 9-17/2 * * ? *)", kRef, 3),
            (Fires{"2025-02-27 13:00", "2025-02-27 13:20", "2025-02-27 13:40"}));
  EXPECT_EQ(fires("cron(0 6 ? * FRI-MON *)", kRef, 3),
            (Fires{"2025-02-28 06:00", "2025-03-01 06:00", "2025-03-02 06:00"}));
}

TEST(CronSchedule, WrappingHourRangeAppliesDayOfWeekToEachFiring) {
  constexpr std::string_view kExpr = "cron(0/30 20-2 ? * MON-FRI *)";
  EXPECT_EQ(fires(kExpr, kRef, 3), (Fires{"2025-02-27 20:00", "2025-02-27 20:30", "2025-02-27 21:00"}));
  EXPECT_EQ(fires(kExpr, "2025-02-27T23:45:00Z", 7),
            (Fires{"2025-02-28 00:00", "2025-02-28 00:30", "2025-02-28 01:00", "2025-02-28 01:30",
                   "2025-02-28 02:00", "2025-02-28 02:30", "2025-02-28 20:00"}));
  EXPECT_EQ(fires(kExpr, "2025-02-28T23:00:00Z", 2), (Fires{"2025-02-28 23:30", "2025-03-03 00:00"}));
}

TEST(CronSchedule, RejectsInvalidExpressions) {
  for (const char* bad : {"cron(0 10 * * * *)",
                          "cron(0 10 * *)",
                          "cron(0 10 * * ?)",
                          "cron(0 9 ? * 3#1,6#3 *)",
                          "rate(1 hours)",
                          "rate(5 hour)",
                          "rate(0 minutes)",
                          "rate(1.5 hours)",
                          "cron(0 10 ? * ? *)",
                          "cron(60 10 * * ? *)",
                          "cron(0 24 * * ? *)",
                          "cron(0 0 32 * ? *)",
                          "cron(0 0 * 13 ? *)",
                          "cron(0 0 ? * 8 *)",
                          "cron(0 0 * * ? 2200)",
                          "cron(0 0 ? * 3#6 *)",
                          "rate(5 weeks)",
                          "rate(-1 minutes)",
                          "rate(5minutes)",
                          "at(2025-01-01T00:00:00)",
                          "cron(0 0 * * ? * *)",
                          "cron(0/0 * * * ? *)",
                          "",
                          "every 5 minutes",
                          "cron(0 0 1,L * ? *)",
                          "cron(0 0 FOO * ? *)"}) {
    auto e = ScheduleExpression::parse(bad, ScheduleDialect::kRule);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().code, "ValidationException");
    EXPECT_EQ(e.error().message, "Parameter ScheduleExpression is not valid.");
  }
  for (const char* good : {"rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(2 hours)",
                           "rate(1 day)", "rate(7 days)", "cron(* * * * ? *)", "cron(0 10 ? * mon-fri *)",
                           "cron(0 0 LW * ? *)", "cron(0 0 ? * L *)", "cron(0 0 ? * FRIL *)"}) {
    EXPECT_TRUE(ScheduleExpression::parse(good, ScheduleDialect::kRule).ok()) << good;
  }
  // Scheduler: at() is allowed, and rate accepts either number form.
  EXPECT_TRUE(ScheduleExpression::parse("at(2025-03-01T10:00:00)", ScheduleDialect::kScheduler).ok());
  EXPECT_TRUE(ScheduleExpression::parse("rate(1 days)", ScheduleDialect::kScheduler).ok());
  EXPECT_FALSE(ScheduleExpression::parse("at(2025-02-30T10:00:00)", ScheduleDialect::kScheduler).ok());
  EXPECT_FALSE(ScheduleExpression::parse("at(2025-03-01T10:00:00Z)", ScheduleDialect::kScheduler).ok());
}

ScheduleOptions los_angeles() {
  ScheduleOptions o;
  o.dialect = ScheduleDialect::kScheduler;
  o.time_zone = "America/Los_Angeles";
  return o;
}

TEST(SchedulerSchedule, SpringForwardSkipsTheMissingTime) {
  EXPECT_EQ(fires("cron(30 2 * * ? *)", "2025-03-08T00:00:00Z", 3, los_angeles()),
            (Fires{"2025-03-08 10:30", "2025-03-10 09:30", "2025-03-11 09:30"}));
}

TEST(SchedulerSchedule, FallBackFiresOnceAtTheFirstOccurrence) {
  EXPECT_EQ(fires("cron(30 1 * * ? *)", "2025-11-01T00:00:00Z", 3, los_angeles()),
            (Fires{"2025-11-01 08:30", "2025-11-02 08:30", "2025-11-03 09:30"}));
  // Every 15 minutes through the repeated hour: 01:00-01:45 PDT, then 02:00 PST.
  EXPECT_EQ(fires("cron(0/15 * * * ? *)", "2025-11-02T08:40:00Z", 3, los_angeles()),
            (Fires{"2025-11-02 08:45", "2025-11-02 10:00", "2025-11-02 10:15"}));
}

TEST(SchedulerSchedule, RateFiresAtCreationThenEveryPeriodAndDriftsAcrossDst) {
  ScheduleOptions o = los_angeles();
  o.created = at("2025-03-08T17:00:00Z");  // 09:00 PST
  EXPECT_EQ(
      fires("rate(1 days)", "2025-03-08T16:00:00Z", 3, o),
      (Fires{"2025-03-08 17:00", "2025-03-09 17:00", "2025-03-10 17:00"}));  // 10:00 PDT after the change
  // A rule's rate first fires one period after creation.
  ScheduleOptions rule;
  rule.dialect = ScheduleDialect::kRule;
  rule.created = at("2025-03-08T17:00:00Z");
  EXPECT_EQ(fires("rate(5 minutes)", "2025-03-08T17:00:00Z", 2, rule),
            (Fires{"2025-03-08 17:05", "2025-03-08 17:10"}));
  EXPECT_EQ(fires("rate(5 minutes)", "2025-03-08T16:00:00Z", 1, rule), (Fires{"2025-03-08 17:05"}));
}

TEST(SchedulerSchedule, StartAndEndDates) {
  ScheduleOptions o;
  o.start = at("2025-03-10T00:00:00Z");
  o.end = at("2025-03-12T12:00:00Z");
  EXPECT_EQ(fires("cron(0 10 * * ? *)", kRef, 5, o),
            (Fires{"2025-03-10 10:00", "2025-03-11 10:00", "2025-03-12 10:00"}));
  // A rate anchors at the start date.
  EXPECT_EQ(fires("rate(1 day)", kRef, 5, o),
            (Fires{"2025-03-10 00:00", "2025-03-11 00:00", "2025-03-12 00:00"}));
}

TEST(SchedulerSchedule, OneTimeScheduleInItsZone) {
  EXPECT_EQ(fires("at(2025-07-04T09:00:00)", kRef, 3, los_angeles()), (Fires{"2025-07-04 16:00"}));
  EXPECT_EQ(fires("at(2025-01-01T09:00:00)", kRef, 3, los_angeles()), Fires{});
}

TEST(SchedulerSchedule, RejectsUnknownZonesAndZonesOnRules) {
  ScheduleOptions o;
  o.time_zone = "Mars/Olympus_Mons";
  EXPECT_FALSE(Schedule::make("rate(1 hour)", o).ok());
  ScheduleOptions rule;
  rule.dialect = ScheduleDialect::kRule;
  rule.time_zone = "Europe/Paris";
  EXPECT_FALSE(Schedule::make("rate(1 hour)", rule).ok());
  ScheduleOptions paris;
  paris.time_zone = "Europe/Paris";
  EXPECT_EQ(fires("cron(0 9 * * ? *)", kRef, 1, paris), (Fires{"2025-02-28 08:00"}));
}

class FixedEntropy : public json::Entropy {
 public:
  explicit FixedEntropy(uint64_t v) : v_(v) {}
  uint64_t next_u64() override { return v_; }

 private:
  uint64_t v_;
};

TEST(SchedulerSchedule, FlexibleWindowOffsetIsDrawnFromTheInjectedSource) {
  ScheduleOptions o;
  o.flexible_window_minutes = 15;
  auto s = Schedule::make("cron(0 10 * * ? *)", o);
  ASSERT_TRUE(s.ok());
  SysSeconds nominal = at("2025-02-28T10:00:00Z");
  FixedEntropy e1(0), e2(899), e3(900 + 61);
  EXPECT_EQ(show(s->flexible_fire(nominal, e1)), "2025-02-28 10:00");
  EXPECT_EQ(s->flexible_fire(nominal, e2), nominal + std::chrono::seconds(899));
  EXPECT_EQ(s->flexible_fire(nominal, e3), nominal + std::chrono::seconds(61));
  ScheduleOptions off;
  auto plain = Schedule::make("cron(0 10 * * ? *)", off);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->flexible_fire(nominal, e2), nominal);
  o.flexible_window_minutes = 1441;
  EXPECT_FALSE(Schedule::make("cron(0 10 * * ? *)", o).ok());
}

}  // namespace
}  // namespace sg::events
