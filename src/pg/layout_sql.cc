// tsdb.set_layout(tbl, time_column, series_key): the explicit layout of an
// empty tsdb table (sql/tsdb.sql explains the defaults). Written in C so the
// owner check uses the caller's identity while the row goes into
// tsdb_internal.layouts, which callers cannot write themselves.
#include "pg/guard.h"
#include "pg/internal_catalog.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/indexing.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
}

namespace tsdb::pg {
namespace {

AttrNumber ColumnOrError(Relation rel, const char* column) {
  AttrNumber attnum = get_attnum(RelationGetRelid(rel), column);
  if (attnum <= 0) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("table \"%s\" has no column \"%s\"", RelationGetRelationName(rel),
                           column)));
  }
  return attnum;
}

bool TableIsEmpty(Relation rel) {
  TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, nullptr);
  TupleTableSlot* slot = table_slot_create(rel, nullptr);
  const bool empty = !table_scan_getnextslot(scan, ForwardScanDirection, slot);
  ExecDropSingleTupleTableSlot(slot);
  table_endscan(scan);
  return empty;
}

void WriteLayout(Oid relid, Datum time_column, Datum series_key) {
  Relation layouts = table_open(InternalRelid("layouts"), RowExclusiveLock);
  Datum values[3] = {ObjectIdGetDatum(relid), time_column, series_key};
  bool nulls[3] = {false, false, false};
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
  SysScanDesc scan = systable_beginscan(layouts, InternalRelid("layouts_pkey"), true, nullptr, 1, &key);
  HeapTuple old = systable_getnext(scan);
  HeapTuple tuple = heap_form_tuple(RelationGetDescr(layouts), values, nulls);
  if (HeapTupleIsValid(old)) {
    CatalogTupleUpdate(layouts, &old->t_self, tuple);
  } else {
    CatalogTupleInsert(layouts, tuple);
  }
  systable_endscan(scan);
  table_close(layouts, RowExclusiveLock);
}

}  // namespace
}  // namespace tsdb::pg

TSDB_SQL_FUNCTION(tsdb_set_layout) {
  using namespace tsdb::pg;  // NOLINT
  const Oid relid = PG_GETARG_OID(0);
  const char* time_column = NameStr(*PG_GETARG_NAME(1));
  ArrayType* key_array = PG_GETARG_ARRAYTYPE_P(2);
  // Blocks concurrent writers from the emptiness check to commit.
  Relation rel = OpenOwnedTsdbTable(relid, ShareRowExclusiveLock);
  const AttrNumber time_attnum = ColumnOrError(rel, time_column);
  const Oid time_type = TupleDescAttr(RelationGetDescr(rel), time_attnum - 1)->atttypid;
  if (time_type != TIMESTAMPTZOID && time_type != TIMESTAMPOID) {
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                    errmsg("time column \"%s\" is of type %s, expected timestamptz or timestamp",
                           time_column, format_type_be(time_type))));
  }
  Datum* keys;
  bool* key_nulls;
  int nkeys;
  deconstruct_array(key_array, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR, &keys, &key_nulls,
                    &nkeys);
  if (ARR_NDIM(key_array) > 1) {
    ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                    errmsg("series key must be a one-dimensional array of column names")));
  }
  for (int i = 0; i < nkeys; ++i) {
    if (key_nulls[i]) {
      ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                      errmsg("series key must not contain NULL")));
    }
    const char* column = NameStr(*DatumGetName(keys[i]));
    const AttrNumber attnum = ColumnOrError(rel, column);
    if (attnum == time_attnum) {
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("the time column \"%s\" cannot be part of the series key", column)));
    }
    for (int j = 0; j < i; ++j) {
      if (!key_nulls[j] && strcmp(NameStr(*DatumGetName(keys[j])), column) == 0) {
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("series key names column \"%s\" twice", column)));
      }
    }
  }
  if (!TableIsEmpty(rel)) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("table \"%s\" is not empty", RelationGetRelationName(rel)),
                    errdetail("The layout decides how rows are stored; it can only be set before "
                              "the first row.")));
  }
  WriteLayout(relid, PG_GETARG_DATUM(1), PointerGetDatum(key_array));
  table_close(rel, NoLock);
  PG_RETURN_VOID();
}
