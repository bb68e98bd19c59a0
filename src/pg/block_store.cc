#include "pg/block_store.h"

#include "pg/hot_store.h"
#include "pg/internal_catalog.h"

extern "C" {
#include "access/heapam.h"
#include "access/heaptoast.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/genam.h"
#include "catalog/indexing.h"
#include "commands/sequence.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
#include "storage/itemptr.h"
#include "lib/stringinfo.h"
#include "storage/bufmgr.h"
}

namespace tsdb::pg {
namespace {

constexpr int kOffsetBits = 9;  // MaxHeapTuplesPerPage (291) < 512
constexpr BlockNumber kMaxBlocksPage = (kHotBlockFlag >> kOffsetBits) - 1;

}  // namespace

void InsertBlockTuple(Relation blocks, int64 storage_id, bytea* series_key, int64 min_time,
                      int64 max_time, int rows, bytea* payload, AttrNumber time_attnum,
                      bytea* last_row) {
  const int64 block_id = nextval_internal(InternalRelid("block_id_seq"), false);
  // Whole TOAST chunks out of line, the rest in the row: a partial last
  // chunk would leave most of a TOAST page's last quarter empty (TOAST fills
  // pages in insertion order), about a fifth of the size.
  const size_t size = VARSIZE(payload) - VARHDRSZ;
  const size_t head = size / TOAST_MAX_CHUNK_SIZE * TOAST_MAX_CHUNK_SIZE;
  bytea* out_of_line = static_cast<bytea*>(palloc(VARHDRSZ + head));
  SET_VARSIZE(out_of_line, VARHDRSZ + head);
  memcpy(VARDATA(out_of_line), VARDATA(payload), head);
  bytea* tail = static_cast<bytea*>(palloc(VARHDRSZ + size - head));
  SET_VARSIZE(tail, VARHDRSZ + size - head);
  memcpy(VARDATA(tail), VARDATA(payload) + head, size - head);
  Datum values[kBlocksNatts] = {Int64GetDatum(storage_id),    PointerGetDatum(series_key),
                                Int64GetDatum(min_time),      Int64GetDatum(max_time),
                                Int32GetDatum(rows),          Datum(0),
                                PointerGetDatum(out_of_line), Int64GetDatum(block_id),
                                PointerGetDatum(tail),        Int16GetDatum(time_attnum),
                                PointerGetDatum(last_row)};
  bool nulls[kBlocksNatts] = {false, false, false, false, false, true,
                              false, false, false, false, last_row == nullptr};
  HeapTuple tuple = heap_form_tuple(RelationGetDescr(blocks), values, nulls);
  CatalogTupleInsert(blocks, tuple);  // heap_insert and the index entry
  heap_freetuple(tuple);
  pfree(out_of_line);
  pfree(tail);
}

BlockBytes BlockBytesOf(Relation blocks, HeapTuple block_tuple) {
  bool isnull;
  TupleDesc desc = RelationGetDescr(blocks);
  bytea* head = DatumGetByteaPP(heap_getattr(block_tuple, kBlocksPayload, desc, &isnull));
  bytea* tail = DatumGetByteaPP(heap_getattr(block_tuple, kBlocksPayloadTail, desc, &isnull));
  const size_t head_size = VARSIZE_ANY_EXHDR(head);
  const size_t tail_size = VARSIZE_ANY_EXHDR(tail);
  if (tail_size == 0) return BlockBytes{VARDATA_ANY(head), head_size};
  if (head_size == 0) return BlockBytes{VARDATA_ANY(tail), tail_size};
  char* data = static_cast<char*>(palloc(head_size + tail_size));
  memcpy(data, VARDATA_ANY(head), head_size);
  memcpy(data + head_size, VARDATA_ANY(tail), tail_size);
  return BlockBytes{data, head_size + tail_size};
}

void RecordMovedRow(int64 storage_id, int64 block_id, int row, ItemPointer hot_table_tid) {
  Relation moved = table_open(InternalRelid("moved_rows"), RowExclusiveLock);
  ItemPointerData tid = *hot_table_tid;
  Datum values[4] = {Int64GetDatum(storage_id), Int64GetDatum(block_id), Int32GetDatum(row),
                     PointerGetDatum(&tid)};
  bool nulls[4] = {false, false, false, false};
  HeapTuple tuple = heap_form_tuple(RelationGetDescr(moved), values, nulls);
  CatalogTupleInsert(moved, tuple);
  heap_freetuple(tuple);
  table_close(moved, RowExclusiveLock);
}

bool FindMovedRow(int64 storage_id, int64 block_id, int row, ItemPointer hot_table_tid) {
  Relation moved = table_open(InternalRelid("moved_rows"), AccessShareLock);
  ScanKeyData keys[3];
  ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(storage_id));
  ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(block_id));
  ScanKeyInit(&keys[2], 3, BTEqualStrategyNumber, F_INT4EQ, Int32GetDatum(row));
  // The mover committed before we got here (we waited for it).
  Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
  SysScanDesc scan =
      systable_beginscan(moved, InternalRelid("moved_rows_block_idx"), true, snapshot, 3, keys);
  HeapTuple tuple = systable_getnext(scan);
  const bool found = HeapTupleIsValid(tuple);
  if (found) {
    bool isnull;
    *hot_table_tid = *reinterpret_cast<ItemPointer>(
        DatumGetPointer(heap_getattr(tuple, 4, RelationGetDescr(moved), &isnull)));
  }
  systable_endscan(scan);
  UnregisterSnapshot(snapshot);
  table_close(moved, AccessShareLock);
  return found;
}

