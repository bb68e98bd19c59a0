// Custom Scan (TsdbScan): how SELECTs read tsdb tables (docs/query.md).
//
// Replaces the access method's sequential scan for every tsdb relation a
// query reads (not the target of UPDATE/DELETE, nor one locked FOR UPDATE:
// those need the access method's row identity). It reads the table's hot
// rows, then its blocks: block metadata first (series key, min/max time) to
// prune, then only the referenced columns, filter columns first, and forms
// rows only for what passes the vectorized filters (scan_quals.h). Rows go
// into the node's virtual scan slot; core's ExecScan evaluates the full qual
// and the projection. Parameterized paths on series key columns let a
// nested loop probe one series at a time (TSBS's
// `tags_id IN (SELECT id FROM tags WHERE ...)`).
//
// GUC tsdb.enable_custom_scan (on) turns it off for comparison.
#include <memory>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "pg/guard.h"  // first: C++ headers before Postgres's
#include "pg/block_codec.h"
#include "pg/block_delete.h"
#include "pg/block_store.h"
#include "pg/hot_store.h"
#include "pg/internal_catalog.h"
#include "pg/metapage.h"
#include "pg/scan_node.h"
#include "pg/scan_quals.h"
#include "pg/table_layout.h"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/stratnum.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/pg_am_d.h"
#include "commands/defrem.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "executor/nodeCustom.h"
#include "nodes/extensible.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/prep.h"
#include "optimizer/restrictinfo.h"
#include "parser/parsetree.h"
#include "storage/bufmgr.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
}

namespace tsdb::pg {
namespace {

constexpr const char* kScanName = "TsdbScan";

bool enable_custom_scan = true;
int parallel_min_rows = 500000;
set_rel_pathlist_hook_type previous_set_rel_pathlist = nullptr;

// ---------------------------------------------------------------------------
// Execution

// What the participants of a parallel scan share (in the query's DSM):
// each runs the same metadata scan with the same snapshot and bounds, so
// the unpruned blocks come in one order everywhere; a participant decodes
// the block whose ordinal it claimed from next_block, and the hot rows go
// to the first participant that claims them.
struct ParallelScanShared {
  pg_atomic_uint64 next_block;
  pg_atomic_flag hot_claimed;
};

// A time ordering key: NULL sorts above every time (DESC NULLS FIRST and
// ASC NULLS LAST, PostgreSQL's defaults, are the orders supported).
struct TimeKey {
  bool null;
  int64 time;
};

// Whether a comes before b in the output order (1 ascending, -1 descending).
bool Precedes(const TimeKey& a, const TimeKey& b, int order) {
  if (a.null != b.null) return order < 0 ? a.null : b.null;
  if (a.null) return false;
  return order < 0 ? a.time > b.time : a.time < b.time;
}

// A block not decoded yet, with the first key in output order any of its
// rows can have.
struct OrderCandidate {
  ItemPointerData tid;
  TimeKey bound;
};

// Rows ready to merge: a decoded block's selected rows, or the hot rows,
// in output order.
struct OrderCursor {
  MemoryContext context = nullptr;
  HeapTuple block_tuple = nullptr;  // null: the hot rows
  RowColumns columns{0, 0, nullptr, nullptr};
  std::vector<int> rows;
  std::vector<HeapTuple> hot;
  std::vector<TimeKey> keys;  // per position, unless time_column says
  // A block whose rows were in time order already: the keys are its
  // decoded time column at rows[pos] (no copy of them per row).
  int time_column = -1;
  size_t pos = 0;
  // A block's stored last row standing in for the block (descending scans):
  // its one row comes from `last_row`; the block is decoded only if more
  // of its rows are wanted (ExpandLazyCursor).
  HeapTuple last_row = nullptr;
  OrderCandidate candidate;
  uint64 seq = 0;  // creation order: breaks ties between equal keys

  size_t size() const { return time_column >= 0 ? rows.size() : keys.size(); }
  TimeKey KeyAt(size_t i) const {
    if (time_column < 0) return keys[i];
    return TimeKey{false, DatumGetInt64(columns.values[time_column][rows[i]])};
  }
  // No destructor deletes `context`: a child of the scan's context, it can
  // be gone already when the runtime is freed after an error.
};

// A cursor in the merge heap, with its next row's key copied beside it (the
// heap's comparisons then touch no cursor: thousands of them stay apart).
struct MergeEntry {
  TimeKey key;
  uint64 seq;
  std::unique_ptr<OrderCursor> cursor;
};

// Everything a running scan keeps; a C++ object owned by the executor's
// memory context (deleted by a reset callback, so an error that skips
// EndCustomScan frees it too).
struct ScanRuntime {
  TableLayout layout;
  int64 storage_id = 0;
  List* kinds = NIL;
  std::vector<ExprState*> value_states;
  std::vector<bool> wanted;         // per attribute: the query references it
  std::vector<bool> filter_columns;  // per attribute: a vectorized filter reads it
  bool bounds_ready = false;
  ScanBounds bounds;

  Relation hot = nullptr;
  Relation blocks = nullptr;
  TupleTableSlot* hot_slot = nullptr;
  // Index scans allocate as they go (btree's killed items): they run in
  // scan_context, which lives as long as the node. Decoded blocks live in
  // block_context, reset per block.
  MemoryContext scan_context = nullptr;
  MemoryContext block_context = nullptr;

  enum class Phase { kHot, kBlocks, kDone } phase = Phase::kHot;
  SysScanDesc hot_scan = nullptr;
  SysScanDesc block_scan = nullptr;
  size_t next_probe = 0;  // into bounds.leading_key_prefixes()
  bool probing = false;
  // Whether every block of the storage has the current key layout, so that
  // index probes by leading key value find them all: -1 not known yet.
  int one_key_layout = -1;
  // Whether the current block's rows are exactly those the plan's qual
  // accepts (false: written under another key layout, so key conditions
  // could not be checked on its series key).
  bool block_exact = true;
  // Whether the current block's time range lies within the time bounds.
  bool block_within_time = false;

  HeapTuple block_tuple = nullptr;
  // The metadata of the block tuple NextBlockTuple returned last.
  static constexpr int kMaxBlocksAttributes = 16;
  Datum meta_values[kMaxBlocksAttributes];
  bool meta_nulls[kMaxBlocksAttributes];
  RowColumns columns{0, 0, nullptr, nullptr};
  std::vector<int> selected;
  int selected_count = 0;
  int next_selected = 0;
  std::vector<Datum> missing_values;  // of attributes the block does not have
  std::vector<bool> missing_nulls;

  // Ordered output (a path ordered by the time column): 0 none, 1 ascending
  // (NULLS LAST), -1 descending (NULLS FIRST). Blocks are merged lazily:
  // one is decoded only when its bound (max_time descending, min_time
  // ascending) could precede the next row of those already decoded.
  int order = 0;
  // Blocks newest first, rows unordered within them (kNewestBlocksFirst):
  // for a node that folds whole blocks in that order (TsdbAggregate's
  // newest buckets first) and asks NextBlockBound how far it got.
  bool newest_blocks_first = false;
  bool newest_blocks_started = false;
  std::vector<HeapTuple> other_time_column_blocks;  // copies, read first
  size_t next_other_block = 0;
  HeapTuple lookahead_tuple = nullptr;  // the newest-first scan's current tuple
  int64 lookahead_max_time = 0;
  bool lookahead_handed_out = false;  // by NextBlockTuple: fetch the next before use
  bool ordered_ready = false;
  std::vector<OrderCandidate> candidates;
  size_t next_candidate = 0;
  // Descending over the whole storage: the candidates after `candidates`,
  // read one ahead from the max_time index (PeekCandidate).
  SysScanDesc newest_first_scan = nullptr;
  bool has_lookahead = false;
  OrderCandidate lookahead;
  // Descending scans probing one leading key value per rescan (a nested
  // loop's "latest row per series"): the newest block of each leading key
  // value, found by reading the max_time index newest first once per node,
  // as far as the probes need (LatestBlockOf); the newest block of a series
  // is where its key first appears. A rescan starts from that block alone;
  // the series' other blocks (`rest`, whose bounds cannot exceed it) are
  // read only if the merge gets to them.
  enum class Latest { kUnknown, kOn, kOff } latest = Latest::kUnknown;
  SysScanDesc latest_scan = nullptr;
  absl::flat_hash_map<std::string, OrderCandidate> latest_by_prefix;
  bool rest_pending = false;
  OrderCandidate rest;  // bound: the newest block's; tid: that block (skipped)
  // A binary heap by each cursor's next key (CursorAfter): the first in
  // output order on top, so merging many blocks (every series of a table)
  // costs a logarithm per row.
  std::vector<MergeEntry> cursors;
  std::unique_ptr<OrderCursor> emitted;  // holds the slot's last row
  uint64 next_cursor_seq = 0;

  // Hot rows of a scan that probes by leading key value (a nested loop's
  // inner side, rescanned per outer row): read once per node into memory,
  // bucketed by that value, so each rescan reads its series' hot rows only.
  // Given up (index scans per rescan instead) past work_mem.
  enum class HotCache { kNone, kReady, kTooBig } hot_cache = HotCache::kNone;
  absl::flat_hash_map<std::string, std::vector<HeapTuple>> hot_by_leading_key;
  std::vector<HeapTuple> hot_list;  // this rescan's
  size_t hot_pos = 0;
  bool hot_list_ready = false;

  // Parallel-aware scans: the shared claims, this participant's ordinal of
  // the current unpruned block and the ordinal it claimed last (-1: none).
  ParallelScanShared* shared = nullptr;
  int64 ordinal = -1;
  int64 claimed = -1;

