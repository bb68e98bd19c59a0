// time_bucket against TimescaleDB's documented examples and the expected
// output of its regression test (test/expected/timestamp.out), plus the
// edges: infinities, Julian day 0, the int64 limits.
//
// Expected values are written as calendar dates and turned into numbers by
// an oracle of this file (Howard Hinnant's days_from_civil), a different
// algorithm from the Julian day numbers of the code under test, so a wrong
// calendar shows up as a wrong bucket rather than cancelling out.
#include "tsdb/time_bucket.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"

namespace tsdb {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// --- The oracle: days since 2000-01-01 <-> proleptic Gregorian dates
// (astronomical years), by era of 400 years.

int64_t OracleDays(int64_t year, int month, int day) {
  year -= month <= 2;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t year_of_era = year - era * 400;
  int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468 - 10957;  // 1970, then 2000
}

CivilDate OracleCivil(int64_t days) {
  days += 719468 + 10957;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t day_of_era = days - era * 146097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t mp = (5 * day_of_year + 2) / 153;
  CivilDate date;
  date.day = static_cast<int32_t>(day_of_year - (153 * mp + 2) / 5 + 1);
  date.month = static_cast<int32_t>(mp < 10 ? mp + 3 : mp - 9);
  date.year = year_of_era + era * 400 + (date.month <= 2);
  return date;
}

// A timestamp (or timestamptz at UTC) from its calendar fields.
int64_t Ts(int64_t year, int month, int day, int hour = 0, int minute = 0, int second = 0,
           int64_t micros = 0) {
  return OracleDays(year, month, day) * kDay + hour * kHour + minute * kMinute + second * kSecond +
         micros;
}
int32_t Date(int64_t year, int month, int day) {
  return static_cast<int32_t>(OracleDays(year, month, day));
}

std::string ShowTimestamp(int64_t ts) {
  if (ts == kTimestampMinusInfinity) return "-infinity";
  if (ts == kTimestampPlusInfinity) return "infinity";
  int64_t days = (ts >= 0 ? ts : ts - (kDay - 1)) / kDay;
  int64_t time = ts - days * kDay;
  CivilDate d = OracleCivil(days);
  return absl::StrFormat("%d-%02d-%02d %02d:%02d:%02d.%06d (%d)", d.year, d.month, d.day,
                         time / kHour, time / kMinute % 60, time / kSecond % 60, time % kSecond,
                         ts);
}
std::string ShowDate(int32_t date) {
  if (date == kDateMinusInfinity) return "-infinity";
  if (date == kDatePlusInfinity) return "infinity";
  CivilDate d = OracleCivil(date);
  return absl::StrFormat("%d-%02d-%02d (%d)", d.year, d.month, d.day, date);
}

::testing::AssertionResult IsTimestamp(const Result<int64_t>& got, int64_t expected) {
  if (!got.ok()) {
    return ::testing::AssertionFailure()
           << "error " << got.status() << ", expected " << ShowTimestamp(expected);
  }
  if (*got != expected) {
    return ::testing::AssertionFailure()
           << ShowTimestamp(*got) << ", expected " << ShowTimestamp(expected);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsDate(const Result<int32_t>& got, int32_t expected) {
  if (!got.ok()) {
    return ::testing::AssertionFailure()
           << "error " << got.status() << ", expected " << ShowDate(expected);
  }
  if (*got != expected) {
    return ::testing::AssertionFailure() << ShowDate(*got) << ", expected " << ShowDate(expected);
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult IsValue(const Result<T>& got, T expected) {
  if (!got.ok()) {
    return ::testing::AssertionFailure() << "error " << got.status() << ", expected " << expected;
  }
  if (*got != expected) return ::testing::AssertionFailure() << *got << ", expected " << expected;
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult IsError(const Result<T>& got, absl::StatusCode code,
                                   std::string_view message) {
  if (got.ok()) {
    return ::testing::AssertionFailure() << "value " << *got << ", expected error " << message;
  }
  if (got.status().code() != code || std::string(got.status().message()) != message) {
    return ::testing::AssertionFailure()
           << got.status() << ", expected " << absl::StatusCodeToString(code) << ": " << message;
  }
  return ::testing::AssertionSuccess();
}

Interval Micros(int64_t n) { return {0, 0, n}; }
Interval Minutes(int64_t n) { return Micros(n * kMinute); }
Interval Hours(int64_t n) { return Micros(n * kHour); }
Interval Days(int32_t n) { return {0, n, 0}; }
Interval Weeks(int32_t n) { return Days(7 * n); }
Interval Months(int32_t n) { return {n, 0, 0}; }

Result<int64_t> Bucket(const Interval& width, int64_t ts) { return TimeBucketTimestamp(width, ts); }
Result<int64_t> BucketAt(const Interval& width, int64_t ts, int64_t origin) {
  TimestampBucketOptions options;
  options.origin = origin;
  return TimeBucketTimestamp(width, ts, options);
}
Result<int64_t> BucketBy(const Interval& width, int64_t ts, const Interval& offset) {
  TimestampBucketOptions options;
  options.offset = offset;
  return TimeBucketTimestamp(width, ts, options);
}
Result<int32_t> BucketDate(const Interval& width, int32_t date) {
  return TimeBucketDate(width, date);
}
Result<int32_t> BucketDateAt(const Interval& width, int32_t date, int32_t origin) {
  DateBucketOptions options;
  options.origin = origin;
  return TimeBucketDate(width, date, options);
}
Result<int32_t> BucketDateBy(const Interval& width, int32_t date, const Interval& offset) {
  DateBucketOptions options;
  options.offset = offset;
  return TimeBucketDate(width, date, options);
}

constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
constexpr auto kUnsupported = absl::StatusCode::kUnimplemented;
constexpr auto kOutOfRange = absl::StatusCode::kOutOfRange;

// --- Calendar

TEST(TimeBucketCalendar, PostgresLandmarks) {
  // Postgres's own constants: POSTGRES_EPOCH_JDATE = 2451545 (Julian day 0 is
  // 4714-11-24 BC, astronomical year -4713), TIMESTAMP_END_JULIAN = 109203528
  // (294277-01-01), DATE_END_JULIAN = 2147483494 (5874898-01-01).
  EXPECT_EQ(DaysFromCivil({2000, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), -10957);
  EXPECT_EQ(DaysFromCivil({2000, 3, 1}), 60);  // 2000 is a leap year
  EXPECT_EQ(DaysFromCivil({1900, 3, 1}), -36465);
  EXPECT_EQ(DaysFromCivil({-4713, 11, 24}), -2451545);
  EXPECT_EQ(DaysFromCivil({294277, 1, 1}), 109203528 - 2451545);
  EXPECT_EQ(DaysFromCivil({5874898, 1, 1}), 2147483494 - 2451545);
  EXPECT_EQ(kMinDate, -2451545);
  EXPECT_EQ(kEndDate, 2147483494 - 2451545);
  EXPECT_EQ(kMinTimestamp, int64_t{-2451545} * kMicrosPerDay);
  EXPECT_EQ(kEndTimestamp, int64_t{109203528 - 2451545} * kMicrosPerDay);

  CivilDate jd0 = CivilFromDays(-2451545);
  EXPECT_EQ(jd0.year, -4713);
  EXPECT_EQ(jd0.month, 11);
  EXPECT_EQ(jd0.day, 24);
  CivilDate leap = CivilFromDays(59);
  EXPECT_EQ(leap.year, 2000);
  EXPECT_EQ(leap.month, 2);
  EXPECT_EQ(leap.day, 29);
  CivilDate before = CivilFromDays(-1);
  EXPECT_EQ(before.year, 1999);
  EXPECT_EQ(before.month, 12);
  EXPECT_EQ(before.day, 31);
}

void ExpectMatchesOracle(int64_t days) {
  CivilDate want = OracleCivil(days);
  CivilDate got = CivilFromDays(days);
  ASSERT_EQ(got.year, want.year) << days;
  ASSERT_EQ(got.month, want.month) << days;
  ASSERT_EQ(got.day, want.day) << days;
  ASSERT_EQ(DaysFromCivil(want), days) << want.year << "-" << want.month << "-" << want.day;
}

TEST(TimeBucketCalendar, MatchesOracleOverEveryTimestampDayNearTheEpochsAndSampledElsewhere) {
  // Every day from 10000 BC to 10000 AD (where leap rules and the March-based
  // year turn over), then the whole int32 range sampled, which reaches years
  // before -4800 where the Julian day formulas need floor division.
  for (int64_t days = OracleDays(-10000, 1, 1); days <= OracleDays(10000, 1, 1); ++days) {
    ExpectMatchesOracle(days);
  }
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> any(std::numeric_limits<int32_t>::min(),
                                             std::numeric_limits<int32_t>::max());
  for (int i = 0; i < 200000; ++i) ExpectMatchesOracle(any(rng));
  ExpectMatchesOracle(std::numeric_limits<int32_t>::min());
  ExpectMatchesOracle(std::numeric_limits<int32_t>::max());
}

TEST(TimeBucketCalendar, NotFiniteAndValid) {
  EXPECT_TRUE(TimestampNotFinite(kInt64Min));
  EXPECT_TRUE(TimestampNotFinite(kInt64Max));
  EXPECT_FALSE(TimestampNotFinite(kInt64Min + 1));
  EXPECT_FALSE(TimestampNotFinite(0));
  EXPECT_TRUE(DateNotFinite(std::numeric_limits<int32_t>::min()));
  EXPECT_TRUE(DateNotFinite(std::numeric_limits<int32_t>::max()));
  EXPECT_FALSE(DateNotFinite(0));
  EXPECT_TRUE(TimestampIsValid(kMinTimestamp));
  EXPECT_FALSE(TimestampIsValid(kMinTimestamp - 1));
  EXPECT_TRUE(TimestampIsValid(kEndTimestamp - 1));
  EXPECT_FALSE(TimestampIsValid(kEndTimestamp));
  EXPECT_FALSE(TimestampIsValid(kTimestampPlusInfinity));
  EXPECT_TRUE(DateIsValid(kMinDate));
  EXPECT_FALSE(DateIsValid(kMinDate - 1));
  EXPECT_FALSE(DateIsValid(kEndDate));
}

// --- Postgres's timestamp +/- interval

TEST(TimeBucketInterval, MonthsClampToTheEndOfTheMonthThenDaysThenTime) {
  EXPECT_TRUE(
      IsTimestamp(TimestampPlusInterval(Ts(2020, 1, 31, 10), Months(1)), Ts(2020, 2, 29, 10)));
  EXPECT_TRUE(IsTimestamp(TimestampPlusInterval(Ts(2019, 1, 31), Months(1)), Ts(2019, 2, 28)));
  EXPECT_TRUE(IsTimestamp(TimestampMinusInterval(Ts(2020, 3, 31), Months(1)), Ts(2020, 2, 29)));
  EXPECT_TRUE(IsTimestamp(TimestampPlusInterval(Ts(2020, 12, 15), Months(13)), Ts(2022, 1, 15)));
  EXPECT_TRUE(IsTimestamp(TimestampMinusInterval(Ts(2020, 1, 15), Months(14)), Ts(2018, 11, 15)));
  EXPECT_TRUE(
      IsTimestamp(TimestampPlusInterval(Ts(1999, 12, 31, 23), Days(1)), Ts(2000, 1, 1, 23)));
  // Month first, then day: Jan 31 + (1 month 1 day) is Mar 1, not Mar 2.
  EXPECT_TRUE(IsTimestamp(TimestampPlusInterval(Ts(2019, 1, 31), {1, 1, 0}), Ts(2019, 3, 1)));
  EXPECT_TRUE(IsTimestamp(TimestampPlusInterval(Ts(2000, 1, 1), {0, 0, -1}),
                          Ts(1999, 12, 31, 23, 59, 59, 999999)));
  EXPECT_TRUE(IsTimestamp(TimestampPlusInterval(Ts(-100, 3, 1), Days(-1)), Ts(-100, 2, 28)));
}

TEST(TimeBucketInterval, RangeErrorsAndInfinities) {
  EXPECT_TRUE(
      IsTimestamp(TimestampPlusInterval(kTimestampPlusInfinity, Days(-1)), kTimestampPlusInfinity));
  EXPECT_TRUE(IsTimestamp(TimestampMinusInterval(kTimestampMinusInfinity, Months(1)),
                          kTimestampMinusInfinity));
  EXPECT_TRUE(IsError(TimestampPlusInterval(kEndTimestamp - 1, Micros(1)), kOutOfRange,
                      "timestamp out of range"));
  EXPECT_TRUE(IsError(TimestampPlusInterval(kMinTimestamp, Micros(-1)), kOutOfRange,
                      "timestamp out of range"));
  EXPECT_TRUE(IsError(TimestampPlusInterval(kMinTimestamp, Days(-1)), kOutOfRange,
                      "timestamp out of range"));
  EXPECT_TRUE(
      IsError(TimestampPlusInterval(Ts(2000, 1, 1), Months(std::numeric_limits<int32_t>::max())),
              kOutOfRange, "timestamp out of range"));
  EXPECT_TRUE(IsError(TimestampPlusInterval(Ts(294276, 12, 31), Micros(kInt64Max)), kOutOfRange,
                      "timestamp out of range"));
  // Calendar steps need a valid timestamp to start from; a microsecond step
  // only needs a valid result.
  EXPECT_TRUE(IsError(TimestampPlusInterval(kMinTimestamp - kDay, Days(2)), kOutOfRange,
                      "timestamp out of range"));
  EXPECT_TRUE(IsTimestamp(TimestampPlusInterval(kMinTimestamp - kDay, Micros(2 * kDay)),
                          kMinTimestamp + kDay));
  EXPECT_TRUE(IsError(TimestampMinusInterval(Ts(2000, 1, 1), Micros(kInt64Min)), kOutOfRange,
                      "interval out of range"));
}

// --- time_bucket(interval, timestamp)

TEST(TimeBucketTimestamp, DocumentationExamples) {
  EXPECT_TRUE(IsTimestamp(Bucket(Minutes(5), Ts(2020, 1, 1, 12, 7)), Ts(2020, 1, 1, 12, 5)));
  // "About time buckets": two-week buckets counted from 2000-01-03 put
  // 2020-04-24 (a Friday) into the bucket of Monday 2020-04-13.
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(2), Ts(2020, 4, 24)), Ts(2020, 4, 13)));
  // "To start weeks on Sunday, set the origin to Sunday, January 2, 2000."
  EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), Ts(2020, 4, 24), Ts(2000, 1, 2)), Ts(2020, 4, 19)));
  // Rounding to the nearest 5 minutes: offset -2.5 minutes, then + 2.5.
  struct Case {
    int64_t ts, rounded;
  } rounding[] = {
      {Ts(2011, 1, 2, 1, 5, 1), Ts(2011, 1, 2, 1, 5)},
      {Ts(2011, 1, 2, 1, 7, 29), Ts(2011, 1, 2, 1, 5)},
      {Ts(2011, 1, 2, 1, 2, 30), Ts(2011, 1, 2, 1, 5)},
      {Ts(2011, 1, 2, 1, 7, 30), Ts(2011, 1, 2, 1, 10)},
      {Ts(2011, 1, 2, 1, 2, 29), Ts(2011, 1, 2, 1, 0)},
  };
  for (const Case& c : rounding) {
    auto start = BucketBy(Minutes(5), c.ts, Micros(-150 * kSecond));
    ASSERT_TRUE(start.ok()) << start.status();
    EXPECT_EQ(*start + 150 * kSecond, c.rounded) << ShowTimestamp(c.ts);
  }
}

