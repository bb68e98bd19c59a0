// TimescaleDB's time_bucket, step for step (src/time_bucket.c of TimescaleDB
// 2.x, read for its behaviour): the same order of checks and the same error
// texts, with checked arithmetic where it relies on C wrap-around.
#include "tsdb/time_bucket.h"

#include <algorithm>
#include <limits>
#include <optional>

namespace tsdb {
namespace {

// Julian day of 2000-01-01, Postgres's POSTGRES_EPOCH_JDATE.
constexpr int64_t kEpochJulianDay = 2451545;
// First day that a timestamp cannot hold: 294277-01-01.
constexpr int64_t kEndTimestampDay = kEndTimestamp / kMicrosPerDay;

Status TimestampOutOfRange() { return absl::OutOfRangeError("timestamp out of range"); }
Status IntervalOutOfRange() { return absl::OutOfRangeError("interval out of range"); }
Status PeriodNotPositive() { return InvalidArgument("period must be greater than 0"); }

// Floor division and its non-negative remainder: buckets and calendar
// fields round towards minus infinity, C++ division towards zero.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a % b < 0) != (b < 0)); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

bool IsLeapYear(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int32_t DaysInMonth(int64_t year, int32_t month) {
  static constexpr int32_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Months since January of year 0; the month index bucket_month works in.
int64_t MonthIndex(const CivilDate& date) { return date.year * 12 + (date.month - 1); }

// `days` since 2000-01-01 at `time_of_day`, or an error when that is not a
// valid timestamp (Postgres's tm2timestamp).
Result<int64_t> ValidTimestampAt(int64_t days, int64_t time_of_day) {
  // With 0 <= time_of_day < kMicrosPerDay the day decides, and testing it
  // first keeps the multiplication from overflowing.
  if (days < kMinDate || days >= kEndTimestampDay) return TimestampOutOfRange();
  return days * kMicrosPerDay + time_of_day;
}

// Postgres's timestamp_date for a finite timestamp: the day it falls on.
// Fails before Julian day 0, where Postgres's calendar routines stop.
Result<int32_t> TimestampToDate(int64_t timestamp) {
  if (timestamp < kMinTimestamp) return TimestampOutOfRange();
  return static_cast<int32_t>(FloorDiv(timestamp, kMicrosPerDay));
}

// Postgres's date_timestamp (date2timestamp): midnight of the date. Dates
// reach further into the future than timestamps; the lower limits coincide,
// so Postgres checks only the upper one, and so does this.
Result<int64_t> DateToTimestamp(int32_t date) {
  if (date == kDateMinusInfinity) return kTimestampMinusInfinity;
  if (date == kDatePlusInfinity) return kTimestampPlusInfinity;
  if (date >= kEndTimestampDay) return absl::OutOfRangeError("date out of range for timestamp");
  return int64_t{date} * kMicrosPerDay;
}

// The width of a bucket without months, in microseconds (TimescaleDB's
// get_interval_period_timestamp_units, which wraps around on overflow).
Result<int64_t> PeriodMicros(const Interval& width) {
  int64_t period;
  if (__builtin_mul_overflow(int64_t{width.days}, kMicrosPerDay, &period) ||
      __builtin_add_overflow(period, width.micros, &period)) {
    return IntervalOutOfRange();
  }
  return period;
}

// TimescaleDB's TIME_BUCKET_TS: the start of the `period`-wide bucket that
// holds `timestamp`, buckets aligned to `origin`. The origin is reduced
// modulo the period first, so only its phase matters and the subtraction
// below cannot overflow for the timestamps the range check lets through.
// The reduction truncates towards zero (C's %), which is what decides the
// range check, so it must not be replaced by a floor modulo. The result is
// not range-checked: callers decide (the offset variants add the offset back
// first).
Result<int64_t> BucketMicros(int64_t period, int64_t timestamp, int64_t origin) {
  if (period <= 0) return PeriodNotPositive();
  int64_t shift = origin % period;
  if ((shift > 0 && timestamp < kTimestampMinusInfinity + shift) ||
      (shift < 0 && timestamp > kTimestampPlusInfinity + shift)) {
    return TimestampOutOfRange();
  }
  timestamp -= shift;
  int64_t start = timestamp / period * period;  // |start| <= |timestamp|
  // A negative remainder means truncation rounded up: one more period down.
  if (timestamp % period < 0 && __builtin_sub_overflow(start, period, &start)) {
    return TimestampOutOfRange();
  }
  if (__builtin_add_overflow(start, shift, &start)) return TimestampOutOfRange();
  return start;
}

// TimescaleDB's bucket_month: the first day of the `months`-wide bucket that
// holds `date`, counting whole months from the origin's month; the days of
// both are ignored. Not range-checked (see TimeBucketDate).
Result<int32_t> BucketMonths(int32_t months, int32_t date, int32_t origin) {
  if (months <= 0) return PeriodNotPositive();
  int64_t month = MonthIndex(CivilFromDays(date));
  int64_t origin_month = MonthIndex(CivilFromDays(origin));
  int64_t start = origin_month + FloorDiv(month - origin_month, months) * months;
  // Dates keep month indexes within about +-71 million, so the first day of
  // any bucket is well within int32 days.
  CivilDate first{FloorDiv(start, 12), static_cast<int32_t>(FloorMod(start, 12)) + 1, 1};
  return static_cast<int32_t>(DaysFromCivil(first));
}

Status MonthWidthMixed(const Interval& width) {
  if (width.days != 0 || width.micros != 0) {
    return Unsupported("month intervals cannot have day or time component");
  }
  return absl::OkStatus();
}

Status InfiniteMonthOrigin(bool minus) {
  return InvalidArgument("origin of a month bucket must be finite, found %s",
                         minus ? "-infinity" : "infinity");
}

// ts_timestamp_bucket without the finiteness test: the bucket start, not
// range-checked for widths without months.
Result<int64_t> BucketTimestamp(const Interval& width, int64_t timestamp,
                                std::optional<int64_t> origin) {
  if (width.months == 0) {
    TSDB_ASSIGN_OR_RETURN(int64_t period, PeriodMicros(width));
    return BucketMicros(period, timestamp, origin.value_or(kDefaultBucketOrigin));
  }
  TSDB_RETURN_IF_ERROR(MonthWidthMixed(width));
  TSDB_ASSIGN_OR_RETURN(int32_t date, TimestampToDate(timestamp));
  int32_t origin_date = kDefaultMonthBucketOriginDate;
  if (origin.has_value()) {
    if (TimestampNotFinite(*origin)) return InfiniteMonthOrigin(*origin < 0);
    TSDB_ASSIGN_OR_RETURN(origin_date, TimestampToDate(*origin));
  }
  TSDB_ASSIGN_OR_RETURN(int32_t start, BucketMonths(width.months, date, origin_date));
  // Postgres's date_timestamp, whose lower limit is unchecked: a start before
  // kMinTimestamp is left to the caller's range check.
  return int64_t{start} * kMicrosPerDay;
}

// ts_date_bucket without the finiteness test. The start of a month bucket is
// not range-checked (TimescaleDB returns dates before Julian day 0 as they
// are); other widths go through timestamp_date, which checks.
Result<int32_t> BucketDate(const Interval& width, int32_t date, std::optional<int32_t> origin) {
  TSDB_ASSIGN_OR_RETURN(int64_t timestamp, DateToTimestamp(date));
  if (width.months != 0) {
    TSDB_RETURN_IF_ERROR(MonthWidthMixed(width));
    int32_t origin_date = origin.value_or(kDefaultMonthBucketOriginDate);
    if (DateNotFinite(origin_date)) return InfiniteMonthOrigin(origin_date < 0);
    return BucketMonths(width.months, date, origin_date);
  }
  int64_t origin_timestamp = kDefaultBucketOrigin;
  if (origin.has_value()) {
    TSDB_ASSIGN_OR_RETURN(origin_timestamp, DateToTimestamp(*origin));
  }
  TSDB_ASSIGN_OR_RETURN(int64_t period, PeriodMicros(width));
  // TimescaleDB's check_period_is_daily, before (and so instead of) the
  // "period must be greater than 0" check.
  if (period < kMicrosPerDay) return Unsupported("interval must not have sub-day precision");
  if (period % kMicrosPerDay != 0) return Unsupported("interval must be a multiple of a day");
  TSDB_ASSIGN_OR_RETURN(int64_t start, BucketMicros(period, timestamp, origin_timestamp));
  return TimestampToDate(start);
}

Result<Interval> Negated(const Interval& span) {
  if (span.months == std::numeric_limits<int32_t>::min() ||
      span.days == std::numeric_limits<int32_t>::min() ||
      span.micros == std::numeric_limits<int64_t>::min()) {
    return IntervalOutOfRange();
  }
  return Interval{-span.months, -span.days, -span.micros};
}

// TimescaleDB's integer TIME_BUCKET for a type of range [min, max]. Every
// intermediate fits int64 for int64 values too: the checks run before the
// step they guard.
Result<int64_t> BucketInteger(int64_t period, int64_t value, int64_t offset, int64_t min,
                              int64_t max) {
  if (period <= 0) return PeriodNotPositive();
  offset %= period;
  // value - offset must stay within [min, max].
  if ((offset > 0 && value < min + offset) || (offset < 0 && value > max + offset)) {
    return TimestampOutOfRange();
  }
  value -= offset;
  int64_t start = value / period * period;
  if (value % period < 0) {
    // One period below the truncated quotient, which must not pass min.
    if (start < min + period) return TimestampOutOfRange();
    start -= period;
  }
  // start <= value, and start > value - period >= min - offset: in range.
  return start + offset;
}

template <typename T>
Result<T> BucketIntegerAs(T width, T value, T offset) {
  TSDB_ASSIGN_OR_RETURN(int64_t start,
                        BucketInteger(width, value, offset, std::numeric_limits<T>::min(),
                                      std::numeric_limits<T>::max()));
  return static_cast<T>(start);
}

}  // namespace

int64_t DaysFromCivil(const CivilDate& date) {
  // Julian day number (Fliegel and Van Flandern), on a year that starts in
  // March so that the leap day is the year's last; floor division makes it
  // hold for negative years too.
  int64_t march_based_year = date.year + 4800 - (date.month <= 2 ? 1 : 0);
  int64_t march_based_month = date.month + (date.month <= 2 ? 9 : -3);  // March = 0
  int64_t julian_day = date.day + (153 * march_based_month + 2) / 5 + 365 * march_based_year +
                       FloorDiv(march_based_year, 4) - FloorDiv(march_based_year, 100) +
                       FloorDiv(march_based_year, 400) - 32045;
  return julian_day - kEpochJulianDay;
}

CivilDate CivilFromDays(int64_t days) {
  // The inverse: 400-year cycles of 146097 days, centuries, 4-year cycles of
  // 1461 days, then the month from day of a March-based year.
  int64_t shifted = days + kEpochJulianDay + 32044;
  int64_t cycles = FloorDiv(4 * shifted + 3, 146097);
  int64_t in_cycle = shifted - FloorDiv(146097 * cycles, 4);
  int64_t quads = (4 * in_cycle + 3) / 1461;
  int64_t day_of_year = in_cycle - 1461 * quads / 4;  // 0 = March 1st
  int64_t month_from_march = (5 * day_of_year + 2) / 153;
  CivilDate date;
  date.day = static_cast<int32_t>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  date.month =
      static_cast<int32_t>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  date.year = 100 * cycles + quads - 4800 + (month_from_march < 10 ? 0 : 1);
  return date;
}

Result<int64_t> TimestampPlusInterval(int64_t timestamp, const Interval& span) {
  if (TimestampNotFinite(timestamp)) return timestamp;
  if (span.months != 0 || span.days != 0) {
    // Postgres splits the timestamp into calendar fields, which fails before
    // Julian day 0.
    if (timestamp < kMinTimestamp) return TimestampOutOfRange();
    int64_t days = FloorDiv(timestamp, kMicrosPerDay);
    int64_t time_of_day = timestamp - days * kMicrosPerDay;
    if (span.months != 0) {
      CivilDate date = CivilFromDays(days);
      int64_t month = MonthIndex(date) + span.months;
      date.year = FloorDiv(month, 12);
      date.month = static_cast<int32_t>(FloorMod(month, 12)) + 1;
      date.day = std::min(date.day, DaysInMonth(date.year, date.month));
      days = DaysFromCivil(date);
      TSDB_ASSIGN_OR_RETURN(timestamp, ValidTimestampAt(days, time_of_day));
    }
    if (span.days != 0) {
      TSDB_ASSIGN_OR_RETURN(timestamp, ValidTimestampAt(days + span.days, time_of_day));
    }
  }
  if (__builtin_add_overflow(timestamp, span.micros, &timestamp) || !TimestampIsValid(timestamp)) {
    return TimestampOutOfRange();
  }
  return timestamp;
}

Result<int64_t> TimestampMinusInterval(int64_t timestamp, const Interval& span) {
  TSDB_ASSIGN_OR_RETURN(Interval negated, Negated(span));
  return TimestampPlusInterval(timestamp, negated);
}

Result<int64_t> TimeBucketTimestamp(const Interval& width, int64_t timestamp,
                                    const TimestampBucketOptions& options) {
  if (TimestampNotFinite(timestamp)) return timestamp;
  if (!options.offset.has_value()) {
    TSDB_ASSIGN_OR_RETURN(int64_t start, BucketTimestamp(width, timestamp, options.origin));
    if (!TimestampIsValid(start)) return TimestampOutOfRange();
    return start;
  }
  // ts_timestamp_offset_bucket: Postgres's interval arithmetic around the
  // bucketing, which range-checks the shifted timestamp and the result (a
  // bucket start just before kMinTimestamp may come back into range).
  TSDB_ASSIGN_OR_RETURN(int64_t shifted, TimestampMinusInterval(timestamp, *options.offset));
  TSDB_ASSIGN_OR_RETURN(int64_t start, BucketTimestamp(width, shifted, options.origin));
  return TimestampPlusInterval(start, *options.offset);
}

Result<int32_t> TimeBucketDate(const Interval& width, int32_t date,
                               const DateBucketOptions& options) {
  if (DateNotFinite(date)) return date;
  if (!options.offset.has_value()) {
    TSDB_ASSIGN_OR_RETURN(int32_t start, BucketDate(width, date, options.origin));
    if (start < kMinDate) return absl::OutOfRangeError("date out of range");
    return start;
  }
  // ts_date_offset_bucket: date - interval and date + interval are
  // timestamps, truncated back to their day (timestamp_date).
  TSDB_ASSIGN_OR_RETURN(int64_t timestamp, DateToTimestamp(date));
  TSDB_ASSIGN_OR_RETURN(timestamp, TimestampMinusInterval(timestamp, *options.offset));
  TSDB_ASSIGN_OR_RETURN(int32_t shifted, TimestampToDate(timestamp));
  TSDB_ASSIGN_OR_RETURN(int32_t start, BucketDate(width, shifted, options.origin));
  // date_pl_interval's date2timestamp has no lower limit: a month bucket
  // before kMinDate reaches timestamp + interval as it is, which range-checks
  // the sum.
  TSDB_ASSIGN_OR_RETURN(timestamp,
                        TimestampPlusInterval(int64_t{start} * kMicrosPerDay, *options.offset));
  return TimestampToDate(timestamp);
}

Result<int16_t> TimeBucketInt16(int16_t width, int16_t value, int16_t offset) {
  return BucketIntegerAs<int16_t>(width, value, offset);
}
Result<int32_t> TimeBucketInt32(int32_t width, int32_t value, int32_t offset) {
  return BucketIntegerAs<int32_t>(width, value, offset);
}
Result<int64_t> TimeBucketInt64(int64_t width, int64_t value, int64_t offset) {
  return BucketIntegerAs<int64_t>(width, value, offset);
}

}  // namespace tsdb