  // EXPLAIN ANALYZE
  uint64 blocks_read = 0;
  uint64 blocks_pruned = 0;
  uint64 rows_decoded = 0;
  uint64 rows_filtered = 0;
  uint64 hot_rows = 0;
  uint64 last_rows_used = 0;  // blocks a stored last row stood in for
};

struct TsdbScanState {
  CustomScanState css;  // first: Postgres casts between the two
  ScanRuntime* runtime;
};

void DeleteRuntime(void* arg) { delete static_cast<ScanRuntime*>(arg); }

// The max_time index keys of the storage's blocks whose time column relates
// to the current one by `strategy` (BTLess/BTEqual/BTGreaterStrategyNumber).
void MaxTimeIndexKeys(const ScanRuntime* rt, StrategyNumber strategy, ScanKeyData keys[2]) {
  ScanKeyInit(&keys[0], kBlocksStorageId, BTEqualStrategyNumber, F_INT8EQ,
              Int64GetDatum(rt->storage_id));
  const RegProcedure op = strategy == BTLessStrategyNumber      ? F_INT2LT
                          : strategy == BTGreaterStrategyNumber ? F_INT2GT
                                                                : F_INT2EQ;
  ScanKeyInit(&keys[1], kBlocksTimeAttnum, strategy, op, Int16GetDatum(rt->layout.time_attnum));
}

// The storage's blocks under the current time column, newest max_time first
// (systable_getnext_ordered backwards); ends with EndMaxTimeScan.
SysScanDesc BeginNewestFirstScan(const ScanRuntime* rt, Snapshot snapshot) {
  ScanKeyData keys[2];
  MaxTimeIndexKeys(rt, BTEqualStrategyNumber, keys);
  return systable_beginscan_ordered(
      rt->blocks, index_open(BlocksMaxTimeIndexRelid(), AccessShareLock), snapshot, 2, keys);
}

// Hands `visit` each block written under another time column than the
// current one (normally none) until it returns false.
template <typename Visit>
void VisitOtherTimeColumnBlocks(const ScanRuntime* rt, Snapshot snapshot, Visit visit) {
  for (const StrategyNumber strategy : {BTLessStrategyNumber, BTGreaterStrategyNumber}) {
    ScanKeyData keys[2];
    MaxTimeIndexKeys(rt, strategy, keys);
    SysScanDesc scan =
        systable_beginscan(rt->blocks, BlocksMaxTimeIndexRelid(), true, snapshot, 2, keys);
    HeapTuple tuple;
    bool more = true;
    while (more && (tuple = systable_getnext(scan)) != nullptr) more = visit(tuple);
    systable_endscan(scan);
    if (!more) return;
  }
}

// Ends an ordered scan of the max_time index (the index closes with it).
void EndMaxTimeScan(SysScanDesc* scan) {
  if (*scan == nullptr) return;
  Relation index = (*scan)->irel;
  systable_endscan_ordered(*scan);
  index_close(index, AccessShareLock);
  *scan = nullptr;
}

void EndScans(ScanRuntime* rt) {
  if (rt->hot_scan != nullptr) systable_endscan(rt->hot_scan);
  if (rt->block_scan != nullptr) systable_endscan(rt->block_scan);
  EndMaxTimeScan(&rt->newest_first_scan);
  rt->has_lookahead = false;
  rt->lookahead_tuple = nullptr;
  rt->lookahead_handed_out = false;
  rt->newest_blocks_started = false;
  rt->other_time_column_blocks.clear();  // copies in scan_context
  rt->next_other_block = 0;
  rt->rest_pending = false;
  rt->hot_scan = nullptr;
  rt->block_scan = nullptr;
}

void RestartScan(ScanRuntime* rt) {
  EndScans(rt);
  rt->hot_list_ready = false;
  rt->ordinal = -1;
  rt->claimed = -1;
  rt->ordered_ready = false;
  rt->candidates.clear();
  rt->next_candidate = 0;
  for (const MergeEntry& entry : rt->cursors) MemoryContextDelete(entry.cursor->context);
  rt->cursors.clear();
  if (rt->emitted != nullptr) MemoryContextDelete(rt->emitted->context);
  rt->emitted.reset();
  rt->next_cursor_seq = 0;
  rt->phase = ScanRuntime::Phase::kHot;
  rt->next_probe = 0;
  rt->probing = false;
  rt->block_tuple = nullptr;
  rt->selected_count = rt->next_selected = 0;
  rt->bounds_ready = false;
}

bytea* ByteaOf(std::string_view bytes) {
  auto* value = static_cast<bytea*>(palloc(VARHDRSZ + bytes.size()));
  SET_VARSIZE(value, VARHDRSZ + bytes.size());
  memcpy(VARDATA(value), bytes.data(), bytes.size());
  return value;
}

// Whether a block of the storage has a series key outside [from, to)
// (to empty: unbounded).
bool HasBlockKeyOutside(ScanRuntime* rt, Snapshot snapshot, const std::string& from,
                        const std::string& to) {
  bool found = false;
  for (int side = 0; side < 2 && !found; ++side) {
    ScanKeyData keys[2];
    ScanKeyInit(&keys[0], kBlocksStorageId, BTEqualStrategyNumber, F_INT8EQ,
                Int64GetDatum(rt->storage_id));
    ScanKeyInit(&keys[1], kBlocksSeriesKey,
                side == 0 ? BTLessStrategyNumber : BTGreaterEqualStrategyNumber,
                side == 0 ? F_BYTEALT : F_BYTEAGE, PointerGetDatum(ByteaOf(side == 0 ? from : to)));
    SysScanDesc scan = systable_beginscan(rt->blocks, BlocksIndexRelid(), true, snapshot, 2, keys);
    found = systable_getnext(scan) != nullptr;
    systable_endscan(scan);
  }
  return found;
}

// Sets rt->one_key_layout (once per node).
void EnsureOneKeyLayout(ScanRuntime* rt, Snapshot snapshot) {
  if (rt->one_key_layout >= 0) return;
  // Keys of the current layout lie in [signature, signature with its
  // final ';' raised by one).
  std::string end = rt->bounds.key_signature();
  end.back() = static_cast<char>(end.back() + 1);
  rt->one_key_layout = HasBlockKeyOutside(rt, snapshot, rt->bounds.key_signature(), end) ? 0 : 1;
}

// Starts the next index scan of the blocks: one per leading key value
// (series_key >= its prefix, read while keys start with it), else one over
// the whole storage. False when none is left.
bool StartNextBlockScan(ScanRuntime* rt, Snapshot snapshot) {
  const std::vector<std::string>& prefixes = rt->bounds.leading_key_prefixes();
  if (!prefixes.empty()) EnsureOneKeyLayout(rt, snapshot);
  ScanKeyData keys[2];
  ScanKeyInit(&keys[0], kBlocksStorageId, BTEqualStrategyNumber, F_INT8EQ,
              Int64GetDatum(rt->storage_id));
  int nkeys = 1;
  if (!prefixes.empty() && rt->one_key_layout == 1) {
    if (rt->next_probe >= prefixes.size()) return false;
    bytea* prefix = ByteaOf(prefixes[rt->next_probe++]);
    ScanKeyInit(&keys[1], kBlocksSeriesKey, BTGreaterEqualStrategyNumber, F_BYTEAGE,
                PointerGetDatum(prefix));
    nkeys = 2;
    rt->probing = true;
  } else {
    if (rt->next_probe > 0) return false;
    rt->next_probe = 1;
  }
  rt->block_scan =
      systable_beginscan(rt->blocks, BlocksIndexRelid(), true, snapshot, nkeys, keys);
  return true;
}

// Whether the bounds keep a block tuple (else it counts as pruned); its
// metadata goes to rt->meta_values (deformed once: the time attnum lies
// past varlenas).
bool KeepBlockTuple(ScanRuntime* rt, HeapTuple tuple) {
  if (BlockDeletedWholeByThisCommand(&tuple->t_self)) return false;
  Datum* meta = rt->meta_values;
  heap_deform_tuple(tuple, RelationGetDescr(rt->blocks), meta, rt->meta_nulls);
  bytea* key = DatumGetByteaPP(meta[kBlocksSeriesKey - 1]);
  const ScanBounds::KeyMatch match =
      rt->bounds.KeyMatches(std::string_view(VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key)));
  bool keep = match != ScanBounds::KeyMatch::kNo;
  rt->block_exact = match == ScanBounds::KeyMatch::kYes;
  rt->block_within_time = false;
  if (keep && rt->bounds.has_time_bounds() &&
      DatumGetInt16(meta[kBlocksTimeAttnum - 1]) == rt->layout.time_attnum) {
    const int64 min_time = DatumGetInt64(meta[kBlocksMinTime - 1]);
    const int64 max_time = DatumGetInt64(meta[kBlocksMaxTime - 1]);
    keep = rt->bounds.TimeRangeMayMatch(min_time, max_time);
    rt->block_within_time = rt->bounds.TimeRangeWithin(min_time, max_time);
  }
  if (!keep) ++rt->blocks_pruned;
  return keep;
}

SysScanDesc BeginNewestFirstScan(const ScanRuntime* rt, Snapshot snapshot);
template <typename Visit>
void VisitOtherTimeColumnBlocks(const ScanRuntime* rt, Snapshot snapshot, Visit visit);
void EndMaxTimeScan(SysScanDesc* scan);

// Starts reading the blocks newest first: the blocks under another time
// column (normally none) are copied to be read first.
void StartNewestBlocks(ScanRuntime* rt, Snapshot snapshot) {
  rt->newest_blocks_started = true;
  MemoryContext caller = MemoryContextSwitchTo(rt->scan_context);
  VisitOtherTimeColumnBlocks(rt, snapshot, [&](HeapTuple tuple) {
    rt->other_time_column_blocks.push_back(heap_copytuple(tuple));
    return true;
  });
  rt->newest_first_scan = BeginNewestFirstScan(rt, snapshot);
  MemoryContextSwitchTo(caller);
}

// The next unpruned block of the newest-first stream into
// rt->lookahead_tuple, its max_time into rt->lookahead_max_time (null at
// the stream's end, where the stream is closed).
void FetchNewestBlock(ScanRuntime* rt) {
  rt->lookahead_tuple = nullptr;
  rt->lookahead_handed_out = false;
  if (rt->newest_first_scan == nullptr) return;
  HeapTuple tuple;
  while ((tuple = systable_getnext_ordered(rt->newest_first_scan, BackwardScanDirection)) != nullptr) {
    CHECK_FOR_INTERRUPTS();
    if (KeepBlockTuple(rt, tuple)) {
      rt->lookahead_tuple = tuple;
      rt->lookahead_max_time = DatumGetInt64(rt->meta_values[kBlocksMaxTime - 1]);
      return;
    }
  }
  EndMaxTimeScan(&rt->newest_first_scan);  // asked again, a btree scan would start over
}

// Makes rt->lookahead_tuple the next block not handed out yet.
void AdvanceNewestBlocks(ScanRuntime* rt, Snapshot snapshot) {
  if (!rt->newest_blocks_started) {
    StartNewestBlocks(rt, snapshot);
    FetchNewestBlock(rt);
  } else if (rt->lookahead_handed_out) {
    FetchNewestBlock(rt);  // the one handed out was copied by its reader
  }
}

// NextBlockTuple of a kNewestBlocksFirst scan (serial only): the blocks
// under another time column, then the stream.
HeapTuple NextNewestBlockTuple(ScanRuntime* rt, Snapshot snapshot) {
  AdvanceNewestBlocks(rt, snapshot);
  while (rt->next_other_block < rt->other_time_column_blocks.size()) {
    HeapTuple tuple = rt->other_time_column_blocks[rt->next_other_block++];
    if (KeepBlockTuple(rt, tuple)) return tuple;
  }
  HeapTuple tuple = rt->lookahead_tuple;
  if (tuple == nullptr) return nullptr;
  KeepBlockTuple(rt, tuple);  // its metadata and flags again (kept before)
  rt->lookahead_handed_out = true;
  return tuple;
}

// The next block tuple that the bounds do not prune, or null; its metadata
// in rt->meta_values.
HeapTuple NextBlockTuple(ScanRuntime* rt, Snapshot snapshot) {
  if (rt->newest_blocks_first) return NextNewestBlockTuple(rt, snapshot);
  TupleDesc desc = RelationGetDescr(rt->blocks);
  for (;;) {
    if (rt->block_scan == nullptr && !StartNextBlockScan(rt, snapshot)) return nullptr;
    HeapTuple tuple = systable_getnext(rt->block_scan);
    bool isnull;
    if (tuple != nullptr && rt->probing) {
      // Keys holding the probe's value start with its prefix and sort
      // together from it on.
      const std::string& prefix = rt->bounds.leading_key_prefixes()[rt->next_probe - 1];
      bytea* key = DatumGetByteaPP(heap_getattr(tuple, kBlocksSeriesKey, desc, &isnull));
      if (VARSIZE_ANY_EXHDR(key) < prefix.size() ||
          memcmp(VARDATA_ANY(key), prefix.data(), prefix.size()) != 0) {
        tuple = nullptr;
      }
    }
    if (tuple == nullptr) {
      systable_endscan(rt->block_scan);
      rt->block_scan = nullptr;
      continue;
    }
    if (!KeepBlockTuple(rt, tuple)) continue;
    if (rt->shared == nullptr) return tuple;
    // Parallel: only the blocks this participant claims.
    ++rt->ordinal;
    if (rt->claimed < rt->ordinal) {
      rt->claimed = static_cast<int64>(pg_atomic_fetch_add_u64(&rt->shared->next_block, 1));
    }
    if (rt->claimed == rt->ordinal) return tuple;
  }
}

// Decodes block_tuple (in CurrentMemoryContext) for the scan: the filter
// columns, the rows they select (into *selected, returning their count),
// and when a row survives every other column the plan reads. The block's
// bytes are read in `scratch` when given (decoded values are copies: the
// bytes may go once this returns).
int DecodeForScan(ScanRuntime* rt, Relation rel, TupleDesc desc, HeapTuple block_tuple,
                  RowColumns* columns, std::vector<int>* selected,
                  MemoryContext scratch = nullptr) {
  MemoryContext caller = MemoryContextSwitchTo(scratch != nullptr ? scratch : CurrentMemoryContext);
  const BlockBytes bytes = BlockBytesOf(rt->blocks, block_tuple);
  const DeletedRows deleted = DeletedRowsOf(rt->blocks, block_tuple);
  MemoryContextSwitchTo(caller);
  // vector<bool> has no data(): pass plain flags.
  bool* filter_mask = static_cast<bool*>(palloc0(desc->natts));
  bool* wanted_mask = static_cast<bool*>(palloc0(desc->natts));
  for (int a = 0; a < desc->natts; ++a) {
    filter_mask[a] = rt->filter_columns[a];
    wanted_mask[a] = rt->wanted[a];
  }
  *columns = DecodeBlock(rel, desc, bytes.data, bytes.size, filter_mask);
  ++rt->blocks_read;
  rt->rows_decoded += columns->rows;
  // A filter column the block does not have (added since) holds its
  // default, which SelectRows does not see: the qual decides.
  for (const ScanBounds::Filter& filter : rt->bounds.filters()) {
    if (filter.attno > columns->natts) rt->block_exact = false;
  }
  selected->resize(columns->rows);
  const int count =
      SelectRows(rt->bounds.filters(), *columns, deleted, selected->data(), rt->block_within_time);
  rt->rows_filtered += columns->rows - count;
  if (count > 0) DecodeMoreColumns(rel, desc, bytes.data, bytes.size, wanted_mask, columns);
  return count;
}

// Decodes the next block with rows that pass the filters; false after the
// last block.
bool LoadNextBlock(ScanRuntime* rt, Relation rel, Snapshot snapshot, TupleDesc desc) {
  for (;;) {
    MemoryContext caller = MemoryContextSwitchTo(rt->scan_context);
    HeapTuple tuple = NextBlockTuple(rt, snapshot);
    MemoryContextSwitchTo(caller);
    if (tuple == nullptr) return false;
    MemoryContextReset(rt->block_context);
    caller = MemoryContextSwitchTo(rt->block_context);
    rt->block_tuple = heap_copytuple(tuple);
    rt->selected_count =
        DecodeForScan(rt, rel, desc, rt->block_tuple, &rt->columns, &rt->selected);
    rt->next_selected = 0;
    MemoryContextSwitchTo(caller);
    if (rt->selected_count > 0) return true;
  }
}

// Row `row` of decoded columns of block_tuple into the virtual slot.
void StoreBlockRowValues(const ScanRuntime* rt, const RowColumns& columns, HeapTuple block_tuple,
                         int row, TupleTableSlot* slot) {
  const int natts = slot->tts_tupleDescriptor->natts;
  ExecClearTuple(slot);
  for (int a = 0; a < natts; ++a) {
    if (a < columns.natts) {
      if (columns.values[a] == nullptr) {
        slot->tts_values[a] = 0;
        slot->tts_isnull[a] = true;
      } else {
        slot->tts_values[a] = columns.values[a][row];
        slot->tts_isnull[a] = columns.nulls[a][row];
      }
    } else {
      slot->tts_values[a] = rt->missing_values[a];
      slot->tts_isnull[a] = rt->missing_nulls[a];
    }
  }
  BlockRowTid(&block_tuple->t_self, row, &slot->tts_tid);
  ExecStoreVirtualTuple(slot);
}

void StoreSelectedRow(ScanRuntime* rt, TupleTableSlot* slot) {
  const int row = rt->selected[rt->next_selected++];
  StoreBlockRowValues(rt, rt->columns, rt->block_tuple, row, slot);
}

TimeKey KeyOfValue(Datum value, bool isnull) { return TimeKey{isnull, isnull ? 0 : DatumGetInt64(value)}; }

bool UseHotCache(ScanRuntime* rt, Relation rel, Snapshot snapshot);

// A row image (a hot row, or a block's stored last row; tuple memory that
// outlives the slot's use) into the virtual slot: through the heap slot, so
// columns added after the image was made read as their defaults.
void StoreImageRow(ScanRuntime* rt, HeapTuple tuple, TupleTableSlot* slot) {
  ExecStoreHeapTuple(tuple, rt->hot_slot, false);
  slot_getallattrs(rt->hot_slot);
  const int natts = slot->tts_tupleDescriptor->natts;
  ExecClearTuple(slot);
  memcpy(slot->tts_values, rt->hot_slot->tts_values, natts * sizeof(Datum));
  memcpy(slot->tts_isnull, rt->hot_slot->tts_isnull, natts * sizeof(bool));
  slot->tts_tid = tuple->t_self;
  ExecStoreVirtualTuple(slot);
}

// The heap order of ScanRuntime::cursors: whether a's next row comes
// after b's (ties: the older cursor first, so the output is deterministic).
struct CursorAfter {
  int order;
  bool operator()(const MergeEntry& a, const MergeEntry& b) const {
    if (Precedes(b.key, a.key, order)) return true;
    if (Precedes(a.key, b.key, order)) return false;
    return a.seq > b.seq;
  }
};

// Adds a cursor with rows left to the merge.
void PushCursor(ScanRuntime* rt, std::unique_ptr<OrderCursor> cursor) {
  const TimeKey key = cursor->KeyAt(cursor->pos);
  const uint64 seq = cursor->seq;
  rt->cursors.push_back(MergeEntry{key, seq, std::move(cursor)});
  std::push_heap(rt->cursors.begin(), rt->cursors.end(), CursorAfter{rt->order});
}

// Whether this descending (re)scan starts from the newest block of its one
// leading key value (ScanRuntime::latest): a serial scan without time
// bounds, constrained by that key value alone, over a storage whose blocks
// all have the current key layout and time column.
bool UseLatestBlocks(ScanRuntime* rt, Snapshot snapshot) {
  if (rt->shared != nullptr || rt->bounds.leading_key_prefixes().size() != 1 ||
      rt->bounds.has_time_bounds() || !rt->bounds.constrains_leading_key_only() ||
      rt->latest == ScanRuntime::Latest::kOff) {
    return false;
  }
  if (rt->latest == ScanRuntime::Latest::kOn) return true;
  PgCall([&] {
    EnsureOneKeyLayout(rt, snapshot);
    bool other_time_column = false;
    VisitOtherTimeColumnBlocks(rt, snapshot, [&](HeapTuple) {
      other_time_column = true;
      return false;  // one is enough
    });
    rt->latest = ScanRuntime::Latest::kOff;
    if (rt->one_key_layout != 1 || other_time_column) return;
    MemoryContext caller = MemoryContextSwitchTo(rt->scan_context);
    rt->latest_scan = BeginNewestFirstScan(rt, snapshot);
    MemoryContextSwitchTo(caller);
    rt->latest = ScanRuntime::Latest::kOn;
    rt->latest_by_prefix.reserve(1024);
  });
  return rt->latest == ScanRuntime::Latest::kOn;
}

// The newest block of the leading key value whose series key prefix is
// `prefix`, or null when it has none.
const OrderCandidate* LatestBlockOf(ScanRuntime* rt, const std::string& prefix) {
  auto it = rt->latest_by_prefix.find(prefix);
  if (it != rt->latest_by_prefix.end()) return &it->second;
  if (rt->latest_scan == nullptr) return nullptr;
  const OrderCandidate* found = nullptr;
  const size_t signature_size = rt->bounds.key_signature().size();
  PgCall([&] {
    MemoryContext caller = MemoryContextSwitchTo(rt->scan_context);
    TupleDesc desc = RelationGetDescr(rt->blocks);
    HeapTuple tuple;
    while ((tuple = systable_getnext_ordered(rt->latest_scan, BackwardScanDirection)) != nullptr) {
      CHECK_FOR_INTERRUPTS();
      if (BlockDeletedWholeByThisCommand(&tuple->t_self)) continue;
      bool isnull;
      bytea* key = DatumGetByteaPP(heap_getattr(tuple, kBlocksSeriesKey, desc, &isnull));
      const std::string_view seen = LeadingKeyPrefixOf(
          std::string_view(VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key)), signature_size);
      if (seen.empty()) continue;  // not under the current key layout: cannot be
      const int64 max_time = DatumGetInt64(heap_getattr(tuple, kBlocksMaxTime, desc, &isnull));
      auto [entry, inserted] = rt->latest_by_prefix.try_emplace(
          std::string(seen), OrderCandidate{tuple->t_self, TimeKey{false, max_time}});
      if (inserted && seen == prefix) {
        found = &entry->second;
        break;
      }
    }
    MemoryContextSwitchTo(caller);
    // Read to its end (asked again, a btree scan would start over).
    if (found == nullptr) EndMaxTimeScan(&rt->latest_scan);
  });
  return found;
}

