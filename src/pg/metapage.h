// The metapage of a tsdb table: block 0 of its main fork, holding the storage
// id that keys the table's rows in the internal relations. It travels with
// the relation file, so table rewrites (which swap files, not OIDs) keep
// data and table together.
//
// Layout (after the standard page header, in the page's contents):
//   uint32 magic 0x54534442 ("TSDB"), uint32 version (1), int64 storage id
#ifndef TSDB_PG_METAPAGE_H_
#define TSDB_PG_METAPAGE_H_

#include "pg/postgres_headers.h"

extern "C" {
#include "storage/relfilenode.h"
#include "utils/rel.h"
}

namespace tsdb::pg {

// Creates the main fork at `node` and writes its metapage (WAL-logged for
// permanent relations).
void WriteMetapage(const RelFileNode& node, char persistence, int64 storage_id);

// The storage id of a tsdb table, cached in rd_amcache (a POD, freed on
// relcache invalidation). Raises DATA_CORRUPTED for a bad metapage.
int64 StorageIdOf(Relation rel);
// The storage id in the metapage, or -1 when the main fork is empty.
int64 ReadStorageId(Relation rel);

}  // namespace tsdb::pg

#endif  // TSDB_PG_METAPAGE_H_
