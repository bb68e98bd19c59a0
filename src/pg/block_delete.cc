// Time-range DELETE of whole blocks: `DELETE FROM t WHERE time < X` (any
// conditions that only compare the time column with values fixed for the
// statement: constants, parameters, now() - interval ...) deletes each
// block whose whole time range satisfies them by deleting its block tuple,
// without decoding it. The rows of other blocks and the hot rows take the
// ordinary path (the executor's scan and tuple_delete), and the scan skips
// the blocks deleted here.
//
// How: the ExecutorRun hook (executor_hook.cc) recognises the plan ModifyTable(DELETE) over a
// SeqScan of one tsdb table, with no RETURNING, no row-level DELETE
// triggers, no other relation and no subplans. Row-level security adds its
// policies to the scan's conditions, so a table with policies only gets
// here when they are time comparisons too. The conditions are evaluated at
// a block's min and max time: comparisons of one column with btree
// operators (<, <=, =, >=, >) each hold on an interval, so do their
// conjunction, and holding at both ends means holding for every row.
//
// Concurrency: heap_delete of the block tuple with the statement's command
// id and crosscheck snapshot, waiting like any delete. A block changed by a
// transaction that committed after our snapshot (TM_Updated / TM_Deleted) is
// left to the ordinary row path, which rechecks its rows as it does for
// any concurrent change (EvalPlanQual, or a serialization failure).
//
// The deleted rows are added to the statement's row count (es_processed).
#include <cstdint>

#include "absl/container/flat_hash_set.h"
// Postgres headers (through guard.h) after every C++ header.
#include "pg/guard.h"
#include "pg/block_delete.h"
#include "pg/block_store.h"
#include "pg/internal_catalog.h"
#include "pg/metapage.h"
#include "pg/scan_quals.h"
#include "pg/table_layout.h"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/index.h"
#include "catalog/pg_am.h"
#include "commands/defrem.h"
#include "executor/executor.h"
#include "nodes/nodeFuncs.h"
#include "nodes/plannodes.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "storage/proc.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

