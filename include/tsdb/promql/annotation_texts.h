// The texts of the warnings and infos the function and aggregation kernels
// can cause, exactly as Prometheus's util/annotations prints them (without
// the "PromQL warning: " / "PromQL info: " prefix, which the caller adds
// when rendering). Strings print with Go's %q, floats with %g.
//
// Where Prometheus appends ` for metric name "<m>"` only for a non-empty name
// (maybeAddMetricName), these do the same; pass "" for no suffix.
#ifndef TSDB_PROMQL_ANNOTATION_TEXTS_H_
#define TSDB_PROMQL_ANNOTATION_TEXTS_H_

#include <string>
#include <string_view>

namespace tsdb::promql {

// Warning. "quantile value should be between 0 and 1, got <q>".
std::string InvalidQuantileWarning(double q);
// Warning. "ratio value should be between -1 and 1, got <r>, capping to <to>".
std::string InvalidRatioWarning(double ratio, double capped_to);
// Warning. `bucket label "le" is missing or has a malformed value of "<le>"`
// [` for metric name "<m>"`].
std::string BadBucketLabelWarning(std::string_view metric_name, std::string_view le);
// Info. "input to histogram_quantile needed to be fixed for monotonicity
// (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)"
// [` for metric name "<m>"`]. Prometheus passes the name only with delayed
// name removal on, and (3.13+) appends the affected buckets, timestamps and
// position when rendering for a query.
std::string HistogramQuantileForcedMonotonicityInfo(std::string_view metric_name);
// Warning. "vector contains a mix of classic and native histograms"
// [` for metric name "<m>"`].
std::string MixedClassicNativeHistogramsWarning(std::string_view metric_name);
// Warning. `encountered a mix of histograms and floats for metric name "<m>"`
// (the name is always printed, quoted, even when empty).
std::string MixedFloatsHistogramsWarning(std::string_view metric_name);
// Warning. "encountered a mix of histograms and floats for aggregation".
std::string MixedFloatsHistogramsAggWarning();
// Info. `ignored histograms in a range containing both floats and histograms
// for metric name "<m>"`.
std::string HistogramIgnoredInMixedRangeInfo(std::string_view metric_name);
// Info. "ignored histogram in <aggregation> aggregation", e.g. "stddev".
std::string HistogramIgnoredInAggregationInfo(std::string_view aggregation);
// Info. `metric might not be a counter, name does not end in
// _total/_sum/_count/_bucket: "<m>"` (rate/increase on such a float series).
std::string PossibleNonCounterInfo(std::string_view metric_name);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_ANNOTATION_TEXTS_H_
