#include "tsdb/promql/quantile.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "kernel_test_util.h"
#include "tsdb/promql/annotation_texts.h"

namespace tsdb::promql {
namespace {

using testing::Near;

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::nan("");

double Q(double q, std::vector<double> values) { return Quantile(q, absl::MakeSpan(values)); }

TEST(QuantileTest, InterpolatesBetweenNeighbours) {
  // aggregators.test "quantile without(point)(0.8, data)" and (0.2, ...).
  EXPECT_TRUE(Near(Q(0.8, {0, 1}), 0.8));
  EXPECT_TRUE(Near(Q(0.8, {0, 1, 2}), 1.6));
  EXPECT_TRUE(Near(Q(0.8, {0, 1, 4}), 2.8));
  EXPECT_TRUE(Near(Q(0.2, {0, 1}), 0.2));
  EXPECT_TRUE(Near(Q(0.2, {0, 1, 2}), 0.4));
  EXPECT_TRUE(Near(Q(0.2, {4, 1, 0}), 0.4));  // unsorted input
}

TEST(QuantileTest, NaNSortsFirst) {
  // "The NaN sample is treated as the smallest possible value": 0.6; a
  // quantile between NaN and 0 is NaN.
  EXPECT_TRUE(Near(Q(0.8, {0, 1, kNaN}), 0.6));
  EXPECT_TRUE(std::isnan(Q(0.2, {0, 1, kNaN})));
  EXPECT_TRUE(Near(Q(1, {kNaN, kNaN, 3, kNaN}), 3));
}

TEST(QuantileTest, SpecialArguments) {
  EXPECT_TRUE(std::isnan(Q(0.5, {})));
  EXPECT_TRUE(std::isnan(Q(kNaN, {1, 2})));
  EXPECT_EQ(Q(-0.1, {1, 2}), -kInf);
  EXPECT_EQ(Q(1.01, {1, 2}), kInf);
  EXPECT_EQ(Q(0.5, {7}), 7);
  EXPECT_EQ(Q(0, {3, 1, 2}), 1);
  EXPECT_EQ(Q(1, {3, 1, 2}), 3);
  // As in Prometheus, an infinite neighbour times a zero weight is NaN,
  // even at the ends.
  EXPECT_TRUE(std::isnan(Q(0, {1, kInf})));
  EXPECT_TRUE(std::isnan(Q(1, {1, kInf})));
  EXPECT_TRUE(Near(Q(0.5, {-kInf, 1, 2}), 1));
}

TEST(QuantileTest, ValidateQuantileWarns) {
  Annotations annos;
  ValidateQuantile(0.5, &annos);
  ValidateQuantile(0, &annos);
  ValidateQuantile(1, &annos);
  EXPECT_TRUE(annos.empty());
  ValidateQuantile(kNaN, &annos);
  ValidateQuantile(1.01, &annos);
  ValidateQuantile(-0.1, &annos);
  ValidateQuantile(1.01, &annos);  // deduplicated
  ASSERT_EQ(annos.warnings.size(), 3u);
  EXPECT_EQ(annos.warnings[0], "quantile value should be between 0 and 1, got NaN");
  EXPECT_EQ(annos.warnings[1], "quantile value should be between 0 and 1, got 1.01");
  EXPECT_EQ(annos.warnings[2], "quantile value should be between 0 and 1, got -0.1");
  ValidateQuantile(2, nullptr);
}

BucketQuantileResult BQ(double q, std::vector<Bucket> buckets) {
  return BucketQuantile(q, &buckets);
}

// histograms.test "testhistogram" at 50m (10 times the per-step counts).
std::vector<Bucket> Positive() { return {{0.1, 50}, {0.2, 70}, {1, 110}, {kInf, 120}}; }
std::vector<Bucket> Negative() { return {{-0.2, 10}, {-0.1, 20}, {0.3, 20}, {kInf, 30}}; }

TEST(HistogramQuantileTest, ClassicBuckets) {
  EXPECT_TRUE(Near(BQ(0, Positive()).value, 0));
  EXPECT_TRUE(Near(BQ(0, Negative()).value, -0.2));
  EXPECT_TRUE(Near(BQ(1, Positive()).value, 1));
  EXPECT_TRUE(Near(BQ(1, Negative()).value, 0.3));
  EXPECT_TRUE(Near(BQ(0.2, Positive()).value, 0.048));
  EXPECT_TRUE(Near(BQ(0.2, Negative()).value, -0.2));
  EXPECT_TRUE(Near(BQ(0.5, Positive()).value, 0.15));
  EXPECT_TRUE(Near(BQ(0.5, Negative()).value, -0.15));
  EXPECT_TRUE(Near(BQ(0.8, Positive()).value, 0.72));
  EXPECT_TRUE(Near(BQ(0.8, Negative()).value, 0.3));
}

TEST(HistogramQuantileTest, ClassicBucketsWithEmptyTop) {
  // testhistogram3 at 50m.
  const std::vector<Bucket> pos = {{0, 0}, {0.1, 50}, {0.2, 70}, {1, 110}, {kInf, 110}};
  const std::vector<Bucket> neg = {{-0.25, 0}, {-0.2, 10}, {-0.1, 20}, {0.3, 20}, {kInf, 20}};
  const double qs[] = {0, 0.25, 0.5, 0.75, 1};
  const double want_pos[] = {0, 0.055, 0.125, 0.45, 1};
  const double want_neg[] = {-0.25, -0.225, -0.2, -0.15, -0.1};
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(Near(BQ(qs[i], pos).value, want_pos[i])) << qs[i];
    EXPECT_TRUE(Near(BQ(qs[i], neg).value, want_neg[i])) << qs[i];
  }
}

TEST(HistogramQuantileTest, MiddleOfBuckets) {
  // testhistogram2 at 7m: counts 0, 1, 2, 3, 3.
  const std::vector<Bucket> b = {{0, 0}, {2, 1}, {4, 2}, {6, 3}, {kInf, 3}};
  EXPECT_TRUE(Near(BQ(1. / 6., b).value, 1));
  EXPECT_TRUE(Near(BQ(0.5, b).value, 3));
  EXPECT_TRUE(Near(BQ(5. / 6., b).value, 5));
}

TEST(HistogramQuantileTest, OutOfRangeQuantiles) {
  EXPECT_EQ(BQ(-0.1, Positive()).value, -kInf);
  EXPECT_EQ(BQ(1.01, Positive()).value, kInf);
  EXPECT_TRUE(std::isnan(BQ(kNaN, Positive()).value));
}

TEST(HistogramQuantileTest, DegenerateInputsAreNaN) {
  EXPECT_TRUE(std::isnan(BQ(0.5, {}).value));
  EXPECT_TRUE(std::isnan(BQ(0.5, {{1, 1}, {2, 2}}).value));  // no +Inf bucket
  EXPECT_TRUE(std::isnan(BQ(0.5, {{kInf, 5}}).value));       // one bucket
  EXPECT_TRUE(std::isnan(BQ(0.5, {{0.1, 0}, {0.2, 0}, {kInf, 0}}).value));  // empty_bucket
  // mixed_bucket ins2: le="+inf" and "+Inf" merge into one bucket: NaN.
  EXPECT_TRUE(std::isnan(BQ(0.5, {{kInf, 0}, {kInf, 0}}).value));
}

TEST(HistogramQuantileTest, EqualBoundsAreMerged) {
  // mixed_bucket ins1 rates: 0.1, then 0.2 written three ways, +Inf.
  const double r = 1.0 / 300;
  std::vector<Bucket> b = {{0.1, r}, {0.2, r}, {0.2, r}, {0.2, r}, {kInf, 4 * r}};
  EXPECT_TRUE(Near(BQ(0.5, b).value, 0.15));
  EXPECT_TRUE(Near(BQ(0.75, b).value, 0.2));
  EXPECT_TRUE(Near(BQ(1, b).value, 0.2));
  std::vector<Bucket> sorted = b;
  BucketQuantile(0.5, &sorted);
  ASSERT_EQ(sorted.size(), 3u);  // merged in place
  EXPECT_EQ(sorted[1].count, 3 * r);
}

TEST(HistogramQuantileTest, ForcedMonotonicity) {
  // histograms.test nonmonotonic_bucket at 50m: 20, 10, 50, 40, 90, 80.
  const std::vector<Bucket> b = {{0.1, 20}, {1, 10},    {10, 50},
                                 {100, 40}, {1000, 90}, {kInf, 80}};
  const BucketQuantileResult low = BQ(0.01, b);
  EXPECT_TRUE(Near(low.value, 0.0045));
  EXPECT_TRUE(low.forced_monotonic);
  EXPECT_FALSE(low.fixed_precision);
  EXPECT_EQ(low.min_bucket, 1);
  EXPECT_EQ(low.max_bucket, kInf);
  EXPECT_EQ(low.max_diff, 10);
  EXPECT_TRUE(Near(BQ(0.5, b).value, 8.5));
  EXPECT_TRUE(Near(BQ(0.99, b).value, 979.75));
}

TEST(HistogramQuantileTest, SmallDeltasAreIgnoredSilently) {
  // Counts off by a relative 1e-15 in either direction: fixed, not forced.
  const std::vector<Bucket> b = {{1, 100}, {2, 100 * (1 - 1e-15)}, {kInf, 200}};
  const BucketQuantileResult r = BQ(0.25, b);
  EXPECT_FALSE(r.forced_monotonic);
  EXPECT_TRUE(r.fixed_precision);
  EXPECT_TRUE(Near(r.value, 0.5));
  // A dip is measured against the last accepted count, not the dip.
  const std::vector<Bucket> dip = {{1, 10}, {2, 5}, {3, 8}, {kInf, 10}};
  const BucketQuantileResult d = BQ(0.5, dip);
  EXPECT_TRUE(d.forced_monotonic);
  EXPECT_EQ(d.min_bucket, 2);
  EXPECT_EQ(d.max_bucket, 3);
  EXPECT_EQ(d.max_diff, 5);
  EXPECT_TRUE(Near(d.value, 0.5));
  // Nothing forced: the inverted range.
  const BucketQuantileResult clean = BQ(0.5, Positive());
  EXPECT_FALSE(clean.forced_monotonic);
  EXPECT_EQ(clean.min_bucket, kInf);
  EXPECT_EQ(clean.max_bucket, -kInf);
}

TEST(HistogramQuantileTest, QuantileInTheInfBucketIsTheSecondHighestBound) {
  EXPECT_EQ(BQ(0.99, {{1, 1}, {2, 2}, {kInf, 100}}).value, 2);
}

TEST(HistogramQuantileTest, NonPositiveLowestBound) {
  EXPECT_EQ(BQ(0.1, {{-1, 5}, {0, 8}, {kInf, 10}}).value, -1);
  EXPECT_EQ(BQ(0.1, {{0, 5}, {1, 8}, {kInf, 10}}).value, 0);
}

double BF(double lower, double upper, std::vector<Bucket> b) {
  return BucketFraction(lower, upper, &b);
}

TEST(HistogramFractionTest, ClassicBuckets) {
  // histograms.test "Test histogram_fraction" (classic cases).
  const std::vector<Bucket> two = {{0, 0}, {2, 10}, {4, 20}, {6, 30}, {kInf, 30}};
  EXPECT_TRUE(Near(BF(0, 4, two), 0.6666666666666666));
  EXPECT_TRUE(Near(BF(0, 6, two), 1));
  EXPECT_TRUE(Near(BF(0, 3.5, two), 0.5833333333333334));
  const std::vector<Bucket> pos = {{1, 1}, {2, 3}, {3, 6}, {kInf, 100}};
  const std::vector<Bucket> neg = {{-3, 10}, {-2, 12}, {-1, 15}, {kInf, 100}};
  EXPECT_TRUE(Near(BF(0, 1.5, pos), 0.02));
  EXPECT_TRUE(Near(BF(-4, -2, neg), 0.02));
  EXPECT_TRUE(Near(BF(-kInf, -1.5, neg), 0.135));
  EXPECT_TRUE(Near(BF(-kInf, kInf, pos), 1));
  EXPECT_TRUE(Near(BF(-kInf, kInf, neg), 1));
  EXPECT_EQ(BF(4, 5, pos), 0);
  EXPECT_EQ(BF(0, 1, neg), 0);
  EXPECT_TRUE(Near(BF(2, 5, pos), 0.03));
  EXPECT_TRUE(Near(BF(400, kInf, pos), 0.94));
  EXPECT_EQ(BF(2, 2, pos), 0);
  EXPECT_EQ(BF(3, 2, pos), 0);
  EXPECT_EQ(BF(0, 1, {{kInf, 100}}), 0);
  EXPECT_TRUE(std::isnan(BF(0, 5, {{1, 0}, {2, 0}, {3, 0}, {kInf, 0}})));
  EXPECT_TRUE(Near(BF(2, 3.5, pos), 0.03));
  EXPECT_TRUE(Near(BF(0.5, 2, pos), 0.025));
  EXPECT_TRUE(Near(BF(1, 3, pos), 0.05));
  EXPECT_TRUE(Near(BF(0.1, 0.75, {{0.5, 2.5}, {1, 7.5}, {kInf, 100}}), 0.045));
}

TEST(HistogramFractionTest, DegenerateInputs) {
  EXPECT_TRUE(std::isnan(BF(0, 1, {})));
  EXPECT_TRUE(std::isnan(BF(0, 1, {{1, 1}, {2, 2}})));
  EXPECT_TRUE(std::isnan(BF(kNaN, 1, {{1, 1}, {kInf, 2}})));
  EXPECT_TRUE(std::isnan(BF(0, kNaN, {{1, 1}, {kInf, 2}})));
}

TEST(HistogramQuantileTest, ParseBucketBound) {
  struct Case {
    const char* le;
    double want;
  } ok[] = {{"0.1", 0.1},       {".2", 0.2},        {"1e0", 1},        {"2e-1", 0.2},
            {"2.0e-1", 0.2},    {"+Inf", kInf},     {"+inf", kInf},    {"-Inf", -kInf},
            {"Infinity", kInf}, {"-infinity", -kInf}, {"1e3", 1000},   {"5.", 5},
            {"-0.3", -0.3},     {"0x1p-2", 0.25},   {"0X1.8P1", 3},    {"1_000", 1000},
            {"0x_1p0", 1},      {"1e-400", 0},      {"007", 7},        {"+1", 1}};
  for (const Case& c : ok) {
    std::optional<double> v = ParseBucketBound(c.le);
    ASSERT_TRUE(v.has_value()) << c.le;
    EXPECT_EQ(*v, c.want) << c.le;
  }
  EXPECT_TRUE(std::isnan(*ParseBucketBound("NaN")));
  EXPECT_TRUE(std::isnan(*ParseBucketBound("nan")));
  const char* bad[] = {"",     "Hello World", "+NaN", "-nan", "inf ",   " 1",  "1e",
                       "1e+",  "0x1",         "0x",   ".",    "1.2.3",  "Infin", "1__0",
                       "_1",   "1_",          "1e400", "-1e400", "0b101", "1,5", "e5"};
  for (const char* le : bad) EXPECT_FALSE(ParseBucketBound(le).has_value()) << le;
  EXPECT_TRUE(std::signbit(*ParseBucketBound("-1e-400")));
}

TEST(HistogramQuantileTest, AlmostEqual) {
  EXPECT_TRUE(AlmostEqual(kNaN, kNaN, 1e-12));
  EXPECT_TRUE(AlmostEqual(kInf, kInf, 1e-12));
  EXPECT_TRUE(AlmostEqual(1, 1 + 1e-15, 1e-12));
  EXPECT_FALSE(AlmostEqual(1, 1 + 1e-11, 1e-12));
  EXPECT_FALSE(AlmostEqual(0, 1e-300, 1e-12));
  EXPECT_TRUE(AlmostEqual(0, 1e-320, 1e-12) == (1e-320 < 1e-12 * 2.2250738585072014e-308));
  EXPECT_FALSE(AlmostEqual(kNaN, 1, 1e-12));
}

}  // namespace
}  // namespace tsdb::promql