namespace tsdb::pg {
namespace {

// The blocks this command deleted whole: the scan skips them. Scoped by
// transaction and command; a later command starts a new set.
struct DeletedBlocks {
  LocalTransactionId lxid = InvalidLocalTransactionId;
  CommandId cid = InvalidCommandId;
  absl::flat_hash_set<uint64_t> tids;
};
DeletedBlocks& ThisCommandsBlocks() {
  static DeletedBlocks* blocks = new DeletedBlocks();
  return *blocks;
}

uint64_t TidKey(ItemPointer tid) {
  return (static_cast<uint64_t>(ItemPointerGetBlockNumber(tid)) << 16) |
         ItemPointerGetOffsetNumber(tid);
}

Node* StripRelabel(Node* node) {
  while (node != nullptr && IsA(node, RelabelType)) {
    node = reinterpret_cast<Node*>(reinterpret_cast<RelabelType*>(node)->arg);
  }
  return node;
}

bool IsTimeVar(Node* node, Index scanrelid, AttrNumber time_attnum) {
  node = StripRelabel(node);
  if (node == nullptr || !IsA(node, Var)) return false;
  const Var* var = reinterpret_cast<Var*>(node);
  return var->varno == static_cast<int>(scanrelid) && var->varattno == time_attnum &&
         var->varlevelsup == 0;
}

// True for expressions fixed for the statement: no column, no subquery,
// no parameter but the statement's own (PARAM_EXTERN), nothing volatile.
bool ContainsNonExternParam(Node* node, void* context) {
  if (node == nullptr) return false;
  if (IsA(node, Param)) return reinterpret_cast<Param*>(node)->paramkind != PARAM_EXTERN;
  return expression_tree_walker(node, reinterpret_cast<bool (*)()>(ContainsNonExternParam),
                                context);
}
bool IsStatementConstant(Node* node) {
  return !contain_var_clause(node) && !contain_volatile_functions(node) &&
         !contain_subplans(node) && !ContainsNonExternParam(node, nullptr);
}

// `time <op> value` or `value <op> time` with a btree comparison operator
// of the time column's type family.
bool IsTimeComparison(Node* node, Index scanrelid, AttrNumber time_attnum, Oid btree_family) {
  if (!IsA(node, OpExpr)) return false;
  OpExpr* op = reinterpret_cast<OpExpr*>(node);
  if (list_length(op->args) != 2) return false;
  Node* left = static_cast<Node*>(linitial(op->args));
  Node* right = static_cast<Node*>(lsecond(op->args));
  const bool left_time = IsTimeVar(left, scanrelid, time_attnum);
  const bool right_time = IsTimeVar(right, scanrelid, time_attnum);
  if (left_time == right_time) return false;
  if (!IsStatementConstant(left_time ? right : left)) return false;
  const int strategy = get_op_opfamily_strategy(op->opno, btree_family);
  return strategy >= BTLessStrategyNumber && strategy <= BTGreaterStrategyNumber;
}

struct WholeBlockDelete {
  Relation rel = nullptr;
  List* qual = nullptr;
  AttrNumber time_attnum = InvalidAttrNumber;
};

// The table and the conditions when the statement is a whole-block DELETE.
bool MatchWholeBlockDelete(QueryDesc* query, WholeBlockDelete* out) {
  PlannedStmt* stmt = query->plannedstmt;
  if (query->operation != CMD_DELETE || stmt->hasReturning || stmt->subplans != NIL ||
      list_length(stmt->rtable) != 1 || stmt->planTree == nullptr ||
      !IsA(stmt->planTree, ModifyTable)) {
    return false;
  }
  ModifyTable* modify = reinterpret_cast<ModifyTable*>(stmt->planTree);
  Plan* sub = outerPlan(&modify->plan);
  if (list_length(modify->resultRelations) != 1 || modify->returningLists != NIL ||
      modify->plan.initPlan != NIL || sub == nullptr || !IsA(sub, SeqScan) ||
      sub->initPlan != NIL) {
    return false;
  }
  const Index rti = linitial_int(modify->resultRelations);
  if (reinterpret_cast<SeqScan*>(sub)->scan.scanrelid != rti) return false;
  RangeTblEntry* rte = rt_fetch(rti, stmt->rtable);
  if (rte->rtekind != RTE_RELATION || rte->relkind != RELKIND_RELATION) return false;
  Relation rel = ExecGetRangeTableRelation(query->estate, rti);
  if (!IsTsdbRelation(rel)) return false;
  const TriggerDesc* triggers = rel->trigdesc;
  if (triggers != nullptr &&
      (triggers->trig_delete_before_row || triggers->trig_delete_after_row ||
       triggers->trig_delete_instead_row || triggers->trig_delete_old_table)) {
    return false;
  }
  const TableLayout layout = LoadTableLayout(rel);
  if (layout.time_attnum == InvalidAttrNumber) return false;
  const Oid time_type = TupleDescAttr(RelationGetDescr(rel), layout.time_attnum - 1)->atttypid;
  const Oid family = DefaultBtreeFamily(time_type);
  if (!OidIsValid(family)) return false;
  ListCell* cell;
  foreach (cell, sub->qual) {
    if (!IsTimeComparison(static_cast<Node*>(lfirst(cell)), rti, layout.time_attnum, family)) {
      return false;
    }
  }
  out->rel = rel;
  out->qual = sub->qual;
  out->time_attnum = layout.time_attnum;
  return true;
}

int CountBits(const DeletedRows& deleted) {
  int n = 0;
  for (int i = 0; i < deleted.bytes; ++i) n += __builtin_popcount(deleted.bits[i]);
  return n;
}

// Deletes the blocks the conditions cover; returns their rows.
uint64 DeleteWholeBlocks(QueryDesc* query, const WholeBlockDelete& match) {
  EState* estate = query->estate;
  Relation rel = match.rel;
  ExprState* qual = ExecPrepareQual(match.qual, estate);
  ExprContext* econtext = CreateExprContext(estate);
  TupleTableSlot* slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsVirtual);
  const int t = match.time_attnum - 1;
  const auto holds_at = [&](int64 time) {
    ExecClearTuple(slot);
    for (int a = 0; a < slot->tts_tupleDescriptor->natts; ++a) slot->tts_isnull[a] = true;
    slot->tts_values[t] = Int64GetDatum(time);
    slot->tts_isnull[t] = false;
    ExecStoreVirtualTuple(slot);
    ResetExprContext(econtext);
    econtext->ecxt_scantuple = slot;
    return ExecQual(qual, econtext);
  };

