// Type checking of a parsed PromQL tree, as Prometheus's checkAST: operand
// types of operators, functions and aggregations, vector matching rules,
// selectors that would match everything. Also settles what Prometheus
// settles there: set operators match many-to-many, and vector matching is
// dropped unless both operands are instant vectors.
#ifndef TSDB_SRC_CORE_PROMQL_CHECK_H_
#define TSDB_SRC_CORE_PROMQL_CHECK_H_

#include <string_view>

#include "tsdb/promql/ast.h"
#include "tsdb/promql/parser.h"

namespace tsdb::promql {

// False with the first problem in *error. `query` is the text `expr` was
// parsed from (operator positions are found in it).
bool CheckAst(std::string_view query, Expr* expr, ParseError* error);

}  // namespace tsdb::promql

#endif  // TSDB_SRC_CORE_PROMQL_CHECK_H_
