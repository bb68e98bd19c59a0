#include "codec/packed_stream.h"

#include <algorithm>
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

Status ReadHuffman(ByteReader* in, size_t count, uint64_t* out, const char* what) {
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
  HuffmanDecoder decoder;
  TSDB_RETURN_IF_ERROR(decoder.Init(lengths));
  uint64_t overflow_size;
  TSDB_RETURN_IF_ERROR(in->ReadVarint(&overflow_size, "huffman overflow size"));
  const uint8_t* overflow_data;
  TSDB_RETURN_IF_ERROR(in->ReadBytes(overflow_size, &overflow_data, "huffman overflow stream"));
  ByteReader overflow(overflow_data, overflow_size);

  const size_t stream_bytes = in->remaining();
  const uint8_t* stream;
  TSDB_RETURN_IF_ERROR(in->ReadBytes(stream_bytes, &stream, "huffman code stream"));
  // Every symbol takes at least one bit: reject impossible counts up front.
  if (count > stream_bytes * 8) {
    return Corruption("%s: %d huffman codes cannot fit in %d bytes", what, count, stream_bytes);
  }
  BitReader bits(stream, stream_bytes);
  const uint32_t escape = static_cast<uint32_t>(alphabet - 1);
  const int table_bits = decoder.table_bits();
  size_t i = 0;
  while (i < count) {
    bits.Refill();
    // Fast path: decode as many symbols as the buffer surely holds.
    size_t batch = std::min<size_t>(static_cast<size_t>(bits.avail() / table_bits), count - i);
    if (batch == 0) batch = 1;  // the stream's tail: Decode checks the overrun
    for (size_t end = i + batch; i < end; ++i) {
      uint32_t symbol;
      if (!decoder.Decode(&bits, &symbol)) {
        return Corruption("%s: invalid huffman code at value %d", what, i);
      }
      if (symbol == escape) {
        uint64_t extra;
        TSDB_RETURN_IF_ERROR(overflow.ReadVarint(&extra, "huffman overflow value"));
        if (extra > UINT64_MAX - escape) {
          return Corruption("%s: huffman overflow value exceeds 64 bits", what);
        }
        out[i] = escape + extra;
      } else {
        out[i] = symbol;
      }
    }
    if (bits.bits_left() < 0) {
      return Corruption("truncated %s: huffman code stream ends after %d of %d values", what, i,
                        count);
    }
  }
  TSDB_RETURN_IF_ERROR(overflow.ExpectEnd("huffman overflow values"));
  if ((bits.bits_consumed() + 7) / 8 != stream_bytes) {
    return Corruption("%s: huffman code stream has %d bytes, its codes use %d", what, stream_bytes,
                      (bits.bits_consumed() + 7) / 8);
  }
  if (bits.Read(static_cast<int>(bits.bits_left())) != 0) {
    return Corruption("%s: huffman code stream padding is not zero", what);
  }
  return Status();
}

// ---- kBits ----

void WriteBits(absl::Span<const uint64_t> values, int width, std::string* out) {
  out->push_back(static_cast<char>(PackMode::kBits));
  out->push_back(static_cast<char>(width));
  BitWriter writer(out);
  for (uint64_t v : values) writer.Write(v, width);
  writer.Finish();
}

Status ReadBits(ByteReader* in, size_t count, uint64_t* out, const char* what) {
  uint8_t width;
  TSDB_RETURN_IF_ERROR(in->ReadByte(&width, "bit width"));
  if (width < 1 || width > 64) {
    return Corruption("%s: bit width is %d, expected 1..64", what, width);
  }
  const uint64_t bytes = (static_cast<uint64_t>(count) * width + 7) / 8;
  if (bytes != in->remaining()) {
    return Corruption("%s: %d values of %d bits need %d bytes, found %d", what, count, width, bytes,
                      in->remaining());
  }
  const uint8_t* data;
  TSDB_RETURN_IF_ERROR(in->ReadBytes(bytes, &data, what));
  BitReader bits(data, bytes);
  if (width <= 56) {
    // Fast path: refill once per several values.
    const int per_refill = 56 / width;
    size_t i = 0;
    while (i < count) {
      bits.Refill();
      size_t end = std::min(count, i + per_refill);
      for (; i < end; ++i) {
        out[i] = bits.Peek(width);
        bits.Consume(width);
      }
    }
  } else {
    for (size_t i = 0; i < count; ++i) out[i] = bits.Read(width);
  }
  int64_t pad = bits.bits_left();
  if (pad < 0 || pad >= 8 || bits.Read(static_cast<int>(pad)) != 0) {
    return Corruption("%s: bit-packed padding is not zero", what);
  }
  return Status();
}

// ---- kVarint ----

Status ReadVarints(ByteReader* in, size_t count, uint64_t* out, const char* what) {
  if (count > in->remaining()) {
    return Corruption("%s: %d varints cannot fit in %d bytes", what, count, in->remaining());
  }
  for (size_t i = 0; i < count; ++i) TSDB_RETURN_IF_ERROR(in->ReadVarint(&out[i], what));
  return Status();
}

}  // namespace

void PutPacked(absl::Span<const uint64_t> values, std::string* out) {
  uint64_t max = 0;
  size_t varint_size = 1;
  std::vector<uint64_t> small_hist(256, 0);
  std::vector<uint64_t> large;
  for (uint64_t v : values) {
    max = std::max(max, v);
    varint_size += VarintLength(v);
    if (v < 256) {
      ++small_hist[v];
    } else {
      large.push_back(v);
    }
  }
  if (max == 0) {
    out->push_back(static_cast<char>(PackMode::kZero));
    return;
  }
  const int width = BitWidth(max);
  const size_t bits_size = 2 + (values.size() * width + 7) / 8;

  // Alphabet sizes worth trying: all values literal when they are small, or
  // a power of two with the rest escaped.
  HuffmanPlan best;
  if (values.size() >= 16) {
    for (uint32_t alphabet : {4u, 8u, 16u, 32u, 64u, 128u, 256u}) {
      if (alphabet > max + 2) break;
      HuffmanPlan plan = PlanHuffman(alphabet, small_hist, large);
      if (plan.size < best.size) best = std::move(plan);
    }
    if (max <= 254) {
      HuffmanPlan plan = PlanHuffman(static_cast<uint32_t>(max + 2), small_hist, large);
      if (plan.size < best.size) best = std::move(plan);
    }
  }
  if (bits_size <= varint_size && bits_size <= best.size) {
    WriteBits(values, width, out);
  } else if (varint_size <= best.size) {
    out->push_back(static_cast<char>(PackMode::kVarint));
    for (uint64_t v : values) PutVarint(out, v);
  } else {
    WriteHuffman(values, best, out);
  }
}

Status GetPacked(ByteReader* in, size_t count, uint64_t* out, const char* what) {
  uint8_t mode;
  TSDB_RETURN_IF_ERROR(in->ReadByte(&mode, "packed stream mode"));
  switch (static_cast<PackMode>(mode)) {
    case PackMode::kZero:
      std::fill(out, out + count, 0);
      break;
    case PackMode::kBits:
      TSDB_RETURN_IF_ERROR(ReadBits(in, count, out, what));
      break;
    case PackMode::kVarint:
      TSDB_RETURN_IF_ERROR(ReadVarints(in, count, out, what));
      break;
    case PackMode::kHuffman:
      TSDB_RETURN_IF_ERROR(ReadHuffman(in, count, out, what));
      break;
    default:
      return Corruption("%s: unknown packed stream mode %d", what, mode);
  }
  return in->ExpectEnd(what);
}

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
