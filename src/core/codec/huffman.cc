#include "codec/huffman.h"

#include <algorithm>
#include <array>
#include <utility>

namespace tsdb {
namespace {

// Plain Huffman lengths by repeatedly merging the two lightest nodes, with
// the two-queue method: leaves sorted by weight, and merged nodes, which are
// made in non-decreasing weight order, so the two lightest are always at
// the queues' fronts (no heap; this runs once per encoded chunk).
std::vector<uint8_t> UnlimitedLengths(const std::vector<uint64_t>& freqs) {
  const size_t n = freqs.size();
  std::vector<uint8_t> lengths(n, 0);
  std::vector<std::pair<uint64_t, uint32_t>> leaves;  // weight, symbol
  for (size_t i = 0; i < n; ++i) {
    if (freqs[i] > 0) leaves.emplace_back(freqs[i], static_cast<uint32_t>(i));
  }
  if (leaves.size() == 1) {
    lengths[leaves[0].second] = 1;
    return lengths;
  }
  if (leaves.empty()) return lengths;
  std::sort(leaves.begin(), leaves.end());
  const size_t count = leaves.size();
  // Nodes 0..count-1 are the leaves in sorted order; count.. the merged ones.
  std::vector<uint64_t> merged_weight;
  std::vector<uint32_t> parent(2 * count - 1, 0);
  merged_weight.reserve(count - 1);
  size_t next_leaf = 0, next_merged = 0;
  const auto take_lightest = [&]() -> uint32_t {
    if (next_leaf < count &&
        (next_merged >= merged_weight.size() || leaves[next_leaf].first <= merged_weight[next_merged])) {
      return static_cast<uint32_t>(next_leaf++);
    }
    return static_cast<uint32_t>(count + next_merged++);
  };
  const auto weight = [&](uint32_t node) {
    return node < count ? leaves[node].first : merged_weight[node - count];
  };
  for (size_t m = 0; m + 1 < count; ++m) {
    const uint32_t a = take_lightest();
    const uint32_t b = take_lightest();
    const uint32_t id = static_cast<uint32_t>(count + merged_weight.size());
    merged_weight.push_back(weight(a) + weight(b));
    parent[a] = id;
    parent[b] = id;
  }
  // Depths from the root (the last merged node) down: parents come later.
  std::vector<uint32_t> depth(2 * count - 1, 0);
  for (size_t node = 2 * count - 2; node-- > 0;) depth[node] = depth[parent[node]] + 1;
  for (size_t i = 0; i < count; ++i) {
    lengths[leaves[i].second] = static_cast<uint8_t>(std::min<uint32_t>(depth[i], 255));
  }
  return lengths;
}

}  // namespace

std::vector<uint8_t> HuffmanCodeLengths(const std::vector<uint64_t>& freqs, int max_length) {
  // Halving the frequencies (keeping used symbols at >= 1) flattens the tree
  // until it fits; with <= 256 symbols and 12 bits this takes a few rounds
  // and costs a fraction of a percent in size against optimal limiting.
  std::vector<uint64_t> scaled = freqs;
  for (;;) {
    std::vector<uint8_t> lengths = UnlimitedLengths(scaled);
    if (*std::max_element(lengths.begin(), lengths.end()) <= max_length) return lengths;
    for (uint64_t& f : scaled) {
      if (f > 0) f = std::max<uint64_t>(1, f / 2);
    }
  }
}

namespace {

// `code`'s low `len` bits in reverse order.
uint32_t ReverseBits(uint32_t code, int len) {
  // Reverse 16 bits with a byte table, then drop the bits above len.
  static const auto kByte = [] {
    std::array<uint8_t, 256> t{};
    for (int i = 0; i < 256; ++i) {
      for (int b = 0; b < 8; ++b) t[i] = static_cast<uint8_t>(t[i] | (((i >> b) & 1) << (7 - b)));
    }
    return t;
  }();
  const uint32_t r16 = (uint32_t{kByte[code & 0xff]} << 8) | kByte[(code >> 8) & 0xff];
  return r16 >> (16 - len);
}

// The canonical code of each symbol (by length, then symbol), bit-reversed
// for the LSB-first stream, into codes[0..lengths.size()). Unused symbols
// are left alone. Shared by encoder and decoder, which must agree exactly.
// One pass over the symbols after counting lengths (deflate's method): this
// runs for every decoded chunk.
void CanonicalCodes(const std::vector<uint8_t>& lengths, uint32_t* codes) {
  constexpr int kLongest = 16;  // ReverseBits' limit; lengths are <= 12
  uint32_t count[kLongest + 1] = {};
  for (uint8_t len : lengths) ++count[std::min<int>(len, kLongest)];
  count[0] = 0;
  uint32_t next[kLongest + 1] = {};
  uint32_t code = 0;
  for (int len = 1; len <= kLongest; ++len) {
    code = (code + count[len - 1]) << 1;
    next[len] = code;
  }
  for (size_t s = 0; s < lengths.size(); ++s) {
    const int len = lengths[s];
    if (len == 0 || len > kLongest) continue;
    codes[s] = ReverseBits(next[len]++, len);
  }
}

}  // namespace

HuffmanEncoder::HuffmanEncoder(const std::vector<uint8_t>& lengths)
    : lengths_(lengths), codes_(lengths.size(), 0) {
  CanonicalCodes(lengths_, codes_.data());
}

Status HuffmanDecoder::Init(const std::vector<uint8_t>& lengths, uint32_t escape) {
  if (lengths.size() > kMaxHuffmanSymbols) {
    return Corruption("huffman alphabet has %d symbols, at most %d", lengths.size(),
                      kMaxHuffmanSymbols);
  }
  // Two passes over the symbols (this runs once per decoded chunk): count
  // and check the lengths, then give each symbol its canonical code (as
  // CanonicalCodes does), its place in sorted_ and its table entries.
  std::fill(std::begin(count_), std::end(count_), 0);
  int max_len = 0;
  for (size_t s = 0; s < lengths.size(); ++s) {
    if (lengths[s] > kMaxHuffmanCodeLength) {
      return Corruption("huffman code length %d of symbol %d exceeds the maximum %d", lengths[s],
                        s, kMaxHuffmanCodeLength);
    }
    ++count_[lengths[s]];
    max_len = std::max<int>(max_len, lengths[s]);
  }
  count_[0] = 0;
  if (max_len == 0) return Corruption("huffman table has no used symbol");
  uint64_t kraft = 0;  // in units of 2^-kMaxHuffmanCodeLength
  for (int len = 1; len <= kMaxHuffmanCodeLength; ++len) {
    kraft += uint64_t{count_[len]} << (kMaxHuffmanCodeLength - len);
  }
  if (kraft > (uint64_t{1} << kMaxHuffmanCodeLength)) {
    return Corruption("huffman code lengths are oversubscribed (not a prefix code)");
  }
  max_length_ = max_len;
  uint32_t next_code[kMaxHuffmanCodeLength + 1];
  uint32_t next_sorted[kMaxHuffmanCodeLength + 1];
  uint32_t code = 0, offset = 0;
  for (int len = 1; len <= kMaxHuffmanCodeLength; ++len) {
    code = (code + count_[len - 1]) << 1;
    first_code_[len] = next_code[len] = code;
    offset_[len] = next_sorted[len] = offset;
    offset += count_[len];
  }
  // Single-symbol entries over `primary` bits first, in the front of the
  // table. An incomplete code leaves some indexes invalid (length 0); the
  // first `primary` bits of a longer code mark its entry long.
  const int primary = std::min(max_len, kPrimaryTableBits);
  const size_t single_size = size_t{1} << primary;
  std::fill(table_.begin(), table_.begin() + single_size, Entry{0, 0, 0, 0});
  for (size_t s = 0; s < lengths.size(); ++s) {
    const int len = lengths[s];
    if (len == 0) continue;
    sorted_[next_sorted[len]++] = static_cast<uint16_t>(s);
    const uint32_t reversed = ReverseBits(next_code[len]++, len);
    if (len > primary) {
      table_[reversed & (single_size - 1)] = Entry{0, 0, 0, kLongMark};
      continue;
    }
    // The reversed code is the low `len` bits of every index decoding to s.
    const Entry e{static_cast<uint16_t>(s), 0, static_cast<uint8_t>(len), static_cast<uint8_t>(len)};
    for (size_t index = reversed; index < single_size; index += size_t{1} << len) table_[index] = e;
  }
  // Then widen the table a few bits, so that short codes (the common case
  // these streams exist for) decode two at a time. The width is capped
  // because the table is rebuilt for every chunk. Wider entries are filled
  // from the highest index down, reading only single entries below
  // single_size, which stay untouched until last.
  table_bits_ = std::max(primary, std::min(primary + 4, kPairTableBits));
  // No two codes fit in the table (high-entropy streams: all codes long)
  // and it is no wider than the single entries: nothing to widen.
  int min_len = 1;
  while (count_[min_len] == 0) ++min_len;
  if (table_bits_ == primary && 2 * min_len > table_bits_) return Status();
  const uint32_t single_mask = static_cast<uint32_t>(single_size - 1);
  for (uint32_t index = (1u << table_bits_); index-- > 0;) {
    Entry e = table_[index & single_mask];
    if (e.first_length != 0 && e.first_symbol != escape) {
      const int rest = table_bits_ - e.first_length;
      const Entry second = table_[(index >> e.first_length) & single_mask];
      if (second.first_length != 0 && second.first_length == second.length &&
          second.first_length <= rest && second.first_symbol != escape) {
        e.second_symbol = second.first_symbol;
        e.length = static_cast<uint8_t>(e.first_length + second.first_length);
      }
    }
    table_[index] = e;
  }
  return Status();
}

}  // namespace tsdb
