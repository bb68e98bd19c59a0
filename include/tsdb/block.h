// Blocks: one series' rows for a time range, every column as a column chunk
// behind a versioned, checksummed header (format: block_format.h).
#ifndef TSDB_BLOCK_H_
#define TSDB_BLOCK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/block_format.h"
#include "tsdb/column_chunk.h"
#include "tsdb/status.h"

namespace tsdb {

// Per-column metadata kept in the block header, readable without decoding.
struct BlockColumnMeta {
  ColumnType type;
  Codec codec;
  uint64_t null_count = 0;
  // Smallest and largest non-null value; absent for text and all-NULL
  // columns. Floats order NaN above +Inf (Postgres's order); -0.0 == 0.0.
  bool has_min_max = false;
  int64_t min_int = 0, max_int = 0;  // int64, timestamp, bool
  double min_float = 0, max_float = 0;
  std::string_view chunk;  // the column chunk, into the block's bytes
};

// Builds a block column by column. Every column must have row_count rows.
// Not thread-safe.
class BlockBuilder {
 public:
  explicit BlockBuilder(uint64_t row_count) : row_count_(row_count) {}

  Status AddFloat64(absl::Span<const double> values, absl::Span<const uint8_t> nulls = {});
  Status AddInt64(absl::Span<const int64_t> values, absl::Span<const uint8_t> nulls = {});
  Status AddText(absl::Span<const std::string_view> values,
                 absl::Span<const uint8_t> nulls = {});
  Status AddBool(absl::Span<const uint8_t> values, absl::Span<const uint8_t> nulls = {});
  // The time column: a timestamp column without NULLs whose min and max go
  // into the block header. At most one per block.
  Status AddTime(absl::Span<const int64_t> micros);

  // REQUIRES: at least one column was added. Leaves the builder empty.
  Result<std::string> Finish();

 private:
  Status AddChunk(Result<std::string> chunk, BlockColumnMeta meta);
  Status CheckRows(size_t values, size_t nulls) const;

  uint64_t row_count_;
  std::optional<size_t> time_column_;
  int64_t min_time_ = 0, max_time_ = 0;
  std::vector<BlockColumnMeta> columns_;
  std::vector<std::string> chunks_;
};

// A validated view of a block. Open() checks magic, version, checksum and the
// directory against the bytes present; the Decode* calls then decode one
// column each and check it against the header. The reader borrows `bytes`:
// they must outlive it.
class BlockReader {
 public:
  static Result<BlockReader> Open(std::string_view bytes, const DecodeOptions& options = {});

  uint64_t row_count() const { return row_count_; }
  size_t column_count() const { return columns_.size(); }
  const BlockColumnMeta& column(size_t i) const { return columns_[i]; }
  bool has_time() const { return time_column_.has_value(); }
  size_t time_column() const { return *time_column_; }
  int64_t min_time() const { return min_time_; }
  int64_t max_time() const { return max_time_; }

  Result<Float64Column> DecodeFloat64(size_t column) const;
  Result<Int64Column> DecodeInt64(size_t column) const;  // int64 and timestamp
  // The same into *out, reusing its vectors' capacity.
  Status DecodeFloat64(size_t column, Float64Column* out) const;
  Status DecodeInt64(size_t column, Int64Column* out) const;
  Result<TextColumn> DecodeText(size_t column) const;
  Result<BoolColumn> DecodeBool(size_t column) const;

 private:
  DecodeOptions options_;
  uint64_t row_count_ = 0;
  std::optional<size_t> time_column_;
  int64_t min_time_ = 0, max_time_ = 0;
  std::vector<BlockColumnMeta> columns_;
};

}  // namespace tsdb

#endif  // TSDB_BLOCK_H_
