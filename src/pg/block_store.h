// Compressed rows: tsdb_internal.blocks, one tuple per block of one series
// (sql/tsdb.sql, docs/storage.md).
//
// Row identity: a row in a block has TID (blocks page << 9 | blocks offset,
// row + 1): the block tuple's TID and the row's index, so one heap fetch
// finds it, and the index survives updates of the block tuple (a DELETE sets
// a bit in its `deleted` bitmap; rows never move inside a block). Hot rows'
// TIDs carry kHotBlockFlag instead (hot_store.h).
//
// Plain Postgres code (see internal_catalog.h), except where DecodeBlock is
// called: its callers run under Guarded().
#ifndef TSDB_PG_BLOCK_STORE_H_
#define TSDB_PG_BLOCK_STORE_H_

#include "pg/block_codec.h"
#include "pg/postgres_headers.h"

extern "C" {
#include "access/htup.h"
#include "fmgr.h"
#include "executor/tuptable.h"
#include "storage/itemptr.h"
#include "utils/rel.h"
}

namespace tsdb::pg {

// Rows per block written by COPY, compress and VACUUM FULL (TIDs allow up
// to 2047; docs/storage.md, "Block size", has the measurements).
inline constexpr int kRowsPerBlock = 2000;

// Attribute numbers of tsdb_internal.blocks.
enum BlocksAttr {
  kBlocksStorageId = 1,
  kBlocksSeriesKey,
  kBlocksMinTime,
  kBlocksMaxTime,
  kBlocksRowCount,
  kBlocksDeleted,
  kBlocksPayload,
  kBlocksBlockId,
  kBlocksPayloadTail,
  kBlocksTimeAttnum,
  kBlocksLastRow,
  kBlocksNatts = kBlocksLastRow
};

// The block bytes of a block tuple (payload || payload_tail), detoasted and,
// when in two parts, copied together into one palloc'd buffer.
struct BlockBytes {
  const char* data;
  size_t size;
};
BlockBytes BlockBytesOf(Relation blocks, HeapTuple block_tuple);

// Inserts the tuple of a new block of `rows` rows of one series (with a new
// block id), and its index entry. `series_key` is SeriesKeyText's; min_time
// and max_time are of attribute time_attnum (the layout's time column, which
// dropping or retyping that column changes for later blocks).
// `last_row` is the image (heap tuple data) of the block's last row, or
// null.
void InsertBlockTuple(Relation blocks, int64 storage_id, bytea* series_key, int64 min_time,
                      int64 max_time, int rows, bytea* payload, AttrNumber time_attnum,
                      bytea* last_row);

// The blocks' series_key value: the key layout's signature
// 'K<attnum>,<attnum>...;' (the key columns' attribute numbers), then for
// each key column in key order 'N' for NULL or 'V<length>:<output text>'.
// The signature keeps blocks written under another layout (a key column
// dropped or added since) apart: a scan knows their positions differ.
// `outputs` are the key columns' output functions; values/nulls hold the
// key columns' values in key order.
bytea* SeriesKeyText(int nkeys, const AttrNumber* attnums, FmgrInfo* outputs, const Datum* values,
                     const bool* nulls);

// Records that an UPDATE moved row `row` of block `block_id` to the hot row
// `hot_table_tid` (table TID space), and looks that up (false: the row was
// deleted, not moved). Lookups see every committed record.
void RecordMovedRow(int64 storage_id, int64 block_id, int row, ItemPointer hot_table_tid);
bool FindMovedRow(int64 storage_id, int64 block_id, int row, ItemPointer hot_table_tid);
// Deletes the records of a block's moved rows (the block is going away).
void ForgetMovedRows(Relation moved_rows, int64 storage_id, int64 block_id);

void BlockRowTid(ItemPointer block_tid, int row, ItemPointer table_tid);
// False when `table_tid` is not a block row's TID.
bool TableTidToBlockRow(ItemPointer table_tid, ItemPointer block_tid, int* row);

// The delete bitmap of a block tuple (bits null: no row deleted). Points
// into the tuple (or its detoasted copy): valid while the tuple is.
struct DeletedRows {
  const uint8* bits = nullptr;
  int bytes = 0;
  bool Contains(int row) const {
    return bits != nullptr && row / 8 < bytes && ((bits[row / 8] >> (row % 8)) & 1);
  }
};
DeletedRows DeletedRowsOf(Relation blocks, HeapTuple block_tuple);
// The same from the `deleted` column already deformed.
DeletedRows DeletedRowsOfDatum(Datum deleted, bool isnull);

// The stored last row of a block tuple (its `last_row` image) as a row of
// `rel`, with the block tuple's transaction fields and the row's own TID;
// null when the block has none, its last row is deleted, or the image is
// malformed. `meta`/`meta_nulls` are the block tuple deformed. Palloc'd in
// CurrentMemoryContext.
HeapTuple BlockLastRowImage(Relation rel, HeapTuple block_tuple, const Datum* meta,
                            const bool* meta_nulls);

bool BlockRowDeleted(Relation blocks, HeapTuple block_tuple, int row);
// A copy of block_tuple with `row` marked deleted (for heap_update).
HeapTuple BlockTupleWithRowDeleted(Relation blocks, HeapTuple block_tuple, int row);

// Decodes the payload of a block tuple for the columns of `desc` (the
// descriptor of the slot it will fill).
RowColumns DecodeBlockTuple(Relation rel, TupleDesc desc, Relation blocks, HeapTuple block_tuple);

// Row `row` of `columns` as values/nulls of every attribute of `desc` (the
// descriptor the columns were decoded for); columns added after the block
// was written get their "missing" values.
void BlockRowValues(TupleDesc desc, const RowColumns& columns, int row, Datum* values,
                    bool* nulls);

// The block id of a block tuple (the same in all its versions).
int64 BlockIdOf(Relation blocks, HeapTuple block_tuple);

// Stores row `row` of `columns` into slot (a heap tuple slot of rel, whose
// descriptor the columns were decoded for) with the block tuple's
// transaction fields and the row's TID.
void StoreBlockRow(Relation rel, HeapTuple block_tuple, const RowColumns& columns, int row,
                   TupleTableSlot* slot);

// Fetches the block row `tid` if visible to snapshot and not deleted; stores
// it into slot unless slot is null.
bool FetchBlockRow(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot);

}  // namespace tsdb::pg

#endif  // TSDB_PG_BLOCK_STORE_H_
