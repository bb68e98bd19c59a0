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

// Decoder side. Init() validates the lengths: each <= kMaxHuffmanCodeLength,
// at least one used, and the code is not oversubscribed (Kraft sum <= 1).
// An incomplete code is allowed; its unused bit patterns decode as errors.
class HuffmanDecoder {
 public:
  Status Init(const std::vector<uint8_t>& lengths);

  // Decodes one symbol. Returns false on an unused bit pattern. The caller
  // checks reader->bits_left() for running past the end.
  bool Decode(BitReader* in, uint32_t* symbol) const {
    if (in->avail() < table_bits_) in->Refill();
    Entry e = table_[in->Peek(table_bits_)];
    if (e.length == 0) return false;
    *symbol = e.symbol;
    if (e.length <= in->avail()) {
      in->Consume(e.length);
    } else {
      in->Read(e.length);  // past the end: records the overrun
    }
    return true;
  }
  int table_bits() const { return table_bits_; }

 private:
  struct Entry {
    uint16_t symbol;
    uint8_t length;  // 0: invalid pattern
  };
  int table_bits_ = 0;
  std::vector<Entry> table_;
};

}  // namespace tsdb

#endif  // TSDB_CORE_CODEC_HUFFMAN_H_
