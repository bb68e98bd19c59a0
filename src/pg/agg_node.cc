// Custom Scan (TsdbAggregate): GROUP BY aggregation of one tsdb table
// computed from decoded block columns, without forming a row per table row
// (docs/query.md).
//
// Planned from create_upper_paths_hook at UPPERREL_GROUP_AGG when
//  - the aggregation reads one tsdb table through a TsdbScan whose every
//    clause is one it prunes or filters by (scan_quals.h), so the block
//    rows it selects are exactly the rows of the WHERE clause;
//  - every GROUP BY expression is a column whose values are equal exactly
//    when their bytes are (integers, text under a deterministic collation,
//    uuid, bool, timestamps), or a time bucket of the time column:
//    date_trunc(unit, time [, zone]), date_bin(stride, time, origin),
//    time_bucket(width, time, ...) with constant other arguments;
//  - every aggregate is count(*), count(column), sum/avg/min/max of a
//    float8 column or min/max of a timestamp column, with no DISTINCT,
//    ORDER BY or FILTER.
// The node sits on its TsdbScan (a child plan, shown by EXPLAIN) and reads
// it through scan_node.h: hot rows one by one (the scan's qual applied),
// then blocks as columns with the selected rows. Rows are grouped into runs
// of equal group keys (a block is one series sorted by time, so runs are
// long) and each aggregate folds a run in a tight loop.
//
// Time buckets are computed by calling the bucket function itself, once per
// bucket rather than once per row: these functions are monotone in time,
// so when f(a) = f(b) every time in [a, b] has that bucket; the node keeps
// the intervals it has verified so (shared by every series).
//
// Results equal PostgreSQL's: the same transition rules (float8 sums and
// averages raise "value out of range: overflow" as float8pl/float8_accum
// do, NaN sorts above every number for min/max), one output row for an
// aggregate without GROUP BY even over no rows. Only the order in which a
// sum adds its values differs, as it does between any two plans.
//
// Newest buckets first: when the query groups by a time bucket alone,
// orders by it and keeps a few groups (TSBS's groupby-orderby-limit:
// `GROUP BY minute ORDER BY minute DESC LIMIT 5`), another path has its
// TsdbScan hand over the hot rows, then whole blocks by max_time
// descending; after each block, the buckets above the bucket of the next
// block's max_time are complete and go out. The groups come out in the
// query's order, and the Limit above stops the scan after the groups it
// keeps, so older blocks are never read. Oldest first (ASC), the scan
// merges rows in time order and each bucket goes out once the rows move
// past it.
//
// GUC tsdb.enable_aggregate_pushdown (on) turns it off.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
// Postgres headers (through guard.h) after every C++ header.
#include "pg/guard.h"
#include "pg/internal_catalog.h"
#include "pg/scan_node.h"
#include "pg/scan_quals.h"
#include "pg/table_layout.h"

extern "C" {
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_language_d.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_statistic.h"
#include "commands/defrem.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planner.h"
#include "optimizer/tlist.h"
#include "parser/parsetree.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/selfuncs.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

namespace tsdb::pg {
namespace {

constexpr const char* kAggName = "TsdbAggregate";

bool enable_aggregate_pushdown = true;
create_upper_paths_hook_type previous_upper_paths = nullptr;

enum class GroupKind : int { kColumn = 1, kBucket = 2 };

enum class AggKind : int {
  kCountStar = 1,
  kCount,
  kSumFloat8,
  kMinFloat8,
  kMaxFloat8,
  kAvgFloat8,
  kMinTime,
  kMaxTime,
  kFirst,  // first(column, time column)
  kLast,   // last(column, time column)
};

const char* AggKindName(AggKind kind) {
  switch (kind) {
    case AggKind::kCountStar: return "count(*)";
    case AggKind::kCount: return "count";
    case AggKind::kSumFloat8: return "sum";
    case AggKind::kMinFloat8:
    case AggKind::kMinTime: return "min";
    case AggKind::kMaxFloat8:
    case AggKind::kMaxTime: return "max";
    case AggKind::kAvgFloat8: return "avg";
    case AggKind::kFirst: return "first";
    case AggKind::kLast: return "last";
  }
  return "?";
}

// ---------------------------------------------------------------------------
// Planning

// Types whose values are equal exactly when their bytes are.
bool GroupsByBytes(Oid type) {
  switch (type) {
    case INT2OID:
    case INT4OID:
    case INT8OID:
    case TEXTOID:
    case VARCHAROID:
    case NAMEOID:
    case UUIDOID:
    case BOOLOID:
    case OIDOID:
    case TIMESTAMPOID:
    case TIMESTAMPTZOID:
    case DATEOID: return true;
    default: return false;
  }
}

Var* PlainVarOf(Node* node, Index relid) {
  if (node == nullptr || !IsA(node, Var)) return nullptr;
  Var* var = reinterpret_cast<Var*>(node);
  if (var->varno != static_cast<int>(relid) || var->varlevelsup != 0 || var->varattno <= 0) {
    return nullptr;
  }
  return var;
}

// The C symbol of a C-language function (its prosrc, palloc'd), or "".
const char* ProsrcOf(Oid funcid) {
  HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
  if (!HeapTupleIsValid(tuple)) return "";
  bool isnull;
  Datum src = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_prosrc, &isnull);
  const char* symbol = isnull ? "" : TextDatumGetCString(src);
  ReleaseSysCache(tuple);
  return symbol;
}

// Whether funcid is one of our time_bucket functions (any variant).
bool IsTimeBucket(Oid funcid) {
  HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
  if (!HeapTupleIsValid(tuple)) return false;
  Form_pg_proc proc = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple));
  bool ours = proc->prolang == ClanguageId;
  if (ours) {
    bool isnull;
    Datum src = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_prosrc, &isnull);
    ours = !isnull && strncmp(TextDatumGetCString(src), "tsdb_time_bucket_timestamp", 26) == 0;
  }
  ReleaseSysCache(tuple);
  return ours;
}

// Whether `expr` is a bucket of the time column: a monotone function of it
// with constant other arguments, the time as argument 2.
bool IsTimeBucketExpr(Node* expr, Index relid, AttrNumber time_attnum) {
  if (!IsA(expr, FuncExpr)) return false;
  FuncExpr* func = reinterpret_cast<FuncExpr*>(expr);
  if (func->funcretset || list_length(func->args) < 2) return false;
  switch (func->funcid) {
    case F_DATE_TRUNC_TEXT_TIMESTAMPTZ:
    case F_DATE_TRUNC_TEXT_TIMESTAMP:
    case F_DATE_TRUNC_TEXT_TIMESTAMPTZ_TEXT:
    case F_DATE_BIN_INTERVAL_TIMESTAMPTZ_TIMESTAMPTZ:
    case F_DATE_BIN_INTERVAL_TIMESTAMP_TIMESTAMP: break;
    default:
      if (!IsTimeBucket(func->funcid)) return false;
  }
  int position = 0;
  ListCell* cell;
  foreach (cell, func->args) {
    Node* arg = static_cast<Node*>(lfirst(cell));
    if (position == 1) {
      Var* var = PlainVarOf(arg, relid);
      if (var == nullptr || var->varattno != time_attnum) return false;
    } else if (!IsA(arg, Const)) {
      return false;
    }
    ++position;
  }
  return true;
}

// Whether aggfnoid is our first() or last() (by its transition function),
// and which.
bool IsBookend(Oid aggfnoid, bool* last) {
  HeapTuple tuple = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(aggfnoid));
  if (!HeapTupleIsValid(tuple)) return false;
  const Oid transition = reinterpret_cast<Form_pg_aggregate>(GETSTRUCT(tuple))->aggtransfn;
  ReleaseSysCache(tuple);
  tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(transition));
  if (!HeapTupleIsValid(tuple)) return false;
  bool ours = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple))->prolang == ClanguageId;
  if (ours) {
    bool isnull;
    Datum src = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_prosrc, &isnull);
    const char* name = isnull ? "" : TextDatumGetCString(src);
    *last = strcmp(name, "tsdb_last_transition") == 0;
    ours = *last || strcmp(name, "tsdb_first_transition") == 0;
  }
  ReleaseSysCache(tuple);
  return ours;
}

