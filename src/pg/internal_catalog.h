// The extension's internal relations (sql/tsdb.sql, docs/storage.md): their
// OIDs, storage ids, and removing everything a storage holds.
//
// Plain Postgres code: no C++ object with a destructor lives across the
// Postgres calls here, so a Postgres ERROR may unwind through it.
#ifndef TSDB_PG_INTERNAL_CATALOG_H_
#define TSDB_PG_INTERNAL_CATALOG_H_

#include "pg/postgres_headers.h"

extern "C" {
#include "utils/rel.h"
}

namespace tsdb::pg {

// OIDs looked up by name in schema tsdb_internal (cheap syscache lookups;
// not cached, so a re-created extension is picked up). Raises an error when
// missing, unless missing_ok (then InvalidOid).
Oid InternalRelid(const char* name, bool missing_ok = false);
Oid HotRowsRelid();
Oid HotRowsStorageIndexRelid();
Oid StoragesRelid();
Oid BlocksRelid();
Oid BlocksIndexRelid();
// tsdb_internal.blocks (storage_id, time_attnum, max_time): blocks by their
// latest time, for scans ordered by time descending.
Oid BlocksMaxTimeIndexRelid();
// The OID of access method `tsdb`, or InvalidOid before CREATE EXTENSION.
Oid TsdbAmOid();
bool IsTsdbRelation(Relation rel);
// Raises WRONG_OBJECT_TYPE unless rel is a tsdb table.
void RequireTsdbTable(Relation rel);
// Opens a tsdb table the current user owns (else an error), with `lock`.
Relation OpenOwnedTsdbTable(Oid relid, LOCKMODE lock);

// A new storage id for `relid`, recorded in tsdb_internal.storages.
int64 NewStorage(Oid relid);
// Deletes every row of the storage (transactional), and with
// drop_registration its tsdb_internal.storages row too. Internal relations
// already dropped (DROP EXTENSION drops them too) are skipped.
void DeleteStorage(int64 storage_id, bool drop_registration = true);
// Deletes the explicit layout of a table (tsdb_internal.layouts), if any.
void DeleteLayout(Oid relid);

}  // namespace tsdb::pg

#endif  // TSDB_PG_INTERNAL_CATALOG_H_
