// Functions of a range vector: rate and its kin, deriv, predict_linear,
// double_exponential_smoothing, resets, changes, the *_over_time family and
// absent_over_time.
//
// Series by series: each input series (raw samples of a matrix selector, or
// the inner steps of a subquery) is walked once with two moving pointers,
// since the window (ref - range, ref] of step t only moves forward with t;
// every window is handed to a kernel as a span of the series' own points.
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/types/span.h"
#include "promql/eval_call.h"
#include "tsdb/promql/annotation_texts.h"
#include "tsdb/promql/over_time.h"
#include "tsdb/promql/rate.h"
#include "tsdb/promql/trend.h"

namespace tsdb::promql {

namespace {

enum class RangeFn {
  kRate, kIncrease, kDelta, kIrate, kIdelta, kDeriv, kPredictLinear,
  kDoubleExponentialSmoothing, kResets, kChanges,
  kSumOverTime, kAvgOverTime, kCountOverTime, kMinOverTime, kMaxOverTime,
  kFirstOverTime, kLastOverTime, kPresentOverTime, kQuantileOverTime,
  kStddevOverTime, kStdvarOverTime, kMadOverTime,
  kTsOfMinOverTime, kTsOfMaxOverTime, kTsOfFirstOverTime, kTsOfLastOverTime,
  kAbsentOverTime,
};

struct RangeFnName {
  std::string_view name;
  RangeFn fn;
};

constexpr RangeFnName kRangeFunctions[] = {
    {"rate", RangeFn::kRate},
    {"increase", RangeFn::kIncrease},
    {"delta", RangeFn::kDelta},
    {"irate", RangeFn::kIrate},
    {"idelta", RangeFn::kIdelta},
    {"deriv", RangeFn::kDeriv},
    {"predict_linear", RangeFn::kPredictLinear},
    {"double_exponential_smoothing", RangeFn::kDoubleExponentialSmoothing},
    {"resets", RangeFn::kResets},
    {"changes", RangeFn::kChanges},
    {"sum_over_time", RangeFn::kSumOverTime},
    {"avg_over_time", RangeFn::kAvgOverTime},
    {"count_over_time", RangeFn::kCountOverTime},
    {"min_over_time", RangeFn::kMinOverTime},
    {"max_over_time", RangeFn::kMaxOverTime},
    {"first_over_time", RangeFn::kFirstOverTime},
    {"last_over_time", RangeFn::kLastOverTime},
    {"present_over_time", RangeFn::kPresentOverTime},
    {"quantile_over_time", RangeFn::kQuantileOverTime},
    {"stddev_over_time", RangeFn::kStddevOverTime},
    {"stdvar_over_time", RangeFn::kStdvarOverTime},
    {"mad_over_time", RangeFn::kMadOverTime},
    {"ts_of_min_over_time", RangeFn::kTsOfMinOverTime},
    {"ts_of_max_over_time", RangeFn::kTsOfMaxOverTime},
    {"ts_of_first_over_time", RangeFn::kTsOfFirstOverTime},
    {"ts_of_last_over_time", RangeFn::kTsOfLastOverTime},
    {"absent_over_time", RangeFn::kAbsentOverTime},
};

// The modifiers `anchored` and `smoothed` hand the function samples outside
// the window, which only these functions know how to read (Prometheus's
// AnchoredSafeFunctions and SmoothedSafeFunctions, listed sorted as its
// error message lists them).
constexpr std::string_view kAnchoredSafe = "changes, delta, increase, rate, resets";
constexpr std::string_view kSmoothedSafe = "delta, increase, rate";

bool AnchoredSafe(RangeFn fn) {
  return fn == RangeFn::kChanges || fn == RangeFn::kDelta || fn == RangeFn::kIncrease ||
         fn == RangeFn::kRate || fn == RangeFn::kResets;
}
bool SmoothedSafe(RangeFn fn) {
  return fn == RangeFn::kDelta || fn == RangeFn::kIncrease || fn == RangeFn::kRate;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The scalar arguments of the function, per step.
struct ScalarArgs {
  std::vector<double> first;   // predict_linear's duration, DES's sf, quantile's q
  std::vector<double> second;  // DES's tf
};

// The value of `fn` over one window; nullopt for no output.
Result<std::optional<double>> ApplyRangeFn(RangeFn fn, absl::Span<const Sample> w,
                                           RangeWindow window, int64_t eval_time,
                                           const ScalarArgs& args, size_t step,
                                           Annotations* annos) {
  switch (fn) {
    case RangeFn::kRate: return Rate(w, window);
    case RangeFn::kIncrease: return Increase(w, window);
    case RangeFn::kDelta: return Delta(w, window);
    case RangeFn::kIrate: return IRate(w);
    case RangeFn::kIdelta: return IDelta(w);
    case RangeFn::kDeriv: return Deriv(w);
    case RangeFn::kPredictLinear: return PredictLinear(w, eval_time, args.first[step]);
    case RangeFn::kDoubleExponentialSmoothing:
      return DoubleExponentialSmoothing(w, args.first[step], args.second[step]);
    case RangeFn::kResets: return Resets(w);
    case RangeFn::kChanges: return Changes(w);
    case RangeFn::kSumOverTime: return SumOverTime(w);
    case RangeFn::kAvgOverTime: return AvgOverTime(w);
    case RangeFn::kCountOverTime: return CountOverTime(w);
    case RangeFn::kMinOverTime: return MinOverTime(w);
    case RangeFn::kMaxOverTime: return MaxOverTime(w);
    case RangeFn::kFirstOverTime: return FirstOverTime(w);
    case RangeFn::kLastOverTime: return LastOverTime(w);
    case RangeFn::kPresentOverTime: return PresentOverTime(w);
    case RangeFn::kQuantileOverTime: return QuantileOverTime(args.first[step], w, annos);
    case RangeFn::kStddevOverTime: return StddevOverTime(w);
    case RangeFn::kStdvarOverTime: return StdvarOverTime(w);
    case RangeFn::kMadOverTime: return MadOverTime(w);
    case RangeFn::kTsOfMinOverTime: return TsOfMinOverTime(w);
    case RangeFn::kTsOfMaxOverTime: return TsOfMaxOverTime(w);
    case RangeFn::kTsOfFirstOverTime: return TsOfFirstOverTime(w);
    case RangeFn::kTsOfLastOverTime: return TsOfLastOverTime(w);
    case RangeFn::kAbsentOverTime: return PresentOverTime(w);
  }
  return std::optional<double>();
}


// Go's time.Duration.Seconds() of whole milliseconds (as rate.cc divides).
double DurationSeconds(int64_t ms) {
  return static_cast<double>(ms / 1000) + static_cast<double>((ms % 1000) * 1000000) / 1e9;
}

// The first sample a window anchored at `range_start` starts from: the last
// one at or before the start (looked back for), else the first.
size_t AnchoredFirst(absl::Span<const Sample> f, int64_t range_start) {
  // sort.Search over [0, n-1): the first index with T > range_start.
  size_t i = 0;
  while (i + 1 < f.size() && f[i].t <= range_start) ++i;
  return i > 0 ? i - 1 : 0;
}

// Linear interpolation at t between two samples; a counter that dropped
// restarts from 0.
double Interpolate(const Sample& p1, const Sample& p2, int64_t t, bool is_counter) {
  double y1 = p1.v;
  const double y2 = p2.v;
  if (is_counter && y2 < y1) y1 = 0;
  return y1 + (y2 - y1) * static_cast<double>(t - p1.t) / static_cast<double>(p2.t - p1.t);
}

// Prometheus's extendedRate: rate, increase and delta of an `anchored` or
// `smoothed` range selector. `f` holds the samples from a lookback before
// the window (and, smoothed, up to a lookback after it). Anchored: from
// the last sample at or before the window start to the last one in it,
// without extrapolation. Smoothed: the values at the window's edges,
// interpolated between the samples around them.
std::optional<double> ExtendedRate(absl::Span<const Sample> f, int64_t range_start,
                                   int64_t range_end, bool smoothed, bool is_counter,
                                   bool is_rate) {
  if (f.empty()) return std::nullopt;
  size_t last = f.size() - 1;
  size_t first = AnchoredFirst(f, range_start);
  if (smoothed) {
    size_t i = 0;
    while (i < last && f[i].t < range_end) ++i;
    last = i;
  }
  // Data only before the window, or (smoothed) only after it.
  if (f[last].t <= range_start || f[first].t > range_end) return std::nullopt;
  const double left = smoothed && f[first].t < range_start
                          ? Interpolate(f[first], f[first + 1], range_start, is_counter)
                          : f[first].v;
  const double right = smoothed && last > 0 && f[last].t > range_end
                           ? Interpolate(f[last - 1], f[last], range_end, is_counter)
                           : f[last].v;
  double result = right - left;
  if (is_counter) {
    // Resets strictly inside the window; the edges are handled above.
    size_t lo = first, hi = last + 1;
    if (f[first].t <= range_start) ++lo;
    if (f[last].t >= range_end) --hi;
    double correction = 0;
    double prev = left;
    for (size_t i = lo; i < hi; ++i) {
      if (f[i].v < prev) correction += prev;
      prev = f[i].v;
    }
    if (right < prev) correction += prev;
    result += correction;
  }
  if (is_rate) result /= DurationSeconds(range_end - range_start);
  return result;
}

// The functions an anchored or smoothed selector allows, over its widened
// window.
std::optional<double> ExtendedWindow(RangeFn fn, absl::Span<const Sample> f, int64_t range_start,
                                     int64_t range_end, bool smoothed) {
  switch (fn) {
    case RangeFn::kRate: return ExtendedRate(f, range_start, range_end, smoothed, true, true);
    case RangeFn::kIncrease: return ExtendedRate(f, range_start, range_end, smoothed, true, false);
    case RangeFn::kDelta: return ExtendedRate(f, range_start, range_end, smoothed, false, false);
    case RangeFn::kResets:
    case RangeFn::kChanges: {
      // Anchored only: counted from the sample the window is anchored at.
      if (f.back().t <= range_start) return std::nullopt;
      absl::Span<const Sample> from = f.subspan(AnchoredFirst(f, range_start));
      return fn == RangeFn::kResets ? Resets(from) : Changes(from);
    }
    default: return std::nullopt;
  }
}

}  // namespace

Result<Value> EvalRangeFunction(Evaluator* ev, const Call& e, const StepRange& range) {
  const std::string_view name = e.func->name;
  std::optional<RangeFn> found;
  for (const RangeFnName& f : kRangeFunctions) {
    if (f.name == name) found = f.fn;
  }
  if (!found) return Unsupported("function %s is not supported", std::string(name));
  const RangeFn fn = *found;

  // The range argument and the scalar ones around it.
  size_t matrix_index = 0;
  for (size_t i = 0; i < e.func->arg_types.size() && i < e.args.size(); ++i) {
    if (e.func->arg_types[i] == ValueType::kMatrix) matrix_index = i;
  }
  const Expr& matrix_arg = UnwrapParens(*e.args[matrix_index]);
  ScalarArgs args;
  std::vector<std::vector<double>*> scalar_slots = {&args.first, &args.second};
  size_t slot = 0;
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (i == matrix_index) continue;
    if (slot >= scalar_slots.size()) break;
    TSDB_ASSIGN_OR_RETURN(*scalar_slots[slot], EvalScalarArg(ev, *e.args[i], range));
    ++slot;
  }