TEST(TimeBucketTimestamp, RegressionWidths) {
  EXPECT_TRUE(IsTimestamp(Bucket(Days(1), Ts(2011, 1, 2, 1, 1, 1)), Ts(2011, 1, 2)));
  EXPECT_TRUE(IsTimestamp(Bucket(Days(2), Ts(2011, 1, 1, 1, 1, 1)), Ts(2011, 1, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Days(2), Ts(2011, 1, 2, 1, 1, 1)), Ts(2011, 1, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Days(2), Ts(2011, 1, 3, 1, 1, 1)), Ts(2011, 1, 3)));
  EXPECT_TRUE(IsTimestamp(Bucket(Days(2), Ts(2011, 1, 4, 1, 1, 1)), Ts(2011, 1, 3)));

  int64_t ts = Ts(2011, 1, 2, 1, 1, 1, 111000);
  EXPECT_TRUE(IsTimestamp(Bucket(Micros(1000), ts), Ts(2011, 1, 2, 1, 1, 1, 111000)));
  EXPECT_TRUE(IsTimestamp(Bucket(Micros(kSecond), ts), Ts(2011, 1, 2, 1, 1, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Minutes(1), ts), Ts(2011, 1, 2, 1, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Hours(1), ts), Ts(2011, 1, 2, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Days(1), ts), Ts(2011, 1, 2)));
  EXPECT_TRUE(IsTimestamp(Bucket(Micros(2000), ts), Ts(2011, 1, 2, 1, 1, 1, 110000)));
  EXPECT_TRUE(IsTimestamp(Bucket(Micros(2 * kSecond), ts), Ts(2011, 1, 2, 1, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Minutes(2), ts), Ts(2011, 1, 2, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Hours(2), ts), Ts(2011, 1, 2)));
  EXPECT_TRUE(IsTimestamp(Bucket(Days(2), ts), Ts(2011, 1, 1)));

  EXPECT_TRUE(
      IsTimestamp(Bucket(Minutes(5), Ts(1970, 1, 1, 0, 59, 59, 999999)), Ts(1970, 1, 1, 0, 55)));
  EXPECT_TRUE(IsTimestamp(Bucket(Minutes(5), Ts(1970, 1, 1, 1, 1)), Ts(1970, 1, 1, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Minutes(5), Ts(1970, 1, 1, 1, 4, 59, 999999)), Ts(1970, 1, 1, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Minutes(5), Ts(1970, 1, 1, 1, 5)), Ts(1970, 1, 1, 1, 5)));
  // The interval's days and microseconds add up.
  EXPECT_TRUE(IsTimestamp(Bucket({0, 1, 12 * kHour}, Ts(2000, 1, 5, 13)), Ts(2000, 1, 4, 12)));
}

