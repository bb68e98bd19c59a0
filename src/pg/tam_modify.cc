// INSERT, COPY, DELETE, UPDATE and row locks on tsdb tables. Rows written
// here are hot rows; row-level operations are heapam's on the hot_rows
// tuple, so MVCC, waits, EvalPlanQual and update chains behave exactly as
// for a heap table. TIDs are translated at the boundary (hot_store.h).
#include "pg/guard.h"
#include "pg/hot_store.h"
#include "pg/internal_catalog.h"
#include "pg/metapage.h"
#include "pg/tam_callbacks.h"

extern "C" {
#include "access/heapam.h"
#include "access/table.h"
#include "executor/tuptable.h"
}

namespace tsdb::pg {
namespace {

void InsertRows(Relation rel, TupleTableSlot** slots, int nslots, CommandId cid, int options,
                BulkInsertState bistate) {
  const int64 storage_id = StorageIdOf(rel);
  HotRelations rels = OpenHotRelations(RowExclusiveLock);
  // One heap_insert per row: heap_multi_insert into hot_rows (a slot per
  // row, a bulk-insert state per batch) measured 37% slower on TSBS COPY
  // (scripts/bench_ingest.sh --size XS: 256K vs 404K rows/s). COPY's real
  // path is per-series batching into blocks (docs/storage.md).
  for (int i = 0; i < nslots; ++i) {
    TupleTableSlot* slot = slots[i];
    HeapTuple hot_tuple = FormHotTuple(rels.hot, storage_id, slot);
    // bistate belongs to the caller's target, not hot_rows: not passed on.
    InsertHotTuple(&rels, hot_tuple, cid, options, nullptr);
    slot->tts_tableOid = RelationGetRelid(rel);
    HotTidToTable(&hot_tuple->t_self, &slot->tts_tid);
    heap_freetuple(hot_tuple);
  }
  CloseHotRelations(&rels, RowExclusiveLock);
}

// A failed update or delete reports the next row version in hot_rows' TID
// space; callers (EvalPlanQual) hand it back to us.
void MapFailureTid(TM_Result result, TM_FailureData* tmfd) {
  if (result != TM_Ok && ItemPointerIsValid(&tmfd->ctid)) {
    ItemPointerData hot_tid = tmfd->ctid;
    HotTidToTable(&hot_tid, &tmfd->ctid);
  }
}

ItemPointerData HotTidOrError(Relation rel, ItemPointer tid) {
  ItemPointerData hot_tid;
  if (!TableTidToHot(tid, &hot_tid)) {
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                    errmsg("tsdb table \"%s\" has no row at (%u,%u)", RelationGetRelationName(rel),
                           ItemPointerGetBlockNumber(tid), ItemPointerGetOffsetNumber(tid))));
  }
  return hot_tid;
}

}  // namespace

void TsdbTupleInsert(Relation rel, TupleTableSlot* slot, CommandId cid, int options,
                     BulkInsertState bistate) {
  Guarded([&] { InsertRows(rel, &slot, 1, cid, options, bistate); });
}

void TsdbMultiInsert(Relation rel, TupleTableSlot** slots, int nslots, CommandId cid, int options,
                     BulkInsertState bistate) {
  Guarded([&] { InsertRows(rel, slots, nslots, cid, options, bistate); });
}

TM_Result TsdbTupleDelete(Relation rel, ItemPointer tid, CommandId cid, Snapshot snapshot,
                          Snapshot crosscheck, bool wait, TM_FailureData* tmfd,
                          bool changing_part) {
  return Guarded([&] {
    ItemPointerData hot_tid = HotTidOrError(rel, tid);
    Relation hot = table_open(HotRowsRelid(), RowExclusiveLock);
    TM_Result result = heap_delete(hot, &hot_tid, cid, crosscheck, wait, tmfd, changing_part);
    table_close(hot, RowExclusiveLock);
    MapFailureTid(result, tmfd);
    return result;
  });
}

TM_Result TsdbTupleUpdate(Relation rel, ItemPointer otid, TupleTableSlot* slot, CommandId cid,
                          Snapshot snapshot, Snapshot crosscheck, bool wait, TM_FailureData* tmfd,
                          LockTupleMode* lockmode, bool* update_indexes) {
  return Guarded([&] {
    ItemPointerData hot_tid = HotTidOrError(rel, otid);
    HotRelations rels = OpenHotRelations(RowExclusiveLock);
    HeapTuple hot_tuple = FormHotTuple(rels.hot, StorageIdOf(rel), slot);
    TM_Result result =
        heap_update(rels.hot, &hot_tid, hot_tuple, cid, crosscheck, wait, tmfd, lockmode);
    if (result == TM_Ok) {
      if (!HeapTupleIsHeapOnly(hot_tuple)) IndexHotTuple(&rels, hot_tuple);
      slot->tts_tableOid = RelationGetRelid(rel);
      HotTidToTable(&hot_tuple->t_self, &slot->tts_tid);
    }
    heap_freetuple(hot_tuple);
    CloseHotRelations(&rels, RowExclusiveLock);
    MapFailureTid(result, tmfd);
    *update_indexes = false;  // tsdb tables have no indexes
    return result;
  });
}

TM_Result TsdbTupleLock(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot,
                        CommandId cid, LockTupleMode mode, LockWaitPolicy wait_policy,
                        uint8 flags, TM_FailureData* tmfd) {
  return Guarded([&] {
    ItemPointerData hot_tid = HotTidOrError(rel, tid);
    Relation hot = table_open(HotRowsRelid(), RowShareLock);
    // heapam's own lock callback, on a slot of hot_rows: it follows update
    // chains (TUPLE_LOCK_FLAG_FIND_LAST_VERSION) and waits as a heap does.
    TupleTableSlot* hot_slot = table_slot_create(hot, nullptr);
    TM_Result result = table_tuple_lock(hot, &hot_tid, snapshot, hot_slot, cid, mode, wait_policy,
                                        flags, tmfd);
    HotTidToTable(&hot_tid, tid);
    if (result == TM_Ok) {
      bool should_free;
      HeapTuple hot_tuple = ExecFetchSlotHeapTuple(hot_slot, false, &should_free);
      StoreHotRow(rel, hot, hot_tuple, slot);
      if (should_free) heap_freetuple(hot_tuple);
    }
    ExecDropSingleTupleTableSlot(hot_slot);
    table_close(hot, RowShareLock);
    MapFailureTid(result, tmfd);
    return result;
  });
}

}  // namespace tsdb::pg