void ForgetMovedRows(Relation moved_rows, int64 storage_id, int64 block_id) {
  ScanKeyData keys[2];
  ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(storage_id));
  ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(block_id));
  SysScanDesc scan = systable_beginscan(moved_rows, InternalRelid("moved_rows_block_idx"), true,
                                        nullptr, 2, keys);
  HeapTuple tuple;
  while ((tuple = systable_getnext(scan)) != nullptr) simple_heap_delete(moved_rows, &tuple->t_self);
  systable_endscan(scan);
}

bytea* SeriesKeyText(int nkeys, const AttrNumber* attnums, FmgrInfo* outputs, const Datum* values,
                     const bool* nulls) {
  StringInfoData buf;
  initStringInfo(&buf);
  appendStringInfoChar(&buf, 'K');
  for (int k = 0; k < nkeys; ++k) appendStringInfo(&buf, k == 0 ? "%d" : ",%d", attnums[k]);
  appendStringInfoChar(&buf, ';');
  for (int k = 0; k < nkeys; ++k) {
    if (nulls[k]) {
      appendStringInfoChar(&buf, 'N');
      continue;
    }
    char* text = OutputFunctionCall(&outputs[k], values[k]);
    appendStringInfo(&buf, "V%zu:", strlen(text));
    appendStringInfoString(&buf, text);
    pfree(text);
  }
  bytea* key = static_cast<bytea*>(palloc(VARHDRSZ + buf.len));
  SET_VARSIZE(key, VARHDRSZ + buf.len);
  memcpy(VARDATA(key), buf.data, buf.len);
  pfree(buf.data);
  return key;
}

void BlockRowTid(ItemPointer block_tid, int row, ItemPointer table_tid) {
  const BlockNumber page = ItemPointerGetBlockNumber(block_tid);
  if (page > kMaxBlocksPage) {
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("tsdb blocks relation exceeds %u pages", kMaxBlocksPage + 1)));
  }
  ItemPointerSet(table_tid, (page << kOffsetBits) | ItemPointerGetOffsetNumber(block_tid),
                 static_cast<OffsetNumber>(row + 1));
}

bool TableTidToBlockRow(ItemPointer table_tid, ItemPointer block_tid, int* row) {
  const BlockNumber block = ItemPointerGetBlockNumber(table_tid);
  if (!ItemPointerIsValid(table_tid) || (block & kHotBlockFlag) != 0) return false;
  const OffsetNumber offset = static_cast<OffsetNumber>(block & ((1u << kOffsetBits) - 1));
  if (offset == InvalidOffsetNumber) return false;
  ItemPointerSet(block_tid, block >> kOffsetBits, offset);
  *row = ItemPointerGetOffsetNumber(table_tid) - 1;
  return true;
}

