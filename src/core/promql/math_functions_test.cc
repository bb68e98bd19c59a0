#include "tsdb/promql/math_functions.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace tsdb::promql {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::nan("");

TEST(KernelMathTest, Round) {
  // aggregators.test "round(...)" cases.
  EXPECT_EQ(Round(-1 * (5.2 + 0.0005 * 100), 0.1), -5.2);
  EXPECT_EQ(Round(-1 * (5.2 + 0.0005 * 200), 0.1), -5.3);
  EXPECT_EQ(Round(0.025 * 100, 5), 5);
  EXPECT_EQ(Round(0.025 * 200, 5), 5);
  EXPECT_EQ(Round(0.045 * 100, 5), 5);
  EXPECT_EQ(Round(0.045 * 200, 5), 10);
  EXPECT_EQ(Round(2.5), 3);
  EXPECT_EQ(Round(-2.5), -2);  // ties round up
  EXPECT_EQ(Round(1.234567, 0.01), 1.23);
  EXPECT_TRUE(std::isnan(Round(kNaN)));
  EXPECT_EQ(Round(kInf), kInf);
  EXPECT_TRUE(std::isnan(Round(1, 0)));  // 1/0 = Inf, Inf/Inf
}

TEST(KernelMathTest, Clamp) {
  // functions.test "Tests for clamp_max, clamp_min(), and clamp()".
  const double v[] = {-50, 0, 100};
  const double max75[] = {-50, 0, 75};
  const double min25[] = {-25, 0, 100};
  const double both[] = {-25, 0, 75};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Clamp(v[i], -kInf, 75), max75[i]);
    EXPECT_EQ(Clamp(v[i], -25, kInf), min25[i]);
    EXPECT_EQ(Clamp(v[i], -25, 75), both[i]);
    EXPECT_TRUE(std::isnan(Clamp(v[i], 0, kNaN)));
    EXPECT_TRUE(std::isnan(Clamp(v[i], kNaN, 0)));
  }
  EXPECT_TRUE(ClampIsEmpty(5, -5));
  EXPECT_FALSE(ClampIsEmpty(kNaN, 0));
  EXPECT_FALSE(ClampIsEmpty(5, 5));
  EXPECT_TRUE(std::isnan(Clamp(kNaN, 0, 1)));
  EXPECT_TRUE(std::isnan(Clamp(kNaN, -kInf, 1)));  // clamp_max
  EXPECT_TRUE(std::isnan(Clamp(kNaN, 1, kInf)));   // clamp_min
}

TEST(KernelMathTest, GoMaxMin) {
  EXPECT_EQ(GoMax(kInf, kNaN), kInf);
  EXPECT_EQ(GoMin(-kInf, kNaN), -kInf);
  EXPECT_TRUE(std::isnan(GoMax(-kInf, kNaN)));
  EXPECT_FALSE(std::signbit(GoMax(-0.0, 0.0)));
  EXPECT_FALSE(std::signbit(GoMax(0.0, -0.0)));
  EXPECT_TRUE(std::signbit(GoMin(0.0, -0.0)));
  EXPECT_TRUE(std::signbit(GoMin(-0.0, 0.0)));
  EXPECT_EQ(GoMax(1, 2), 2);
  EXPECT_EQ(GoMin(1, 2), 1);
}

TEST(KernelMathTest, SgnDegRad) {
  // functions.test "Test cases for sgn".
  EXPECT_EQ(Sgn(-kInf), -1);
  EXPECT_EQ(Sgn(kInf), 1);
  EXPECT_TRUE(std::isnan(Sgn(kNaN)));
  EXPECT_EQ(Sgn(-50), -1);
  EXPECT_EQ(Sgn(0), 0);
  EXPECT_TRUE(std::signbit(Sgn(-0.0)));
  EXPECT_EQ(Sgn(100), 1);
  EXPECT_EQ(Deg(M_PI), 180);
  EXPECT_EQ(Rad(180), M_PI);
  EXPECT_EQ(Deg(1), 180 / M_PI);
  EXPECT_EQ(Rad(1), M_PI / 180);
}

TEST(KernelDateTest, FunctionsTestCases) {
  // functions.test "year()" ... "days_in_month()" cases.
  EXPECT_EQ(Year(0), 1970);
  EXPECT_EQ(Year(1136239445), 2006);
  EXPECT_EQ(Month(0), 1);
  EXPECT_EQ(Month(1136239445), 1);
  EXPECT_EQ(DayOfMonth(0), 1);
  EXPECT_EQ(DayOfMonth(1136239445), 2);
  EXPECT_EQ(DayOfYear(0), 1);
  EXPECT_EQ(DayOfYear(1136239445), 2);
  EXPECT_EQ(DayOfWeek(0), 4);  // Thursday
  EXPECT_EQ(DayOfWeek(1136239445), 1);
  EXPECT_EQ(Hour(0), 0);
  EXPECT_EQ(Hour(1136239445), 22);
  EXPECT_EQ(Minute(0), 0);
  EXPECT_EQ(Minute(1136239445), 4);
  EXPECT_EQ(Year(1230767999), 2008);
  EXPECT_EQ(Year(1230768000), 2009);
  EXPECT_EQ(Month(1456790399) + DayOfMonth(1456790399) / 100, 2.29);
  EXPECT_EQ(Month(1456790400) + DayOfMonth(1456790400) / 100, 3.01);
  EXPECT_EQ(DayOfYear(1483191420), 366);
  EXPECT_EQ(DayOfYear(1672493820), 365);
  EXPECT_EQ(DaysInMonth(1454284800), 29);
  EXPECT_EQ(DaysInMonth(1485907200), 28);
}

TEST(KernelDateTest, NegativeAndFractionalTimes) {
  // Truncation towards zero: -0.5s is second 0, 1970-01-01 00:00.
  EXPECT_EQ(Year(-0.5), 1970);
  EXPECT_EQ(Hour(-0.5), 0);
  // -1s is 1969-12-31 23:59:59, a Wednesday.
  EXPECT_EQ(Year(-1), 1969);
  EXPECT_EQ(Month(-1), 12);
  EXPECT_EQ(DayOfMonth(-1), 31);
  EXPECT_EQ(DayOfYear(-1), 365);
  EXPECT_EQ(DayOfWeek(-1), 3);
  EXPECT_EQ(Hour(-1), 23);
  EXPECT_EQ(Minute(-1), 59);
  // 2000-02-29 (divisible by 400: leap), 1900-02 (not leap).
  EXPECT_EQ(DaysInMonth(951782400), 29);
  EXPECT_EQ(DayOfMonth(951782400), 29);
  EXPECT_EQ(DaysInMonth(-2206310400), 28);  // 1900-02-01
  EXPECT_EQ(Year(-2206310400), 1900);
  EXPECT_EQ(Month(-2203891200), 3);  // 1900-03-01
  EXPECT_EQ(DayOfYear(-2203891200), 60);
  EXPECT_EQ(Year(253402300799), 9999);
  EXPECT_EQ(DayOfYear(253402300799), 365);
  EXPECT_EQ(DaysInMonth(1456790399.9), 29);
}

TEST(KernelDateTest, NonFiniteValuesAreDefined) {
  // Go converts these to INT64_MIN on amd64; the results only need to be
  // deterministic and in range.
  for (double v : {kNaN, kInf, -kInf, 1e300}) {
    EXPECT_GE(Month(v), 1);
    EXPECT_LE(Month(v), 12);
    EXPECT_GE(DaysInMonth(v), 28);
    EXPECT_EQ(Year(v), Year(-9223372036854775808.0));
  }
}

}  // namespace
}  // namespace tsdb::promql
