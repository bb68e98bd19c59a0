#include <cstring>

#include "codec/float_codecs.h"
#include "util/bit_stream.h"

namespace tsdb {
namespace {

// Stream layout (LSB-first bits): the first value's 64 bits, then per value
//   '0'                          same as the previous value
//   '1','0', bits                XOR fits the previous window
//   '1','1', 5-bit leading zeros (capped at 31), 6-bit (significant - 1),
//            significant bits    a new window
// Two control bits are written as one 2-bit field: 0b01 = "10", 0b11 = "11".
constexpr uint64_t kReuseWindow = 0b01;
constexpr uint64_t kNewWindow = 0b11;

}  // namespace

void PutGorillaXor(absl::Span<const double> values, std::string* out) {
  BitWriter writer(out);
  uint64_t prev;
  std::memcpy(&prev, &values[0], 8);
  writer.Write(prev, 64);
  int window_lead = -1, window_trail = 0;
  for (size_t i = 1; i < values.size(); ++i) {
    uint64_t cur;
    std::memcpy(&cur, &values[i], 8);
    uint64_t x = cur ^ prev;
    prev = cur;
    if (x == 0) {
      writer.Write(0, 1);
      continue;
    }
    int lead = __builtin_clzll(x), trail = __builtin_ctzll(x);
    if (lead > 31) lead = 31;
    if (window_lead >= 0 && lead >= window_lead && trail >= window_trail) {
      writer.Write(kReuseWindow, 2);
      writer.Write(x >> window_trail, 64 - window_lead - window_trail);
    } else {
      int significant = 64 - lead - trail;
      writer.Write(kNewWindow, 2);
      writer.Write(static_cast<uint64_t>(lead), 5);
      writer.Write(static_cast<uint64_t>(significant - 1), 6);
      writer.Write(x >> trail, significant);
      window_lead = lead;
      window_trail = trail;
    }
  }
  writer.Finish();
}

uint64_t GorillaXorMinBits(absl::Span<const double> values, uint64_t limit) {
  // Every value after the first costs 1 bit when unchanged, else 2 control
  // bits plus at least its XOR's meaningful bits.
  uint64_t bits = 64;
  uint64_t prev;
  std::memcpy(&prev, &values[0], 8);
  for (size_t i = 1; i < values.size(); ++i) {
    uint64_t cur;
    std::memcpy(&cur, &values[i], 8);
    uint64_t x = cur ^ prev;
    prev = cur;
    bits += x == 0 ? 1 : 2 + 64 - __builtin_clzll(x) - __builtin_ctzll(x);
    if (i % 64 == 0 && bits >= limit) return bits;
  }
  return bits;
}

Status GetGorillaXor(ByteReader* in, size_t count, double* out) {
  const size_t bytes = in->remaining();
  const uint8_t* data;
  TSDB_RETURN_IF_ERROR(in->ReadBytes(bytes, &data, "gorilla stream"));
  // 64 bits for the first value, at least one bit for each other one.
  if (count == 0 || bytes * 8 < 63 + count) {
    return Corruption("gorilla stream of %d bytes cannot hold %d values", bytes, count);
  }
  // Fast path: one refill per value covers the control bits and the window
  // header; only values of more than 43 significant bits need a second.
  uint8_t tail[PaddedBitReader::kTailSize];
  PaddedBitReader bits(data, bytes, tail);
  uint64_t prev = bits.ReadLong(64);
  std::memcpy(&out[0], &prev, 8);
  int window_lead = -1, window_size = 0;
  for (size_t i = 1; i < count; ++i) {
    bits.Refill();
    // One peek covers the control bits and a new window's 11-bit header.
    const uint64_t head = bits.Peek(13);
    if ((head & 1) == 0) {  // "0": same value as before
      bits.Skip(1);
      std::memcpy(&out[i], &prev, 8);
      continue;
    }
    if ((head & 2) == 0) {  // "10": the previous window
      if (window_lead < 0) return Corruption("gorilla value %d reuses a window before any", i);
      bits.Skip(2);
    } else {  // "11": a new window
      const int lead = static_cast<int>((head >> 2) & 31);
      const int significant = static_cast<int>((head >> 7) & 63) + 1;
      if (lead + significant > 64) {
        return Corruption("gorilla value %d has %d leading and %d significant bits", i, lead,
                          significant);
      }
      bits.Skip(13);
      window_lead = lead;
      window_size = significant;
    }
    prev ^= bits.ReadLong(window_size) << (64 - window_lead - window_size);
    std::memcpy(&out[i], &prev, 8);
  }
  if (bits.consumed_bits() > bytes * 8) {
    return Corruption("truncated gorilla stream: its %d values need more than %d bytes", count,
                      bytes);
  }
  if (!bits.AtPaddedEnd()) {
    return Corruption("gorilla stream has %d bytes, its values use %d, or its padding is not zero",
                      bytes, (bits.consumed_bits() + 7) / 8);
  }
  return Status();
}

}  // namespace tsdb
