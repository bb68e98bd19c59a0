#include "pg/internal_catalog.h"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "commands/defrem.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/snapmgr.h"
}

namespace tsdb::pg {

Oid InternalRelid(const char* name, bool missing_ok) {
  Oid schema = get_namespace_oid("tsdb_internal", true);
  Oid relid = OidIsValid(schema) ? get_relname_relid(name, schema) : InvalidOid;
  if (!OidIsValid(relid) && !missing_ok) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                    errmsg("tsdb internal relation tsdb_internal.%s does not exist", name),
                    errhint("Is the tsdb extension installed in this database?")));
  }
  return relid;
}

Oid HotRowsRelid() { return InternalRelid("hot_rows"); }
Oid HotRowsStorageIndexRelid() { return InternalRelid("hot_rows_storage_idx"); }
Oid StoragesRelid() { return InternalRelid("storages"); }
Oid BlocksRelid() { return InternalRelid("blocks"); }
Oid BlocksIndexRelid() { return InternalRelid("blocks_storage_series_idx"); }
Oid BlocksMaxTimeIndexRelid() { return InternalRelid("blocks_storage_max_time_idx"); }

Oid TsdbAmOid() { return get_am_oid("tsdb", true); }

bool IsTsdbRelation(Relation rel) {
  return rel->rd_rel->relkind == RELKIND_RELATION && OidIsValid(rel->rd_rel->relam) &&
         rel->rd_rel->relam == TsdbAmOid();
}

void RequireTsdbTable(Relation rel) {
  if (!IsTsdbRelation(rel)) {
    ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                    errmsg("\"%s\" is not a tsdb table", RelationGetRelationName(rel)),
                    errhint("Create it with CREATE TABLE ... USING tsdb.")));
  }
}

Relation OpenOwnedTsdbTable(Oid relid, LOCKMODE lock) {
  Relation rel = table_open(relid, lock);
  RequireTsdbTable(rel);
  if (!pg_class_ownercheck(relid, GetUserId())) {
    aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_TABLE, RelationGetRelationName(rel));
  }
  return rel;
}

int64 NewStorage(Oid relid) {
  Oid seq = InternalRelid("storage_id_seq");
  int64 storage_id = DatumGetInt64(DirectFunctionCall1(nextval_oid, ObjectIdGetDatum(seq)));
  Relation storages = table_open(StoragesRelid(), RowExclusiveLock);
  Datum values[2] = {Int64GetDatum(storage_id), ObjectIdGetDatum(relid)};
  bool nulls[2] = {false, false};
  HeapTuple tuple = heap_form_tuple(RelationGetDescr(storages), values, nulls);
  CatalogTupleInsert(storages, tuple);
  heap_freetuple(tuple);
  table_close(storages, RowExclusiveLock);
  return storage_id;
}

namespace {

// Deletes the rows of `relid` whose first column equals `value` (compared
// with `equal`), found through `index` on that column.
void DeleteByFirstColumn(Oid relid, Oid index, RegProcedure equal, Datum value) {
  if (!OidIsValid(relid) || !OidIsValid(index)) return;
  Relation rel = table_open(relid, RowExclusiveLock);
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, equal, value);
  // The latest snapshot: callers hold a lock that excludes other writers of
  // this storage, and every committed row must go.
  Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
  SysScanDesc scan = systable_beginscan(rel, index, true, snapshot, 1, &key);
  HeapTuple tuple;
  while ((tuple = systable_getnext(scan)) != NULL) CatalogTupleDelete(rel, &tuple->t_self);
  systable_endscan(scan);
  UnregisterSnapshot(snapshot);
  table_close(rel, RowExclusiveLock);
}

}  // namespace

void DeleteStorage(int64 storage_id, bool drop_registration) {
  const Datum id = Int64GetDatum(storage_id);
  DeleteByFirstColumn(InternalRelid("hot_rows", true), InternalRelid("hot_rows_storage_idx", true),
                      F_INT8EQ, id);
  DeleteByFirstColumn(InternalRelid("blocks", true), InternalRelid("blocks_storage_series_idx", true),
                      F_INT8EQ, id);
  DeleteByFirstColumn(InternalRelid("moved_rows", true), InternalRelid("moved_rows_block_idx", true),
                      F_INT8EQ, id);
  if (drop_registration) {
    DeleteByFirstColumn(InternalRelid("storages", true), InternalRelid("storages_pkey", true),
                        F_INT8EQ, id);
  }
}

void DeleteLayout(Oid relid) {
  DeleteByFirstColumn(InternalRelid("layouts", true), InternalRelid("layouts_pkey", true), F_OIDEQ,
                      ObjectIdGetDatum(relid));
}

}  // namespace tsdb::pg
