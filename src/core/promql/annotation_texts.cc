#include "tsdb/promql/annotation_texts.h"

#include "tsdb/promql/go_strconv.h"
#include "tsdb/promql/lexer.h"

namespace tsdb::promql {

namespace {

std::string MaybeAddMetricName(std::string text, std::string_view metric_name) {
  if (metric_name.empty()) return text;
  return text + " for metric name " + GoQuote(metric_name);
}

}  // namespace

std::string InvalidQuantileWarning(double q) {
  return "quantile value should be between 0 and 1, got " + GoSprintFloat(q);
}

std::string InvalidRatioWarning(double ratio, double capped_to) {
  return "ratio value should be between -1 and 1, got " + GoSprintFloat(ratio) + ", capping to " +
         GoSprintFloat(capped_to);
}

std::string BadBucketLabelWarning(std::string_view metric_name, std::string_view le) {
  return MaybeAddMetricName(
      "bucket label \"le\" is missing or has a malformed value of " + GoQuote(le), metric_name);
}

std::string HistogramQuantileForcedMonotonicityInfo(std::string_view metric_name) {
  return MaybeAddMetricName(
      "input to histogram_quantile needed to be fixed for monotonicity (see "
      "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)",
      metric_name);
}

std::string MixedClassicNativeHistogramsWarning(std::string_view metric_name) {
  return MaybeAddMetricName("vector contains a mix of classic and native histograms",
                            metric_name);
}

std::string MixedFloatsHistogramsWarning(std::string_view metric_name) {
  return "encountered a mix of histograms and floats for metric name " + GoQuote(metric_name);
}

std::string MixedFloatsHistogramsAggWarning() {
  return "encountered a mix of histograms and floats for aggregation";
}

std::string HistogramIgnoredInMixedRangeInfo(std::string_view metric_name) {
  return "ignored histograms in a range containing both floats and histograms for metric name " +
         GoQuote(metric_name);
}

std::string HistogramIgnoredInAggregationInfo(std::string_view aggregation) {
  return "ignored histogram in " + std::string(aggregation) + " aggregation";
}

std::string PossibleNonCounterInfo(std::string_view metric_name) {
  return "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: " +
         GoQuote(metric_name);
}

}  // namespace tsdb::promql