TEST(TimeBucketTimestamp, WeeksStartOnMonday) {
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(2018, 9, 16)), Ts(2018, 9, 10)));
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(2018, 9, 17)), Ts(2018, 9, 17)));
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(2018, 9, 23)), Ts(2018, 9, 17)));
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(2018, 9, 24)), Ts(2018, 9, 24)));
  // A thousand years on, still date_trunc('week').
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(3018, 9, 14)), Ts(3018, 9, 14)));
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(3018, 9, 20)), Ts(3018, 9, 14)));
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(3018, 9, 21)), Ts(3018, 9, 21)));
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(3018, 9, 22)), Ts(3018, 9, 21)));
  // The ends of the timestamp range: Julian day 0 is a Monday.
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(-4713, 11, 24, 1, 1, 1)), Ts(-4713, 11, 24)));
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(-4713, 11, 24, 1, 1, 1)), kMinTimestamp));
  EXPECT_TRUE(
      IsTimestamp(Bucket(Weeks(1), Ts(294276, 12, 31, 23, 59, 59, 999900)), Ts(294276, 12, 25)));
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(1, 1, 1, 0, 0, 1)), Ts(1, 1, 1)));  // a Monday
}

TEST(TimeBucketTimestamp, BeforeTheOriginRoundsDown) {
  EXPECT_TRUE(IsTimestamp(Bucket(Hours(1), Ts(1999, 12, 31, 23, 30)), Ts(1999, 12, 31, 23)));
  EXPECT_TRUE(IsTimestamp(Bucket(Hours(7), Ts(1999, 12, 31)), Ts(1999, 12, 30, 19)));
  EXPECT_TRUE(IsTimestamp(Bucket(Days(1), Ts(1969, 7, 20, 20, 17, 40)), Ts(1969, 7, 20)));
  EXPECT_TRUE(IsTimestamp(Bucket(Days(10), Ts(1965, 3, 20, 8, 45)), Ts(1965, 3, 17)));
  EXPECT_TRUE(IsTimestamp(Bucket(Minutes(90), Ts(1965, 3, 20, 8, 45)), Ts(1965, 3, 20, 7, 30)));
  EXPECT_TRUE(
      IsTimestamp(Bucket(Micros(1), Ts(1900, 1, 1, 0, 0, 0, 1)), Ts(1900, 1, 1, 0, 0, 0, 1)));
  // Exactly on a boundary before the origin stays put.
  EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), Ts(1999, 12, 27)), Ts(1999, 12, 27)));
}

