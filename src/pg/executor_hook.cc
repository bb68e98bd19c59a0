// The ExecutorRun hook: what tsdb does around a statement of a tsdb table
// that the table access method API cannot see.
//  - a time-range DELETE deletes the blocks it covers whole first
//    (block_delete.cc);
//  - an INSERT ... SELECT of many rows gathers them per series and writes
//    blocks when the statement's rows are all in (bulk_insert.cc).
#include "pg/guard.h"  // first: C++ headers before Postgres's
#include "pg/block_delete.h"
#include "pg/bulk_insert.h"

extern "C" {
#include "executor/executor.h"
}

namespace tsdb::pg {
namespace {

ExecutorRun_hook_type previous_executor_run = nullptr;

void ExecutorRun(QueryDesc* query, ScanDirection direction, uint64 count, bool execute_once) {
  uint64 whole_block_rows = 0;
  const bool was_gathering = GatheringInserts();
  bool gathering = false;
  Guarded([&] {
    if (!ScanDirectionIsForward(direction)) return;
    whole_block_rows = DeleteWholeBlocksFor(query);
    gathering = GatherInsertsFor(query);
  });
  // An error below leaves gathering on: the abort callbacks turn it off.
  if (previous_executor_run != nullptr) {
    previous_executor_run(query, direction, count, execute_once);
  } else {
    standard_ExecutorRun(query, direction, count, execute_once);
  }
  if (gathering) Guarded([&] { FinishGatheringInserts(was_gathering); });
  query->estate->es_processed += whole_block_rows;
}

}  // namespace

void InitExecutorHook() {
  previous_executor_run = ExecutorRun_hook;
  ExecutorRun_hook = ExecutorRun;
}

}  // namespace tsdb::pg
