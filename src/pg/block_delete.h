// Time-range DELETE of whole blocks (block_delete.cc): the statement's
// blocks deleted without decoding, which the scan of the same command skips.
#ifndef TSDB_PG_BLOCK_DELETE_H_
#define TSDB_PG_BLOCK_DELETE_H_

#include "pg/postgres_headers.h"

extern "C" {
#include "storage/itemptr.h"
}

namespace tsdb::pg {

// Installs the executor hook.
void InitBlockDelete();

// True when the current command deleted this block tuple whole: a scan of
// the same command must not return its rows again.
bool BlockDeletedWholeByThisCommand(ItemPointer block_tid);

}  // namespace tsdb::pg

#endif  // TSDB_PG_BLOCK_DELETE_H_