TEST(TimeBucketTimestamp, OriginsAlignWeeks) {
  // TimescaleDB's regression table: no origin (2000-01-03), the Postgres
  // epoch, the Unix epoch and two origins far in the future.
  struct Row {
    int64_t ts, no_origin, pg_epoch, unix_epoch, custom_1, custom_2;
  } rows[] = {
      {Ts(1999, 12, 31, 23, 59, 59), Ts(1999, 12, 27), Ts(1999, 12, 25), Ts(1999, 12, 30),
       Ts(1999, 12, 26), Ts(1999, 12, 27)},
      {Ts(2000, 1, 1), Ts(1999, 12, 27), Ts(2000, 1, 1), Ts(1999, 12, 30), Ts(1999, 12, 26),
       Ts(1999, 12, 27)},
      {Ts(2000, 1, 2, 23, 59, 59), Ts(1999, 12, 27), Ts(2000, 1, 1), Ts(1999, 12, 30),
       Ts(2000, 1, 2), Ts(1999, 12, 27)},
      {Ts(2000, 1, 3), Ts(2000, 1, 3), Ts(2000, 1, 1), Ts(1999, 12, 30), Ts(2000, 1, 2),
       Ts(2000, 1, 3)},
      {Ts(3018, 9, 12), Ts(3018, 9, 7), Ts(3018, 9, 12), Ts(3018, 9, 10), Ts(3018, 9, 6),
       Ts(3018, 9, 7)},
      {Ts(3018, 9, 13), Ts(3018, 9, 7), Ts(3018, 9, 12), Ts(3018, 9, 10), Ts(3018, 9, 13),
       Ts(3018, 9, 7)},
      {Ts(3018, 9, 14), Ts(3018, 9, 14), Ts(3018, 9, 12), Ts(3018, 9, 10), Ts(3018, 9, 13),
       Ts(3018, 9, 14)},
      {Ts(3018, 9, 15), Ts(3018, 9, 14), Ts(3018, 9, 12), Ts(3018, 9, 10), Ts(3018, 9, 13),
       Ts(3018, 9, 14)},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(ShowTimestamp(r.ts));
    EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), r.ts), r.no_origin));
    EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), r.ts, Ts(2000, 1, 3)), r.no_origin));
    EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), r.ts, Ts(2000, 1, 1)), r.pg_epoch));
    EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), r.ts, Ts(1970, 1, 1)), r.unix_epoch));
    EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), r.ts, Ts(3018, 9, 13)), r.custom_1));
    EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), r.ts, Ts(3018, 9, 14)), r.custom_2));
  }
}

TEST(TimeBucketTimestamp, OriginsAtTheEndsOfTheRange) {
  int64_t old_origin = Ts(-4709, 11, 24, 1, 1, 1);  // 4710-11-24 01:01:01 BC
  EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), Ts(-4709, 11, 24, 1, 1, 1), old_origin),
                          Ts(-4709, 11, 24, 1, 1, 1)));
  EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), Ts(-4709, 11, 25, 1, 1, 1), old_origin),
                          Ts(-4709, 11, 24, 1, 1, 1)));
  EXPECT_TRUE(
      IsTimestamp(BucketAt(Weeks(1), Ts(2001, 1, 1), old_origin), Ts(2000, 12, 30, 1, 1, 1)));
  EXPECT_TRUE(
      IsTimestamp(BucketAt(Weeks(1), Ts(3001, 1, 1), old_origin), Ts(3000, 12, 27, 1, 1, 1)));

  int64_t new_origin = Ts(294270, 12, 30, 23, 59, 59, 999900);
  EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), Ts(294270, 12, 29, 23, 59, 59, 999900), new_origin),
                          Ts(294270, 12, 23, 23, 59, 59, 999900)));
  EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), Ts(294270, 12, 30, 23, 59, 59, 999900), new_origin),
                          new_origin));
  EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), Ts(294270, 12, 31, 23, 59, 59, 999900), new_origin),
                          new_origin));
  EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), Ts(2001, 1, 1), new_origin),
                          Ts(2000, 12, 29, 23, 59, 59, 999900)));
  EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), Ts(3001, 1, 1), new_origin),
                          Ts(3000, 12, 26, 23, 59, 59, 999900)));

  // Old origin, new data, long period (and the reverse): TimescaleDB fails
  // with "timestamp out of range".
  EXPECT_TRUE(IsError(BucketAt(Days(100000), Ts(294270, 12, 31, 23, 59, 59, 999900), old_origin),
                      kOutOfRange, "timestamp out of range"));
  EXPECT_TRUE(IsError(
      BucketAt(Days(10000000), Ts(-4709, 11, 24, 1, 1, 1), Ts(294270, 12, 31, 23, 59, 59, 999900)),
      kOutOfRange, "timestamp out of range"));
}

TEST(TimeBucketTimestamp, InfiniteOriginIsUsedAsItsNumber) {
  // TimescaleDB reduces INT64_MAX modulo the width like any other origin:
  // 9223372036854775807 % 3600000000 = 54775807 and INT64_MIN % 3600000000 =
  // -54775808 (C truncates).
  EXPECT_TRUE(IsTimestamp(BucketAt(Hours(1), Ts(2020, 1, 1, 12, 7), kTimestampPlusInfinity),
                          Ts(2020, 1, 1, 12, 0, 54, 775807)));
  EXPECT_TRUE(IsTimestamp(BucketAt(Hours(1), Ts(2020, 1, 1, 12, 7), kTimestampMinusInfinity),
                          Ts(2020, 1, 1, 11, 59, 5, 224192)));
}

TEST(TimeBucketTimestamp, Offsets) {
  struct Case {
    int64_t ts, start;
  };
  const Case plus_two[] = {
      {Ts(2011, 1, 2, 1, 1, 59, 999999), Ts(2011, 1, 2, 0, 57)},
      {Ts(2011, 1, 2, 1, 2), Ts(2011, 1, 2, 1, 2)},
      {Ts(2011, 1, 2, 1, 6, 59, 999999), Ts(2011, 1, 2, 1, 2)},
      {Ts(2011, 1, 2, 1, 7), Ts(2011, 1, 2, 1, 7)},
  };
  const Case minus_two[] = {
      {Ts(2011, 1, 2, 1, 2, 59, 999999), Ts(2011, 1, 2, 0, 58)},
      {Ts(2011, 1, 2, 1, 3), Ts(2011, 1, 2, 1, 3)},
      {Ts(2011, 1, 2, 1, 7, 59, 999999), Ts(2011, 1, 2, 1, 3)},
      {Ts(2011, 1, 2, 1, 8), Ts(2011, 1, 2, 1, 8)},
  };
  for (const Case& c : plus_two) {
    EXPECT_TRUE(IsTimestamp(BucketBy(Minutes(5), c.ts, Minutes(2)), c.start));
  }
  for (const Case& c : minus_two) {
    EXPECT_TRUE(IsTimestamp(BucketBy(Minutes(5), c.ts, Minutes(-2)), c.start));
  }
  // timestamptz at UTC, days starting at 05:00 UTC (midnight EST): offset
  // -19 hours, from the regression test's New York session.
  EXPECT_TRUE(
      IsTimestamp(BucketBy(Days(1), Ts(2011, 1, 2, 6, 1, 1), Hours(-19)), Ts(2011, 1, 2, 5)));
  EXPECT_TRUE(
      IsTimestamp(BucketBy(Days(1), Ts(2011, 1, 3, 0, 1, 1), Hours(-19)), Ts(2011, 1, 2, 5)));
  EXPECT_TRUE(
      IsTimestamp(BucketBy(Days(1), Ts(2011, 1, 3, 23, 1, 1), Hours(-19)), Ts(2011, 1, 3, 5)));
  // An offset larger than the width wraps around it.
  EXPECT_TRUE(
      IsTimestamp(BucketBy(Minutes(5), Ts(2011, 1, 2, 1, 1), Minutes(12)), Ts(2011, 1, 2, 0, 57)));
}

