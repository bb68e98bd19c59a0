// Compensated summation as PromQL does it (Prometheus util/kahansum): the
// Kahan–Babuška–Neumaier step, a running sum, and the running mean that
// `avg` and `avg_over_time` use.
//
// Every result here must match Go's bit for bit, so the library is built with
// -ffp-contract=off: Go (on amd64) never fuses a*b+c, and a fused step changes
// the compensation term (the ±1e100 cases in aggregators.test notice).
//
// Header-only: these run once per sample in the hottest loops.
#ifndef TSDB_PROMQL_KAHAN_H_
#define TSDB_PROMQL_KAHAN_H_

#include <cmath>

namespace tsdb::promql {

// One Neumaier step: adds `inc` to `*sum`, accumulating the lost low-order
// part in `*c`. Once the sum is infinite the compensation is reset to 0, so
// that sum + c stays infinite instead of turning into NaN.
inline void KahanSumInc(double inc, double* sum, double* c) {
  const double t = *sum + inc;
  if (std::isinf(t)) {
    *c = 0;
  } else if (std::fabs(*sum) >= std::fabs(inc)) {
    *c += (*sum - t) + inc;
  } else {
    *c += (inc - t) + *sum;
  }
  *sum = t;
}

// A compensated sum. Value() is sum + c, as the `sum` aggregation returns it.
class KahanSum {
 public:
  void Add(double v) { KahanSumInc(v, &sum_, &c_); }
  double Value() const { return sum_ + c_; }
  // sum_over_time's reading: an infinite sum is returned as is (c is 0 then
  // anyway, so this equals Value(); kept to mirror the source).
  double ValueOverTime() const { return std::isinf(sum_) ? sum_ : sum_ + c_; }
  double sum() const { return sum_; }
  double compensation() const { return c_; }

 private:
  double sum_ = 0;
  double c_ = 0;
};

// The mean of `avg` (engine.go aggregation) and `avg_over_time`
// (functions.go); in Prometheus 3.x both run this same algorithm. It sums
// directly (Kahan) while the sum stays finite, because that is usually the
// more accurate; on the first value whose addition would overflow it switches
// for good to an incremental mean, mean = mean*(n-1)/n + v/n, also
// compensated, so that e.g. avg(1e308, 1e308) is 1e308 and not +Inf.
//
// The first value seeds the sum without a Kahan step (Prometheus starts the
// group with it), which matters for the compensation of later steps.
class KahanMean {
 public:
  void Add(double v) {
    count_ += 1;
    if (count_ == 1) {
      sum_ = v;
      return;
    }
    if (!incremental_) {
      double new_sum = sum_;
      double new_c = c_;
      KahanSumInc(v, &new_sum, &new_c);
      if (!std::isinf(new_sum)) {
        sum_ = new_sum;
        c_ = new_c;
        return;
      }
      incremental_ = true;
      mean_ = sum_ / (count_ - 1);
      c_ /= count_ - 1;
    }
    const double q = (count_ - 1) / count_;
    mean_ = q * mean_;
    c_ = q * c_;
    KahanSumInc(v / count_, &mean_, &c_);
  }

  // REQUIRES: at least one Add.
  double Value() const {
    if (incremental_) return mean_ + c_;
    return sum_ / count_ + c_ / count_;
  }
  double count() const { return count_; }

 private:
  double count_ = 0;
  double sum_ = 0;
  double mean_ = 0;
  double c_ = 0;
  bool incremental_ = false;
};

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_KAHAN_H_