AggKind AggKindOf(Aggref* aggref, Index relid, TupleDesc desc, AggSplit split,
                  AttrNumber time_attnum, AttrNumber* attno) {
  *attno = 0;
  if (aggref->aggdistinct != NIL || aggref->aggorder != NIL || aggref->aggfilter != nullptr ||
      aggref->agglevelsup != 0 || aggref->aggkind != AGGKIND_NORMAL ||
      aggref->aggsplit != split || aggref->aggvariadic) {
    return AggKind(0);
  }
  if (aggref->aggfnoid == F_COUNT_) return AggKind::kCountStar;
  bool last;
  if (list_length(aggref->args) == 2 && IsBookend(aggref->aggfnoid, &last)) {
    // first/last(column, time column): not in a parallel plan's partial
    // step, whose state would be first/last's serialized internal state.
    Var* value = PlainVarOf(
        reinterpret_cast<Node*>(linitial_node(TargetEntry, aggref->args)->expr), relid);
    Var* time = PlainVarOf(
        reinterpret_cast<Node*>(lsecond_node(TargetEntry, aggref->args)->expr), relid);
    if (split != AGGSPLIT_SIMPLE || value == nullptr || time == nullptr ||
        value->varattno > desc->natts || time->varattno != time_attnum) {
      return AggKind(0);
    }
    *attno = value->varattno;
    return last ? AggKind::kLast : AggKind::kFirst;
  }
  if (list_length(aggref->args) != 1) return AggKind(0);
  Var* var = PlainVarOf(
      reinterpret_cast<Node*>(linitial_node(TargetEntry, aggref->args)->expr), relid);
  if (var == nullptr || var->varattno > desc->natts) return AggKind(0);
  *attno = var->varattno;
  const Oid type = TupleDescAttr(desc, var->varattno - 1)->atttypid;
  switch (aggref->aggfnoid) {
    case F_COUNT_ANY: return AggKind::kCount;
    case F_SUM_FLOAT8: return type == FLOAT8OID ? AggKind::kSumFloat8 : AggKind(0);
    case F_AVG_FLOAT8: return type == FLOAT8OID ? AggKind::kAvgFloat8 : AggKind(0);
    case F_MIN_FLOAT8: return type == FLOAT8OID ? AggKind::kMinFloat8 : AggKind(0);
    case F_MAX_FLOAT8: return type == FLOAT8OID ? AggKind::kMaxFloat8 : AggKind(0);
    case F_MIN_TIMESTAMPTZ:
    case F_MIN_TIMESTAMP: return AggKind::kMinTime;
    case F_MAX_TIMESTAMPTZ:
    case F_MAX_TIMESTAMP: return AggKind::kMaxTime;
    default: return AggKind(0);
  }
}

// The TsdbScan path (without parameters) among rel's paths, under a
// projection the planner may have added for the grouping input.
CustomPath* FindScanPath(RelOptInfo* rel) {
  ListCell* cell;
  foreach (cell, rel->pathlist) {
    Path* path = static_cast<Path*>(lfirst(cell));
    if (IsA(path, ProjectionPath)) path = reinterpret_cast<ProjectionPath*>(path)->subpath;
    if (IsTsdbScanPath(path) && path->param_info == nullptr) {
      return reinterpret_cast<CustomPath*>(path);
    }
  }
  return nullptr;
}

CustomPath* FindPartialScanPath(RelOptInfo* rel) {
  ListCell* cell;
  foreach (cell, rel->partial_pathlist) {
    Path* path = static_cast<Path*>(lfirst(cell));
    if (IsA(path, ProjectionPath)) path = reinterpret_cast<ProjectionPath*>(path)->subpath;
    if (IsTsdbScanPath(path) && path->parallel_aware) return reinterpret_cast<CustomPath*>(path);
  }
  return nullptr;
}

CustomPathMethods agg_path_methods;
CustomScanMethods agg_scan_methods;
CustomExecMethods agg_exec_methods;

// What the plan carries in custom_private: the group expressions' kinds and
// attribute numbers, the aggregates' kinds and attribute numbers (both as
// integer pairs), and the bucket expressions (FuncExpr or NULL per group).
// A TsdbAggregate path computing output_rel's target from input_rel, or
// null when the aggregation is not one it computes. `partial`: the partial
// aggregation of a parallel plan (output_rel is the partially grouped rel;
// each participant folds the blocks its parallel-aware TsdbScan claims and
// emits transition states that a Finalize Aggregate above a Gather
// combines).
CustomPath* BuildAggregatePath(PlannerInfo* root, RelOptInfo* input_rel, RelOptInfo* output_rel,
                               bool partial, double groups) {
  Query* parse = root->parse;
  if (parse->groupingSets != NIL || parse->hasTargetSRFs || parse->hasWindowFuncs ||
      input_rel->reloptkind != RELOPT_BASEREL) {
    return nullptr;
  }
  CustomPath* scan_path = partial ? FindPartialScanPath(input_rel) : FindScanPath(input_rel);
  if (scan_path == nullptr) return nullptr;
  RangeTblEntry* rte = planner_rt_fetch(input_rel->relid, root);
  Relation table = table_open(rte->relid, NoLock);
  TableLayout layout = LoadTableLayout(table);
  TupleDesc desc = RelationGetDescr(table);
  const Index relid = input_rel->relid;
  bool ok = AllClausesVectorized(root, input_rel, table, layout, input_rel->baserestrictinfo);

  List* scan_tlist = NIL;
  List* group_specs = NIL;
  List* buckets = NIL;
  ListCell* cell;
  foreach (cell, parse->groupClause) {
    if (!ok) break;
    SortGroupClause* clause = lfirst_node(SortGroupClause, cell);
    Node* expr = get_sortgroupclause_expr(clause, root->processed_tlist);
    Var* var = PlainVarOf(expr, relid);
    if (var != nullptr && var->varattno <= desc->natts &&
        GroupsByBytes(TupleDescAttr(desc, var->varattno - 1)->atttypid) &&
        (!OidIsValid(var->varcollid) || get_collation_isdeterministic(var->varcollid))) {
      group_specs = lappend_int(lappend_int(group_specs, static_cast<int>(GroupKind::kColumn)),
                                var->varattno);
      buckets = lappend(buckets, nullptr);
    } else if (layout.time_attnum != InvalidAttrNumber &&
               IsTimeBucketExpr(expr, relid, layout.time_attnum)) {
      group_specs = lappend_int(lappend_int(group_specs, static_cast<int>(GroupKind::kBucket)),
                                layout.time_attnum);
      buckets = lappend(buckets, copyObjectImpl(expr));
    } else {
      ok = false;
      break;
    }
    scan_tlist = lappend(scan_tlist, makeTargetEntry(static_cast<Expr*>(copyObjectImpl(expr)),
                                                     list_length(scan_tlist) + 1, nullptr, false));
  }
  // The aggregates of the output and of HAVING.
  List* agg_specs = NIL;
  List* having = partial ? NIL : static_cast<List*>(static_cast<void*>(parse->havingQual));
  List* aggrefs = list_concat(
      pull_var_clause(reinterpret_cast<Node*>(output_rel->reltarget->exprs),
                      PVC_INCLUDE_AGGREGATES | PVC_RECURSE_PLACEHOLDERS),
      pull_var_clause(reinterpret_cast<Node*>(having), PVC_INCLUDE_AGGREGATES | PVC_RECURSE_PLACEHOLDERS));
  foreach (cell, aggrefs) {
    if (!ok) break;
    Node* node = static_cast<Node*>(lfirst(cell));
    if (!IsA(node, Aggref)) continue;  // a grouping Var, matched above
    if (tlist_member(reinterpret_cast<Expr*>(node), scan_tlist) != nullptr) continue;
    AttrNumber attno;
    const AggKind kind =
        AggKindOf(reinterpret_cast<Aggref*>(node), relid, desc,
                  partial ? AGGSPLIT_INITIAL_SERIAL : AGGSPLIT_SIMPLE, layout.time_attnum, &attno);
    if (static_cast<int>(kind) == 0) {
      ok = false;
      break;
    }
    if ((kind == AggKind::kMinTime || kind == AggKind::kMaxTime) &&
        TupleDescAttr(desc, attno - 1)->atttypid != TIMESTAMPTZOID &&
        TupleDescAttr(desc, attno - 1)->atttypid != TIMESTAMPOID) {
      ok = false;
      break;
    }
    agg_specs = lappend_int(lappend_int(lappend_int(agg_specs, static_cast<int>(kind)), attno),
                            layout.time_attnum);
    scan_tlist = lappend(scan_tlist, makeTargetEntry(static_cast<Expr*>(copyObjectImpl(node)),
                                                     list_length(scan_tlist) + 1, nullptr, false));
  }
  table_close(table, NoLock);
  if (!ok) return nullptr;

  CustomPath* path = makeNode(CustomPath);
  path->path.pathtype = T_CustomScan;
  path->path.parent = output_rel;
  path->path.pathtarget = output_rel->reltarget;
  path->path.param_info = nullptr;
  path->path.parallel_aware = false;
  path->path.parallel_safe = partial || (scan_path->path.parallel_safe && output_rel->consider_parallel);
  path->path.parallel_workers = partial ? scan_path->path.parallel_workers : 0;
  path->path.pathkeys = NIL;
  path->path.rows = groups;
  // Decoding dominates (the scan's cost); folding saves forming a row and
  // the qual per row: about half of the scan's cost.
  path->path.startup_cost = scan_path->path.total_cost * 0.5;
  path->path.total_cost = path->path.startup_cost + groups * cpu_tuple_cost;
  path->flags = 0;
  path->custom_paths = list_make1(scan_path);
  path->custom_private = list_make5(group_specs, agg_specs, buckets, scan_tlist,
                                    list_make2_int(partial ? 1 : 0, 0));
  path->methods = &agg_path_methods;
  return path;
}

