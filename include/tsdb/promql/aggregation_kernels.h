// Per-group accumulators of the float aggregations (Prometheus engine.go,
// aggregation()) and the value orders of topk/bottomk and sort/sort_desc.
//
// Each accumulator takes the float values of one group at one step, in input
// order, and yields the aggregate. The first Add seeds the state as
// Prometheus's group initialisation does, which matters for the rounding.
// Histogram samples are the caller's: Prometheus skips them in min, max,
// stddev, stdvar and quantile with HistogramIgnoredInAggregationInfo, and
// fails sum/avg over a mix with MixedFloatsHistogramsAggWarning.
// REQUIRES for every Value(): at least one Add.
#ifndef TSDB_PROMQL_AGGREGATION_KERNELS_H_
#define TSDB_PROMQL_AGGREGATION_KERNELS_H_

#include <cmath>
#include <vector>

#include "tsdb/promql/kahan.h"
#include "tsdb/promql/quantile.h"

namespace tsdb::promql {

// sum: Kahan–Neumaier, seeded with the first value.
class SumAggregator {
 public:
  void Add(double v) {
    if (!seen_) {
      seen_ = true;
      sum_ = v;
      return;
    }
    KahanSumInc(v, &sum_, &c_);
  }
  double Value() const { return sum_ + c_; }

 private:
  bool seen_ = false;
  double sum_ = 0;
  double c_ = 0;
};

// avg: KahanMean (direct Kahan mean, incremental once the sum would overflow).
class AvgAggregator {
 public:
  void Add(double v) { mean_.Add(v); }
  double Value() const { return mean_.Value(); }

 private:
  KahanMean mean_;
};

// min / max: a NaN is replaced by any later value, and never replaces a
// number; all NaN gives NaN. On ties (and +0 against -0) the first stays.
class MinAggregator {
 public:
  void Add(double v) {
    if (!seen_ || value_ > v || std::isnan(value_)) value_ = v;
    seen_ = true;
  }
  double Value() const { return value_; }

 private:
  bool seen_ = false;
  double value_ = 0;
};

class MaxAggregator {
 public:
  void Add(double v) {
    if (!seen_ || value_ < v || std::isnan(value_)) value_ = v;
    seen_ = true;
  }
  double Value() const { return value_; }

 private:
  bool seen_ = false;
  double value_ = 0;
};

// count: the number of values; group: 1.
class CountAggregator {
 public:
  void Add(double) { count_ += 1; }
  double Value() const { return count_; }

 private:
  double count_ = 0;
};

class GroupAggregator {
 public:
  void Add(double) {}
  double Value() const { return 1; }
};

// stdvar / stddev: plain (uncompensated) Welford, population variance. An
// infinite or NaN first value makes the result NaN; an infinite later value
// does so through the arithmetic (Inf - Inf).
class VarianceAggregator {
 public:
  void Add(double v) {
    count_ += 1;
    if (count_ == 1) {
      mean_ = v;
      m2_ = std::isfinite(v) ? 0 : std::nan("");
      return;
    }
    const double delta = v - mean_;
    mean_ += delta / count_;
    m2_ += delta * (v - mean_);
  }
  double Stdvar() const { return m2_ / count_; }
  double Stddev() const { return std::sqrt(m2_ / count_); }

 private:
  double count_ = 0;
  double mean_ = 0;
  double m2_ = 0;
};

// quantile(q, ...): collects the values; Value is Quantile (quantile.h).
// The caller warns about an invalid q once per evaluation (ValidateQuantile).
class QuantileAggregator {
 public:
  void Add(double v) { values_.push_back(v); }
  // Sorts the collected values.
  double Value(double q) { return Quantile(q, absl::MakeSpan(values_)); }

 private:
  std::vector<double> values_;
};

// topk keeps, per group, the k best values in a heap whose top is the worst
// kept one; a new value replaces the top when the top ranks below it. These
// are strict weak orders (Go's comparator is not, among NaNs; only the order
// of NaNs among themselves can differ, and Go leaves that unspecified).
//
// TopkRanksBelow(a, b): a is a worse topk candidate than b: NaN is worst,
// then smaller values. Prometheus replaces the heap top h by v exactly when
// TopkRanksBelow(h, v).
inline bool TopkRanksBelow(double a, double b) {
  if (std::isnan(a)) return !std::isnan(b);
  return !std::isnan(b) && a < b;
}
// BottomkRanksBelow(a, b): a is a worse bottomk candidate than b: NaN is
// worst, then larger values.
inline bool BottomkRanksBelow(double a, double b) {
  if (std::isnan(a)) return !std::isnan(b);
  return !std::isnan(b) && a > b;
}
// The output order within a group: best first (topk descending, bottomk
// ascending), NaN last. Use as a sort comparator.
inline bool TopkOutputBefore(double a, double b) { return TopkRanksBelow(b, a); }
inline bool BottomkOutputBefore(double a, double b) { return BottomkRanksBelow(b, a); }

// sort(): ascending, NaN last; sort_desc(): descending, NaN last. Ties keep
// no particular order (Prometheus's sort is not stable either).
inline bool SortAscendingBefore(double a, double b) { return BottomkOutputBefore(a, b); }
inline bool SortDescendingBefore(double a, double b) { return TopkOutputBefore(a, b); }

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_AGGREGATION_KERNELS_H_
