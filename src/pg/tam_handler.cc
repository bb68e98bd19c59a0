// The table access method `tsdb` (docs/storage.md): its routine, and the
// callbacks for operations tsdb tables refuse with a clear error.
#include "pg/guard.h"
#include "pg/tam_callbacks.h"

extern "C" {
#include "access/heapam.h"
#include "executor/tuptable.h"
}

namespace tsdb::pg {
namespace {

const TupleTableSlotOps* TsdbSlotCallbacks(Relation rel) { return &TTSOpsHeapTuple; }

Size TsdbParallelEstimate(Relation rel) {
  return Guarded([&]() -> Size { Unsupported("parallel scans of tsdb tables are not supported"); });
}
Size TsdbParallelInitialize(Relation rel, ParallelTableScanDesc pscan) {
  return Guarded([&]() -> Size { Unsupported("parallel scans of tsdb tables are not supported"); });
}
void TsdbParallelReinitialize(Relation rel, ParallelTableScanDesc pscan) {
  Guarded([&] { Unsupported("parallel scans of tsdb tables are not supported"); });
}

constexpr const char* kIndexHint =
    "Filter on the time column and the series key instead: tsdb prunes by them without an index.";

IndexFetchTableData* TsdbIndexFetchBegin(Relation rel) {
  return Guarded([&]() -> IndexFetchTableData* { Unsupported("indexes on tsdb tables are not supported", kIndexHint); });
}
void TsdbIndexFetchReset(IndexFetchTableData* data) {}
void TsdbIndexFetchEnd(IndexFetchTableData* data) {}
bool TsdbIndexFetchTuple(IndexFetchTableData* scan, ItemPointer tid, Snapshot snapshot,
                         TupleTableSlot* slot, bool* call_again, bool* all_dead) {
  return Guarded([&]() -> bool { Unsupported("indexes on tsdb tables are not supported", kIndexHint); });
}
TransactionId TsdbIndexDeleteTuples(Relation rel, TM_IndexDeleteOp* delstate) {
  return InvalidTransactionId;  // no indexes: nothing to delete
}
double TsdbIndexBuildRangeScan(Relation table_rel, Relation index_rel, IndexInfo* index_info,
                               bool allow_sync, bool anyvisible, bool progress,
                               BlockNumber start_blockno, BlockNumber numblocks,
                               IndexBuildCallback callback, void* callback_state,
                               TableScanDesc scan) {
  return Guarded([&]() -> double { Unsupported("indexes on tsdb tables are not supported", kIndexHint); });
}
void TsdbIndexValidateScan(Relation table_rel, Relation index_rel, IndexInfo* index_info,
                           Snapshot snapshot, ValidateIndexState* state) {
  Guarded([&] { Unsupported("indexes on tsdb tables are not supported", kIndexHint); });
}

void TsdbInsertSpeculative(Relation rel, TupleTableSlot* slot, CommandId cid, int options,
                           BulkInsertState bistate, uint32 spec_token) {
  Guarded([&] { Unsupported("INSERT ... ON CONFLICT is not supported on tsdb tables"); });
}
void TsdbCompleteSpeculative(Relation rel, TupleTableSlot* slot, uint32 spec_token,
                             bool succeeded) {
  Guarded([&] { Unsupported("INSERT ... ON CONFLICT is not supported on tsdb tables"); });
}

bool TsdbNeedsToastTable(Relation rel) { return false; }  // rows are stored inline in images

bool TsdbBitmapNextBlock(TableScanDesc scan, TBMIterateResult* tbmres) {
  return Guarded([&]() -> bool { Unsupported("bitmap scans of tsdb tables are not supported"); });
}
bool TsdbBitmapNextTuple(TableScanDesc scan, TBMIterateResult* tbmres, TupleTableSlot* slot) {
  return Guarded([&]() -> bool { Unsupported("bitmap scans of tsdb tables are not supported"); });
}
bool TsdbSampleNextBlock(TableScanDesc scan, SampleScanState* scanstate) {
  return Guarded([&]() -> bool { Unsupported("TABLESAMPLE is not supported on tsdb tables"); });
}
bool TsdbSampleNextTuple(TableScanDesc scan, SampleScanState* scanstate, TupleTableSlot* slot) {
  return Guarded([&]() -> bool { Unsupported("TABLESAMPLE is not supported on tsdb tables"); });
}

TableAmRoutine MakeRoutine() {
  TableAmRoutine r;
  memset(&r, 0, sizeof(r));
  r.type = T_TableAmRoutine;
  r.slot_callbacks = TsdbSlotCallbacks;
  r.scan_begin = TsdbScanBegin;
  r.scan_end = TsdbScanEnd;
  r.scan_rescan = TsdbScanRescan;
  r.scan_getnextslot = TsdbScanGetNextSlot;
  // scan_set_tidrange / scan_getnextslot_tidrange: NULL, so no TID range scans.
  r.parallelscan_estimate = TsdbParallelEstimate;
  r.parallelscan_initialize = TsdbParallelInitialize;
  r.parallelscan_reinitialize = TsdbParallelReinitialize;
  r.index_fetch_begin = TsdbIndexFetchBegin;
  r.index_fetch_reset = TsdbIndexFetchReset;
  r.index_fetch_end = TsdbIndexFetchEnd;
  r.index_fetch_tuple = TsdbIndexFetchTuple;
  r.tuple_fetch_row_version = TsdbFetchRowVersion;
  r.tuple_tid_valid = TsdbTidValid;
  r.tuple_get_latest_tid = TsdbGetLatestTid;
  r.tuple_satisfies_snapshot = TsdbSatisfiesSnapshot;
  r.index_delete_tuples = TsdbIndexDeleteTuples;
  r.tuple_insert = TsdbTupleInsert;
  r.tuple_insert_speculative = TsdbInsertSpeculative;
  r.tuple_complete_speculative = TsdbCompleteSpeculative;
  r.multi_insert = TsdbMultiInsert;
  r.finish_bulk_insert = TsdbFinishBulkInsert;
  r.tuple_delete = TsdbTupleDelete;
  r.tuple_update = TsdbTupleUpdate;
  r.tuple_lock = TsdbTupleLock;
  r.relation_set_new_filenode = TsdbSetNewFilenode;
  r.relation_nontransactional_truncate = TsdbNontransactionalTruncate;
  r.relation_copy_data = TsdbCopyData;
  r.relation_copy_for_cluster = TsdbCopyForCluster;
  r.relation_vacuum = TsdbVacuum;
  r.scan_analyze_next_block = TsdbAnalyzeNextBlock;
  r.scan_analyze_next_tuple = TsdbAnalyzeNextTuple;
  r.index_build_range_scan = TsdbIndexBuildRangeScan;
  r.index_validate_scan = TsdbIndexValidateScan;
  r.relation_size = TsdbRelationSize;
  r.relation_needs_toast_table = TsdbNeedsToastTable;
  r.relation_estimate_size = TsdbEstimateSize;
  r.scan_bitmap_next_block = TsdbBitmapNextBlock;
  r.scan_bitmap_next_tuple = TsdbBitmapNextTuple;
  r.scan_sample_next_block = TsdbSampleNextBlock;
  r.scan_sample_next_tuple = TsdbSampleNextTuple;
  return r;
}

const TableAmRoutine kRoutine = MakeRoutine();

}  // namespace
}  // namespace tsdb::pg

TSDB_SQL_FUNCTION(tsdb_am_handler) {
  return PointerGetDatum(&tsdb::pg::kRoutine);
}