// PostgreSQL plans a parallel aggregation in the partially grouped rel but
// does not call create_upper_paths_hook for it (only FDWs get that stage),
// so the parallel plan is built here: our partial aggregation under a
// Gather under PostgreSQL's Finalize Aggregate.
Path* BuildParallelAggregatePath(PlannerInfo* root, RelOptInfo* input_rel,
                                 RelOptInfo* output_rel, GroupPathExtraData* extra,
                                 double groups) {
  if (extra == nullptr || !(extra->flags & GROUPING_CAN_PARTIAL_AGG) ||
      !extra->partial_costs_set || !output_rel->consider_parallel ||
      FindPartialScanPath(input_rel) == nullptr) {
    return nullptr;
  }
  const bool grouped = root->parse->groupClause != NIL;
  if (grouped && !(extra->flags & GROUPING_CAN_USE_HASH)) return nullptr;
  RelOptInfo* partial_rel = fetch_upper_rel(root, UPPERREL_PARTIAL_GROUP_AGG, output_rel->relids);
  // Set up by the planner only when it considered a parallel aggregation.
  if (partial_rel->reltarget == nullptr || partial_rel->reltarget->exprs == NIL) return nullptr;
  CustomPath* partial = BuildAggregatePath(root, input_rel, partial_rel, true, groups);
  if (partial == nullptr) return nullptr;
  double gather_rows = partial->path.rows * partial->path.parallel_workers;
  Path* gather = &create_gather_path(root, partial_rel, &partial->path, partial_rel->reltarget,
                                     nullptr, &gather_rows)->path;
  return &create_agg_path(root, output_rel, gather, output_rel->reltarget,
                          grouped ? AGG_HASHED : AGG_PLAIN, AGGSPLIT_FINAL_DESERIAL,
                          root->parse->groupClause,
                          static_cast<List*>(static_cast<void*>(extra->havingQual)),
                          &extra->agg_final_costs, groups)
              ->path;
}

int64 WidthGuess(FuncExpr* func);

// The number of groups, from what the planner cannot see: a time bucket
// expression has (time span the query reads) / (bucket width) values, not
// one per distinct time. The span is the time column's histogram range
// narrowed by the selectivity of the clauses on the time column alone;
// other group columns count their distinct values among the rows read.
double EstimateGroups(PlannerInfo* root, RelOptInfo* input_rel, List* group_specs,
                      List* buckets, double planner_estimate) {
  double groups = 1;
  List* columns = NIL;
  const Index relid = input_rel->relid;
  for (int i = 0; i + 1 < list_length(group_specs); i += 2) {
    const auto kind = static_cast<GroupKind>(list_nth_int(group_specs, i));
    const AttrNumber attno = list_nth_int(group_specs, i + 1);
    if (kind == GroupKind::kColumn) {
      columns = lappend(columns, makeVar(relid, attno, InvalidOid, -1, InvalidOid, 0));
      continue;
    }
    FuncExpr* func = static_cast<FuncExpr*>(list_nth(buckets, i / 2));
    Var* time = static_cast<Var*>(lsecond(func->args));
    VariableStatData vardata;
    examine_variable(root, reinterpret_cast<Node*>(time), 0, &vardata);
    AttStatsSlot slot;
    double span = -1;
    if (HeapTupleIsValid(vardata.statsTuple) &&
        get_attstatsslot(&slot, vardata.statsTuple, STATISTIC_KIND_HISTOGRAM, InvalidOid,
                         ATTSTATSSLOT_VALUES)) {
      if (slot.nvalues >= 2) {
        span = static_cast<double>(DatumGetInt64(slot.values[slot.nvalues - 1])) -
               static_cast<double>(DatumGetInt64(slot.values[0]));
      }
      free_attstatsslot(&slot);
    }
    ReleaseVariableStats(vardata);
    if (span < 0) return planner_estimate;
    List* time_clauses = NIL;
    ListCell* cell;
    foreach (cell, input_rel->baserestrictinfo) {
      RestrictInfo* rinfo = lfirst_node(RestrictInfo, cell);
      Bitmapset* attrs = nullptr;
      pull_varattnos(reinterpret_cast<Node*>(rinfo->clause), relid, &attrs);
      if (bms_num_members(attrs) == 1 &&
          bms_is_member(time->varattno - FirstLowInvalidHeapAttributeNumber, attrs)) {
        time_clauses = lappend(time_clauses, rinfo);
      }
    }
    span *= clauselist_selectivity(root, time_clauses, relid, JOIN_INNER, nullptr);
    groups *= std::max(1.0, std::ceil(span / static_cast<double>(WidthGuess(func))) + 1);
  }
  if (columns != NIL) {
    groups *= estimate_num_groups(root, columns, input_rel->rows, nullptr, nullptr);
  }
  return clamp_row_est(std::min(groups, std::max(input_rel->rows, 1.0)));
}

// The order in which the query wants its groups when it groups by a time
// bucket alone and sorts by that bucket: -1 newest first (DESC, NULLS
// FIRST: a NULL time's group first, as a descending time order has it), 1
// oldest first (ASC, NULLS LAST); else 0.
int BucketSortOrder(PlannerInfo* root, List* group_specs, List* buckets) {
  Query* parse = root->parse;
  if (list_length(group_specs) != 2 ||
      static_cast<GroupKind>(linitial_int(group_specs)) != GroupKind::kBucket ||
      parse->distinctClause != NIL || list_length(root->sort_pathkeys) != 1) {
    return 0;
  }
  Node* bucket = static_cast<Node*>(linitial(buckets));
  PathKey* pathkey = linitial_node(PathKey, root->sort_pathkeys);
  const Oid family = DefaultBtreeFamily(exprType(bucket));
  if (!OidIsValid(family) || pathkey->pk_opfamily != family) return 0;
  bool found = false;
  ListCell* cell;
  foreach (cell, pathkey->pk_eclass->ec_members) {
    found |= equal(static_cast<EquivalenceMember*>(lfirst(cell))->em_expr, bucket);
  }
  if (!found) return 0;
  if (pathkey->pk_strategy == BTGreaterStrategyNumber && pathkey->pk_nulls_first) return -1;
  if (pathkey->pk_strategy == BTLessStrategyNumber && !pathkey->pk_nulls_first) return 1;
  return 0;
}

// BucketSortOrder when the query also keeps a few groups (a constant
// LIMIT): the streaming path's order; else 0.
int StreamingOrder(PlannerInfo* root, List* group_specs, List* buckets) {
  Query* parse = root->parse;
  const int order = BucketSortOrder(root, group_specs, buckets);
  if (order == 0) return 0;
  // root->limit_tuples is -1 under GROUP BY: the LIMIT's own constants.
  double kept = 0;
  for (Node* limit : {parse->limitCount, parse->limitOffset}) {
    if (limit == nullptr) continue;
    if (!IsA(limit, Const) || reinterpret_cast<Const*>(limit)->constisnull) return 0;
    kept += static_cast<double>(DatumGetInt64(reinterpret_cast<Const*>(limit)->constvalue));
  }
  if (parse->limitCount == nullptr || kept <= 0 || kept > 100000) return 0;
  return order;
}

// A copy of the serial aggregation path with other flags (the plan's
// fourth private list: partial, streaming order, sort order), claiming the
// query's sort order.
CustomPath* OrderedCopy(PlannerInfo* root, CustomPath* serial, List* flags) {
  CustomPath* path = makeNode(CustomPath);
  memcpy(path, serial, sizeof(CustomPath));
  path->custom_private = list_make5(linitial(serial->custom_private),
                                    lsecond(serial->custom_private),
                                    lthird(serial->custom_private),
                                    lfourth(serial->custom_private), flags);
  path->path.pathkeys = root->sort_pathkeys;
  return path;
}

// The serial aggregation with its groups sorted by their bucket as the
// query wants them (sorting a few hundred groups in place is cheaper than
// the Sort node above), or null.
CustomPath* BuildSortedPath(PlannerInfo* root, CustomPath* serial) {
  const int order = BucketSortOrder(root, static_cast<List*>(linitial(serial->custom_private)),
                                    static_cast<List*>(lthird(serial->custom_private)));
  if (order == 0) return nullptr;
  CustomPath* path = OrderedCopy(root, serial, list_make3_int(0, 0, order));
  const double groups = std::max(serial->path.rows, 2.0);
  path->path.total_cost += groups * std::log2(groups) * cpu_operator_cost;
  return path;
}

// The newest-buckets-first path of a serial aggregation (null when the
// query is not one it serves): sorted as the query wants, its first group
// after reading a share of the rows, every row folded one by one.
CustomPath* BuildStreamingPath(PlannerInfo* root, CustomPath* serial) {
  List* group_specs = static_cast<List*>(linitial(serial->custom_private));
  List* buckets = static_cast<List*>(lthird(serial->custom_private));
  const int order = StreamingOrder(root, group_specs, buckets);
  if (order == 0) return nullptr;
  auto* scan_path = linitial_node(CustomPath, serial->custom_paths);
  CustomPath* path = OrderedCopy(root, serial, list_make2_int(0, order));
  // Newest first: the scan hands over whole blocks newest first and the
  // node folds each as a block; oldest first: rows merged in time order.
  path->custom_paths =
      list_make1(TimeOrderedScanPath(scan_path, order < 0 ? kNewestBlocksFirst : order));
  const double groups = std::max(serial->path.rows, 1.0);
  const double scan_run = scan_path->path.total_cost - scan_path->path.startup_cost;
  path->path.startup_cost = scan_path->path.startup_cost + scan_run / groups;
  path->path.total_cost = scan_path->path.total_cost + groups * cpu_tuple_cost;
  return path;
}