TEST(TimeBucketTimestamp, CalendarOffsetsUsePostgresIntervalArithmetic) {
  // Month buckets shifted by 15 days: 2020-02-10 - 15 days = 2020-01-26, in
  // January's bucket, + 15 days.
  EXPECT_TRUE(IsTimestamp(BucketBy(Months(1), Ts(2020, 2, 10), Days(15)), Ts(2020, 1, 16)));
  EXPECT_TRUE(IsTimestamp(BucketBy(Months(1), Ts(2020, 2, 16), Days(15)), Ts(2020, 2, 16)));
  // A month offset clamps: 2020-03-31 12:00 - 1 month = 2020-02-29 12:00,
  // bucketed to 2020-02-29, + 1 month = 2020-03-29.
  EXPECT_TRUE(IsTimestamp(BucketBy(Days(1), Ts(2020, 3, 31, 12), Months(1)), Ts(2020, 3, 29)));
}

TEST(TimeBucketTimestamp, OffsetTogetherWithOrigin) {
  // As TimescaleDB's time zone variant: shift back, bucket at the origin,
  // shift forward. Origin Sunday 2000-01-02, offset 6 hours: weeks from
  // Sunday 06:00.
  TimestampBucketOptions options;
  options.origin = Ts(2000, 1, 2);
  options.offset = Hours(6);
  EXPECT_TRUE(
      IsTimestamp(TimeBucketTimestamp(Weeks(1), Ts(2020, 4, 19, 5), options), Ts(2020, 4, 12, 6)));
  EXPECT_TRUE(
      IsTimestamp(TimeBucketTimestamp(Weeks(1), Ts(2020, 4, 19, 6), options), Ts(2020, 4, 19, 6)));
}

TEST(TimeBucketTimestamp, MonthWidths) {
  // TimescaleDB's regression table, for timestamps (and timestamptz at UTC):
  // 1, 2 and 3 months, without and with origin 2000-02-01.
  struct Row {
    int64_t ts, m1, m2, m3, m1_origin, m2_origin, m3_origin;
  } rows[] = {
      {Ts(1990, 1, 3), Ts(1990, 1, 1), Ts(1990, 1, 1), Ts(1990, 1, 1), Ts(1990, 1, 1),
       Ts(1989, 12, 1), Ts(1989, 11, 1)},
      {Ts(1990, 2, 3), Ts(1990, 2, 1), Ts(1990, 1, 1), Ts(1990, 1, 1), Ts(1990, 2, 1),
       Ts(1990, 2, 1), Ts(1990, 2, 1)},
      {Ts(1990, 3, 3), Ts(1990, 3, 1), Ts(1990, 3, 1), Ts(1990, 1, 1), Ts(1990, 3, 1),
       Ts(1990, 2, 1), Ts(1990, 2, 1)},
      {Ts(1990, 4, 3), Ts(1990, 4, 1), Ts(1990, 3, 1), Ts(1990, 4, 1), Ts(1990, 4, 1),
       Ts(1990, 4, 1), Ts(1990, 2, 1)},
      {Ts(1990, 5, 3), Ts(1990, 5, 1), Ts(1990, 5, 1), Ts(1990, 4, 1), Ts(1990, 5, 1),
       Ts(1990, 4, 1), Ts(1990, 5, 1)},
      {Ts(1990, 6, 3), Ts(1990, 6, 1), Ts(1990, 5, 1), Ts(1990, 4, 1), Ts(1990, 6, 1),
       Ts(1990, 6, 1), Ts(1990, 5, 1)},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(ShowTimestamp(r.ts));
    EXPECT_TRUE(IsTimestamp(Bucket(Months(1), r.ts), r.m1));
    EXPECT_TRUE(IsTimestamp(Bucket(Months(2), r.ts), r.m2));
    EXPECT_TRUE(IsTimestamp(Bucket(Months(3), r.ts), r.m3));
    EXPECT_TRUE(IsTimestamp(BucketAt(Months(1), r.ts, Ts(2000, 2, 1)), r.m1_origin));
    EXPECT_TRUE(IsTimestamp(BucketAt(Months(2), r.ts, Ts(2000, 2, 1)), r.m2_origin));
    EXPECT_TRUE(IsTimestamp(BucketAt(Months(3), r.ts, Ts(2000, 2, 1)), r.m3_origin));
  }
  // Month buckets start at midnight on the 1st whatever the time of day.
  EXPECT_TRUE(IsTimestamp(Bucket(Months(1), Ts(2020, 2, 29, 23, 59, 59, 999999)), Ts(2020, 2, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Months(12), Ts(2020, 7, 4, 12)), Ts(2020, 1, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Months(5), Ts(1999, 12, 31)), Ts(1999, 8, 1)));
}

TEST(TimeBucketTimestamp, MonthOriginCountsOnlyItsYearAndMonth) {
  // TimescaleDB turns the origin into a month number (year * 12 + month):
  // its day and time are dropped, so buckets still start on the 1st at
  // midnight, here as with origin 2000-02-01.
  EXPECT_TRUE(IsTimestamp(BucketAt(Months(2), Ts(1990, 1, 3), Ts(2000, 2, 15, 12, 34, 56)),
                          Ts(1989, 12, 1)));
  EXPECT_TRUE(
      IsTimestamp(BucketAt(Months(1), Ts(2020, 2, 10), Ts(2000, 1, 15, 12)), Ts(2020, 2, 1)));
  EXPECT_TRUE(IsTimestamp(BucketAt(Months(3), Ts(2020, 1, 10), Ts(2000, 2, 29, 23, 59, 59)),
                          Ts(2019, 11, 1)));
}

TEST(TimeBucketTimestamp, MonthWidthsBeforeYearZero) {
  EXPECT_TRUE(IsTimestamp(Bucket(Months(1), Ts(-100, 3, 15, 12)), Ts(-100, 3, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Months(12), Ts(0, 7, 1)), Ts(0, 1, 1)));
  EXPECT_TRUE(IsTimestamp(Bucket(Months(12), Ts(-1, 6, 30)), Ts(-1, 1, 1)));
  // Month -1-06 is 24007 months before 2000-01; the 5-month bucket holding
  // it starts 24010 months before, at -1-03.
  EXPECT_TRUE(IsTimestamp(Bucket(Months(5), Ts(-1, 6, 30)), Ts(-1, 3, 1)));
}

TEST(TimeBucketTimestamp, InfinitiesComeBackUnchanged) {
  for (int64_t inf : {kTimestampMinusInfinity, kTimestampPlusInfinity}) {
    EXPECT_TRUE(IsTimestamp(Bucket(Weeks(1), inf), inf));
    EXPECT_TRUE(IsTimestamp(Bucket(Months(1), inf), inf));
    EXPECT_TRUE(IsTimestamp(BucketBy(Weeks(1), inf, Days(1)), inf));
    EXPECT_TRUE(IsTimestamp(BucketAt(Weeks(1), inf, Ts(2017, 12, 31)), inf));
    // Before the width is looked at, as TimescaleDB.
    EXPECT_TRUE(IsTimestamp(Bucket(Micros(0), inf), inf));
    EXPECT_TRUE(IsTimestamp(Bucket({1, 1, 0}, inf), inf));
  }
}

