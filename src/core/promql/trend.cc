#include "tsdb/promql/trend.h"

#include <cmath>
#include <limits>

#include "tsdb/promql/go_strconv.h"
#include "tsdb/promql/kahan.h"

namespace tsdb::promql {

Line LinearRegression(absl::Span<const Sample> samples, int64_t intercept_time) {
  KahanSum sum_x, sum_y, sum_xy, sum_x2;
  double n = 0;
  const double init_y = samples.front().v;
  bool const_y = true;
  for (const Sample& s : samples) {
    // NaN != NaN, so a NaN makes the series non-constant (and the line NaN).
    if (const_y && s.v != init_y) const_y = false;
    n += 1;
    const double x = static_cast<double>(s.t - intercept_time) / 1e3;
    sum_x.Add(x);
    sum_y.Add(s.v);
    sum_xy.Add(x * s.v);
    sum_x2.Add(x * x);
  }
  // A constant series is special-cased because the general formula would
  // turn rounding noise (or Inf - Inf) into a slope.
  if (const_y) {
    if (std::isinf(init_y)) {
      const double nan = std::numeric_limits<double>::quiet_NaN();
      return Line{nan, nan};
    }
    return Line{0, init_y};
  }
  const double sx = sum_x.Value();
  const double sy = sum_y.Value();
  const double sxy = sum_xy.Value();
  const double sx2 = sum_x2.Value();
  const double cov_xy = sxy - sx * sy / n;
  const double var_x = sx2 - sx * sx / n;
  Line line;
  line.slope = cov_xy / var_x;
  line.intercept = sy / n - line.slope * sx / n;
  return line;
}

std::optional<double> Deriv(absl::Span<const Sample> samples) {
  if (samples.size() < 2) return std::nullopt;
  // Anchoring x at the first sample keeps x small (Prometheus issue 2674).
  return LinearRegression(samples, samples.front().t).slope;
}

std::optional<double> PredictLinear(absl::Span<const Sample> samples, int64_t eval_time,
                                    double duration_seconds) {
  if (samples.size() < 2) return std::nullopt;
  const Line line = LinearRegression(samples, eval_time);
  return line.slope * duration_seconds + line.intercept;
}

Result<std::optional<double>> DoubleExponentialSmoothing(absl::Span<const Sample> samples,
                                                         double smoothing_factor,
                                                         double trend_factor) {
  // Written as Prometheus writes them, so that NaN passes.
  if (smoothing_factor <= 0 || smoothing_factor >= 1) {
    return InvalidArgument("invalid smoothing factor. Expected: 0 < sf < 1, got: %s",
                           GoSprintfFixed(smoothing_factor));
  }
  if (trend_factor <= 0 || trend_factor >= 1) {
    return InvalidArgument("invalid trend factor. Expected: 0 < tf < 1, got: %s",
                           GoSprintfFixed(trend_factor));
  }
  if (samples.size() < 2) return std::optional<double>();

  const double sf = smoothing_factor;
  const double tf = trend_factor;
  double s0 = 0;
  double s1 = samples[0].v;
  double b = samples[1].v - samples[0].v;
  for (size_t i = 1; i < samples.size(); ++i) {
    const double x = sf * samples[i].v;
    // The trend starts as the first difference and is smoothed from the
    // second step on.
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    const double y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return std::optional<double>(s1);
}

}  // namespace tsdb::promql
