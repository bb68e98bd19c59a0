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
// tsdb.copy_into_blocks = off makes every COPY row a hot row.
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
#include "pg/hot_store.h"
#include "pg/metapage.h"
#include "pg/table_layout.h"
#include "pg/tam_callbacks.h"

extern "C" {
#include "access/xact.h"
#include "commands/trigger.h"
#include "utils/guc.h"
}

namespace tsdb::pg {
namespace {

// Remainders shorter than this stay hot rows: tsdb.compress (and later the
// background compactor) merges them into fuller blocks.
constexpr int kMinRowsPerDirectBlock = 64;

int bulk_insert_memory_kb = 256 * 1024;
bool copy_into_blocks = true;

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

void MultiInsert(Relation rel, TupleTableSlot** slots, int nslots, CommandId cid) {
  SeriesBatch* batch = copy_into_blocks && MayGather(rel) ? BatchFor(rel) : nullptr;
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
      "tsdb.copy_into_blocks",
      "COPY into a tsdb table writes runs of rows per series straight into blocks.",
      "Off: every row COPY writes lands in the hot row store, until tsdb.compress().",
      &copy_into_blocks, true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
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

}  // namespace tsdb::pg
