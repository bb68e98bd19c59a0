// Reads the samples of series of tsdb.prom_samples straight from its
// compressed blocks and hot rows, decoding only the time and value
// columns: the PromQL engine's fast path (SQL through SPI forms a tuple per
// sample; this decodes a block's 2000 samples into two arrays).
//
// It reads under the active snapshot, as a scan of the table would (blocks
// and hot rows are both MVCC tables), and skips rows deleted from blocks.
// It is used only when the caller could read every row of the table with
// SQL: SELECT privilege on it and no row-level security applying to the
// caller (Open() returns null otherwise, and the SPI path applies them).
#ifndef TSDB_PG_PROM_SAMPLES_READER_H_
#define TSDB_PG_PROM_SAMPLES_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "tsdb/decoded_block_cache.h"
#include "tsdb/promql/value.h"

struct HeapTupleData;  // Postgres's (access/htup.h)

namespace tsdb::pg {

class PromSamplesReader {
 public:
  // Null when the fast path may not or cannot be used (privileges,
  // row-level security, a layout other than the one the extension sets).
  // Decoded blocks are kept in the backend's cache up to `cache_bytes`
  // (0: none kept).
  static std::unique_ptr<PromSamplesReader> Open(size_t cache_bytes);
  ~PromSamplesReader();
  PromSamplesReader(const PromSamplesReader&) = delete;
  PromSamplesReader& operator=(const PromSamplesReader&) = delete;

  // Reading series one at a time (times in [min_ms, max_ms]): the samples
  // of all `ids` in the hot store (one scan; usually few), then the samples
  // in blocks of one series. Neither sorts; Merge() puts a series' samples
  // in time order, one per timestamp.
  void ReadHot(const std::vector<int64_t>& ids, int64_t min_ms, int64_t max_ms,
               std::vector<std::vector<promql::Sample>>* out);
  void ReadBlocks(int64_t id, int64_t min_ms, int64_t max_ms, std::vector<promql::Sample>* out,
                  bool* unordered);
  // The newest sample of series `id` in blocks with times in [min_ms,
  // max_ms], read from the stored last row of its newest block when that
  // tells it without decoding: that block ends at or before max_ms, no other
  // ends at the same time, and its last row is stored and not deleted. True
  // with *out set (empty: no block in range); false when the blocks must be
  // decoded (ReadBlocks).
  bool ReadNewest(int64_t id, int64_t min_ms, int64_t max_ms, std::optional<promql::Sample>* out);
  // Adds `hot` to `samples`, then puts them in time order with one sample
  // per timestamp (promql::SortSamplesOnePerTime).
  static void Merge(const std::vector<promql::Sample>& hot, bool unordered,
                    std::vector<promql::Sample>* samples);

  // The open relations and state (prom_samples_reader.cc).
  struct Handles;

 private:
  PromSamplesReader(Handles* handles, size_t cache_bytes)
      : h_(handles), cache_bytes_(cache_bytes) {}
  // A block tuple's samples: from the cache, or decoded (and cached).
  std::shared_ptr<const DecodedSamples> Decode(HeapTupleData* block);
  Handles* h_;  // palloc'd in the caller's context
  size_t cache_bytes_;
  int uncaught_at_open_ = 0;
};

}  // namespace tsdb::pg

#endif  // TSDB_PG_PROM_SAMPLES_READER_H_
