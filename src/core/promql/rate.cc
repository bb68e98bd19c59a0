#include "tsdb/promql/rate.h"

namespace tsdb::promql {

namespace {

// Go's time.Duration.Seconds() for a whole number of milliseconds: whole
// seconds plus the nanosecond remainder / 1e9. Rounding twice like this can
// differ from ms / 1000 in the last bit, and rate() divides by it.
double GoDurationSeconds(int64_t ms) {
  const int64_t whole = ms / 1000;
  const int64_t rem_ns = (ms % 1000) * 1000000;
  return static_cast<double>(whole) + static_cast<double>(rem_ns) / 1e9;
}

}  // namespace

std::optional<double> ExtrapolatedRate(absl::Span<const Sample> samples, RangeWindow window,
                                       bool is_counter, bool is_rate) {
  if (samples.size() < 2) return std::nullopt;
  const Sample& first = samples.front();
  const Sample& last = samples.back();

  double result = last.v - first.v;
  if (is_counter) {
    // A drop is a counter reset: the counter restarted from 0, so what it
    // had reached before the drop was gained too.
    for (size_t i = 1; i < samples.size(); ++i) {
      if (samples[i].v < samples[i - 1].v) result += samples[i - 1].v;
    }
  }

  double duration_to_start = static_cast<double>(first.t - window.start) / 1000;
  double duration_to_end = static_cast<double>(window.end - last.t) / 1000;
  const double sampled_interval = static_cast<double>(last.t - first.t) / 1000;
  const double average_interval = sampled_interval / static_cast<double>(samples.size() - 1);

  // A sample missing where regular spacing would put one means the series
  // starts or ends inside the window: extrapolate only half a spacing there.
  const double threshold = average_interval * 1.1;
  if (duration_to_start >= threshold) duration_to_start = average_interval / 2;
  if (is_counter) {
    // Counters are never negative: stop extrapolating where the line
    // through the samples would cross zero.
    double duration_to_zero = duration_to_start;
    if (result > 0 && first.v >= 0) duration_to_zero = sampled_interval * (first.v / result);
    if (duration_to_zero < duration_to_start) duration_to_start = duration_to_zero;
  }
  if (duration_to_end >= threshold) duration_to_end = average_interval / 2;

  double factor = (sampled_interval + duration_to_start + duration_to_end) / sampled_interval;
  if (is_rate) factor /= GoDurationSeconds(window.end - window.start);
  return result * factor;
}

namespace {

std::optional<double> InstantValue(absl::Span<const Sample> samples, bool is_rate) {
  if (samples.size() < 2) return std::nullopt;
  const Sample& prev = samples[samples.size() - 2];
  const Sample& last = samples.back();
  const int64_t interval = last.t - prev.t;
  if (interval == 0) return std::nullopt;
  double result = last.v;
  // After a counter reset the counter counted up from 0 to last. A NaN
  // compares false and so yields NaN, as in Prometheus.
  if (!is_rate || !(last.v < prev.v)) result = last.v - prev.v;
  if (is_rate) result /= static_cast<double>(interval) / 1000;
  return result;
}

}  // namespace

std::optional<double> IRate(absl::Span<const Sample> samples) {
  return InstantValue(samples, /*is_rate=*/true);
}

std::optional<double> IDelta(absl::Span<const Sample> samples) {
  return InstantValue(samples, /*is_rate=*/false);
}

}  // namespace tsdb::promql
