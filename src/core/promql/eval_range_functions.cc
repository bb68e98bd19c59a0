// Functions of a range vector: rate and its kin, deriv, predict_linear,
// double_exponential_smoothing, resets, changes, the *_over_time family and
// absent_over_time.
//
// Series by series: each input series (raw samples of a matrix selector, or
// the inner steps of a subquery) is walked once with two moving pointers,
// since the window (ref - range, ref] of step t only moves forward with t;
// every window is handed to a kernel as a span of the series' own points.
#include <algorithm>
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
    if (vs.anchored || vs.smoothed) {
      return Unsupported("the %s modifier is not supported yet",
                         vs.anchored ? "anchored" : "smoothed");
    }
  }

  TSDB_ASSIGN_OR_RETURN(RangeInput in, ev->EvalRangeInput(matrix_arg, range));
  const bool delayed = ev->options().delayed_name_removal;
  // last_over_time and first_over_time act like an offset: they keep the
  // name (still dropping it if the series' own expression did).
  const bool drop_name = fn != RangeFn::kLastOverTime && fn != RangeFn::kFirstOverTime;
  const bool counter_hint = fn == RangeFn::kRate || fn == RangeFn::kIncrease;
  const size_t steps = range.Count();
  Annotations& annos = ev->annotations();

  int64_t input_points = 0;
  for (const StepSeries& s : in.series) input_points += static_cast<int64_t>(s.points.size());

  Value out;
  out.type = ValueType::kVector;
  std::vector<bool> present;  // absent_over_time: steps some series has a value at
  if (fn == RangeFn::kAbsentOverTime) present.assign(steps, false);

  for (StepSeries& s : in.series) {
    TSDB_RETURN_IF_ERROR(ev->CheckInterrupt());
    const std::vector<Sample>& points = s.points;
    StepSeries result;
    size_t lo = 0;  // first point after the window start
    size_t hi = 0;  // first point after the window end
    for (size_t i = 0; i < steps; ++i) {
      const int64_t t = range.Time(i);
      const int64_t ref = in.RefTime(t);
      const int64_t start = ref - in.range_ms;
      while (hi < points.size() && points[hi].t <= ref) ++hi;
      while (lo < points.size() && points[lo].t <= start) ++lo;
      if (lo >= hi) continue;
      absl::Span<const Sample> window(points.data() + lo, hi - lo);
      TSDB_ASSIGN_OR_RETURN(std::optional<double> v,
                            ApplyRangeFn(fn, window, RangeWindow{start, ref}, t, args, i, &annos));
      if (!v) continue;
      if (fn == RangeFn::kAbsentOverTime) {
        present[i] = true;
        continue;
      }
      result.points.push_back(Sample{t, *v});
    }
    if (result.points.empty()) continue;
    if (counter_hint) {
      const std::string_view metric = s.labels.MetricName();
      if (!metric.empty() && !EndsWith(metric, "_total") && !EndsWith(metric, "_sum") &&
          !EndsWith(metric, "_count") && !EndsWith(metric, "_bucket")) {
        annos.AddInfo(PossibleNonCounterInfo(metric));
      }
    }
    TSDB_RETURN_IF_ERROR(ev->Hold(static_cast<int64_t>(result.points.size())));
    result.labels = std::move(s.labels);
    result.drop_name = s.drop_name;
    if (drop_name) DropMetricName(&result, delayed);
    out.series.push_back(std::move(result));
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
