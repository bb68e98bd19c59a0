// time_bucket arithmetic compatible with TimescaleDB 2.x, without Postgres.
//
// Values use Postgres's own representations, so a SQL wrapper passes Datums
// through unchanged:
//   timestamp  int64 microseconds since 2000-01-01 00:00:00. INT64_MIN is
//              -infinity, INT64_MAX is +infinity. timestamptz is the same
//              number (UTC), and TimescaleDB buckets it at UTC, so the
//              timestamp functions serve both.
//   date       int32 days since 2000-01-01. INT32_MIN / INT32_MAX are the
//              infinities.
//   interval   Postgres's three fields {months, days, microseconds}; the
//              wrapper copies them out of an Interval unchanged.
// Calendar arithmetic is proleptic Gregorian with astronomical years
// (year 0 is 1 BC, year -1 is 2 BC), as Postgres computes internally.
//
// Errors carry TimescaleDB's (or Postgres's) own message text, and a status
// code that src/pg/guard.cc maps to the SQLSTATE TimescaleDB raises:
//   InvalidArgument  "period must be greater than 0"
//   Unimplemented    "month intervals cannot have day or time component"
//                    "interval must not have sub-day precision"   (dates)
//                    "interval must be a multiple of a day"       (dates)
//   OutOfRange       "timestamp out of range"
//                    "date out of range for timestamp"            (dates)
//                    "date out of range", "interval out of range" (see below)
// so the wrapper can raise the status's message as it is.
//
// Where TimescaleDB 2.x relies on unchecked C arithmetic (results it would
// return that are not valid Postgres values, or int64 wrap-around), these
// functions return OutOfRange instead; each case is documented at the
// function.
#ifndef TSDB_TIME_BUCKET_H_
#define TSDB_TIME_BUCKET_H_

#include <cstdint>
#include <limits>
#include <optional>

#include "tsdb/status.h"