// Collects the hot rows and the unpruned blocks of an ordered scan.
void PrepareOrdered(ScanRuntime* rt, Relation rel, Snapshot snapshot) {
  TupleDesc desc = RelationGetDescr(rel);
  const int order = rt->order;
  auto hot = std::make_unique<OrderCursor>();
  hot->context = AllocSetContextCreate(rt->scan_context, "tsdb ordered hot rows",
                                       ALLOCSET_DEFAULT_SIZES);
  MemoryContext caller;
  if (UseHotCache(rt, rel, snapshot)) {
    // The cached rows of this rescan's leading key values (they live in
    // scan_context, not in the cursor's).
    for (const std::string& value : rt->bounds.leading_key_values()) {
      auto it = rt->hot_by_leading_key.find(value);
      if (it == rt->hot_by_leading_key.end()) continue;
      hot->hot.insert(hot->hot.end(), it->second.begin(), it->second.end());
    }
    rt->hot_rows += hot->hot.size();
  } else {
    caller = MemoryContextSwitchTo(rt->scan_context);
    ScanKeyData key;
    ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(rt->storage_id));
    SysScanDesc hot_scan =
        systable_beginscan(rt->hot, HotRowsStorageIndexRelid(), true, snapshot, 1, &key);
    HeapTuple hot_tuple;
    while ((hot_tuple = systable_getnext(hot_scan)) != nullptr) {
      ++rt->hot_rows;
      StoreHotRow(rel, rt->hot, hot_tuple, rt->hot_slot);
      MemoryContextSwitchTo(hot->context);
      hot->hot.push_back(ExecCopySlotHeapTuple(rt->hot_slot));
      MemoryContextSwitchTo(rt->scan_context);
    }
    systable_endscan(hot_scan);
    MemoryContextSwitchTo(caller);
  }
  if (!hot->hot.empty()) {
    std::vector<std::pair<TimeKey, HeapTuple>> keyed;
    for (HeapTuple tuple : hot->hot) {
      bool isnull;
      const Datum value = heap_getattr(tuple, rt->layout.time_attnum, desc, &isnull);
      keyed.emplace_back(KeyOfValue(value, isnull), tuple);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [order](const auto& a, const auto& b) {
      return Precedes(a.first, b.first, order);
    });
    for (size_t i = 0; i < keyed.size(); ++i) {
      hot->keys.push_back(keyed[i].first);
      hot->hot[i] = keyed[i].second;
    }
    hot->seq = rt->next_cursor_seq++;
    PushCursor(rt, std::move(hot));
  } else {
    MemoryContextDelete(hot->context);
  }
  if (order < 0 && UseLatestBlocks(rt, snapshot)) {
    const OrderCandidate* newest = LatestBlockOf(rt, rt->bounds.leading_key_prefixes().front());
    if (newest != nullptr) {
      rt->candidates.push_back(*newest);
      rt->rest = *newest;
      rt->rest_pending = true;
    }
    rt->ordered_ready = true;
    return;
  }
  if (order < 0 && rt->bounds.leading_key_prefixes().empty()) {
    // Newest first over the whole storage: the blocks come from the max_time
    // index in the order the merge takes them, read as it goes (a LIMIT
    // then reads the metadata of the newest blocks only). Blocks written
    // under another time column (normally none) are collected first: any
    // of their rows may come first.
    caller = MemoryContextSwitchTo(rt->scan_context);
    VisitOtherTimeColumnBlocks(rt, snapshot, [&](HeapTuple tuple) {
      if (KeepBlockTuple(rt, tuple)) rt->candidates.push_back({tuple->t_self, TimeKey{true, 0}});
      return true;
    });
    rt->newest_first_scan = BeginNewestFirstScan(rt, snapshot);
    MemoryContextSwitchTo(caller);
    rt->ordered_ready = true;
    return;
  }
  for (;;) {
    caller = MemoryContextSwitchTo(rt->scan_context);
    HeapTuple tuple = NextBlockTuple(rt, snapshot);
    MemoryContextSwitchTo(caller);
    if (tuple == nullptr) break;
    OrderCandidate candidate;
    candidate.tid = tuple->t_self;
    if (DatumGetInt16(rt->meta_values[kBlocksTimeAttnum - 1]) == rt->layout.time_attnum) {
      candidate.bound = TimeKey{
          false, DatumGetInt64(rt->meta_values[order < 0 ? kBlocksMaxTime - 1 : kBlocksMinTime - 1])};
    } else {
      // Written under another time column: any row may come first.
      candidate.bound = order < 0 ? TimeKey{true, 0} : TimeKey{false, INT64_MIN};
    }
    rt->candidates.push_back(candidate);
  }
  std::stable_sort(rt->candidates.begin(), rt->candidates.end(),
                   [order](const OrderCandidate& a, const OrderCandidate& b) {
                     return Precedes(a.bound, b.bound, order);
                   });
  rt->ordered_ready = true;
}

