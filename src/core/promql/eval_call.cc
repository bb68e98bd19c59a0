// Function calls.
#include "promql/evaluator.h"

namespace tsdb::promql {

Result<Value> Evaluator::EvalCall(const Call& e, const StepRange& range) {
  (void)range;
  return Unsupported("function %s is not implemented yet", std::string(e.func->name));
}

}  // namespace tsdb::promql
