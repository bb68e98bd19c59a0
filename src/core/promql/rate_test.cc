#include "tsdb/promql/rate.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "kernel_test_util.h"

namespace tsdb::promql {
namespace {

using testing::Expand;
using testing::kMinute;
using testing::kSecond;
using testing::Load;
using testing::LoadValues;
using testing::Near;
using testing::Select;
using testing::WindowAt;

std::optional<double> RateAt(const std::vector<Sample>& series, int64_t eval, int64_t range,
                             bool counter, bool rate) {
  const RangeWindow w = WindowAt(eval, range);
  const std::vector<Sample> s = Select(series, w);
  return ExtrapolatedRate(s, w, counter, rate);
}

std::vector<Sample> Linear(int64_t interval, double start, double step, int times) {
  std::vector<double> v;
  Expand(&v, start, step, times);
  return LoadValues(interval, v);
}

TEST(KernelRateTest, IncreaseExtrapolatesToTheWindowEdges) {
  // functions.test "Tests for increase()", at 50m over [50m] and [100m].
  const auto foo = Linear(5 * kMinute, 0, 10, 10);
  std::vector<double> bar_values;
  Expand(&bar_values, 0, 18, 5);
  Expand(&bar_values, 0, 18, 5);
  const auto bar = LoadValues(5 * kMinute, bar_values);
  const auto dings = Linear(5 * kMinute, 10, 10, 10);
  const auto bumms = Linear(5 * kMinute, 1, 10, 10);
  EXPECT_TRUE(Near(RateAt(foo, 50 * kMinute, 50 * kMinute, true, false), 100));
  EXPECT_TRUE(Near(RateAt(bar, 50 * kMinute, 50 * kMinute, true, false), 160));
  EXPECT_TRUE(Near(RateAt(dings, 50 * kMinute, 50 * kMinute, true, false), 100));
  EXPECT_TRUE(Near(RateAt(bumms, 50 * kMinute, 50 * kMinute, true, false), 100));
  // Over [100m] the left edge is 50m before the first sample: "dings"
  // extrapolates by half an interval, "bumms" only to its zero point.
  EXPECT_TRUE(Near(RateAt(foo, 50 * kMinute, 100 * kMinute, true, false), 100));
  EXPECT_TRUE(Near(RateAt(bar, 50 * kMinute, 100 * kMinute, true, false), 162));
  EXPECT_TRUE(Near(RateAt(dings, 50 * kMinute, 100 * kMinute, true, false), 105));
  EXPECT_TRUE(Near(RateAt(bumms, 50 * kMinute, 100 * kMinute, true, false), 101));
}

TEST(KernelRateTest, CounterResetAddsThePreviousValue) {
  // functions.test "Test for increase() with counter reset": 0 1 2 3 2 3 4.
  const auto s = Load(5 * kMinute, {0, 1, 2, 3, 2, 3, 4});
  EXPECT_TRUE(Near(RateAt(s, 30 * kMinute, 30 * kMinute, true, false), 7));
  // delta ignores resets: 4 - 1, extrapolated by 30m/25m.
  EXPECT_TRUE(Near(RateAt(s, 30 * kMinute, 30 * kMinute, false, false), 3.0 * 30 / 25));
}

TEST(KernelRateTest, RatePerSecond) {
  // functions.test "Tests for rate()".
  std::vector<double> middle;
  Expand(&middle, 0, 27, 4);
  Expand(&middle, 0, 27, 5);
  EXPECT_TRUE(Near(RateAt(LoadValues(5 * kMinute, middle), 50 * kMinute, 50 * kMinute, true, true),
                   0.08));
  std::vector<double> end;
  Expand(&end, 0, 10, 9);
  end.push_back(0);
  end.push_back(10);
  const auto reset_end = LoadValues(5 * kMinute, end);
  EXPECT_FALSE(RateAt(reset_end, 50 * kMinute, 5 * kMinute, true, true).has_value());
  EXPECT_TRUE(Near(RateAt(reset_end, 50 * kMinute, 6 * kMinute, true, true), 0));
  EXPECT_TRUE(Near(RateAt(Linear(5 * kMinute, 0, 80, 10), 50 * kMinute, 50 * kMinute, true, true),
                   0.26666666666666666));
}

TEST(KernelRateTest, RateWithOffsetUsesTheShiftedWindow) {
  // rate(calculate_rate_offset_total[10m] offset 5m) at 50m: (35m, 45m].
  const RangeWindow w{35 * kMinute, 45 * kMinute};
  const auto a = Select(Linear(5 * kMinute, 0, 10, 10), w);
  const auto b = Select(Linear(5 * kMinute, 0, 20, 10), w);
  EXPECT_TRUE(Near(Rate(a, w), 0.03333333333333333));
  EXPECT_TRUE(Near(Rate(b, w), 0.06666666666666667));
}

TEST(KernelRateTest, ZeroCutoffLimitsLeftExtrapolation) {
  // functions.test testcounter_zero_cutoff_total, load 4m.
  const double expected_10m[] = {0.5, 0.55, 0.6, 0.6, 0.6, 0.6};
  for (int start = 0; start <= 5; ++start) {
    const auto s = Linear(4 * kMinute, 60.0 * start, 240, 10);
    EXPECT_TRUE(Near(RateAt(s, 10 * kMinute, 20 * kMinute, true, true), expected_10m[start]))
        << start;
    EXPECT_TRUE(Near(RateAt(s, 50 * kMinute, 20 * kMinute, true, true), 0.6)) << start;
  }
}

TEST(KernelRateTest, DeltaIsNotCappedAtZero) {
  // functions.test "Tests for delta()".
  const auto foo = Load(5 * kMinute, {0, 50, 100, 150, 200});
  const auto bar = Load(5 * kMinute, {200, 150, 100, 50, 0});
  EXPECT_TRUE(Near(RateAt(foo, 20 * kMinute, 20 * kMinute, false, false), 200));
  EXPECT_TRUE(Near(RateAt(bar, 20 * kMinute, 20 * kMinute, false, false), -200));
}

TEST(KernelRateTest, FewerThanTwoSamplesGiveNothing) {
  const RangeWindow w{0, 60 * kSecond};
  EXPECT_FALSE(Rate({}, w).has_value());
  const std::vector<Sample> one = {{30 * kSecond, 5}};
  EXPECT_FALSE(Rate(one, w).has_value());
  EXPECT_FALSE(Increase(one, w).has_value());
  EXPECT_FALSE(Delta(one, w).has_value());
}

TEST(KernelRateTest, TwoSamplesAtTheEdgesAreNotExtrapolated) {
  // Samples exactly at (start, end]: start gap 0... the first sample sits
  // 1ms after the (excluded) start.
  const RangeWindow w{0, 60 * kSecond};
  const std::vector<Sample> s = {{1, 0}, {60 * kSecond, 60}};
  // sampled 59.999s; gap to start 0.001s < 1.1 * avg: extrapolate in full,
  // but a counter stops at its zero point (first value 0).
  EXPECT_TRUE(Near(Increase(s, w), 60.0 * (59.999) / 59.999));
  EXPECT_TRUE(Near(Delta(s, w), 60.0 * 60 / 59.999));
}

TEST(KernelRateTest, NaNSamplesPoisonTheResult) {
  const RangeWindow w{0, 60 * kSecond};
  const std::vector<Sample> s = {{10 * kSecond, 1}, {20 * kSecond, std::nan("")},
                                 {30 * kSecond, 3}};
  // NaN < x and x < NaN are false: no reset is seen, and 3 - 1 extrapolated
  // (start gap 10s in full, end gap 30s by half the 10s spacing) remains.
  EXPECT_TRUE(Near(Rate(s, w), 2 * ((20.0 + 10 + 5) / 20 / 60)));
  const std::vector<Sample> last_nan = {{10 * kSecond, 1}, {30 * kSecond, std::nan("")}};
  EXPECT_TRUE(std::isnan(*Rate(last_nan, w)));
}

TEST(KernelRateTest, IRateAndIDeltaUseTheLastTwoSamples) {
  // functions.test "Tests for irate()" / "Tests for idelta()".
  const auto foo = Linear(5 * kMinute, 0, 10, 10);
  std::vector<double> bar_values;
  Expand(&bar_values, 0, 10, 5);
  Expand(&bar_values, 0, 10, 5);
  const auto bar = LoadValues(5 * kMinute, bar_values);
  const RangeWindow at50 = WindowAt(50 * kMinute, 50 * kMinute);
  const RangeWindow at30 = WindowAt(30 * kMinute, 50 * kMinute);
  EXPECT_TRUE(Near(IRate(Select(foo, at50)), .03333333333333333333));
  EXPECT_TRUE(Near(IRate(Select(bar, at50)), .03333333333333333333));
  EXPECT_TRUE(Near(IRate(Select(foo, at30)), .03333333333333333333));
  EXPECT_TRUE(Near(IRate(Select(bar, at30)), 0));  // reset: 0 / 300s

  const auto gauge_foo = Load(5 * kMinute, {0, 50, 100, 150});
  const auto gauge_bar = Load(5 * kMinute, {0, 50, 100, 50});
  const RangeWindow at20 = WindowAt(20 * kMinute, 20 * kMinute);
  EXPECT_TRUE(Near(IDelta(Select(gauge_foo, at20)), 50));
  EXPECT_TRUE(Near(IDelta(Select(gauge_bar, at20)), -50));
}

TEST(KernelRateTest, IRateWithNaN) {
  // functions.test: irate/idelta(http_requests_nan[15m1s]) over 0..20m,
  // series 1 NaN NaN 5 11: _ NaN NaN NaN 0.02 and _ NaN NaN NaN 6.
  const double nan = std::nan("");
  const auto s = Load(5 * kMinute, {1, nan, nan, 5, 11});
  const int64_t range = 15 * kMinute + kSecond;
  EXPECT_FALSE(IRate(Select(s, WindowAt(0, range))).has_value());
  for (int m : {5, 10, 15}) {
    EXPECT_TRUE(std::isnan(*IRate(Select(s, WindowAt(m * kMinute, range))))) << m;
    EXPECT_TRUE(std::isnan(*IDelta(Select(s, WindowAt(m * kMinute, range))))) << m;
  }
  EXPECT_TRUE(Near(IRate(Select(s, WindowAt(20 * kMinute, range))), 0.02));
  EXPECT_TRUE(Near(IDelta(Select(s, WindowAt(20 * kMinute, range))), 6));
}

TEST(KernelRateTest, IRateNeedsTwoDistinctTimes) {
  const std::vector<Sample> one = {{1000, 1}};
  EXPECT_FALSE(IRate(one).has_value());
  EXPECT_FALSE(IDelta(one).has_value());
  const std::vector<Sample> same_time = {{1000, 1}, {2000, 2}, {2000, 5}};
  EXPECT_FALSE(IRate(same_time).has_value());
  EXPECT_FALSE(IDelta(same_time).has_value());
  // A reset with a gap of 500ms: the last value per second.
  const std::vector<Sample> reset = {{1000, 10}, {1500, 4}};
  EXPECT_EQ(*IRate(reset), 8);
  EXPECT_EQ(*IDelta(reset), -6);
}

TEST(KernelRateTest, RangeSecondsAsGoDurationSeconds) {
  // A 1.1s range: Go divides by 1 + 100000000/1e9; the result must be the
  // same double as ours.
  const RangeWindow w{0, 1100};
  const std::vector<Sample> s = {{100, 0}, {1100, 1}};
  // Extrapolation: start gap 0.1s < 1.1s threshold, counter zero point at
  // 0s from the first sample: duration to start 0; end gap 0.
  EXPECT_EQ(*Rate(s, w), 1.0 / (1 + 100000000 / 1e9));
}

}  // namespace
}  // namespace tsdb::promql
