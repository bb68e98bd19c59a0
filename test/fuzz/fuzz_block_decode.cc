// libFuzzer target: arbitrary bytes as a block.
//
// BlockReader::Open must accept or reject any bytes with a Status. For an
// opened block every column is decoded with the decoder of its type (which
// must agree with the directory: row count, null count) and with one of
// another type, which must fail. The checksum is off so mutations reach the
// directory and the chunks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tsdb/block.h"
#include "tsdb/block_format.h"
#include "tsdb/column_chunk.h"

namespace {

using tsdb::ColumnType;

// A 4 KiB input can describe many columns of kMaxChunkRows rows each
// (kConstant, kZero). Decoding stops after this many cells so one input
// stays well under libFuzzer's timeout; the directory is still checked.
constexpr uint64_t kMaxDecodedCells = uint64_t{1} << 25;

void Check(bool ok) {
  if (!ok) abort();
}

template <typename Col>
void CheckColumn(const tsdb::BlockReader& reader, size_t i, const tsdb::Result<Col>& col,
                 size_t rows) {
  if (!col.ok()) return;
  Check(rows == reader.row_count());
  Check(col->nulls.empty() || col->nulls.size() == rows);
  uint64_t nulls = 0;
  for (uint8_t f : col->nulls) nulls += f != 0;
  Check(nulls == reader.column(i).null_count);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  tsdb::DecodeOptions options;
  options.verify_checksum = false;
  tsdb::Result<tsdb::BlockReader> reader = tsdb::BlockReader::Open(bytes, options);
  if (!reader.ok()) return 0;
  Check(reader->row_count() >= 1 && reader->row_count() <= tsdb::kMaxChunkRows);
  Check(reader->column_count() >= 1 && reader->column_count() <= tsdb::kMaxBlockColumns);
  if (reader->has_time()) {
    Check(reader->time_column() < reader->column_count());
    Check(reader->min_time() <= reader->max_time());
  }
  uint64_t cells = 0;
  for (size_t i = 0; i < reader->column_count(); i++) {
    const tsdb::BlockColumnMeta& meta = reader->column(i);
    // Every chunk view lies inside the block.
    Check(meta.chunk.empty() ||
          (meta.chunk.data() >= bytes.data() &&
           meta.chunk.data() + meta.chunk.size() <= bytes.data() + bytes.size()));
    if (cells > kMaxDecodedCells) continue;
    cells += reader->row_count();
    switch (meta.type) {
      case ColumnType::kFloat64: {
        auto col = reader->DecodeFloat64(i);
        if (col.ok()) CheckColumn(*reader, i, col, col->values.size());
        Check(!reader->DecodeInt64(i).ok());
        break;
      }
      case ColumnType::kInt64:
      case ColumnType::kTimestamp: {
        auto col = reader->DecodeInt64(i);
        if (col.ok()) CheckColumn(*reader, i, col, col->values.size());
        Check(!reader->DecodeBool(i).ok());
        break;
      }
      case ColumnType::kText: {
        auto col = reader->DecodeText(i);
        if (col.ok()) {
          CheckColumn(*reader, i, col, col->indices.size());
          for (size_t row = 0; row < col->indices.size(); row++) {
            if (!col->IsNull(row)) Check(col->indices[row] < col->dictionary.size());
          }
        }
        Check(!reader->DecodeFloat64(i).ok());
        break;
      }
      case ColumnType::kBool: {
        auto col = reader->DecodeBool(i);
        if (col.ok()) CheckColumn(*reader, i, col, col->values.size());
        Check(!reader->DecodeText(i).ok());
        break;
      }
      default:
        abort();  // Open() must reject unknown column types
    }
  }
  return 0;
}
