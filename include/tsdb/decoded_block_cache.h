// A bounded least-recently-used cache of decoded blocks of (time, value)
// samples: the per-backend "L1" cache of docs/promql.md. Dashboards run the
// same queries over the same recent blocks again and again; decoding is
// most of what such a query costs, so a block decoded once is kept, up to a
// memory budget.
//
// Keys name one immutable version of a block: its table, its block id, and
// the version of the row that stores it (whatever the caller uses to tell
// versions apart, e.g. the block row's transaction id and position). A new
// version (an UPDATE of the block row, a rewrite) has a new key, so entries
// never go stale; they only age out.
//
// Not thread-safe: one per backend.
#ifndef TSDB_DECODED_BLOCK_CACHE_H_
#define TSDB_DECODED_BLOCK_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

namespace tsdb {

struct DecodedBlockKey {
  int64_t table = 0;
  int64_t block_id = 0;
  // The version of the block row: e.g. the transaction that wrote it and
  // where it lies (two versions one transaction writes lie apart).
  uint64_t version = 0;
  uint64_t position = 0;

  bool operator==(const DecodedBlockKey& o) const {
    return table == o.table && block_id == o.block_id && version == o.version &&
           position == o.position;
  }
  template <typename H>
  friend H AbslHashValue(H h, const DecodedBlockKey& k) {
    return H::combine(std::move(h), k.table, k.block_id, k.version, k.position);
  }
};

// A block's rows, decoded: one time (in the table's unit) and value per
// row, and whether the row is NULL in either (empty: none is).
struct DecodedSamples {
  std::vector<int64_t> times;
  std::vector<double> values;
  std::vector<uint8_t> null;
  // No row is NULL and the times increase (strictly, in the reader's unit):
  // the rows in a time range are one run, found by binary search.
  bool sorted = false;
  size_t Bytes() const {
    return times.capacity() * sizeof(int64_t) + values.capacity() * sizeof(double) +
           null.capacity() + sizeof(DecodedSamples);
  }
};

class DecodedBlockCache {
 public:
  // The cached block, or null. A hit becomes the most recently used.
  std::shared_ptr<const DecodedSamples> Get(const DecodedBlockKey& key);
  // Adds (or replaces) a block and evicts the least recently used blocks
  // until the cache fits `capacity_bytes` (a block larger than that is not
  // kept). Returns the block as stored.
  std::shared_ptr<const DecodedSamples> Put(const DecodedBlockKey& key, DecodedSamples samples);
  // A new budget; 0 empties the cache and keeps nothing.
  void SetCapacity(size_t capacity_bytes);

  size_t bytes() const { return bytes_; }
  size_t size() const { return index_.size(); }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    DecodedBlockKey key;
    std::shared_ptr<const DecodedSamples> samples;
    size_t bytes;
  };
  void EvictTo(size_t budget);

  size_t capacity_ = 0;
  size_t bytes_ = 0;
  uint64_t hits_ = 0, misses_ = 0;
  std::list<Entry> lru_;  // most recently used first
  absl::flat_hash_map<DecodedBlockKey, std::list<Entry>::iterator> index_;
};

}  // namespace tsdb

#endif  // TSDB_DECODED_BLOCK_CACHE_H_
