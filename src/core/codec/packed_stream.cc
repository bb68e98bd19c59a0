#include "codec/packed_stream.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "codec/huffman.h"
#include "util/bit_stream.h"

namespace tsdb {
namespace {

int BitWidth(uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }

// ---- kHuffman: planning (sizes for a given alphabet size K) ----

struct HuffmanPlan {
  uint32_t alphabet = 0;  // K; symbol K-1 escapes to the overflow stream
  std::vector<uint8_t> lengths;
  size_t overflow_bytes = 0;
  size_t size = SIZE_MAX;  // total bytes, mode byte included
};

// small_hist[v] counts values v < 256; large holds the rest.
HuffmanPlan PlanHuffman(uint32_t alphabet, const std::vector<uint64_t>& small_hist,
                        const std::vector<uint64_t>& large) {
  HuffmanPlan plan;
  plan.alphabet = alphabet;
  const uint64_t escape = alphabet - 1;
  std::vector<uint64_t> freqs(alphabet, 0);
  for (uint64_t v = 0; v < small_hist.size(); ++v) {
    if (small_hist[v] == 0) continue;
    if (v < escape) {
      freqs[v] += small_hist[v];
    } else {
      freqs[escape] += small_hist[v];
      plan.overflow_bytes += small_hist[v] * VarintLength(v - escape);
    }
  }
  for (uint64_t v : large) {
    freqs[escape] += 1;
    plan.overflow_bytes += VarintLength(v - escape);
  }
  plan.lengths = HuffmanCodeLengths(freqs, kMaxHuffmanCodeLength);
  uint64_t code_bits = 0;
  for (uint32_t s = 0; s < alphabet; ++s) code_bits += freqs[s] * plan.lengths[s];
  plan.size = 1 + VarintLength(alphabet) + (alphabet + 1) / 2 + VarintLength(plan.overflow_bytes) +
              plan.overflow_bytes + (code_bits + 7) / 8;
  return plan;
}

void WriteHuffman(absl::Span<const uint64_t> values, const HuffmanPlan& plan, std::string* out) {
  out->push_back(static_cast<char>(PackMode::kHuffman));
  PutVarint(out, plan.alphabet);
  for (uint32_t s = 0; s < plan.alphabet; s += 2) {
    uint8_t hi = s + 1 < plan.alphabet ? plan.lengths[s + 1] : 0;
    out->push_back(static_cast<char>(plan.lengths[s] | (hi << 4)));
  }
  const uint64_t escape = plan.alphabet - 1;
  std::string overflow;
  for (uint64_t v : values) {
    if (v >= escape) PutVarint(&overflow, v - escape);
  }
  PutVarint(out, overflow.size());
  out->append(overflow);
  HuffmanEncoder encoder(plan.lengths);
  BitWriter writer(out);
  for (uint64_t v : values) encoder.Put(&writer, static_cast<uint32_t>(std::min(v, escape)));
  writer.Finish();
}

// ---- kBits ----

void WriteBits(absl::Span<const uint64_t> values, int width, std::string* out) {
  out->push_back(static_cast<char>(PackMode::kBits));
  out->push_back(static_cast<char>(width));
  BitWriter writer(out);
  for (uint64_t v : values) writer.Write(v, width);
  writer.Finish();
}

}  // namespace

namespace {

PackedStats MakeStats(absl::Span<const uint64_t> values) {
  PackedStats h;
  h.count = values.size();
  h.small.assign(256, 0);
  uint64_t max = 0;
  for (uint64_t v : values) {
    max = std::max(max, v);
    if (v < 256) {
      ++h.small[v];
    } else {
      h.large.push_back(v);
    }
  }
  h.max = max;
  h.varint_size = 1 + h.small_count_below(128);
  h.varint_size += 2 * (h.count - h.large.size() - h.small_count_below(128));
  for (uint64_t v : h.large) h.varint_size += VarintLength(v);
  return h;
}

size_t BitsSize(const PackedStats& h) { return 2 + (h.count * BitWidth(h.max) + 7) / 8; }

// The Huffman alphabet size worth building, chosen by an entropy estimate of
// each candidate's size (building a code per candidate cost more than the
// rest of the encoding), or 0 when Huffman cannot win. Candidates: a power
// of two with larger values escaped, or every value literal when all are
// small. *estimate gets the chosen one's estimated size in bytes.
uint32_t ChooseAlphabet(const PackedStats& h, size_t* estimate) {
  *estimate = SIZE_MAX;
  const size_t n = h.count;
  // When most values need escaping (plain timestamps, say), Huffman cannot win.
  if (n < 16 || h.large.size() * 2 > n) return 0;
  // Prefix sums over the values 0..top-1 in order: counts, and c * log2(c),
  // so that each alphabet's entropy is O(1): with E values escaped,
  // bits = N log2 N - sum_{v < K-1} c_v log2 c_v - E log2 E.
  const uint32_t top = static_cast<uint32_t>(std::min<uint64_t>(256, h.max + 1));
  double c_log_c[257];
  uint64_t counts[257];
  c_log_c[0] = 0;
  counts[0] = 0;
  for (uint32_t v = 0; v < top; ++v) {
    const uint64_t c = h.small[v];
    c_log_c[v + 1] =
        c_log_c[v] + (c > 1 ? static_cast<double>(c) * std::log2(static_cast<double>(c)) : 0);
    counts[v + 1] = counts[v] + c;
  }
  const double total = static_cast<double>(n);
  const double n_log_n = total * std::log2(total);
  uint32_t best = 0;
  const auto consider = [&](uint32_t alphabet) {
    const uint32_t escape = alphabet - 1;  // < top: alphabet <= max + 2
    const uint64_t escaped = n - counts[std::min(escape, top)];
    double bits = n_log_n - c_log_c[std::min(escape, top)] -
                  (escaped > 1 ? static_cast<double>(escaped) * std::log2(static_cast<double>(escaped))
                               : 0);
    bits = std::max(bits, total);  // Huffman spends at least one bit per value
    size_t overflow = 0;
    for (uint32_t v = escape; v < top; ++v) overflow += h.small[v] * VarintLength(v - escape);
    for (uint64_t v : h.large) overflow += VarintLength(v - escape);
    const size_t size = 1 + VarintLength(alphabet) + (alphabet + 1) / 2 + VarintLength(overflow) +
                        overflow + static_cast<size_t>(bits / 8) + 1;
    if (size < *estimate) {
      *estimate = size;
      best = alphabet;
    }
  };
  for (uint32_t alphabet : {4u, 8u, 16u, 32u, 64u, 128u, 256u}) {
    if (alphabet >= h.max + 2) break;
    consider(alphabet);
  }
  if (h.max <= 254) consider(static_cast<uint32_t>(h.max + 2));
  return best;
}

}  // namespace

uint64_t PackedStats::small_count_below(uint32_t limit) const {
  uint64_t n = 0;
  for (uint32_t v = 0; v < limit && v <= max && v < 256; ++v) n += small[v];
  return n;
}

PackedStats AnalyzePacked(absl::Span<const uint64_t> values) { return MakeStats(values); }

size_t EstimatePackedSize(const PackedStats& stats) {
  if (stats.max == 0) return 1;
  size_t huffman;
  ChooseAlphabet(stats, &huffman);
  return std::min({BitsSize(stats), stats.varint_size, huffman});
}

void PutPacked(absl::Span<const uint64_t> values, std::string* out) {
  PutPacked(values, MakeStats(values), out);
}

void PutPacked(absl::Span<const uint64_t> values, const PackedStats& h, std::string* out) {
  if (h.max == 0) {
    out->push_back(static_cast<char>(PackMode::kZero));
    return;
  }
  const size_t bits_size = BitsSize(h);
  HuffmanPlan best;
  size_t estimate;
  const uint32_t alphabet = ChooseAlphabet(h, &estimate);
  // The estimate is about a lower bound: only build the code when it could win.
  if (alphabet != 0 && estimate < std::min(bits_size, h.varint_size)) {
    best = PlanHuffman(alphabet, h.small, h.large);
  }
  if (bits_size <= h.varint_size && bits_size <= best.size) {
    WriteBits(values, BitWidth(h.max), out);
  } else if (h.varint_size <= best.size) {
    out->push_back(static_cast<char>(PackMode::kVarint));
    for (uint64_t v : values) PutVarint(out, v);
  } else {
    WriteHuffman(values, best, out);
  }
}

namespace packed_internal {

Status ReadHuffmanHeader(ByteReader* in, const char* what, HuffmanDecoder* decoder,
                         uint32_t* escape, ByteReader* overflow) {
  uint64_t alphabet;
  TSDB_RETURN_IF_ERROR(in->ReadVarint(&alphabet, "huffman alphabet size"));
  if (alphabet < 2 || alphabet > kMaxHuffmanSymbols) {
    return Corruption("%s: huffman alphabet size is %d, expected 2..%d", what, alphabet,
                      kMaxHuffmanSymbols);
  }
  const uint8_t* packed_lengths;
  TSDB_RETURN_IF_ERROR(in->ReadBytes((alphabet + 1) / 2, &packed_lengths, "huffman code lengths"));
  std::vector<uint8_t> lengths(alphabet);
  for (uint64_t s = 0; s < alphabet; ++s) {
    lengths[s] = (packed_lengths[s / 2] >> (4 * (s % 2))) & 0xf;
  }
  if (alphabet % 2 == 1 && (packed_lengths[alphabet / 2] >> 4) != 0) {
    return Corruption("%s: huffman code length padding is not zero", what);
  }
  *escape = static_cast<uint32_t>(alphabet - 1);
  TSDB_RETURN_IF_ERROR(decoder->Init(lengths, *escape));
  uint64_t overflow_size;
  TSDB_RETURN_IF_ERROR(in->ReadVarint(&overflow_size, "huffman overflow size"));
  const uint8_t* overflow_data;
  TSDB_RETURN_IF_ERROR(in->ReadBytes(overflow_size, &overflow_data, "huffman overflow stream"));
  *overflow = ByteReader(overflow_data, overflow_size);
  return Status();
}

Status CheckStreamEnd(uint64_t consumed_bits, uint64_t stream_bytes, uint64_t tail_bits,
                      const char* what) {
  if (consumed_bits > stream_bytes * 8) {
    return Corruption("truncated %s: huffman codes run %d bits past the end of the stream", what,
                      consumed_bits - stream_bytes * 8);
  }
  if ((consumed_bits + 7) / 8 != stream_bytes) {
    return Corruption("%s: huffman code stream has %d bytes, its codes use %d", what, stream_bytes,
                      (consumed_bits + 7) / 8);
  }
  // tail_bits starts at the first unused bit; the rest of the last byte
  // must be zero (the padding beyond it always is).
  if ((tail_bits & LowBits(static_cast<int>(stream_bytes * 8 - consumed_bits))) != 0) {
    return Corruption("%s: huffman code stream padding is not zero", what);
  }
  return Status();
}

}  // namespace packed_internal

std::string DescribePacked(ByteReader in) {
  uint8_t mode;
  if (!in.ReadByte(&mode, "mode").ok()) return "?";
  switch (static_cast<PackMode>(mode)) {
    case PackMode::kZero:
      return "zero";
    case PackMode::kBits: {
      uint8_t width = 0;
      if (!in.ReadByte(&width, "width").ok()) return "bits";
      return absl::StrFormat("bits(%d)", width);
    }
    case PackMode::kVarint:
      return "varint";
    case PackMode::kHuffman: {
      uint64_t alphabet = 0;
      if (!in.ReadVarint(&alphabet, "alphabet").ok()) return "huffman";
      return absl::StrFormat("huffman(%d symbols)", alphabet);
    }
  }
  return absl::StrFormat("unknown(%d)", mode);
}

}  // namespace tsdb
