// Encoding and decoding of column chunks (format: block_format.h).
//
// Each Encode* function tries the codecs that apply to its type and keeps the
// smallest result, so the choice is made per chunk by measured size. Each
// Decode* function validates everything (checksum, header, every length and
// count against the bytes present) before trusting it, and returns
// Corruption naming the first thing that is wrong.
//
// Thread safety: all functions are pure; they may run concurrently.
#ifndef TSDB_COLUMN_CHUNK_H_
#define TSDB_COLUMN_CHUNK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "tsdb/block_format.h"
#include "tsdb/status.h"

namespace tsdb {

// Null flags: empty means "no NULLs"; otherwise one byte per row, 1 = NULL.
using NullFlags = std::vector<uint8_t>;

// A decoded fixed-width column. values has one entry per row; a NULL row
// holds 0 (all-zero bits) so vectorised consumers need no branch.
template <typename T>
struct Column {
  std::vector<T> values;
  NullFlags nulls;
  bool IsNull(size_t row) const { return !nulls.empty() && nulls[row] != 0; }
};
using Float64Column = Column<double>;
using Int64Column = Column<int64_t>;
using BoolColumn = Column<uint8_t>;

// A decoded text column, kept dictionary-encoded: row i is
// dictionary[indices[i]] unless it is NULL (then indices[i] == 0). Decoding
// never materialises one string per row, so a tiny hostile chunk cannot
// expand into gigabytes.
struct TextColumn {
  std::vector<std::string> dictionary;
  std::vector<uint32_t> indices;
  NullFlags nulls;
  bool IsNull(size_t row) const { return !nulls.empty() && nulls[row] != 0; }
  std::string_view Value(size_t row) const { return dictionary[indices[row]]; }
};

struct DecodeOptions {
  // Fuzzers turn this off to reach the codecs behind the checksum; nothing
  // else should.
  bool verify_checksum = true;
};

// What a chunk's header says, checked against its bytes (checksum included)
// but without decoding the payload.
struct ChunkInfo {
  ColumnType type;
  Codec codec;
  uint64_t row_count;
  uint64_t null_count;
  size_t bytes;          // whole chunk, header and checksum included
  size_t payload_bytes;  // codec payload only
  // Codec detail for humans: packing mode, decimal scale, dictionary size.
  std::string detail;
};

// Values (one per row; entries at NULL rows are ignored) and nulls (empty or
// one flag per row). Fails with LimitExceeded above kMaxChunkRows rows and
// InvalidArgument when nulls has the wrong size.
Result<std::string> EncodeFloat64Chunk(absl::Span<const double> values,
                                       absl::Span<const uint8_t> nulls = {});
// type is kInt64 or kTimestamp; both use the same codecs.
Result<std::string> EncodeInt64Chunk(absl::Span<const int64_t> values,
                                     absl::Span<const uint8_t> nulls = {},
                                     ColumnType type = ColumnType::kInt64);
Result<std::string> EncodeTextChunk(absl::Span<const std::string_view> values,
                                    absl::Span<const uint8_t> nulls = {});
Result<std::string> EncodeBoolChunk(absl::Span<const uint8_t> values,
                                    absl::Span<const uint8_t> nulls = {});

Result<ChunkInfo> InspectChunk(std::string_view chunk, const DecodeOptions& options = {});

// Each decoder also checks the chunk's column type (kInt64 and kTimestamp
// both decode with DecodeInt64Chunk).
Result<Float64Column> DecodeFloat64Chunk(std::string_view chunk,
                                         const DecodeOptions& options = {});
Result<Int64Column> DecodeInt64Chunk(std::string_view chunk, const DecodeOptions& options = {});
Result<TextColumn> DecodeTextChunk(std::string_view chunk, const DecodeOptions& options = {});
Result<BoolColumn> DecodeBoolChunk(std::string_view chunk, const DecodeOptions& options = {});
// The same into *out, reusing its vectors' capacity (for readers that decode
// many chunks one after another).
Status DecodeFloat64Chunk(std::string_view chunk, Float64Column* out,
                          const DecodeOptions& options = {});
Status DecodeInt64Chunk(std::string_view chunk, Int64Column* out,
                        const DecodeOptions& options = {});

}  // namespace tsdb

#endif  // TSDB_COLUMN_CHUNK_H_
