#include "tsdb/decoded_block_cache.h"

#include <utility>

namespace tsdb {

std::shared_ptr<const DecodedSamples> DecodedBlockCache::Get(const DecodedBlockKey& key) {
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->samples;
}

std::shared_ptr<const DecodedSamples> DecodedBlockCache::Put(const DecodedBlockKey& key,
                                                             DecodedSamples samples) {
  const size_t bytes = samples.Bytes();
  auto stored = std::make_shared<const DecodedSamples>(std::move(samples));
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->bytes;
    lru_.erase(it->second);
    index_.erase(it);
  }
  if (bytes > capacity_) return stored;  // handed back, not kept
  EvictTo(capacity_ - bytes);
  lru_.push_front(Entry{key, stored, bytes});
  index_.emplace(key, lru_.begin());
  bytes_ += bytes;
  return stored;
}

void DecodedBlockCache::SetCapacity(size_t capacity_bytes) {
  capacity_ = capacity_bytes;
  EvictTo(capacity_);
}

void DecodedBlockCache::EvictTo(size_t budget) {
  while (bytes_ > budget && !lru_.empty()) {
    const Entry& last = lru_.back();
    bytes_ -= last.bytes;
    index_.erase(last.key);
    lru_.pop_back();
  }
}

}  // namespace tsdb
