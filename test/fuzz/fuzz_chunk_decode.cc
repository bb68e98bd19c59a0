// libFuzzer target: arbitrary bytes as a column chunk.
//
// Every decoder must return a Status (never crash, hang or over-allocate)
// whatever the bytes, and must refuse chunks of another column type. The
// checksum is off so mutations reach the codecs behind it. A chunk that does
// decode must agree with InspectChunk and survive a re-encode and decode
// bit for bit; anything else aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/block_format.h"
#include "tsdb/column_chunk.h"

namespace {

using tsdb::ColumnType;

// Re-encoding runs every codec over the decoded values; above this many rows
// that is too slow for a fuzzing iteration (a 4 KiB input can claim
// kMaxChunkRows rows), so large chunks are only decoded.
constexpr size_t kMaxReencodeRows = size_t{1} << 16;

void Check(bool ok) {
  if (!ok) abort();
}

bool RowIsNull(const tsdb::NullFlags& nulls, size_t row) {
  return !nulls.empty() && nulls[row] != 0;
}

// What every successful decode promises: one value per row, null flags
// empty or one per row, as many NULLs as the header says, zero bits at NULL
// rows.
template <typename T>
void CheckShape(const std::vector<T>& values, const tsdb::NullFlags& nulls,
                const tsdb::Result<tsdb::ChunkInfo>& info) {
  Check(info.ok());
  Check(values.size() == info->row_count);
  Check(nulls.empty() || nulls.size() == values.size());
  size_t null_count = 0;
  for (size_t i = 0; i < values.size(); i++) {
    if (!RowIsNull(nulls, i)) continue;
    null_count++;
    T zero{};
    Check(std::memcmp(&values[i], &zero, sizeof(T)) == 0);
  }
  Check(null_count == info->null_count);
}

template <typename T>
void CheckSameColumn(const tsdb::Column<T>& a, const tsdb::Column<T>& b) {
  Check(a.values.size() == b.values.size());
  Check(a.values.empty() ||
        std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(T)) == 0);
  for (size_t i = 0; i < a.values.size(); i++) Check(a.IsNull(i) == b.IsNull(i));
}

void FuzzFloat64(std::string_view chunk, const tsdb::DecodeOptions& options,
                 const tsdb::Result<tsdb::ChunkInfo>& info) {
  tsdb::Result<tsdb::Float64Column> col = tsdb::DecodeFloat64Chunk(chunk, options);
  if (!col.ok()) return;
  Check(info.ok());  // a chunk that decodes must also inspect
  Check(info->type == ColumnType::kFloat64);
  CheckShape(col->values, col->nulls, info);
  if (col->values.size() > kMaxReencodeRows) return;
  tsdb::Result<std::string> again = tsdb::EncodeFloat64Chunk(col->values, col->nulls);
  Check(again.ok());
  tsdb::Result<tsdb::Float64Column> col2 = tsdb::DecodeFloat64Chunk(*again);
  Check(col2.ok());
  CheckSameColumn(*col, *col2);
}

void FuzzInt64(std::string_view chunk, const tsdb::DecodeOptions& options,
               const tsdb::Result<tsdb::ChunkInfo>& info) {
  tsdb::Result<tsdb::Int64Column> col = tsdb::DecodeInt64Chunk(chunk, options);
  if (!col.ok()) return;
  Check(info.ok());  // a chunk that decodes must also inspect
  Check(info->type == ColumnType::kInt64 || info->type == ColumnType::kTimestamp);
  CheckShape(col->values, col->nulls, info);
  if (col->values.size() > kMaxReencodeRows) return;
  tsdb::Result<std::string> again = tsdb::EncodeInt64Chunk(col->values, col->nulls, info->type);
  Check(again.ok());
  tsdb::Result<tsdb::Int64Column> col2 = tsdb::DecodeInt64Chunk(*again);
  Check(col2.ok());
  CheckSameColumn(*col, *col2);
  tsdb::Result<tsdb::ChunkInfo> info2 = tsdb::InspectChunk(*again);
  Check(info2.ok() && info2->type == info->type);
}

void FuzzBool(std::string_view chunk, const tsdb::DecodeOptions& options,
              const tsdb::Result<tsdb::ChunkInfo>& info) {
  tsdb::Result<tsdb::BoolColumn> col = tsdb::DecodeBoolChunk(chunk, options);
  if (!col.ok()) return;
  Check(info.ok());  // a chunk that decodes must also inspect
  Check(info->type == ColumnType::kBool);
  CheckShape(col->values, col->nulls, info);
  for (uint8_t v : col->values) Check(v <= 1);
  if (col->values.size() > kMaxReencodeRows) return;
  tsdb::Result<std::string> again = tsdb::EncodeBoolChunk(col->values, col->nulls);
  Check(again.ok());
  tsdb::Result<tsdb::BoolColumn> col2 = tsdb::DecodeBoolChunk(*again);
  Check(col2.ok());
  CheckSameColumn(*col, *col2);
}

void FuzzText(std::string_view chunk, const tsdb::DecodeOptions& options,
              const tsdb::Result<tsdb::ChunkInfo>& info) {
  tsdb::Result<tsdb::TextColumn> col = tsdb::DecodeTextChunk(chunk, options);
  if (!col.ok()) return;
  Check(info.ok());  // a chunk that decodes must also inspect
  Check(info->type == ColumnType::kText);
  CheckShape(col->indices, col->nulls, info);
  for (size_t i = 0; i < col->indices.size(); i++) {
    if (!col->IsNull(i)) Check(col->indices[i] < col->dictionary.size());
  }
  if (col->indices.size() > kMaxReencodeRows) return;
  // Compare strings per row: the dictionary order of the re-encoded chunk
  // may differ (a hostile dictionary can hold duplicates or unused entries).
  std::vector<std::string_view> values(col->indices.size());
  for (size_t i = 0; i < values.size(); i++) {
    if (!col->IsNull(i)) values[i] = col->Value(i);
  }
  tsdb::Result<std::string> again = tsdb::EncodeTextChunk(values, col->nulls);
  Check(again.ok());
  tsdb::Result<tsdb::TextColumn> col2 = tsdb::DecodeTextChunk(*again);
  Check(col2.ok());
  Check(col2->indices.size() == values.size());
  for (size_t i = 0; i < values.size(); i++) {
    Check(col->IsNull(i) == col2->IsNull(i));
    if (!col->IsNull(i)) Check(col2->Value(i) == values[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view chunk(reinterpret_cast<const char*>(data), size);
  tsdb::DecodeOptions options;
  options.verify_checksum = false;
  tsdb::Result<tsdb::ChunkInfo> info = tsdb::InspectChunk(chunk, options);
  if (info.ok()) {
    Check(info->bytes == size);
    Check(info->payload_bytes <= size);
    Check(info->null_count <= info->row_count);
    Check(info->row_count <= tsdb::kMaxChunkRows);
  }
  // All four decoders run on every input: the three of the wrong type must
  // fail cleanly, and each success is checked against InspectChunk.
  FuzzFloat64(chunk, options, info);
  FuzzInt64(chunk, options, info);
  FuzzBool(chunk, options, info);
  FuzzText(chunk, options, info);
  return 0;
}
