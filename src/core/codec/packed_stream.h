// Packed streams of unsigned 64-bit integers: the back end shared by every
// integer-producing codec (deltas, delta-of-deltas, zigzag values, dictionary
// indices). PutPacked measures each mode and keeps the smallest; the layout
// of each mode is in block_format.h.
#ifndef TSDB_CORE_CODEC_PACKED_STREAM_H_
#define TSDB_CORE_CODEC_PACKED_STREAM_H_

#include <cstdint>
#include <string>

#include "absl/types/span.h"
#include "tsdb/block_format.h"
#include "tsdb/status.h"
#include "util/coding.h"

namespace tsdb {

// Appends the smallest packed encoding of values to out.
void PutPacked(absl::Span<const uint64_t> values, std::string* out);

// Decodes exactly `count` values into out[0..count). A packed stream is
// always the last field of its payload: this consumes every remaining byte
// of `in` and fails if the stream does not end exactly there.
Status GetPacked(ByteReader* in, size_t count, uint64_t* out, const char* what);

// For describe_encoded: the mode of a packed stream starting at `in`,
// plus detail (width, alphabet size), without decoding.
std::string DescribePacked(ByteReader in);

}  // namespace tsdb

#endif  // TSDB_CORE_CODEC_PACKED_STREAM_H_
