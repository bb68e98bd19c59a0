// rate, increase, delta, irate and idelta over the float samples of one
// series in one window (Prometheus promql/functions.go: extrapolatedRate,
// instantValue).
//
// Contract shared by every function here: `samples` are the float samples of
// one series whose times lie in the left-open window (range_start, range_end],
// in ascending time order, stale markers already removed. A window holding a
// mix of floats and native histograms is the caller's to reject (Prometheus
// warns "encountered a mix of histograms and floats" and drops the series).
// nullopt means "no output for this series at this step".
#ifndef TSDB_PROMQL_RATE_H_
#define TSDB_PROMQL_RATE_H_

#include <cstdint>
#include <optional>

#include "absl/types/span.h"
#include "tsdb/promql/value.h"

namespace tsdb::promql {

// The window a range function sees, in milliseconds: (start, end], where
// end = eval time - offset and start = end - range.
struct RangeWindow {
  int64_t start = 0;
  int64_t end = 0;
};

// extrapolatedRate: last - first (plus, for counters, the value before every
// drop), extrapolated towards the window edges. An edge gap up to 1.1x the
// average sample spacing is extrapolated in full, a longer one by half a
// spacing; a counter is not extrapolated below zero. With is_rate the result
// is per second of the window's range. Fewer than 2 samples: nullopt.
std::optional<double> ExtrapolatedRate(absl::Span<const Sample> samples, RangeWindow window,
                                       bool is_counter, bool is_rate);

inline std::optional<double> Rate(absl::Span<const Sample> samples, RangeWindow window) {
  return ExtrapolatedRate(samples, window, /*is_counter=*/true, /*is_rate=*/true);
}
inline std::optional<double> Increase(absl::Span<const Sample> samples, RangeWindow window) {
  return ExtrapolatedRate(samples, window, /*is_counter=*/true, /*is_rate=*/false);
}
inline std::optional<double> Delta(absl::Span<const Sample> samples, RangeWindow window) {
  return ExtrapolatedRate(samples, window, /*is_counter=*/false, /*is_rate=*/false);
}

// instantValue over the last two samples. irate: (last - prev) per second of
// their distance, or last per second after a counter reset (last < prev).
// idelta: last - prev. Fewer than 2 samples, or the last two at the same
// time: nullopt.
std::optional<double> IRate(absl::Span<const Sample> samples);
std::optional<double> IDelta(absl::Span<const Sample> samples);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_RATE_H_
