// Aggregations (sum, avg, ..., topk, quantile, count_values, limitk).
#include "promql/evaluator.h"

namespace tsdb::promql {

Result<Value> Evaluator::EvalAggregate(const AggregateExpr& e, const StepRange& range) {
  (void)range;
  return Unsupported("aggregation %s is not implemented yet", std::string(KindText(e.op)));
}

}  // namespace tsdb::promql
