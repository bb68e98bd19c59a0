// Value codecs for int64 and timestamp columns (block_format.h has the
// layouts). All arithmetic wraps modulo 2^64, so int64 extremes round-trip.
#ifndef TSDB_CORE_CODEC_INT_CODECS_H_
#define TSDB_CORE_CODEC_INT_CODECS_H_

#include <string>

#include "absl/types/span.h"
#include "tsdb/block_format.h"
#include "tsdb/status.h"
#include "util/coding.h"

namespace tsdb {

// kIntDelta: first value, then zigzag deltas (counters, sorted ids).
void PutIntDelta(absl::Span<const int64_t> values, std::string* out);
Status GetIntDelta(ByteReader* in, size_t count, int64_t* out);

// kIntPlain: zigzag values (small or random integers without order).
void PutIntPlain(absl::Span<const int64_t> values, std::string* out);
Status GetIntPlain(ByteReader* in, size_t count, int64_t* out);

// kDeltaOfDelta: first value, first delta, then zigzag delta-of-deltas
// (timestamps: a regular interval makes every delta-of-delta zero, and the
// packed stream is one byte).
void PutDeltaOfDelta(absl::Span<const int64_t> values, std::string* out);
Status GetDeltaOfDelta(ByteReader* in, size_t count, int64_t* out);

// For describe_encoded: the packed-stream mode behind an integer payload.
std::string DescribeIntPayload(Codec codec, ByteReader in);

}  // namespace tsdb

#endif  // TSDB_CORE_CODEC_INT_CODECS_H_
