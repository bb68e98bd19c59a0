// INSERT, DELETE, UPDATE and row locks on tsdb tables (COPY: bulk_insert.cc).
// Rows written here are hot rows; row-level operations are heapam's on the hot_rows
// tuple, so MVCC, waits, EvalPlanQual and update chains behave exactly as
// for a heap table. TIDs are translated at the boundary (hot_store.h).
#include "pg/guard.h"
#include "pg/block_store.h"
#include "pg/hot_store.h"
#include "pg/internal_catalog.h"
#include "pg/metapage.h"
#include "pg/tam_callbacks.h"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "executor/tuptable.h"
#include "storage/bufmgr.h"
#include "utils/snapmgr.h"
}

namespace tsdb::pg {
namespace {

// A failed update or delete reports the next row version in hot_rows' TID
// space; callers (EvalPlanQual) hand it back to us.
void MapFailureTid(TM_Result result, TM_FailureData* tmfd) {
  if (result != TM_Ok && ItemPointerIsValid(&tmfd->ctid)) {
    ItemPointerData hot_tid = tmfd->ctid;
    HotTidToTable(&hot_tid, &tmfd->ctid);
  }
}

// The newest version of a block tuple along its update chain from `tid`.
HeapTuple NewestBlockVersion(Relation blocks, ItemPointerData tid) {
  for (int hops = 0;; ++hops) {
    HeapTupleData tuple;
    tuple.t_self = tid;
    Buffer buffer;
    if (!heap_fetch(blocks, SnapshotAny, &tuple, &buffer, true) || hops > 1000000) {
      ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                      errmsg("broken update chain of tsdb block tuple (%u,%u)",
                             ItemPointerGetBlockNumber(&tid), ItemPointerGetOffsetNumber(&tid))));
    }
    HeapTuple copy = heap_copytuple(&tuple);
    ReleaseBuffer(buffer);
    if (ItemPointerEquals(&copy->t_data->t_ctid, &copy->t_self)) return copy;
    tid = copy->t_data->t_ctid;
    heap_freetuple(copy);
  }
}

TM_Result DeleteInOwnVersion(Relation blocks, ItemPointerData next, int row) {
  HeapTuple newest = NewestBlockVersion(blocks, next);
  TM_Result result = TM_SelfModified;  // the row itself was already deleted by this command
  if (!BlockRowDeleted(blocks, newest, row)) {
    HeapTuple updated = BlockTupleWithRowDeleted(blocks, newest, row);
    updated->t_self = newest->t_self;
    heap_inplace_update(blocks, updated);
    heap_freetuple(updated);
    result = TM_Ok;
  }
  heap_freetuple(newest);
  return result;
}

