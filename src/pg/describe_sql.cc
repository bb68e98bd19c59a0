// tsdb.describe_encoded(bytea) -> jsonb: what a column chunk or a block
// holds, from its header, after validating it (checksum included).
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"
#include "tsdb/block.h"
#include "tsdb/column_chunk.h"
// Postgres headers (through guard.h) after every C++ header.
#include "pg/fault_injection.h"
#include "pg/guard.h"
#include "pg/sql_values.h"

namespace tsdb::pg {
namespace {

void AppendField(std::string* json, const char* key, std::string_view value) {
  absl::StrAppendFormat(json, "\"%s\": ", key);
  AppendJsonString(json, value);
}

std::string DescribeChunk(std::string_view bytes) {
  ChunkInfo info = ValueOrThrow(InspectChunk(bytes), "could not decode column chunk");
  const uint64_t values = info.row_count - info.null_count;
  std::string json = "{\"kind\": \"chunk\", ";
  AppendField(&json, "type", ColumnTypeName(info.type));
  json += ", ";
  AppendField(&json, "codec", CodecName(info.codec));
  absl::StrAppendFormat(&json, ", \"count\": %d, \"null_count\": %d, \"bytes\": %d", info.row_count,
                        info.null_count, info.bytes);
  absl::StrAppendFormat(&json, ", \"payload_bytes\": %d", info.payload_bytes);
  if (values > 0) {
    absl::StrAppendFormat(&json, ", \"bits_per_value\": %.3f", info.bytes * 8.0 / values);
  }
  json += ", ";
  AppendField(&json, "detail", info.detail);
  json += "}";
  return json;
}

std::string DescribeBlock(std::string_view bytes) {
  BlockReader block = ValueOrThrow(BlockReader::Open(bytes), "could not decode block");
  std::string json = "{\"kind\": \"block\"";
  absl::StrAppendFormat(&json, ", \"rows\": %d, \"bytes\": %d", block.row_count(), bytes.size());
  if (block.has_time()) {
    absl::StrAppendFormat(&json, ", \"time_column\": %d, \"min_time_us\": %d, \"max_time_us\": %d",
                          block.time_column(), block.min_time(), block.max_time());
  }
  json += ", \"columns\": [";
  for (size_t i = 0; i < block.column_count(); ++i) {
    if (i > 0) json += ", ";
    json += DescribeChunk(block.column(i).chunk);
  }
  json += "]}";
  return json;
}

}  // namespace
}  // namespace tsdb::pg

TSDB_SQL_FUNCTION(tsdb_describe_encoded) {
  using namespace tsdb::pg;  // NOLINT
  LiveScope scope;
  bytea* arg = PgCall([&] { return PG_GETARG_BYTEA_PP(0); });
  std::string_view bytes(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg));
  const bool is_block = bytes.size() >= sizeof(tsdb::kBlockMagic) &&
                        bytes.compare(0, sizeof(tsdb::kBlockMagic),
                                      reinterpret_cast<const char*>(tsdb::kBlockMagic),
                                      sizeof(tsdb::kBlockMagic)) == 0;
  std::string json = is_block ? DescribeBlock(bytes) : DescribeChunk(bytes);
  MaybeInjectFault();
  return JsonbFromText(json);
}
