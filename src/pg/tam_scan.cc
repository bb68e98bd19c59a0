// Sequential scans and row fetches of tsdb tables: the hot rows of the
// table's storage, read through the hot_rows index on storage id with the
// scan's snapshot.
#include "pg/guard.h"  // first: C++ headers before Postgres's
#include "pg/block_delete.h"
#include "pg/block_store.h"
#include "pg/hot_store.h"
#include "pg/internal_catalog.h"
#include "pg/metapage.h"
#include "pg/tam_callbacks.h"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/table.h"
#include "storage/bufmgr.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
}

namespace tsdb::pg {
namespace {

struct TsdbScanDescData {
  TableScanDescData base;  // first: Postgres casts between the two
  int64 storage_id;
  Relation hot;
  SysScanDesc hot_scan;
  // After the hot rows, the blocks: the current one decoded, in
  // block_context (reset per block).
  bool in_blocks;
  Relation blocks;
  SysScanDesc block_scan;
  MemoryContext block_context;
  HeapTuple block_tuple;
  RowColumns columns;
  DeletedRows deleted;
  int next_row;
  // The index scan allocates as it goes (btree's killed-items list, say),
  // and callers such as ALTER TABLE's rewrite reset their current context
  // per row: every call into it runs in this context, which lives as long as
  // the scan.
  MemoryContext context;
};

void StartHotScan(TsdbScanDescData* scan) {
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(scan->storage_id));
  scan->hot_scan =
      systable_beginscan(scan->hot, HotRowsStorageIndexRelid(), true, scan->base.rs_snapshot, 1,
                         &key);
  scan->in_blocks = false;
}

void StartBlockScan(TsdbScanDescData* scan) {
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(scan->storage_id));
  scan->block_scan = systable_beginscan(scan->blocks, BlocksIndexRelid(), true,
                                        scan->base.rs_snapshot, 1, &key);
  scan->in_blocks = true;
  scan->block_tuple = nullptr;
  scan->next_row = 0;
  scan->columns.rows = 0;
}

void EndScans(TsdbScanDescData* scan) {
  systable_endscan(scan->hot_scan);
  if (scan->in_blocks) systable_endscan(scan->block_scan);
  scan->in_blocks = false;
}

// Moves to the next block, decoded for the columns of `desc`; false after
// the last.
bool NextBlock(TsdbScanDescData* scan, TupleDesc desc) {
  HeapTuple tuple;
  do {
    tuple = systable_getnext(scan->block_scan);
    if (tuple == nullptr) return false;
  } while (BlockDeletedWholeByThisCommand(&tuple->t_self));
  MemoryContextReset(scan->block_context);
  MemoryContext caller = MemoryContextSwitchTo(scan->block_context);
  scan->block_tuple = heap_copytuple(tuple);
  scan->columns = DecodeBlockTuple(scan->base.rs_rd, desc, scan->blocks, scan->block_tuple);
  scan->deleted = DeletedRowsOf(scan->blocks, scan->block_tuple);
  scan->next_row = 0;
  MemoryContextSwitchTo(caller);
  return true;
}

// A heap fetch of one row, hot or in a block, for TID-level questions.
bool FetchRow(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot) {
  ItemPointerData hot_tid;
  if (!TableTidToHot(tid, &hot_tid)) return FetchBlockRow(rel, tid, snapshot, slot);
  Relation hot = table_open(HotRowsRelid(), AccessShareLock);
  HeapTupleData tuple;
  tuple.t_self = hot_tid;
  Buffer buffer;
  bool found = heap_fetch(hot, snapshot, &tuple, &buffer, false);
  if (found) {
    if (slot != nullptr) StoreHotRow(rel, hot, &tuple, slot);
    ReleaseBuffer(buffer);
  }
  table_close(hot, AccessShareLock);
  return found;
}

}  // namespace

TableScanDesc TsdbScanBegin(Relation rel, Snapshot snapshot, int nkeys, ScanKeyData* key,
                            ParallelTableScanDesc pscan, uint32 flags) {
  return Guarded([&]() -> TableScanDesc {
    if (pscan != nullptr) Unsupported("parallel scans of tsdb tables are not supported");
    auto* scan = static_cast<TsdbScanDescData*>(palloc0(sizeof(TsdbScanDescData)));
    scan->base.rs_rd = rel;
    scan->base.rs_snapshot = snapshot;
    scan->base.rs_nkeys = nkeys;
    scan->base.rs_key = key;
    scan->base.rs_flags = flags;
    scan->storage_id = StorageIdOf(rel);
    scan->hot = table_open(HotRowsRelid(), AccessShareLock);
    scan->blocks = table_open(BlocksRelid(), AccessShareLock);
    scan->context = AllocSetContextCreate(CurrentMemoryContext, "tsdb scan", ALLOCSET_DEFAULT_SIZES);
    scan->block_context = AllocSetContextCreate(scan->context, "tsdb block", ALLOCSET_DEFAULT_SIZES);
    MemoryContext caller = MemoryContextSwitchTo(scan->context);
    StartHotScan(scan);
    MemoryContextSwitchTo(caller);
    return &scan->base;
  });
}

