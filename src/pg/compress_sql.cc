// tsdb.compress(tbl, older_than): hot rows older than now() - older_than
// (all of them for NULL) become compressed blocks, one series at a time.
//
// Under ExclusiveLock (readers go on, writers and row lockers wait), with a
// snapshot taken after the lock: every visible hot row that qualifies is
// copied into a block and deleted from the hot store in this transaction, so
// readers see each row exactly once before and after, and no concurrent
// DELETE or UPDATE can miss a moved row (docs/storage.md).
#include "pg/guard.h"  // first: C++ headers before Postgres's
#include "pg/block_store.h"
#include "pg/hot_store.h"
#include "pg/internal_catalog.h"
#include "pg/metapage.h"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "utils/acl.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
}

namespace tsdb::pg {
namespace {

struct Layout {
  AttrNumber time_attnum;
  int nkeys;
  AttrNumber* keys;
};

// The table's layout as tsdb.tables reports it (explicit or default).
Layout LookupLayout(Relation rel) {
  // Allocated before SPI_connect: SPI_finish frees what is palloc'd inside.
  Layout layout{InvalidAttrNumber, 0, nullptr};
  layout.keys =
      static_cast<AttrNumber*>(palloc(sizeof(AttrNumber) * (RelationGetDescr(rel)->natts + 1)));
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  Oid argtypes[1] = {REGCLASSOID};
  Datum args[1] = {ObjectIdGetDatum(RelationGetRelid(rel))};
  int rc = SPI_execute_with_args(
      "SELECT time_column::text, array_to_string(series_key, ',') FROM tsdb.tables "
      "WHERE table_name = $1",
      1, argtypes, args, nullptr, true, 1);
  if (rc != SPI_OK_SELECT || SPI_processed != 1) elog(ERROR, "layout of table not found");
  char* time_column = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
  char* keys = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
  if (time_column == nullptr) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("tsdb table \"%s\" has no time column", RelationGetRelationName(rel)),
                    errhint("Add a timestamptz column, or name one with tsdb.set_layout().")));
  }
  layout.time_attnum = get_attnum(RelationGetRelid(rel), time_column);
  if (keys != nullptr && keys[0] != '\0') {
    for (char* name = strtok(keys, ","); name != nullptr; name = strtok(nullptr, ",")) {
      layout.keys[layout.nkeys++] = get_attnum(RelationGetRelid(rel), name);
    }
  }
  SPI_finish();
  return layout;
}

// One hot row picked for compression.
struct Candidate {
  uint64 key_hash;    // of series_key: sorts and groups without comparing bytes
  bytea* series_key;  // output-function text of each key column, NULL-aware
  int64 time;
  ItemPointerData hot_tid;
  Datum* values;
  bool* nulls;
};

// By series (in hash order: any order will do), then time. Equal hashes are
// taken as one series here; the grouping below compares the key bytes, so a
// hash collision only splits blocks, never mixes series.
int CompareCandidates(const void* a, const void* b) {
  const Candidate* x = *static_cast<Candidate* const*>(a);
  const Candidate* y = *static_cast<Candidate* const*>(b);
  if (x->key_hash != y->key_hash) return x->key_hash < y->key_hash ? -1 : 1;
  if (x->time != y->time) return x->time < y->time ? -1 : 1;
  return ItemPointerCompare(const_cast<ItemPointer>(&x->hot_tid), const_cast<ItemPointer>(&y->hot_tid));
}

// The output functions of the key columns, looked up once per compress.
FmgrInfo* KeyOutputFunctions(TupleDesc desc, const Layout& layout) {
  FmgrInfo* functions = static_cast<FmgrInfo*>(palloc(sizeof(FmgrInfo) * Max(layout.nkeys, 1)));
  for (int k = 0; k < layout.nkeys; ++k) {
    Oid output;
    bool varlena;
    getTypeOutputInfo(TupleDescAttr(desc, layout.keys[k] - 1)->atttypid, &output, &varlena);
    fmgr_info(output, &functions[k]);
  }
  return functions;
}

bytea* SeriesKey(const Layout& layout, FmgrInfo* outputs, const Datum* values, const bool* nulls) {
  StringInfoData buf;
  initStringInfo(&buf);
  for (int k = 0; k < layout.nkeys; ++k) {
    const int a = layout.keys[k] - 1;
    if (nulls[a]) {
      appendStringInfoChar(&buf, 'N');
      continue;
    }
    char* text = OutputFunctionCall(&outputs[k], values[a]);
    appendStringInfo(&buf, "V%zu:", strlen(text));
    appendStringInfoString(&buf, text);
  }
  bytea* key = static_cast<bytea*>(palloc(VARHDRSZ + buf.len));
  SET_VARSIZE(key, VARHDRSZ + buf.len);
  memcpy(VARDATA(key), buf.data, buf.len);
  pfree(buf.data);
  return key;
}

