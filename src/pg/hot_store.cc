#include "pg/hot_store.h"

#include "pg/internal_catalog.h"
#include "pg/metapage.h"

extern "C" {
#include "access/detoast.h"
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/index.h"
#include "utils/lsyscache.h"
}

namespace tsdb::pg {

void HotTidToTable(ItemPointer hot_tid, ItemPointer table_tid) {
  BlockNumber block = ItemPointerGetBlockNumber(hot_tid);
  if (block & kHotBlockFlag) {
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("tsdb hot row store exceeds %u pages", kHotBlockFlag),
                    errhint("Compress the hot rows into blocks with tsdb.compress().")));
  }
  ItemPointerSet(table_tid, block | kHotBlockFlag, ItemPointerGetOffsetNumber(hot_tid));
}

bool TableTidToHot(ItemPointer table_tid, ItemPointer hot_tid) {
  BlockNumber block = ItemPointerGetBlockNumber(table_tid);
  if (!ItemPointerIsValid(table_tid) || (block & kHotBlockFlag) == 0) return false;
  ItemPointerSet(hot_tid, block & ~kHotBlockFlag, ItemPointerGetOffsetNumber(table_tid));
  return true;
}

HotRelations OpenHotRelations(LOCKMODE lock) {
  HotRelations rels;
  rels.hot = table_open(HotRowsRelid(), lock);
  rels.index = index_open(HotRowsStorageIndexRelid(), lock);
  rels.index_info = BuildIndexInfo(rels.index);
  return rels;
}

void CloseHotRelations(HotRelations* rels, LOCKMODE lock) {
  index_close(rels->index, lock);
  table_close(rels->hot, lock);
}

HeapTuple FormHotTuple(Relation hot, int64 storage_id, TupleTableSlot* slot) {
  slot_getallattrs(slot);
  return FormHotTupleOfValues(hot, storage_id, slot->tts_tupleDescriptor, slot->tts_values,
                              slot->tts_isnull);
}

HeapTuple FormHotTupleOfValues(Relation hot, int64 storage_id, TupleDesc desc,
                               const Datum* row_values, const bool* row_nulls) {
  const int natts = desc->natts;
  Datum* values = static_cast<Datum*>(palloc(natts * sizeof(Datum)));
  bool* nulls = static_cast<bool*>(palloc(natts * sizeof(bool)));
  for (int i = 0; i < natts; ++i) {
    values[i] = row_values[i];
    nulls[i] = row_nulls[i];
    Form_pg_attribute attr = TupleDescAttr(desc, i);
    // The image must stand alone: fetch out-of-line values (inline
    // compressed ones may stay compressed).
    if (!nulls[i] && !attr->attisdropped && attr->attlen == -1 &&
        VARATT_IS_EXTERNAL(DatumGetPointer(values[i]))) {
      values[i] = PointerGetDatum(detoast_external_attr(
          reinterpret_cast<struct varlena*>(DatumGetPointer(values[i]))));
    }
  }
  HeapTuple row = heap_form_tuple(desc, values, nulls);
  bytea* image = static_cast<bytea*>(palloc(VARHDRSZ + row->t_len));
  SET_VARSIZE(image, VARHDRSZ + row->t_len);
  memcpy(VARDATA(image), row->t_data, row->t_len);
  Datum hot_values[2] = {Int64GetDatum(storage_id), PointerGetDatum(image)};
  bool hot_nulls[2] = {false, false};
  HeapTuple hot_tuple = heap_form_tuple(RelationGetDescr(hot), hot_values, hot_nulls);
  heap_freetuple(row);
  pfree(image);
  pfree(values);
  pfree(nulls);
  return hot_tuple;
}

void IndexHotTuple(HotRelations* rels, HeapTuple hot_tuple) {
  bool isnull;
  Datum values[1] = {heap_getattr(hot_tuple, 1, RelationGetDescr(rels->hot), &isnull)};
  bool nulls[1] = {false};
  index_insert(rels->index, values, nulls, &hot_tuple->t_self, rels->hot, UNIQUE_CHECK_NO, false,
               rels->index_info);
}

