// Trend functions over one series' window: deriv, predict_linear (a least
// squares line, Prometheus's linearRegression) and
// double_exponential_smoothing (Holt's linear method, once holt_winters).
//
// `samples`: the float samples of one series in the window, time ascending,
// stale markers removed (see rate.h). nullopt: no output for the series.
#ifndef TSDB_PROMQL_TREND_H_
#define TSDB_PROMQL_TREND_H_

#include <cstdint>
#include <optional>

#include "absl/types/span.h"
#include "tsdb/promql/value.h"
#include "tsdb/status.h"

namespace tsdb::promql {

struct Line {
  double slope = 0;      // per second
  double intercept = 0;  // value at the intercept time
};

// Least squares through (seconds since intercept_time, value), with the four
// sums Kahan-compensated. All values equal: slope 0 and that value, or NaN and
// NaN when that value is infinite. REQUIRES: samples non-empty.
Line LinearRegression(absl::Span<const Sample> samples, int64_t intercept_time);

// deriv: the slope per second; the intercept time is the first sample's
// (near the data, for accuracy). Fewer than 2 samples: nullopt.
std::optional<double> Deriv(absl::Span<const Sample> samples);

// predict_linear(v[d], t): the line's value `duration_seconds` after
// `eval_time` (the step's evaluation time in ms, not the window end: with an
// offset the two differ, and Prometheus anchors at the evaluation time).
// Fewer than 2 samples: nullopt.
std::optional<double> PredictLinear(absl::Span<const Sample> samples, int64_t eval_time,
                                    double duration_seconds);

// double_exponential_smoothing(v[d], sf, tf). Both factors must lie in the
// open interval (0, 1), else InvalidArgument with Prometheus's message
// ("invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000"); a NaN
// factor passes that check, as in Prometheus, and makes the result NaN.
// The factors are checked before the sample count. Fewer than 2 samples:
// nullopt.
Result<std::optional<double>> DoubleExponentialSmoothing(absl::Span<const Sample> samples,
                                                         double smoothing_factor,
                                                         double trend_factor);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_TREND_H_