TEST(TimeBucketTimestamp, WidthErrors) {
  int64_t ts = Ts(2020, 1, 1);
  EXPECT_TRUE(IsError(Bucket({1, 1, 0}, ts), kUnsupported,
                      "month intervals cannot have day or time component"));
  EXPECT_TRUE(IsError(Bucket({1, 0, 1}, ts), kUnsupported,
                      "month intervals cannot have day or time component"));
  EXPECT_TRUE(IsError(Bucket({-1, 0, kHour}, ts), kUnsupported,
                      "month intervals cannot have day or time component"));
  EXPECT_TRUE(IsError(Bucket(Micros(0), ts), kInvalid, "period must be greater than 0"));
  EXPECT_TRUE(IsError(Bucket(Minutes(-5), ts), kInvalid, "period must be greater than 0"));
  EXPECT_TRUE(IsError(Bucket({0, 1, -kDay}, ts), kInvalid, "period must be greater than 0"));
  EXPECT_TRUE(IsError(Bucket(Months(0), ts), kInvalid, "period must be greater than 0"));
  EXPECT_TRUE(IsError(Bucket(Months(-3), ts), kInvalid, "period must be greater than 0"));
  EXPECT_TRUE(
      IsError(BucketBy(Micros(0), ts, Hours(1)), kInvalid, "period must be greater than 0"));
  // days * 24h + microseconds beyond int64 (TimescaleDB wraps around).
  EXPECT_TRUE(IsError(Bucket(Days(std::numeric_limits<int32_t>::max()), ts), kOutOfRange,
                      "interval out of range"));
  EXPECT_TRUE(IsError(Bucket({0, 106751991, kDay}, ts), kOutOfRange, "interval out of range"));
  EXPECT_TRUE(IsTimestamp(Bucket(Days(106751991), ts), Ts(2000, 1, 3)));  // ~292000 years
  // An infinite origin has no month.
  EXPECT_TRUE(IsError(BucketAt(Months(1), ts, kTimestampPlusInfinity), kInvalid,
                      "origin of a month bucket must be finite, found infinity"));
}

TEST(TimeBucketTimestamp, RangeErrors) {
  // Bucket starts before Julian day 0: 4714-11-01 BC for a month; 10-day
  // buckets from 2000-01-03 start 3 days before it.
  EXPECT_TRUE(
      IsError(Bucket(Months(1), kMinTimestamp + kHour), kOutOfRange, "timestamp out of range"));
  EXPECT_TRUE(IsError(Bucket(Days(10), kMinTimestamp), kOutOfRange, "timestamp out of range"));
  EXPECT_TRUE(IsTimestamp(Bucket(Days(10), kMinTimestamp + 7 * kDay), kMinTimestamp + 7 * kDay));
  // Month widths need the timestamp and origin as dates, from Julian day 0.
  EXPECT_TRUE(IsError(Bucket(Months(1), kMinTimestamp - 1), kOutOfRange, "timestamp out of range"));
  EXPECT_TRUE(IsError(BucketAt(Months(1), Ts(2020, 1, 1), kMinTimestamp - 1), kOutOfRange,
                      "timestamp out of range"));
  // Past the end of the range (finite but not valid timestamps).
  EXPECT_TRUE(IsError(Bucket(Hours(1), kInt64Max - 1), kOutOfRange, "timestamp out of range"));
  EXPECT_TRUE(IsError(Bucket(Hours(1), kInt64Min + 1), kOutOfRange, "timestamp out of range"));
}

TEST(TimeBucketTimestamp, Int64EdgesDoNotOverflow) {
  // The origin's phase (12 hours) cannot be subtracted from a timestamp
  // this close to INT64_MIN: TimescaleDB's own range check.
  EXPECT_TRUE(
      IsError(BucketAt(Days(1), kInt64Min + 1, 12 * kHour), kOutOfRange, "timestamp out of range"));
  EXPECT_TRUE(IsError(BucketAt(Days(1), kInt64Max - 1, -12 * kHour), kOutOfRange,
                      "timestamp out of range"));
  // Rounding down one more period would pass INT64_MIN (TimescaleDB wraps).
  EXPECT_TRUE(IsError(BucketAt(Micros(kInt64Max - 1), kInt64Min + 1, 0), kOutOfRange,
                      "timestamp out of range"));
  // The widest width: every valid timestamp before the origin falls into
  // the bucket starting INT64_MAX microseconds before it, out of range.
  EXPECT_TRUE(
      IsError(Bucket(Micros(kInt64Max), kMinTimestamp), kOutOfRange, "timestamp out of range"));
  EXPECT_TRUE(IsTimestamp(Bucket(Micros(kInt64Max), kEndTimestamp - 1), Ts(2000, 1, 3)));
  // Offsets that push the timestamp out of range before bucketing.
  EXPECT_TRUE(
      IsError(BucketBy(Hours(1), kMinTimestamp, Hours(1)), kOutOfRange, "timestamp out of range"));
  EXPECT_TRUE(IsError(BucketBy(Hours(1), kEndTimestamp - 1, Hours(-1)), kOutOfRange,
                      "timestamp out of range"));
  EXPECT_TRUE(IsError(BucketBy(Hours(1), Ts(2020, 1, 1), Micros(kInt64Min)), kOutOfRange,
                      "interval out of range"));
}

TEST(TimeBucketTimestamp, OffsetBringsABucketStartBackIntoRange) {
  // 10-day buckets shifted by 9 days: the timestamp moved back lands on
  // Julian day 0, whose bucket starts 3 days before it, out of range; adding
  // the offset back as microseconds brings it to day 6 (Postgres adds
  // microseconds without splitting the timestamp into a date), as days it
  // fails (Postgres cannot split a timestamp before day 0).
  EXPECT_TRUE(IsTimestamp(BucketBy(Days(10), kMinTimestamp + 9 * kDay, Micros(9 * kDay)),
                          kMinTimestamp + 6 * kDay));
  EXPECT_TRUE(IsError(BucketBy(Days(10), kMinTimestamp + 9 * kDay, Days(9)), kOutOfRange,
                      "timestamp out of range"));
}

// --- time_bucket(interval, date)

TEST(TimeBucketDate, RegressionWidths) {
  EXPECT_TRUE(IsDate(BucketDate(Days(1), Date(2017, 11, 5)), Date(2017, 11, 5)));
  EXPECT_TRUE(IsDate(BucketDate(Days(1), Date(2017, 11, 6)), Date(2017, 11, 6)));
  EXPECT_TRUE(IsDate(BucketDate(Days(4), Date(2017, 11, 4)), Date(2017, 11, 1)));
  EXPECT_TRUE(IsDate(BucketDate(Days(4), Date(2017, 11, 5)), Date(2017, 11, 5)));
  EXPECT_TRUE(IsDate(BucketDate(Days(4), Date(2017, 11, 8)), Date(2017, 11, 5)));
  EXPECT_TRUE(IsDate(BucketDate(Days(4), Date(2017, 11, 9)), Date(2017, 11, 9)));
  EXPECT_TRUE(IsDate(BucketDate(Weeks(1), Date(2018, 9, 16)), Date(2018, 9, 10)));
  EXPECT_TRUE(IsDate(BucketDate(Weeks(1), Date(2018, 9, 17)), Date(2018, 9, 17)));
  EXPECT_TRUE(IsDate(BucketDate(Weeks(1), Date(2018, 9, 23)), Date(2018, 9, 17)));
  EXPECT_TRUE(IsDate(BucketDate(Weeks(1), Date(2018, 9, 24)), Date(2018, 9, 24)));
  // Whole days written as hours are whole days.
  EXPECT_TRUE(IsDate(BucketDate(Hours(48), Date(2017, 11, 6)), Date(2017, 11, 5)));
  EXPECT_TRUE(IsDate(BucketDate(Days(1), Date(-4713, 11, 24)), kMinDate));
}

