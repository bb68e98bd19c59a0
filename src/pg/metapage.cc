#include "pg/metapage.h"

extern "C" {
#include "access/xloginsert.h"
#include "catalog/storage.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "storage/smgr.h"
}

namespace tsdb::pg {
namespace {

constexpr uint32 kMetapageMagic = 0x54534442;  // "TSDB"
constexpr uint32 kMetapageVersion = 1;

struct Metapage {
  uint32 magic;
  uint32 version;
  int64 storage_id;
};

struct AmCache {
  int64 storage_id;
};

}  // namespace

void WriteMetapage(const RelFileNode& node, char persistence, int64 storage_id) {
  SMgrRelation srel = RelationCreateStorage(node, persistence, true);
  PGAlignedBlock block;
  Page page = block.data;
  PageInit(page, BLCKSZ, 0);
  Metapage* meta = reinterpret_cast<Metapage*>(PageGetContents(page));
  meta->magic = kMetapageMagic;
  meta->version = kMetapageVersion;
  meta->storage_id = storage_id;
  // Mark the contents as used so the page checksums and compacts as data.
  reinterpret_cast<PageHeader>(page)->pd_lower =
      static_cast<LocationIndex>(reinterpret_cast<char*>(meta) + sizeof(Metapage) - page);
  if (persistence == RELPERSISTENCE_PERMANENT) {
    RelFileNode copy = node;
    log_newpage(&copy, MAIN_FORKNUM, 0, page, true);
  }
  PageSetChecksumInplace(page, 0);
  smgrextend(srel, MAIN_FORKNUM, 0, page, true);
  // As heap does for a new fork: make it durable before commit.
  if (persistence == RELPERSISTENCE_PERMANENT) smgrimmedsync(srel, MAIN_FORKNUM);
}

int64 ReadStorageId(Relation rel) {
  if (RelationGetNumberOfBlocks(rel) == 0) return -1;
  Buffer buffer = ReadBuffer(rel, 0);
  LockBuffer(buffer, BUFFER_LOCK_SHARE);
  const Metapage* meta =
      reinterpret_cast<const Metapage*>(PageGetContents(BufferGetPage(buffer)));
  const Metapage copy = *meta;
  UnlockReleaseBuffer(buffer);
  if (copy.magic != kMetapageMagic || copy.version != kMetapageVersion) {
    ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                    errmsg("tsdb table \"%s\" has an invalid metapage",
                           RelationGetRelationName(rel)),
                    errdetail("Expected magic 0x%08x version %u, found 0x%08x version %u.",
                              kMetapageMagic, kMetapageVersion, copy.magic, copy.version)));
  }
  return copy.storage_id;
}

int64 StorageIdOf(Relation rel) {
  if (rel->rd_amcache != nullptr) return static_cast<AmCache*>(rel->rd_amcache)->storage_id;
  int64 storage_id = ReadStorageId(rel);
  if (storage_id < 0) {
    ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                    errmsg("tsdb table \"%s\" has no metapage", RelationGetRelationName(rel))));
  }
  AmCache* cache = static_cast<AmCache*>(MemoryContextAlloc(CacheMemoryContext, sizeof(AmCache)));
  cache->storage_id = storage_id;
  rel->rd_amcache = cache;
  return storage_id;
}

}  // namespace tsdb::pg
