// The baseline every codec benchmark compares against: a plain Gorilla
// encoder and decoder (Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory
// Time Series Database", VLDB 2015), with the changes Prometheus made in its
// chunkenc XOR chunk. The bench copy is written from the paper so the
// benchmark doesn't depend on tsdb's own Gorilla codec. A bug shared by the
// two would then cancel out of the comparison.
//
// Timestamps (delta-of-delta, Prometheus's buckets):
//   first timestamp    zigzag varint, as bytes in the bit stream
//   first delta        zigzag varint (Prometheus writes an unsigned varint
//                      here; a signed one lets unsorted input round-trip too)
//   each later one     dod = (t[i] - t[i-1]) - (t[i-1] - t[i-2]):
//                        '0'                    dod == 0
//                        '10'   + 14 bits       -8191 <= dod <= 8192
//                        '110'  + 17 bits       -65535 <= dod <= 65536
//                        '1110' + 20 bits       -524287 <= dod <= 524288
//                        '1111' + 64 bits       anything else
//                      A bucket of n bits holds two's complement values. A
//                      reader sees a raw value above 2^(n-1) as negative, so
//                      +2^(n-1) fits in n bits and -2^(n-1) does not.
// Values (XOR with a leading/trailing-zero window, as in the paper):
//   first value        64 raw bits
//   each later one     x = bits(v[i]) ^ bits(v[i-1]):
//                        '0'                    x == 0
//                        '10' + meaningful bits x fits the previous window
//                        '11' + 5 bits leading zeros (capped at 31)
//                             + 6 bits meaningful-bit count (64 stored as 0)
//                             + the meaningful bits
//
// Every stream starts with a 2-byte big-endian sample count, as a Prometheus
// chunk does. So the sizes compared include the same kind of framing as
// tsdb's chunk header. Bits are written most significant first, and the last
// byte is padded with zeros.
//
// Thread safety: all functions are pure.
#ifndef TSDB_BENCH_GORILLA_BASELINE_H_
#define TSDB_BENCH_GORILLA_BASELINE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tsdb {
namespace bench {

// Largest count the 2-byte header can hold.
inline constexpr size_t kGorillaMaxSamples = 65535;

// REQUIRES for every encoder: n <= kGorillaMaxSamples.

// Values only: count, then the XOR stream.
std::vector<uint8_t> GorillaEncodeValues(const double* values, size_t n);
// Timestamps only: count, then the delta-of-delta stream.
std::vector<uint8_t> GorillaEncodeTimestamps(const int64_t* timestamps, size_t n);
// A whole series as Prometheus stores it: count, then per sample the
// timestamp code followed by the value code.
std::vector<uint8_t> GorillaEncodeSeries(const int64_t* timestamps, const double* values, size_t n);

// Decoders replace *out's contents. They return false on input that is
// truncated or malformed (a window reused before one was set, trailing
// garbage is not checked). They never read outside [data, data + size).
bool GorillaDecodeValues(const uint8_t* data, size_t size, std::vector<double>* out);
bool GorillaDecodeTimestamps(const uint8_t* data, size_t size, std::vector<int64_t>* out);
bool GorillaDecodeSeries(const uint8_t* data, size_t size, std::vector<int64_t>* timestamps,
                         std::vector<double>* values);

}  // namespace bench
}  // namespace tsdb

#endif  // TSDB_BENCH_GORILLA_BASELINE_H_
