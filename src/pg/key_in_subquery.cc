// `key IN (SELECT ...)` on a tsdb table's series key becomes
// `key = ANY (ARRAY(SELECT ...))` before planning (planner_hook).
//
// Why: PostgreSQL plans the IN as a semi-join, so the aggregation above it
// reads a join and TsdbAggregate cannot take it, and the tsdb table is probed
// once per outer row. As `= ANY (ARRAY(...))` the subquery runs once as an
// InitPlan, the scan probes the series key index once per value it returns
// (scan_quals.h), and an aggregation over the table alone can run as
// TsdbAggregate. TSBS's TimescaleDB queries filter hosts exactly so:
// `tags_id IN (SELECT id FROM tags WHERE hostname IN (...))`.
//
// The two mean the same for every input: a NULL key gives NULL either way;
// no row from the subquery gives false; a subquery row that is NULL makes a
// non-matching key NULL in both; duplicates change nothing (IN is a
// semi-join). Rewritten only when the subquery does not refer to the outer
// query (it runs once), returns one column whose type has an array type,
// and the operator is the equality PostgreSQL chose for the IN.
#include "pg/guard.h"  // first: C++ headers before Postgres's
#include "pg/internal_catalog.h"
#include "pg/table_layout.h"

extern "C" {
#include "access/table.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/planner.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteManip.h"
#include "utils/rel.h"
}

namespace tsdb::pg {
namespace {

planner_hook_type previous_planner = nullptr;

// Whether var (of `query`'s range table) is a series key column of a tsdb
// table.
bool IsSeriesKeyColumn(Query* query, Var* var) {
  if (var->varlevelsup != 0 || var->varattno <= 0) return false;
  RangeTblEntry* rte = rt_fetch(var->varno, query->rtable);
  if (rte->rtekind != RTE_RELATION || rte->relkind != RELKIND_RELATION) return false;
  Relation rel = table_open(rte->relid, NoLock);  // locked by parse analysis
  bool found = false;
  if (IsTsdbRelation(rel)) {
    TableLayout layout = LoadTableLayout(rel);
    for (int k = 0; k < layout.nkeys && !found; ++k) found = layout.keys[k] == var->varattno;
  }
  table_close(rel, NoLock);
  return found;
}

// The rewritten form of one AND-ed condition, or the condition itself.
Node* RewriteCondition(Query* query, Node* node) {
  if (node == nullptr || !IsA(node, SubLink)) return node;
  SubLink* sublink = reinterpret_cast<SubLink*>(node);
  if (sublink->subLinkType != ANY_SUBLINK || sublink->testexpr == nullptr ||
      !IsA(sublink->testexpr, OpExpr)) {
    return node;
  }
  OpExpr* op = reinterpret_cast<OpExpr*>(sublink->testexpr);
  if (list_length(op->args) != 2) return node;
  Node* left = static_cast<Node*>(linitial(op->args));
  Node* right = static_cast<Node*>(lsecond(op->args));
  Node* key = left;
  while (key != nullptr && IsA(key, RelabelType)) {
    key = reinterpret_cast<Node*>(reinterpret_cast<RelabelType*>(key)->arg);
  }
  if (key == nullptr || !IsA(key, Var) || !IsA(right, Param) ||
      reinterpret_cast<Param*>(right)->paramkind != PARAM_SUBLINK) {
    return node;
  }
  Query* subquery = reinterpret_cast<Query*>(sublink->subselect);
  int columns = 0;
  Oid column_type = InvalidOid;
  ListCell* cell;
  foreach (cell, subquery->targetList) {
    TargetEntry* entry = lfirst_node(TargetEntry, cell);
    if (entry->resjunk) continue;
    ++columns;
    column_type = exprType(reinterpret_cast<Node*>(entry->expr));
  }
  // The operator's right input is the subquery's column as it is (no
  // coercion was inserted on the Param side).
  const Oid array_type = OidIsValid(column_type) ? get_array_type(column_type) : InvalidOid;
  if (columns != 1 || !OidIsValid(array_type) || exprType(right) != column_type ||
      contain_vars_of_level(reinterpret_cast<Node*>(subquery), 1) ||
      !IsSeriesKeyColumn(query, reinterpret_cast<Var*>(key))) {
    return node;
  }
  SubLink* array = makeNode(SubLink);
  array->subLinkType = ARRAY_SUBLINK;
  array->subLinkId = 0;
  array->testexpr = nullptr;
  array->operName = NIL;
  array->subselect = reinterpret_cast<Node*>(subquery);
  array->location = sublink->location;
  ScalarArrayOpExpr* any = makeNode(ScalarArrayOpExpr);
  any->opno = op->opno;
  any->opfuncid = op->opfuncid;
  any->hashfuncid = InvalidOid;
  any->negfuncid = InvalidOid;
  any->useOr = true;
  any->inputcollid = op->inputcollid;
  any->args = list_make2(left, array);
  any->location = op->location;
  return reinterpret_cast<Node*>(any);
}

// Rewrites the top-level AND-ed conditions of a WHERE clause.
Node* RewriteQual(Query* query, Node* qual) {
  if (qual == nullptr) return qual;
  if (IsA(qual, BoolExpr) && reinterpret_cast<BoolExpr*>(qual)->boolop == AND_EXPR) {
    BoolExpr* conjunction = reinterpret_cast<BoolExpr*>(qual);
    ListCell* cell;
    foreach (cell, conjunction->args) {
      lfirst(cell) = RewriteCondition(query, static_cast<Node*>(lfirst(cell)));
    }
    return qual;
  }
  return RewriteCondition(query, qual);
}

// The query, its CTEs and its FROM subqueries.
void RewriteQuery(Query* query) {
  if (query->commandType != CMD_SELECT) return;
  if (query->jointree != nullptr) {
    query->jointree->quals = RewriteQual(query, query->jointree->quals);
  }
  ListCell* cell;
  foreach (cell, query->cteList) {
    CommonTableExpr* cte = lfirst_node(CommonTableExpr, cell);
    if (IsA(cte->ctequery, Query)) RewriteQuery(reinterpret_cast<Query*>(cte->ctequery));
  }
  foreach (cell, query->rtable) {
    RangeTblEntry* rte = lfirst_node(RangeTblEntry, cell);
    if (rte->rtekind == RTE_SUBQUERY && rte->subquery != nullptr) RewriteQuery(rte->subquery);
  }
}

PlannedStmt* Planner(Query* parse, const char* query_string, int cursor_options,
                     ParamListInfo bound_params) {
  Guarded([&] { PgCall([&] { RewriteQuery(parse); }); });
  if (previous_planner != nullptr) {
    return previous_planner(parse, query_string, cursor_options, bound_params);
  }
  return standard_planner(parse, query_string, cursor_options, bound_params);
}

}  // namespace

void InitKeyInSubquery() {
  previous_planner = planner_hook;
  planner_hook = Planner;
}

}  // namespace tsdb::pg
