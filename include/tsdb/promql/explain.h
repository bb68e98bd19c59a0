// A readable plan of a parsed PromQL expression: one line per node,
// indented by depth, with the node's value type and, for selectors and
// subqueries, what they read. tsdb.promql_explain() returns these lines.
#ifndef TSDB_PROMQL_EXPLAIN_H_
#define TSDB_PROMQL_EXPLAIN_H_

#include <string>
#include <vector>

#include "tsdb/promql/ast.h"

namespace tsdb::promql {

// `lookback_ms` is the instant selectors' lookback (for the text only).
std::vector<std::string> ExplainLines(const Expr& expr, int64_t lookback_ms);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_EXPLAIN_H_