  DeletedBlocks& deleted_blocks = ThisCommandsBlocks();
  if (deleted_blocks.lxid != MyProc->lxid || deleted_blocks.cid != estate->es_output_cid) {
    deleted_blocks.tids.clear();
    deleted_blocks.lxid = MyProc->lxid;
    deleted_blocks.cid = estate->es_output_cid;
  }
  Relation blocks = table_open(BlocksRelid(), RowExclusiveLock);
  Relation moved_rows = table_open(InternalRelid("moved_rows"), RowExclusiveLock);
  const int64 storage_id = StorageIdOf(rel);
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(storage_id));
  SysScanDesc scan =
      systable_beginscan(blocks, BlocksIndexRelid(), true, estate->es_snapshot, 1, &key);
  uint64 rows = 0;
  HeapTuple tuple;
  while ((tuple = systable_getnext(scan)) != nullptr) {
    CHECK_FOR_INTERRUPTS();
    bool isnull;
    TupleDesc desc = RelationGetDescr(blocks);
    // min_time and max_time are of the column that was the time column when
    // the block was written: after that column was dropped or retyped, the
    // block's rows take the row path.
    if (DatumGetInt16(heap_getattr(tuple, kBlocksTimeAttnum, desc, &isnull)) != match.time_attnum) {
      continue;
    }
    const int64 min_time = DatumGetInt64(heap_getattr(tuple, kBlocksMinTime, desc, &isnull));
    const int64 max_time = DatumGetInt64(heap_getattr(tuple, kBlocksMaxTime, desc, &isnull));
    if (!holds_at(min_time) || !holds_at(max_time)) continue;
    const int row_count = DatumGetInt32(heap_getattr(tuple, kBlocksRowCount, desc, &isnull));
    const int live = row_count - CountBits(DeletedRowsOf(blocks, tuple));
    ItemPointerData tid = tuple->t_self;
    TM_FailureData tmfd;
    const TM_Result result = heap_delete(blocks, &tid, estate->es_output_cid,
                                         estate->es_crosscheck_snapshot, true, &tmfd, false);
    if (result == TM_Ok) {
      rows += live;
      deleted_blocks.tids.insert(TidKey(&tid));
      ForgetMovedRows(moved_rows, storage_id, BlockIdOf(blocks, tuple));
    }
    // Otherwise the block changed after our snapshot (or this command
    // already deleted it): its rows take the ordinary path.
  }
  systable_endscan(scan);
  table_close(moved_rows, RowExclusiveLock);
  table_close(blocks, RowExclusiveLock);
  ExecDropSingleTupleTableSlot(slot);
  FreeExprContext(econtext, true);
  return rows;
}

}  // namespace

bool BlockDeletedWholeByThisCommand(ItemPointer block_tid) {
  const DeletedBlocks& deleted = ThisCommandsBlocks();
  return !deleted.tids.empty() && deleted.lxid == MyProc->lxid &&
         deleted.cid == GetCurrentCommandId(false) && deleted.tids.contains(TidKey(block_tid));
}

uint64 DeleteWholeBlocksFor(QueryDesc* query) {
  WholeBlockDelete match;
  return MatchWholeBlockDelete(query, &match) ? DeleteWholeBlocks(query, match) : 0;
}

}  // namespace tsdb::pg
