// The families of PromQL functions behind Evaluator::EvalCall, each in a
// file of its own, and the helpers they share:
//   eval_range_functions.cc      functions of a range vector (rate, *_over_time, ...)
//   eval_instant_functions.cc    per-sample math, dates, clamp, round, timestamp,
//                                and the scalar functions (time, pi, scalar, vector, ...)
//   eval_label_functions.cc      label_replace, label_join, sort*, absent
//   eval_histogram_functions.cc  histogram_quantile(s) and histogram_fraction of
//                                classic `le` buckets
//   eval_info_function.cc        info()
#ifndef TSDB_SRC_CORE_PROMQL_EVAL_CALL_H_
#define TSDB_SRC_CORE_PROMQL_EVAL_CALL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "promql/evaluator.h"
#include "tsdb/promql/matcher.h"

namespace tsdb::promql {

Result<Value> EvalRangeFunction(Evaluator* ev, const Call& e, const StepRange& range);
Result<Value> EvalInstantFunction(Evaluator* ev, const Call& e, const StepRange& range);
Result<Value> EvalLabelFunction(Evaluator* ev, const Call& e, const StepRange& range);
Result<Value> EvalHistogramFunction(Evaluator* ev, const Call& e, const StepRange& range);
Result<Value> EvalInfoFunction(Evaluator* ev, const Call& e, const StepRange& range);

struct LabelSetHash {
  size_t operator()(const Labels& l) const { return static_cast<size_t>(l.Hash()); }
};
using LabelSetSet = absl::flat_hash_set<Labels, LabelSetHash>;

// Prometheus removes the parentheses around function arguments before
// evaluating (PreprocessExpr), so `timestamp((m))` still reads sample times
// and `label_replace(m, ("dst"), ...)` takes its strings.
const Expr& UnwrapParens(const Expr& e);

// A scalar argument's value at every step.
Result<std::vector<double>> EvalScalarArg(Evaluator* ev, const Expr& e, const StepRange& range);

// The value of a string argument. REQUIRES: a string literal, possibly in
// parentheses (the parser admits nothing else where a string is expected).
std::string StringArg(const Expr& e);

// The labels absent() and absent_over_time() give their output: those of the
// equality matchers of a selector argument (not __name__), minus any label
// matched more than once or by another kind of matcher; none for other
// arguments.
Labels AbsentLabels(const Expr& arg);

// Drops the metric name from every series of a function's result, as
// Prometheus's functions do: immediately (merging series that end up equal,
// and failing when two have a point at one step) or, with delayed removal,
// by marking them.
Status DropNamesAndMerge(Evaluator* ev, std::vector<StepSeries>* series);

// Reads a set of step series step by step, each series at most once per
// step (points are at step times, ascending).
class StepReader {
 public:
  explicit StepReader(const std::vector<StepSeries>& series)
      : series_(&series), next_(series.size(), 0) {}

  // The value of series i at time t, if it has a point there. Calls for one
  // series must come with non-decreasing t.
  bool At(size_t i, int64_t t, double* v) {
    const std::vector<Sample>& points = (*series_)[i].points;
    size_t& n = next_[i];
    while (n < points.size() && points[n].t < t) ++n;
    if (n < points.size() && points[n].t == t) {
      *v = points[n].v;
      return true;
    }
    return false;
  }

 private:
  const std::vector<StepSeries>* series_;
  std::vector<size_t> next_;
};

}  // namespace tsdb::promql

#endif  // TSDB_SRC_CORE_PROMQL_EVAL_CALL_H_
