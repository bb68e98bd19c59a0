#include "tsdb/column_chunk.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace tsdb {
namespace {

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, 8);
  return b;
}

ChunkInfo Info(const std::string& chunk) {
  auto info = InspectChunk(chunk);
  EXPECT_TRUE(info.ok()) << info.status();
  return *info;
}

void ExpectFloatRoundTrip(const std::vector<double>& values, const NullFlags& nulls = {}) {
  auto chunk = EncodeFloat64Chunk(values, nulls);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  auto col = DecodeFloat64Chunk(*chunk);
  ASSERT_TRUE(col.ok()) << col.status();
  ASSERT_EQ(col->values.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    bool null = !nulls.empty() && nulls[i];
    ASSERT_EQ(col->IsNull(i), null) << i;
    if (!null) {
      ASSERT_EQ(Bits(col->values[i]), Bits(values[i])) << "row " << i;
    }
  }
}

TEST(Float64Chunk, IntegerValuedSeriesUseDecimalHuffman) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> step(0, 1);
  std::vector<double> values;
  double state = 50;
  for (int i = 0; i < 1000; ++i) {
    state = std::clamp(state + step(rng), 0.0, 100.0);
    values.push_back(std::floor(state));
  }
  ExpectFloatRoundTrip(values);
  auto chunk = EncodeFloat64Chunk(values);
  ChunkInfo info = Info(*chunk);
  EXPECT_EQ(info.codec, Codec::kFloatDecimal);
  EXPECT_LT(info.bytes * 8.0 / 1000, 2.6) << info.detail;
}

TEST(Float64Chunk, TwoDecimalGaugeUsesScaleTwo) {
  std::vector<double> values;
  for (int i = 0; i < 500; ++i) values.push_back(static_cast<double>(2000 + (i * 37) % 101) / 100);
  ExpectFloatRoundTrip(values);
  ChunkInfo info = Info(*EncodeFloat64Chunk(values));
  EXPECT_EQ(info.codec, Codec::kFloatDecimal);
  EXPECT_NE(info.detail.find("scale=2"), std::string::npos) << info.detail;
}

TEST(Float64Chunk, SpecialValuesRoundTripBitExact) {
  std::vector<double> values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  uint64_t stale = 0x7ff0000000000002ULL;
  double stale_nan;
  std::memcpy(&stale_nan, &stale, 8);
  values[3] = stale_nan;
  values[7] = -0.0;
  values[9] = std::numeric_limits<double>::infinity();
  ExpectFloatRoundTrip(values);
  ExpectFloatRoundTrip({-0.0});
  ExpectFloatRoundTrip({stale_nan, stale_nan});
  ExpectFloatRoundTrip({std::numeric_limits<double>::denorm_min(), 1e-310, -1e-320});
  ExpectFloatRoundTrip({});
}

TEST(Float64Chunk, RandomDoublesRoundTrip) {
  std::mt19937_64 rng(7);
  std::vector<double> values;
  for (int i = 0; i < 1000; ++i) {
    uint64_t b = rng();
    double v;
    std::memcpy(&v, &b, 8);
    values.push_back(v);
  }
  ExpectFloatRoundTrip(values);
  std::uniform_real_distribution<double> u(0, 1);
  values.clear();
  for (int i = 0; i < 1000; ++i) values.push_back(u(rng));
  ExpectFloatRoundTrip(values);
}

TEST(Float64Chunk, NullsAnywhere) {
  std::vector<double> values = {1.5, 2.5, 3.5, 4.5, 5.5};
  ExpectFloatRoundTrip(values, {1, 0, 0, 0, 1});
  ExpectFloatRoundTrip(values, {1, 1, 1, 1, 1});
  ExpectFloatRoundTrip(values, {0, 0, 1, 0, 0});
}

TEST(Int64Chunk, RegularTimestampsCostOnlyTheHeader) {
  std::vector<int64_t> ts;
  for (int i = 0; i < 1000; ++i) ts.push_back(504921600000000LL + i * 10000000LL);
  auto chunk = EncodeInt64Chunk(ts, {}, ColumnType::kTimestamp);
  ASSERT_TRUE(chunk.ok());
  EXPECT_LE(chunk->size() * 8.0 / 1000, 0.2);
  auto col = DecodeInt64Chunk(*chunk);
  ASSERT_TRUE(col.ok()) << col.status();
  EXPECT_EQ(col->values, ts);
}

TEST(Int64Chunk, ExtremesRoundTrip) {
  const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> values = {lo, hi, lo, 0, hi, -1, 1, lo, lo, hi};
  for (ColumnType type : {ColumnType::kInt64, ColumnType::kTimestamp}) {
    auto chunk = EncodeInt64Chunk(values, {}, type);
    ASSERT_TRUE(chunk.ok());
    auto col = DecodeInt64Chunk(*chunk);
    ASSERT_TRUE(col.ok()) << col.status();
    EXPECT_EQ(col->values, values);
  }
}

TEST(TextChunk, DictionaryRoundTrip) {
  std::vector<std::string> owned;
  for (int i = 0; i < 1000; ++i) owned.push_back("host_" + std::to_string(i % 7));
  owned[5] = std::string("a\0b", 3);
  owned[6] = "";
  std::vector<std::string_view> views(owned.begin(), owned.end());
  NullFlags nulls(owned.size(), 0);
  nulls[10] = 1;
  auto chunk = EncodeTextChunk(views, nulls);
  ASSERT_TRUE(chunk.ok());
  auto col = DecodeTextChunk(*chunk);
  ASSERT_TRUE(col.ok()) << col.status();
  for (size_t i = 0; i < owned.size(); ++i) {
    ASSERT_EQ(col->IsNull(i), i == 10);
    if (i != 10) {
      ASSERT_EQ(col->Value(i), owned[i]);
    }
  }
}

TEST(Chunk, WrongTypeIsInvalidArgument) {
  auto chunk = EncodeFloat64Chunk(std::vector<double>{1, 2});
  auto col = DecodeInt64Chunk(*chunk);
  EXPECT_EQ(col.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Chunk, FlippedByteIsCorruption) {
  auto chunk = EncodeFloat64Chunk(std::vector<double>{1, 2, 3.25});
  std::string bad = *chunk;
  bad[5] ^= 0x10;
  auto col = DecodeFloat64Chunk(bad);
  EXPECT_EQ(col.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tsdb
