// COPY into a tsdb table: the table AM's multi_insert and finish_bulk_insert.
//
// COPY hands rows over in batches (multi_insert) and calls finish_bulk_insert
// at the end of the statement. Rows are gathered per series in memory
// (SeriesBatch): a series is encoded into a block as soon as it holds
// kRowsPerBlock rows, and at the end the series with at least
// kMinRowsPerDirectBlock rows become blocks too; smaller remainders, and rows
// whose time is NULL, become hot rows. So COPY in TSBS order (every batch
// holds two or three rows per series) writes full blocks and no per-row
// index entries. tsdb.bulk_insert_memory bounds the rows held: past it,
// everything gathered is written out (blocks, or hot rows for short series).
//
// Gathered rows have no TID until they are written, and become visible at
// the end of the statement (as heap COPY's buffered rows only become
// visible when its buffer is flushed). Whatever could look at them earlier
// makes COPY use the row-at-a-time path: AFTER INSERT triggers (row or
// statement: statement triggers run before finish_bulk_insert), transition
// tables and foreign keys (which are AFTER ROW triggers). BEFORE ROW
// triggers already make COPY insert row by row (tuple_insert).
//
// INSERT ... SELECT of many rows (the plan expects at least 256) gathers
// the same way: PostgreSQL 15 inserts such rows one at a time (tuple_insert)
// and has no end-of-statement callback for it, so the ExecutorRun hook
// (executor_hook.cc) turns gathering on around the statement and writes the
// batches out when it ends (before AFTER STATEMENT triggers, which run in
// ExecutorFinish). Not for RETURNING, ON CONFLICT or tables with AFTER
// triggers, which need each row's TID.
//
// tsdb.write_blocks_directly = off makes every COPY and INSERT row a hot row.
//
// A batch belongs to the subtransaction that started it: an abort drops it
// (its blocks were written in that subtransaction and go with it). One
// still open at commit means a path that skipped finish_bulk_insert: the
// commit fails rather than lose the rows.
#include <memory>
#include <vector>

#include "pg/series_batch.h"
// Postgres headers (through guard.h) after every C++ header.
#include "pg/guard.h"
#include "pg/bulk_insert.h"
#include "pg/hot_store.h"
#include "pg/metapage.h"
#include "pg/table_layout.h"
#include "pg/tam_callbacks.h"

extern "C" {
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/execdesc.h"
#include "nodes/plannodes.h"
#include "utils/guc.h"
}

namespace tsdb::pg {
namespace {

// Remainders shorter than this stay hot rows: tsdb.compress (and later the
// background compactor) merges them into fuller blocks.
constexpr int kMinRowsPerDirectBlock = 64;

int bulk_insert_memory_kb = 256 * 1024;
bool write_blocks_directly = true;

// INSERT ... SELECT of many rows gathers too (see GatherInsertsFor): set
// while such a statement runs.
bool gathering_inserts = false;
// An INSERT gathers when its plan expects at least this many rows (below
// it, what would be gathered is mostly written as hot rows anyway).
constexpr double kMinPlannedRowsToGather = 256;

struct OpenBatch {
  Oid relid;
  SubTransactionId subid;
  std::unique_ptr<SeriesBatch> batch;
};
// The batches of statements in progress (one per table a COPY writes).
std::vector<OpenBatch>& OpenBatches() {
  static std::vector<OpenBatch>* batches = new std::vector<OpenBatch>();
  return *batches;
}

bool MayGather(Relation rel) {
  const TriggerDesc* triggers = rel->trigdesc;
  return triggers == nullptr ||
         !(triggers->trig_insert_after_row || triggers->trig_insert_after_statement ||
           triggers->trig_insert_new_table);
}

// The open batch of rel, a new one, or null when rel's rows cannot be
// gathered (no time column).
SeriesBatch* BatchFor(Relation rel) {
  for (OpenBatch& open : OpenBatches()) {
    if (open.relid == RelationGetRelid(rel)) return open.batch.get();
  }
  TableLayout layout;
  int64 storage_id = 0;
  PgCall([&] {
    layout = LoadTableLayout(rel);
    storage_id = StorageIdOf(rel);
  });
  if (layout.time_attnum == InvalidAttrNumber) return nullptr;
  OpenBatches().push_back(
      OpenBatch{RelationGetRelid(rel), GetCurrentSubTransactionId(),
                std::make_unique<SeriesBatch>(rel, layout, storage_id)});
  return OpenBatches().back().batch.get();
}

void InsertOneHotRow(Relation rel, TupleTableSlot* slot, CommandId cid) {
  PgCall([&] { InsertHotRows(rel, &slot, 1, cid); });
}

void GatherRows(Relation rel, TupleTableSlot** slots, int nslots, CommandId cid, SeriesBatch* batch);

void MultiInsert(Relation rel, TupleTableSlot** slots, int nslots, CommandId cid) {
  SeriesBatch* batch = write_blocks_directly && MayGather(rel) ? BatchFor(rel) : nullptr;
  GatherRows(rel, slots, nslots, cid, batch);
}

// Rows into `batch` (hot rows when it is null, or for rows without a time).
void GatherRows(Relation rel, TupleTableSlot** slots, int nslots, CommandId cid, SeriesBatch* batch) {
  if (batch == nullptr) {
    PgCall([&] { InsertHotRows(rel, slots, nslots, cid); });
    return;
  }
  // Deform every row first: one PgCall for the batch (Add may throw, so it
  // cannot run inside one).
  PgCall([&] {
    for (int i = 0; i < nslots; ++i) slot_getallattrs(slots[i]);
  });
  for (int i = 0; i < nslots; ++i) {
    TupleTableSlot* slot = slots[i];
    if (batch->Add(rel, slot->tts_values, slot->tts_isnull, nullptr)) {
      slot->tts_tableOid = RelationGetRelid(rel);
      ItemPointerSetInvalid(&slot->tts_tid);  // nothing reads it (see above)
    } else {
      InsertOneHotRow(rel, slot, cid);
    }
  }
  if (batch->bytes() > static_cast<size_t>(bulk_insert_memory_kb) * 1024) {
    batch->Flush(rel, kMinRowsPerDirectBlock);
  }
}

void FlushAllBatches() {
  std::vector<OpenBatch>& batches = OpenBatches();
  while (!batches.empty()) {
    std::unique_ptr<SeriesBatch> batch = std::move(batches.back().batch);
    const Oid relid = batches.back().relid;
    batches.pop_back();
    // Locked by the statement that gathered the rows.
    Relation rel = PgCall([&] { return relation_open(relid, NoLock); });
    batch->Flush(rel, kMinRowsPerDirectBlock);
    PgCall([&] { relation_close(rel, NoLock); });
  }
}

void FinishBulkInsert(Relation rel) {
  std::vector<OpenBatch>& batches = OpenBatches();
  for (size_t i = 0; i < batches.size(); ++i) {
    if (batches[i].relid != RelationGetRelid(rel)) continue;
    std::unique_ptr<SeriesBatch> batch = std::move(batches[i].batch);
    batches.erase(batches.begin() + i);
    batch->Flush(rel, kMinRowsPerDirectBlock);
    return;
  }
}

void OnTransactionEvent(XactEvent event, void*) {
  std::vector<OpenBatch>& batches = OpenBatches();
  if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) gathering_inserts = false;
  if (batches.empty()) return;
  switch (event) {
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
      batches.clear();
      break;
    case XACT_EVENT_PRE_COMMIT:
    case XACT_EVENT_PARALLEL_PRE_COMMIT:
    case XACT_EVENT_PRE_PREPARE:
      batches.clear();
      ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                      errmsg("tsdb: rows gathered by a COPY were never written"),
                      errdetail("The table access method's finish_bulk_insert was not called.")));
      break;
    default:
      break;
  }
}

