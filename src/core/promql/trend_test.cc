#include "tsdb/promql/trend.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "kernel_test_util.h"

namespace tsdb::promql {
namespace {

using testing::Expand;
using testing::kMinute;
using testing::kSecond;
using testing::LoadValues;
using testing::Near;
using testing::Select;
using testing::WindowAt;

constexpr double kInf = std::numeric_limits<double>::infinity();

// functions.test "Tests for deriv() and predict_linear()":
// testcounter_reset_middle_total 0+10x4 0+10x5, load 5m.
std::vector<Sample> ResetMiddle() {
  std::vector<double> v;
  Expand(&v, 0, 10, 4);
  Expand(&v, 0, 10, 5);
  return LoadValues(5 * kMinute, v);
}

TEST(KernelTrendTest, DerivMatchesRateOnALine) {
  std::vector<double> v;
  Expand(&v, 0, 80, 10);
  const auto s = Select(LoadValues(5 * kMinute, v), WindowAt(50 * kMinute, 50 * kMinute));
  EXPECT_TRUE(Near(Deriv(s), 0.26666666666666666));
}

TEST(KernelTrendTest, DerivThroughAReset) {
  const auto s = Select(ResetMiddle(), WindowAt(50 * kMinute, 100 * kMinute));
  ASSERT_EQ(s.size(), 11u);
  EXPECT_TRUE(Near(Deriv(s), 0.010606060606060607));
}

TEST(KernelTrendTest, DerivWithInfinitiesIsNaN) {
  // http_requests_inf: -Inf 0+80x10 Inf; at 100m over [100m] the -Inf at 0
  // is outside the window, the +Inf inside.
  std::vector<double> v = {-kInf};
  Expand(&v, 0, 80, 10);
  v.push_back(kInf);
  const auto s = Select(LoadValues(5 * kMinute, v), WindowAt(100 * kMinute, 100 * kMinute));
  EXPECT_TRUE(std::isnan(*Deriv(s)));
  EXPECT_TRUE(std::isnan(*PredictLinear(s, 100 * kMinute, 6000)));
}

TEST(KernelTrendTest, ConstantSeries) {
  const std::vector<Sample> flat = {{0, 3}, {1000, 3}, {2000, 3}};
  EXPECT_EQ(*Deriv(flat), 0);
  EXPECT_EQ(*PredictLinear(flat, 5000, 100), 3);
  const std::vector<Sample> inf = {{0, kInf}, {1000, kInf}};
  EXPECT_TRUE(std::isnan(*Deriv(inf)));
  // NaN != NaN: not constant, and the sums are NaN.
  const std::vector<Sample> nan = {{0, std::nan("")}, {1000, std::nan("")}};
  EXPECT_TRUE(std::isnan(*Deriv(nan)));
}

TEST(KernelTrendTest, FewerThanTwoSamples) {
  const std::vector<Sample> one = {{0, 1}};
  EXPECT_FALSE(Deriv(one).has_value());
  EXPECT_FALSE(PredictLinear(one, 0, 10).has_value());
  EXPECT_FALSE(Deriv({}).has_value());
}

TEST(KernelTrendTest, EqualTimestampsGiveNaN) {
  const std::vector<Sample> s = {{1000, 1}, {1000, 2}};
  EXPECT_TRUE(std::isnan(*Deriv(s)));  // var(x) = 0
}

TEST(KernelTrendTest, PredictLinearAnchorsAtTheEvaluationTime) {
  const auto series = ResetMiddle();
  // predict_linear(testcounter_reset_middle_total[50m], 3600) at 50m: 70.
  EXPECT_TRUE(Near(PredictLinear(Select(series, WindowAt(50 * kMinute, 50 * kMinute)),
                                 50 * kMinute, 3600),
                   70));
  // [55m] @ 3000: the window ends at 3000s whatever the step; the line is
  // anchored at the step time (50m, 10m, 70m).
  const auto at3000 = Select(series, RangeWindow{3000 * kSecond - 55 * kMinute, 3000 * kSecond});
  EXPECT_TRUE(Near(PredictLinear(at3000, 50 * kMinute, 3600), 76.81818181818181));
  EXPECT_TRUE(Near(PredictLinear(at3000, 10 * kMinute, 3600), 51.36363636363637));
  EXPECT_TRUE(Near(PredictLinear(at3000, 70 * kMinute, 3600), 89.54545454545455));
  const Line line = LinearRegression(at3000, 0);
  EXPECT_TRUE(Near(line.slope, 0.010606060606060607));
  EXPECT_TRUE(Near(line.intercept, 6.818181818181818));
}

TEST(KernelTrendTest, DoubleExponentialSmoothingFollowsATrend) {
  // functions.test "Tests for double_exponential_smoothing", load 10s,
  // at 8000s over [1m] with sf 0.01, tf 0.1.
  const int64_t step = 10 * kSecond;
  struct Case {
    double start, slope, expected;
  } cases[] = {{0, 10, 8000}, {0, 20, 16000}, {0, 30, 24000}, {0, 40, 32000},
               {8000, -10, 0}, {0, -20, -16000}};
  for (const Case& c : cases) {
    std::vector<double> v;
    Expand(&v, c.start, c.slope, 1000);
    const auto s = Select(LoadValues(step, v), WindowAt(8000 * kSecond, kMinute));
    auto r = DoubleExponentialSmoothing(s, 0.01, 0.1);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(Near(*r, c.expected, 1e-9)) << c.slope;
  }
}

TEST(KernelTrendTest, DoubleExponentialSmoothingValidatesFactors) {
  const std::vector<Sample> s = {{0, 1}, {1000, 2}};
  auto bad_sf = DoubleExponentialSmoothing(s, 1, 0.5);
  ASSERT_FALSE(bad_sf.ok());
  EXPECT_EQ(bad_sf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_sf.status().message(),
            "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000");
  auto bad_tf = DoubleExponentialSmoothing(s, 0.5, -0.25);
  ASSERT_FALSE(bad_tf.ok());
  EXPECT_EQ(bad_tf.status().message(),
            "invalid trend factor. Expected: 0 < tf < 1, got: -0.250000");
  auto inf_sf = DoubleExponentialSmoothing(s, kInf, 0.5);
  EXPECT_EQ(inf_sf.status().message(),
            "invalid smoothing factor. Expected: 0 < sf < 1, got: +Inf");
  // Checked before the sample count, as in Prometheus.
  EXPECT_FALSE(DoubleExponentialSmoothing({}, 0, 0.5).ok());
  // NaN passes the check and yields NaN.
  auto nan_sf = DoubleExponentialSmoothing(s, std::nan(""), 0.5);
  ASSERT_TRUE(nan_sf.ok());
  EXPECT_TRUE(std::isnan(**nan_sf));
  auto one = DoubleExponentialSmoothing(absl::MakeConstSpan(s).subspan(0, 1), 0.5, 0.5);
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE(one->has_value());
}

TEST(KernelTrendTest, DoubleExponentialSmoothingByHand) {
  // s1 = 1, b = 2; i=1: 0.5*3 + 0.5*(1+2) = 3; i=2: b = 0.5*(3-1) + 0.5*2 = 2,
  // 0.5*6 + 0.5*(3+2) = 5.5.
  const std::vector<Sample> s = {{0, 1}, {1000, 3}, {2000, 6}};
  auto r = DoubleExponentialSmoothing(s, 0.5, 0.5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, 5.5);
}

}  // namespace
}  // namespace tsdb::promql