// Replaces the grouping paths of output_rel with ours (serial, and parallel
// where the planner would consider it) when the aggregation is one we compute.
void AddAggregatePaths(PlannerInfo* root, RelOptInfo* input_rel, RelOptInfo* output_rel,
                       GroupPathExtraData* extra) {
  // The planner's own estimate of the groups (its cheapest path's rows).
  double groups = 1;
  if (output_rel->pathlist != NIL) groups = static_cast<Path*>(linitial(output_rel->pathlist))->rows;
  CustomPath* serial = BuildAggregatePath(root, input_rel, output_rel, false, groups);
  if (serial == nullptr) return;
  if (root->parse->groupClause != NIL) {
    groups = EstimateGroups(root, input_rel, static_cast<List*>(linitial(serial->custom_private)),
                            static_cast<List*>(lthird(serial->custom_private)), groups);
    serial->path.rows = groups;
    serial->path.total_cost = serial->path.startup_cost + groups * cpu_tuple_cost;
  }
  Path* parallel = BuildParallelAggregatePath(root, input_rel, output_rel, extra, groups);
  CustomPath* streaming = BuildStreamingPath(root, serial);
  CustomPath* sorted = BuildSortedPath(root, serial);
  output_rel->pathlist = NIL;
  output_rel->partial_pathlist = NIL;
  add_path(output_rel, &serial->path);
  if (sorted != nullptr) add_path(output_rel, &sorted->path);
  if (parallel != nullptr) add_path(output_rel, parallel);
  if (streaming != nullptr) add_path(output_rel, &streaming->path);
}

void UpperPaths(PlannerInfo* root, UpperRelationKind stage, RelOptInfo* input_rel,
                RelOptInfo* output_rel, void* extra) {
  if (previous_upper_paths != nullptr) {
    previous_upper_paths(root, stage, input_rel, output_rel, extra);
  }
  if (stage != UPPERREL_GROUP_AGG || !enable_aggregate_pushdown) return;
  Guarded([&] {
    PgCall([&] {
      AddAggregatePaths(root, input_rel, output_rel, static_cast<GroupPathExtraData*>(extra));
    });
  });
}

Plan* PlanAggregate(PlannerInfo* root, RelOptInfo* rel, CustomPath* best_path, List* tlist,
                    List* clauses, List* custom_plans) {
  return Guarded([&]() -> Plan* {
    return PgCall([&]() -> Plan* {
      CustomScan* plan = makeNode(CustomScan);
      plan->scan.plan.targetlist = tlist;
      const bool partial = linitial_int(static_cast<List*>(list_nth(best_path->custom_private, 4))) != 0;
      plan->scan.plan.qual =
          partial ? NIL : static_cast<List*>(static_cast<void*>(root->parse->havingQual));
      plan->scan.scanrelid = 0;
      plan->flags = best_path->flags;
      plan->custom_plans = custom_plans;
      plan->custom_scan_tlist = static_cast<List*>(lfourth(best_path->custom_private));
      plan->custom_private = list_make4(linitial(best_path->custom_private),
                                        lsecond(best_path->custom_private),
                                        lthird(best_path->custom_private),
                                        list_nth(best_path->custom_private, 4));
      plan->methods = &agg_scan_methods;
      return &plan->scan.plan;
    });
  });
}

// ---------------------------------------------------------------------------
// Execution

[[noreturn]] void Overflow() {
  throw SqlError(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
}

// Postgres's float8 order (float8_cmp_internal): NaN above everything.
bool Float8Greater(double a, double b) {
  if (std::isnan(a)) return !std::isnan(b);
  if (std::isnan(b)) return false;
  return a > b;
}

// One aggregate's transition state.
struct AggState {
  int64 count = 0;    // count; avg: N
  double value = 0;   // sum, min, max; avg: Sx
  double sxx = 0;     // avg: Sxx, kept once a value reaches kWide
  int64 time = 0;     // min/max of a timestamp; first/last: the row's time
  Datum datum = 0;    // first/last: the row's value (copied into the group context)
  bool datum_null = false;
  bool has = false;   // a value was seen (sum/min/max)
  bool wide = false;  // avg: Sxx is tracked
};

// Below this magnitude no sum of squares of float8 values can overflow
// (N * (2 * 1e100)^2 < 1.8e308 for any N below 4e107): float8_accum's
// overflow check on Sxx cannot fire, so Sxx is not computed.
constexpr double kWide = 1e100;

// float8_accum's transition, for avg (Youngs-Cramer): raises where it does.
inline void AccumFloat8(AggState* s, double x) {
  const double n_before = static_cast<double>(s->count);
  const double sx_before = s->value;
  const double n = n_before + 1.0;
  const double sx = sx_before + x;
  if (!s->wide && std::isfinite(x) && std::fabs(x) >= kWide) s->wide = true;
  if (n_before > 0.0) {
    if (s->wide) {
      const double tmp = x * n - sx;
      s->sxx += tmp * tmp / (n * n_before);
    }
    if (std::isinf(sx) || std::isinf(s->sxx)) {
      if (!std::isinf(sx_before) && !std::isinf(x)) Overflow();
      s->sxx = std::numeric_limits<double>::quiet_NaN();
    }
  } else if (std::isnan(x) || std::isinf(x)) {
    s->sxx = std::numeric_limits<double>::quiet_NaN();
  }
  s->count += 1;
  s->value = sx;
}

// float8pl, for sum: the first value is the state as it is.
inline void SumFloat8(AggState* s, double x) {
  if (!s->has) {
    s->value = x;
    s->has = true;
    return;
  }
  const double sum = s->value + x;
  if (std::isinf(sum) && !std::isinf(s->value) && !std::isinf(x)) Overflow();
  s->value = sum;
}

struct AggSpec {
  AggKind kind;
  int attno;        // the column aggregated (0 for count(*))
  int time_attno;   // first/last: the time column
  int16 typlen;     // first/last: the value column's type
  bool typbyval;
};

// A time bucket function called with constant arguments and the time.
struct BucketFunction {
  FmgrInfo flinfo;
  FunctionCallInfo fcinfo;
  int64 width_guess;  // microseconds a bucket usually spans
  // Verified intervals [first, last] of times with one bucket, by first.
  struct Span {
    int64 last;
    int64 bucket;
  };
  std::map<int64, Span> spans;
  int64 last_first = 1, last_last = 0, last_bucket = 0;  // the span used last
  uint64 calls = 0;
  // Fixed-width buckets computed without calling the function: our
  // time_bucket(width, ts [, origin]) and date_bin(stride, ts, origin) with a
  // width of days and microseconds are origin + floor((ts - origin) / width)
  // * width. Used for times at or after the origin (where truncating and
  // flooring division agree) and far from the int64 limits; 0: not such a
  // function.
  int64 fixed_width = 0;
  int64 fixed_origin = 0;
};

// Times below this magnitude leave (ts - origin) and the bucket arithmetic
// far from int64 overflow.
constexpr int64 kFixedWidthLimit = int64{1} << 60;

// Sets f's fixed width when `func` is one of the fixed-width bucket
// functions above with constant, finite, month-free arguments. Postgres
// code (catalog lookups): called under PgCall.
void DetectFixedWidth(BucketFunction* f, FuncExpr* func) {
  Const* width = linitial_node(Const, func->args);
  if (width->constisnull || width->consttype != INTERVALOID) return;
  const Interval* span = DatumGetIntervalP(width->constvalue);
  if (span->month != 0 || span->day < 0 || span->day > 1000000) return;
  const int64 micros = span->day * USECS_PER_DAY + span->time;
  if (micros <= 0 || micros > kFixedWidthLimit) return;
  int64 origin;
  const int nargs = list_length(func->args);
  if (func->funcid == F_DATE_BIN_INTERVAL_TIMESTAMPTZ_TIMESTAMPTZ ||
      func->funcid == F_DATE_BIN_INTERVAL_TIMESTAMP_TIMESTAMP) {
    Const* arg = list_nth_node(Const, func->args, 2);
    if (arg->constisnull) return;
    origin = DatumGetInt64(arg->constvalue);
  } else if (nargs == 2 && IsTimeBucket(func->funcid) &&
             strcmp(ProsrcOf(func->funcid), "tsdb_time_bucket_timestamp") == 0) {
    origin = 2 * USECS_PER_DAY;  // TimescaleDB's default: 2000-01-03
  } else if (nargs == 3 && IsTimeBucket(func->funcid) &&
             strcmp(ProsrcOf(func->funcid), "tsdb_time_bucket_timestamp_origin") == 0) {
    Const* arg = list_nth_node(Const, func->args, 2);
    if (arg->constisnull) return;
    origin = DatumGetInt64(arg->constvalue);
  } else {
    return;
  }
  if (origin <= -kFixedWidthLimit || origin >= kFixedWidthLimit) return;
  f->fixed_width = micros;
  f->fixed_origin = origin;
}

struct Group {
  size_t first_state;  // into AggRuntime::states
  std::vector<Datum> values;
  std::vector<char> nulls;
};

struct GroupSpec {
  GroupKind kind;
  int attno;
  BucketFunction* bucket = nullptr;
  int16 typlen = 0;
  bool typbyval = true;
};

struct AggRuntime {
  std::vector<GroupSpec> groups;
  std::vector<AggSpec> aggs;
  std::vector<std::unique_ptr<BucketFunction>> buckets;
  absl::flat_hash_map<std::string, size_t> index;
  bool word_keys = false;  // one by-value group column: index_by_word instead
  absl::flat_hash_map<Datum, size_t> index_by_word;
  size_t null_word_group = SIZE_MAX;
  std::vector<Group> group_list;
  std::vector<AggState> states;
  std::string key;  // scratch for a group key
  std::vector<Datum> key_values;
  std::vector<char> key_nulls;
  std::vector<Datum*> slot_values;  // scratch of FoldKeyedSlot
  std::vector<bool*> slot_nulls;
  MemoryContext group_context = nullptr;  // group key values
  bool partial = false;  // emit transition states (a parallel plan's partial step)
  // Newest (-1) or oldest (1) buckets first, each emitted once the ordered
  // scan's rows move past it; 0: every group after the whole input.
  int order = 0;
  bool pending = false;  // the scan's slot holds the next group's first row
  std::string current_key;  // of the group being folded
  uint64 streamed_groups = 0;
  // Newest buckets first, block by block (NextNewestGroup): the groups not
  // complete yet by bucket, the NULL time's group, and the complete ones
  // in output order.
  bool newest_blocks = false;
  // Groups sorted by their bucket after the whole input (-1 descending
  // NULLS FIRST, 1 ascending NULLS LAST), for a query ordered by it.
  int sort_order = 0;
  bool hot_folded = false;
  size_t indexed_groups = 0;
  std::map<int64, size_t> open_buckets;
  int64 null_group = -1;  // -1: none; -2: emitted
  std::vector<size_t> ready;
  size_t next_ready = 0;
  bool done = false;
  size_t next_output = 0;
  uint64 hot_rows = 0, block_rows = 0;
};

struct AggScanState {
  CustomScanState css;  // first
  AggRuntime* runtime;
};

void DeleteAggRuntime(void* arg) { delete static_cast<AggRuntime*>(arg); }

int64 CallBucket(BucketFunction* f, int64 time) {
  ++f->calls;
  return PgCall([&] {
    f->fcinfo->args[1].value = Int64GetDatum(time);
    f->fcinfo->args[1].isnull = false;
    f->fcinfo->isnull = false;
    Datum result = FunctionCallInvoke(f->fcinfo);
    if (f->fcinfo->isnull) {
      ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                      errmsg("time bucket function returned NULL for a non-NULL time")));
    }
    return DatumGetInt64(result);
  });
}

