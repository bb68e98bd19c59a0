// Packed streams of unsigned 64-bit integers: the back end shared by every
// integer-producing codec (deltas, delta-of-deltas, zigzag values, dictionary
// indices). PutPacked sizes each mode and keeps the smallest; the layout of
// each mode is in block_format.h.
//
// Decoding hands each value to a sink in order (ForEachPacked), so codecs
// fuse their transform (prefix sums, scaling) into the decode loop instead of
// making extra passes over temporary arrays.
#ifndef TSDB_CORE_CODEC_PACKED_STREAM_H_
#define TSDB_CORE_CODEC_PACKED_STREAM_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "codec/huffman.h"
#include "tsdb/block_format.h"
#include "tsdb/status.h"
#include "util/bit_stream.h"
#include "util/coding.h"

namespace tsdb {

// Appends a packed encoding of values to out: the smallest of kBits and
// kVarint (exact sizes) and kHuffman with the alphabet an entropy estimate
// picks (one code built, not one per candidate alphabet).
void PutPacked(absl::Span<const uint64_t> values, std::string* out);
// What PutPacked learns about a stream in one pass: codecs choosing
// between streams analyse each, compare estimates and write the winner
// without a second pass.
struct PackedStats {
  size_t count = 0;
  uint64_t max = 0;
  std::vector<uint64_t> small;  // counts of the values 0..255
  std::vector<uint64_t> large;  // the values >= 256
  size_t varint_size = 0;       // kVarint's exact size, mode byte included
  uint64_t small_count_below(uint32_t limit) const;
};
PackedStats AnalyzePacked(absl::Span<const uint64_t> values);
// About PutPacked's size in bytes (exact for kBits and kVarint, an entropy
// estimate for kHuffman).
size_t EstimatePackedSize(const PackedStats& stats);
// PutPacked with the stats of `values` already taken.
void PutPacked(absl::Span<const uint64_t> values, const PackedStats& stats, std::string* out);

// Decodes exactly `count` values, calling sink(uint64_t) for each in order.
// A packed stream is always the last field of its payload: this consumes
// every remaining byte of `in` and fails if the stream does not end exactly
// there. On failure the sink may have seen some values.
template <typename Sink>
Status ForEachPacked(ByteReader* in, size_t count, const char* what, Sink&& sink);

// Decodes exactly `count` values into out[0..count).
inline Status GetPacked(ByteReader* in, size_t count, uint64_t* out, const char* what) {
  return ForEachPacked(in, count, what, [&out](uint64_t v) { *out++ = v; });
}

// For describe_encoded: the mode of a packed stream starting at `in`, plus
// detail (width, alphabet size), without decoding.
std::string DescribePacked(ByteReader in);

// ---- implementation ----

namespace packed_internal {

// Reads the kHuffman header (alphabet, code lengths, overflow stream) and
// leaves `in` at the code stream.
Status ReadHuffmanHeader(ByteReader* in, const char* what, HuffmanDecoder* decoder,
                         uint32_t* escape, ByteReader* overflow);
// Checks the code stream's end: exact length and zero padding.
Status CheckStreamEnd(uint64_t consumed_bits, uint64_t stream_bytes, uint64_t tail_bits,
                      const char* what);

template <typename Sink>
Status ForEachHuffman(ByteReader* in, size_t count, const char* what, Sink& sink) {
  HuffmanDecoder decoder;
  uint32_t escape;
  ByteReader overflow(nullptr, 0);
  TSDB_RETURN_IF_ERROR(ReadHuffmanHeader(in, what, &decoder, &escape, &overflow));
  const size_t bytes = in->remaining();
  const uint8_t* stream;
  TSDB_RETURN_IF_ERROR(in->ReadBytes(bytes, &stream, "huffman code stream"));
  // Every code takes at least one bit: reject impossible counts up front.
  if (count > bytes * 8) {
    return Corruption("%s: %d huffman codes cannot fit in %d bytes", what, count, bytes);
  }
  // A zero-padded copy lets the loop load 8 bytes at a time with no bounds
  // check per symbol; running into the padding is caught per batch and at
  // the end.
  std::vector<uint8_t> padded(bytes + 16, 0);
  if (bytes > 0) std::memcpy(padded.data(), stream, bytes);
  const uint8_t* const base = padded.data();
  const uint8_t* const limit = base + bytes + 8;
  const HuffmanDecoder::Entry* const table = decoder.table();
  const int table_bits = decoder.table_bits();
  const uint64_t mask = LowBits(table_bits);

  const auto overflow_value = [&overflow, escape, what](uint64_t* v) {
    uint64_t extra;
    TSDB_RETURN_IF_ERROR(overflow.ReadVarint(&extra, "huffman overflow value"));
    if (extra > UINT64_MAX - escape) {
      return Corruption("%s: huffman overflow value exceeds 64 bits", what);
    }
    *v = escape + extra;
    return Status();
  };

  // A code longer than the table (or no code) at value `at`, from `bits`
  // (`avail` of them valid): decoded bit by bit once the buffer holds the
  // longest code's bits. *used is its length, or 0: refill first. Takes the
  // bit buffer by value so that it stays in registers in the loops below.
  const auto long_code = [&decoder, &overflow_value, escape, what](
                             HuffmanDecoder::Entry e, uint64_t bits, int avail, size_t at,
                             uint64_t* out, int* used) -> Status {
    *used = 0;
    if (!e.IsLong()) return Corruption("%s: invalid huffman code at value %d", what, at);
    if (avail < kMaxHuffmanCodeLength) return Status();
    uint32_t symbol;
    if (!decoder.DecodeLong(bits, &symbol, used)) {
      return Corruption("%s: invalid huffman code at value %d", what, at);
    }
    *out = symbol;
    if (symbol == escape) TSDB_RETURN_IF_ERROR(overflow_value(out));
    return Status();
  };

  // Fast path: the bit buffer lives in registers; each refill tops it up to
  // >= 56 bits, enough for 56 / table_bits table entries. Entries decode
  // into a small local buffer without branching on one-or-two symbols, and
  // the sink then runs over the buffer in a tight loop.
  constexpr size_t kBuffer = 256;
  uint64_t values[kBuffer + 2];
  const uint8_t* p = base;
  uint64_t buf = 0;
  int avail = 0;
  size_t i = 0;
  while (i < count) {
    const size_t want = std::min(kBuffer, count - i);
    size_t n = 0;
    while (n < want) {
      if (p > limit) {
        return Corruption("truncated %s: huffman code stream ends after %d of %d values", what,
                          i + n, count);
      }
      uint64_t word;
      std::memcpy(&word, p, 8);  // little-endian hosts only (x86-64, arm64)
      buf |= word << avail;
      const int refill = (63 - avail) >> 3;
      p += refill;
      avail += refill * 8;
      // Each entry takes at most table_bits and yields at most two values.
      const size_t entries = static_cast<size_t>(avail / table_bits);
      if (want - n >= 2 * entries) {
        for (size_t k = 0; k < entries; ++k) {
          const HuffmanDecoder::Entry e = table[buf & mask];
          if (e.first_length == 0) {
            // A code longer than the table, or none: the count of entries
            // assumed table_bits per entry, so refill after it.
            int used;
            TSDB_RETURN_IF_ERROR(long_code(e, buf, avail, i + n, &values[n], &used));
            buf >>= used;
            avail -= used;
            n += used != 0;
            break;
          }
          buf >>= e.length;
          avail -= e.length;
          values[n] = e.first_symbol;
          values[n + 1] = e.second_symbol;
          n += 1 + (e.length != e.first_length);
          if (e.first_symbol == escape) TSDB_RETURN_IF_ERROR(overflow_value(&values[n - 1]));
        }
      } else {  // near the end: one code per entry
        for (size_t k = 0; k < entries && n < want; ++k) {
          const HuffmanDecoder::Entry e = table[buf & mask];
          if (e.first_length == 0) {
            int used;
            TSDB_RETURN_IF_ERROR(long_code(e, buf, avail, i + n, &values[n], &used));
            buf >>= used;
            avail -= used;
            n += used != 0;
            break;
          }
          buf >>= e.first_length;
          avail -= e.first_length;
          values[n++] = e.first_symbol;
          if (e.first_symbol == escape) TSDB_RETURN_IF_ERROR(overflow_value(&values[n - 1]));
        }
      }
    }
    for (size_t k = 0; k < n; ++k) sink(values[k]);
    i += n;
  }
  TSDB_RETURN_IF_ERROR(overflow.ExpectEnd("huffman overflow values"));
  if (p <= limit && avail < 56) {  // load the last byte's padding bits too
    uint64_t word;
    std::memcpy(&word, p, 8);
    buf |= word << avail;
  }
  const uint64_t consumed = static_cast<uint64_t>(p - base) * 8 - static_cast<uint64_t>(avail);
  return CheckStreamEnd(consumed, bytes, buf, what);
}

template <typename Sink>
Status ForEachBits(ByteReader* in, size_t count, const char* what, Sink& sink) {
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
        sink(bits.Peek(width));
        bits.Consume(width);
      }
    }
  } else {
    for (size_t i = 0; i < count; ++i) sink(bits.Read(width));
  }
  int64_t pad = bits.bits_left();
  if (pad < 0 || pad >= 8 || bits.Read(static_cast<int>(pad)) != 0) {
    return Corruption("%s: bit-packed padding is not zero", what);
  }
  return Status();
}

