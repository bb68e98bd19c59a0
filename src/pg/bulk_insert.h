// Gathering rows per series into blocks (bulk_insert.cc): the statement-level
// part the ExecutorRun hook (executor_hook.cc) drives for INSERT ... SELECT.
#ifndef TSDB_PG_BULK_INSERT_H_
#define TSDB_PG_BULK_INSERT_H_

#include "pg/postgres_headers.h"

extern "C" {
#include "executor/execdesc.h"
}

namespace tsdb::pg {

// Registers the GUCs and transaction callbacks.
void InitBulkInsert();
// Turns gathering on for an INSERT ... SELECT that qualifies; true if it did.
bool GatherInsertsFor(QueryDesc* query);
bool GatheringInserts();
// Writes every gathered row out and restores the gathering state of an
// enclosing statement.
void FinishGatheringInserts(bool previous);

}  // namespace tsdb::pg

#endif  // TSDB_PG_BULK_INSERT_H_
