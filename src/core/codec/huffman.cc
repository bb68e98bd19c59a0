#include "codec/huffman.h"

#include <algorithm>
#include <queue>
#include <utility>

namespace tsdb {
namespace {

// Plain Huffman lengths by repeatedly merging the two lightest nodes.
std::vector<uint8_t> UnlimitedLengths(const std::vector<uint64_t>& freqs) {
  const size_t n = freqs.size();
  std::vector<uint8_t> lengths(n, 0);
  using Node = std::pair<uint64_t, int>;  // weight, node id
  std::priority_queue<Node, std::vector<Node>, std::greater<Node>> heap;
  std::vector<int> parent;
  for (size_t i = 0; i < n; ++i) {
    if (freqs[i] > 0) {
      heap.push({freqs[i], static_cast<int>(parent.size())});
      parent.push_back(-1);
    }
  }
  std::vector<int> leaf_node(n, -1);
  {
    int id = 0;
    for (size_t i = 0; i < n; ++i) {
      if (freqs[i] > 0) leaf_node[i] = id++;
    }
  }
  if (heap.size() == 1) {
    for (size_t i = 0; i < n; ++i) {
      if (freqs[i] > 0) lengths[i] = 1;
    }
    return lengths;
  }
  while (heap.size() > 1) {
    Node a = heap.top();
    heap.pop();
    Node b = heap.top();
    heap.pop();
    int id = static_cast<int>(parent.size());
    parent.push_back(-1);
    parent[a.second] = id;
    parent[b.second] = id;
    heap.push({a.first + b.first, id});
  }
  for (size_t i = 0; i < n; ++i) {
    if (leaf_node[i] < 0) continue;
    int depth = 0;
    for (int node = leaf_node[i]; parent[node] >= 0; node = parent[node]) ++depth;
    lengths[i] = static_cast<uint8_t>(std::min(depth, 255));
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

// The canonical code of each symbol (by length, then symbol), bit-reversed
// for the LSB-first stream, into codes[0..lengths.size()). Unused symbols
// are left alone. Shared by encoder and decoder, which must agree exactly.
void CanonicalCodes(const std::vector<uint8_t>& lengths, uint32_t* codes) {
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
}

}  // namespace

HuffmanEncoder::HuffmanEncoder(const std::vector<uint8_t>& lengths)
    : lengths_(lengths), codes_(lengths.size(), 0) {
  CanonicalCodes(lengths_, codes_.data());
}

Status HuffmanDecoder::Init(const std::vector<uint8_t>& lengths, uint32_t escape) {
  int max_len = 0;
  uint64_t kraft = 0;  // in units of 2^-kMaxHuffmanCodeLength
  for (size_t s = 0; s < lengths.size(); ++s) {
    if (lengths[s] > kMaxHuffmanCodeLength) {
      return Corruption("huffman code length %d of symbol %d exceeds the maximum %d", lengths[s],
                        s, kMaxHuffmanCodeLength);
    }
    if (lengths[s] == 0) continue;
    max_len = std::max<int>(max_len, lengths[s]);
    kraft += uint64_t{1} << (kMaxHuffmanCodeLength - lengths[s]);
  }
  if (max_len == 0) return Corruption("huffman table has no used symbol");
  if (kraft > (uint64_t{1} << kMaxHuffmanCodeLength)) {
    return Corruption("huffman code lengths are oversubscribed (not a prefix code)");
  }
  // Canonical codes, without allocating: this runs once per decoded chunk.
  uint32_t codes[kMaxHuffmanSymbols];
  CanonicalCodes(lengths, codes);
  // Single-symbol entries over max_len bits first, in the front of the
  // table. An incomplete code leaves some indexes invalid (length 0).
  const size_t single_size = size_t{1} << max_len;
  std::fill(table_.begin(), table_.begin() + single_size, Entry{0, 0, 0, 0});
  for (size_t s = 0; s < lengths.size(); ++s) {
    const int len = lengths[s];
    if (len == 0) continue;
    // The reversed code is the low `len` bits of every index decoding to s.
    const Entry e{static_cast<uint16_t>(s), 0, static_cast<uint8_t>(len), static_cast<uint8_t>(len)};
    for (size_t index = codes[s]; index < single_size; index += size_t{1} << len) table_[index] = e;
  }
  // Then widen the table a few bits, so that short codes (the common case
  // these streams exist for) decode two at a time. The width is capped
  // because the table is rebuilt for every chunk. Wider entries are filled
  // from the highest index down, reading only single entries below
  // single_size, which stay untouched until last.
  table_bits_ = std::max(max_len, std::min(max_len + 4, kPairTableBits));
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
