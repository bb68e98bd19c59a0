#include "tsdb/promql/kahan.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace tsdb::promql {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(KahanTest, RecoversSmallTermsAbsorbedByHugeOnes) {
  // aggregators.test "Test summing and averaging extreme values":
  // sum(2, 8, 1e100, -1e100) is 10 (a plain sum gives 0).
  KahanSum sum;
  for (double v : {2.0, 8.0, 1e100, -1e100}) sum.Add(v);
  EXPECT_EQ(sum.Value(), 10);
  EXPECT_EQ(sum.sum(), 0);
  EXPECT_EQ(sum.compensation(), 10);
}

TEST(KahanTest, NeumaierSwapsWhenTheTermIsLarger) {
  // functions.test "Test if very big intermediate values cause loss of
  // detail": sum_over_time(1, 1e100, 1, -1e100) = 2.
  KahanSum sum;
  for (double v : {1.0, 1e100, 1.0, -1e100}) sum.Add(v);
  EXPECT_EQ(sum.Value(), 2);
}

TEST(KahanTest, InfiniteSumResetsTheCompensation) {
  double sum = 1e308, c = 5;
  KahanSumInc(1e308, &sum, &c);
  EXPECT_EQ(sum, kInf);
  EXPECT_EQ(c, 0);
  KahanSum s;
  s.Add(kInf);
  s.Add(1);
  EXPECT_EQ(s.Value(), kInf);
  EXPECT_EQ(s.ValueOverTime(), kInf);
  s.Add(-kInf);
  EXPECT_TRUE(std::isnan(s.Value()));
}

TEST(KahanTest, NaNPropagates) {
  KahanSum s;
  s.Add(1);
  s.Add(std::nan(""));
  s.Add(2);
  EXPECT_TRUE(std::isnan(s.Value()));
}

TEST(KahanTest, MeanIsDirectWhileTheSumIsFinite) {
  KahanMean m;
  for (double v : {2.0, 8.0, 1e100, -1e100}) m.Add(v);
  EXPECT_EQ(m.Value(), 2.5);  // aggregators.test: avg(data{test="ten"})
  EXPECT_EQ(m.count(), 4);
}

TEST(KahanTest, MeanSwitchesToIncrementalOnOverflow) {
  // aggregators.test avg(data{test="big"}): four times 9.988465674311579e+307.
  KahanMean m;
  for (int i = 0; i < 4; ++i) m.Add(9.988465674311579e+307);
  EXPECT_EQ(m.Value(), 9.988465674311579e+307);
  KahanMean z;  // test="bigzero"
  for (double v : {-9.988465674311579e+307, -9.988465674311579e+307, 9.988465674311579e+307,
                   9.988465674311579e+307}) {
    z.Add(v);
  }
  EXPECT_EQ(z.Value(), 0);
}

TEST(KahanTest, MeanOfEqualValuesIsExact) {
  // aggregators.test / functions.test: 52 averaged 10..13 times is exactly 52.
  for (int n = 1; n <= 13; ++n) {
    KahanMean m;
    for (int i = 0; i < n; ++i) m.Add(52);
    EXPECT_EQ(m.Value(), 52) << n;
  }
}

TEST(KahanTest, MeanWithInfinities) {
  // aggregators.test "Tests for avg": inf, inf2, inf3, nan.
  auto mean = [](std::initializer_list<double> vs) {
    KahanMean m;
    for (double v : vs) m.Add(v);
    return m.Value();
  };
  EXPECT_EQ(mean({0, kInf, kInf, 0}), kInf);
  EXPECT_EQ(mean({kInf, 0, kInf}), kInf);
  EXPECT_TRUE(std::isnan(mean({kInf, kInf, -kInf})));
  EXPECT_EQ(mean({-kInf, -kInf, 0}), -kInf);
  EXPECT_TRUE(std::isnan(mean({-kInf, 0, kInf})));
  EXPECT_EQ(mean({kInf}), kInf);
  EXPECT_TRUE(std::isnan(mean({1, std::nan(""), 2})));
}

}  // namespace
}  // namespace tsdb::promql
