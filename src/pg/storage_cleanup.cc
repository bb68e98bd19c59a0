// Removing a dropped table's rows from the internal relations, and the
// planner hook that keeps parallel plans away from tsdb tables.
//
// DROP TABLE (and the drop of a rewritten table's old file, which ALTER
// TABLE ... TYPE and SET ACCESS METHOD make) reaches the object-access hook
// while the table still exists, so its metapage says which storage to
// delete. A session that never loaded the library has no hook; the sql_drop
// event trigger of the install script then sweeps storage that no live tsdb
// table's metapage names (docs/storage.md).
#include "pg/guard.h"
#include "pg/internal_catalog.h"
#include "pg/metapage.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_class.h"
#include "commands/event_trigger.h"
#include "nodes/pathnodes.h"
#include "optimizer/plancat.h"
#include "storage/lmgr.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

namespace tsdb::pg {
namespace {

object_access_hook_type previous_object_access_hook = nullptr;
get_relation_info_hook_type previous_get_relation_info_hook = nullptr;

bool IsTsdbTableOid(Oid relid) {
  HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
  if (!HeapTupleIsValid(tuple)) return false;
  Form_pg_class form = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
  const bool result = form->relkind == RELKIND_RELATION && OidIsValid(form->relam) &&
                      form->relam == TsdbAmOid();
  ReleaseSysCache(tuple);
  return result;
}

void ObjectAccess(ObjectAccessType access, Oid class_id, Oid object_id, int sub_id, void* arg) {
  if (previous_object_access_hook != nullptr) {
    previous_object_access_hook(access, class_id, object_id, sub_id, arg);
  }
  if (access != OAT_DROP || class_id != RelationRelationId || sub_id != 0) return;
  Guarded([&] {
    if (!IsTsdbTableOid(object_id)) return;
    Relation rel = relation_open(object_id, AccessExclusiveLock);
    const int64 storage_id = ReadStorageId(rel);
    relation_close(rel, NoLock);
    if (storage_id >= 0) DeleteStorage(storage_id);
    DeleteLayout(object_id);
  });
}

void GetRelationInfo(PlannerInfo* root, Oid relid, bool inhparent, RelOptInfo* rel) {
  if (previous_get_relation_info_hook != nullptr) {
    previous_get_relation_info_hook(root, relid, inhparent, rel);
  }
  // tsdb tables have no parallel scan in the access method; the custom scan
  // of a later step parallelises by block.
  Guarded([&] {
    if (IsTsdbTableOid(relid)) rel->rel_parallel_workers = 0;
  });
}

// Storage ids that some live tsdb table's metapage names; false when a
// table could not be locked at once (then nothing may be swept).
bool LiveStorageIds(List** ids) {
  Relation pg_class = table_open(RelationRelationId, AccessShareLock);
  SysScanDesc scan = systable_beginscan(pg_class, InvalidOid, false, nullptr, 0, nullptr);
  HeapTuple tuple;
  bool complete = true;
  const Oid am = TsdbAmOid();
  while (complete && (tuple = systable_getnext(scan)) != nullptr) {
    Form_pg_class form = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
    if (form->relkind != RELKIND_RELATION || form->relam != am) continue;
    if (!ConditionalLockRelationOid(form->oid, AccessShareLock)) {
      complete = false;
      break;
    }
    Relation rel = relation_open(form->oid, NoLock);
    const int64 storage_id = ReadStorageId(rel);
    relation_close(rel, AccessShareLock);
    if (storage_id >= 0) {
      int64* id = palloc_object(int64);
      *id = storage_id;
      *ids = lappend(*ids, id);
    }
  }
  systable_endscan(scan);
  table_close(pg_class, AccessShareLock);
  return complete;
}

}  // namespace

void InitStorageCleanup() {
  previous_object_access_hook = object_access_hook;
  object_access_hook = ObjectAccess;
  previous_get_relation_info_hook = get_relation_info_hook;
  get_relation_info_hook = GetRelationInfo;
}

}  // namespace tsdb::pg

TSDB_SQL_FUNCTION(tsdb_sweep_dropped_storage) {
  using namespace tsdb::pg;  // NOLINT
  if (!CALLED_AS_EVENT_TRIGGER(fcinfo)) {
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("tsdb_internal.sweep_dropped_storage() must be called as an event trigger")));
  }
  const Oid storages_relid = InternalRelid("storages", true);
  const Oid storages_pkey = InternalRelid("storages_pkey", true);
  if (!OidIsValid(storages_relid) || !OidIsValid(storages_pkey) || !OidIsValid(TsdbAmOid())) {
    PG_RETURN_VOID();  // DROP EXTENSION in progress
  }
  List* live = NIL;
  if (!LiveStorageIds(&live)) PG_RETURN_VOID();
  List* dead = NIL;
  Relation storages = table_open(storages_relid, AccessShareLock);
  Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
  SysScanDesc scan = systable_beginscan(storages, storages_pkey, true, snapshot, 0, nullptr);
  HeapTuple tuple;
  while ((tuple = systable_getnext(scan)) != nullptr) {
    bool isnull;
    const int64 storage_id =
        DatumGetInt64(heap_getattr(tuple, 1, RelationGetDescr(storages), &isnull));
    bool is_live = false;
    ListCell* cell;
    foreach (cell, live) {
      if (*static_cast<int64*>(lfirst(cell)) == storage_id) is_live = true;
    }
    if (!is_live) {
      int64* id = palloc_object(int64);
      *id = storage_id;
      dead = lappend(dead, id);
    }
  }
  systable_endscan(scan);
  UnregisterSnapshot(snapshot);
  table_close(storages, AccessShareLock);
  ListCell* cell;
  foreach (cell, dead) DeleteStorage(*static_cast<int64*>(lfirst(cell)));
  // Layouts of dropped tables: pg_event_trigger_dropped_objects() is not
  // reachable from C cheaply, so compare against pg_class instead.
  const Oid layouts_relid = InternalRelid("layouts", true);
  if (OidIsValid(layouts_relid)) {
    List* gone = NIL;
    Relation layouts = table_open(layouts_relid, AccessShareLock);
    SysScanDesc layout_scan = systable_beginscan(layouts, InvalidOid, false, nullptr, 0, nullptr);
    HeapTuple layout;
    while ((layout = systable_getnext(layout_scan)) != nullptr) {
      bool isnull;
      const Oid relid = DatumGetObjectId(heap_getattr(layout, 1, RelationGetDescr(layouts), &isnull));
      if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid))) gone = lappend_oid(gone, relid);
    }
    systable_endscan(layout_scan);
    table_close(layouts, AccessShareLock);
    foreach (cell, gone) DeleteLayout(lfirst_oid(cell));
  }
  PG_RETURN_VOID();
}

TSDB_SQL_FUNCTION(tsdb_storage_id) {
  using namespace tsdb::pg;  // NOLINT
  Oid relid = PG_GETARG_OID(0);
  Relation rel = relation_open(relid, AccessShareLock);
  RequireTsdbTable(rel);
  const int64 storage_id = StorageIdOf(rel);
  relation_close(rel, AccessShareLock);
  PG_RETURN_INT64(storage_id);
}
