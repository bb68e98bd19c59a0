// Canonical Huffman coding of small-alphabet symbol streams, length-limited
// to kMaxHuffmanCodeLength bits so decoding is one table lookup per symbol.
//
// Why hand-written: the deltas of integer-valued series (TSBS cpu values)
// have ~2.1 bits of order-0 entropy. zstd spends ~3 bits/value on them (its
// Huffman stage is not reachable through the public API and its framing costs
// ~0.8 bits/value on 1000-value chunks); a per-chunk Huffman code with a
// 4-bit-per-symbol table costs ~2.3 (../shared/bench/TSBS.md and
// bench/codec_bench.cc measure it).
#ifndef TSDB_CORE_CODEC_HUFFMAN_H_
#define TSDB_CORE_CODEC_HUFFMAN_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tsdb/block_format.h"
#include "tsdb/status.h"
#include "util/bit_stream.h"

namespace tsdb {

// Code lengths (0 = symbol unused) for the given symbol frequencies, limited
// to max_length. REQUIRES: at least one nonzero frequency; freqs.size() <=
// kMaxHuffmanSymbols. A single used symbol gets length 1.
std::vector<uint8_t> HuffmanCodeLengths(const std::vector<uint64_t>& freqs, int max_length);

// Encoder side: canonical codes, bit-reversed for the LSB-first stream.
class HuffmanEncoder {
 public:
  explicit HuffmanEncoder(const std::vector<uint8_t>& lengths);
  void Put(BitWriter* out, uint32_t symbol) const { out->Write(codes_[symbol], lengths_[symbol]); }
  int length(uint32_t symbol) const { return lengths_[symbol]; }
  uint32_t code(uint32_t symbol) const { return codes_[symbol]; }

 private:
  std::vector<uint8_t> lengths_;
  std::vector<uint32_t> codes_;
};

// Decoder side: a lookup table indexed by the next table_bits() bits of the
// LSB-first stream. Each entry decodes one symbol, or two when both codes fit
// in table_bits() and neither is the escape symbol. Codes longer than the
// table (at most kPrimaryTableBits wide) have entries marked IsLong() and
// decode with DecodeLong(), bit by bit: they are the rare symbols, and a
// table covering them would cost more to build than the chunk's decoding
// (it is rebuilt for every chunk). Init() validates the lengths: each <=
// kMaxHuffmanCodeLength, at least one used, and the code is not
// oversubscribed (Kraft sum <= 1). An incomplete code is allowed; its
// unused bit patterns have first_length 0 (and are not long) and are errors
// when met.
class HuffmanDecoder {
 public:
  struct Entry {
    uint16_t first_symbol;
    uint16_t second_symbol;  // valid when length > first_length
    uint8_t first_length;    // 0: invalid bit pattern, or the start of a long code
    uint8_t length;          // bits of both codes (== first_length: one code)
    bool IsLong() const { return first_length == 0 && length == kLongMark; }
  };
  static constexpr uint8_t kLongMark = 0xff;
  // Codes up to this long decode from the table (512 entries).
  static constexpr int kPrimaryTableBits = 9;
  // Pairs of short codes decode from tables up to this wide.
  static constexpr int kPairTableBits = 7;

  // `escape` (the symbol that stands for an overflow value) never pairs.
  Status Init(const std::vector<uint8_t>& lengths, uint32_t escape);
  int table_bits() const { return table_bits_; }
  const Entry* table() const { return table_.data(); }

  // The code at the low bits of `bits` (which must hold at least
  // kMaxHuffmanCodeLength valid bits): its symbol and length, or false when
  // those bits start no code.
  bool DecodeLong(uint64_t bits, uint32_t* symbol, int* length) const {
    uint32_t code = 0;
    for (int len = 1; len <= max_length_; ++len) {
      code = (code << 1) | static_cast<uint32_t>((bits >> (len - 1)) & 1);
      const uint32_t d = code - first_code_[len];  // wraps below the first
      if (d < count_[len]) {
        *symbol = sorted_[offset_[len] + d];
        *length = len;
        return true;
      }
    }
    return false;
  }

 private:
  int table_bits_ = 0;
  int max_length_ = 0;
  // Canonical code per length: the first code (not reversed), how many
  // codes, and where their symbols start in sorted_ (by length, then symbol).
  uint32_t first_code_[kMaxHuffmanCodeLength + 1];
  uint32_t count_[kMaxHuffmanCodeLength + 1];
  uint32_t offset_[kMaxHuffmanCodeLength + 1];
  uint16_t sorted_[kMaxHuffmanSymbols];
  // Sized for the widest table; only the first 2^table_bits_ entries are
  // used. A member array, not a vector: no allocation per chunk.
  std::array<Entry, size_t{1} << kPrimaryTableBits> table_;
};

}  // namespace tsdb

#endif  // TSDB_CORE_CODEC_HUFFMAN_H_