// Decodes a candidate block into a cursor (none when no row is selected).
// Decodes cursor->block_tuple into the cursor's rows, in output order;
// false when no row is selected.
bool FillCursor(ScanRuntime* rt, Relation rel, OrderCursor* cursor) {
  const OrderCandidate& candidate = cursor->candidate;
  // Many cursors live at once (one per series in a merge of every series):
  // each keeps its decoded columns only, not the block's bytes.
  MemoryContextReset(rt->block_context);
  MemoryContext caller = MemoryContextSwitchTo(cursor->context);
  TupleDesc desc = RelationGetDescr(rel);
  rt->block_within_time = false;  // NextBlockTuple's flag is for another block by now
  const int count = DecodeForScan(rt, rel, desc, cursor->block_tuple, &cursor->columns,
                                  &cursor->rows, rt->block_context);
  MemoryContextSwitchTo(caller);
  MemoryContextReset(rt->block_context);
  cursor->rows.resize(count);
  cursor->keys.clear();
  cursor->time_column = -1;
  cursor->pos = 0;
  if (count == 0) return false;
  const int t = rt->layout.time_attnum - 1;
  const RowColumns& columns = cursor->columns;
  const int order = rt->order;
  // Blocks hold their rows sorted by time (SeriesBatch sorts them): then
  // the output order is the selection itself, or reversed.
  bool sorted = true;
  const int tc = t < columns.natts ? t : -1;
  for (size_t i = 1; tc >= 0 && sorted && i < cursor->rows.size(); ++i) {
    const int a = cursor->rows[i - 1], b = cursor->rows[i];
    sorted = !columns.nulls[tc][a] && !columns.nulls[tc][b] &&
             DatumGetInt64(columns.values[tc][a]) <= DatumGetInt64(columns.values[tc][b]);
  }
  if (sorted && tc >= 0 && !columns.nulls[tc][cursor->rows.front()] &&
      !Precedes(KeyOfValue(columns.values[tc][order < 0 ? cursor->rows.back() : cursor->rows.front()],
                           false),
                candidate.bound, order)) {
    if (order < 0) {
      std::reverse(cursor->rows.begin(), cursor->rows.end());
      // Equal times keep the order a stable sort would give them.
      for (size_t i = 0; i < cursor->rows.size();) {
        size_t j = i + 1;
        while (j < cursor->rows.size() &&
               columns.values[tc][cursor->rows[j]] == columns.values[tc][cursor->rows[i]]) {
          ++j;
        }
        std::reverse(cursor->rows.begin() + i, cursor->rows.begin() + j);
        i = j;
      }
    }
    cursor->time_column = tc;
    return true;
  }
  std::vector<std::pair<TimeKey, int>> keyed;
  for (int row : cursor->rows) {
    const TimeKey key = t < columns.natts ? KeyOfValue(columns.values[t][row], columns.nulls[t][row])
                                          : TimeKey{true, 0};
    if (Precedes(key, candidate.bound, order)) {
      throw SqlError(ERRCODE_DATA_CORRUPTED,
                     std::string("corrupt block in tsdb table \"") + RelationGetRelationName(rel) +
                         "\": a row's time lies outside the block's time range");
    }
    keyed.emplace_back(key, row);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [order](const auto& a, const auto& b) {
    return Precedes(a.first, b.first, order);
  });
  for (size_t i = 0; i < keyed.size(); ++i) {
    cursor->keys.push_back(keyed[i].first);
    cursor->rows[i] = keyed[i].second;
  }
  return true;
}

// The stored last row of a block tuple, when a descending scan may let it
// stand in for the block: the block was written with one, under the
// current time column, its row is not deleted, and its time is the block's
// max_time. Null otherwise. (In CurrentMemoryContext.)
HeapTuple StandInLastRow(ScanRuntime* rt, Relation rel, HeapTuple block_tuple,
                         const OrderCandidate& candidate, int* row) {
  if (rt->order >= 0 || candidate.bound.null) return nullptr;
  // Deformed once: the columns read lie past varlenas.
  Datum meta[ScanRuntime::kMaxBlocksAttributes];
  bool meta_nulls[ScanRuntime::kMaxBlocksAttributes];
  heap_deform_tuple(block_tuple, RelationGetDescr(rt->blocks), meta, meta_nulls);
  HeapTuple tuple = BlockLastRowImage(rel, block_tuple, meta, meta_nulls);
  if (tuple == nullptr) return nullptr;
  const int rows = DatumGetInt32(meta[kBlocksRowCount - 1]);
  bool isnull;
  const Datum time = heap_getattr(tuple, rt->layout.time_attnum, RelationGetDescr(rel), &isnull);
  if (isnull || DatumGetInt64(time) != candidate.bound.time) return nullptr;
  *row = rows - 1;
  return tuple;
}