template <typename Sink>
Status ForEachVarint(ByteReader* in, size_t count, const char* what, Sink& sink) {
  if (count > in->remaining()) {
    return Corruption("%s: %d varints cannot fit in %d bytes", what, count, in->remaining());
  }
  for (size_t i = 0; i < count; ++i) {
    uint64_t v;
    TSDB_RETURN_IF_ERROR(in->ReadVarint(&v, what));
    sink(v);
  }
  return Status();
}

}  // namespace packed_internal

template <typename Sink>
Status ForEachPacked(ByteReader* in, size_t count, const char* what, Sink&& sink) {
  uint8_t mode;
  TSDB_RETURN_IF_ERROR(in->ReadByte(&mode, "packed stream mode"));
  switch (static_cast<PackMode>(mode)) {
    case PackMode::kZero:
      for (size_t i = 0; i < count; ++i) sink(uint64_t{0});
      break;
    case PackMode::kBits:
      TSDB_RETURN_IF_ERROR(packed_internal::ForEachBits(in, count, what, sink));
      break;
    case PackMode::kVarint:
      TSDB_RETURN_IF_ERROR(packed_internal::ForEachVarint(in, count, what, sink));
      break;
    case PackMode::kHuffman:
      TSDB_RETURN_IF_ERROR(packed_internal::ForEachHuffman(in, count, what, sink));
      break;
    default:
      return Corruption("%s: unknown packed stream mode %d", what, mode);
  }
  return in->ExpectEnd(what);
}

}  // namespace tsdb

#endif  // TSDB_CORE_CODEC_PACKED_STREAM_H_