void InsertHotTuple(HotRelations* rels, HeapTuple hot_tuple, CommandId cid, int options,
                    BulkInsertState bistate) {
  heap_insert(rels->hot, hot_tuple, cid, options, bistate);
  IndexHotTuple(rels, hot_tuple);
}

void StoreHotRow(Relation rel, Relation hot, HeapTuple hot_tuple, TupleTableSlot* slot) {
  bool isnull;
  Datum datum = heap_getattr(hot_tuple, 2, RelationGetDescr(hot), &isnull);
  if (isnull) {
    ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                    errmsg("tsdb hot row of \"%s\" has no row image", RelationGetRelationName(rel))));
  }
  struct varlena* image = pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(datum)));
  const uint32 len = VARSIZE_ANY_EXHDR(image);
  if (len < SizeofHeapTupleHeader) {
    ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                    errmsg("tsdb hot row of \"%s\" has a row image of %u bytes",
                           RelationGetRelationName(rel), len)));
  }
  // A heap tuple in one allocation with a MAXALIGNed header, as
  // heap_copytuple makes them, in the slot's context: the slot frees it, and
  // callers such as ALTER TABLE's rewrite reset the current context per row.
  HeapTuple row = static_cast<HeapTuple>(MemoryContextAlloc(slot->tts_mcxt, HEAPTUPLESIZE + len));
  row->t_len = len;
  row->t_data = reinterpret_cast<HeapTupleHeader>(reinterpret_cast<char*>(row) + HEAPTUPLESIZE);
  memcpy(row->t_data, VARDATA_ANY(image), len);
  if (reinterpret_cast<Pointer>(image) != DatumGetPointer(datum)) pfree(image);
  HeapTupleHeader header = row->t_data;
  if (header->t_hoff < SizeofHeapTupleHeader || header->t_hoff > len) {
    ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                    errmsg("tsdb hot row of \"%s\" has an invalid row image header",
                           RelationGetRelationName(rel))));
  }
  header->t_choice = hot_tuple->t_data->t_choice;
  header->t_infomask = (header->t_infomask & ~HEAP_XACT_MASK) |
                       (hot_tuple->t_data->t_infomask & HEAP_XACT_MASK);
  HotTidToTable(&hot_tuple->t_self, &row->t_self);
  header->t_ctid = row->t_self;
  row->t_tableOid = RelationGetRelid(rel);
  ExecStoreHeapTuple(row, slot, true);
}

void InsertHotRows(Relation rel, TupleTableSlot** slots, int nslots, CommandId cid) {
  const int64 storage_id = StorageIdOf(rel);
  HotRelations rels = OpenHotRelations(RowExclusiveLock);
  // One heap_insert per row: heap_multi_insert into hot_rows (a slot per
  // row, a bulk-insert state per batch) measured 37% slower on TSBS COPY
  // (scripts/bench_ingest.sh --size XS: 256K vs 404K rows/s). Options such
  // as COPY FREEZE's are the table's, never passed to hot_rows: its rows
  // belong to every tsdb table.
  for (int i = 0; i < nslots; ++i) {
    TupleTableSlot* slot = slots[i];
    HeapTuple hot_tuple = FormHotTuple(rels.hot, storage_id, slot);
    InsertHotTuple(&rels, hot_tuple, cid, 0, nullptr);
    slot->tts_tableOid = RelationGetRelid(rel);
    HotTidToTable(&hot_tuple->t_self, &slot->tts_tid);
    heap_freetuple(hot_tuple);
  }
  CloseHotRelations(&rels, RowExclusiveLock);
}

void InsertHotRowOfValues(Relation rel, TupleDesc desc, const Datum* values, const bool* nulls,
                          CommandId cid) {
  HotRelations rels = OpenHotRelations(RowExclusiveLock);
  HeapTuple hot_tuple = FormHotTupleOfValues(rels.hot, StorageIdOf(rel), desc, values, nulls);
  InsertHotTuple(&rels, hot_tuple, cid, 0, nullptr);
  heap_freetuple(hot_tuple);
  CloseHotRelations(&rels, RowExclusiveLock);
}

}  // namespace tsdb::pg