// Fetches a candidate block into a cursor: its stored last row standing in
// when it can, else decoded (no cursor when no row is selected).
void DecodeCandidate(ScanRuntime* rt, Relation rel, Snapshot snapshot,
                     const OrderCandidate& candidate) {
  auto cursor = std::make_unique<OrderCursor>();
  cursor->candidate = candidate;
  cursor->seq = rt->next_cursor_seq++;
  cursor->context = AllocSetContextCreate(rt->scan_context, "tsdb ordered block",
                                          ALLOCSET_START_SMALL_SIZES);
  OrderCursor* c = cursor.get();
  int row = 0;
  const bool found = PgCall([&] {
    MemoryContext caller = MemoryContextSwitchTo(c->context);
    HeapTupleData tuple;
    tuple.t_self = candidate.tid;
    Buffer buffer;
    const bool visible = heap_fetch(rt->blocks, snapshot, &tuple, &buffer, false);
    if (visible) {
      // A stand-in row needs no copy of its block tuple (fetched again if
      // the block is decoded after all).
      c->last_row = StandInLastRow(rt, rel, &tuple, candidate, &row);
      if (c->last_row == nullptr) c->block_tuple = heap_copytuple(&tuple);
      ReleaseBuffer(buffer);
    }
    MemoryContextSwitchTo(caller);
    return visible;
  });
  if (!found) {  // seen by the same snapshot a moment ago: cannot happen
    MemoryContextDelete(cursor->context);
    return;
  }
  if (cursor->last_row != nullptr) {
    ++rt->last_rows_used;
    cursor->rows.assign(1, row);
    cursor->keys.assign(1, candidate.bound);
    PushCursor(rt, std::move(cursor));
    return;
  }
  if (!FillCursor(rt, rel, cursor.get())) {
    MemoryContextDelete(cursor->context);
    return;
  }
  PushCursor(rt, std::move(cursor));
}

// A cursor whose stand-in last row was emitted: decodes its block for the
// rest of its rows (that row left out). False when none is left.
bool ExpandLazyCursor(ScanRuntime* rt, Relation rel, Snapshot snapshot, OrderCursor* cursor) {
  const int emitted_row = cursor->rows.front();
  cursor->last_row = nullptr;
  if (cursor->block_tuple == nullptr) {
    const bool visible = PgCall([&] {
      MemoryContext caller = MemoryContextSwitchTo(cursor->context);
      HeapTupleData tuple;
      tuple.t_self = cursor->candidate.tid;
      Buffer buffer;
      const bool found = heap_fetch(rt->blocks, snapshot, &tuple, &buffer, false);
      if (found) {
        cursor->block_tuple = heap_copytuple(&tuple);
        ReleaseBuffer(buffer);
      }
      MemoryContextSwitchTo(caller);
      return found;
    });
    if (!visible) return false;  // seen by the same snapshot before: cannot happen
  }
  if (!FillCursor(rt, rel, cursor)) return false;
  for (size_t i = 0; i < cursor->rows.size(); ++i) {
    if (cursor->rows[i] == emitted_row) {
      cursor->rows.erase(cursor->rows.begin() + i);
      if (!cursor->keys.empty()) cursor->keys.erase(cursor->keys.begin() + i);
      break;
    }
  }
  return !cursor->rows.empty();
}

// The block an ordered scan would decode next, or null when none is left.
const OrderCandidate* PeekCandidate(ScanRuntime* rt) {
  if (rt->next_candidate < rt->candidates.size()) return &rt->candidates[rt->next_candidate];
  if (rt->has_lookahead) return &rt->lookahead;
  if (rt->rest_pending) return &rt->rest;
  if (rt->newest_first_scan == nullptr) return nullptr;
  PgCall([&] {
    MemoryContext caller = MemoryContextSwitchTo(rt->scan_context);
    FetchNewestBlock(rt);
    MemoryContextSwitchTo(caller);
  });
  if (rt->lookahead_tuple == nullptr) return nullptr;
  rt->lookahead = OrderCandidate{rt->lookahead_tuple->t_self, TimeKey{false, rt->lookahead_max_time}};
  rt->has_lookahead = true;
  return &rt->lookahead;
}

void TakeCandidate(ScanRuntime* rt) {
  if (rt->next_candidate < rt->candidates.size()) {
    ++rt->next_candidate;
  } else {
    rt->has_lookahead = false;
  }
}

// The blocks of a latest-blocks rescan after its newest one, as candidates.
void LoadRestOfSeries(ScanRuntime* rt, Snapshot snapshot) {
  rt->rest_pending = false;
  rt->candidates.erase(rt->candidates.begin(), rt->candidates.begin() + rt->next_candidate);
  rt->next_candidate = 0;
  for (;;) {
    MemoryContext caller = MemoryContextSwitchTo(rt->scan_context);
    HeapTuple tuple = NextBlockTuple(rt, snapshot);
    MemoryContextSwitchTo(caller);
    if (tuple == nullptr) break;
    if (ItemPointerEquals(&tuple->t_self, &rt->rest.tid)) continue;
    rt->candidates.push_back(OrderCandidate{
        tuple->t_self, TimeKey{false, DatumGetInt64(rt->meta_values[kBlocksMaxTime - 1])}});
  }
  std::stable_sort(rt->candidates.begin(), rt->candidates.end(),
                   [](const OrderCandidate& a, const OrderCandidate& b) {
                     return Precedes(a.bound, b.bound, -1);
                   });
}

// The next row of an ordered scan into slot; false after the last.
bool OrderedNext(ScanRuntime* rt, Relation rel, Snapshot snapshot, TupleTableSlot* slot) {
  if (!rt->ordered_ready) PrepareOrdered(rt, rel, snapshot);
  // The cursor that held the previous row goes back into the merge once
  // that row is done with, or goes (a stand-in last row's cursor goes on
  // with the rest of its block).
  if (rt->emitted != nullptr) {
    std::unique_ptr<OrderCursor> cursor = std::move(rt->emitted);
    if (cursor->pos < cursor->size() ||
        (cursor->last_row != nullptr && ExpandLazyCursor(rt, rel, snapshot, cursor.get()))) {
      PushCursor(rt, std::move(cursor));
    } else {
      MemoryContextDelete(cursor->context);
    }
  }
  for (;;) {
    OrderCursor* best = rt->cursors.empty() ? nullptr : rt->cursors.front().cursor.get();
    const OrderCandidate* next = PeekCandidate(rt);
    if (next != nullptr) {
      if (best == nullptr || Precedes(next->bound, rt->cursors.front().key, rt->order)) {
        if (next == &rt->rest) {
          LoadRestOfSeries(rt, snapshot);
          continue;
        }
        const OrderCandidate candidate = *next;
        TakeCandidate(rt);
        DecodeCandidate(rt, rel, snapshot, candidate);
        continue;
      }
    }
    if (best == nullptr) return false;
    std::pop_heap(rt->cursors.begin(), rt->cursors.end(), CursorAfter{rt->order});
    rt->emitted = std::move(rt->cursors.back().cursor);
    rt->cursors.pop_back();
    const size_t pos = best->pos++;
    if (best->last_row != nullptr) {
      StoreImageRow(rt, best->last_row, slot);
      BlockRowTid(&best->candidate.tid, best->rows[pos], &slot->tts_tid);
    } else if (best->block_tuple != nullptr) {
      StoreBlockRowValues(rt, best->columns, best->block_tuple, best->rows[pos], slot);
    } else {
      StoreImageRow(rt, best->hot[pos], slot);
    }
    return true;
  }
}

// Evaluates the scan's values once per (re)scan.
void EnsureBounds(TsdbScanState* state) {
  ScanRuntime* rt = state->runtime;
  if (rt->bounds_ready) return;
  ExprContext* econtext = state->css.ss.ps.ps_ExprContext;
  ResetExprContext(econtext);
  rt->bounds.Evaluate(rt->value_states, rt->kinds, rt->layout, econtext);
  rt->bounds_ready = true;
  if (rt->bounds.empty()) rt->phase = ScanRuntime::Phase::kDone;
}

// The next hot row into the scan slot; false after the last (then the
// scan moves on to the blocks).
// Reads every hot row of the storage into rt->hot_by_leading_key, keyed by
// the output text of the leading key column (NULL keys are left out: an
// equality never matches them). Gives up past work_mem.
void BuildHotCache(ScanRuntime* rt, Relation rel, Snapshot snapshot) {
  const AttrNumber key_attnum = rt->layout.keys[0];
  Oid output;
  bool varlena;
  getTypeOutputInfo(TupleDescAttr(RelationGetDescr(rel), key_attnum - 1)->atttypid, &output,
                    &varlena);
  const Size limit = static_cast<Size>(work_mem) * 1024;
  Size bytes = 0;
  MemoryContext caller = MemoryContextSwitchTo(rt->scan_context);
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(rt->storage_id));
  SysScanDesc scan =
      systable_beginscan(rt->hot, HotRowsStorageIndexRelid(), true, snapshot, 1, &key);
  HeapTuple hot_tuple;
  rt->hot_cache = ScanRuntime::HotCache::kReady;
  while ((hot_tuple = systable_getnext(scan)) != nullptr) {
    StoreHotRow(rel, rt->hot, hot_tuple, rt->hot_slot);
    bool isnull;
    const Datum value = slot_getattr(rt->hot_slot, key_attnum, &isnull);
    if (isnull) continue;
    HeapTuple copy = ExecCopySlotHeapTuple(rt->hot_slot);
    bytes += copy->t_len + HEAPTUPLESIZE;
    if (bytes > limit) {
      rt->hot_cache = ScanRuntime::HotCache::kTooBig;
      break;
    }
    char* text = OidOutputFunctionCall(output, value);
    rt->hot_by_leading_key[text].push_back(copy);
    pfree(text);
  }
  systable_endscan(scan);
  MemoryContextSwitchTo(caller);
  if (rt->hot_cache == ScanRuntime::HotCache::kTooBig) rt->hot_by_leading_key.clear();
}

// Whether this (re)scan reads its hot rows from the cache (building it on
// first use): a serial scan probing by leading key value, while the
// storage's hot rows fit in work_mem.
bool UseHotCache(ScanRuntime* rt, Relation rel, Snapshot snapshot) {
  if (rt->shared != nullptr || rt->bounds.leading_key_prefixes().empty() ||
      rt->hot_cache == ScanRuntime::HotCache::kTooBig) {
    return false;
  }
  if (rt->hot_cache == ScanRuntime::HotCache::kNone) BuildHotCache(rt, rel, snapshot);
  return rt->hot_cache == ScanRuntime::HotCache::kReady;
}

