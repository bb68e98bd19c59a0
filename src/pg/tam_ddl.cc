// Storage life cycle of tsdb tables: creation, TRUNCATE, SET TABLESPACE,
// table rewrites, VACUUM and size estimates (docs/storage.md).
#include <algorithm>
#include <cmath>

#include "pg/guard.h"
#include "pg/hot_store.h"
#include "pg/internal_catalog.h"
#include "pg/metapage.h"
#include "pg/tam_callbacks.h"

extern "C" {
#include "access/multixact.h"
#include "optimizer/plancat.h"
#include "access/table.h"
#include "catalog/storage.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "storage/smgr.h"
}

namespace tsdb::pg {

void Unsupported(const char* message, const char* hint) {
  ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("%s", message),
                  hint != nullptr ? errhint("%s", hint) : 0));
  pg_unreachable();
}

void TsdbSetNewFilenode(Relation rel, const RelFileNode* newrnode, char persistence,
                        TransactionId* freeze_xid, MultiXactId* minmulti) {
  Guarded([&] {
    if (persistence != RELPERSISTENCE_PERMANENT) {
      Unsupported("temporary and unlogged tsdb tables are not supported",
                  "Create the table without TEMPORARY or UNLOGGED.");
    }
    // The table's rows carry no transaction ids of ours: nothing to freeze.
    *freeze_xid = InvalidTransactionId;
    *minmulti = InvalidMultiXactId;
    if (IsBinaryUpgrade) {
      // pg_upgrade copies the old metapage and internal relations over.
      SMgrRelation srel = RelationCreateStorage(*newrnode, persistence, true);
      smgrclose(srel);
      return;
    }
    // A new file for an existing table (TRUNCATE): its old storage goes, in
    // this transaction, so a ROLLBACK brings it back.
    const bool replacing = rel->rd_node.relNode != newrnode->relNode;
    const int64 old_storage = replacing ? ReadStorageId(rel) : -1;
    WriteMetapage(*newrnode, persistence, NewStorage(RelationGetRelid(rel)));
    if (old_storage >= 0) DeleteStorage(old_storage);
  });
}

void TsdbNontransactionalTruncate(Relation rel) {
  // TRUNCATE of a table created in this transaction: nobody else can see
  // its rows, so they are deleted in place and the storage kept.
  Guarded([&] { DeleteStorage(StorageIdOf(rel), /*drop_registration=*/false); });
}

void TsdbCopyData(Relation rel, const RelFileNode* newrnode) {
  // SET TABLESPACE: the metapage moves; the rows stay in the internal
  // relations (their own tablespace).
  Guarded([&] {
    FlushRelationBuffers(rel);
    SMgrRelation dst = RelationCreateStorage(*newrnode, rel->rd_rel->relpersistence, true);
    RelationCopyStorage(RelationGetSmgr(rel), dst, MAIN_FORKNUM, rel->rd_rel->relpersistence);
    RelationDropStorage(rel);
    smgrclose(dst);
  });
}

void TsdbVacuum(Relation rel, VacuumParams* params, BufferAccessStrategy bstrategy) {
  // The rows live in tsdb_internal's heaps, shared by every tsdb table:
  // VACUUM of a tsdb table vacuums them with the same options (they are
  // ordinary heaps to autovacuum too), so the space of rows deleted or moved
  // into blocks by tsdb.compress comes back. A heap that another VACUUM is
  // already working on is skipped rather than waited for. Blocks with
  // deleted rows are not rewritten yet (docs/storage.md).
  Guarded([&] {
    for (Oid relid : {HotRowsRelid(), BlocksRelid()}) {
      if (!ConditionalLockRelationOid(relid, ShareUpdateExclusiveLock)) continue;
      Relation internal = table_open(relid, NoLock);
      table_relation_vacuum(internal, params, bstrategy);
      table_close(internal, ShareUpdateExclusiveLock);
    }
  });
}

uint64 TsdbRelationSize(Relation rel, ForkNumber fork) {
  return Guarded([&] { return table_block_relation_size(rel, fork); });
}

void TsdbEstimateSize(Relation rel, int32* attr_widths, BlockNumber* pages, double* tuples,
                      double* allvisfrac) {
  // From ANALYZE's count (exact for tsdb tables, see TsdbAnalyzeNextBlock);
  // before the first ANALYZE, a guess from the hot store's size that errs
  // high, which keeps the planner from nested loops over the table.
  Guarded([&] {
    double rows = rel->rd_rel->reltuples;
    if (rows < 0) {
      Relation hot = table_open(HotRowsRelid(), AccessShareLock);
      rows = static_cast<double>(RelationGetNumberOfBlocks(hot)) * 60;
      table_close(hot, AccessShareLock);
    }
    const double width = get_rel_data_width(rel, attr_widths);
    *tuples = rows;
    *pages = static_cast<BlockNumber>(std::max(1.0, std::ceil(rows * width / BLCKSZ)));
    *allvisfrac = 0;
  });
}

}  // namespace tsdb::pg
