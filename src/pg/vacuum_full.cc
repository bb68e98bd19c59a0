// VACUUM FULL of a tsdb table (the table AM's relation_copy_for_cluster):
// every row visible now is copied into the new storage that
// make_new_heap() created, through a SeriesBatch, so rows deleted from
// blocks are gone, hot rows become blocks, and short blocks of a series
// are merged. PostgreSQL then swaps the two tables' files and drops the
// old one, whose storage the object-access hook deletes (storage_cleanup.cc).
//
// CLUSTER needs an index, which tsdb tables cannot have, so only VACUUM
// FULL (no index, no sort) gets here.
//
// Like ALTER TABLE's rewrites (and unlike heap's VACUUM FULL, which keeps
// each tuple's transaction ids), the copies are written by this
// transaction: a transaction whose snapshot is older than the VACUUM FULL
// sees the table empty afterwards, as PostgreSQL documents for rewriting
// forms of ALTER TABLE.
#include <memory>

#include "pg/series_batch.h"
// Postgres headers (through guard.h) after every C++ header.
#include "pg/guard.h"
#include "pg/hot_store.h"
#include "pg/metapage.h"
#include "pg/table_layout.h"
#include "pg/tam_callbacks.h"

extern "C" {
#include "access/tableam.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "utils/snapmgr.h"
}

namespace tsdb::pg {
namespace {

double CopyForVacuumFull(Relation old_table, Relation new_table) {
  TableLayout layout;
  int64 storage_id = 0;
  Snapshot snapshot = nullptr;
  TupleTableSlot* slot = nullptr;
  TableScanDesc scan = nullptr;
  PgCall([&] {
    // The new table has a new OID: the layout (explicit ones are keyed by
    // OID) is the old table's; the columns are the same.
    layout = LoadTableLayout(old_table);
    storage_id = StorageIdOf(new_table);
    // Under AccessExclusiveLock: every change but our own is committed.
    snapshot = RegisterSnapshot(GetLatestSnapshot());
    slot = table_slot_create(old_table, nullptr);
    scan = table_beginscan(old_table, snapshot, 0, nullptr);
  });
  std::unique_ptr<SeriesBatch> batch;
  if (layout.time_attnum != InvalidAttrNumber) {
    batch = std::make_unique<SeriesBatch>(new_table, layout, storage_id);
  }
  const CommandId cid = GetCurrentCommandId(true);
  const size_t memory_limit = static_cast<size_t>(maintenance_work_mem) * 1024;
  double rows = 0;
  for (;;) {
    const bool more = PgCall([&] {
      CHECK_FOR_INTERRUPTS();
      const bool found = table_scan_getnextslot(scan, ForwardScanDirection, slot);
      if (found) slot_getallattrs(slot);
      return found;
    });
    if (!more) break;
    ++rows;
    if (batch == nullptr || !batch->Add(new_table, slot->tts_values, slot->tts_isnull, nullptr)) {
      PgCall([&] { InsertHotRows(new_table, &slot, 1, cid); });
    } else if (batch->bytes() > memory_limit) {
      batch->Flush(new_table, 1);
    }
  }
  if (batch != nullptr) batch->Flush(new_table, 1);
  PgCall([&] {
    table_endscan(scan);
    ExecDropSingleTupleTableSlot(slot);
    UnregisterSnapshot(snapshot);
  });
  return rows;
}

}  // namespace

void TsdbCopyForCluster(Relation old_table, Relation new_table, Relation old_index, bool use_sort,
                        TransactionId oldest_xmin, TransactionId* xid_cutoff,
                        MultiXactId* multi_cutoff, double* num_tuples, double* tups_vacuumed,
                        double* tups_recently_dead) {
  Guarded([&] {
    if (old_index != nullptr) {
      Unsupported("CLUSTER is not supported on tsdb tables",
                  "Rows of a series are kept together and in time order in blocks already.");
    }
    *num_tuples = CopyForVacuumFull(old_table, new_table);
    *tups_vacuumed = 0;  // not counted: deleted rows are simply not copied
    *tups_recently_dead = 0;
  });
}

}  // namespace tsdb::pg
