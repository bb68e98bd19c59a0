#include <cmath>
#include <cstring>
#include <vector>

#include "codec/float_codecs.h"
#include "codec/packed_stream.h"
#include "tsdb/block_format.h"

namespace tsdb {
namespace {

constexpr double kPow10[kMaxDecimalScale + 1] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                                 1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                                 1e14, 1e15, 1e16, 1e17, 1e18};
// Set in the scale byte when the ints are stored as zigzag values rather
// than deltas.
constexpr uint8_t kDecimalPlainFlag = 0x80;
// Integers beyond 2^53 are not all representable as doubles.
constexpr double kMaxExactInt = 9007199254740992.0;

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, 8);
  return b;
}
double FromBits(uint64_t b) {
  double v;
  std::memcpy(&v, &b, 8);
  return v;
}

// The integer i with i / 10^scale == v bit for bit, if there is one.
bool ScaledInt(double v, int scale, int64_t* out) {
  double x = v * kPow10[scale];
  if (!(std::fabs(x) <= kMaxExactInt)) return false;  // also rejects NaN
  // Round to nearest by hand: std::llrint is a library call, and this runs
  // for every value. Any rounding works: the check below is exact.
  // From 2^52 on every double is an integer, and adding 0.5 could round.
  const double rounded = std::fabs(x) >= 4503599627370496.0 ? x : x + (x >= 0 ? 0.5 : -0.5);
  int64_t i = static_cast<int64_t>(rounded);
  double back = scale == 0 ? static_cast<double>(i) : static_cast<double>(i) / kPow10[scale];
  if (Bits(back) != Bits(v)) return false;  // -0.0 fails here: its int is 0
  *out = i;
  return true;
}

// Smallest scale at which v is an exact scaled integer, or -1.
int MinScale(double v) {
  int64_t unused;
  // Fast path: integer values (scale 0) need no search.
  if (ScaledInt(v, 0, &unused)) return 0;
  if (!std::isfinite(v)) return -1;
  for (int s = 1; s <= kMaxDecimalScale; ++s) {
    if (ScaledInt(v, s, &unused)) return s;
  }
  return -1;
}

}  // namespace

bool PutDecimalFloat(absl::Span<const double> values, std::string* out) {
  const size_t m = values.size();
  const size_t max_exceptions = m / 4;
  std::vector<int64_t> ints(m);
  std::vector<uint8_t> is_exception;  // empty: no exceptions
  size_t exceptions = 0;
  int scale = 0;
  // Fast path: every value an integer (counters, TSBS's fields): scale 0
  // and no exceptions, known after one pass.
  bool integers = true;
  for (size_t i = 0; i < m && integers; ++i) integers = ScaledInt(values[i], 0, &ints[i]);
  if (!integers) {
    // Cheap probe: random doubles fail every scale, so give up early.
    const size_t probe = std::min<size_t>(m, 16);
    size_t probe_failures = 0;
    for (size_t i = 0; i < probe; ++i) probe_failures += MinScale(values[i]) < 0;
    if (probe_failures > probe / 4) return false;
    std::vector<int8_t> scales(m);
    for (size_t i = 0; i < m; ++i) {
      scales[i] = static_cast<int8_t>(MinScale(values[i]));
      if (scales[i] < 0) {
        if (++exceptions > max_exceptions) return false;
      } else {
        scale = std::max<int>(scale, scales[i]);
      }
    }
    // A value exact at its own scale may overflow 2^53 at the shared one.
    is_exception.assign(m, 0);
    int64_t prev = 0;
    exceptions = 0;
    for (size_t i = 0; i < m; ++i) {
      if (scales[i] < 0 || !ScaledInt(values[i], scale, &ints[i])) {
        is_exception[i] = 1;
        ints[i] = prev;  // a zero delta costs least
        if (++exceptions > max_exceptions) return false;
      }
      prev = ints[i];
    }
  }

  // Deltas suit random walks; plain values suit series that jump around a
  // level. Estimate both, encode the smaller.
  std::vector<uint64_t> zigzag(m);
  for (size_t i = 0; i < m; ++i) zigzag[i] = ZigZagEncode(ints[i]);
  std::vector<uint64_t> deltas(m - 1);
  for (size_t i = 1; i < m; ++i) {
    deltas[i - 1] = ZigZagEncode(static_cast<int64_t>(static_cast<uint64_t>(ints[i]) -
                                                      static_cast<uint64_t>(ints[i - 1])));
  }
  const PackedStats plain_stats = AnalyzePacked(zigzag);
  const PackedStats delta_stats = AnalyzePacked(deltas);
  const bool use_plain = EstimatePackedSize(plain_stats) <
                         VarintLength(zigzag[0]) + EstimatePackedSize(delta_stats);
  out->push_back(static_cast<char>(scale | (use_plain ? kDecimalPlainFlag : 0)));
  PutVarint(out, exceptions);
  size_t last = 0;
  for (size_t i = 0; i < m && exceptions > 0; ++i) {
    if (!is_exception[i]) continue;
    PutVarint(out, i - last);
    PutFixed64(out, Bits(values[i]));
    last = i;
  }
  if (use_plain) {
    PutPacked(zigzag, plain_stats, out);
  } else {
    PutZigZagVarint(out, ints[0]);
    PutPacked(deltas, delta_stats, out);
  }
  return true;
}

