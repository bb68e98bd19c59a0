// Value codecs for float64 columns. Each Put* appends a codec payload
// (block_format.h) for the non-null values; each Get* decodes exactly `count`
// values and consumes the whole payload.
#ifndef TSDB_CORE_CODEC_FLOAT_CODECS_H_
#define TSDB_CORE_CODEC_FLOAT_CODECS_H_

#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "tsdb/status.h"
#include "util/coding.h"

namespace tsdb {

// kFloatDecimal: values that are exact scaled integers (v == i / 10^s for a
// shared s, bit for bit) become integers, then deltas in a packed stream.
// Values that are not (NaN payloads such as Prometheus's stale marker, +-Inf,
// -0.0, denormals, too many digits) are stored raw as exceptions. Returns
// false, appending nothing, when more than a quarter of the values would be
// exceptions: Gorilla or raw is then smaller.
bool PutDecimalFloat(absl::Span<const double> values, std::string* out);
Status GetDecimalFloat(ByteReader* in, size_t count, double* out);
// True when a kFloatDecimal payload has a scale above 0, so decoding divides
// every value (slower than Gorilla's decoding).
bool DecimalPayloadDivides(std::string_view payload);
std::string DescribeDecimalFloat(ByteReader in);

// kFloatGorilla: XOR with the previous value; a zero XOR costs one bit, else
// the meaningful bits within a leading/trailing-zero window. After Facebook's
// Gorilla (Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series
// Database", VLDB 2015), as Prometheus's chunkenc/xor.go uses it.
void PutGorillaXor(absl::Span<const double> values, std::string* out);
// A lower bound on PutGorillaXor's size in bits, from one cheap pass: lets
// the encoder skip Gorilla when another codec is already smaller. The pass
// may stop early once the bound reaches `limit` (it then returns >= limit).
uint64_t GorillaXorMinBits(absl::Span<const double> values, uint64_t limit = UINT64_MAX);
Status GetGorillaXor(ByteReader* in, size_t count, double* out);

}  // namespace tsdb

#endif  // TSDB_CORE_CODEC_FLOAT_CODECS_H_
