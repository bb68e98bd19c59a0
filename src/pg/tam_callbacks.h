// The callbacks of table access method `tsdb` (tam_handler.cc assembles
// them). Each runs its body under Guarded() (guard.h); bodies are plain
// Postgres code without C++ objects that own resources, so a Postgres ERROR
// unwinding through them skips nothing.
#ifndef TSDB_PG_TAM_CALLBACKS_H_
#define TSDB_PG_TAM_CALLBACKS_H_

#include "pg/postgres_headers.h"

extern "C" {
#include "access/heapam.h"
#include "access/tableam.h"
}

namespace tsdb::pg {

// tam_scan.cc
TableScanDesc TsdbScanBegin(Relation rel, Snapshot snapshot, int nkeys, ScanKeyData* key,
                            ParallelTableScanDesc pscan, uint32 flags);
void TsdbScanEnd(TableScanDesc scan);
void TsdbScanRescan(TableScanDesc scan, ScanKeyData* key, bool set_params, bool allow_strat,
                    bool allow_sync, bool allow_pagemode);
bool TsdbScanGetNextSlot(TableScanDesc scan, ScanDirection direction, TupleTableSlot* slot);
bool TsdbFetchRowVersion(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot);
bool TsdbTidValid(TableScanDesc scan, ItemPointer tid);
void TsdbGetLatestTid(TableScanDesc scan, ItemPointer tid);
bool TsdbSatisfiesSnapshot(Relation rel, TupleTableSlot* slot, Snapshot snapshot);
bool TsdbAnalyzeNextBlock(TableScanDesc scan, BlockNumber blockno,
                          BufferAccessStrategy bstrategy);
bool TsdbAnalyzeNextTuple(TableScanDesc scan, TransactionId oldest_xmin, double* liverows,
                          double* deadrows, TupleTableSlot* slot);

// tam_modify.cc
void TsdbTupleInsert(Relation rel, TupleTableSlot* slot, CommandId cid, int options,
                     BulkInsertState bistate);
void TsdbMultiInsert(Relation rel, TupleTableSlot** slots, int nslots, CommandId cid, int options,
                     BulkInsertState bistate);  // bulk_insert.cc
void TsdbFinishBulkInsert(Relation rel, int options);
// tuple_insert's row: gathered into a batch while an INSERT ... SELECT of
// many rows runs (bulk_insert.cc), else a hot row.
void InsertOneRow(Relation rel, TupleTableSlot* slot, CommandId cid);
TM_Result TsdbTupleDelete(Relation rel, ItemPointer tid, CommandId cid, Snapshot snapshot,
                          Snapshot crosscheck, bool wait, TM_FailureData* tmfd, bool changing_part);
TM_Result TsdbTupleUpdate(Relation rel, ItemPointer otid, TupleTableSlot* slot, CommandId cid,
                          Snapshot snapshot, Snapshot crosscheck, bool wait, TM_FailureData* tmfd,
                          LockTupleMode* lockmode, bool* update_indexes);
TM_Result TsdbTupleLock(Relation rel, ItemPointer tid, Snapshot snapshot, TupleTableSlot* slot,
                        CommandId cid, LockTupleMode mode, LockWaitPolicy wait_policy, uint8 flags,
                        TM_FailureData* tmfd);

// tam_ddl.cc
void TsdbSetNewFilenode(Relation rel, const RelFileNode* newrnode, char persistence,
                        TransactionId* freeze_xid, MultiXactId* minmulti);
void TsdbNontransactionalTruncate(Relation rel);
void TsdbCopyData(Relation rel, const RelFileNode* newrnode);
void TsdbCopyForCluster(Relation old_table, Relation new_table, Relation old_index, bool use_sort,
                        TransactionId oldest_xmin, TransactionId* xid_cutoff,
                        MultiXactId* multi_cutoff, double* num_tuples, double* tups_vacuumed,
                        double* tups_recently_dead);
void TsdbVacuum(Relation rel, VacuumParams* params, BufferAccessStrategy bstrategy);
uint64 TsdbRelationSize(Relation rel, ForkNumber fork);
void TsdbEstimateSize(Relation rel, int32* attr_widths, BlockNumber* pages, double* tuples,
                      double* allvisfrac);

// Raises FEATURE_NOT_SUPPORTED with the message (naming the operation) and
// hint. Does not return.
[[noreturn]] void Unsupported(const char* message, const char* hint = nullptr);

}  // namespace tsdb::pg

#endif  // TSDB_PG_TAM_CALLBACKS_H_