// The bucket of `time`, from a verified span when one holds it.
int64 BucketOf(BucketFunction* f, int64 time) {
  if (time >= f->last_first && time <= f->last_last) return f->last_bucket;
  if (f->fixed_width > 0 && time >= f->fixed_origin && time < kFixedWidthLimit) {
    const int64 bucket = f->fixed_origin + (time - f->fixed_origin) / f->fixed_width * f->fixed_width;
    f->last_first = bucket;
    f->last_last = bucket + f->fixed_width - 1;
    f->last_bucket = bucket;
    return bucket;
  }
  auto it = f->spans.upper_bound(time);
  if (it != f->spans.begin()) {
    --it;
    if (time <= it->second.last) {
      f->last_first = it->first;
      f->last_last = it->second.last;
      f->last_bucket = it->second.bucket;
      return f->last_bucket;
    }
  }
  const int64 bucket = CallBucket(f, time);
  // Extend [time, time] to as much of the bucket as two calls verify: down
  // to the bucket's start when it maps to itself, up to start + width - 1
  // (else binary search for the end, at DST changes say).
  int64 first = time;
  if (bucket <= time && CallBucket(f, bucket) == bucket) first = bucket;
  int64 last = time;
  int64 guess = (bucket <= time ? bucket : time);
  if (guess <= INT64_MAX - f->width_guess) {
    guess += f->width_guess - 1;
    if (guess > time) {
      if (CallBucket(f, guess) == bucket) {
        last = guess;
      } else {
        int64 lo = time, hi = guess;  // f(lo) == bucket, f(hi) != bucket
        while (hi - lo > 1) {
          const int64 mid = lo + (hi - lo) / 2;
          if (CallBucket(f, mid) == bucket) lo = mid; else hi = mid;
        }
        last = lo;
      }
    }
  }
  // Spans never overlap: a new one is cut back to the next known one.
  auto next = f->spans.upper_bound(first);
  if (next != f->spans.end() && next->first <= last) last = next->first - 1;
  if (last >= time) f->spans[first] = BucketFunction::Span{last, bucket};
  f->last_first = first;
  f->last_last = std::max(last, time);
  f->last_bucket = bucket;
  return bucket;
}

// The width a bucket function's buckets usually have, from its constant
// argument (a guess: every span is verified).
int64 WidthGuess(FuncExpr* func) {
  constexpr int64 kMinute = 60 * int64{1000000};
  Const* first = linitial_node(Const, func->args);
  if (first->constisnull) return kMinute;
  if (first->consttype == INTERVALOID) {
    const Interval* span = DatumGetIntervalP(first->constvalue);
    const int64 width = span->month * 28 * 24 * 60 * kMinute + span->day * 24 * 60 * kMinute + span->time;
    return std::max<int64>(width, 1);
  }
  if (first->consttype == TEXTOID) {
    char* unit = TextDatumGetCString(first->constvalue);
    int64 width = kMinute;
    if (pg_strcasecmp(unit, "microseconds") == 0) width = 1;
    else if (pg_strcasecmp(unit, "milliseconds") == 0) width = 1000;
    else if (pg_strcasecmp(unit, "second") == 0) width = 1000000;
    else if (pg_strcasecmp(unit, "minute") == 0) width = kMinute;
    else if (pg_strcasecmp(unit, "hour") == 0) width = 60 * kMinute;
    else if (pg_strcasecmp(unit, "day") == 0) width = 24 * 60 * kMinute;
    else if (pg_strcasecmp(unit, "week") == 0) width = 7 * 24 * 60 * kMinute;
    else width = 28 * 24 * 60 * kMinute;  // month and longer
    pfree(unit);
    return width;
  }
  return kMinute;
}

// Appends one group value's bytes to the key (a NULL flag first).
void AppendKeyValue(std::string* key, const GroupSpec& spec, Datum value, bool isnull) {
  key->push_back(isnull ? 'N' : 'V');
  if (isnull) return;
  if (spec.typbyval) {
    key->append(reinterpret_cast<const char*>(&value), sizeof(Datum));
  } else if (spec.typlen == -1) {
    const struct varlena* v = reinterpret_cast<const struct varlena*>(DatumGetPointer(value));
    const uint32 size = VARSIZE_ANY_EXHDR(v);
    key->append(reinterpret_cast<const char*>(&size), sizeof(size));
    key->append(VARDATA_ANY(v), size);
  } else if (spec.typlen == -2) {
    const char* s = DatumGetCString(value);
    key->append(s, strlen(s) + 1);
  } else {
    key->append(DatumGetPointer(value), spec.typlen);
  }
}

// The group of the key in rt->key / rt->key_values, created when new.
size_t FindGroup(AggRuntime* rt) {
  // One group value held in a Datum word (a bucket, an integer column):
  // the word is the key, without hashing the key string.
  size_t* slot;
  bool inserted;
  if (rt->word_keys) {
    if (rt->key_nulls[0]) {
      inserted = rt->null_word_group == SIZE_MAX;
      if (inserted) rt->null_word_group = rt->group_list.size();
      slot = &rt->null_word_group;
    } else {
      auto [it, added] = rt->index_by_word.try_emplace(rt->key_values[0], rt->group_list.size());
      slot = &it->second;
      inserted = added;
    }
  } else {
    auto [it, added] = rt->index.try_emplace(rt->key, rt->group_list.size());
    slot = &it->second;
    inserted = added;
  }
  if (inserted) {
    Group group;
    group.first_state = rt->states.size();
    rt->states.resize(rt->states.size() + rt->aggs.size());
    group.values.resize(rt->groups.size());
    group.nulls.resize(rt->groups.size());
    for (size_t g = 0; g < rt->groups.size(); ++g) {
      group.nulls[g] = rt->key_nulls[g];
      const GroupSpec& spec = rt->groups[g];
      if (rt->key_nulls[g] || spec.typbyval) {
        group.values[g] = rt->key_values[g];
      } else {
        group.values[g] = PgCall([&] {
          MemoryContext caller = MemoryContextSwitchTo(rt->group_context);
          Datum copy = datumCopy(rt->key_values[g], false, spec.typlen);
          MemoryContextSwitchTo(caller);
          return copy;
        });
      }
    }
    rt->group_list.push_back(std::move(group));
  }
  return *slot;
}

