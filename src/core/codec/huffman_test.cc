#include "codec/huffman.h"

#include "tsdb/column_chunk.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tsdb {
namespace {

// The canonical code as block_format.h defines it, the slow way: by length,
// then symbol, counting up and shifting left at each new length; then the
// code's bits reversed for the LSB-first stream. The on-disk format depends
// on this assignment, so the fast one must give exactly these codes.
std::vector<uint32_t> ReferenceCodes(const std::vector<uint8_t>& lengths) {
  std::vector<uint32_t> codes(lengths.size(), 0);
  int max_len = 0;
  for (uint8_t len : lengths) max_len = std::max<int>(max_len, len);
  uint32_t code = 0;
  for (int len = 1; len <= max_len; ++len) {
    for (size_t s = 0; s < lengths.size(); ++s) {
      if (lengths[s] != len) continue;
      uint32_t reversed = 0;
      for (int b = 0; b < len; ++b) reversed |= ((code >> b) & 1u) << (len - 1 - b);
      codes[s] = reversed;
      ++code;
    }
    code <<= 1;
  }
  return codes;
}

TEST(HuffmanTest, CanonicalCodesOfASmallCode) {
  // Canonical: symbol 1 = 0, symbol 0 = 10, symbols 2 and 3 = 110 and 111;
  // reversed for the LSB-first stream: 0, 01, 011, 111.
  const HuffmanEncoder encoder({2, 1, 3, 3, 0});
  EXPECT_EQ(encoder.code(0), 0b01u);
  EXPECT_EQ(encoder.code(1), 0b0u);
  EXPECT_EQ(encoder.code(2), 0b011u);
  EXPECT_EQ(encoder.code(3), 0b111u);
}

TEST(HuffmanTest, CanonicalCodesMatchTheReferenceOnRandomCodes) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 2000; ++round) {
    const size_t symbols = 2 + rng() % (kMaxHuffmanSymbols - 1);
    std::vector<uint64_t> freqs(symbols);
    for (uint64_t& f : freqs) f = rng() % 3 == 0 ? 0 : 1 + rng() % (1 + rng() % 100000);
    freqs[rng() % symbols] = 1 + rng() % 10;  // at least one used symbol
    const std::vector<uint8_t> lengths = HuffmanCodeLengths(freqs, kMaxHuffmanCodeLength);
    const std::vector<uint32_t> want = ReferenceCodes(lengths);
    const HuffmanEncoder encoder(lengths);
    for (size_t s = 0; s < symbols; ++s) {
      if (lengths[s] == 0) continue;
      ASSERT_EQ(encoder.code(static_cast<uint32_t>(s)), want[s])
          << "round " << round << " symbol " << s << " length " << int{lengths[s]};
    }
    // The decoder maps each code back to its symbol: from the table, or
    // bit by bit for codes longer than it.
    HuffmanDecoder decoder;
    ASSERT_TRUE(decoder.Init(lengths, kMaxHuffmanSymbols).ok());
    for (size_t s = 0; s < symbols; ++s) {
      if (lengths[s] == 0) continue;
      const uint64_t bits = want[s];  // the code, then zeros
      const HuffmanDecoder::Entry& e = decoder.table()[bits & ((1u << decoder.table_bits()) - 1)];
      uint32_t symbol = e.first_symbol;
      int length = e.first_length;
      if (lengths[s] > HuffmanDecoder::kPrimaryTableBits) {
        ASSERT_TRUE(e.IsLong()) << "symbol " << s;
        ASSERT_TRUE(decoder.DecodeLong(bits, &symbol, &length));
      }
      ASSERT_EQ(symbol, s);
      ASSERT_EQ(length, lengths[s]);
    }
  }
}

// Skewed values give codes longer than the decoder's table: they decode
// through the slow path, anywhere in the stream and at its end.
TEST(HuffmanTest, LongCodesRoundTripThroughChunks) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 200; ++round) {
    const size_t n = 1 + rng() % 5000;
    std::vector<int64_t> values(n);
    int64_t acc = 0;
    for (int64_t& v : values) {
      // Geometric steps: a few common ones, many rare ones (long codes).
      int step = 0;
      while (step < 120 && rng() % 4 != 0) ++step;
      acc += rng() % 2 ? step : -step;
      v = acc;
    }
    Result<std::string> chunk = EncodeInt64Chunk(values);
    ASSERT_TRUE(chunk.ok());
    Result<Int64Column> back = DecodeInt64Chunk(*chunk);
    ASSERT_TRUE(back.ok()) << back.status().message();
    ASSERT_EQ(back->values, values) << "round " << round;
  }
}

TEST(HuffmanTest, DecoderRejectsBadLengths) {
  HuffmanDecoder decoder;
  EXPECT_FALSE(decoder.Init({0, 0}, 2).ok());                  // nothing used
  EXPECT_FALSE(decoder.Init({1, 1, 1}, 3).ok());               // oversubscribed
  EXPECT_FALSE(decoder.Init({13, 1}, 2).ok());                 // too long
  EXPECT_TRUE(decoder.Init({1, 2}, 2).ok());                   // incomplete is allowed
}

}  // namespace
}  // namespace tsdb