TEST(TimeBucketDate, Offsets) {
  EXPECT_TRUE(IsDate(BucketDateBy(Days(4), Date(2017, 11, 6), Days(2)), Date(2017, 11, 3)));
  EXPECT_TRUE(IsDate(BucketDateBy(Days(4), Date(2017, 11, 7), Days(2)), Date(2017, 11, 7)));
  EXPECT_TRUE(IsDate(BucketDateBy(Days(4), Date(2017, 11, 10), Days(2)), Date(2017, 11, 7)));
  EXPECT_TRUE(IsDate(BucketDateBy(Days(4), Date(2017, 11, 11), Days(2)), Date(2017, 11, 11)));
  // A sub-day offset truncates twice: 2017-11-06 - 12 hours is the 5th at
  // noon, bucketed as the 5th; + 12 hours is the 5th again.
  EXPECT_TRUE(IsDate(BucketDateBy(Days(1), Date(2017, 11, 6), Hours(12)), Date(2017, 11, 5)));
  EXPECT_TRUE(IsDate(BucketDateBy(Months(1), Date(2020, 2, 10), Days(15)), Date(2020, 1, 16)));
  EXPECT_TRUE(
      IsError(BucketDateBy(Days(1), kMinDate, Days(1)), kOutOfRange, "timestamp out of range"));
}

TEST(TimeBucketDate, OriginsAlignWeeks) {
  struct Row {
    int32_t date, no_origin, pg_epoch, unix_epoch, custom_1, custom_2;
  } rows[] = {
      {Date(1999, 12, 31), Date(1999, 12, 27), Date(1999, 12, 25), Date(1999, 12, 30),
       Date(1999, 12, 26), Date(1999, 12, 27)},
      {Date(2000, 1, 1), Date(1999, 12, 27), Date(2000, 1, 1), Date(1999, 12, 30),
       Date(1999, 12, 26), Date(1999, 12, 27)},
      {Date(2000, 1, 2), Date(1999, 12, 27), Date(2000, 1, 1), Date(1999, 12, 30), Date(2000, 1, 2),
       Date(1999, 12, 27)},
      {Date(2000, 1, 3), Date(2000, 1, 3), Date(2000, 1, 1), Date(1999, 12, 30), Date(2000, 1, 2),
       Date(2000, 1, 3)},
      {Date(3018, 9, 12), Date(3018, 9, 7), Date(3018, 9, 12), Date(3018, 9, 10), Date(3018, 9, 6),
       Date(3018, 9, 7)},
      {Date(3018, 9, 13), Date(3018, 9, 7), Date(3018, 9, 12), Date(3018, 9, 10), Date(3018, 9, 13),
       Date(3018, 9, 7)},
      {Date(3018, 9, 14), Date(3018, 9, 14), Date(3018, 9, 12), Date(3018, 9, 10),
       Date(3018, 9, 13), Date(3018, 9, 14)},
      {Date(3018, 9, 15), Date(3018, 9, 14), Date(3018, 9, 12), Date(3018, 9, 10),
       Date(3018, 9, 13), Date(3018, 9, 14)},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(ShowDate(r.date));
    EXPECT_TRUE(IsDate(BucketDate(Weeks(1), r.date), r.no_origin));
    EXPECT_TRUE(IsDate(BucketDateAt(Weeks(1), r.date, Date(2000, 1, 3)), r.no_origin));
    EXPECT_TRUE(IsDate(BucketDateAt(Weeks(1), r.date, Date(2000, 1, 1)), r.pg_epoch));
    EXPECT_TRUE(IsDate(BucketDateAt(Weeks(1), r.date, Date(1970, 1, 1)), r.unix_epoch));
    EXPECT_TRUE(IsDate(BucketDateAt(Weeks(1), r.date, Date(3018, 9, 13)), r.custom_1));
    EXPECT_TRUE(IsDate(BucketDateAt(Weeks(1), r.date, Date(3018, 9, 14)), r.custom_2));
  }
}

TEST(TimeBucketDate, MonthWidths) {
  EXPECT_TRUE(IsDate(BucketDate(Months(1), Date(2020, 2, 15)), Date(2020, 2, 1)));
  struct Row {
    int32_t date, m1, m2, m3, m1_origin, m2_origin, m3_origin;
  } rows[] = {
      {Date(1990, 1, 3), Date(1990, 1, 1), Date(1990, 1, 1), Date(1990, 1, 1), Date(1990, 1, 1),
       Date(1989, 12, 1), Date(1989, 11, 1)},
      {Date(1990, 2, 3), Date(1990, 2, 1), Date(1990, 1, 1), Date(1990, 1, 1), Date(1990, 2, 1),
       Date(1990, 2, 1), Date(1990, 2, 1)},
      {Date(1990, 3, 3), Date(1990, 3, 1), Date(1990, 3, 1), Date(1990, 1, 1), Date(1990, 3, 1),
       Date(1990, 2, 1), Date(1990, 2, 1)},
      {Date(1990, 4, 3), Date(1990, 4, 1), Date(1990, 3, 1), Date(1990, 4, 1), Date(1990, 4, 1),
       Date(1990, 4, 1), Date(1990, 2, 1)},
      {Date(1990, 5, 3), Date(1990, 5, 1), Date(1990, 5, 1), Date(1990, 4, 1), Date(1990, 5, 1),
       Date(1990, 4, 1), Date(1990, 5, 1)},
      {Date(1990, 6, 3), Date(1990, 6, 1), Date(1990, 5, 1), Date(1990, 4, 1), Date(1990, 6, 1),
       Date(1990, 6, 1), Date(1990, 5, 1)},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(ShowDate(r.date));
    EXPECT_TRUE(IsDate(BucketDate(Months(1), r.date), r.m1));
    EXPECT_TRUE(IsDate(BucketDate(Months(2), r.date), r.m2));
    EXPECT_TRUE(IsDate(BucketDate(Months(3), r.date), r.m3));
    EXPECT_TRUE(IsDate(BucketDateAt(Months(1), r.date, Date(2000, 2, 1)), r.m1_origin));
    EXPECT_TRUE(IsDate(BucketDateAt(Months(2), r.date, Date(2000, 2, 1)), r.m2_origin));
    EXPECT_TRUE(IsDate(BucketDateAt(Months(3), r.date, Date(2000, 2, 1)), r.m3_origin));
  }
  // Month origins beyond the timestamp range are fine: only the month counts.
  EXPECT_TRUE(
      IsDate(BucketDateAt(Months(2), Date(1990, 1, 3), Date(300000, 2, 20)), Date(1989, 12, 1)));
}

TEST(TimeBucketDate, InfinitiesComeBackUnchanged) {
  for (int32_t inf : {kDateMinusInfinity, kDatePlusInfinity}) {
    EXPECT_TRUE(IsDate(BucketDate(Weeks(1), inf), inf));
    EXPECT_TRUE(IsDate(BucketDate(Months(1), inf), inf));
    EXPECT_TRUE(IsDate(BucketDateBy(Weeks(1), inf, Days(1)), inf));
    EXPECT_TRUE(IsDate(BucketDate(Hours(1), inf), inf));
  }
}