  bool anchored = false;
  bool smoothed = false;
  if (matrix_arg.kind == NodeKind::kMatrixSelector) {
    const auto& vs = As<VectorSelector>(*As<MatrixSelector>(matrix_arg).vector_selector);
    if (vs.anchored && !AnchoredSafe(fn)) {
      return InvalidArgument("anchored modifier can only be used with: %s - not with %s",
                             kAnchoredSafe, std::string(name));
    }
    if (vs.smoothed && !SmoothedSafe(fn)) {
      return InvalidArgument("smoothed modifier can only be used with: %s - not with %s",
                             kSmoothedSafe, std::string(name));
    }
    anchored = vs.anchored;
    smoothed = vs.smoothed;
  }

  // An anchored window also reads a lookback before its start; a smoothed
  // one a lookback after its end too. Both are read through a selector
  // widened to match: its range grown by the lookback (twice, smoothed) and,
  // smoothed, its offset shrunk by one, so that its windows end a lookback
  // later.
  const int64_t lookback = ev->options().lookback_delta_ms;
  const bool delayed = ev->options().delayed_name_removal;
  // last_over_time and first_over_time act like an offset: they keep the
  // name (still dropping it if the series' own expression did).
  const bool drop_name = fn != RangeFn::kLastOverTime && fn != RangeFn::kFirstOverTime;
  const bool counter_hint = fn == RangeFn::kRate || fn == RangeFn::kIncrease;
  const size_t steps = range.Count();
  Annotations& annos = ev->annotations();

