#include "pg/prom_samples_reader.h"

#include <algorithm>
#include <exception>

#include "absl/container/flat_hash_map.h"
#include "tsdb/block.h"
#include "tsdb/decoded_block_cache.h"
#include "pg/block_codec.h"
#include "pg/block_store.h"
#include "pg/guard.h"
#include "pg/hot_store.h"
#include "pg/internal_catalog.h"
#include "pg/metapage.h"
#include "pg/spi.h"
#include "pg/table_layout.h"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "nodes/makefuncs.h"
#include "executor/tuptable.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
}

namespace tsdb::pg {

// prom_samples' columns (sql/tsdb.sql).
constexpr AttrNumber kSeriesIdAttnum = 1;
constexpr AttrNumber kTimeAttnum = 2;
constexpr AttrNumber kValueAttnum = 3;

struct PromSamplesReader::Handles {
  Relation samples;
  Relation blocks;
  Relation hot;
  int64 storage_id;
  FmgrInfo key_output;  // int8out, for the blocks' series_key text
  TupleTableSlot* hot_slot;
  MemoryContext block_context;  // reset after each block
};

namespace {

// Opens the relations when the fast path applies; null otherwise.
PromSamplesReader::Handles* OpenHandles() {
  RangeVar* name = makeRangeVar(const_cast<char*>("tsdb"), const_cast<char*>("prom_samples"), -1);
  const Oid relid = RangeVarGetRelid(name, AccessShareLock, true);
  if (!OidIsValid(relid)) return nullptr;
  if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK) return nullptr;
  if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED) return nullptr;
  Relation samples = table_open(relid, NoLock);
  TableLayout layout = LoadTableLayout(samples);
  TupleDesc desc = RelationGetDescr(samples);
  if (desc->natts != 3 || layout.time_attnum != kTimeAttnum || layout.nkeys != 1 ||
      layout.keys[0] != kSeriesIdAttnum || TupleDescAttr(desc, 0)->atttypid != INT8OID ||
      TupleDescAttr(desc, 1)->atttypid != TIMESTAMPTZOID ||
      TupleDescAttr(desc, 2)->atttypid != FLOAT8OID) {
    table_close(samples, AccessShareLock);
    return nullptr;
  }
  auto* h = static_cast<PromSamplesReader::Handles*>(palloc0(sizeof(PromSamplesReader::Handles)));
  h->samples = samples;
  h->blocks = table_open(BlocksRelid(), AccessShareLock);
  h->hot = table_open(HotRowsRelid(), AccessShareLock);
  h->storage_id = StorageIdOf(samples);
  fmgr_info(F_INT8OUT, &h->key_output);
  h->hot_slot = table_slot_create(samples, nullptr);
  h->block_context =
      AllocSetContextCreate(CurrentMemoryContext, "PromQL block decode", ALLOCSET_DEFAULT_SIZES);
  return h;
}

void CloseHandles(PromSamplesReader::Handles* h) {
  ExecDropSingleTupleTableSlot(h->hot_slot);
  MemoryContextDelete(h->block_context);
  table_close(h->hot, AccessShareLock);
  table_close(h->blocks, AccessShareLock);
  table_close(h->samples, AccessShareLock);
  pfree(h);
}

// The next block tuple of the scan overlapping [min_t, max_t] (valid until
// the next call), with its deleted rows (in block_context); false at the
// end. Plain Postgres code (run under PgCall).
bool NextBlock(PromSamplesReader::Handles* h, SysScanDesc scan, TimestampTz min_t,
               TimestampTz max_t, HeapTuple* block, DeletedRows* deleted) {
  TupleDesc blocks_desc = RelationGetDescr(h->blocks);
  for (;;) {
    HeapTuple tuple = systable_getnext(scan);
    if (tuple == nullptr) return false;
    bool isnull;
    if (DatumGetInt16(heap_getattr(tuple, kBlocksTimeAttnum, blocks_desc, &isnull)) !=
        kTimeAttnum) {
      continue;  // written under another layout
    }
    const int64 block_min = DatumGetInt64(heap_getattr(tuple, kBlocksMinTime, blocks_desc, &isnull));
    const int64 block_max = DatumGetInt64(heap_getattr(tuple, kBlocksMaxTime, blocks_desc, &isnull));
    if (block_max < min_t || block_min > max_t) continue;
    MemoryContextReset(h->block_context);
    MemoryContext caller = MemoryContextSwitchTo(h->block_context);
    *block = tuple;
    *deleted = DeletedRowsOf(h->blocks, tuple);
    MemoryContextSwitchTo(caller);
    return true;
  }
}

