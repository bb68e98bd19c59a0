// Per-sample math of instant-vector functions where Prometheus's semantics
// are not just the libm call: round, clamp*, sgn, deg, rad, and the date
// functions (promql/functions.go).
#ifndef TSDB_PROMQL_MATH_FUNCTIONS_H_
#define TSDB_PROMQL_MATH_FUNCTIONS_H_

namespace tsdb::promql {

// round(v, to_nearest): floor(v * (1/to_nearest) + 0.5) / (1/to_nearest).
// Ties round up (-2.5 -> -2); multiplying by the inverse is Prometheus's
// choice for fewer representation errors, kept for identical results.
double Round(double v, double to_nearest = 1);

// Go's math.Max / math.Min: an infinity in the direction of the operation
// wins even over NaN, then NaN wins, then the usual order (+0 > -0).
double GoMax(double a, double b);
double GoMin(double a, double b);

// clamp(v, min, max) = GoMax(min, GoMin(max, v)); clamp_min(v, m) is
// clamp(v, m, +Inf), clamp_max(v, m) clamp(v, -Inf, m). A NaN sample stays
// NaN; a NaN bound makes every result NaN.
double Clamp(double v, double min, double max);
// Prometheus returns an empty vector when max < min (for clamp only; NaN
// bounds compare false and do not empty it).
inline bool ClampIsEmpty(double min, double max) { return max < min; }

// sgn: -1, 1, or v itself for ±0 and NaN.
double Sgn(double v);
// deg: v * 180 / pi; rad: v * pi / 180 (in that order of operations).
double Deg(double v);
double Rad(double v);

// Date functions of a float timestamp in seconds, in UTC. The value is
// truncated to whole seconds towards zero (Go's int64(v)); NaN, ±Inf and
// values beyond int64 become INT64_MIN, as Go on amd64 converts them.
// Without an argument Prometheus passes the step time: eval_ms / 1000
// (integer division) as a float.
double Year(double seconds);
double Month(double seconds);        // 1..12
double DayOfMonth(double seconds);   // 1..31
double DayOfYear(double seconds);    // 1..366
double DayOfWeek(double seconds);    // 0 = Sunday .. 6
double DaysInMonth(double seconds);  // 28..31
double Hour(double seconds);         // 0..23
double Minute(double seconds);       // 0..59

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_MATH_FUNCTIONS_H_
