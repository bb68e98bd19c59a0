#include "tsdb/promql/quantile.h"

#include "tsdb/promql/go_strconv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "tsdb/promql/annotation_texts.h"

namespace tsdb::promql {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Go's sort.Search: the smallest i in [0, n) with pred(i), else n, by the
// same bisection. Counts may hold NaN, where the predicate is not monotonic
// and only the same probe sequence gives the same answer.
template <typename Pred>
size_t GoSearch(size_t n, Pred pred) {
  size_t lo = 0;
  size_t hi = n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (!pred(mid)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// Sorts by upper bound and merges equal bounds by summing their counts.
// REQUIRES: buckets non-empty.
void SortBuckets(std::vector<Bucket>* buckets) {
  std::sort(buckets->begin(), buckets->end(),
            [](const Bucket& a, const Bucket& b) { return a.upper_bound < b.upper_bound; });
}

void CoalesceBuckets(std::vector<Bucket>* buckets) {
  std::vector<Bucket>& b = *buckets;
  size_t out = 0;
  for (size_t i = 1; i < b.size(); ++i) {
    if (b[i].upper_bound == b[out].upper_bound) {
      b[out].count += b[i].count;
    } else {
      b[++out] = b[i];
    }
  }
  b.resize(out + 1);
}

// Prometheus's ensureMonotonicAndIgnoreSmallDeltas. `prev` is the last
// accepted count: a corrected count never becomes the reference, so a dip
// is measured against the envelope, not against the dip.
void EnsureMonotonic(std::vector<Bucket>* buckets, BucketQuantileResult* r) {
  r->min_bucket = kInf;
  r->max_bucket = -kInf;
  r->max_diff = 0;
  std::vector<Bucket>& b = *buckets;
  double prev = b[0].count;
  for (size_t i = 1; i < b.size(); ++i) {
    const double curr = b[i].count;
    if (curr == prev) continue;
    if (AlmostEqual(prev, curr, kSmallDeltaTolerance)) {
      b[i].count = prev;
      r->fixed_precision = true;
      continue;
    }
    if (curr < prev) {
      b[i].count = prev;
      r->forced_monotonic = true;
      r->min_bucket = std::min(r->min_bucket, b[i].upper_bound);
      r->max_bucket = std::max(r->max_bucket, b[i].upper_bound);
      r->max_diff = std::max(r->max_diff, prev - curr);
      continue;
    }
    prev = curr;
  }
}

}  // namespace

double Quantile(double q, absl::Span<double> values) {
  if (values.empty() || std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  std::sort(values.begin(), values.end(), [](double a, double b) {
    if (std::isnan(a)) return !std::isnan(b);
    return !std::isnan(b) && a < b;
  });
  const double n = static_cast<double>(values.size());
  const double rank = q * (n - 1);
  const double lower_index = std::max(0.0, std::floor(rank));
  const double upper_index = std::min(n - 1, lower_index + 1);
  const double weight = rank - std::floor(rank);
  // Written as Prometheus writes it: with an infinite neighbour and weight 0
  // this is Inf * 0 = NaN there too.
  return values[static_cast<size_t>(lower_index)] * (1 - weight) +
         values[static_cast<size_t>(upper_index)] * weight;
}

void ValidateQuantile(double q, Annotations* annos) {
  if (annos == nullptr) return;
  if (std::isnan(q) || q < 0 || q > 1) annos->AddWarning(InvalidQuantileWarning(q));
}

BucketQuantileResult BucketQuantile(double q, std::vector<Bucket>* buckets) {
  BucketQuantileResult r;
  if (std::isnan(q)) {
    r.value = kNaN;
    return r;
  }
  if (q < 0) {
    r.value = -kInf;
    return r;
  }
  if (q > 1) {
    r.value = kInf;
    return r;
  }
  // Prometheus indexes into an empty slice here; no caller builds one.
  if (buckets->empty()) {
    r.value = kNaN;
    return r;
  }
  SortBuckets(buckets);
  if (buckets->back().upper_bound != kInf) {
    r.value = kNaN;
    return r;
  }
  CoalesceBuckets(buckets);
  EnsureMonotonic(buckets, &r);

  const std::vector<Bucket>& b = *buckets;
  if (b.size() < 2) {
    r.value = kNaN;
    return r;
  }
  const double observations = b.back().count;
  if (observations == 0) {
    r.value = kNaN;
    return r;
  }
  double rank = q * observations;
  // The +Inf bucket is not searched: a rank beyond the others lands there.
  const size_t i = GoSearch(b.size() - 1, [&](size_t k) { return b[k].count >= rank; });
  if (i == b.size() - 1) {
    r.value = b[b.size() - 2].upper_bound;
    return r;
  }
  // No lower bound to interpolate from below a non-positive first bound.
  if (i == 0 && b[0].upper_bound <= 0) {
    r.value = b[0].upper_bound;
    return r;
  }
  double bucket_start = 0;
  const double bucket_end = b[i].upper_bound;
  double count = b[i].count;
  if (i > 0) {
    bucket_start = b[i - 1].upper_bound;
    count -= b[i - 1].count;
    rank -= b[i - 1].count;
  }
  r.value = bucket_start + (bucket_end - bucket_start) * (rank / count);
  return r;
}

double BucketFraction(double lower, double upper, std::vector<Bucket>* buckets) {
  if (buckets->empty()) return kNaN;
  SortBuckets(buckets);
  if (buckets->back().upper_bound != kInf) return kNaN;
  CoalesceBuckets(buckets);
  const std::vector<Bucket>& b = *buckets;

  const double count = b.back().count;
  if (count == 0 || std::isnan(lower) || std::isnan(upper)) return kNaN;
  if (lower >= upper) return 0;

  double rank = 0;
  double lower_rank = 0;
  double upper_rank = 0;
  bool lower_set = false;
  bool upper_set = false;
  // A positive first bound means positive observations only: start at 0.
  double lower_bound = b[0].upper_bound <= 0 ? -kInf : 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i > 0) lower_bound = b[i - 1].upper_bound;
    const double upper_bound = b[i].upper_bound;
    // Counts are cumulative: this bucket holds b[i].count - rank. A bucket
    // reaching down to -Inf cannot be interpolated into; it counts whole.
    auto interpolate = [&](double v) {
      if (lower_bound == -kInf) return b[i].count;
      return rank + (b[i].count - rank) * (v - lower_bound) / (upper_bound - lower_bound);
    };
    if (!lower_set && lower_bound >= lower) {
      lower_rank = rank;
      lower_set = true;
    }
    if (!upper_set && lower_bound >= upper) {
      upper_rank = rank;
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    if (!lower_set && lower_bound < lower && upper_bound > lower) {
      lower_rank = interpolate(lower);
      lower_set = true;
    }
    if (!upper_set && lower_bound < upper && upper_bound > upper) {
      upper_rank = interpolate(upper);
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    rank = b[i].count;
  }
  if (!lower_set || lower_rank > count) lower_rank = count;
  if (!upper_set || upper_rank > count) upper_rank = count;
  return (upper_rank - lower_rank) / count;
}

bool AlmostEqual(double a, double b, double epsilon) {
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  constexpr double kMinNormal = std::numeric_limits<double>::min();
  const double abs_sum = std::fabs(a) + std::fabs(b);
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < kMinNormal) return diff < epsilon * kMinNormal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

std::optional<double> ParseBucketBound(std::string_view le) {
  // Prometheus reads `le` with strconv.ParseFloat; a syntax or range error
  // makes the bucket bad (an underflow reads as 0 without an error).
  const ParsedFloat parsed = GoParseFloat(le);
  if (parsed.error != NumError::kNone) return std::nullopt;
  return parsed.value;
}

}  // namespace tsdb::promql