// The next hot row from the cache: those with the leading key values of
// this rescan.
bool NextCachedHotRow(ScanRuntime* rt, TupleTableSlot* slot, Relation rel) {
  if (!rt->hot_list_ready) {
    rt->hot_list.clear();
    for (const std::string& value : rt->bounds.leading_key_values()) {
      auto it = rt->hot_by_leading_key.find(value);
      if (it != rt->hot_by_leading_key.end()) {
        rt->hot_list.insert(rt->hot_list.end(), it->second.begin(), it->second.end());
      }
    }
    rt->hot_pos = 0;
    rt->hot_list_ready = true;
  }
  if (rt->hot_pos >= rt->hot_list.size()) {
    rt->phase = ScanRuntime::Phase::kBlocks;
    return false;
  }
  HeapTuple tuple = rt->hot_list[rt->hot_pos++];
  ++rt->hot_rows;
  StoreImageRow(rt, tuple, slot);
  slot->tts_tableOid = RelationGetRelid(rel);
  return true;
}

bool NextHotRow(TsdbScanState* state) {
  ScanRuntime* rt = state->runtime;
  ScanState* ss = &state->css.ss;
  if (rt->phase != ScanRuntime::Phase::kHot) return false;
  if (rt->hot_scan == nullptr && rt->shared != nullptr &&
      !pg_atomic_test_set_flag(&rt->shared->hot_claimed)) {
    rt->phase = ScanRuntime::Phase::kBlocks;  // another participant reads them
    return false;
  }
  TupleTableSlot* slot = ss->ss_ScanTupleSlot;
  Relation rel = ss->ss_currentRelation;
  if (rt->hot_scan == nullptr && UseHotCache(rt, rel, ss->ps.state->es_snapshot)) {
    return NextCachedHotRow(rt, slot, rel);
  }
  MemoryContext caller = MemoryContextSwitchTo(rt->scan_context);
  if (rt->hot_scan == nullptr) {
    ScanKeyData key;
    ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(rt->storage_id));
    rt->hot_scan = systable_beginscan(rt->hot, HotRowsStorageIndexRelid(), true,
                                      ss->ps.state->es_snapshot, 1, &key);
  }
  HeapTuple hot_tuple = systable_getnext(rt->hot_scan);
  MemoryContextSwitchTo(caller);
  if (hot_tuple == nullptr) {
    systable_endscan(rt->hot_scan);
    rt->hot_scan = nullptr;
    rt->phase = ScanRuntime::Phase::kBlocks;
    return false;
  }
  ++rt->hot_rows;
  StoreHotRow(rel, rt->hot, hot_tuple, rt->hot_slot);
  slot_getallattrs(rt->hot_slot);
  const int natts = slot->tts_tupleDescriptor->natts;
  ExecClearTuple(slot);
  memcpy(slot->tts_values, rt->hot_slot->tts_values, natts * sizeof(Datum));
  memcpy(slot->tts_isnull, rt->hot_slot->tts_isnull, natts * sizeof(bool));
  slot->tts_tid = rt->hot_slot->tts_tid;
  ExecStoreVirtualTuple(slot);
  slot->tts_tableOid = RelationGetRelid(rel);
  return true;
}

// Decodes the next block with rows that pass the filters; false after the
// last block.
bool NextBlock(TsdbScanState* state) {
  ScanRuntime* rt = state->runtime;
  ScanState* ss = &state->css.ss;
  if (rt->phase != ScanRuntime::Phase::kBlocks) return false;
  if (LoadNextBlock(rt, ss->ss_currentRelation, ss->ps.state->es_snapshot,
                    ss->ss_ScanTupleSlot->tts_tupleDescriptor)) {
    return true;
  }
  rt->phase = ScanRuntime::Phase::kDone;
  return false;
}

TupleTableSlot* ScanNext(ScanState* ss) {
  auto* state = reinterpret_cast<TsdbScanState*>(ss);
  return Guarded([&]() -> TupleTableSlot* {
    ScanRuntime* rt = state->runtime;
    TupleTableSlot* slot = ss->ss_ScanTupleSlot;
    EnsureBounds(state);
    if (rt->order != 0) {
      if (rt->phase != ScanRuntime::Phase::kDone &&
          OrderedNext(rt, ss->ss_currentRelation, ss->ps.state->es_snapshot, slot)) {
        slot->tts_tableOid = RelationGetRelid(ss->ss_currentRelation);
        return slot;
      }
      return ExecClearTuple(slot);
    }
    if (NextHotRow(state)) return slot;
    while (rt->phase == ScanRuntime::Phase::kBlocks) {
      if (rt->next_selected < rt->selected_count) {
        StoreSelectedRow(rt, slot);
        slot->tts_tableOid = RelationGetRelid(ss->ss_currentRelation);
        return slot;
      }
      NextBlock(state);
    }
    return ExecClearTuple(slot);
  });
}

bool ScanRecheck(ScanState*, TupleTableSlot*) { return true; }

void BeginScan(CustomScanState* node, EState* estate, int eflags) {
  auto* state = reinterpret_cast<TsdbScanState*>(node);
  Guarded([&] {
    CustomScan* plan = reinterpret_cast<CustomScan*>(node->ss.ps.plan);
    Relation rel = node->ss.ss_currentRelation;
    TupleDesc desc = RelationGetDescr(rel);
    auto owned = std::make_unique<ScanRuntime>();
    ScanRuntime* rt = owned.get();
    PgCall([&] {
      auto* callback = static_cast<MemoryContextCallback*>(
          MemoryContextAllocZero(estate->es_query_cxt, sizeof(MemoryContextCallback)));
      callback->func = DeleteRuntime;
      callback->arg = rt;
      MemoryContextRegisterResetCallback(estate->es_query_cxt, callback);
    });
    owned.release();  // the callback owns it now
    state->runtime = rt;
    rt->wanted.assign(desc->natts, false);
    rt->filter_columns.assign(desc->natts, false);
    rt->missing_values.assign(desc->natts, 0);
    rt->missing_nulls.assign(desc->natts, true);
    List* wanted = static_cast<List*>(lsecond(plan->custom_private));
    ListCell* cell;
    foreach (cell, wanted) {
      const int attno = lfirst_int(cell);
      if (attno >= 1 && attno <= desc->natts) rt->wanted[attno - 1] = true;
    }
    rt->kinds = static_cast<List*>(linitial(plan->custom_private));
    rt->order = linitial_int(static_cast<List*>(lthird(plan->custom_private)));
    if (rt->order == kNewestBlocksFirst) {
      rt->order = 0;
      rt->newest_blocks_first = true;
    }
    PgCall([&] {
      // Columns added after a block was written read as their defaults.
      for (int a = 0; a < desc->natts; ++a) {
        bool isnull = true;
        rt->missing_values[a] = rt->wanted[a] ? getmissingattr(desc, a + 1, &isnull) : Datum(0);
        rt->missing_nulls[a] = isnull;
      }
      rt->layout = LoadTableLayout(rel);
      // An ordered scan reads the time column for its keys.
      if (rt->order != 0 && rt->layout.time_attnum != InvalidAttrNumber) {
        rt->wanted[rt->layout.time_attnum - 1] = true;
      }
      rt->storage_id = StorageIdOf(rel);
      rt->hot = table_open(HotRowsRelid(), AccessShareLock);
      rt->blocks = table_open(BlocksRelid(), AccessShareLock);
      if (RelationGetDescr(rt->blocks)->natts > ScanRuntime::kMaxBlocksAttributes) {
        elog(ERROR, "tsdb_internal.blocks has %d columns, expected at most %d",
             RelationGetDescr(rt->blocks)->natts, ScanRuntime::kMaxBlocksAttributes);
      }
      rt->hot_slot = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
      rt->scan_context =
          AllocSetContextCreate(CurrentMemoryContext, "tsdb custom scan", ALLOCSET_DEFAULT_SIZES);
      rt->block_context =
          AllocSetContextCreate(rt->scan_context, "tsdb custom scan block", ALLOCSET_DEFAULT_SIZES);
    });
    foreach (cell, plan->custom_exprs) {
      Expr* expr = static_cast<Expr*>(lfirst(cell));
      rt->value_states.push_back(PgCall([&] { return ExecInitExpr(expr, &node->ss.ps); }));
    }
    // Filter columns, from the plan's kinds (the values come at run time).
    for (int i = 0; i + 1 < list_length(rt->kinds); i += 2) {
      const auto kind = static_cast<ScanQualKind>(list_nth_int(rt->kinds, i));
      const int arg = list_nth_int(rt->kinds, i + 1);
      int attno = 0;
      if (kind == ScanQualKind::kTimeBound) attno = rt->layout.time_attnum;
      if (kind == ScanQualKind::kFloatFilter) attno = arg / 8;
      if (attno >= 1 && attno <= desc->natts) rt->filter_columns[attno - 1] = true;
    }
  });
}

void EndScan(CustomScanState* node) {
  auto* state = reinterpret_cast<TsdbScanState*>(node);
  ScanRuntime* rt = state->runtime;
  EndScans(rt);
  EndMaxTimeScan(&rt->latest_scan);
  rt->cursors.clear();  // their contexts go with scan_context
  rt->emitted.reset();
  ExecDropSingleTupleTableSlot(rt->hot_slot);
  table_close(rt->blocks, AccessShareLock);
  table_close(rt->hot, AccessShareLock);
  MemoryContextDelete(rt->scan_context);
}

void ReScan(CustomScanState* node) {
  auto* state = reinterpret_cast<TsdbScanState*>(node);
  RestartScan(state->runtime);
}

void ExplainScan(CustomScanState* node, List* ancestors, ExplainState* es) {
  auto* state = reinterpret_cast<TsdbScanState*>(node);
  CustomScan* plan = reinterpret_cast<CustomScan*>(node->ss.ps.plan);
  List* kinds = static_cast<List*>(linitial(plan->custom_private));
  int time_bounds = 0, key_values = 0, filters = 0;
  for (int i = 0; i + 1 < list_length(kinds); i += 2) {
    switch (static_cast<ScanQualKind>(list_nth_int(kinds, i))) {
      case ScanQualKind::kTimeBound: ++time_bounds; break;
      case ScanQualKind::kKeyEqual:
      case ScanQualKind::kKeyIn: ++key_values; break;
      case ScanQualKind::kFloatFilter: ++filters; break;
    }
  }
  ExplainPropertyInteger("Time Bounds", nullptr, time_bounds, es);
  ExplainPropertyInteger("Series Key Conditions", nullptr, key_values, es);
  ExplainPropertyInteger("Vectorized Filters", nullptr, filters + time_bounds, es);
  const int order = linitial_int(static_cast<List*>(lthird(plan->custom_private)));
  if (order == kNewestBlocksFirst) {
    ExplainPropertyText("Order", "blocks newest first", es);
  } else if (order != 0) {
    ExplainPropertyText("Order", order < 0 ? "time descending" : "time ascending", es);
  }
  if (es->analyze && state->runtime != nullptr) {
    const ScanRuntime* rt = state->runtime;
    ExplainPropertyInteger("Hot Rows", nullptr, rt->hot_rows, es);
    ExplainPropertyInteger("Blocks Read", nullptr, rt->blocks_read, es);
    ExplainPropertyInteger("Blocks Pruned", nullptr, rt->blocks_pruned, es);
    ExplainPropertyInteger("Rows Decoded", nullptr, rt->rows_decoded, es);
    ExplainPropertyInteger("Rows Filtered", nullptr, rt->rows_filtered, es);
    if (rt->order != 0) ExplainPropertyInteger("Stored Last Rows", nullptr, rt->last_rows_used, es);
  }
}