// Deleting a row of a block: a new version of the block tuple with the row's
// bit set in its delete bitmap, by heap_update, so waits and EvalPlanQual
// work on the block tuple as on a heap row. tmfd->ctid comes back in the
// table's TID space (same row, newer block version).
TM_Result DeleteBlockRow(Relation rel, ItemPointer tid, CommandId cid, Snapshot crosscheck,
                         bool wait, TM_FailureData* tmfd, int64* block_id = nullptr) {
  ItemPointerData block_tid;
  int row;
  if (!TableTidToBlockRow(tid, &block_tid, &row)) {
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                    errmsg("tsdb table \"%s\" has no row at (%u,%u)", RelationGetRelationName(rel),
                           ItemPointerGetBlockNumber(tid), ItemPointerGetOffsetNumber(tid))));
  }
  Relation blocks = table_open(BlocksRelid(), RowExclusiveLock);
  HeapTupleData old;
  old.t_self = block_tid;
  Buffer buffer;
  if (!heap_fetch(blocks, SnapshotAny, &old, &buffer, true)) {
    ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                    errmsg("block tuple (%u,%u) of tsdb table \"%s\" is missing",
                           ItemPointerGetBlockNumber(&block_tid),
                           ItemPointerGetOffsetNumber(&block_tid), RelationGetRelationName(rel))));
  }
  HeapTuple old_copy = heap_copytuple(&old);
  ReleaseBuffer(buffer);
  if (block_id != nullptr) *block_id = BlockIdOf(blocks, old_copy);
  if (TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetRawXmin(old_copy->t_data)) &&
      HeapTupleHeaderGetCmin(old_copy->t_data) == cid) {
    // A version this very command made (EvalPlanQual leads here from an
    // older one, through LockBlockRow): invisible to the command, so
    // heap_update refuses it; set the bit in place, as below.
    TM_Result result = DeleteInOwnVersion(blocks, block_tid, row);
    if (result != TM_Ok) {
      tmfd->ctid = *tid;
      tmfd->xmax = GetCurrentTransactionId();
      tmfd->cmax = cid;
    }
    heap_freetuple(old_copy);
    table_close(blocks, RowExclusiveLock);
    return result;
  }
  HeapTuple new_tuple = BlockTupleWithRowDeleted(blocks, old_copy, row);
  LockTupleMode lockmode;
  TM_Result result = heap_update(blocks, &block_tid, new_tuple, cid, crosscheck, wait, tmfd,
                                 &lockmode);
  if (result == TM_SelfModified && tmfd->cmax == cid) {
    // This very command already made a new version of the block (deleting
    // another of its rows). That version is visible to nobody else and
    // invisible to this command, so heap_update cannot take it; its delete
    // bitmap (same length in every version) is updated in place instead.
    heap_freetuple(new_tuple);
    new_tuple = nullptr;
    result = DeleteInOwnVersion(blocks, tmfd->ctid, row);
  }
  if (result == TM_Ok && new_tuple != nullptr && !HeapTupleIsHeapOnly(new_tuple)) {
    // No index key changed (every index of blocks is on plain columns the
    // delete bitmap is not among), but a non-HOT version needs its own
    // entry in each.
    List* indexes = RelationGetIndexList(blocks);
    ListCell* cell;
    foreach (cell, indexes) {
      Relation index = index_open(lfirst_oid(cell), RowExclusiveLock);
      IndexInfo* info = BuildIndexInfo(index);
      Datum values[INDEX_MAX_KEYS];
      bool nulls[INDEX_MAX_KEYS];
      for (int i = 0; i < info->ii_NumIndexAttrs; ++i) {
        values[i] = heap_getattr(new_tuple, info->ii_IndexAttrNumbers[i], RelationGetDescr(blocks),
                                 &nulls[i]);
      }
      index_insert(index, values, nulls, &new_tuple->t_self, blocks, UNIQUE_CHECK_NO, false, info);
      index_close(index, RowExclusiveLock);
    }
    list_free(indexes);
  }
  if (result != TM_Ok && ItemPointerIsValid(&tmfd->ctid)) {
    ItemPointerData next = tmfd->ctid;
    BlockRowTid(&next, row, &tmfd->ctid);
  }
  if (new_tuple != nullptr) heap_freetuple(new_tuple);
  heap_freetuple(old_copy);
  table_close(blocks, RowExclusiveLock);
  return result;
}

// Locks a hot row (tid in the table's TID space) with heapam's own lock
// callback on a slot of hot_rows: it follows update chains
// (TUPLE_LOCK_FLAG_FIND_LAST_VERSION) and waits as a heap does.
TM_Result LockHotRow(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot,
                     CommandId cid, LockTupleMode mode, LockWaitPolicy wait_policy, uint8 flags,
                     TM_FailureData* tmfd) {
  ItemPointerData hot_tid;
  if (!TableTidToHot(tid, &hot_tid)) return TM_Invisible;
  Relation hot = table_open(HotRowsRelid(), RowShareLock);
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
}

// Whether an UPDATE moved row `row` of the block (deleted in block_tuple)
// into the hot store, and where to (*moved_to, table TID space): followed
// only when the caller asks for the newest version.
bool MovedBy(Relation rel, Relation blocks, HeapTuple block_tuple, int row, uint8 flags,
             ItemPointer moved_to) {
  if ((flags & TUPLE_LOCK_FLAG_FIND_LAST_VERSION) == 0) return false;
  return FindMovedRow(StorageIdOf(rel), BlockIdOf(blocks, block_tuple), row, moved_to);
}