DeletedRows DeletedRowsOfDatum(Datum d, bool isnull) {
  DeletedRows deleted;
  if (!isnull) {
    bytea* bits = DatumGetByteaPP(d);
    deleted.bits = reinterpret_cast<const uint8*>(VARDATA_ANY(bits));
    deleted.bytes = VARSIZE_ANY_EXHDR(bits);
  }
  return deleted;
}

DeletedRows DeletedRowsOf(Relation blocks, HeapTuple block_tuple) {
  bool isnull;
  Datum d = heap_getattr(block_tuple, kBlocksDeleted, RelationGetDescr(blocks), &isnull);
  return DeletedRowsOfDatum(d, isnull);
}

HeapTuple BlockLastRowImage(Relation rel, HeapTuple block_tuple, const Datum* meta,
                            const bool* meta_nulls) {
  if (meta_nulls[kBlocksLastRow - 1]) return nullptr;
  const int rows = DatumGetInt32(meta[kBlocksRowCount - 1]);
  if (rows < 1 ||
      DeletedRowsOfDatum(meta[kBlocksDeleted - 1], meta_nulls[kBlocksDeleted - 1]).Contains(rows - 1)) {
    return nullptr;
  }
  bytea* bytes = DatumGetByteaPP(meta[kBlocksLastRow - 1]);
  const uint32 len = VARSIZE_ANY_EXHDR(bytes);
  if (len < SizeofHeapTupleHeader) return nullptr;
  HeapTuple tuple = static_cast<HeapTuple>(palloc(HEAPTUPLESIZE + len));
  tuple->t_len = len;
  tuple->t_data = reinterpret_cast<HeapTupleHeader>(reinterpret_cast<char*>(tuple) + HEAPTUPLESIZE);
  memcpy(tuple->t_data, VARDATA_ANY(bytes), len);
  tuple->t_tableOid = RelationGetRelid(rel);
  HeapTupleHeader header = tuple->t_data;
  if (header->t_hoff < SizeofHeapTupleHeader || header->t_hoff > len) return nullptr;
  // The image was formed as a datum (heap_form_tuple): its header holds a
  // datum length and row type where a stored tuple has transaction fields,
  // and PostgreSQL checks such "datum" headers against their row type (a
  // VACUUM FULL's transient table's, long dropped). As for hot rows
  // (StoreHotRow) and block rows (StoreBlockRow), the row takes its block
  // tuple's transaction fields and its own TID.
  header->t_choice = block_tuple->t_data->t_choice;
  header->t_infomask = (header->t_infomask & ~HEAP_XACT_MASK) |
                       (block_tuple->t_data->t_infomask & HEAP_XACT_MASK);
  BlockRowTid(&block_tuple->t_self, rows - 1, &tuple->t_self);
  header->t_ctid = tuple->t_self;
  return tuple;
}

bool BlockRowDeleted(Relation blocks, HeapTuple block_tuple, int row) {
  return DeletedRowsOf(blocks, block_tuple).Contains(row);
}

HeapTuple BlockTupleWithRowDeleted(Relation blocks, HeapTuple block_tuple, int row) {
  TupleDesc desc = RelationGetDescr(blocks);
  Datum values[kBlocksNatts];
  bool nulls[kBlocksNatts];
  heap_deform_tuple(block_tuple, desc, values, nulls);
  const int rows = DatumGetInt32(values[kBlocksRowCount - 1]);
  const int size = (rows + 7) / 8;
  bytea* bits = static_cast<bytea*>(palloc0(VARHDRSZ + size));
  SET_VARSIZE(bits, VARHDRSZ + size);
  if (!nulls[kBlocksDeleted - 1]) {
    bytea* old = DatumGetByteaPP(values[kBlocksDeleted - 1]);
    memcpy(VARDATA(bits), VARDATA_ANY(old), Min(static_cast<int>(VARSIZE_ANY_EXHDR(old)), size));
  }
  reinterpret_cast<uint8*>(VARDATA(bits))[row / 8] |= static_cast<uint8>(1u << (row % 8));
  values[kBlocksDeleted - 1] = PointerGetDatum(bits);
  nulls[kBlocksDeleted - 1] = false;
  // The payload datum is the stored (external) one, unchanged: heap_update
  // keeps its TOAST value instead of writing it again.
  return heap_form_tuple(desc, values, nulls);
}