Size EstimateShared(CustomScanState*, ParallelContext*) { return sizeof(ParallelScanShared); }

void ResetShared(ParallelScanShared* shared) {
  pg_atomic_init_u64(&shared->next_block, 0);
  pg_atomic_init_flag(&shared->hot_claimed);
}

void InitializeShared(CustomScanState* node, ParallelContext*, void* coordinate) {
  auto* shared = static_cast<ParallelScanShared*>(coordinate);
  ResetShared(shared);
  reinterpret_cast<TsdbScanState*>(node)->runtime->shared = shared;
}

void ReInitializeShared(CustomScanState* node, ParallelContext*, void* coordinate) {
  ResetShared(static_cast<ParallelScanShared*>(coordinate));
}

void InitializeWorker(CustomScanState* node, shm_toc*, void* coordinate) {
  reinterpret_cast<TsdbScanState*>(node)->runtime->shared =
      static_cast<ParallelScanShared*>(coordinate);
}

TupleTableSlot* ExecTsdbScan(CustomScanState* node) {
  return ExecScan(&node->ss, ScanNext, ScanRecheck);
}

CustomExecMethods exec_methods;
CustomScanMethods scan_methods;
CustomPathMethods path_methods;

Node* CreateScanState(CustomScan* plan) {
  auto* state = static_cast<TsdbScanState*>(palloc0(sizeof(TsdbScanState)));
  NodeSetTag(state, T_CustomScanState);
  state->css.methods = &exec_methods;
  return reinterpret_cast<Node*>(state);
}

// ---------------------------------------------------------------------------
// Planning

// The attributes the plan reads, as an integer list (a whole-row reference
// reads them all).
List* WantedAttributes(Index relid, int natts, List* target, List* quals) {
  Bitmapset* attrs = nullptr;
  pull_varattnos(reinterpret_cast<Node*>(target), relid, &attrs);
  pull_varattnos(reinterpret_cast<Node*>(quals), relid, &attrs);
  const bool whole_row = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs);
  List* wanted = NIL;
  for (int attno = 1; attno <= natts; ++attno) {
    if (whole_row || bms_is_member(attno - FirstLowInvalidHeapAttributeNumber, attrs)) {
      wanted = lappend_int(wanted, attno);
    }
  }
  return wanted;
}

Plan* PlanScan(PlannerInfo* root, RelOptInfo* rel, CustomPath* best_path, List* tlist,
               List* clauses, List* custom_plans) {
  return Guarded([&]() -> Plan* {
    return PgCall([&]() -> Plan* {
      CustomScan* plan = makeNode(CustomScan);
      plan->scan.plan.targetlist = tlist;
      plan->scan.plan.qual = extract_actual_clauses(clauses, false);
      plan->scan.scanrelid = rel->relid;
      plan->flags = best_path->flags;
      plan->methods = &scan_methods;
      RangeTblEntry* rte = planner_rt_fetch(rel->relid, root);
      Relation table = table_open(rte->relid, NoLock);
      TableLayout layout = LoadTableLayout(table);
      List* values = NIL;
      List* kinds = NIL;
      ClassifyScanQuals(root, rel, table, layout, clauses, &values, &kinds);
      plan->custom_exprs = values;
      // Not `tlist`: with a projection above, it is empty here and the
      // projection's target list replaces it later; the path's target
      // holds every Var needed above the scan.
      plan->custom_private = list_make3(
          kinds,
          WantedAttributes(rel->relid, RelationGetDescr(table)->natts,
                           best_path->path.pathtarget->exprs, plan->scan.plan.qual),
          best_path->custom_private);  // the order: one integer
      table_close(table, NoLock);
      return &plan->scan.plan;
    });
  });
}

// Whether the query reads a system column other than tableoid (the scan's
// virtual rows have no xmin or ctid of their own).
bool NeedsSystemColumns(RelOptInfo* rel, Index rti) {
  Bitmapset* attrs = nullptr;
  pull_varattnos(reinterpret_cast<Node*>(rel->reltarget->exprs), rti, &attrs);
  ListCell* cell;
  foreach (cell, rel->baserestrictinfo) {
    pull_varattnos(reinterpret_cast<Node*>(lfirst_node(RestrictInfo, cell)->clause), rti, &attrs);
  }
  foreach (cell, rel->joininfo) {
    pull_varattnos(reinterpret_cast<Node*>(lfirst_node(RestrictInfo, cell)->clause), rti, &attrs);
  }
  int member = -1;
  while ((member = bms_next_member(attrs, member)) >= 0) {
    const int attno = member + FirstLowInvalidHeapAttributeNumber;
    if (attno < 0 && attno != TableOidAttributeNumber) return true;
  }
  return false;
}

// A TsdbScan path of rel with the given outer relations, unordered (order
// 0) or ordered by the time column as `pathkeys` say.
CustomPath* MakeScanPath(PlannerInfo* root, RelOptInfo* rel, Relation table,
                         const TableLayout& layout, Relids required_outer, int order = 0,
                         List* pathkeys = NIL) {
  CustomPath* path = makeNode(CustomPath);
  path->path.pathtype = T_CustomScan;
  path->path.parent = rel;
  path->path.pathtarget = rel->reltarget;
  path->path.param_info = get_baserel_parampathinfo(root, rel, required_outer);
  path->path.parallel_aware = false;
  path->path.parallel_safe = rel->consider_parallel;
  path->path.parallel_workers = 0;
  path->path.pathkeys = pathkeys;
  path->flags = CUSTOMPATH_SUPPORT_PROJECTION;
  path->methods = &path_methods;
  path->custom_private = list_make1_int(order);

  List* clauses = rel->baserestrictinfo;
  if (path->path.param_info != nullptr) {
    path->path.rows = path->path.param_info->ppi_rows;
    clauses = list_concat_copy(clauses, path->path.param_info->ppi_clauses);
  } else {
    path->path.rows = rel->rows;
  }
  // Rows decoded: the pruning clauses' share of the table. Decoding costs
  // per value read (measured: ~3 ns a float8 value, about a third of
  // cpu_tuple_cost's forming of a row), so per row by the columns the query
  // reads; each decoded row still meets the qual (the vectorized filters
  // are not costed apart), and each row returned is formed.
  const double decoded =
      clamp_row_est(rel->tuples * PruningSelectivity(root, rel, table, layout, clauses));
  Bitmapset* read = nullptr;
  pull_varattnos(reinterpret_cast<Node*>(rel->reltarget->exprs), rel->relid, &read);
  ListCell* cell;
  foreach (cell, clauses) {
    pull_varattnos(reinterpret_cast<Node*>(lfirst_node(RestrictInfo, cell)->clause), rel->relid,
                   &read);
  }
  const int columns_read = std::max(1, bms_num_members(read));
  QualCost quals;
  cost_qual_eval(&quals, clauses, root);
  path->path.startup_cost = quals.startup + rel->reltarget->cost.startup + 1.0;
  path->path.total_cost =
      path->path.startup_cost +
      decoded * (0.3 * cpu_tuple_cost * columns_read + quals.per_tuple) +
      path->path.rows * (cpu_tuple_cost + rel->reltarget->cost.per_tuple);
  return path;
}

// The workers for a parallel scan decoding `rows` rows: one from
// tsdb.parallel_min_rows on, one more for every tripling (as heap scans
// add one per tripling of pages).
int ParallelWorkersFor(double rows) {
  if (max_parallel_workers_per_gather <= 0 || rows < parallel_min_rows) return 0;
  int workers = 1;
  for (double threshold = 3.0 * std::max(parallel_min_rows, 1);
       rows >= threshold && workers < max_parallel_workers_per_gather; threshold *= 3) {
    ++workers;
  }
  return workers;
}

// A parallel-aware TsdbScan path: each participant decodes the blocks it
// claims. Rows and the per-row costs divide among the participants (the
// leader helps less the more workers there are, as costsize.c's
// get_parallel_divisor has it).
void AddPartialScanPath(PlannerInfo* root, RelOptInfo* rel, Relation table,
                        const TableLayout& layout) {
  if (!rel->consider_parallel || rel->lateral_relids != nullptr) return;
  const double decoded = clamp_row_est(
      rel->tuples * PruningSelectivity(root, rel, table, layout, rel->baserestrictinfo));
  const int workers = ParallelWorkersFor(decoded);
  if (workers == 0) return;
  CustomPath* path = MakeScanPath(root, rel, table, layout, nullptr);
  double divisor = workers;
  if (parallel_leader_participation) divisor += std::max(0.0, 1.0 - 0.3 * workers);
  path->path.parallel_aware = true;
  path->path.parallel_safe = true;
  path->path.parallel_workers = workers;
  path->path.rows = clamp_row_est(path->path.rows / divisor);
  path->path.total_cost =
      path->path.startup_cost + (path->path.total_cost - path->path.startup_cost) / divisor;
  add_partial_path(rel, &path->path);
}

struct KeyColumn {
  Index relid;
  AttrNumber attno;
};

// When the query wants rows ordered by the time column first (ORDER BY
// time DESC, or ASC, with PostgreSQL's default NULLS placement): that
// pathkey, and the order in *order (-1 descending, 1 ascending).
List* TimeOrderPathkeys(PlannerInfo* root, Index rti, Relation table, const TableLayout& layout,
                        int* order) {
  *order = 0;
  if (root->query_pathkeys == NIL || layout.time_attnum == InvalidAttrNumber) return NIL;
  PathKey* pathkey = linitial_node(PathKey, root->query_pathkeys);
  const Oid type = TupleDescAttr(RelationGetDescr(table), layout.time_attnum - 1)->atttypid;
  const Oid family = DefaultBtreeFamily(type);
  if (!OidIsValid(family) || pathkey->pk_opfamily != family) return NIL;
  bool found = false;
  ListCell* cell;
  foreach (cell, pathkey->pk_eclass->ec_members) {
    EquivalenceMember* member = static_cast<EquivalenceMember*>(lfirst(cell));
    Node* expr = reinterpret_cast<Node*>(member->em_expr);
    if (IsA(expr, Var)) {
      Var* var = reinterpret_cast<Var*>(expr);
      found |= var->varno == static_cast<int>(rti) && var->varattno == layout.time_attnum &&
               var->varlevelsup == 0;
    }
  }
  if (!found) return NIL;
  if (pathkey->pk_strategy == BTGreaterStrategyNumber && pathkey->pk_nulls_first) {
    *order = -1;
  } else if (pathkey->pk_strategy == BTLessStrategyNumber && !pathkey->pk_nulls_first) {
    *order = 1;
  } else {
    return NIL;
  }
  return list_make1(pathkey);
}

