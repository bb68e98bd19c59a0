// The evaluator behind engine.h. Every node is evaluated once over all the
// steps of its range, as in Prometheus's engine: an instant vector is a set
// of series with one point per step where the series has a value, a scalar
// one value per step. Work that keeps series apart (selectors, range
// functions, per-sample functions, vector-scalar arithmetic) runs series by
// series; operators that combine series (vector matching, aggregation) run
// step by step with each series' match or group key computed once.
//
// The node kinds are evaluated in files of their own: eval.cc (dispatch,
// selectors, subqueries, literals), eval_binary.cc, eval_aggregate.cc,
// eval_call.cc.
#ifndef TSDB_SRC_CORE_PROMQL_EVALUATOR_H_
#define TSDB_SRC_CORE_PROMQL_EVALUATOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tsdb/promql/ast.h"
#include "tsdb/promql/engine.h"

namespace tsdb::promql {

// The steps a node is evaluated at: start, start + step, ..., end.
struct StepRange {
  int64_t start = 0;
  int64_t end = 0;
  int64_t step = 1;  // > 0, also for a single step

  size_t Count() const { return static_cast<size_t>((end - start) / step) + 1; }
  int64_t Time(size_t i) const { return start + static_cast<int64_t>(i) * step; }
  // The index of a step time of this range.
  size_t Index(int64_t t) const { return static_cast<size_t>((t - start) / step); }
};

// One series of an instant vector over the steps: its points are at step
// times, ascending.
struct StepSeries {
  Labels labels;
  std::vector<Sample> points;
  // Delayed name removal: __name__ is still in `labels` but goes at the end.
  bool drop_name = false;
};

struct Value {
  ValueType type = ValueType::kNone;
  std::vector<double> scalars;     // kScalar: one per step
  std::string str;                 // kString
  std::vector<StepSeries> series;  // kVector (points at steps); kMatrix (raw samples, one step)
};

// A range-vector argument of a function: the samples of each series and,
// per step, the window (ref - range, ref] to read.
struct RangeInput {
  std::vector<StepSeries> series;  // raw samples (selector) or inner steps (subquery)
  int64_t range_ms = 0;
  int64_t offset_ms = 0;
  std::optional<int64_t> at_ms;
  bool from_selector = false;  // a matrix selector (not a subquery)
  const VectorSelector* selector = nullptr;  // when from_selector

  // The end of the window of the step at time t.
  int64_t RefTime(int64_t t) const { return (at_ms ? *at_ms : t) - offset_ms; }
};

class Evaluator {
 public:
  // The query's own range (for @ start()/end(), step() and range()).
  Evaluator(SeriesSource* source, const EngineOptions& options, int64_t query_start,
            int64_t query_end, int64_t query_step);

  Result<Value> Eval(const Expr& e, const StepRange& range);
  Annotations& annotations() { return annotations_; }
  const EngineOptions& options() const { return options_; }
  // The query's own range: start() and end(), step() (0 for an instant
  // query) and range() read these.
  int64_t query_start() const { return query_start_; }
  int64_t query_end() const { return query_end_; }
  int64_t query_step() const { return query_step_; }

  // Evaluates a matrix selector or subquery argument.
  Result<RangeInput> EvalRangeInput(const Expr& e, const StepRange& range);
  // A matrix selector's series one at a time (stale markers removed), for
  // functions that reduce each series on its own; `meta` gets the window
  // parameters (its `series` stay empty).
  Status StreamRangeSelector(const MatrixSelector& ms, const StepRange& range, RangeInput* meta,
                             const std::function<Status(Series&)>& fn);

  // A duration node (literal ms or expression) in milliseconds.
  Result<int64_t> ResolveDuration(int64_t literal_ms, const ExprPtr& expr) const;
  // The offset and @ time of a selector or subquery.
  Result<int64_t> OffsetOf(const TimeModifiers& t) const;
  std::optional<int64_t> AtOf(const TimeModifiers& t) const;

  // Accounts for samples held; fails past options().max_samples.
  Status Hold(int64_t samples);
  void Release(int64_t samples) { held_samples_ -= samples; }
  Status CheckInterrupt() const;

  // An instant selector's value at every step; with `sample_times`, each
  // point's value is the time of the sample it came from, in seconds (what
  // timestamp() of a selector returns).
  Result<Value> EvalVectorSelector(const VectorSelector& vs, const StepRange& range,
                                   bool sample_times = false);

  // Node kinds (eval_*.cc).
  Result<Value> EvalBinary(const BinaryExpr& e, const StepRange& range);
  Result<Value> EvalAggregate(const AggregateExpr& e, const StepRange& range);
  Result<Value> EvalCall(const Call& e, const StepRange& range);

 private:
  Result<Value> EvalUnary(const UnaryExpr& e, const StepRange& range);
  Result<Value> EvalMatrixValue(const Expr& e, const StepRange& range);
  Result<std::vector<Series>> Select(const VectorSelector& vs, int64_t min_time, int64_t max_time);

  SeriesSource* source_;
  EngineOptions options_;
  int64_t query_start_;
  int64_t query_end_;
  int64_t query_step_;
  int64_t held_samples_ = 0;
  Annotations annotations_;
};

// A scalar value repeated over the steps.
Value ScalarValue(double v, size_t steps);

// Merges series with equal label sets (after names were dropped) into one;
// two points at one step are Prometheus's "vector cannot contain metrics
// with the same labelset".
Status MergeSameLabels(std::vector<StepSeries>* series);

// Removes __name__ from series marked drop_name (delayed removal), or from
// every series when removal is immediate and `drop` is set.
void DropMetricName(StepSeries* s, bool delayed);

}  // namespace tsdb::promql

#endif  // TSDB_SRC_CORE_PROMQL_EVALUATOR_H_