void TsdbScanEnd(TableScanDesc base) {
  Guarded([&] {
    auto* scan = reinterpret_cast<TsdbScanDescData*>(base);
    MemoryContext caller = MemoryContextSwitchTo(scan->context);
    EndScans(scan);
    MemoryContextSwitchTo(caller);
    table_close(scan->blocks, AccessShareLock);
    table_close(scan->hot, AccessShareLock);
    if (base->rs_flags & SO_TEMP_SNAPSHOT) UnregisterSnapshot(base->rs_snapshot);
    MemoryContextDelete(scan->context);
    pfree(scan);
  });
}

void TsdbScanRescan(TableScanDesc base, ScanKeyData* key, bool set_params, bool allow_strat,
                    bool allow_sync, bool allow_pagemode) {
  Guarded([&] {
    auto* scan = reinterpret_cast<TsdbScanDescData*>(base);
    MemoryContext caller = MemoryContextSwitchTo(scan->context);
    EndScans(scan);
    StartHotScan(scan);
    MemoryContextSwitchTo(caller);
  });
}

bool TsdbScanGetNextSlot(TableScanDesc base, ScanDirection direction, TupleTableSlot* slot) {
  return Guarded([&] {
    auto* scan = reinterpret_cast<TsdbScanDescData*>(base);
    if (!ScanDirectionIsForward(direction)) Unsupported("backward scans of tsdb tables are not supported");
    MemoryContext caller = MemoryContextSwitchTo(scan->context);
    bool found = false;
    if (!scan->in_blocks) {
      HeapTuple hot_tuple = systable_getnext(scan->hot_scan);
      if (hot_tuple != nullptr) {
        StoreHotRow(base->rs_rd, scan->hot, hot_tuple, slot);
        found = true;
      } else {
        StartBlockScan(scan);
      }
    }
    while (!found && scan->in_blocks) {
      if (scan->next_row < scan->columns.rows) {
        const int row = scan->next_row++;
        if (scan->deleted.Contains(row)) continue;
        StoreBlockRow(base->rs_rd, scan->block_tuple, scan->columns, row, slot);
        found = true;
      } else if (!NextBlock(scan, slot->tts_tupleDescriptor)) {
        break;
      }
    }
    MemoryContextSwitchTo(caller);
    if (!found) ExecClearTuple(slot);
    return found;
  });
}

bool TsdbFetchRowVersion(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot) {
  return Guarded([&] { return FetchRow(rel, tid, snapshot, slot); });
}

bool TsdbTidValid(TableScanDesc base, ItemPointer tid) {
  return Guarded([&] {
    auto* scan = reinterpret_cast<TsdbScanDescData*>(base);
    ItemPointerData hot_tid, block_tid;
    int row;
    if (TableTidToHot(tid, &hot_tid)) {
      return ItemPointerGetBlockNumber(&hot_tid) < RelationGetNumberOfBlocks(scan->hot);
    }
    return TableTidToBlockRow(tid, &block_tid, &row) && row < kRowsPerBlock &&
           ItemPointerGetBlockNumber(&block_tid) < RelationGetNumberOfBlocks(scan->blocks);
  });
}

void TsdbGetLatestTid(TableScanDesc base, ItemPointer tid) {
  Guarded([&] {
    auto* scan = reinterpret_cast<TsdbScanDescData*>(base);
    ItemPointerData hot_tid, block_tid;
    int row;
    if (TableTidToHot(tid, &hot_tid)) {
      TableScanDesc hot_scan = table_beginscan_tid(scan->hot, base->rs_snapshot);
      table_tuple_get_latest_tid(hot_scan, &hot_tid);
      table_endscan(hot_scan);
      HotTidToTable(&hot_tid, tid);
    } else if (TableTidToBlockRow(tid, &block_tid, &row)) {
      TableScanDesc block_scan = table_beginscan_tid(scan->blocks, base->rs_snapshot);
      table_tuple_get_latest_tid(block_scan, &block_tid);
      table_endscan(block_scan);
      BlockRowTid(&block_tid, row, tid);
    }
  });
}

bool TsdbSatisfiesSnapshot(Relation rel, TupleTableSlot* slot, Snapshot snapshot) {
  return Guarded([&] { return FetchRow(rel, &slot->tts_tid, snapshot, nullptr); });
}

// ANALYZE samples the table's blocks; a tsdb table has one, its metapage.
// Block 0 therefore yields every live row and ANALYZE's reservoir sampling
// picks its sample from them, so reltuples is exact. (Compressed blocks will
// contribute through their metadata instead of being read.)
bool TsdbAnalyzeNextBlock(TableScanDesc scan, BlockNumber blockno,
                          BufferAccessStrategy bstrategy) {
  return blockno == 0;
}

bool TsdbAnalyzeNextTuple(TableScanDesc scan, TransactionId oldest_xmin, double* liverows,
                          double* deadrows, TupleTableSlot* slot) {
  if (!TsdbScanGetNextSlot(scan, ForwardScanDirection, slot)) return false;
  *liverows += 1;
  return true;
}

}  // namespace tsdb::pg
