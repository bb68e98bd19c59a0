// tsdb.compress(tbl, older_than): hot rows older than now() - older_than
// (all of them for NULL) become compressed blocks, one series at a time;
// blocks with deleted rows are rewritten without them.
//
// Under ExclusiveLock (readers go on, writers and row lockers wait), with a
// snapshot taken after the lock: every visible hot row that qualifies is
// copied into a block and deleted from the hot store in this transaction, so
// readers see each row exactly once before and after, and no concurrent
// DELETE or UPDATE can miss a moved row (docs/storage.md).
#include "pg/series_batch.h"  // first: C++ headers before Postgres's
#include "pg/guard.h"
#include "pg/hot_store.h"
#include "pg/internal_catalog.h"
#include "pg/block_store.h"
#include "pg/metapage.h"
#include "pg/table_layout.h"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "utils/acl.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
}

namespace tsdb::pg {
namespace {

// Deletes the hot rows just written into a block.
void DeleteHotRows(Relation hot, absl::Span<const ItemPointerData> tids) {
  PgCall([&] {
    for (const ItemPointerData& tid : tids) {
      simple_heap_delete(hot, const_cast<ItemPointer>(&tid));
    }
  });
}

// Blocks with deleted rows: their live rows go through the batch again
// (merged with the series' hot rows into fuller blocks) and the block tuple
// is deleted, so the next VACUUM reclaims the deleted rows' space. Safe for
// the same reason moving hot rows is: under ExclusiveLock no statement
// holds a TID of the table, and a REPEATABLE READ transaction that read the
// old block gets a serialization failure if it then writes the row.
// Returns the blocks rewritten.
int64 RewriteBlocksWithDeletedRows(Relation rel, Snapshot snapshot, int64 storage_id,
                                   SeriesBatch* batch) {
  Relation blocks = nullptr;
  Relation moved_rows = nullptr;
  SysScanDesc scan = nullptr;
  MemoryContext block_context = nullptr;
  TupleDesc desc = RelationGetDescr(rel);
  PgCall([&] {
    blocks = table_open(BlocksRelid(), RowExclusiveLock);
    moved_rows = table_open(InternalRelid("moved_rows"), RowExclusiveLock);
    ScanKeyData key;
    ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(storage_id));
    scan = systable_beginscan(blocks, BlocksIndexRelid(), true, snapshot, 1, &key);
    block_context = AllocSetContextCreate(CurrentMemoryContext, "tsdb compress block",
                                          ALLOCSET_DEFAULT_SIZES);
  });
  Datum* values = static_cast<Datum*>(PgCall([&] { return palloc(sizeof(Datum) * desc->natts); }));
  bool* nulls = static_cast<bool*>(PgCall([&] { return palloc(sizeof(bool) * desc->natts); }));
  int64 rewritten = 0;
  for (;;) {
    HeapTuple block = nullptr;
    DeletedRows deleted;
    const char* payload = nullptr;
    size_t payload_size = 0;
    PgCall([&] {
      CHECK_FOR_INTERRUPTS();
      MemoryContextReset(block_context);
      // In the scan's context: btree allocates its killed-items list lazily
      // there, and block_context is reset per block.
      HeapTuple found = systable_getnext(scan);
      MemoryContext caller = MemoryContextSwitchTo(block_context);
      if (found != nullptr) {
        block = heap_copytuple(found);
        deleted = DeletedRowsOf(blocks, block);
        if (deleted.bits != nullptr) {
          const BlockBytes bytes = BlockBytesOf(blocks, block);
          payload = bytes.data;
          payload_size = bytes.size;
        }
      }
      MemoryContextSwitchTo(caller);
    });
    if (block == nullptr) break;
    if (deleted.bits == nullptr) continue;
    MemoryContext caller = MemoryContextSwitchTo(block_context);
    const RowColumns columns = DecodeBlock(rel, desc, payload, payload_size);
    MemoryContextSwitchTo(caller);
    for (int r = 0; r < columns.rows; ++r) {
      if (deleted.Contains(r)) continue;
      PgCall([&] { BlockRowValues(desc, columns, r, values, nulls); });
      // A row whose time is NULL now (the time column was dropped or
      // retyped since the block was written) stays a row: a hot one.
      if (!batch->Add(rel, values, nulls, nullptr)) {
        PgCall([&] { InsertHotRowOfValues(rel, desc, values, nulls, GetCurrentCommandId(true)); });
      }
    }
    PgCall([&] {
      simple_heap_delete(blocks, &block->t_self);
      ForgetMovedRows(moved_rows, storage_id, BlockIdOf(blocks, block));
    });
    ++rewritten;
  }
  PgCall([&] {
    systable_endscan(scan);
    table_close(moved_rows, RowExclusiveLock);
    table_close(blocks, RowExclusiveLock);
    MemoryContextDelete(block_context);
    pfree(values);
    pfree(nulls);
  });
  return rewritten;
}

int64 Compress(Oid relid, bool all, TimestampTz cutoff) {
  Relation rel = nullptr;
  TableLayout layout;
  int64 storage_id = 0;
  MemoryContext work = nullptr, caller = nullptr;
  Snapshot snapshot = nullptr;
  Relation hot = nullptr;
  TupleTableSlot* slot = nullptr;
  SysScanDesc scan = nullptr;
  PgCall([&] {
    rel = OpenOwnedTsdbTable(relid, ExclusiveLock);
    layout = LoadTableLayout(rel);
    if (layout.time_attnum == InvalidAttrNumber) {
      ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                      errmsg("tsdb table \"%s\" has no time column", RelationGetRelationName(rel)),
                      errhint("Add a timestamptz column, or name one with tsdb.set_layout().")));
    }
    storage_id = StorageIdOf(rel);
    work = AllocSetContextCreate(CurrentMemoryContext, "tsdb compress", ALLOCSET_DEFAULT_SIZES);
    caller = MemoryContextSwitchTo(work);
    // Taken after the lock: no transaction that changed these rows is still
    // running, and every committed change is seen.
    snapshot = RegisterSnapshot(GetLatestSnapshot());
    hot = table_open(HotRowsRelid(), RowExclusiveLock);
    slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsHeapTuple);
    ScanKeyData key;
    ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(storage_id));
    scan = systable_beginscan(hot, HotRowsStorageIndexRelid(), true, snapshot, 1, &key);
  });
  int64 moved = 0;
  {
    SeriesBatch batch(rel, layout, storage_id,
                      [hot](absl::Span<const ItemPointerData> tids) { DeleteHotRows(hot, tids); });
    const int t = layout.time_attnum - 1;
    for (;;) {
      HeapTuple hot_tuple = PgCall([&] {
        HeapTuple tuple = systable_getnext(scan);
        if (tuple != nullptr) {
          StoreHotRow(rel, hot, tuple, slot);
          slot_getallattrs(slot);
        }
        CHECK_FOR_INTERRUPTS();
        return tuple;
      });
      if (hot_tuple == nullptr) break;
      // Rows without a time stay hot.
      if (slot->tts_isnull[t]) continue;
      if (!all && DatumGetInt64(slot->tts_values[t]) >= cutoff) continue;
      batch.Add(rel, slot->tts_values, slot->tts_isnull, &hot_tuple->t_self);
      ++moved;
    }
    RewriteBlocksWithDeletedRows(rel, snapshot, storage_id, &batch);
    batch.Flush(rel, 1);
  }
  PgCall([&] {
    systable_endscan(scan);
    ExecDropSingleTupleTableSlot(slot);
    table_close(hot, RowExclusiveLock);
    UnregisterSnapshot(snapshot);
    MemoryContextSwitchTo(caller);
    MemoryContextDelete(work);
    table_close(rel, NoLock);  // the lock is held to commit
  });
  return moved;
}

}  // namespace
}  // namespace tsdb::pg

TSDB_SQL_FUNCTION(tsdb_compress) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  const Oid relid = PG_GETARG_OID(0);
  const bool all = PG_ARGISNULL(1);
  TimestampTz cutoff = 0;
  if (!all) {
    cutoff = DatumGetTimestampTz(DirectFunctionCall2(
        timestamptz_mi_interval, TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
        PG_GETARG_DATUM(1)));
  }
  PG_RETURN_INT64(tsdb::pg::Compress(relid, all, cutoff));
}