namespace tsdb {

inline constexpr int64_t kMicrosPerDay = int64_t{86'400'000'000};

inline constexpr int64_t kTimestampMinusInfinity = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kTimestampPlusInfinity = std::numeric_limits<int64_t>::max();
inline constexpr int32_t kDateMinusInfinity = std::numeric_limits<int32_t>::min();
inline constexpr int32_t kDatePlusInfinity = std::numeric_limits<int32_t>::max();

// Postgres's range of finite timestamps, [kMinTimestamp, kEndTimestamp):
// 4714-11-24 00:00:00 BC (Julian day 0) up to, not including, 294277-01-01.
inline constexpr int64_t kMinTimestamp = int64_t{-211'813'488'000'000'000};
inline constexpr int64_t kEndTimestamp = int64_t{9'223'371'331'200'000'000};
// Postgres's range of finite dates, [kMinDate, kEndDate): 4714-11-24 BC up
// to, not including, 5874898-01-01.
inline constexpr int32_t kMinDate = -2'451'545;
inline constexpr int32_t kEndDate = 2'145'031'949;

// TimescaleDB's default origins. Widths without months align to Monday
// 2000-01-03, so weekly buckets start on Mondays (ISO weeks, as date_trunc);
// month widths count whole months from January 2000.
inline constexpr int64_t kDefaultBucketOrigin = 2 * kMicrosPerDay;  // 2000-01-03 00:00:00
inline constexpr int32_t kDefaultBucketOriginDate = 2;              // 2000-01-03
inline constexpr int32_t kDefaultMonthBucketOriginDate = 0;         // 2000-01-01

// A Postgres interval. Only the sum of days and microseconds matters for
// widths without months (a day is always 24 hours here: no time zones).
struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;
};

// Postgres's TIMESTAMP_NOT_FINITE / DATE_NOT_FINITE: true for the two
// infinities. Every time_bucket variant returns such inputs unchanged.
constexpr bool TimestampNotFinite(int64_t timestamp) {
  return timestamp == kTimestampMinusInfinity || timestamp == kTimestampPlusInfinity;
}
constexpr bool DateNotFinite(int32_t date) {
  return date == kDateMinusInfinity || date == kDatePlusInfinity;
}
// Finite and inside Postgres's range (IS_VALID_TIMESTAMP / IS_VALID_DATE).
constexpr bool TimestampIsValid(int64_t timestamp) {
  return kMinTimestamp <= timestamp && timestamp < kEndTimestamp;
}
constexpr bool DateIsValid(int32_t date) { return kMinDate <= date && date < kEndDate; }

struct TimestampBucketOptions {
  // Buckets start at origin + k * width for whole k. Absent: 2000-01-03
  // (kDefaultBucketOrigin). For month widths only the origin's year and
  // month count (its day and time of day are ignored, as in TimescaleDB) and
  // the default is January 2000.
  std::optional<int64_t> origin;
  // time_bucket(width, ts, "offset"): the timestamp is moved back by the
  // offset (Postgres's timestamp - interval), bucketed, and the bucket moved
  // forward again (timestamp + interval), so bucket starts shift by the
  // offset. TimescaleDB's SQL signatures take an origin or an offset; both
  // together behave as its time zone variant: shift, bucket at the origin,
  // shift back.
  std::optional<Interval> offset;
};

// time_bucket(width interval, ts timestamp [, origin | "offset"]), also
// timestamptz at UTC. Returns the start of the bucket holding `timestamp`:
// the largest origin + k * width <= timestamp (floor, also before the
// origin), or for month widths 00:00:00 on the 1st of the bucket's first
// month.
//
// Infinite timestamps come back unchanged, before the width is looked at.
// Errors, in TimescaleDB's order:
//   Unimplemented "month intervals cannot have day or time component"
//   InvalidArgument "period must be greater than 0" (width <= 0)
//   OutOfRange "timestamp out of range": the timestamp minus the origin
//     reduced modulo the width overflows int64, a month width's timestamp or
//     origin lies before kMinTimestamp, the bucket start (or the timestamp
//     moved by the offset) falls outside [kMinTimestamp, kEndTimestamp).
//     TimescaleDB returns such out-of-range bucket starts and Postgres fails
//     when printing them; here the call fails.
//   OutOfRange "interval out of range": days * 24h + microseconds overflows
//     int64, or an offset field is the most negative value (TimescaleDB
//     wraps around).
//   InvalidArgument for an infinite origin with a month width (TimescaleDB
//     computes a meaningless date from it). An infinite origin with any
//     other width is used as the number it is, as TimescaleDB does.
Result<int64_t> TimeBucketTimestamp(const Interval& width, int64_t timestamp,
                                    const TimestampBucketOptions& options = {});

struct DateBucketOptions {
  // As TimestampBucketOptions::origin, a date (midnight). Absent: 2000-01-03,
  // or January 2000 for month widths.
  std::optional<int32_t> origin;
  // As TimestampBucketOptions::offset. The date moved by the offset is
  // truncated to its day before bucketing, and so is the result: an offset
  // of '12 hours' moves a date to the previous day's noon, bucketed as the
  // previous day.
  std::optional<Interval> offset;
};

// time_bucket(width interval, ts date [, origin date | "offset"]). As
// TimescaleDB: the date becomes a timestamp at midnight, is bucketed as one,
// and the bucket's day is returned. Widths without months must be whole days.
//
// Infinite dates come back unchanged. Errors, in TimescaleDB's order:
//   OutOfRange "date out of range for timestamp": the date (or the origin,
//     for widths without months) is at or after 294277-01-01
//   Unimplemented "month intervals cannot have day or time component"
//   Unimplemented "interval must not have sub-day precision" (also for
//     widths <= 0) and "interval must be a multiple of a day"
//   InvalidArgument "period must be greater than 0" (month widths)
//   OutOfRange "timestamp out of range" as for TimeBucketTimestamp
//   OutOfRange "date out of range": a month bucket starting before
//     4714-11-01 BC, i.e. before kMinDate (TimescaleDB returns that invalid
//     date)
//   InvalidArgument for an infinite origin with a month width.
Result<int32_t> TimeBucketDate(const Interval& width, int32_t date,
                               const DateBucketOptions& options = {});

// time_bucket(width, ts [, offset]) for smallint, integer and bigint:
// floor((ts - offset) / width) * width + offset, where the offset is first
// reduced modulo the width. Errors: InvalidArgument "period must be greater
// than 0" (width <= 0); OutOfRange "timestamp out of range" (TimescaleDB's
// text for integers too) where ts - offset or the bucket start does not fit
// the type.
Result<int16_t> TimeBucketInt16(int16_t width, int16_t value, int16_t offset = 0);
Result<int32_t> TimeBucketInt32(int32_t width, int32_t value, int32_t offset = 0);
Result<int64_t> TimeBucketInt64(int64_t width, int64_t value, int64_t offset = 0);

// Calendar helpers (Postgres's date2j / j2date, counted from 2000-01-01).

// A proleptic Gregorian date; year is astronomical (0 = 1 BC).
struct CivilDate {
  int64_t year = 2000;
  int32_t month = 1;  // 1..12
  int32_t day = 1;    // 1..31
};

// Days since 2000-01-01 of a date, for years within +-10^15; month and day
// must be in range.
int64_t DaysFromCivil(const CivilDate& date);
// The date `days` days after 2000-01-01 (before it, if negative), for
// |days| < 2^60.
CivilDate CivilFromDays(int64_t days);

// Postgres's timestamp + interval and timestamp - interval for timestamp
// without time zone: months first (a day past the end of the new month
// becomes its last day), then days, then microseconds, each step required to
// stay within [kMinTimestamp, kEndTimestamp) ("timestamp out of range"; the
// month and day steps also need a valid timestamp to start from). Infinite
// timestamps come back unchanged. Int64 overflow is "timestamp out of range"
// too (Postgres 15 wraps around on microseconds).
Result<int64_t> TimestampPlusInterval(int64_t timestamp, const Interval& span);
Result<int64_t> TimestampMinusInterval(int64_t timestamp, const Interval& span);

}  // namespace tsdb

#endif  // TSDB_TIME_BUCKET_H_
