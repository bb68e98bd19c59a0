// Module initialisation: one Init call per concept, as pgvector does.
#include "pg/guard.h"  // first: C++ headers before Postgres's
#include "pg/bulk_insert.h"
#include "pg/fault_injection.h"

namespace tsdb::pg {
void InitStorageCleanup();  // storage_cleanup.cc
void InitExecutorHook();    // executor_hook.cc
void InitCustomScan();      // scan_node.cc
void InitAggregatePushdown();  // agg_node.cc
void InitKeyInSubquery();      // key_in_subquery.cc
void InitPromql();             // promql_sql.cc
void InitPromWrite();          // prom_write.cc
}  // namespace tsdb::pg

extern "C" {
PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
void _PG_init(void) {
  tsdb::pg::Guarded([] {
    tsdb::pg::DefineFaultInjectionGuc();
    tsdb::pg::InitStorageCleanup();
    tsdb::pg::InitBulkInsert();
    tsdb::pg::InitExecutorHook();
    tsdb::pg::InitCustomScan();
    tsdb::pg::InitAggregatePushdown();
    tsdb::pg::InitKeyInSubquery();
    tsdb::pg::InitPromql();
    tsdb::pg::InitPromWrite();
  });
}
}