  Value out;
  out.type = ValueType::kVector;
  std::vector<bool> present;  // absent_over_time: steps some series has a value at
  if (fn == RangeFn::kAbsentOverTime) present.assign(steps, false);

  // One input series (its samples in time order) into one output series.
  RangeInput in;
  // min/max_over_time over windows that slide forward keep a monotonic
  // queue of the window's candidates (non-NaN samples, best first): each
  // sample enters and leaves once, so a range query costs O(samples + steps)
  // instead of O(steps x window). The result is the scan's: the best value,
  // the earliest of equal ones, and NaN only when the window holds nothing
  // but NaN.
  // (One step, one window: a plain scan, without the queue's branches.)
  const bool sliding_extreme = !anchored && !smoothed && steps > 1 &&
                               (fn == RangeFn::kMaxOverTime || fn == RangeFn::kMinOverTime);
  const bool want_max = fn == RangeFn::kMaxOverTime;
  // The queue: candidates[head, tail) of a buffer as long as the series
  // (each sample enters at most once), so no deque bookkeeping per sample.
  std::vector<size_t> candidates;
  auto process = [&](Labels& labels, bool series_drop_name,
                     const std::vector<Sample>& points) -> Status {
    StepSeries result;
    size_t lo = 0;  // first point after the window start
    size_t hi = 0;  // first point after the window end
    if (sliding_extreme && candidates.size() < points.size()) candidates.resize(points.size());
    size_t* const queue = candidates.data();
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < steps; ++i) {
      const int64_t t = range.Time(i);
      const int64_t ref = in.RefTime(t);
      const int64_t start = ref - in.range_ms;
      // What the function reads: the window, widened for anchored and
      // smoothed selectors.
      const int64_t read_from = anchored || smoothed ? start - lookback : start;
      const int64_t read_to = smoothed ? ref + lookback : ref;
      if (sliding_extreme) {
        while (hi < points.size() && points[hi].t <= read_to) {
          const double x = points[hi].v;
          if (!std::isnan(x)) {
            if (want_max) {
              while (tail > head && points[queue[tail - 1]].v < x) --tail;
            } else {
              while (tail > head && points[queue[tail - 1]].v > x) --tail;
            }
            queue[tail++] = hi;
          }
          ++hi;
        }
        while (lo < points.size() && points[lo].t <= read_from) ++lo;
        while (tail > head && queue[head] < lo) ++head;
        if (lo >= hi) continue;
        const double v = tail == head ? points[hi - 1].v : points[queue[head]].v;
        result.points.push_back(Sample{t, v});
        continue;
      }
      while (hi < points.size() && points[hi].t <= read_to) ++hi;
      while (lo < points.size() && points[lo].t <= read_from) ++lo;
      if (lo >= hi) continue;
      absl::Span<const Sample> window(points.data() + lo, hi - lo);
      std::optional<double> v;
      if (anchored || smoothed) {
        v = ExtendedWindow(fn, window, start, ref, smoothed);
      } else {
        TSDB_ASSIGN_OR_RETURN(v, ApplyRangeFn(fn, window, RangeWindow{start, ref}, t, args, i,
                                              &annos));
      }
      if (!v) continue;
      if (fn == RangeFn::kAbsentOverTime) {
        present[i] = true;
        continue;
      }
      result.points.push_back(Sample{t, *v});
    }
    if (result.points.empty()) return Status();
    if (counter_hint) {
      const std::string_view metric = labels.MetricName();
      if (!metric.empty() && !EndsWith(metric, "_total") && !EndsWith(metric, "_sum") &&
          !EndsWith(metric, "_count") && !EndsWith(metric, "_bucket")) {
        annos.AddInfo(PossibleNonCounterInfo(metric));
      }
    }
    TSDB_RETURN_IF_ERROR(ev->Hold(static_cast<int64_t>(result.points.size())));
    result.labels = std::move(labels);
    result.drop_name = series_drop_name;
    if (drop_name) DropMetricName(&result, delayed);
    out.series.push_back(std::move(result));
    return Status();
  };