void WriteBlock(Relation rel, Relation blocks, int64 storage_id, const Layout& layout,
                Candidate** rows, int n) {
  TupleDesc desc = RelationGetDescr(rel);
  RowColumns columns;
  columns.rows = n;
  columns.natts = desc->natts;
  columns.values = static_cast<Datum**>(palloc(sizeof(Datum*) * desc->natts));
  columns.nulls = static_cast<bool**>(palloc(sizeof(bool*) * desc->natts));
  for (int a = 0; a < desc->natts; ++a) {
    columns.values[a] = static_cast<Datum*>(palloc(sizeof(Datum) * n));
    columns.nulls[a] = static_cast<bool*>(palloc(sizeof(bool) * n));
    for (int r = 0; r < n; ++r) {
      columns.values[a][r] = rows[r]->values[a];
      columns.nulls[a][r] = rows[r]->nulls[a];
    }
  }
  bytea* payload = EncodeBlock(desc, columns, layout.time_attnum);
  Datum values[kBlocksNatts] = {Int64GetDatum(storage_id),
                                PointerGetDatum(rows[0]->series_key),
                                Int64GetDatum(rows[0]->time),
                                Int64GetDatum(rows[n - 1]->time),
                                Int32GetDatum(n),
                                Datum(0),
                                PointerGetDatum(payload)};
  bool nulls[kBlocksNatts] = {false, false, false, false, false, true, false};
  HeapTuple tuple = heap_form_tuple(RelationGetDescr(blocks), values, nulls);
  CatalogTupleInsert(blocks, tuple);
  heap_freetuple(tuple);
  pfree(payload);
  for (int a = 0; a < desc->natts; ++a) {
    pfree(columns.values[a]);
    pfree(columns.nulls[a]);
  }
}

int64 Compress(Oid relid, bool all, TimestampTz cutoff) {
  Relation rel = OpenOwnedTsdbTable(relid, ExclusiveLock);
  const Layout layout = LookupLayout(rel);
  const int64 storage_id = StorageIdOf(rel);
  TupleDesc desc = RelationGetDescr(rel);
  MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "tsdb compress", ALLOCSET_DEFAULT_SIZES);
  MemoryContext caller = MemoryContextSwitchTo(work);
  FmgrInfo* outputs = KeyOutputFunctions(desc, layout);

  // Taken after the lock: no transaction that changed these rows is still
  // running, and every committed change is seen.
  Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
  Relation hot = table_open(HotRowsRelid(), RowExclusiveLock);
  TupleTableSlot* slot = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(storage_id));
  SysScanDesc scan = systable_beginscan(hot, HotRowsStorageIndexRelid(), true, snapshot, 1, &key);
  int capacity = 1024, count = 0;
  Candidate** candidates = static_cast<Candidate**>(palloc(sizeof(Candidate*) * capacity));
  HeapTuple hot_tuple;
  while ((hot_tuple = systable_getnext(scan)) != nullptr) {
    StoreHotRow(rel, hot, hot_tuple, slot);
    slot_getallattrs(slot);
    const int t = layout.time_attnum - 1;
    if (slot->tts_isnull[t]) continue;  // rows without a time stay hot
    const int64 time = DatumGetInt64(slot->tts_values[t]);
    if (!all && time >= cutoff) continue;
    Candidate* c = static_cast<Candidate*>(palloc(sizeof(Candidate)));
    c->time = time;
    c->hot_tid = hot_tuple->t_self;
    c->values = static_cast<Datum*>(palloc(sizeof(Datum) * desc->natts));
    c->nulls = static_cast<bool*>(palloc(sizeof(bool) * desc->natts));
    for (int a = 0; a < desc->natts; ++a) {
      Form_pg_attribute attr = TupleDescAttr(desc, a);
      c->nulls[a] = slot->tts_isnull[a] || attr->attisdropped;
      c->values[a] = c->nulls[a] ? Datum(0)
                                 : datumCopy(slot->tts_values[a], attr->attbyval, attr->attlen);
    }
    c->series_key = SeriesKey(layout, outputs, c->values, c->nulls);
    c->key_hash = DatumGetUInt64(hash_any_extended(
        reinterpret_cast<const unsigned char*>(VARDATA(c->series_key)),
        VARSIZE(c->series_key) - VARHDRSZ, 0));
    if (count == capacity) {
      capacity *= 2;
      candidates = static_cast<Candidate**>(repalloc(candidates, sizeof(Candidate*) * capacity));
    }
    candidates[count++] = c;
  }
  systable_endscan(scan);
  ExecDropSingleTupleTableSlot(slot);

  qsort(candidates, count, sizeof(Candidate*), CompareCandidates);
  Relation blocks = table_open(BlocksRelid(), RowExclusiveLock);
  for (int start = 0; start < count;) {
    int end = start + 1;
    while (end < count && end - start < kRowsPerBlock &&
           candidates[end]->key_hash == candidates[start]->key_hash &&
           VARSIZE(candidates[end]->series_key) == VARSIZE(candidates[start]->series_key) &&
           memcmp(candidates[end]->series_key, candidates[start]->series_key,
                  VARSIZE(candidates[start]->series_key)) == 0) {
      ++end;
    }
    WriteBlock(rel, blocks, storage_id, layout, candidates + start, end - start);
    for (int i = start; i < end; ++i) simple_heap_delete(hot, &candidates[i]->hot_tid);
    CHECK_FOR_INTERRUPTS();
    start = end;
  }
  table_close(blocks, RowExclusiveLock);
  table_close(hot, RowExclusiveLock);
  UnregisterSnapshot(snapshot);
  MemoryContextSwitchTo(caller);
  MemoryContextDelete(work);
  table_close(rel, NoLock);  // the lock is held to commit
  return count;
}

}  // namespace
}  // namespace tsdb::pg

TSDB_SQL_FUNCTION(tsdb_compress) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  const Oid relid = PG_GETARG_OID(0);
  const bool all = PG_ARGISNULL(1);
  TimestampTz cutoff = 0;
  if (!all) {
    cutoff = DatumGetTimestampTz(DirectFunctionCall2(
        timestamptz_mi_interval, TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
        PG_GETARG_DATUM(1)));
  }
  PG_RETURN_INT64(tsdb::pg::Compress(relid, all, cutoff));
}