// The cache key of a block tuple: this version of this block.
DecodedBlockKey KeyOf(PromSamplesReader::Handles* h, HeapTuple tuple) {
  DecodedBlockKey key;
  key.table = h->storage_id;
  key.block_id = BlockIdOf(h->blocks, tuple);
  key.version = HeapTupleHeaderGetRawXmin(tuple->t_data);
  key.position = (uint64_t{ItemPointerGetBlockNumberNoCheck(&tuple->t_self)} << 16) |
                 ItemPointerGetOffsetNumberNoCheck(&tuple->t_self);
  return key;
}

// The per-backend cache of decoded blocks (tsdb.promql_block_cache_size).
DecodedBlockCache& BackendBlockCache() {
  static DecodedBlockCache cache;
  return cache;
}

SysScanDesc BeginSeriesScan(PromSamplesReader::Handles* h, int64 series_id) {
  Datum key_value = Int64GetDatum(series_id);
  bool key_null = false;
  AttrNumber key_attnum = kSeriesIdAttnum;
  bytea* key = SeriesKeyText(1, &key_attnum, &h->key_output, &key_value, &key_null);
  ScanKeyData keys[2];
  ScanKeyInit(&keys[0], kBlocksStorageId, BTEqualStrategyNumber, F_INT8EQ,
              Int64GetDatum(h->storage_id));
  ScanKeyInit(&keys[1], kBlocksSeriesKey, BTEqualStrategyNumber, F_BYTEAEQ, PointerGetDatum(key));
  return systable_beginscan(h->blocks, BlocksIndexRelid(), true, GetActiveSnapshot(), 2, keys);
}

}  // namespace

std::unique_ptr<PromSamplesReader> PromSamplesReader::Open(size_t cache_bytes) {
  Handles* h = PgCall([] { return OpenHandles(); });
  if (h == nullptr) return nullptr;
  BackendBlockCache().SetCapacity(cache_bytes);
  std::unique_ptr<PromSamplesReader> reader(new PromSamplesReader(h, cache_bytes));
  reader->uncaught_at_open_ = std::uncaught_exceptions();
  return reader;
}

PromSamplesReader::~PromSamplesReader() {
  // While an error unwinds, the transaction aborts and releases all of it.
  if (std::uncaught_exceptions() > uncaught_at_open_) return;
  PgCall([&] { CloseHandles(h_); });
}

std::shared_ptr<const DecodedSamples> PromSamplesReader::Decode(HeapTuple block) {
  DecodedBlockCache& cache = BackendBlockCache();
  const DecodedBlockKey key = PgCall([&] { return KeyOf(h_, block); });
  if (cache_bytes_ > 0) {
    if (std::shared_ptr<const DecodedSamples> hit = cache.Get(key)) return hit;
  }
  const BlockBytes bytes = PgCall([&] {
    MemoryContext caller = MemoryContextSwitchTo(h_->block_context);
    const BlockBytes b = BlockBytesOf(h_->blocks, block);
    MemoryContextSwitchTo(caller);
    return b;
  });
  // The two columns straight into arrays (the generic DecodeBlock makes
  // Datum arrays per block, which measured as a third of the time).
  Result<BlockReader> reader = BlockReader::Open(std::string_view(bytes.data, bytes.size));
  if (!reader.ok()) ThrowCorruptBlock(h_->samples, std::string(reader.status().message()));
  if (reader->column_count() != 3) {
    ThrowCorruptBlock(h_->samples, "it has " + std::to_string(reader->column_count()) +
                                       " columns, tsdb.prom_samples 3");
  }
  Int64Column times;
  Float64Column values;
  Status s = reader->DecodeInt64(kTimeAttnum - 1, &times);
  if (s.ok()) s = reader->DecodeFloat64(kValueAttnum - 1, &values);
  if (!s.ok()) ThrowCorruptBlock(h_->samples, std::string(s.message()));
  DecodedSamples decoded;
  if (!times.nulls.empty() || !values.nulls.empty()) {
    decoded.null.resize(times.values.size());
    for (size_t r = 0; r < decoded.null.size(); ++r) {
      decoded.null[r] = times.IsNull(r) || values.IsNull(r);
    }
  }
  decoded.times = std::move(times.values);
  decoded.values = std::move(values.values);
  // Strictly increasing as milliseconds too: no two rows of the run are one
  // PromQL sample time (those need Merge's one-per-time).
  decoded.sorted = decoded.null.empty();
  for (size_t r = 1; r < decoded.times.size() && decoded.sorted; ++r) {
    decoded.sorted = TimestampToMs(decoded.times[r - 1]) < TimestampToMs(decoded.times[r]);
  }
  if (cache_bytes_ == 0) return std::make_shared<const DecodedSamples>(std::move(decoded));
  return cache.Put(key, std::move(decoded));
}

