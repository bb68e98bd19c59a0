// info(v, [selector]): enriches series with the data labels of matching
// info metrics (target_info by default).
#include <string>

#include "promql/eval_call.h"

namespace tsdb::promql {

Result<Value> EvalInfoFunction(Evaluator* ev, const Call& e, const StepRange& range) {
  (void)ev;
  (void)range;
  return Unsupported("function %s is not supported yet", std::string(e.func->name));
}

}  // namespace tsdb::promql