// Folds rows[0..count) of the columns into the states of one group.
void FoldRun(AggRuntime* rt, AggState* states, const RowColumns& columns, const int* rows,
             int count) {
  for (size_t a = 0; a < rt->aggs.size(); ++a) {
    AggState* s = &states[a];
    const AggSpec& spec = rt->aggs[a];
    if (spec.kind == AggKind::kCountStar) {
      s->count += count;
      continue;
    }
    const int c = spec.attno - 1;
    const Datum* values = columns.values[c];
    const bool* nulls = columns.nulls[c];
    switch (spec.kind) {
      case AggKind::kCount:
        for (int i = 0; i < count; ++i) s->count += !nulls[rows[i]];
        break;
      case AggKind::kSumFloat8:
      case AggKind::kAvgFloat8: {
        const bool avg = spec.kind == AggKind::kAvgFloat8;
        // Fast path: every value finite and below kWide in magnitude, so no
        // partial sum can overflow (and avg's Sxx need not be tracked):
        // plain sequential additions, in the same order as the slow path.
        bool tame = !s->wide;
        for (int i = 0; i < count && tame; ++i) {
          const double x = DatumGetFloat8(values[rows[i]]);
          tame = nulls[rows[i]] || std::fabs(x) < kWide;  // false for NaN and infinities
        }
        if (tame) {
          double sum = s->value;
          int64 n = 0;
          int i = 0;
          if (!avg && !s->has) {  // float8pl: the first value is the state as it is
            for (; i < count && nulls[rows[i]]; ++i) {
            }
            if (i < count) {
              sum = DatumGetFloat8(values[rows[i++]]);
              s->has = true;
            }
          }
          for (; i < count; ++i) {
            if (nulls[rows[i]]) continue;
            sum += DatumGetFloat8(values[rows[i]]);
            ++n;
          }
          s->value = sum;
          if (avg) s->count += n;
          break;
        }
        for (int i = 0; i < count; ++i) {
          if (nulls[rows[i]]) continue;
          if (avg) {
            AccumFloat8(s, DatumGetFloat8(values[rows[i]]));
          } else {
            SumFloat8(s, DatumGetFloat8(values[rows[i]]));
          }
        }
        break;
      }
      case AggKind::kMinFloat8:
      case AggKind::kMaxFloat8: {
        const bool max = spec.kind == AggKind::kMaxFloat8;
        for (int i = 0; i < count; ++i) {
          if (nulls[rows[i]]) continue;
          const double x = DatumGetFloat8(values[rows[i]]);
          if (!s->has || (max ? Float8Greater(x, s->value) : Float8Greater(s->value, x))) {
            s->value = x;
            s->has = true;
          }
        }
        break;
      }
      case AggKind::kMinTime:
      case AggKind::kMaxTime: {
        const bool max = spec.kind == AggKind::kMaxTime;
        for (int i = 0; i < count; ++i) {
          if (nulls[rows[i]]) continue;
          const int64 t = DatumGetInt64(values[rows[i]]);
          if (!s->has || (max ? t > s->time : t < s->time)) {
            s->time = t;
            s->has = true;
          }
        }
        break;
      }
      case AggKind::kFirst:
      case AggKind::kLast: {
        const bool last = spec.kind == AggKind::kLast;
        const Datum* times = columns.values[spec.time_attno - 1];
        const bool* time_nulls = columns.nulls[spec.time_attno - 1];
        int best = -1;
        for (int i = 0; i < count; ++i) {
          const int row = rows[i];
          if (time_nulls[row]) continue;
          const int64 t = DatumGetInt64(times[row]);
          if (!s->has || (last ? t > s->time : t < s->time)) {
            s->time = t;
            s->has = true;
            best = row;
          }
        }
        if (best >= 0) {
          s->datum_null = nulls[best];
          s->datum = values[best];
          if (!spec.typbyval && !s->datum_null) {
            s->datum = PgCall([&] {
              MemoryContext caller = MemoryContextSwitchTo(rt->group_context);
              Datum copy = datumCopy(values[best], false, spec.typlen);
              MemoryContextSwitchTo(caller);
              return copy;
            });
          }
        }
        break;
      }
      case AggKind::kCountStar: break;
    }
  }
}

// The group values of row `row` into rt->key_values / key_nulls.
void GroupValuesOfRow(AggRuntime* rt, const RowColumns& columns, int row) {
  for (size_t g = 0; g < rt->groups.size(); ++g) {
    const GroupSpec& spec = rt->groups[g];
    const int c = spec.attno - 1;
    const bool isnull = columns.nulls[c][row];
    rt->key_nulls[g] = isnull;
    if (isnull) {
      rt->key_values[g] = 0;
    } else if (spec.kind == GroupKind::kBucket) {
      rt->key_values[g] = Int64GetDatum(BucketOf(spec.bucket, DatumGetInt64(columns.values[c][row])));
    } else {
      rt->key_values[g] = columns.values[c][row];
    }
  }
}

void BuildKey(AggRuntime* rt) {
  rt->key.clear();
  for (size_t g = 0; g < rt->groups.size(); ++g) {
    AppendKeyValue(&rt->key, rt->groups[g], rt->key_values[g], rt->key_nulls[g]);
  }
}

// Folds the selected rows of a block: runs of rows with equal group values
// go to one group lookup.
void FoldBlock(AggRuntime* rt, const BlockRows& block) {
  const RowColumns& columns = *block.columns;
  rt->block_rows += block.count;
  const size_t ngroups = rt->groups.size();
  int start = 0;
  while (start < block.count) {
    GroupValuesOfRow(rt, columns, block.rows[start]);
    // The run goes on while every group value stays: a bucket's time within
    // the span BucketOf just verified, a column's Datum word the same (a
    // decoded text column shares one Datum per distinct value, so equal
    // words are equal values; unequal words of equal values only end the
    // run early, and FindGroup finds the same group).
    int end = start + 1;
    for (; end < block.count; ++end) {
      const int row = block.rows[end];
      bool same = true;
      for (size_t g = 0; g < ngroups && same; ++g) {
        const GroupSpec& spec = rt->groups[g];
        const int c = spec.attno - 1;
        const bool isnull = columns.nulls[c][row];
        if (isnull != static_cast<bool>(rt->key_nulls[g])) {
          same = false;
        } else if (!isnull) {
          if (spec.kind == GroupKind::kBucket) {
            const int64 t = DatumGetInt64(columns.values[c][row]);
            same = t >= spec.bucket->last_first && t <= spec.bucket->last_last;
          } else {
            same = columns.values[c][row] == rt->key_values[g];
          }
        }
      }
      if (!same) break;
    }
    BuildKey(rt);
    const size_t group = FindGroup(rt);
    FoldRun(rt, &rt->states[rt->group_list[group].first_state], columns, block.rows + start,
            end - start);
    start = end;
  }
}

// Folds one row held in a slot (hot rows, and rows of blocks that lack a
// column the aggregation reads).
void SlotKey(AggRuntime* rt, TupleTableSlot* slot) {
  for (size_t g = 0; g < rt->groups.size(); ++g) {
    const GroupSpec& spec = rt->groups[g];
    const int c = spec.attno - 1;
    rt->key_nulls[g] = slot->tts_isnull[c];
    rt->key_values[g] =
        slot->tts_isnull[c] ? Datum(0)
        : spec.kind == GroupKind::kBucket
            ? Int64GetDatum(BucketOf(spec.bucket, DatumGetInt64(slot->tts_values[c])))
            : slot->tts_values[c];
  }
  BuildKey(rt);
}

// Folds the row in slot into the group of rt->key (SlotKey).
void FoldKeyedSlot(AggRuntime* rt, TupleTableSlot* slot) {
  // A streaming aggregation folds row after row into its one open group.
  const size_t group =
      rt->order != 0 && rt->group_list.size() == 1 ? 0 : FindGroup(rt);
  // A one-row "block": the slot's values as columns.
  RowColumns columns;
  columns.rows = 1;
  columns.natts = slot->tts_tupleDescriptor->natts;
  rt->slot_values.resize(columns.natts);
  rt->slot_nulls.resize(columns.natts);
  for (int a = 0; a < columns.natts; ++a) {
    rt->slot_values[a] = &slot->tts_values[a];
    rt->slot_nulls[a] = &slot->tts_isnull[a];
  }
  columns.values = rt->slot_values.data();
  columns.nulls = rt->slot_nulls.data();
  const int row = 0;
  FoldRun(rt, &rt->states[rt->group_list[group].first_state], columns, &row, 1);
}

void FoldSlot(AggRuntime* rt, TupleTableSlot* slot) {
  SlotKey(rt, slot);
  FoldKeyedSlot(rt, slot);
}

bool BlockHasAllColumns(const AggRuntime* rt, const RowColumns& columns) {
  for (const GroupSpec& spec : rt->groups) {
    if (spec.attno > columns.natts || columns.values[spec.attno - 1] == nullptr) return false;
  }
  for (const AggSpec& spec : rt->aggs) {
    if (spec.attno > 0 && (spec.attno > columns.natts || columns.values[spec.attno - 1] == nullptr)) {
      return false;
    }
    if (spec.time_attno > 0 &&
        (spec.time_attno > columns.natts || columns.values[spec.time_attno - 1] == nullptr)) {
      return false;
    }
  }
  return true;
}

// Folds the selected rows of a block NextBlockRows handed over.
void FoldScanBlock(AggRuntime* rt, CustomScanState* scan, const BlockRows& block) {
  if (block.count == 0) return;
  if (BlockHasAllColumns(rt, *block.columns)) {
    FoldBlock(rt, block);
    return;
  }
  // Columns added after the block was written: their defaults, through
  // the scan's row forming.
  for (int i = 0; i < block.count; ++i) {
    TupleTableSlot* slot = PgCall([&] { return BlockRowSlot(scan, block.rows[i]); });
    ++rt->block_rows;
    FoldSlot(rt, slot);
  }
}

