#include "tsdb/promql/quantile.h"

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

namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (Lower(c) >= 'a' && Lower(c) <= 'f'); }

// How many leading characters of `s` match `word`, ignoring case.
size_t CommonPrefixIgnoreCase(std::string_view s, std::string_view word) {
  size_t n = 0;
  while (n < s.size() && n < word.size() && Lower(s[n]) == word[n]) ++n;
  return n;
}

// strconv's underscoreOK: underscores only between digits (or after a base
// prefix).
bool UnderscoresOk(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if (IsDigit(s[i]) || (hex && IsHexDigit(s[i]))) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

}  // namespace

std::optional<double> ParseBucketBound(std::string_view le) {
  if (le.empty()) return std::nullopt;
  // Special values, as strconv's special(): a sign is allowed before Inf
  // and Infinity, not before NaN.
  {
    std::string_view s = le;
    bool negative = false;
    bool signed_value = false;
    if (s[0] == '+' || s[0] == '-') {
      negative = s[0] == '-';
      signed_value = true;
      s.remove_prefix(1);
    }
    const size_t inf = CommonPrefixIgnoreCase(s, "infinity");
    if ((inf == 3 && s.size() == 3) || (inf == 8 && s.size() == 8)) {
      return negative ? -kInf : kInf;
    }
    if (!signed_value && s.size() == 3 && CommonPrefixIgnoreCase(s, "nan") == 3) return kNaN;
  }

  // The Go literal grammar (strconv's readFloat), then the whole string
  // must have been consumed.
  size_t i = 0;
  bool negative = false;
  if (le[i] == '+' || le[i] == '-') {
    negative = le[i] == '-';
    ++i;
  }
  bool hex = false;
  if (i + 1 < le.size() && le[i] == '0' && Lower(le[i + 1]) == 'x') {
    hex = true;
    i += 2;
  }
  bool underscores = false;
  bool saw_dot = false;
  bool saw_digits = false;
  std::string mantissa;  // without underscores
  for (; i < le.size(); ++i) {
    const char c = le[i];
    if (c == '_') {
      underscores = true;
      continue;
    }
    if (c == '.') {
      if (saw_dot) break;
      saw_dot = true;
      mantissa += c;
      continue;
    }
    if (IsDigit(c) || (hex && IsHexDigit(c))) {
      saw_digits = true;
      mantissa += c;
      continue;
    }
    break;
  }
  if (!saw_digits) return std::nullopt;
  std::string exponent;
  if (i < le.size() && Lower(le[i]) == (hex ? 'p' : 'e')) {
    ++i;
    if (i < le.size() && (le[i] == '+' || le[i] == '-')) exponent += le[i++];
    if (i >= le.size() || !IsDigit(le[i])) return std::nullopt;
    for (; i < le.size() && (IsDigit(le[i]) || le[i] == '_'); ++i) {
      if (le[i] == '_') {
        underscores = true;
      } else {
        exponent += le[i];
      }
    }
  } else if (hex) {
    return std::nullopt;  // a hexadecimal mantissa needs a p exponent
  }
  if (i != le.size()) return std::nullopt;
  if (underscores && !UnderscoresOk(le)) return std::nullopt;

  std::string text = mantissa;
  if (!exponent.empty()) text += (hex ? "p" : "e") + exponent;
  double value = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), value,
                                   hex ? std::chars_format::hex : std::chars_format::general);
  if (res.ptr != text.data() + text.size()) return std::nullopt;
  if (res.ec == std::errc::result_out_of_range) {
    // Overflow is ParseFloat's range error; underflow reads as zero. Tell
    // them apart by the position of the first significant digit.
    const size_t dot = mantissa.find('.');
    const size_t int_len = dot == std::string::npos ? mantissa.size() : dot;
    const size_t first = mantissa.find_first_not_of("0.");
    long long scale = 0;
    if (first != std::string::npos) {
      scale = first < int_len ? static_cast<long long>(int_len - first)
                              : -static_cast<long long>(first - int_len - 1);
    }
    long long exp_value = 0;
    for (char c : exponent) {
      if (IsDigit(c) && exp_value < 100000000) exp_value = exp_value * 10 + (c - '0');
    }
    if (!exponent.empty() && exponent[0] == '-') exp_value = -exp_value;
    const long long magnitude = (hex ? 4 : 1) * scale + exp_value;
    if (magnitude > 0) return std::nullopt;
    value = 0;
  } else if (res.ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

}  // namespace tsdb::promql