void PromSamplesReader::ReadBlocks(int64_t id, int64_t min_ms, int64_t max_ms,
                                   std::vector<promql::Sample>* samples, bool* unordered) {
  const TimestampTz min_t = MsToTimestamp(min_ms);
  const TimestampTz max_t = MsToTimestamp(max_ms);
  SysScanDesc scan = PgCall([&] {
    CHECK_FOR_INTERRUPTS();
    return BeginSeriesScan(h_, id);
  });
  HeapTuple block;
  DeletedRows deleted;
  int64_t last_t = samples->empty() ? INT64_MIN : samples->back().t;
  while (PgCall([&] { return NextBlock(h_, scan, min_t, max_t, &block, &deleted); })) {
    const std::shared_ptr<const DecodedSamples> decoded = Decode(block);
    const int rows = static_cast<int>(decoded->times.size());
    // Blocks come by min_time; their rows are in time order. The buffer
    // grows geometrically (an exact reserve per block would copy it each time).
    // Written through a local pointer: push_back's stores to the vector's
    // end pointer, which the compiler cannot keep in a register, measured
    // as a quarter of the query.
    size_t n = samples->size();
    const size_t needed = n + static_cast<size_t>(rows);
    if (needed > samples->capacity()) samples->reserve(std::max(needed, 2 * samples->capacity()));
    samples->resize(needed);
    promql::Sample* out = samples->data();
    const uint8_t* null = decoded->null.empty() ? nullptr : decoded->null.data();
    const int64_t* times = decoded->times.data();
    const double* values = decoded->values.data();
    bool out_of_order = false;
    if (decoded->sorted) {
      // The rows in [min_t, max_t] are one run (blocks are written in time
      // order; series_batch.cc sorts them).
      const int first = static_cast<int>(std::lower_bound(times, times + rows, min_t) - times);
      const int end = static_cast<int>(std::upper_bound(times, times + rows, max_t) - times);
      out_of_order = first < end && TimestampToMs(times[first]) <= last_t;
      if (deleted.bits == nullptr) {
        // Every row counts: a loop the compiler keeps tight.
        for (int r = first; r < end; ++r) out[n++] = promql::Sample{TimestampToMs(times[r]), values[r]};
        if (first < end) last_t = out[n - 1].t;
      } else {
        for (int r = first; r < end; ++r) {
          if (deleted.Contains(r)) continue;
          out[n++] = promql::Sample{TimestampToMs(times[r]), values[r]};
          last_t = out[n - 1].t;
        }
      }
    } else {
      for (int r = 0; r < rows; ++r) {
        if ((null != nullptr && null[r]) || deleted.Contains(r)) continue;
        const TimestampTz t = times[r];
        if (t < min_t || t > max_t) continue;
        const int64_t ms = TimestampToMs(t);
        out_of_order |= ms <= last_t;
        last_t = ms;
        out[n++] = promql::Sample{ms, values[r]};
      }
    }
    samples->resize(n);
    if (out_of_order) *unordered = true;
  }
  PgCall([&] { systable_endscan(scan); });
}

