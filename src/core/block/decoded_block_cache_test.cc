#include "tsdb/decoded_block_cache.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace tsdb {
namespace {

DecodedSamples Samples(size_t n, double v) {
  DecodedSamples s;
  s.times.assign(n, 1);
  s.values.assign(n, v);
  return s;
}

TEST(DecodedBlockCacheTest, HitsMissesAndVersions) {
  DecodedBlockCache cache;
  cache.SetCapacity(1 << 20);
  EXPECT_EQ(cache.Get({1, 2, 3}), nullptr);
  cache.Put({1, 2, 3}, Samples(10, 7));
  auto hit = cache.Get({1, 2, 3});
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->values[0], 7);
  // Another version of the same block, another table: misses.
  EXPECT_EQ(cache.Get({1, 2, 4}), nullptr);
  EXPECT_EQ(cache.Get({1, 2, 3, 1}), nullptr);
  EXPECT_EQ(cache.Get({9, 2, 3}), nullptr);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 4u);
  // Replacing an entry keeps one.
  cache.Put({1, 2, 3}, Samples(10, 8));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Get({1, 2, 3})->values[0], 8);
}

TEST(DecodedBlockCacheTest, EvictsLeastRecentlyUsedWithinTheBudget) {
  DecodedBlockCache cache;
  const size_t one = Samples(1000, 0).Bytes();
  cache.SetCapacity(3 * one);
  for (int64_t b = 0; b < 3; ++b) cache.Put({1, b, 0}, Samples(1000, static_cast<double>(b)));
  EXPECT_EQ(cache.size(), 3u);
  ASSERT_NE(cache.Get({1, 0, 0}), nullptr);  // 0 is now the most recent
  cache.Put({1, 3, 0}, Samples(1000, 3));     // evicts 1, the least recent
  EXPECT_EQ(cache.Get({1, 1, 0}), nullptr);
  EXPECT_NE(cache.Get({1, 0, 0}), nullptr);
  EXPECT_NE(cache.Get({1, 2, 0}), nullptr);
  EXPECT_NE(cache.Get({1, 3, 0}), nullptr);
  EXPECT_LE(cache.bytes(), 3 * one);
  // A block larger than the budget is handed back, not kept.
  auto big = cache.Put({1, 9, 0}, Samples(10000, 1));
  EXPECT_EQ(big->values.size(), 10000u);
  EXPECT_EQ(cache.Get({1, 9, 0}), nullptr);
  // A smaller budget evicts; 0 keeps nothing.
  cache.SetCapacity(one);
  EXPECT_EQ(cache.size(), 1u);
  cache.SetCapacity(0);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  cache.Put({1, 0, 0}, Samples(1, 0));
  EXPECT_EQ(cache.size(), 0u);
}

// A block handed out stays valid after it is evicted.
TEST(DecodedBlockCacheTest, HandedOutBlocksOutliveEviction) {
  DecodedBlockCache cache;
  cache.SetCapacity(Samples(100, 0).Bytes());
  auto held = cache.Put({1, 1, 0}, Samples(100, 5));
  cache.Put({1, 2, 0}, Samples(100, 6));
  EXPECT_EQ(cache.Get({1, 1, 0}), nullptr);
  EXPECT_EQ(held->values[99], 5);
}

// Random use never exceeds the budget, and the byte count matches.
TEST(DecodedBlockCacheTest, RandomUseKeepsTheAccounting) {
  DecodedBlockCache cache;
  std::mt19937_64 rng(1);
  size_t capacity = 200000;
  cache.SetCapacity(capacity);
  for (int i = 0; i < 20000; ++i) {
    const DecodedBlockKey key{1, static_cast<int64_t>(rng() % 200), rng() % 3};
    if (rng() % 3 == 0) {
      cache.Put(key, Samples(rng() % 5000, 1));
    } else {
      cache.Get(key);
    }
    if (i % 5000 == 0) {
      capacity = 50000 + rng() % 300000;
      cache.SetCapacity(capacity);
    }
    ASSERT_LE(cache.bytes(), capacity);
  }
}

}  // namespace
}  // namespace tsdb