void Aggregate(AggScanState* state) {
  AggRuntime* rt = state->runtime;
  auto* scan = reinterpret_cast<CustomScanState*>(linitial(state->css.custom_ps));
  for (;;) {
    TupleTableSlot* slot = PgCall([&] { return NextQualifiedHotRow(scan); });
    if (slot == nullptr) break;
    ++rt->hot_rows;
    FoldSlot(rt, slot);
  }
  // The scan runs inside this node: its EXPLAIN ANALYZE line counts the
  // rows it handed over.
  Instrumentation* instrument = scan->ss.ps.instrument;
  if (instrument != nullptr) InstrStartNode(instrument);
  double scan_rows = static_cast<double>(rt->hot_rows);
  BlockRows block;
  while (NextBlockRows(scan, &block)) {
    scan_rows += block.count;
    FoldScanBlock(rt, scan, block);
  }
  if (instrument != nullptr) InstrStopNode(instrument, scan_rows);
  // An aggregate without GROUP BY has one row even over no rows.
  if (rt->groups.empty() && rt->group_list.empty()) {
    rt->key.clear();
    FindGroup(rt);
  }
  if (rt->sort_order != 0) {
    // By the bucket (an int64 time), NULL above every time.
    const int order = rt->sort_order;
    std::sort(rt->group_list.begin(), rt->group_list.end(), [order](const Group& a, const Group& b) {
      if (a.nulls[0] != b.nulls[0]) return order < 0 ? a.nulls[0] != 0 : b.nulls[0] != 0;
      if (a.nulls[0]) return false;
      const int64 x = DatumGetInt64(a.values[0]), y = DatumGetInt64(b.values[0]);
      return order < 0 ? x > y : x < y;
    });
  }
  rt->done = true;
}