bool PromSamplesReader::ReadNewest(int64_t id, int64_t min_ms, int64_t max_ms,
                                   std::optional<promql::Sample>* out) {
  const TimestampTz min_t = MsToTimestamp(min_ms);
  const TimestampTz max_t = MsToTimestamp(max_ms);
  return PgCall([&] {
    CHECK_FOR_INTERRUPTS();
    TupleDesc blocks_desc = RelationGetDescr(h_->blocks);
    if (blocks_desc->natts != kBlocksNatts) return false;
    MemoryContextReset(h_->block_context);
    MemoryContext caller = MemoryContextSwitchTo(h_->block_context);
    SysScanDesc scan = BeginSeriesScan(h_, id);
    HeapTuple newest = nullptr;
    int64 newest_max = 0;
    bool tie = false;
    for (HeapTuple tuple; (tuple = systable_getnext(scan)) != nullptr;) {
      bool isnull;
      if (DatumGetInt16(heap_getattr(tuple, kBlocksTimeAttnum, blocks_desc, &isnull)) !=
          kTimeAttnum) {
        continue;  // written under another layout (ReadBlocks skips it too)
      }
      const int64 block_min = DatumGetInt64(heap_getattr(tuple, kBlocksMinTime, blocks_desc, &isnull));
      const int64 block_max = DatumGetInt64(heap_getattr(tuple, kBlocksMaxTime, blocks_desc, &isnull));
      if (block_max < min_t || block_min > max_t) continue;
      if (newest == nullptr || block_max > newest_max) {
        newest = heap_copytuple(tuple);
        newest_max = block_max;
        tie = false;
      } else if (block_max == newest_max) {
        tie = true;  // which of the two a merge keeps depends on their order
      }
    }
    systable_endscan(scan);
    bool answered = false;
    if (newest == nullptr) {
      out->reset();
      answered = true;
    } else if (!tie && newest_max <= max_t) {
      Datum meta[kBlocksNatts];
      bool meta_nulls[kBlocksNatts];
      heap_deform_tuple(newest, blocks_desc, meta, meta_nulls);
      HeapTuple row = BlockLastRowImage(h_->samples, newest, meta, meta_nulls);
      if (row != nullptr) {
        TupleDesc desc = RelationGetDescr(h_->samples);
        bool time_null, value_null;
        const Datum time = heap_getattr(row, kTimeAttnum, desc, &time_null);
        const Datum value = heap_getattr(row, kValueAttnum, desc, &value_null);
        if (!time_null && !value_null && DatumGetTimestampTz(time) == newest_max) {
          *out = promql::Sample{TimestampToMs(DatumGetTimestampTz(time)), DatumGetFloat8(value)};
          answered = true;
        }
      }
    }
    MemoryContextSwitchTo(caller);
    return answered;
  });
}

void PromSamplesReader::ReadHot(const std::vector<int64_t>& ids, int64_t min_ms, int64_t max_ms,
                                std::vector<std::vector<promql::Sample>>* out) {
  out->resize(ids.size());
  const TimestampTz min_t = MsToTimestamp(min_ms);
  const TimestampTz max_t = MsToTimestamp(max_ms);
  absl::flat_hash_map<int64_t, size_t> index;
  for (size_t i = 0; i < ids.size(); ++i) index.emplace(ids[i], i);
  SysScanDesc hot_scan = PgCall([&] {
    ScanKeyData key;
    ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(h_->storage_id));
    return systable_beginscan(h_->hot, HotRowsStorageIndexRelid(), true, GetActiveSnapshot(), 1,
                              &key);
  });
  for (;;) {
    bool found = false;
    Datum values[3];
    bool nulls[3];
    PgCall([&] {
      HeapTuple tuple = systable_getnext(hot_scan);
      if (tuple == nullptr) return;
      found = true;
      StoreHotRow(h_->samples, h_->hot, tuple, h_->hot_slot);
      slot_getallattrs(h_->hot_slot);
      for (int a = 0; a < 3; ++a) {
        values[a] = h_->hot_slot->tts_values[a];
        nulls[a] = h_->hot_slot->tts_isnull[a];
      }
    });
    if (!found) break;
    if (nulls[0] || nulls[1] || nulls[2]) continue;
    auto it = index.find(DatumGetInt64(values[0]));
    if (it == index.end()) continue;
    const TimestampTz t = DatumGetTimestampTz(values[1]);
    if (t < min_t || t > max_t) continue;
    (*out)[it->second].push_back(promql::Sample{TimestampToMs(t), DatumGetFloat8(values[2])});
  }
  PgCall([&] { systable_endscan(hot_scan); });
}

void PromSamplesReader::Merge(const std::vector<promql::Sample>& hot, bool unordered,
                              std::vector<promql::Sample>* samples) {
  if (!hot.empty()) {
    samples->insert(samples->end(), hot.begin(), hot.end());
    unordered = true;
  }
  if (unordered) promql::SortSamplesOnePerTime(samples);
}

}  // namespace tsdb::pg
