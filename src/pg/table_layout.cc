#include "pg/table_layout.h"

#include "pg/internal_catalog.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
}

namespace tsdb::pg {
namespace {

// Keep in step with tsdb_internal.default_layout (sql/tsdb.sql).
bool IsTimeType(Oid type) { return type == TIMESTAMPTZOID || type == TIMESTAMPOID; }
bool IsValueType(Oid type) {
  return type == FLOAT4OID || type == FLOAT8OID || type == NUMERICOID || type == INT2OID ||
         type == INT4OID || type == INT8OID;
}

AttrNumber LayoutColumn(Relation rel, const char* name) {
  const AttrNumber attnum = get_attnum(RelationGetRelid(rel), name);
  if (attnum <= 0) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("layout of tsdb table \"%s\" names column \"%s\", which does not exist",
                           RelationGetRelationName(rel), name),
                    errhint("Set the layout again with tsdb.set_layout().")));
  }
  return attnum;
}

// The explicit layout, if one was set; false otherwise.
bool LoadExplicitLayout(Relation rel, TableLayout* layout) {
  Relation layouts = table_open(InternalRelid("layouts"), AccessShareLock);
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(RelationGetRelid(rel)));
  SysScanDesc scan =
      systable_beginscan(layouts, InternalRelid("layouts_pkey"), true, nullptr, 1, &key);
  HeapTuple tuple = systable_getnext(scan);
  const bool found = HeapTupleIsValid(tuple);
  if (found) {
    bool isnull;
    Datum time_column = heap_getattr(tuple, 2, RelationGetDescr(layouts), &isnull);
    layout->time_attnum = LayoutColumn(rel, NameStr(*DatumGetName(time_column)));
    Datum series_key = heap_getattr(tuple, 3, RelationGetDescr(layouts), &isnull);
    Datum* names;
    int n;
    deconstruct_array(DatumGetArrayTypeP(series_key), NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR,
                      &names, nullptr, &n);
    for (int i = 0; i < n; ++i) {
      layout->keys[layout->nkeys++] = LayoutColumn(rel, NameStr(*DatumGetName(names[i])));
    }
  }
  systable_endscan(scan);
  table_close(layouts, AccessShareLock);
  return found;
}

}  // namespace

TableLayout LoadTableLayout(Relation rel) {
  TupleDesc desc = RelationGetDescr(rel);
  TableLayout layout;
  layout.keys = static_cast<AttrNumber*>(palloc(sizeof(AttrNumber) * (desc->natts + 1)));
  if (LoadExplicitLayout(rel, &layout)) return layout;
  for (int a = 0; a < desc->natts; ++a) {
    Form_pg_attribute attr = TupleDescAttr(desc, a);
    if (!attr->attisdropped && IsTimeType(attr->atttypid)) {
      layout.time_attnum = attr->attnum;
      break;
    }
  }
  for (int a = 0; a < desc->natts; ++a) {
    Form_pg_attribute attr = TupleDescAttr(desc, a);
    if (attr->attisdropped || attr->attnum == layout.time_attnum || IsValueType(attr->atttypid)) {
      continue;
    }
    layout.keys[layout.nkeys++] = attr->attnum;
  }
  return layout;
}

}  // namespace tsdb::pg
