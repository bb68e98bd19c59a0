#include <cmath>

#include "tsdb/block.h"
#include "util/checksum.h"
#include "util/coding.h"

namespace tsdb {
namespace {

// Postgres's float order: NaN above everything, -0.0 equal to 0.0.
bool FloatLess(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return a < b;
}

template <typename T, typename Less>
void SetMinMax(absl::Span<const T> values, absl::Span<const uint8_t> nulls, Less less, bool* has,
               T* min, T* max) {
  *has = false;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!nulls.empty() && nulls[i]) continue;
    if (!*has) {
      *min = *max = values[i];
      *has = true;
      continue;
    }
    if (less(values[i], *min)) *min = values[i];
    if (less(*max, values[i])) *max = values[i];
  }
}

size_t CountNulls(absl::Span<const uint8_t> nulls) {
  size_t n = 0;
  for (uint8_t f : nulls) n += f != 0;
  return n;
}

}  // namespace

Status BlockBuilder::CheckRows(size_t values, size_t nulls) const {
  if (values != row_count_) {
    return InvalidArgument("column %d has %d rows, expected %d (the block's row count)",
                           columns_.size(), values, row_count_);
  }
  if (nulls != 0 && nulls != row_count_) {
    return InvalidArgument("null flags of column %d cover %d rows, expected %d", columns_.size(),
                           nulls, row_count_);
  }
  if (columns_.size() >= kMaxBlockColumns) {
    return LimitExceeded("a block holds at most %d columns", kMaxBlockColumns);
  }
  return Status();
}

Status BlockBuilder::AddChunk(Result<std::string> chunk, BlockColumnMeta meta) {
  if (!chunk.ok()) return chunk.status();
  meta.codec = static_cast<Codec>(static_cast<uint8_t>((*chunk)[2]));
  columns_.push_back(meta);
  chunks_.push_back(std::move(chunk).value());
  return Status();
}

Status BlockBuilder::AddFloat64(absl::Span<const double> values, absl::Span<const uint8_t> nulls) {
  TSDB_RETURN_IF_ERROR(CheckRows(values.size(), nulls.size()));
  BlockColumnMeta meta;
  meta.type = ColumnType::kFloat64;
  meta.null_count = CountNulls(nulls);
  SetMinMax(values, nulls, FloatLess, &meta.has_min_max, &meta.min_float, &meta.max_float);
  return AddChunk(EncodeFloat64Chunk(values, nulls), meta);
}

Status BlockBuilder::AddInt64(absl::Span<const int64_t> values, absl::Span<const uint8_t> nulls) {
  TSDB_RETURN_IF_ERROR(CheckRows(values.size(), nulls.size()));
  BlockColumnMeta meta;
  meta.type = ColumnType::kInt64;
  meta.null_count = CountNulls(nulls);
  SetMinMax(values, nulls, std::less<int64_t>(), &meta.has_min_max, &meta.min_int, &meta.max_int);
  return AddChunk(EncodeInt64Chunk(values, nulls, ColumnType::kInt64), meta);
}

Status BlockBuilder::AddText(absl::Span<const std::string_view> values,
                             absl::Span<const uint8_t> nulls) {
  TSDB_RETURN_IF_ERROR(CheckRows(values.size(), nulls.size()));
  BlockColumnMeta meta;
  meta.type = ColumnType::kText;
  meta.null_count = CountNulls(nulls);
  return AddChunk(EncodeTextChunk(values, nulls), meta);
}

Status BlockBuilder::AddBool(absl::Span<const uint8_t> values, absl::Span<const uint8_t> nulls) {
  TSDB_RETURN_IF_ERROR(CheckRows(values.size(), nulls.size()));
  BlockColumnMeta meta;
  meta.type = ColumnType::kBool;
  meta.null_count = CountNulls(nulls);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!nulls.empty() && nulls[i]) continue;
    int64_t v = values[i] != 0;
    if (!meta.has_min_max) {
      meta.min_int = meta.max_int = v;
      meta.has_min_max = true;
    }
    meta.min_int = std::min(meta.min_int, v);
    meta.max_int = std::max(meta.max_int, v);
  }
  return AddChunk(EncodeBoolChunk(values, nulls), meta);
}

Status BlockBuilder::AddTime(absl::Span<const int64_t> micros) {
  TSDB_RETURN_IF_ERROR(CheckRows(micros.size(), 0));
  if (time_column_) return InvalidArgument("a block has at most one time column");
  BlockColumnMeta meta;
  meta.type = ColumnType::kTimestamp;
  SetMinMax(micros, {}, std::less<int64_t>(), &meta.has_min_max, &meta.min_int, &meta.max_int);
  time_column_ = columns_.size();
  min_time_ = meta.min_int;
  max_time_ = meta.max_int;
  return AddChunk(EncodeInt64Chunk(micros, {}, ColumnType::kTimestamp), meta);
}

Result<std::string> BlockBuilder::Finish() {
  if (row_count_ < 1 || row_count_ > kMaxChunkRows) {
    return InvalidArgument("a block holds 1..%d rows, got %d", kMaxChunkRows, row_count_);
  }
  if (columns_.empty()) return InvalidArgument("a block needs at least one column");
  std::string out(reinterpret_cast<const char*>(kBlockMagic), sizeof(kBlockMagic));
  out.push_back(static_cast<char>(kBlockVersion));
  out.push_back(static_cast<char>(time_column_ ? kBlockFlagHasTime : 0));
  PutVarint(&out, row_count_);
  PutVarint(&out, columns_.size());
  if (time_column_) {
    PutVarint(&out, *time_column_);
    PutZigZagVarint(&out, min_time_);
    PutVarint(&out, static_cast<uint64_t>(max_time_) - static_cast<uint64_t>(min_time_));
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    const BlockColumnMeta& c = columns_[i];
    out.push_back(static_cast<char>(c.type));
    out.push_back(static_cast<char>(c.codec));
    PutVarint(&out, c.null_count);
    PutVarint(&out, chunks_[i].size());
    out.push_back(static_cast<char>(c.has_min_max ? 1 : 0));
    if (!c.has_min_max) continue;
    switch (c.type) {
      case ColumnType::kFloat64: {
        uint64_t bits;
        std::memcpy(&bits, &c.min_float, 8);
        PutFixed64(&out, bits);
        std::memcpy(&bits, &c.max_float, 8);
        PutFixed64(&out, bits);
        break;
      }
      case ColumnType::kBool:
        out.push_back(static_cast<char>(c.min_int));
        out.push_back(static_cast<char>(c.max_int));
        break;
      default:
        PutZigZagVarint(&out, c.min_int);
        PutZigZagVarint(&out, c.max_int);
        break;
    }
  }
  for (const std::string& chunk : chunks_) out.append(chunk);
  PutFixed64(&out, Checksum64(out.data(), out.size()));
  columns_.clear();
  chunks_.clear();
  time_column_.reset();
  return out;
}

}  // namespace tsdb
