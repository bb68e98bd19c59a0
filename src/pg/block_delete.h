// Time-range DELETE of whole blocks (block_delete.cc): the statement's
// blocks deleted without decoding, which the scan of the same command skips.
#ifndef TSDB_PG_BLOCK_DELETE_H_
#define TSDB_PG_BLOCK_DELETE_H_

#include "pg/postgres_headers.h"

extern "C" {
#include "executor/execdesc.h"
#include "storage/itemptr.h"
}

namespace tsdb::pg {

// Deletes the blocks a whole-block DELETE covers, before the statement runs
// (from the ExecutorRun hook); returns their rows, 0 for other statements.
uint64 DeleteWholeBlocksFor(QueryDesc* query);

// True when the current command deleted this block tuple whole: a scan of
// the same command must not return its rows again.
bool BlockDeletedWholeByThisCommand(ItemPointer block_tid);

}  // namespace tsdb::pg

#endif  // TSDB_PG_BLOCK_DELETE_H_
