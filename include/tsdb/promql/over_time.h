// The *_over_time functions, resets and changes: one value from the float
// samples of one series in one window (Prometheus promql/functions.go).
//
// `samples`: the float samples of one series in the left-open window
// (range_start, range_end], time ascending, stale markers removed (see
// rate.h). Every function returns nullopt for an empty window (no output for
// the series). Windows mixing floats with native histograms are the caller's:
// Prometheus drops histograms with an info (annotation_texts.h,
// HistogramIgnoredInMixedRangeInfo) for min/max/quantile/stddev/stdvar/mad/
// ts_of_min/max, and drops the series with a warning for sum/avg.
#ifndef TSDB_PROMQL_OVER_TIME_H_
#define TSDB_PROMQL_OVER_TIME_H_

#include <optional>

#include "absl/types/span.h"
#include "tsdb/promql/value.h"

namespace tsdb::promql {

// Kahan-compensated sum.
std::optional<double> SumOverTime(absl::Span<const Sample> samples);
// Kahan mean with the switch to an incremental mean on overflow (KahanMean).
std::optional<double> AvgOverTime(absl::Span<const Sample> samples);
std::optional<double> CountOverTime(absl::Span<const Sample> samples);
// NaN loses to any number; all NaN gives NaN. Equal values: the first.
std::optional<double> MinOverTime(absl::Span<const Sample> samples);
std::optional<double> MaxOverTime(absl::Span<const Sample> samples);
std::optional<double> FirstOverTime(absl::Span<const Sample> samples);
std::optional<double> LastOverTime(absl::Span<const Sample> samples);
// 1 for any non-empty window.
std::optional<double> PresentOverTime(absl::Span<const Sample> samples);

// quantile_over_time(q, v[d]): Quantile (quantile.h) of the values; q < 0
// gives -Inf, q > 1 +Inf, NaN q NaN. If q is outside [0, 1] or NaN, and the
// window is not empty, adds the warning "quantile value should be between 0
// and 1, got <q>" to `annos` (may be null).
std::optional<double> QuantileOverTime(double q, absl::Span<const Sample> samples,
                                       Annotations* annos);
// Population variance and its root, by Welford's method with both the mean
// and the sum of squares Kahan-compensated. An Inf or NaN sample gives NaN.
std::optional<double> StdvarOverTime(absl::Span<const Sample> samples);
std::optional<double> StddevOverTime(absl::Span<const Sample> samples);
// Median absolute deviation: median(|v - median(v)|); NaN if any value is.
std::optional<double> MadOverTime(absl::Span<const Sample> samples);

// Timestamps in seconds (ms / 1000). ts_of_min/max: the LAST sample holding
// the extreme (Prometheus compares with <= and >=); NaN as for min/max.
std::optional<double> TsOfMinOverTime(absl::Span<const Sample> samples);
std::optional<double> TsOfMaxOverTime(absl::Span<const Sample> samples);
std::optional<double> TsOfFirstOverTime(absl::Span<const Sample> samples);
std::optional<double> TsOfLastOverTime(absl::Span<const Sample> samples);

// resets: how often a value is below its predecessor. changes: how often a
// value differs from its predecessor (NaN after NaN is no change).
std::optional<double> Resets(absl::Span<const Sample> samples);
std::optional<double> Changes(absl::Span<const Sample> samples);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_OVER_TIME_H_