void StoreGroup(AggRuntime* rt, const Group& group, TupleTableSlot* slot) {
  ExecClearTuple(slot);
  size_t column = 0;
  for (size_t g = 0; g < rt->groups.size(); ++g, ++column) {
    slot->tts_values[column] = group.values[g];
    slot->tts_isnull[column] = group.nulls[g];
  }
  for (size_t a = 0; a < rt->aggs.size(); ++a, ++column) {
    const AggState& s = rt->states[group.first_state + a];
    Datum value = 0;
    bool isnull = false;
    switch (rt->aggs[a].kind) {
      case AggKind::kCountStar:
      case AggKind::kCount: value = Int64GetDatum(s.count); break;
      case AggKind::kSumFloat8:
      case AggKind::kMinFloat8:
      case AggKind::kMaxFloat8:
        isnull = !s.has;
        value = Float8GetDatum(s.value);
        break;
      case AggKind::kAvgFloat8:
        if (rt->partial) {
          // float8_accum's transition state {N, Sx, Sxx} (Sxx is 0 until a
          // value reaches kWide: then float8_combine cannot overflow on it).
          value = PgCall([&] {
            Datum items[3] = {Float8GetDatum(static_cast<double>(s.count)), Float8GetDatum(s.value),
                              Float8GetDatum(s.sxx)};
            return PointerGetDatum(
                construct_array(items, 3, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
          });
          break;
        }
        isnull = s.count == 0;
        value = Float8GetDatum(s.count == 0 ? 0 : s.value / static_cast<double>(s.count));
        break;
      case AggKind::kMinTime:
      case AggKind::kMaxTime:
        isnull = !s.has;
        value = Int64GetDatum(s.time);
        break;
      case AggKind::kFirst:
      case AggKind::kLast:
        isnull = !s.has || s.datum_null;
        value = s.datum;
        break;
    }
    slot->tts_values[column] = value;
    slot->tts_isnull[column] = isnull;
  }
  ExecStoreVirtualTuple(slot);
}

// Records the groups folding created since the last call (NextNewestGroup).
void IndexNewGroups(AggRuntime* rt) {
  for (size_t g = rt->indexed_groups; g < rt->group_list.size(); ++g) {
    const Group& group = rt->group_list[g];
    if (!group.nulls[0]) {
      rt->open_buckets.emplace(DatumGetInt64(group.values[0]), g);
    } else if (rt->null_group == -1) {
      rt->null_group = static_cast<int64>(g);
    } else {
      // Rows with a NULL time never enter blocks (they stay hot), and hot
      // rows are folded first.
      throw SqlError(ERRCODE_DATA_CORRUPTED,
                     "tsdb aggregation: a row with a NULL time came after the first group");
    }
  }
  rt->indexed_groups = rt->group_list.size();
}

// Moves the complete groups to rt->ready in output order: the NULL time's
// group first, then the buckets above `threshold` (all when null),
// newest first.
void CompleteGroups(AggRuntime* rt, const int64* threshold) {
  rt->ready.clear();
  rt->next_ready = 0;
  if (rt->null_group >= 0) {
    rt->ready.push_back(static_cast<size_t>(rt->null_group));
    rt->null_group = -2;
  }
  while (!rt->open_buckets.empty()) {
    auto last = std::prev(rt->open_buckets.end());
    if (threshold != nullptr && last->first <= *threshold) break;
    rt->ready.push_back(last->second);
    rt->open_buckets.erase(last);
  }
}

// The next group of a newest-buckets-first aggregation, or null after the
// last. The scan hands over its hot rows, then whole blocks by max_time
// descending; after each block, every bucket above the bucket of the next
// block's max_time is complete (no row left is later than that, and bucket
// functions are monotone), so it goes out before older blocks are read.
const Group* NextNewestGroup(AggScanState* state) {
  AggRuntime* rt = state->runtime;
  auto* scan = reinterpret_cast<CustomScanState*>(linitial(state->css.custom_ps));
  for (;;) {
    if (rt->next_ready < rt->ready.size()) {
      ++rt->streamed_groups;
      return &rt->group_list[rt->ready[rt->next_ready++]];
    }
    if (rt->done) return nullptr;
    Instrumentation* instrument = scan->ss.ps.instrument;
    if (instrument != nullptr) InstrStartNode(instrument);
    double rows = 0;
    if (!rt->hot_folded) {
      for (;;) {
        TupleTableSlot* slot = PgCall([&] { return NextQualifiedHotRow(scan); });
        if (slot == nullptr) break;
        ++rt->hot_rows;
        ++rows;
        FoldSlot(rt, slot);
      }
      rt->hot_folded = true;
    }
    BlockRows block;
    BlockBound bound = BlockBound::kNone;
    int64 max_time = 0;
    if (NextBlockRows(scan, &block)) {
      rows += block.count;
      FoldScanBlock(rt, scan, block);
      bound = PgCall([&] { return NextBlockBound(scan, &max_time); });
    }
    if (instrument != nullptr) InstrStopNode(instrument, rows);
    IndexNewGroups(rt);
    if (bound == BlockBound::kNone) {
      CompleteGroups(rt, nullptr);
      rt->done = true;
    } else if (bound == BlockBound::kBounded) {
      const int64 threshold = BucketOf(rt->groups[0].bucket, max_time);
      CompleteGroups(rt, &threshold);
    }
  }
}

// The next group of a streaming aggregation: the rows of the ordered scan
// up to the first of another group (kept in the scan's slot for the next
// call), folded one by one. False after the last group.
bool NextStreamedGroup(AggScanState* state) {
  AggRuntime* rt = state->runtime;
  auto* scan = reinterpret_cast<CustomScanState*>(linitial(state->css.custom_ps));
  // The group emitted last is done with (its slot consumed above).
  rt->index.clear();
  rt->index_by_word.clear();
  rt->null_word_group = SIZE_MAX;
  rt->group_list.clear();
  rt->states.clear();
  rt->next_output = 0;
  PgCall([&] { MemoryContextReset(rt->group_context); });
  if (rt->done) return false;
  Instrumentation* instrument = scan->ss.ps.instrument;
  if (instrument != nullptr) InstrStartNode(instrument);
  double rows = 0;
  if (rt->pending) {
    rt->pending = false;
    FoldSlot(rt, scan->ss.ss_ScanTupleSlot);
    rt->current_key = rt->key;
  }
  for (;;) {
    TupleTableSlot* slot = PgCall([&] { return NextQualifiedRow(scan); });
    if (slot == nullptr) {
      rt->done = true;
      break;
    }
    ++rows;
    ++rt->block_rows;
    SlotKey(rt, slot);
    if (!rt->group_list.empty() && rt->key != rt->current_key) {
      rt->pending = true;
      break;
    }
    FoldKeyedSlot(rt, slot);
    if (rt->group_list.size() == 1 && rows == 1) rt->current_key = rt->key;
  }
  if (instrument != nullptr) InstrStopNode(instrument, rows);
  if (rt->group_list.empty()) return false;
  ++rt->streamed_groups;
  return true;
}

TupleTableSlot* AggNext(ScanState* ss) {
  auto* state = reinterpret_cast<AggScanState*>(ss);
  return Guarded([&]() -> TupleTableSlot* {
    AggRuntime* rt = state->runtime;
    if (rt->newest_blocks) {
      TupleTableSlot* slot = ss->ss_ScanTupleSlot;
      const Group* group = NextNewestGroup(state);
      if (group == nullptr) return ExecClearTuple(slot);
      StoreGroup(rt, *group, slot);
      return slot;
    }
    if (rt->order != 0) {
      TupleTableSlot* slot = ss->ss_ScanTupleSlot;
      if (!NextStreamedGroup(state)) return ExecClearTuple(slot);
      StoreGroup(rt, rt->group_list.front(), slot);
      return slot;
    }
    if (!rt->done) Aggregate(state);
    TupleTableSlot* slot = ss->ss_ScanTupleSlot;
    if (rt->next_output >= rt->group_list.size()) return ExecClearTuple(slot);
    StoreGroup(rt, rt->group_list[rt->next_output++], slot);
    return slot;
  });
}

bool AggRecheck(ScanState*, TupleTableSlot*) { return true; }

TupleTableSlot* ExecAggregate(CustomScanState* node) {
  return ExecScan(&node->ss, AggNext, AggRecheck);
}

void ResetGroups(AggRuntime* rt) {
  rt->index.clear();
  rt->index_by_word.clear();
  rt->null_word_group = SIZE_MAX;
  rt->group_list.clear();
  rt->states.clear();
  rt->done = false;
  rt->pending = false;
  rt->streamed_groups = 0;
  rt->hot_folded = false;
  rt->indexed_groups = 0;
  rt->open_buckets.clear();
  rt->null_group = -1;
  rt->ready.clear();
  rt->next_ready = 0;
  rt->next_output = 0;
  MemoryContextReset(rt->group_context);
}

void BeginAggregate(CustomScanState* node, EState* estate, int eflags) {
  auto* state = reinterpret_cast<AggScanState*>(node);
  Guarded([&] {
    CustomScan* plan = reinterpret_cast<CustomScan*>(node->ss.ps.plan);
    auto owned = std::make_unique<AggRuntime>();
    AggRuntime* rt = owned.get();
    PgCall([&] {
      auto* callback = static_cast<MemoryContextCallback*>(
          MemoryContextAllocZero(estate->es_query_cxt, sizeof(MemoryContextCallback)));
      callback->func = DeleteAggRuntime;
      callback->arg = rt;
      MemoryContextRegisterResetCallback(estate->es_query_cxt, callback);
    });
    owned.release();
    state->runtime = rt;
    Plan* child = static_cast<Plan*>(linitial(plan->custom_plans));
    PlanState* child_state = PgCall([&] { return ExecInitNode(child, estate, eflags); });
    node->custom_ps = PgCall([&] { return list_make1(child_state); });
    rt->group_context = PgCall([&] {
      return AllocSetContextCreate(CurrentMemoryContext, "tsdb aggregate groups",
                                   ALLOCSET_DEFAULT_SIZES);
    });
    List* group_specs = static_cast<List*>(linitial(plan->custom_private));
    List* agg_specs = static_cast<List*>(lsecond(plan->custom_private));
    List* buckets = static_cast<List*>(lthird(plan->custom_private));
    TupleDesc scan_desc = node->ss.ss_ScanTupleSlot->tts_tupleDescriptor;
    for (int i = 0; i + 1 < list_length(group_specs); i += 2) {
      GroupSpec spec;
      spec.kind = static_cast<GroupKind>(list_nth_int(group_specs, i));
      spec.attno = list_nth_int(group_specs, i + 1);
      Form_pg_attribute attr = TupleDescAttr(scan_desc, i / 2);
      spec.typlen = attr->attlen;
      spec.typbyval = attr->attbyval;
      if (spec.kind == GroupKind::kBucket) {
        FuncExpr* func = static_cast<FuncExpr*>(list_nth(buckets, i / 2));
        auto bucket = std::make_unique<BucketFunction>();
        const int nargs = list_length(func->args);
        PgCall([&] {
          fmgr_info(func->funcid, &bucket->flinfo);
          bucket->fcinfo = static_cast<FunctionCallInfo>(palloc0(SizeForFunctionCallInfo(nargs)));
          InitFunctionCallInfoData(*bucket->fcinfo, &bucket->flinfo, nargs, func->inputcollid,
                                   nullptr, nullptr);
          for (int a = 0; a < nargs; ++a) {
            if (a == 1) continue;
            Const* arg = list_nth_node(Const, func->args, a);
            bucket->fcinfo->args[a].value = arg->constvalue;
            bucket->fcinfo->args[a].isnull = arg->constisnull;
          }
          bucket->width_guess = WidthGuess(func);
          DetectFixedWidth(bucket.get(), func);
        });
        spec.bucket = bucket.get();
        rt->buckets.push_back(std::move(bucket));
      }
      rt->groups.push_back(spec);
    }
    TupleDesc table_desc = RelationGetDescr(
        reinterpret_cast<ScanState*>(child_state)->ss_currentRelation);
    for (int i = 0; i + 2 < list_length(agg_specs); i += 3) {
      AggSpec spec{static_cast<AggKind>(list_nth_int(agg_specs, i)), list_nth_int(agg_specs, i + 1),
                   list_nth_int(agg_specs, i + 2), 8, true};
      if (spec.attno > 0) {
        Form_pg_attribute attr = TupleDescAttr(table_desc, spec.attno - 1);
        spec.typlen = attr->attlen;
        spec.typbyval = attr->attbyval;
      }
      rt->aggs.push_back(spec);
    }
    rt->word_keys = rt->groups.size() == 1 && rt->groups[0].typbyval;
    rt->key_values.resize(rt->groups.size());
    rt->key_nulls.resize(rt->groups.size());
    List* flags = static_cast<List*>(lfourth(plan->custom_private));
    rt->partial = linitial_int(flags) != 0;
    rt->order = lsecond_int(flags);
    if (list_length(flags) > 2) rt->sort_order = lthird_int(flags);
    if (rt->order < 0) {
      rt->order = 0;
      rt->newest_blocks = true;
    }
  });
}

void EndAggregate(CustomScanState* node) {
  ExecEndNode(static_cast<PlanState*>(linitial(node->custom_ps)));
}

void ReScanAggregate(CustomScanState* node) {
  auto* state = reinterpret_cast<AggScanState*>(node);
  Guarded([&] { ResetGroups(state->runtime); });
  // Rescanned now, not lazily on its next ExecProcNode: this node reads it
  // through scan_node.h and never calls ExecProcNode on it.
  PlanState* child = static_cast<PlanState*>(linitial(node->custom_ps));
  if (node->ss.ps.chgParam != nullptr) UpdateChangedParamSet(child, node->ss.ps.chgParam);
  ExecReScan(child);
}

void ExplainAggregate(CustomScanState* node, List* ancestors, ExplainState* es) {
  auto* state = reinterpret_cast<AggScanState*>(node);
  CustomScan* plan = reinterpret_cast<CustomScan*>(node->ss.ps.plan);
  List* agg_specs = static_cast<List*>(lsecond(plan->custom_private));
  List* names = NIL;
  for (int i = 0; i + 2 < list_length(agg_specs); i += 3) {
    names = lappend(names, pstrdup(AggKindName(static_cast<AggKind>(list_nth_int(agg_specs, i)))));
  }
  ExplainPropertyList("Aggregates", names, es);
  List* flags = static_cast<List*>(lfourth(plan->custom_private));
  if (linitial_int(flags) != 0) {
    ExplainPropertyText("Partial", "per participant, finalized above the Gather", es);
  }
  if (lsecond_int(flags) != 0) {
    ExplainPropertyText("Order", lsecond_int(flags) < 0 ? "newest bucket first, streamed"
                                                         : "oldest bucket first, streamed",
                        es);
  }
  if (list_length(flags) > 2 && lthird_int(flags) != 0) {
    ExplainPropertyText("Order", lthird_int(flags) < 0 ? "groups sorted by bucket, descending"
                                                        : "groups sorted by bucket, ascending",
                        es);
  }
  if (es->analyze && state->runtime != nullptr) {
    const AggRuntime* rt = state->runtime;
    ExplainPropertyInteger("Groups", nullptr,
                           rt->order != 0 || rt->newest_blocks ? rt->streamed_groups
                                                               : rt->group_list.size(),
                           es);
    ExplainPropertyInteger("Hot Rows Aggregated", nullptr, rt->hot_rows, es);
    ExplainPropertyInteger("Block Rows Aggregated", nullptr, rt->block_rows, es);
    uint64 calls = 0;
    for (const auto& bucket : rt->buckets) calls += bucket->calls;
    if (!rt->buckets.empty()) ExplainPropertyInteger("Bucket Function Calls", nullptr, calls, es);
  }
}

Node* CreateAggState(CustomScan* plan) {
  auto* state = static_cast<AggScanState*>(palloc0(sizeof(AggScanState)));
  NodeSetTag(state, T_CustomScanState);
  state->css.methods = &agg_exec_methods;
  return reinterpret_cast<Node*>(state);
}

}  // namespace

void InitAggregatePushdown() {
  DefineCustomBoolVariable(
      "tsdb.enable_aggregate_pushdown",
      "Computes GROUP BY aggregates of tsdb tables from decoded block columns (TsdbAggregate).",
      "Off: PostgreSQL aggregates the rows TsdbScan forms (for comparison).",
      &enable_aggregate_pushdown, true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  agg_path_methods.CustomName = kAggName;
  agg_path_methods.PlanCustomPath = PlanAggregate;
  agg_scan_methods.CustomName = kAggName;
  agg_scan_methods.CreateCustomScanState = CreateAggState;
  agg_exec_methods.CustomName = kAggName;
  agg_exec_methods.BeginCustomScan = BeginAggregate;
  agg_exec_methods.ExecCustomScan = ExecAggregate;
  agg_exec_methods.EndCustomScan = EndAggregate;
  agg_exec_methods.ReScanCustomScan = ReScanAggregate;
  agg_exec_methods.ExplainCustomScan = ExplainAggregate;
  RegisterCustomScanMethods(&agg_scan_methods);
  previous_upper_paths = create_upper_paths_hook;
  create_upper_paths_hook = UpperPaths;
}

}  // namespace tsdb::pg