void OnSubtransactionEvent(SubXactEvent event, SubTransactionId subid, SubTransactionId, void*) {
  if (event != SUBXACT_EVENT_ABORT_SUB) return;
  gathering_inserts = false;
  std::vector<OpenBatch>& batches = OpenBatches();
  // Subtransaction ids grow: those >= subid were started inside the aborted one.
  for (size_t i = batches.size(); i-- > 0;) {
    if (batches[i].subid >= subid) batches.erase(batches.begin() + i);
  }
}

}  // namespace

void InitBulkInsert() {
  DefineCustomIntVariable(
      "tsdb.bulk_insert_memory",
      "Memory a COPY into a tsdb table may use to gather rows per series.",
      "Past it, the gathered rows are written out: blocks for series with enough rows, hot "
      "rows for the others.",
      &bulk_insert_memory_kb, 256 * 1024, 1024, MAX_KILOBYTES, PGC_USERSET, GUC_UNIT_KB,
      nullptr, nullptr, nullptr);
  DefineCustomBoolVariable(
      "tsdb.write_blocks_directly",
      "COPY and large INSERT ... SELECT into tsdb tables write runs of rows per series "
      "straight into blocks.",
      "Off: every row they write lands in the hot row store, until tsdb.compress().",
      &write_blocks_directly, true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  RegisterXactCallback(OnTransactionEvent, nullptr);
  RegisterSubXactCallback(OnSubtransactionEvent, nullptr);
}

void TsdbMultiInsert(Relation rel, TupleTableSlot** slots, int nslots, CommandId cid, int options,
                     BulkInsertState bistate) {
  Guarded([&] { MultiInsert(rel, slots, nslots, cid); });
}

void TsdbFinishBulkInsert(Relation rel, int options) {
  Guarded([&] { FinishBulkInsert(rel); });
}

bool GatherInsertsFor(QueryDesc* query) {
  if (query->operation != CMD_INSERT || !write_blocks_directly) return false;
  const PlannedStmt* stmt = query->plannedstmt;
  if (stmt->hasReturning || stmt->planTree == nullptr || !IsA(stmt->planTree, ModifyTable)) {
    return false;
  }
  const ModifyTable* modify = reinterpret_cast<const ModifyTable*>(stmt->planTree);
  const Plan* source = outerPlan(&modify->plan);
  if (modify->onConflictAction != ONCONFLICT_NONE || modify->returningLists != NIL ||
      source == nullptr || source->plan_rows < kMinPlannedRowsToGather) {
    return false;
  }
  gathering_inserts = true;
  return true;
}

void FinishGatheringInserts(bool previous) {
  gathering_inserts = previous;
  FlushAllBatches();
}

bool GatheringInserts() { return gathering_inserts; }

void InsertOneRow(Relation rel, TupleTableSlot* slot, CommandId cid) {
  SeriesBatch* batch = gathering_inserts && MayGather(rel) ? BatchFor(rel) : nullptr;
  GatherRows(rel, &slot, 1, cid, batch);
}

}  // namespace tsdb::pg