TEST(TimeBucketDate, Errors) {
  int32_t date = Date(2012, 1, 1);
  EXPECT_TRUE(IsError(BucketDate(Hours(1), date), kUnsupported,
                      "interval must not have sub-day precision"));
  EXPECT_TRUE(
      IsError(BucketDate(Hours(25), date), kUnsupported, "interval must be a multiple of a day"));
  // The whole-day check comes first, so it also reports widths <= 0.
  EXPECT_TRUE(
      IsError(BucketDate(Days(0), date), kUnsupported, "interval must not have sub-day precision"));
  EXPECT_TRUE(IsError(BucketDate(Days(-7), date), kUnsupported,
                      "interval must not have sub-day precision"));
  EXPECT_TRUE(IsError(BucketDate({1, 1, 0}, date), kUnsupported,
                      "month intervals cannot have day or time component"));
  EXPECT_TRUE(IsError(BucketDate(Months(-1), date), kInvalid, "period must be greater than 0"));
  // Dates from 294277-01-01 on have no timestamp, and TimescaleDB converts
  // before anything else, for month widths too.
  EXPECT_TRUE(IsError(BucketDate(Days(1), Date(294277, 1, 1)), kOutOfRange,
                      "date out of range for timestamp"));
  EXPECT_TRUE(IsError(BucketDate(Months(1), Date(294277, 1, 1)), kOutOfRange,
                      "date out of range for timestamp"));
  EXPECT_TRUE(IsError(BucketDate(Hours(1), Date(294277, 1, 1)), kOutOfRange,
                      "date out of range for timestamp"));
  EXPECT_TRUE(IsDate(BucketDate(Weeks(1), Date(294276, 12, 31)), Date(294276, 12, 25)));
  EXPECT_TRUE(IsError(BucketDateAt(Days(1), date, Date(294277, 1, 1)), kOutOfRange,
                      "date out of range for timestamp"));
  // Bucket starts before Julian day 0.
  EXPECT_TRUE(IsError(BucketDate(Months(1), kMinDate), kOutOfRange, "date out of range"));
  EXPECT_TRUE(IsError(BucketDate(Days(10), kMinDate), kOutOfRange, "timestamp out of range"));
  EXPECT_TRUE(IsError(BucketDateAt(Months(1), date, kDatePlusInfinity), kInvalid,
                      "origin of a month bucket must be finite, found infinity"));
}

// --- time_bucket(integer, integer [, offset])

TEST(TimeBucketInteger, SmallValues) {
  EXPECT_TRUE(IsValue(TimeBucketInt32(10, 23), 20));
  EXPECT_TRUE(IsValue(TimeBucketInt32(10, -3), -10));
  EXPECT_TRUE(IsValue(TimeBucketInt32(10, 23, 5), 15));
  EXPECT_TRUE(IsValue(TimeBucketInt32(10, 23, -5), 15));
}

TEST(TimeBucketInteger, RegressionTablesForEveryWidth) {
  struct Case {
    int16_t value, start;
  };
  const Case no_offset[] = {{-11, -20}, {-10, -10}, {-9, -10},  {-1, -10},  {0, 0},
                            {1, 0},     {99, 90},   {100, 100}, {109, 100}, {110, 110}};
  const Case plus_two[] = {{-9, -18}, {-8, -8},  {-7, -8},   {1, -8},    {2, 2},
                           {3, 2},    {101, 92}, {102, 102}, {111, 102}, {112, 112}};
  const Case minus_two[] = {{-13, -22}, {-12, -12}, {-11, -12}, {-3, -12}, {-2, -2},
                            {-1, -2},   {97, 88},   {98, 98},   {107, 98}, {108, 108}};
  struct Table {
    const Case* cases;
    int16_t offset;
  } tables[] = {{no_offset, 0}, {plus_two, 2}, {minus_two, -2}};
  for (const Table& t : tables) {
    for (int i = 0; i < 10; ++i) {
      const Case& c = t.cases[i];
      SCOPED_TRACE(absl::StrFormat("value %d offset %d", c.value, t.offset));
      EXPECT_TRUE(IsValue(TimeBucketInt16(10, c.value, t.offset), c.start));
      EXPECT_TRUE(IsValue(TimeBucketInt32(10, c.value, t.offset), int32_t{c.start}));
      EXPECT_TRUE(IsValue(TimeBucketInt64(10, c.value, t.offset), int64_t{c.start}));
    }
  }
}

TEST(TimeBucketInteger, EdgesOfEachType) {
  constexpr auto kRange = absl::StatusCode::kOutOfRange;
  const char* kText = "timestamp out of range";
  EXPECT_TRUE(IsError(TimeBucketInt16(10, -32768), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt16(10, -32761), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt16(10, -32768, 1000), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt16(10, -32768, 32767), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt16(10, 32767, -32768), kRange, kText));
  EXPECT_TRUE(IsValue<int16_t>(TimeBucketInt16(10, -32760), -32760));
  EXPECT_TRUE(IsValue<int16_t>(TimeBucketInt16(10, -32759), -32760));
  EXPECT_TRUE(IsValue<int16_t>(TimeBucketInt16(10, 32767), 32760));

  EXPECT_TRUE(IsError(TimeBucketInt32(10, -2147483648), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt32(10, -2147483641), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt32(1000, -2147483000, 1), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt32(1000, -2147483648, 2147483647), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt32(1000, 2147483647, -2147483648), kRange, kText));
  EXPECT_TRUE(IsValue(TimeBucketInt32(10, -2147483640), -2147483640));
  EXPECT_TRUE(IsValue(TimeBucketInt32(10, -2147483639), -2147483640));
  EXPECT_TRUE(IsValue(TimeBucketInt32(10, 2147483647), 2147483640));

  EXPECT_TRUE(IsError(TimeBucketInt64(10, kInt64Min), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt64(10, -9223372036854775801), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt64(1000, -9223372036854775000, 1), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt64(1000, kInt64Min, kInt64Max), kRange, kText));
  EXPECT_TRUE(IsError(TimeBucketInt64(1000, kInt64Max, kInt64Min), kRange, kText));
  EXPECT_TRUE(IsValue<int64_t>(TimeBucketInt64(10, -9223372036854775800), -9223372036854775800));
  EXPECT_TRUE(IsValue<int64_t>(TimeBucketInt64(10, -9223372036854775799), -9223372036854775800));
  EXPECT_TRUE(IsValue<int64_t>(TimeBucketInt64(10, kInt64Max), 9223372036854775800));
  // The widest widths.
  EXPECT_TRUE(IsValue<int64_t>(TimeBucketInt64(kInt64Max, kInt64Max), kInt64Max));
  EXPECT_TRUE(IsValue<int64_t>(TimeBucketInt64(kInt64Max, -1), -kInt64Max));
  EXPECT_TRUE(IsError(TimeBucketInt64(kInt64Max, kInt64Min), kRange, kText));
  EXPECT_TRUE(IsValue<int64_t>(TimeBucketInt64(kInt64Max, kInt64Min, -1), kInt64Min));
}

TEST(TimeBucketInteger, WidthMustBePositive) {
  EXPECT_TRUE(IsError(TimeBucketInt16(0, 5), kInvalid, "period must be greater than 0"));
  EXPECT_TRUE(IsError(TimeBucketInt32(-10, 5), kInvalid, "period must be greater than 0"));
  EXPECT_TRUE(IsError(TimeBucketInt64(kInt64Min, 5, 1), kInvalid, "period must be greater than 0"));
}

}  // namespace
}  // namespace tsdb
