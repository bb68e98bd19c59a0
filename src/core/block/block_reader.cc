#include <cmath>
#include <cstring>

#include "tsdb/block.h"
#include "util/checksum.h"
#include "util/coding.h"

namespace tsdb {
namespace {

// magic, version, flags, row count, column count, one directory entry.
constexpr size_t kMinBlockSize = 4 + 1 + 1 + 1 + 1 + 5 + kBlockChecksumSize;

bool FloatLess(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return a < b;
}

Status ReadMinMax(ByteReader* in, size_t column, BlockColumnMeta* c) {
  switch (c->type) {
    case ColumnType::kFloat64: {
      uint64_t lo, hi;
      TSDB_RETURN_IF_ERROR(in->ReadFixed64(&lo, "column minimum"));
      TSDB_RETURN_IF_ERROR(in->ReadFixed64(&hi, "column maximum"));
      std::memcpy(&c->min_float, &lo, 8);
      std::memcpy(&c->max_float, &hi, 8);
      if (FloatLess(c->max_float, c->min_float)) {
        return Corruption("column %d minimum %g exceeds its maximum %g", column, c->min_float,
                          c->max_float);
      }
      return Status();
    }
    case ColumnType::kBool: {
      uint8_t lo, hi;
      TSDB_RETURN_IF_ERROR(in->ReadByte(&lo, "column minimum"));
      TSDB_RETURN_IF_ERROR(in->ReadByte(&hi, "column maximum"));
      if (lo > hi || hi > 1) {
        return Corruption("column %d boolean min/max are %d/%d", column, lo, hi);
      }
      c->min_int = lo;
      c->max_int = hi;
      return Status();
    }
    case ColumnType::kText:
      return Corruption("text column %d claims a min/max", column);
    default:
      TSDB_RETURN_IF_ERROR(in->ReadZigZagVarint(&c->min_int, "column minimum"));
      TSDB_RETURN_IF_ERROR(in->ReadZigZagVarint(&c->max_int, "column maximum"));
      if (c->min_int > c->max_int) {
        return Corruption("column %d minimum %d exceeds its maximum %d", column, c->min_int,
                          c->max_int);
      }
      return Status();
  }
}

}  // namespace

Result<BlockReader> BlockReader::Open(std::string_view bytes, const DecodeOptions& options) {
  if (bytes.size() < kMinBlockSize) {
    return Corruption("block is %d bytes, expected at least %d", bytes.size(), kMinBlockSize);
  }
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t body = bytes.size() - kBlockChecksumSize;
  if (options.verify_checksum) {
    uint64_t stored = LoadFixed64(data + body);
    uint64_t computed = Checksum64(data, body);
    if (stored != computed) {
      return Corruption("block checksum mismatch: stored %016x, computed %016x", stored, computed);
    }
  }
  if (std::memcmp(data, kBlockMagic, sizeof(kBlockMagic)) != 0) {
    return Corruption("not a tsdb block: magic is %02x%02x%02x%02x, expected \"TSB1\"", data[0],
                      data[1], data[2], data[3]);
  }
  if (data[4] != kBlockVersion) {
    return Corruption("block format version is %d, expected %d", data[4], kBlockVersion);
  }
  const uint8_t flags = data[5];
  if ((flags & ~kBlockFlagHasTime) != 0) {
    return Corruption("block has unknown flags 0x%02x", flags);
  }
  BlockReader r;
  r.options_ = options;
  ByteReader in(data + 6, body - 6);
  TSDB_RETURN_IF_ERROR(in.ReadBoundedVarint(&r.row_count_, kMaxChunkRows, "block row count"));
  if (r.row_count_ == 0) return Corruption("block row count is 0");
  uint64_t columns;
  TSDB_RETURN_IF_ERROR(in.ReadBoundedVarint(&columns, kMaxBlockColumns, "block column count"));
  if (columns == 0) return Corruption("block column count is 0");
  // Each directory entry takes at least 5 bytes.
  if (columns * 5 > in.remaining()) {
    return Corruption("block claims %d columns but has only %d bytes of directory and data",
                      columns, in.remaining());
  }
  if (flags & kBlockFlagHasTime) {
    uint64_t time_column, span;
    TSDB_RETURN_IF_ERROR(in.ReadBoundedVarint(&time_column, columns - 1, "time column index"));
    TSDB_RETURN_IF_ERROR(in.ReadZigZagVarint(&r.min_time_, "block min time"));
    TSDB_RETURN_IF_ERROR(in.ReadVarint(&span, "block time span"));
    if (static_cast<__int128>(r.min_time_) + span > INT64_MAX) {
      return Corruption("block time span %d overflows from min time %d", span, r.min_time_);
    }
    r.max_time_ = static_cast<int64_t>(static_cast<__int128>(r.min_time_) + span);
    r.time_column_ = time_column;
  }
  std::vector<uint64_t> sizes(columns);
  r.columns_.resize(columns);
  uint64_t total = 0;
  for (uint64_t i = 0; i < columns; ++i) {
    BlockColumnMeta& c = r.columns_[i];
    uint8_t type, codec, has_min_max;
    TSDB_RETURN_IF_ERROR(in.ReadByte(&type, "column type"));
    if (type < static_cast<uint8_t>(ColumnType::kFloat64) ||
        type > static_cast<uint8_t>(ColumnType::kBool)) {
      return Corruption("column %d has unknown type %d", i, type);
    }
    c.type = static_cast<ColumnType>(type);
    TSDB_RETURN_IF_ERROR(in.ReadByte(&codec, "column codec"));
    c.codec = static_cast<Codec>(codec);
    TSDB_RETURN_IF_ERROR(in.ReadBoundedVarint(&c.null_count, r.row_count_, "column null count"));
    TSDB_RETURN_IF_ERROR(in.ReadBoundedVarint(&sizes[i], body, "column chunk size"));
    total += sizes[i];
    TSDB_RETURN_IF_ERROR(in.ReadByte(&has_min_max, "column min/max flag"));
    if (has_min_max > 1) return Corruption("column %d min/max flag is %d", i, has_min_max);
    c.has_min_max = has_min_max == 1;
    if (c.has_min_max) TSDB_RETURN_IF_ERROR(ReadMinMax(&in, i, &c));
  }
  if (total != in.remaining()) {
    return Corruption("block directory sizes add up to %d bytes, %d bytes of chunks follow", total,
                      in.remaining());
  }
  // Every chunk must agree with its directory entry before anything decodes.
  const char* pos = reinterpret_cast<const char*>(in.position());
  for (uint64_t i = 0; i < columns; ++i) {
    BlockColumnMeta& c = r.columns_[i];
    c.chunk = std::string_view(pos, sizes[i]);
    pos += sizes[i];
    Result<ChunkInfo> info = InspectChunk(c.chunk, options);
    if (!info.ok()) {
      return Corruption("column %d of the block: %s", i, info.status().message());
    }
    if (info->type != c.type || info->codec != c.codec || info->row_count != r.row_count_ ||
        info->null_count != c.null_count) {
      return Corruption(
          "column %d chunk (%s, %s, %d rows, %d nulls) disagrees with the block header "
          "(%s, %s, %d rows, %d nulls)",
          i, ColumnTypeName(info->type), CodecName(info->codec), info->row_count,
          info->null_count, ColumnTypeName(c.type), CodecName(c.codec), r.row_count_,
          c.null_count);
    }
    if (c.has_min_max == (c.null_count == r.row_count_) && c.type != ColumnType::kText) {
      return Corruption("column %d min/max presence disagrees with its %d nulls", i, c.null_count);
    }
  }
  if (r.time_column_) {
    const BlockColumnMeta& t = r.columns_[*r.time_column_];
    if (t.type != ColumnType::kTimestamp || t.null_count != 0 || !t.has_min_max ||
        t.min_int != r.min_time_ || t.max_int != r.max_time_) {
      return Corruption("time column %d disagrees with the block's time range", *r.time_column_);
    }
  }
  return r;
}

namespace {

// Decodes one column with `decode(chunk, options)` and checks it against the
// block's row count.
template <typename Col, typename Decode>
Result<Col> DecodeColumnOf(const std::vector<BlockColumnMeta>& columns, uint64_t rows,
                           const DecodeOptions& options, size_t column, Decode decode) {
  if (column >= columns.size()) {
    return InvalidArgument("column %d requested from a block of %d columns", column,
                           columns.size());
  }
  TSDB_ASSIGN_OR_RETURN(Col col, decode(columns[column].chunk, options));
  const size_t decoded = col.nulls.empty() ? rows : col.nulls.size();
  if (decoded != rows) {
    return Corruption("column %d decoded to %d rows, expected %d", column, decoded, rows);
  }
  return col;
}

// The same into *out (its capacity reused).
template <typename Col, typename Decode>
Status DecodeColumnInto(const std::vector<BlockColumnMeta>& columns, uint64_t rows,
                        const DecodeOptions& options, size_t column, Decode decode, Col* out) {
  if (column >= columns.size()) {
    return InvalidArgument("column %d requested from a block of %d columns", column,
                           columns.size());
  }
  TSDB_RETURN_IF_ERROR(decode(columns[column].chunk, out, options));
  const size_t decoded = out->values.size();
  if (decoded != rows) {
    return Corruption("column %d decoded to %d rows, expected %d", column, decoded, rows);
  }
  return Status();
}

}  // namespace

Status BlockReader::DecodeFloat64(size_t column, Float64Column* out) const {
  return DecodeColumnInto(
      columns_, row_count_, options_, column,
      [](std::string_view chunk, Float64Column* col, const DecodeOptions& options) {
        return DecodeFloat64Chunk(chunk, col, options);
      },
      out);
}

Status BlockReader::DecodeInt64(size_t column, Int64Column* out) const {
  return DecodeColumnInto(
      columns_, row_count_, options_, column,
      [](std::string_view chunk, Int64Column* col, const DecodeOptions& options) {
        return DecodeInt64Chunk(chunk, col, options);
      },
      out);
}

Result<Float64Column> BlockReader::DecodeFloat64(size_t column) const {
  Float64Column col;
  TSDB_RETURN_IF_ERROR(DecodeFloat64(column, &col));
  return col;
}

Result<Int64Column> BlockReader::DecodeInt64(size_t column) const {
  Int64Column col;
  TSDB_RETURN_IF_ERROR(DecodeInt64(column, &col));
  return col;
}

Result<TextColumn> BlockReader::DecodeText(size_t column) const {
  return DecodeColumnOf<TextColumn>(columns_, row_count_, options_, column, DecodeTextChunk);
}

Result<BoolColumn> BlockReader::DecodeBool(size_t column) const {
  return DecodeColumnOf<BoolColumn>(columns_, row_count_, options_, column, DecodeBoolChunk);
}

}  // namespace tsdb
