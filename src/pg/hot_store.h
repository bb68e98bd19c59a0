// The hot row store: recent and small writes of every tsdb table, one
// tsdb_internal.hot_rows tuple per row (storage id, row image). The image is
// the row as a heap tuple of the owning table (heap_form_tuple, every
// out-of-line value fetched inline), so reading it back is a copy and a
// deform against the table's current descriptor, which also handles columns
// added or dropped since the row was written.
//
// Row identity: a hot row's TID is its hot_rows TID with kHotBlockFlag set
// in the block number; rows in compressed blocks (issue 4, next step) use
// TIDs without it.
//
// Plain Postgres code (see internal_catalog.h).
#ifndef TSDB_PG_HOT_STORE_H_
#define TSDB_PG_HOT_STORE_H_

#include "pg/postgres_headers.h"

extern "C" {
#include "access/heapam.h"
#include "access/htup.h"
#include "executor/tuptable.h"
#include "nodes/execnodes.h"
#include "storage/itemptr.h"
#include "utils/rel.h"
}

namespace tsdb::pg {

inline constexpr BlockNumber kHotBlockFlag = 0x40000000;

void HotTidToTable(ItemPointer hot_tid, ItemPointer table_tid);
// False when `table_tid` does not name a hot row.
bool TableTidToHot(ItemPointer table_tid, ItemPointer hot_tid);

// The internal relations a statement writes or reads, opened together.
struct HotRelations {
  Relation hot;
  Relation index;
  IndexInfo* index_info;
};
HotRelations OpenHotRelations(LOCKMODE lock);
void CloseHotRelations(HotRelations* rels, LOCKMODE lock);

// The hot_rows tuple holding slot's row for storage_id.
HeapTuple FormHotTuple(Relation hot, int64 storage_id, TupleTableSlot* slot);
// The same for a row given as values/nulls of `desc` (every attribute).
HeapTuple FormHotTupleOfValues(Relation hot, int64 storage_id, TupleDesc desc,
                               const Datum* row_values, const bool* row_nulls);
// Inserts hot_tuple (heap_insert, then its index entry); sets its t_self.
void InsertHotTuple(HotRelations* rels, HeapTuple hot_tuple, CommandId cid, int options,
                    BulkInsertState bistate);
// Inserts the rows of slots as hot rows of rel (a tsdb table) and sets
// each slot's TID and table OID.
void InsertHotRows(Relation rel, TupleTableSlot** slots, int nslots, CommandId cid);
// Inserts one row given as values/nulls of `desc` as a hot row of rel.
void InsertHotRowOfValues(Relation rel, TupleDesc desc, const Datum* values, const bool* nulls,
                          CommandId cid);
// Adds the index entry of a hot_rows tuple (after a non-HOT update).
void IndexHotTuple(HotRelations* rels, HeapTuple hot_tuple);

// Stores the row image of `hot_tuple` into slot (a heap tuple slot of
// `rel`) as an owned copy, with the hot tuple's transaction fields, so
// xmin/xmax/ctid read as the row's.
void StoreHotRow(Relation rel, Relation hot, HeapTuple hot_tuple, TupleTableSlot* slot);

}  // namespace tsdb::pg

#endif  // TSDB_PG_HOT_STORE_H_
