// SQL face of time_bucket (include/tsdb/time_bucket.h has the arithmetic
// and TimescaleDB's rules): the signatures TimescaleDB 2.x has, so that
// Grafana's PostgreSQL data source in TimescaleDB mode and queries written
// for TimescaleDB run unchanged.
//   time_bucket(interval, timestamptz | timestamp | date [, origin | "offset"])
//   time_bucket(interval, timestamptz, timezone text [, origin [, "offset"]])
//   time_bucket(int2 | int4 | int8 width, value [, "offset"])
// timestamptz is bucketed at UTC unless a time zone is given; with one, the
// time is bucketed as local time there (as TimescaleDB does).
#include <optional>
#include <string>

#include "tsdb/time_bucket.h"
// Postgres headers (through guard.h) after every C++ header.
#include "pg/guard.h"

extern "C" {
#include "datatype/timestamp.h"
#include "utils/date.h"
}

namespace tsdb::pg {
namespace {

// Raises a core error with its message as it is: the texts are TimescaleDB's.
template <typename T>
T ValueOrRaise(Result<T> result) {
  if (!result.ok()) {
    throw SqlError(SqlStateFor(result.status()), std::string(result.status().message()));
  }
  return *result;
}

int64 TimestampTzToLocal(Datum zone, int64 timestamp) {
  return PgCall([&] {
    return DatumGetTimestamp(
        DirectFunctionCall2(timestamptz_zone, zone, TimestampTzGetDatum(timestamp)));
  });
}

int64 LocalToTimestampTz(Datum zone, int64 timestamp) {
  return PgCall([&] {
    return DatumGetTimestampTz(
        DirectFunctionCall2(timestamp_zone, zone, TimestampGetDatum(timestamp)));
  });
}

}  // namespace
}  // namespace tsdb::pg

using tsdb::pg::ValueOrRaise;

namespace {

// Outside namespace tsdb: Postgres's Interval, not the core's.
tsdb::Interval IntervalArg(FunctionCallInfo fcinfo, int arg) {
  const Interval* span = PG_GETARG_INTERVAL_P(arg);
  return tsdb::Interval{span->month, span->day, span->time};
}

}  // namespace

// time_bucket(interval, timestamp[tz]): both are int64 microseconds, and
// timestamptz buckets at UTC.
TSDB_SQL_FUNCTION(tsdb_time_bucket_timestamp) {
  return Int64GetDatum(
      ValueOrRaise(tsdb::TimeBucketTimestamp(IntervalArg(fcinfo, 0), PG_GETARG_INT64(1))));
}

TSDB_SQL_FUNCTION(tsdb_time_bucket_timestamp_origin) {
  tsdb::TimestampBucketOptions options;
  options.origin = PG_GETARG_INT64(2);
  return Int64GetDatum(ValueOrRaise(
      tsdb::TimeBucketTimestamp(IntervalArg(fcinfo, 0), PG_GETARG_INT64(1), options)));
}

TSDB_SQL_FUNCTION(tsdb_time_bucket_timestamp_offset) {
  tsdb::TimestampBucketOptions options;
  options.offset = IntervalArg(fcinfo, 2);
  return Int64GetDatum(ValueOrRaise(
      tsdb::TimeBucketTimestamp(IntervalArg(fcinfo, 0), PG_GETARG_INT64(1), options)));
}

// time_bucket(interval, timestamptz, timezone text, origin DEFAULT NULL,
// "offset" DEFAULT NULL): not strict, NULL origin or offset mean none.
TSDB_SQL_FUNCTION(tsdb_time_bucket_timestamptz_zone) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2)) PG_RETURN_NULL();
  const Datum zone = PG_GETARG_DATUM(2);
  const int64 timestamp = PG_GETARG_INT64(1);
  if (tsdb::TimestampNotFinite(timestamp)) return Int64GetDatum(timestamp);
  tsdb::TimestampBucketOptions options;
  if (!PG_ARGISNULL(3)) {
    const int64 origin = PG_GETARG_INT64(3);
    options.origin =
        tsdb::TimestampNotFinite(origin) ? origin : tsdb::pg::TimestampTzToLocal(zone, origin);
  }
  if (!PG_ARGISNULL(4)) options.offset = IntervalArg(fcinfo, 4);
  const int64 local = tsdb::pg::TimestampTzToLocal(zone, timestamp);
  const int64 bucket = ValueOrRaise(tsdb::TimeBucketTimestamp(IntervalArg(fcinfo, 0), local, options));
  return Int64GetDatum(tsdb::pg::LocalToTimestampTz(zone, bucket));
}

TSDB_SQL_FUNCTION(tsdb_time_bucket_date) {
  return DateADTGetDatum(
      ValueOrRaise(tsdb::TimeBucketDate(IntervalArg(fcinfo, 0), PG_GETARG_DATEADT(1))));
}

TSDB_SQL_FUNCTION(tsdb_time_bucket_date_origin) {
  tsdb::DateBucketOptions options;
  options.origin = PG_GETARG_DATEADT(2);
  return DateADTGetDatum(
      ValueOrRaise(tsdb::TimeBucketDate(IntervalArg(fcinfo, 0), PG_GETARG_DATEADT(1), options)));
}

TSDB_SQL_FUNCTION(tsdb_time_bucket_date_offset) {
  tsdb::DateBucketOptions options;
  options.offset = IntervalArg(fcinfo, 2);
  return DateADTGetDatum(
      ValueOrRaise(tsdb::TimeBucketDate(IntervalArg(fcinfo, 0), PG_GETARG_DATEADT(1), options)));
}

// Integer buckets: the optional third argument is the offset.
TSDB_SQL_FUNCTION(tsdb_time_bucket_int2) {
  const int16 offset = PG_NARGS() > 2 ? PG_GETARG_INT16(2) : 0;
  return Int16GetDatum(
      ValueOrRaise(tsdb::TimeBucketInt16(PG_GETARG_INT16(0), PG_GETARG_INT16(1), offset)));
}

TSDB_SQL_FUNCTION(tsdb_time_bucket_int4) {
  const int32 offset = PG_NARGS() > 2 ? PG_GETARG_INT32(2) : 0;
  return Int32GetDatum(
      ValueOrRaise(tsdb::TimeBucketInt32(PG_GETARG_INT32(0), PG_GETARG_INT32(1), offset)));
}

TSDB_SQL_FUNCTION(tsdb_time_bucket_int8) {
  const int64 offset = PG_NARGS() > 2 ? PG_GETARG_INT64(2) : 0;
  return Int64GetDatum(
      ValueOrRaise(tsdb::TimeBucketInt64(PG_GETARG_INT64(0), PG_GETARG_INT64(1), offset)));
}