bool DecimalPayloadDivides(std::string_view payload) {
  return !payload.empty() && (static_cast<uint8_t>(payload[0]) & ~kDecimalPlainFlag) != 0;
}

Status GetDecimalFloat(ByteReader* in, size_t count, double* out) {
  uint8_t scale_byte;
  TSDB_RETURN_IF_ERROR(in->ReadByte(&scale_byte, "decimal scale"));
  const bool plain = (scale_byte & kDecimalPlainFlag) != 0;
  const int scale = scale_byte & ~kDecimalPlainFlag;
  if (scale > kMaxDecimalScale) {
    return Corruption("decimal scale is %d, expected at most %d", scale, kMaxDecimalScale);
  }
  uint64_t exceptions;
  TSDB_RETURN_IF_ERROR(in->ReadBoundedVarint(&exceptions, count, "decimal exception count"));
  // Each exception takes at least 9 bytes: check before allocating for them.
  if (exceptions > in->remaining() / 9) {
    return Corruption("decimal exception count %d cannot fit in %d bytes", exceptions,
                      in->remaining());
  }
  std::vector<std::pair<size_t, uint64_t>> raw(exceptions);
  size_t row = 0;
  for (uint64_t e = 0; e < exceptions; ++e) {
    uint64_t gap;
    TSDB_RETURN_IF_ERROR(in->ReadVarint(&gap, "decimal exception position"));
    if (gap > count || row + gap >= count || (e > 0 && gap == 0)) {
      return Corruption("decimal exception %d is at an invalid row (gap %d after row %d of %d)", e,
                        gap, row, count);
    }
    row += gap;
    raw[e].first = row;
    TSDB_RETURN_IF_ERROR(in->ReadFixed64(&raw[e].second, "decimal exception value"));
  }
  if (count == 0) return Corruption("decimal payload for zero values");
  // Fast path: one fused pass decodes, prefix-sums and converts to double;
  // integer-valued series (scale 0) need nothing more.
  double* o = out;
  if (plain) {
    TSDB_RETURN_IF_ERROR(ForEachPacked(in, count, "decimal values", [&o](uint64_t v) {
      *o++ = static_cast<double>(ZigZagDecode(v));
    }));
  } else {
    int64_t first;
    TSDB_RETURN_IF_ERROR(in->ReadZigZagVarint(&first, "decimal first value"));
    uint64_t acc = static_cast<uint64_t>(first);
    *o++ = static_cast<double>(first);
    TSDB_RETURN_IF_ERROR(ForEachPacked(in, count - 1, "decimal deltas", [&o, &acc](uint64_t v) {
      acc += static_cast<uint64_t>(ZigZagDecode(v));
      *o++ = static_cast<double>(static_cast<int64_t>(acc));
    }));
  }
  // The ints are exact in a double (|int| <= 2^53), so dividing the double
  // equals dividing the int, as the encoder checked.
  if (scale > 0) {
    // Two lanes at a time (GCC/clang vector extension; SSE2 divpd on
    // x86-64): division is the cost of this path, and -O2 does not
    // vectorise the plain loop.
    typedef double Pair __attribute__((vector_size(16)));
    const double p = kPow10[scale];
    const Pair divisor = {p, p};
    size_t i = 0;
    for (; i + 2 <= count; i += 2) {
      Pair v;
      std::memcpy(&v, out + i, sizeof(v));
      v /= divisor;
      std::memcpy(out + i, &v, sizeof(v));
    }
    for (; i < count; ++i) out[i] /= p;
  }
  for (const auto& [r, bits] : raw) out[r] = FromBits(bits);
  return Status();
}

std::string DescribeDecimalFloat(ByteReader in) {
  uint8_t scale_byte = 0;
  uint64_t exceptions = 0;
  if (!in.ReadByte(&scale_byte, "").ok() || !in.ReadVarint(&exceptions, "").ok()) return "?";
  for (uint64_t e = 0; e < exceptions; ++e) {
    uint64_t gap, bits;
    if (!in.ReadVarint(&gap, "").ok() || !in.ReadFixed64(&bits, "").ok()) return "?";
  }
  const bool plain = (scale_byte & kDecimalPlainFlag) != 0;
  int64_t first;
  if (!plain && !in.ReadZigZagVarint(&first, "").ok()) return "?";
  return absl::StrFormat("scale=%d exceptions=%d %s=%s", scale_byte & ~kDecimalPlainFlag,
                         exceptions, plain ? "values" : "deltas", DescribePacked(in));
}

}  // namespace tsdb
