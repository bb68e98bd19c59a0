#include "tsdb/promql/go_strconv.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "tsdb/promql/annotation_texts.h"

namespace tsdb::promql {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(GoSprintTest, PercentG) {
  EXPECT_EQ(GoSprintFloat(0), "0");
  EXPECT_EQ(GoSprintFloat(-0.0), "-0");
  EXPECT_EQ(GoSprintFloat(1), "1");
  EXPECT_EQ(GoSprintFloat(1.01), "1.01");
  EXPECT_EQ(GoSprintFloat(-0.1), "-0.1");
  EXPECT_EQ(GoSprintFloat(0.0001), "0.0001");
  EXPECT_EQ(GoSprintFloat(0.00001), "1e-05");
  EXPECT_EQ(GoSprintFloat(123456), "123456");
  EXPECT_EQ(GoSprintFloat(1e6), "1e+06");
  EXPECT_EQ(GoSprintFloat(1234567), "1.234567e+06");
  EXPECT_EQ(GoSprintFloat(1e100), "1e+100");
  EXPECT_EQ(GoSprintFloat(1.5e-300), "1.5e-300");
  EXPECT_EQ(GoSprintFloat(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(GoSprintFloat(100), "100");
  EXPECT_EQ(GoSprintFloat(kInf), "+Inf");
  EXPECT_EQ(GoSprintFloat(-kInf), "-Inf");
  EXPECT_EQ(GoSprintFloat(std::nan("")), "NaN");
}

TEST(GoSprintTest, PercentF) {
  EXPECT_EQ(GoSprintfFixed(1), "1.000000");
  EXPECT_EQ(GoSprintfFixed(-0.25), "-0.250000");
  EXPECT_EQ(GoSprintfFixed(0.1234565), "0.123456");  // 0.12345649999... below the tie
  EXPECT_EQ(GoSprintfFixed(1e20), "100000000000000000000.000000");
  EXPECT_EQ(GoSprintfFixed(kInf), "+Inf");
  EXPECT_EQ(GoSprintfFixed(-kInf), "-Inf");
  EXPECT_EQ(GoSprintfFixed(std::nan("")), "NaN");
}

TEST(AnnotationTextsTest, AsPrometheusPrintsThem) {
  // Texts of histograms.test / aggregators.test / functions.test, without
  // the "PromQL warning: " / "PromQL info: " prefix.
  EXPECT_EQ(InvalidQuantileWarning(std::nan("")),
            "quantile value should be between 0 and 1, got NaN");
  EXPECT_EQ(InvalidRatioWarning(1.1, 1),
            "ratio value should be between -1 and 1, got 1.1, capping to 1");
  EXPECT_EQ(InvalidRatioWarning(-1.1, -1),
            "ratio value should be between -1 and 1, got -1.1, capping to -1");
  EXPECT_EQ(BadBucketLabelWarning("series", "Hello World"),
            "bucket label \"le\" is missing or has a malformed value of \"Hello World\" for "
            "metric name \"series\"");
  EXPECT_EQ(BadBucketLabelWarning("series", ""),
            "bucket label \"le\" is missing or has a malformed value of \"\" for metric name "
            "\"series\"");
  EXPECT_EQ(BadBucketLabelWarning("", "x"),
            "bucket label \"le\" is missing or has a malformed value of \"x\"");
  EXPECT_EQ(MixedClassicNativeHistogramsWarning("series"),
            "vector contains a mix of classic and native histograms for metric name \"series\"");
  EXPECT_EQ(MixedFloatsHistogramsWarning("http_requests_mix"),
            "encountered a mix of histograms and floats for metric name \"http_requests_mix\"");
  EXPECT_EQ(MixedFloatsHistogramsWarning(""),
            "encountered a mix of histograms and floats for metric name \"\"");
  EXPECT_EQ(MixedFloatsHistogramsAggWarning(),
            "encountered a mix of histograms and floats for aggregation");
  EXPECT_EQ(HistogramIgnoredInMixedRangeInfo("m"),
            "ignored histograms in a range containing both floats and histograms for metric "
            "name \"m\"");
  EXPECT_EQ(HistogramIgnoredInAggregationInfo("stddev"), "ignored histogram in stddev aggregation");
  EXPECT_EQ(HistogramQuantileForcedMonotonicityInfo(""),
            "input to histogram_quantile needed to be fixed for monotonicity (see "
            "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)");
  EXPECT_EQ(HistogramQuantileForcedMonotonicityInfo("x_bucket"),
            "input to histogram_quantile needed to be fixed for monotonicity (see "
            "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)"
            " for metric name \"x_bucket\"");
  EXPECT_EQ(PossibleNonCounterInfo("foo"),
            "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "
            "\"foo\"");
}

}  // namespace
}  // namespace tsdb::promql