TM_Result LockBlockRow(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot,
                       CommandId cid, LockTupleMode mode, LockWaitPolicy wait_policy, uint8 flags,
                       TM_FailureData* tmfd) {
  ItemPointerData block_tid;
  int row;
  if (!TableTidToBlockRow(tid, &block_tid, &row)) return TM_Invisible;
  Relation blocks = table_open(BlocksRelid(), RowShareLock);
  TupleTableSlot* block_slot = table_slot_create(blocks, nullptr);
  const ItemPointerData first_tid = block_tid;
  TM_Result result = table_tuple_lock(blocks, &block_tid, snapshot, block_slot, cid, mode,
                                      wait_policy, flags, tmfd);
  BlockRowTid(&block_tid, row, tid);
  if (result == TM_SelfModified && tmfd->cmax == cid) {
    // The update chain ends in a version this very command made, deleting
    // another row of the block after a concurrent change (EvalPlanQual of
    // a multi-row DELETE or UPDATE). Unless the row is deleted there too,
    // that version is the row's newest: return it, so the executor rechecks
    // and deletes the row (in place, DeleteBlockRow) instead of skipping it.
    HeapTuple newest = NewestBlockVersion(blocks, first_tid);
    ItemPointerData moved_to;
    if (!BlockRowDeleted(blocks, newest, row)) {
      RowColumns columns = DecodeBlockTuple(rel, slot->tts_tupleDescriptor, blocks, newest);
      StoreBlockRow(rel, newest, columns, row, slot);
      BlockRowTid(&newest->t_self, row, tid);
      tmfd->traversed = true;
      result = TM_Ok;
    } else if (MovedBy(rel, blocks, newest, row, flags, &moved_to)) {
      *tid = moved_to;
      result = LockHotRow(rel, tid, snapshot, slot, cid, mode, wait_policy, flags, tmfd);
      tmfd->traversed = true;
    }
    heap_freetuple(newest);
    ExecDropSingleTupleTableSlot(block_slot);
    table_close(blocks, RowShareLock);
    return result;
  }
  if (result == TM_Ok) {
    bool should_free;
    HeapTuple block_tuple = ExecFetchSlotHeapTuple(block_slot, false, &should_free);
    ItemPointerData moved_to;
    if (BlockRowDeleted(blocks, block_tuple, row) &&
        MovedBy(rel, blocks, block_tuple, row, flags, &moved_to)) {
      // An UPDATE moved the row into the hot store: its newest version is
      // there, as a heap update chain would lead (the block stays locked).
      *tid = moved_to;
      result = LockHotRow(rel, tid, snapshot, slot, cid, mode, wait_policy, flags, tmfd);
      tmfd->traversed = true;
    } else if (BlockRowDeleted(blocks, block_tuple, row)) {
      // The newest version of the block no longer has the row.
      result = TM_Deleted;
      tmfd->ctid = *tid;
      tmfd->xmax = HeapTupleHeaderGetUpdateXid(block_tuple->t_data);
      tmfd->cmax = InvalidCommandId;
    } else {
      RowColumns columns = DecodeBlockTuple(rel, slot->tts_tupleDescriptor, blocks, block_tuple);
      StoreBlockRow(rel, block_tuple, columns, row, slot);
    }
    if (should_free) heap_freetuple(block_tuple);
  } else if (ItemPointerIsValid(&tmfd->ctid)) {
    ItemPointerData next = tmfd->ctid;
    BlockRowTid(&next, row, &tmfd->ctid);
  }
  ExecDropSingleTupleTableSlot(block_slot);
  table_close(blocks, RowShareLock);
  return result;
}


}  // namespace

void TsdbTupleInsert(Relation rel, TupleTableSlot* slot, CommandId cid, int options,
                     BulkInsertState bistate) {
  Guarded([&] { InsertOneRow(rel, slot, cid); });
}

TM_Result TsdbTupleDelete(Relation rel, ItemPointer tid, CommandId cid, Snapshot snapshot,
                          Snapshot crosscheck, bool wait, TM_FailureData* tmfd,
                          bool changing_part) {
  return Guarded([&] {
    ItemPointerData hot_tid;
    if (!TableTidToHot(tid, &hot_tid)) return DeleteBlockRow(rel, tid, cid, crosscheck, wait, tmfd);
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
    *update_indexes = false;  // tsdb tables have no indexes
    ItemPointerData hot_tid;
    if (!TableTidToHot(otid, &hot_tid)) {
      // A row of a block: delete it there, and the new version is a hot row.
      *lockmode = LockTupleExclusive;
      int64 block_id = 0;
      ItemPointerData old_tid = *otid;
      TM_Result result = DeleteBlockRow(rel, otid, cid, crosscheck, wait, tmfd, &block_id);
      if (result == TM_Ok) {
        InsertHotRows(rel, &slot, 1, cid);
        ItemPointerData block_tid;
        int row;
        TableTidToBlockRow(&old_tid, &block_tid, &row);
        RecordMovedRow(StorageIdOf(rel), block_id, row, &slot->tts_tid);
      }
      return result;
    }
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
    return result;
  });
}

TM_Result TsdbTupleLock(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot,
                        CommandId cid, LockTupleMode mode, LockWaitPolicy wait_policy,
                        uint8 flags, TM_FailureData* tmfd) {
  return Guarded([&] {
    ItemPointerData hot_tid;
    if (!TableTidToHot(tid, &hot_tid)) {
      return LockBlockRow(rel, tid, snapshot, slot, cid, mode, wait_policy, flags, tmfd);
    }
    return LockHotRow(rel, tid, snapshot, slot, cid, mode, wait_policy, flags, tmfd);
  });
}

}  // namespace tsdb::pg