RowColumns DecodeBlockTuple(Relation rel, TupleDesc desc, Relation blocks, HeapTuple block_tuple) {
  const BlockBytes bytes = BlockBytesOf(blocks, block_tuple);
  return DecodeBlock(rel, desc, bytes.data, bytes.size);
}

void BlockRowValues(TupleDesc desc, const RowColumns& columns, int row, Datum* values,
                    bool* nulls) {
  for (int a = 0; a < columns.natts; ++a) {
    values[a] = columns.values[a][row];
    nulls[a] = columns.nulls[a][row];
  }
  // Columns added after the block was written read as their defaults
  // ("missing" values), as they do for heap tuples written before.
  for (int a = columns.natts; a < desc->natts; ++a) {
    values[a] = getmissingattr(desc, a + 1, &nulls[a]);
  }
}

int64 BlockIdOf(Relation blocks, HeapTuple block_tuple) {
  bool isnull;
  return DatumGetInt64(heap_getattr(block_tuple, kBlocksBlockId, RelationGetDescr(blocks), &isnull));
}

void StoreBlockRow(Relation rel, HeapTuple block_tuple, const RowColumns& columns, int row,
                   TupleTableSlot* slot) {
  TupleDesc desc = slot->tts_tupleDescriptor;
  const int natts = desc->natts;
  Datum* values = static_cast<Datum*>(palloc(natts * sizeof(Datum)));
  bool* nulls = static_cast<bool*>(palloc(natts * sizeof(bool)));
  BlockRowValues(desc, columns, row, values, nulls);
  MemoryContext caller = MemoryContextSwitchTo(slot->tts_mcxt);
  HeapTuple tuple = heap_form_tuple(desc, values, nulls);
  MemoryContextSwitchTo(caller);
  pfree(values);
  pfree(nulls);
  tuple->t_data->t_choice = block_tuple->t_data->t_choice;
  tuple->t_data->t_infomask = (tuple->t_data->t_infomask & ~HEAP_XACT_MASK) |
                              (block_tuple->t_data->t_infomask & HEAP_XACT_MASK);
  BlockRowTid(&block_tuple->t_self, row, &tuple->t_self);
  tuple->t_data->t_ctid = tuple->t_self;
  tuple->t_tableOid = RelationGetRelid(rel);
  ExecStoreHeapTuple(tuple, slot, true);
}

bool FetchBlockRow(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot) {
  ItemPointerData block_tid;
  int row;
  if (!TableTidToBlockRow(tid, &block_tid, &row)) return false;
  Relation blocks = table_open(BlocksRelid(), AccessShareLock);
  HeapTupleData tuple;
  tuple.t_self = block_tid;
  Buffer buffer;
  bool found = heap_fetch(blocks, snapshot, &tuple, &buffer, false);
  if (found) {
    HeapTuple copy = heap_copytuple(&tuple);
    ReleaseBuffer(buffer);
    bool isnull;
    const int rows =
        DatumGetInt32(heap_getattr(copy, kBlocksRowCount, RelationGetDescr(blocks), &isnull));
    found = row < rows && !BlockRowDeleted(blocks, copy, row);
    if (found && slot != nullptr) {
      RowColumns columns = DecodeBlockTuple(rel, slot->tts_tupleDescriptor, blocks, copy);
      StoreBlockRow(rel, copy, columns, row, slot);
    }
    heap_freetuple(copy);
  }
  table_close(blocks, AccessShareLock);
  return found;
}

}  // namespace tsdb::pg
