// Block payloads (include/tsdb/block_format.h) -> rows of a tsdb table;
// series_batch.cc writes them. Each attribute becomes one column chunk:
// float4/float8 as float64, bool as bool, the time column as timestamp, every other pass-by-value type as its
// Datum word in an int64 column (exact for all of them), and by-reference
// types as their bytes (varlena contents, cstring or fixed-length image).
// Dropped attributes are stored as all-NULL columns.
#ifndef TSDB_PG_BLOCK_CODEC_H_
#define TSDB_PG_BLOCK_CODEC_H_

#include <string>
#include <string_view>

#include "pg/postgres_headers.h"

extern "C" {
#include "access/tupdesc.h"
#include "utils/relcache.h"
}

namespace tsdb::pg {

// Throws (a C++ SqlError, DATA_CORRUPTED) "corrupt block in tsdb table
// \"<rel>\": <what>".
[[noreturn]] void ThrowCorruptBlock(Relation rel, const std::string& what);

// How an attribute is stored in a block (see above).
enum class ColumnKind { kFloat8, kFloat4, kBool, kWord, kBytes, kDropped };
ColumnKind KindOf(Form_pg_attribute attr);

// A palloc'd by-reference datum of a type of length `attlen` holding
// `bytes` as blocks store them: varlena contents (a header is added), a
// cstring with its NUL, or a fixed-length image. Plain Postgres code
// (palloc may raise): C++ callers use PgCall.
Datum DatumOfBytes(int16 attlen, std::string_view bytes);

// Columns of `rows` rows for the first `natts` attributes of `desc`:
// values[a][r] and nulls[a][r]; values[a] and nulls[a] are null for a column
// not decoded (see `wanted` below). All memory is palloc'd.
struct RowColumns {
  int rows;
  int natts;
  Datum** values;
  bool** nulls;
};

// Decodes a block into columns of `desc` (in CurrentMemoryContext): the
// descriptor of the slot being filled, which during ALTER TABLE's rewrite is
// the table's old one. Raises DATA_CORRUPTED, naming the table, when the
// block or its shape is wrong. With `wanted` (one flag per attribute of
// desc), only the wanted columns are decoded: scans decode what a query
// references, filter columns first.
RowColumns DecodeBlock(Relation rel, TupleDesc desc, const char* data, size_t size,
                       const bool* wanted = nullptr);
// Decodes the wanted columns of the same block that `columns` (from
// DecodeBlock) does not hold yet.
void DecodeMoreColumns(Relation rel, TupleDesc desc, const char* data, size_t size,
                       const bool* wanted, RowColumns* columns);

}  // namespace tsdb::pg

#endif  // TSDB_PG_BLOCK_CODEC_H_
