// Evaluation: dispatch by node kind, selectors, subqueries, literals,
// unary minus, duration expressions, and the two query entry points.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "promql/evaluator.h"

namespace tsdb::promql {

Status SeriesSource::SelectEach(const std::vector<LabelMatcher>& matchers, int64_t min_time_ms,
                                int64_t max_time_ms, const std::function<Status(Series&)>& fn) {
  std::vector<Series> all;
  TSDB_RETURN_IF_ERROR(Select(matchers, min_time_ms, max_time_ms, &all));
  for (Series& s : all) TSDB_RETURN_IF_ERROR(fn(s));
  return Status();
}

Status SeriesSource::SelectLatest(const std::vector<LabelMatcher>& matchers, int64_t min_time_ms,
                                  int64_t max_time_ms, const std::function<Status(Series&)>& fn) {
  return SelectEach(matchers, min_time_ms, max_time_ms, [&](Series& s) -> Status {
    // The newest sample in range (the source may include others).
    auto it = s.samples.end();
    while (it != s.samples.begin() && std::prev(it)->t > max_time_ms) --it;
    if (it == s.samples.begin() || std::prev(it)->t < min_time_ms) return Status();
    const Sample newest = *std::prev(it);
    s.samples.assign(1, newest);
    return fn(s);
  });
}

Value ScalarValue(double v, size_t steps) {
  Value out;
  out.type = ValueType::kScalar;
  out.scalars.assign(steps, v);
  return out;
}

void DropMetricName(StepSeries* s, bool delayed) {
  if (delayed) {
    s->drop_name = true;
  } else {
    s->labels.DropMetricName();
  }
}

namespace {

struct LabelsHash {
  size_t operator()(const Labels& l) const { return static_cast<size_t>(l.Hash()); }
};

}  // namespace

Status MergeSameLabels(std::vector<StepSeries>* series) {
  absl::flat_hash_map<Labels, size_t, LabelsHash> index;
  bool duplicates = false;
  for (const StepSeries& s : *series) {
    if (!index.try_emplace(s.labels, 0).second) {
      duplicates = true;
      break;
    }
  }
  if (!duplicates) return Status();
  index.clear();
  std::vector<StepSeries> merged;
  for (StepSeries& s : *series) {
    auto [it, inserted] = index.try_emplace(s.labels, merged.size());
    if (inserted) {
      merged.push_back(std::move(s));
      continue;
    }
    StepSeries& out = merged[it->second];
    std::vector<Sample> points;
    points.reserve(out.points.size() + s.points.size());
    std::merge(out.points.begin(), out.points.end(), s.points.begin(), s.points.end(),
               std::back_inserter(points),
               [](const Sample& a, const Sample& b) { return a.t < b.t; });
    for (size_t p = 1; p < points.size(); ++p) {
      if (points[p].t == points[p - 1].t) {
        return InvalidArgument("vector cannot contain metrics with the same labelset");
      }
    }
    out.points = std::move(points);
    out.drop_name = out.drop_name && s.drop_name;
  }
  *series = std::move(merged);
  return Status();
}

Evaluator::Evaluator(SeriesSource* source, const EngineOptions& options, int64_t query_start,
                     int64_t query_end, int64_t query_step)
    : source_(source),
      options_(options),
      query_start_(query_start),
      query_end_(query_end),
      query_step_(query_step) {}

Status Evaluator::Hold(int64_t samples) {
  held_samples_ += samples;
  if (held_samples_ > options_.max_samples) {
    return LimitExceeded("query processing would load too many samples into memory in query "
                         "execution");
  }
  return Status();
}

Status Evaluator::CheckInterrupt() const {
  if (options_.check_interrupt) return options_.check_interrupt();
  return Status();
}

namespace {

// Evaluates a duration expression in seconds.
Result<double> DurationSeconds(const Expr& e, double step_s, double range_s) {
  if (e.kind == NodeKind::kNumberLiteral) return As<NumberLiteral>(e).value;
  if (e.kind != NodeKind::kDuration) return InvalidArgument("unexpected node in a duration");
  const auto& d = As<DurationExpr>(e);
  switch (d.op) {
    case TokenKind::kStep: return step_s;
    case TokenKind::kRange: return range_s;
    default: break;
  }
  TSDB_ASSIGN_OR_RETURN(double rhs, DurationSeconds(*d.rhs, step_s, range_s));
  if (d.lhs == nullptr) return d.op == TokenKind::kSub ? -rhs : rhs;
  TSDB_ASSIGN_OR_RETURN(double lhs, DurationSeconds(*d.lhs, step_s, range_s));
  switch (d.op) {
    case TokenKind::kAdd: return lhs + rhs;
    case TokenKind::kSub: return lhs - rhs;
    case TokenKind::kMul: return lhs * rhs;
    case TokenKind::kDiv:
      if (rhs == 0) return InvalidArgument("division by zero");
      return lhs / rhs;
    case TokenKind::kMod:
      if (rhs == 0) return InvalidArgument("modulo by zero");
      return std::fmod(lhs, rhs);
    case TokenKind::kPow: return std::pow(lhs, rhs);
    case TokenKind::kMin: return std::min(lhs, rhs);
    case TokenKind::kMax: return std::max(lhs, rhs);
    default: return InvalidArgument("unexpected operator in a duration");
  }
}

}  // namespace

Result<int64_t> Evaluator::ResolveDuration(int64_t literal_ms, const ExprPtr& expr) const {
  if (expr == nullptr) return literal_ms;
  TSDB_ASSIGN_OR_RETURN(double seconds,
                        DurationSeconds(*expr, static_cast<double>(query_step_) / 1000.0,
                                        static_cast<double>(query_end_ - query_start_) / 1000.0));
  // time.Duration holds +-2^63 nanoseconds.
  if (!(std::fabs(seconds) <= 9223372036.0)) return InvalidArgument("duration out of range");
  return static_cast<int64_t>(seconds * 1000);
}

Result<int64_t> Evaluator::OffsetOf(const TimeModifiers& t) const {
  return ResolveDuration(t.original_offset_ms, t.offset_expr);
}

std::optional<int64_t> Evaluator::AtOf(const TimeModifiers& t) const {
  if (t.at_ms) return t.at_ms;
  if (t.at_anchor == AtAnchor::kStart) return query_start_;
  if (t.at_anchor == AtAnchor::kEnd) return query_end_;
  return std::nullopt;
}

Result<std::vector<Series>> Evaluator::Select(const VectorSelector& vs, int64_t min_time,
                                              int64_t max_time) {
  std::vector<Series> series;
  TSDB_RETURN_IF_ERROR(source_->Select(vs.matchers, min_time, max_time, &series));
  int64_t samples = 0;
  for (const Series& s : series) samples += static_cast<int64_t>(s.samples.size());
  TSDB_RETURN_IF_ERROR(Hold(samples));
  return series;
}

Result<Value> Evaluator::EvalVectorSelector(const VectorSelector& vs, const StepRange& range,
                                            bool sample_times) {
  TSDB_ASSIGN_OR_RETURN(int64_t offset, OffsetOf(vs.time));
  const std::optional<int64_t> at = AtOf(vs.time);
  auto ref = [&](int64_t t) { return (at ? *at : t) - offset; };
  const int64_t first_ref = ref(range.start);
  const int64_t last_ref = ref(range.end);
  Value out;
  out.type = ValueType::kVector;
  const size_t steps = range.Count();
  // `smoothed` interpolates between the sample at or before each step and
  // the next one (within the lookback after it), so it reads that far on.
  const int64_t lookback = options_.lookback_delta_ms;
  const int64_t read_to = vs.smoothed ? last_ref + lookback : last_ref;
  // Series by series, as the source reads them: the query holds the step
  // points, not every sample of the selection. At a single reference time
  // (an instant query, or `@`) only each series' newest sample counts.
  const auto per_series = [&](Series& s) -> Status {
    TSDB_RETURN_IF_ERROR(CheckInterrupt());
    const auto held = static_cast<int64_t>(s.samples.size());
    TSDB_RETURN_IF_ERROR(Hold(held));
    StepSeries step_series;
    const std::vector<Sample>& samples = s.samples;
    size_t next = 0;  // samples before `next` are at or before the current ref
    for (size_t i = 0; i < steps; ++i) {
      const int64_t t = range.Time(i);
      const int64_t r = ref(t);
      while (next < samples.size() && samples[next].t <= r) ++next;
      if (next == 0) continue;
      const Sample& last = samples[next - 1];
      if (last.t <= r - lookback || IsStaleNaN(last.v)) continue;
      double v = sample_times ? static_cast<double>(last.t) / 1000.0 : last.v;
      if (vs.smoothed && !sample_times && last.t < r && next < samples.size()) {
        // Linear between the samples around the step (not counter-aware:
        // Prometheus interpolates a reset's drop too).
        const Sample& after = samples[next];
        if (after.t <= r + lookback && !IsStaleNaN(after.v)) {
          v = last.v + (after.v - last.v) * static_cast<double>(r - last.t) /
                           static_cast<double>(after.t - last.t);
        }
      }
      step_series.points.push_back(Sample{t, v});
    }
    Release(held);
    if (step_series.points.empty()) return Status();
    TSDB_RETURN_IF_ERROR(Hold(static_cast<int64_t>(step_series.points.size())));
    step_series.labels = std::move(s.labels);
    out.series.push_back(std::move(step_series));
    return Status();
  };
  const int64_t read_from = first_ref - lookback + 1;
  if (first_ref == last_ref && !vs.smoothed) {
    TSDB_RETURN_IF_ERROR(source_->SelectLatest(vs.matchers, read_from, read_to, per_series));
  } else {
    TSDB_RETURN_IF_ERROR(source_->SelectEach(vs.matchers, read_from, read_to, per_series));
  }
  return out;
}

Result<RangeInput> Evaluator::EvalRangeInput(const Expr& e, const StepRange& range) {
  RangeInput in;
  if (e.kind == NodeKind::kMatrixSelector) {
    const auto& ms = As<MatrixSelector>(e);
    const auto& vs = As<VectorSelector>(*ms.vector_selector);
    TSDB_ASSIGN_OR_RETURN(in.range_ms, ResolveDuration(ms.range_ms, ms.range_expr));
    if (in.range_ms <= 0) return InvalidArgument("duration must be greater than 0");
    TSDB_ASSIGN_OR_RETURN(in.offset_ms, OffsetOf(vs.time));
    in.at_ms = AtOf(vs.time);
    in.from_selector = true;
    in.selector = &vs;
    const int64_t first_ref = in.RefTime(range.start);
    const int64_t last_ref = in.RefTime(range.end);
    TSDB_ASSIGN_OR_RETURN(std::vector<Series> selected,
                          Select(vs, first_ref - in.range_ms + 1, last_ref));
    in.series.reserve(selected.size());
    for (Series& s : selected) {
      StepSeries raw;
      raw.labels = std::move(s.labels);
      // Range selections never include stale markers.
      s.samples.erase(std::remove_if(s.samples.begin(), s.samples.end(),
                                     [](const Sample& p) { return IsStaleNaN(p.v); }),
                      s.samples.end());
      raw.points = std::move(s.samples);
      in.series.push_back(std::move(raw));
    }
    return in;
  }
  if (e.kind != NodeKind::kSubquery) {
    return InvalidArgument("expected a range vector selector or a subquery");
  }
  const auto& sq = As<SubqueryExpr>(e);
  TSDB_ASSIGN_OR_RETURN(in.range_ms, ResolveDuration(sq.range_ms, sq.range_expr));
  if (in.range_ms <= 0) return InvalidArgument("duration must be greater than 0");
  TSDB_ASSIGN_OR_RETURN(int64_t step, ResolveDuration(sq.step_ms, sq.step_expr));
  if (step == 0 && sq.step_expr == nullptr) step = options_.default_subquery_step_ms;
  if (step <= 0) return InvalidArgument("subquery step must be greater than 0, got %d ms", step);
  TSDB_ASSIGN_OR_RETURN(in.offset_ms, OffsetOf(sq.time));
  in.at_ms = AtOf(sq.time);
  // The inner steps: multiples of the step from the epoch, from the first
  // one after the earliest window's start to the last window's end.
  const int64_t window_start = in.RefTime(range.start) - in.range_ms;
  StepRange inner;
  inner.step = step;
  inner.start = step * (window_start / step);
  if (inner.start <= window_start) inner.start += step;
  inner.end = in.RefTime(range.end);
  if (inner.end < inner.start) return in;
  inner.end = inner.start + (inner.end - inner.start) / step * step;
  TSDB_ASSIGN_OR_RETURN(Value v, Eval(*sq.expr, inner));
  if (v.type != ValueType::kVector) return InvalidArgument("subquery of a non-vector expression");
  in.series = std::move(v.series);
  return in;
}

Status Evaluator::StreamRangeSelector(const MatrixSelector& ms, const StepRange& range,
                                      RangeInput* meta,
                                      const std::function<Status(Series&)>& fn) {
  const auto& vs = As<VectorSelector>(*ms.vector_selector);
  TSDB_ASSIGN_OR_RETURN(meta->range_ms, ResolveDuration(ms.range_ms, ms.range_expr));
  if (meta->range_ms <= 0) return InvalidArgument("duration must be greater than 0");
  TSDB_ASSIGN_OR_RETURN(meta->offset_ms, OffsetOf(vs.time));
  meta->at_ms = AtOf(vs.time);
  meta->from_selector = true;
  meta->selector = &vs;
  const int64_t first_ref = meta->RefTime(range.start);
  const int64_t last_ref = meta->RefTime(range.end);
  return source_->SelectEach(
      vs.matchers, first_ref - meta->range_ms + 1, last_ref, [&](Series& s) -> Status {
        TSDB_RETURN_IF_ERROR(CheckInterrupt());
        const auto held = static_cast<int64_t>(s.samples.size());
        TSDB_RETURN_IF_ERROR(Hold(held));
        // Range selections never include stale markers.
        s.samples.erase(std::remove_if(s.samples.begin(), s.samples.end(),
                                       [](const Sample& p) { return IsStaleNaN(p.v); }),
                        s.samples.end());
        Status status = fn(s);
        Release(held);
        return status;
      });
}

// A range vector as a query result: the window at the one step.
Result<Value> Evaluator::EvalMatrixValue(const Expr& e, const StepRange& range) {
  if (range.Count() != 1) {
    return InvalidArgument("a range vector can only be evaluated at one time");
  }
  TSDB_ASSIGN_OR_RETURN(RangeInput in, EvalRangeInput(e, range));
  const int64_t ref = in.RefTime(range.start);
  Value out;
  out.type = ValueType::kMatrix;
  for (StepSeries& s : in.series) {
    StepSeries window;
    for (const Sample& p : s.points) {
      if (p.t > ref - in.range_ms && p.t <= ref) window.points.push_back(p);
    }
    if (window.points.empty()) continue;
    window.labels = std::move(s.labels);
    window.drop_name = s.drop_name;
    out.series.push_back(std::move(window));
  }
  return out;
}

Result<Value> Evaluator::EvalUnary(const UnaryExpr& e, const StepRange& range) {
  TSDB_ASSIGN_OR_RETURN(Value v, Eval(*e.expr, range));
  if (e.op != TokenKind::kSub) return v;
  if (v.type == ValueType::kScalar) {
    for (double& x : v.scalars) x = -x;
    return v;
  }
  for (StepSeries& s : v.series) {
    for (Sample& p : s.points) p.v = -p.v;
    DropMetricName(&s, options_.delayed_name_removal);
  }
  if (!options_.delayed_name_removal) TSDB_RETURN_IF_ERROR(MergeSameLabels(&v.series));
  return v;
}

Result<Value> Evaluator::Eval(const Expr& e, const StepRange& range) {
  TSDB_RETURN_IF_ERROR(CheckInterrupt());
  // Every node produces up to a value per step: a range with more steps
  // than samples may be held (a subquery like x[100y:1ms]) cannot fit.
  if (range.end < range.start || range.step <= 0 ||
      (range.end - range.start) / range.step >= options_.max_samples) {
    return LimitExceeded("query processing would load too many samples into memory in query "
                         "execution");
  }
  switch (e.kind) {
    case NodeKind::kNumberLiteral: return ScalarValue(As<NumberLiteral>(e).value, range.Count());
    case NodeKind::kStringLiteral: {
      Value out;
      out.type = ValueType::kString;
      out.str = As<StringLiteral>(e).value;
      return out;
    }
    case NodeKind::kParen: return Eval(*As<ParenExpr>(e).expr, range);
    case NodeKind::kVectorSelector: return EvalVectorSelector(As<VectorSelector>(e), range);
    case NodeKind::kMatrixSelector:
    case NodeKind::kSubquery:
      return EvalMatrixValue(e, range);
    case NodeKind::kUnary: return EvalUnary(As<UnaryExpr>(e), range);
    case NodeKind::kBinary: return EvalBinary(As<BinaryExpr>(e), range);
    case NodeKind::kAggregate: return EvalAggregate(As<AggregateExpr>(e), range);
    case NodeKind::kCall: return EvalCall(As<Call>(e), range);
    case NodeKind::kDuration: {
      TSDB_ASSIGN_OR_RETURN(
          double seconds,
          DurationSeconds(e, static_cast<double>(query_step_) / 1000.0,
                          static_cast<double>(query_end_ - query_start_) / 1000.0));
      return ScalarValue(seconds, range.Count());
    }
  }
  return InvalidArgument("unknown expression node");
}

namespace {

// The end of a query: names marked for delayed removal go, and series that
// end up with the same labels merge (or collide).
Status FinishSeries(std::vector<StepSeries>* series, bool delayed) {
  if (delayed) {
    for (StepSeries& s : *series) {
      if (s.drop_name) s.labels.DropMetricName();
    }
  }
  return MergeSameLabels(series);
}

}  // namespace

Result<QueryResult> EvalInstant(const Expr& expr, int64_t time_ms, SeriesSource* source,
                                const EngineOptions& options) {
  Evaluator evaluator(source, options, time_ms, time_ms, 0);
  StepRange range{time_ms, time_ms, 1};
  TSDB_ASSIGN_OR_RETURN(Value v, evaluator.Eval(expr, range));
  QueryResult result;
  result.type = v.type;
  result.time_ms = time_ms;
  switch (v.type) {
    case ValueType::kScalar: result.scalar = v.scalars[0]; break;
    case ValueType::kString: result.string = std::move(v.str); break;
    case ValueType::kVector: {
      TSDB_RETURN_IF_ERROR(FinishSeries(&v.series, options.delayed_name_removal));
      for (StepSeries& s : v.series) {
        result.vector.push_back(VectorElement{std::move(s.labels), time_ms, s.points[0].v});
      }
      break;
    }
    case ValueType::kMatrix: {
      if (options.delayed_name_removal) {
        for (StepSeries& s : v.series) {
          if (s.drop_name) s.labels.DropMetricName();
        }
      }
      for (StepSeries& s : v.series) {
        result.matrix.push_back(Series{std::move(s.labels), std::move(s.points)});
      }
      break;
    }
    case ValueType::kNone: return InvalidArgument("expression has no value");
  }
  result.annotations = std::move(evaluator.annotations());
  return result;
}

Result<QueryResult> EvalRange(const Expr& expr, int64_t start_ms, int64_t end_ms, int64_t step_ms,
                              SeriesSource* source, const EngineOptions& options) {
  const ValueType type = expr.Type();
  if (type != ValueType::kScalar && type != ValueType::kVector) {
    return InvalidArgument(
        "invalid expression type \"%s\" for range query, must be Scalar or instant Vector",
        DocumentedType(type));
  }
  if (step_ms <= 0) return InvalidArgument("zero or negative query resolution step widths are not accepted");
  if (end_ms < start_ms) return InvalidArgument("end timestamp must not be before start time");
  Evaluator evaluator(source, options, start_ms, end_ms, step_ms);
  StepRange range{start_ms, end_ms, step_ms};
  TSDB_ASSIGN_OR_RETURN(Value v, evaluator.Eval(expr, range));
  QueryResult result;
  result.type = ValueType::kMatrix;
  if (v.type == ValueType::kScalar) {
    Series s;
    for (size_t i = 0; i < v.scalars.size(); ++i) s.samples.push_back({range.Time(i), v.scalars[i]});
    result.matrix.push_back(std::move(s));
  } else {
    TSDB_RETURN_IF_ERROR(FinishSeries(&v.series, options.delayed_name_removal));
    for (StepSeries& s : v.series) {
      result.matrix.push_back(Series{std::move(s.labels), std::move(s.points)});
    }
    std::sort(result.matrix.begin(), result.matrix.end(),
              [](const Series& a, const Series& b) { return a.labels < b.labels; });
  }
  result.annotations = std::move(evaluator.annotations());
  return result;
}

}  // namespace tsdb::promql
