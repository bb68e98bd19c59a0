#include "tsdb/promql/math_functions.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace tsdb::promql {

double Round(double v, double to_nearest) {
  const double inverse = 1.0 / to_nearest;
  return std::floor(v * inverse + 0.5) / inverse;
}

double GoMax(double a, double b) {
  if (std::isinf(a) && a > 0) return a;
  if (std::isinf(b) && b > 0) return b;
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  if (a == 0 && a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

double GoMin(double a, double b) {
  if (std::isinf(a) && a < 0) return a;
  if (std::isinf(b) && b < 0) return b;
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  if (a == 0 && a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

double Clamp(double v, double min, double max) { return GoMax(min, GoMin(max, v)); }

double Sgn(double v) {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;
}

double Deg(double v) { return v * 180 / M_PI; }
double Rad(double v) { return v * M_PI / 180; }

namespace {

struct CivilTime {
  int64_t year;
  int month;         // 1..12
  int day;           // 1..31
  int day_of_year;   // 1..366
  int day_of_week;   // 0 = Sunday
  int hour;
  int minute;
};

// Go's int64(f) on amd64 (CVTTSD2SQ): truncation, and the "integer
// indefinite" INT64_MIN for NaN and out-of-range values.
int64_t GoInt64(double v) {
  if (std::isnan(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(v);
}

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Proleptic Gregorian calendar from days since 1970-01-01 (H. Hinnant's
// civil_from_days), for every int64 second count.
CivilTime ToCivil(double seconds) {
  const int64_t secs = GoInt64(seconds);
  const int64_t days = FloorDiv(secs, 86400);
  // Not secs - days * 86400: that overflows for INT64_MIN.
  int64_t sod = secs % 86400;
  if (sod < 0) sod += 86400;
  CivilTime c;
  c.hour = static_cast<int>(sod / 3600);
  c.minute = static_cast<int>(sod % 3600 / 60);
  // 1970-01-01 was a Thursday.
  c.day_of_week = static_cast<int>(((days % 7) + 7 + 4) % 7);

  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;                                    // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);             // [0, 365], from March
  const int64_t mp = (5 * doy + 2) / 153;                                  // [0, 11]
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);

  static constexpr int kDaysBefore[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  c.day_of_year = kDaysBefore[c.month - 1] + c.day + (c.month > 2 && IsLeap(c.year) ? 1 : 0);
  return c;
}

}  // namespace

double Year(double seconds) { return static_cast<double>(ToCivil(seconds).year); }
double Month(double seconds) { return ToCivil(seconds).month; }
double DayOfMonth(double seconds) { return ToCivil(seconds).day; }
double DayOfYear(double seconds) { return ToCivil(seconds).day_of_year; }
double DayOfWeek(double seconds) { return ToCivil(seconds).day_of_week; }
double Hour(double seconds) { return ToCivil(seconds).hour; }
double Minute(double seconds) { return ToCivil(seconds).minute; }

double DaysInMonth(double seconds) {
  const CivilTime c = ToCivil(seconds);
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[c.month - 1] + (c.month == 2 && IsLeap(c.year) ? 1 : 0);
}

}  // namespace tsdb::promql
