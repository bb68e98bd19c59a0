// tsdb.verify(tbl): every block of a tsdb table checked and decoded.
#include <string>

#include "pg/guard.h"  // first: C++ headers before Postgres's
#include "pg/block_store.h"
#include "pg/internal_catalog.h"
#include "pg/metapage.h"
#include "pg/sql_values.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
}

TSDB_SQL_FUNCTION(tsdb_verify) {
  using namespace tsdb::pg;  // NOLINT
  const Oid relid = PG_GETARG_OID(0);
  Relation rel = PgCall([&] { return table_open(relid, AccessShareLock); });
  PgCall([&] { RequireTsdbTable(rel); });
  const int64 storage_id = PgCall([&] { return StorageIdOf(rel); });
  // A Postgres ERROR while decoding (detoasting) may unwind this frame, so
  // no C++ object with a destructor lives across the loop below.
  const char* table = PgCall([&] { return pstrdup(RelationGetRelationName(rel)); });
  MemoryContext work = PgCall([] {
    return AllocSetContextCreate(CurrentMemoryContext, "tsdb verify", ALLOCSET_DEFAULT_SIZES);
  });
  Relation blocks = PgCall([] { return table_open(BlocksRelid(), AccessShareLock); });
  SysScanDesc scan = PgCall([&] {
    ScanKeyData key;
    ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(storage_id));
    return systable_beginscan(blocks, BlocksIndexRelid(), true, GetActiveSnapshot(), 1, &key);
  });
  int64 checked = 0, rows = 0;
  for (;;) {
    HeapTuple tuple = PgCall([&] { return systable_getnext(scan); });
    if (tuple == nullptr) break;
    MemoryContext caller = MemoryContextSwitchTo(work);
    try {
      RowColumns columns = DecodeBlockTuple(rel, RelationGetDescr(rel), blocks, tuple);
      rows += columns.rows;
    } catch (const SqlError& e) {
      MemoryContextSwitchTo(caller);
      throw SqlError(e.sqlstate(),
                     std::string(e.what()) + " (block at (" +
                         std::to_string(ItemPointerGetBlockNumber(&tuple->t_self)) + "," +
                         std::to_string(ItemPointerGetOffsetNumber(&tuple->t_self)) +
                         ") of tsdb_internal.blocks, storage " + std::to_string(storage_id) + ")",
                     "", "Other tables are not affected. Restore the table from a backup.");
    }
    MemoryContextSwitchTo(caller);
    PgCall([&] { MemoryContextReset(work); });
    ++checked;
  }
  PgCall([&] {
    systable_endscan(scan);
    table_close(blocks, AccessShareLock);
    table_close(rel, AccessShareLock);
    MemoryContextDelete(work);
  });
  std::string json = "{\"table\": ";
  AppendJsonString(&json, table);
  json += ", \"blocks\": " + std::to_string(checked) + ", \"block_rows\": " + std::to_string(rows) + "}";
  return JsonbFromText(json);
}
