// Quantiles (Prometheus promql/quantile.go): of a set of values (the
// `quantile` aggregation, quantile_over_time, mad_over_time) and of a classic
// histogram's buckets (histogram_quantile, histogram_fraction), plus the
// parsing of the `le` label.
#ifndef TSDB_PROMQL_QUANTILE_H_
#define TSDB_PROMQL_QUANTILE_H_

#include <optional>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "tsdb/promql/value.h"

namespace tsdb::promql {

// Relative difference below which neighbouring cumulative bucket counts are
// taken as equal: float noise (e.g. from sharded sums), not a real decrease.
inline constexpr double kSmallDeltaTolerance = 1e-12;

// The φ-quantile of `values`, which it sorts in place: rank q*(n-1), linear
// between the two neighbouring values. Empty or NaN q: NaN; q < 0: -Inf;
// q > 1: +Inf. NaN values sort first (Prometheus's order; its comparator is
// not a strict weak order among NaNs, which cannot matter for the result).
double Quantile(double q, absl::Span<double> values);

// Adds "quantile value should be between 0 and 1, got <q>" to `annos` (may
// be null) when q is NaN or outside [0, 1]. Prometheus warns once per call
// of histogram_quantile / quantile / quantile_over_time.
void ValidateQuantile(double q, Annotations* annos);

// One bucket of a classic histogram: the parsed `le` and its cumulative count.
struct Bucket {
  double upper_bound = 0;
  double count = 0;
};

struct BucketQuantileResult {
  double value = 0;
  // Some count was below an earlier one and was raised to it; Prometheus
  // then adds the info HistogramQuantileForcedMonotonicityInfo.
  bool forced_monotonic = false;
  // Some count was within kSmallDeltaTolerance of its predecessor and was
  // set to it (silently).
  bool fixed_precision = false;
  // Where monotonicity was forced: the lowest and highest upper bound raised
  // and the largest amount raised (Prometheus 3.13+ reports them with the
  // info when rendering it for a query). +Inf/-Inf/0 when nothing was forced;
  // 0/0/0 when the function returned before the monotonicity pass (q out of
  // range, no +Inf bucket).
  double min_bucket = 0;
  double max_bucket = 0;
  double max_diff = 0;
};

// histogram_quantile over one group of classic buckets (any order; this
// sorts, then merges buckets with equal bounds by summing their counts).
// NaN q: NaN; q < 0: -Inf; q > 1: +Inf; highest bound not +Inf: NaN; after
// merging fewer than 2 buckets or a total of 0: NaN. Counts are then made
// monotonic against the last accepted count (see the flags). The quantile's
// rank is q * total; in the first bucket whose count reaches it the result is
// interpolated linearly from the previous bound (0 for the first bucket,
// unless its bound is <= 0: then that bound); in the +Inf bucket it is the
// second highest bound. Empty `buckets`: NaN.
BucketQuantileResult BucketQuantile(double q, std::vector<Bucket>* buckets);

// histogram_fraction(lower, upper, classic buckets): the share of
// observations in [lower, upper], interpolating linearly inside a bucket. The
// lowest bucket spans from 0 if its bound is positive, else from -Inf; the
// -Inf-wide lowest bucket and the +Inf bucket are never interpolated into.
// Sorts and merges like BucketQuantile (without the monotonicity fix).
// Empty, highest bound not +Inf, total 0 or NaN bound: NaN; lower >= upper: 0.
double BucketFraction(double lower, double upper, std::vector<Bucket>* buckets);

// The value of an `le` label as Go's strconv.ParseFloat reads it: decimal or
// hexadecimal (with p exponent) floats, optional sign, digit-separating
// underscores, "Inf"/"Infinity"/"NaN" in any case. nullopt for anything else
// and for an overflowing value (ParseFloat's range error), which Prometheus
// reports with BadBucketLabelWarning and skips; an underflow reads as 0.
std::optional<double> ParseBucketBound(std::string_view le);

// Prometheus's util/almost.Equal: both NaN, equal, or differing by less than
// epsilon relative to |a|+|b| (absolutely, near zero).
bool AlmostEqual(double a, double b, double epsilon);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_QUANTILE_H_
