// Test helpers for the function kernels: series written as promqltest's
// `load <interval>` lines, and the left-open window a range selector takes.
#ifndef TSDB_PROMQL_KERNEL_TEST_UTIL_H_
#define TSDB_PROMQL_KERNEL_TEST_UTIL_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "tsdb/promql/rate.h"
#include "tsdb/promql/value.h"

namespace tsdb::promql::testing {

inline constexpr int64_t kSecond = 1000;
inline constexpr int64_t kMinute = 60 * kSecond;

// A `load <interval_ms>` series: value i at i * interval_ms; a NaN written
// as kSkip leaves the slot empty (promqltest's `_`).
inline const double kSkip = -12345.6789e300;

inline std::vector<Sample> Load(int64_t interval_ms, std::initializer_list<double> values) {
  std::vector<Sample> out;
  int64_t t = 0;
  for (double v : values) {
    if (v != kSkip) out.push_back(Sample{t, v});
    t += interval_ms;
  }
  return out;
}

// promqltest's `a+bxn`: appends the n+1 values a, a+b, ..., a+n*b.
inline void Expand(std::vector<double>* out, double start, double step, int times) {
  for (int i = 0; i <= times; ++i) out->push_back(start + step * i);
}

inline std::vector<Sample> LoadValues(int64_t interval_ms, const std::vector<double>& values) {
  std::vector<Sample> out;
  for (size_t i = 0; i < values.size(); ++i) {
    out.push_back(Sample{static_cast<int64_t>(i) * interval_ms, values[i]});
  }
  return out;
}

// The window `series[range]` sees at `eval_ms` (offset 0): (end-range, end].
inline RangeWindow WindowAt(int64_t eval_ms, int64_t range_ms) {
  return RangeWindow{eval_ms - range_ms, eval_ms};
}

inline std::vector<Sample> Select(const std::vector<Sample>& series, RangeWindow w) {
  std::vector<Sample> out;
  for (const Sample& s : series) {
    if (s.t > w.start && s.t <= w.end) out.push_back(s);
  }
  return out;
}

// promqltest compares with a relative tolerance of 1e-6 unless told
// otherwise; these tests use a much tighter one, and NaN equals NaN.
inline ::testing::AssertionResult Near(std::optional<double> actual, double expected,
                                       double rel = 1e-12) {
  if (!actual.has_value()) return ::testing::AssertionFailure() << "no value, expected " << expected;
  const double a = *actual;
  if (std::isnan(expected) && std::isnan(a)) return ::testing::AssertionSuccess();
  if (a == expected) return ::testing::AssertionSuccess();
  if (std::isfinite(expected) && std::fabs(a - expected) <= rel * std::max(1.0, std::fabs(expected))) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "got " << a << ", expected " << expected;
}

}  // namespace tsdb::promql::testing

#endif  // TSDB_PROMQL_KERNEL_TEST_UTIL_H_
