#include "tsdb/promql/over_time.h"

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "kernel_test_util.h"

namespace tsdb::promql {
namespace {

using testing::kMinute;
using testing::kSecond;
using testing::kSkip;
using testing::Load;
using testing::Near;
using testing::Select;
using testing::WindowAt;

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::nan("");

// functions.test "Tests for avg_over_time": load 10s, at 55s over [1m].
std::vector<Sample> All10s(std::initializer_list<double> values) {
  return Select(Load(10 * kSecond, values), WindowAt(55 * kSecond, kMinute));
}

TEST(KernelOverTimeTest, EmptyWindowGivesNothing) {
  const std::vector<Sample> none;
  EXPECT_FALSE(SumOverTime(none).has_value());
  EXPECT_FALSE(AvgOverTime(none).has_value());
  EXPECT_FALSE(CountOverTime(none).has_value());
  EXPECT_FALSE(MinOverTime(none).has_value());
  EXPECT_FALSE(MaxOverTime(none).has_value());
  EXPECT_FALSE(FirstOverTime(none).has_value());
  EXPECT_FALSE(LastOverTime(none).has_value());
  EXPECT_FALSE(PresentOverTime(none).has_value());
  EXPECT_FALSE(QuantileOverTime(0.5, none, nullptr).has_value());
  EXPECT_FALSE(StddevOverTime(none).has_value());
  EXPECT_FALSE(StdvarOverTime(none).has_value());
  EXPECT_FALSE(MadOverTime(none).has_value());
  EXPECT_FALSE(TsOfMinOverTime(none).has_value());
  EXPECT_FALSE(TsOfMaxOverTime(none).has_value());
  EXPECT_FALSE(TsOfFirstOverTime(none).has_value());
  EXPECT_FALSE(TsOfLastOverTime(none).has_value());
  EXPECT_FALSE(Resets(none).has_value());
  EXPECT_FALSE(Changes(none).has_value());
  // avg_over_time(metric[10s]) at 55s: no sample in (45s, 55s].
  EXPECT_TRUE(Select(Load(10 * kSecond, {1, 2, 3, 4, 5}), WindowAt(55 * kSecond, 10 * kSecond))
                  .empty());
}

TEST(KernelOverTimeTest, AvgAndSumWithInfinities) {
  struct Case {
    std::initializer_list<double> values;
    double avg;
  } cases[] = {
      {{1, 2, 3, 4, 5}, 3},           {{1, 2, 3, 4, kInf}, kInf},
      {{1, 2, 3, 4, -kInf}, -kInf},   {{1, 2, 3, kInf, -kInf}, kNaN},
      {{kInf, 0, kInf}, kInf},        {{kInf, kInf, kInf, -kInf}, kNaN},
      {{1, 2, 3, -kInf, -kInf}, -kInf}, {{-kInf, 0, -kInf}, -kInf},
      {{-kInf, -kInf, -kInf, kInf}, kNaN}, {{1, 2, -kInf, -kInf, kInf}, kNaN},
      {{9.988465674311579e+307, 9.988465674311579e+307}, 9.988465674311579e+307},
      {{-9.988465674311579e+307, -9.988465674311579e+307, -9.988465674311579e+307},
       -9.988465674311579e+307},
      {{-9.988465674311579e+307, 9.988465674311579e+307}, 0},
      {{1, 2, 3, kNaN, kNaN}, kNaN},
  };
  for (const Case& c : cases) {
    const auto s = All10s(c.values);
    EXPECT_TRUE(Near(AvgOverTime(s), c.avg)) << s.size() << " " << *AvgOverTime(s);
  }
  // The overflowing direct sum (functions.test: sum/count is +Inf, -Inf).
  EXPECT_EQ(*SumOverTime(All10s({9.988465674311579e+307, 9.988465674311579e+307})), kInf);
  EXPECT_EQ(*SumOverTime(All10s({-9.988465674311579e+307, -9.988465674311579e+307,
                                 -9.988465674311579e+307})),
            -kInf);
  // metric11 1 2 3 NaN NaN at 20s: avg 2.
  EXPECT_EQ(*AvgOverTime(Select(Load(10 * kSecond, {1, 2, 3, kNaN, kNaN}),
                                WindowAt(20 * kSecond, kMinute))),
            2);
}

TEST(KernelOverTimeTest, KahanKeepsSmallTerms) {
  // "Test if very big intermediate values cause loss of detail" at 1m [2m].
  const auto s = Select(Load(10 * kSecond, {1, 1e100, 1, -1e100}), WindowAt(kMinute, 2 * kMinute));
  EXPECT_EQ(*SumOverTime(s), 2);
  EXPECT_EQ(*AvgOverTime(s), 0.5);
}

TEST(KernelOverTimeTest, AvgOfExtremeValues) {
  // functions.test "More tests for extreme values", load 5s, at 55s [1m].
  auto avg = [](std::initializer_list<double> v) {
    return AvgOverTime(Select(Load(5 * kSecond, v), WindowAt(55 * kSecond, kMinute)));
  };
  EXPECT_TRUE(Near(avg({1e10, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6}), 1.6666666666666675e+09));
  EXPECT_TRUE(Near(avg({5.30921651659898, 0.961118537914768, 1.62091361305318, 0.865089463758091,
                        0.323055185914577, 0.951811357687154}),
                   1.67186744582113, 1e-14));
  EXPECT_TRUE(Near(avg({1.78264e50, 0.76342771, 1.9592258, 7.69805412, 458.90154}), 3.56528E+49,
                   1e-14));
  EXPECT_TRUE(Near(avg({1.78264E+50, 0.76342771, 1.9592258, 2.258E+220, 7.69805412, 458.90154}),
                   3.76333333333333E+219, 1e-14));
  EXPECT_TRUE(Near(avg({-1.78264E+215, 0.76342771, 1.9592258, 2.258E+220, 7.69805412,
                        1.78264E+215, -458.90154}),
                   3.225714285714286e+219));
  EXPECT_TRUE(Near(avg({-1.78264E+219, 0.76342771, 1.9592258, 2.3757689E+217, -2.3757689E+217,
                        2.258E+220, 7.69805412, 1.78264E+219, -458.90154}),
                   2.5088888888888888e+219));
  // Kahan cannot cope with these magnitudes either: 0, not -44.848...
  EXPECT_EQ(*avg({-2.258E+220, -1.78264E+219, 0.76342771, 1.9592258, 2.3757689E+217,
                  -2.3757689E+217, 2.258E+220, 7.69805412, 1.78264E+219, -458.90154}),
            0);
}

TEST(KernelOverTimeTest, AvgOfAConstantIsExact) {
  // foo 52+0x100, load 10s, at 10m over [100s]..[130s]: exactly 52.
  std::vector<Sample> foo;
  for (int i = 0; i <= 100; ++i) foo.push_back(Sample{i * 10 * kSecond, 52});
  for (int r : {100, 110, 120, 130}) {
    EXPECT_EQ(*AvgOverTime(Select(foo, WindowAt(10 * kMinute, r * kSecond))), 52) << r;
  }
}

TEST(KernelOverTimeTest, SumOfDenseSamples) {
  // load 1ms, metric 1+0x4000, at 4s: sum_over_time over [1000ms]..[1003ms].
  std::vector<Sample> s;
  for (int i = 0; i <= 4000; ++i) s.push_back(Sample{i, 1});
  for (int r : {1000, 1001, 1002, 1003, 2000, 2001}) {
    EXPECT_EQ(*SumOverTime(Select(s, WindowAt(4000, r))), r);
  }
}

TEST(KernelOverTimeTest, CountFirstLastPresent) {
  const auto s = Load(10 * kSecond, {3, 1, 4, 1, 5});
  EXPECT_EQ(*CountOverTime(s), 5);
  EXPECT_EQ(*FirstOverTime(s), 3);
  EXPECT_EQ(*LastOverTime(s), 5);
  EXPECT_EQ(*PresentOverTime(s), 1);
}

TEST(KernelOverTimeTest, MinMaxSkipNaN) {
  const auto s = Load(10 * kSecond, {kNaN, 3, kNaN, -1, 7, kNaN});
  EXPECT_EQ(*MinOverTime(s), -1);
  EXPECT_EQ(*MaxOverTime(s), 7);
  const auto all_nan = Load(10 * kSecond, {kNaN, kNaN});
  EXPECT_TRUE(std::isnan(*MinOverTime(all_nan)));
  EXPECT_TRUE(std::isnan(*MaxOverTime(all_nan)));
  const auto inf = Load(10 * kSecond, {-kInf, kInf});
  EXPECT_EQ(*MinOverTime(inf), -kInf);
  EXPECT_EQ(*MaxOverTime(inf), kInf);
}

// Against Prometheus's compareOverTime written out (an index, compared with
// the sample at it): the same value, bits included (+0 / -0 ties keep the
// first), on random windows with NaNs, zeros of both signs and repeats.
TEST(KernelOverTimeTest, MinMaxMatchCompareOverTime) {
  const auto reference = [](const std::vector<Sample>& s, bool max) {
    size_t best = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      const bool better = max ? s[i].v > s[best].v : s[i].v < s[best].v;
      if (better || std::isnan(s[best].v)) best = i;
    }
    return s[best].v;
  };
  std::mt19937_64 rng(17);
  const double pool[] = {kNaN, 0.0, -0.0, 1, -1, 2.5, kInf, -kInf, 1e-300};
  for (int round = 0; round < 5000; ++round) {
    std::vector<double> values(1 + rng() % 12);
    for (double& v : values) v = pool[rng() % (sizeof pool / sizeof pool[0])];
    std::vector<Sample> s;
    for (size_t i = 0; i < values.size(); ++i) {
      s.push_back(Sample{static_cast<int64_t>(i) * 10 * kSecond, values[i]});
    }
    for (bool max : {false, true}) {
      const double want = reference(s, max);
      const double got = max ? *MaxOverTime(s) : *MinOverTime(s);
      ASSERT_EQ(std::isnan(want), std::isnan(got)) << "round " << round;
      if (!std::isnan(want)) {
        ASSERT_EQ(want, got) << "round " << round;
        ASSERT_EQ(std::signbit(want), std::signbit(got)) << "round " << round;
      }
    }
  }
}

TEST(KernelOverTimeTest, StddevAndStdvar) {
  // functions.test: metric 0 8 8 2 3 at 1m [2m]: 10.56 and 3.249615.
  const auto s = Select(Load(10 * kSecond, {0, 8, 8, 2, 3}), WindowAt(kMinute, 2 * kMinute));
  EXPECT_TRUE(Near(StdvarOverTime(s), 10.56));
  EXPECT_TRUE(Near(StddevOverTime(s), 3.249615, 1e-6));
  // #4927: three equal values give exactly 0.
  const auto eq = All10s({1.5990505637277868, 1.5990505637277868, 1.5990505637277868});
  EXPECT_EQ(*StdvarOverTime(eq), 0);
  EXPECT_EQ(*StddevOverTime(eq), 0);
  EXPECT_EQ(*StdvarOverTime(All10s({42})), 0);
  EXPECT_TRUE(std::isnan(*StdvarOverTime(All10s({1, kInf}))));
  EXPECT_TRUE(std::isnan(*StddevOverTime(All10s({1, kNaN, 2}))));
}

TEST(KernelOverTimeTest, QuantileOverTime) {
  // functions.test "Tests for quantile_over_time", at 1m over [2m].
  const auto two = All10s({0, 1});
  const auto three = All10s({0, 1, 2});
  const auto uneven = All10s({0, 1, 4});
  struct Case {
    double q, two, three, uneven;
  } cases[] = {{0, 0, 0, 0},           {0.5, 0.5, 1, 1},       {0.75, 0.75, 1.5, 2.5},
               {0.8, 0.8, 1.6, 2.8},   {1, 1, 2, 4},           {-1, -kInf, -kInf, -kInf},
               {2, kInf, kInf, kInf}};
  for (const Case& c : cases) {
    Annotations annos;
    EXPECT_TRUE(Near(QuantileOverTime(c.q, two, &annos), c.two)) << c.q;
    EXPECT_TRUE(Near(QuantileOverTime(c.q, three, &annos), c.three)) << c.q;
    EXPECT_TRUE(Near(QuantileOverTime(c.q, uneven, &annos), c.uneven)) << c.q;
    EXPECT_EQ(annos.warnings.size(), (c.q < 0 || c.q > 1) ? 1u : 0u) << c.q;
    EXPECT_TRUE(annos.infos.empty());
  }
  Annotations annos;
  EXPECT_TRUE(std::isnan(*QuantileOverTime(kNaN, two, &annos)));
  ASSERT_EQ(annos.warnings.size(), 1u);
  EXPECT_EQ(annos.warnings[0], "quantile value should be between 0 and 1, got NaN");
  // No warning without samples: the function is not evaluated.
  Annotations none;
  EXPECT_FALSE(QuantileOverTime(2, {}, &none).has_value());
  EXPECT_TRUE(none.empty());
  QuantileOverTime(-1, two, &none);
  EXPECT_EQ(none.warnings[0], "quantile value should be between 0 and 1, got -1");
}

TEST(KernelOverTimeTest, MadOverTime) {
  // functions.test "Tests for mad_over_time".
  const auto metric = Load(10 * kSecond, {4, 6, 2, 1, 999, 1, 2});
  EXPECT_EQ(*MadOverTime(Select(metric, WindowAt(70 * kSecond, 70 * kSecond))), 1);
  const auto odd = Load(10 * kSecond, {1, 2, 3, 4, 5});
  EXPECT_EQ(*MadOverTime(Select(odd, WindowAt(40 * kSecond, 50 * kSecond))), 1);
  EXPECT_EQ(*MadOverTime(Load(10 * kSecond, {7, 7, 7, 7, 7})), 0);
  EXPECT_EQ(*MadOverTime(Load(10 * kSecond, {5})), 0);
  const auto nan = Load(10 * kSecond, {1, 2, kNaN, 4});
  EXPECT_TRUE(std::isnan(*MadOverTime(Select(nan, WindowAt(30 * kSecond, 40 * kSecond)))));
}

TEST(KernelOverTimeTest, TimestampsOfExtremes) {
  // functions.test: load 10s53ms, metric 1 2 3 0 5 6 2 1 4, at 90s [90s].
  const int64_t step = 10 * kSecond + 53;
  const auto s = Select(Load(step, {1, 2, 3, 0, 5, 6, 2, 1, 4}), WindowAt(90 * kSecond, 90 * kSecond));
  EXPECT_EQ(*TsOfMinOverTime(s), 30.159);
  EXPECT_EQ(*TsOfMaxOverTime(s), 50.265);
  const auto last = Select(Load(step, {1, 2, 3, kSkip, kSkip}), WindowAt(90 * kSecond, 90 * kSecond));
  EXPECT_EQ(*TsOfLastOverTime(last), 20.106);
  const auto first =
      Select(Load(step, {kSkip, kSkip, 1, 2, 3, kSkip, kSkip}), WindowAt(90 * kSecond, 90 * kSecond));
  EXPECT_EQ(*TsOfFirstOverTime(first), 20.106);
}

TEST(KernelOverTimeTest, TimestampsOfTiesAndNaN) {
  // Ties: the last sample holding the extreme (<= and >=).
  const std::vector<Sample> s = {{1000, 5}, {2000, 1}, {3000, 5}, {4000, 1}};
  EXPECT_EQ(*TsOfMinOverTime(s), 4);
  EXPECT_EQ(*TsOfMaxOverTime(s), 3);
  // Leading NaN is replaced by the first number; NaN never wins later.
  const std::vector<Sample> n = {{1000, kNaN}, {2000, 2}, {3000, kNaN}};
  EXPECT_EQ(*TsOfMinOverTime(n), 2);
  EXPECT_EQ(*TsOfMaxOverTime(n), 2);
  const std::vector<Sample> all_nan = {{1000, kNaN}, {2000, kNaN}};
  EXPECT_EQ(*TsOfMaxOverTime(all_nan), 2);  // each NaN replaces the NaN before
  // Negative times print as negative seconds.
  const std::vector<Sample> neg = {{-1500, 1}};
  EXPECT_EQ(*TsOfFirstOverTime(neg), -1.5);
}

TEST(KernelOverTimeTest, ResetsAndChanges) {
  // functions.test "Tests for resets()" / "Tests for changes()", at 50m.
  const auto foo = Load(5 * kMinute, {1, 2, 3, 0, 1, 0, 0, 1, 2, 0});
  const auto bar = Load(5 * kMinute, {1, 2, 3, 4, 5, 1, 2, 3, 4, 5});
  const auto biz = Load(5 * kMinute, {0, 0, 0, 0, 0, 1, 1, 1, 1, 1});
  auto at = [](const std::vector<Sample>& s, int64_t range) {
    return Select(s, WindowAt(50 * kMinute, range));
  };
  // [5m]: no sample in (45m, 50m] (the series end at 45m).
  EXPECT_FALSE(Resets(at(foo, 5 * kMinute)).has_value());
  EXPECT_EQ(*Resets(at(foo, 10 * kMinute)), 0);
  EXPECT_EQ(*Resets(at(foo, 20 * kMinute)), 1);
  EXPECT_EQ(*Resets(at(foo, 32 * kMinute)), 2);
  EXPECT_EQ(*Resets(at(bar, 32 * kMinute)), 1);
  EXPECT_EQ(*Resets(at(foo, 50 * kMinute)), 3);
  EXPECT_EQ(*Resets(at(biz, 50 * kMinute)), 0);
  EXPECT_EQ(*Changes(at(foo, 6 * kMinute)), 0);
  EXPECT_EQ(*Changes(at(foo, 20 * kMinute)), 2);
  EXPECT_EQ(*Changes(at(bar, 20 * kMinute)), 2);
  EXPECT_EQ(*Changes(at(foo, 30 * kMinute)), 3);
  EXPECT_EQ(*Changes(at(bar, 30 * kMinute)), 4);
  EXPECT_EQ(*Changes(at(foo, 50 * kMinute)), 7);
  EXPECT_EQ(*Changes(at(bar, 50 * kMinute)), 8);
  EXPECT_EQ(*Changes(at(biz, 50 * kMinute)), 1);
  // x{a="b"} NaN NaN NaN: 0; x{a="c"} 0 NaN 0: 2 (at 15m over [20m]).
  EXPECT_EQ(*Changes(Load(5 * kMinute, {kNaN, kNaN, kNaN})), 0);
  EXPECT_EQ(*Changes(Load(5 * kMinute, {0, kNaN, 0})), 2);
  EXPECT_EQ(*Resets(Load(5 * kMinute, {0, kNaN, 0})), 0);
}

}  // namespace
}  // namespace tsdb::promql