  if (anchored || smoothed) {
    // An anchored window also reads a lookback before its start; a smoothed
    // one a lookback after its end too. Both are read through a selector
    // widened to match: its range grown by the lookback (twice, smoothed)
    // and, smoothed, its offset shrunk by one, so that its windows end a
    // lookback later.
    const auto& ms = As<MatrixSelector>(matrix_arg);
    const auto& vs = As<VectorSelector>(*ms.vector_selector);
    TSDB_ASSIGN_OR_RETURN(const int64_t range_ms, ev->ResolveDuration(ms.range_ms, ms.range_expr));
    TSDB_ASSIGN_OR_RETURN(const int64_t offset_ms, ev->OffsetOf(vs.time));
    MatrixSelector wide;
    auto wide_vs = std::make_unique<VectorSelector>();
    wide_vs->name = vs.name;
    wide_vs->matchers = vs.matchers;
    wide_vs->time.at_ms = vs.time.at_ms;
    wide_vs->time.at_anchor = vs.time.at_anchor;
    wide_vs->time.original_offset_ms = smoothed ? offset_ms - lookback : offset_ms;
    wide.range_ms = range_ms + (smoothed ? 2 : 1) * lookback;
    wide.vector_selector = std::move(wide_vs);
    TSDB_ASSIGN_OR_RETURN(in, ev->EvalRangeInput(wide, range));
    // Back to the window the function reads.
    in.range_ms = range_ms;
    in.offset_ms = offset_ms;
  } else if (matrix_arg.kind == NodeKind::kMatrixSelector) {
    // A selector's series are reduced one at a time, as they are read: the
    // query holds one series' samples, not the selection's.
    TSDB_RETURN_IF_ERROR(ev->StreamRangeSelector(
        As<MatrixSelector>(matrix_arg), range, &in,
        [&](Series& s) { return process(s.labels, false, s.samples); }));
  } else {
    TSDB_ASSIGN_OR_RETURN(in, ev->EvalRangeInput(matrix_arg, range));
  }
  int64_t input_points = 0;
  for (const StepSeries& s : in.series) input_points += static_cast<int64_t>(s.points.size());
  for (StepSeries& s : in.series) {
    TSDB_RETURN_IF_ERROR(ev->CheckInterrupt());
    TSDB_RETURN_IF_ERROR(process(s.labels, s.drop_name, s.points));
  }
  ev->Release(input_points);

  if (fn == RangeFn::kAbsentOverTime) {
    StepSeries absent;
    for (size_t i = 0; i < steps; ++i) {
      if (!present[i]) absent.points.push_back(Sample{range.Time(i), 1});
    }
    out.series.clear();
    if (!absent.points.empty()) {
      // A subquery argument has no matchers to take labels from.
      absent.labels = AbsentLabels(matrix_arg);
      out.series.push_back(std::move(absent));
    }
    return out;
  }

  if (!delayed) {
    // Prometheus checks the whole matrix here, not step by step: two input
    // series that end up with one label set fail even when their points
    // never share a step.
    LabelSetSet seen;
    for (const StepSeries& s : out.series) {
      if (!seen.insert(s.labels).second) {
        return InvalidArgument("vector cannot contain metrics with the same labelset");
      }
    }
  }
  return out;
}

}  // namespace tsdb::promql
