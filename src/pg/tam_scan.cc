// Sequential scans and row fetches of tsdb tables: the hot rows of the
// table's storage, read through the hot_rows index on storage id with the
// scan's snapshot.
#include "pg/guard.h"
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
}

// A heap scan of hot_rows for TID-level questions about one row.
bool FetchHot(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot) {
  ItemPointerData hot_tid;
  if (!TableTidToHot(tid, &hot_tid)) return false;
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
    scan->context = AllocSetContextCreate(CurrentMemoryContext, "tsdb scan", ALLOCSET_DEFAULT_SIZES);
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
    systable_endscan(scan->hot_scan);
    MemoryContextSwitchTo(caller);
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
    systable_endscan(scan->hot_scan);
    StartHotScan(scan);
    MemoryContextSwitchTo(caller);
  });
}

bool TsdbScanGetNextSlot(TableScanDesc base, ScanDirection direction, TupleTableSlot* slot) {
  return Guarded([&] {
    auto* scan = reinterpret_cast<TsdbScanDescData*>(base);
    if (!ScanDirectionIsForward(direction)) Unsupported("backward scans of tsdb tables are not supported");
    MemoryContext caller = MemoryContextSwitchTo(scan->context);
    HeapTuple hot_tuple = systable_getnext(scan->hot_scan);
    if (hot_tuple != nullptr) StoreHotRow(base->rs_rd, scan->hot, hot_tuple, slot);
    MemoryContextSwitchTo(caller);
    if (hot_tuple == nullptr) {
      ExecClearTuple(slot);
      return false;
    }
    return true;
  });
}

bool TsdbFetchRowVersion(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot) {
  return Guarded([&] { return FetchHot(rel, tid, snapshot, slot); });
}

bool TsdbTidValid(TableScanDesc base, ItemPointer tid) {
  return Guarded([&] {
    auto* scan = reinterpret_cast<TsdbScanDescData*>(base);
    ItemPointerData hot_tid;
    return TableTidToHot(tid, &hot_tid) &&
           ItemPointerGetBlockNumber(&hot_tid) < RelationGetNumberOfBlocks(scan->hot);
  });
}

void TsdbGetLatestTid(TableScanDesc base, ItemPointer tid) {
  Guarded([&] {
    auto* scan = reinterpret_cast<TsdbScanDescData*>(base);
    ItemPointerData hot_tid;
    if (!TableTidToHot(tid, &hot_tid)) return;
    TableScanDesc hot_scan = table_beginscan_tid(scan->hot, base->rs_snapshot);
    table_tuple_get_latest_tid(hot_scan, &hot_tid);
    table_endscan(hot_scan);
    HotTidToTable(&hot_tid, tid);
  });
}

bool TsdbSatisfiesSnapshot(Relation rel, TupleTableSlot* slot, Snapshot snapshot) {
  return Guarded([&] { return FetchHot(rel, &slot->tts_tid, snapshot, nullptr); });
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