bool MatchesKeyColumn(PlannerInfo*, RelOptInfo*, EquivalenceClass*, EquivalenceMember* em,
                      void* arg) {
  const auto* key = static_cast<const KeyColumn*>(arg);
  Node* expr = reinterpret_cast<Node*>(em->em_expr);
  while (expr != nullptr && IsA(expr, RelabelType)) {
    expr = reinterpret_cast<Node*>(reinterpret_cast<RelabelType*>(expr)->arg);
  }
  if (expr == nullptr || !IsA(expr, Var)) return false;
  Var* var = reinterpret_cast<Var*>(expr);
  return var->varno == static_cast<int>(key->relid) && var->varattno == key->attno &&
         var->varlevelsup == 0;
}

void AddScanPaths(PlannerInfo* root, RelOptInfo* rel, Index rti, RangeTblEntry* rte) {
  if (!enable_custom_scan || rte->rtekind != RTE_RELATION || rte->relkind != RELKIND_RELATION ||
      rte->inh || rte->tablesample != nullptr ||
      (rel->reloptkind != RELOPT_BASEREL && rel->reloptkind != RELOPT_OTHER_MEMBER_REL)) {
    return;
  }
  if (root->parse->resultRelation == static_cast<int>(rti) ||
      get_plan_rowmark(root->rowMarks, rti) != nullptr) {
    return;
  }
  Relation table = table_open(rte->relid, NoLock);
  if (!IsTsdbRelation(table) || NeedsSystemColumns(rel, rti)) {
    table_close(table, NoLock);
    return;
  }
  TableLayout layout = LoadTableLayout(table);
  // The access method's sequential scan reads every row of the table; the
  // custom scan never reads more, so it replaces it (costs of the two
  // would be compared on a table size the planner cannot see: a tsdb
  // table is one page to it).
  rel->pathlist = NIL;
  add_path(rel, &MakeScanPath(root, rel, table, layout, rel->lateral_relids)->path);
  AddPartialScanPath(root, rel, table, layout);
  // Ordered by time: the newest (or oldest) rows without decoding the rest.
  // Blocks of different series overlap in time, so an ordered scan of many
  // series keeps many blocks decoded at once: offered under a LIMIT only.
  int order;
  List* pathkeys = TimeOrderPathkeys(root, rti, table, layout, &order);
  if (order != 0 && root->limit_tuples > 0 && root->limit_tuples <= 100000) {
    add_path(rel, &MakeScanPath(root, rel, table, layout, rel->lateral_relids, order, pathkeys)->path);
  }
  // Parameterized by each join partner of a series key column.
  for (int k = 0; k < layout.nkeys; ++k) {
    KeyColumn key{rti, layout.keys[k]};
    List* joins = generate_implied_equalities_for_column(root, rel, MatchesKeyColumn, &key,
                                                         rel->lateral_referencers);
    ListCell* cell;
    foreach (cell, joins) {
      RestrictInfo* rinfo = lfirst_node(RestrictInfo, cell);
      if (!join_clause_is_movable_to(rinfo, rel)) continue;
      Relids outer = bms_union(bms_difference(rinfo->clause_relids, rel->relids),
                               rel->lateral_relids);
      if (bms_is_empty(outer)) continue;
      add_path(rel, &MakeScanPath(root, rel, table, layout, outer)->path);
      // One series at a time: its blocks rarely overlap.
      if (order != 0) {
        add_path(rel, &MakeScanPath(root, rel, table, layout, outer, order, pathkeys)->path);
      }
    }
  }
  table_close(table, NoLock);
}

void SetRelPathlist(PlannerInfo* root, RelOptInfo* rel, Index rti, RangeTblEntry* rte) {
  if (previous_set_rel_pathlist != nullptr) previous_set_rel_pathlist(root, rel, rti, rte);
  Guarded([&] { PgCall([&] { AddScanPaths(root, rel, rti, rte); }); });
}

}  // namespace

bool IsTsdbScanPath(Path* path) {
  return IsA(path, CustomPath) &&
         reinterpret_cast<CustomPath*>(path)->methods == &path_methods;
}

CustomPath* TimeOrderedScanPath(CustomPath* scan_path, int order) {
  CustomPath* path = makeNode(CustomPath);
  memcpy(path, scan_path, sizeof(CustomPath));
  path->path.pathkeys = NIL;
  path->custom_private = list_make1_int(order);
  return path;
}

BlockBound NextBlockBound(CustomScanState* scan, int64* max_time) {
  auto* state = reinterpret_cast<TsdbScanState*>(scan);
  ScanRuntime* rt = state->runtime;
  EnsureBounds(state);
  PgCall([&] { AdvanceNewestBlocks(rt, scan->ss.ps.state->es_snapshot); });
  if (rt->next_other_block < rt->other_time_column_blocks.size()) return BlockBound::kUnbounded;
  if (rt->lookahead_tuple == nullptr) return BlockBound::kNone;
  *max_time = rt->lookahead_max_time;
  return BlockBound::kBounded;
}

TupleTableSlot* NextQualifiedRow(CustomScanState* scan) {
  ExprContext* econtext = scan->ss.ps.ps_ExprContext;
  ExprState* qual = scan->ss.ps.qual;
  for (;;) {
    TupleTableSlot* slot = ScanNext(&scan->ss);
    if (TupIsNull(slot)) return nullptr;
    ResetExprContext(econtext);
    econtext->ecxt_scantuple = slot;
    if (qual == nullptr || ExecQual(qual, econtext)) return slot;
    InstrCountFiltered1(scan, 1);
  }
}

TupleTableSlot* NextQualifiedHotRow(CustomScanState* scan) {
  auto* state = reinterpret_cast<TsdbScanState*>(scan);
  EnsureBounds(state);
  ExprContext* econtext = scan->ss.ps.ps_ExprContext;
  ExprState* qual = scan->ss.ps.qual;
  while (NextHotRow(state)) {
    ResetExprContext(econtext);
    econtext->ecxt_scantuple = scan->ss.ss_ScanTupleSlot;
    if (qual == nullptr || PgCall([&] { return ExecQual(qual, econtext); })) {
      return scan->ss.ss_ScanTupleSlot;
    }
  }
  return nullptr;
}

bool NextBlockRows(CustomScanState* scan, BlockRows* out) {
  auto* state = reinterpret_cast<TsdbScanState*>(scan);
  EnsureBounds(state);
  while (state->runtime->phase == ScanRuntime::Phase::kHot) NextHotRow(state);
  if (!NextBlock(state)) return false;
  ScanRuntime* rt = state->runtime;
  if (!rt->block_exact) {
    // Key conditions the series key could not answer: the qual decides
    // row by row.
    ExprContext* econtext = scan->ss.ps.ps_ExprContext;
    TupleTableSlot* slot = scan->ss.ss_ScanTupleSlot;
    int kept = 0;
    while (rt->next_selected < rt->selected_count) {
      const int row = rt->selected[rt->next_selected];
      StoreSelectedRow(rt, slot);
      ResetExprContext(econtext);
      econtext->ecxt_scantuple = slot;
      if (scan->ss.ps.qual == nullptr || ExecQual(scan->ss.ps.qual, econtext)) {
        rt->selected[kept++] = row;
      }
    }
    rt->selected_count = kept;
  }
  out->columns = &rt->columns;
  out->rows = rt->selected.data();
  out->count = rt->selected_count;
  out->tableoid = RelationGetRelid(scan->ss.ss_currentRelation);
  return true;
}

TupleTableSlot* BlockRowSlot(CustomScanState* scan, int row) {
  auto* state = reinterpret_cast<TsdbScanState*>(scan);
  ScanRuntime* rt = state->runtime;
  TupleTableSlot* slot = scan->ss.ss_ScanTupleSlot;
  // StoreSelectedRow reads the row from the selection.
  const int saved = rt->next_selected;
  const int saved_row = rt->selected.empty() ? 0 : rt->selected[0];
  rt->selected.resize(std::max<size_t>(rt->selected.size(), 1));
  rt->selected[0] = row;
  rt->next_selected = 0;
  StoreSelectedRow(rt, slot);
  rt->selected[0] = saved_row;
  rt->next_selected = saved;
  slot->tts_tableOid = RelationGetRelid(scan->ss.ss_currentRelation);
  return slot;
}

void InitCustomScan() {
  DefineCustomBoolVariable(
      "tsdb.enable_custom_scan",
      "Reads tsdb tables with the TsdbScan custom scan (block pruning, vectorized filters).",
      "Off: the access method's sequential scan reads every row (for comparison).",
      &enable_custom_scan, true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  path_methods.CustomName = kScanName;
  path_methods.PlanCustomPath = PlanScan;
  scan_methods.CustomName = kScanName;
  scan_methods.CreateCustomScanState = CreateScanState;
  exec_methods.CustomName = kScanName;
  exec_methods.BeginCustomScan = BeginScan;
  exec_methods.ExecCustomScan = ExecTsdbScan;
  exec_methods.EndCustomScan = EndScan;
  exec_methods.ReScanCustomScan = ReScan;
  exec_methods.ExplainCustomScan = ExplainScan;
  exec_methods.EstimateDSMCustomScan = EstimateShared;
  exec_methods.InitializeDSMCustomScan = InitializeShared;
  exec_methods.ReInitializeDSMCustomScan = ReInitializeShared;
  exec_methods.InitializeWorkerCustomScan = InitializeWorker;
  DefineCustomIntVariable(
      "tsdb.parallel_min_rows",
      "Rows a TsdbScan must expect to decode before the planner considers parallel workers.",
      "One worker from this many rows on, one more for every tripling, up to "
      "max_parallel_workers_per_gather.",
      &parallel_min_rows, 500000, 0, INT_MAX, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  RegisterCustomScanMethods(&scan_methods);
  previous_set_rel_pathlist = set_rel_pathlist_hook;
  set_rel_pathlist_hook = SetRelPathlist;
}

}  // namespace tsdb::pg
