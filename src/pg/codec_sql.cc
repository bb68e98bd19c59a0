// SQL face of the codecs: tsdb.encode_<type>(<type>[]) -> bytea,
// tsdb.decode_<type>(bytea) -> <type>[] for float8, timestamptz, int8 and
// text, and tsdb.describe_encoded(bytea) -> jsonb. The bytea is exactly a
// column chunk as blocks hold it (include/tsdb/block_format.h); these
// signatures are kept stable because tests outside the extension use them.
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/block.h"
#include "tsdb/column_chunk.h"
// Postgres headers (through guard.h) after every C++ header.
#include "pg/fault_injection.h"
#include "pg/guard.h"
#include "pg/sql_values.h"

namespace tsdb::pg {
namespace {

// The elements of a one-dimensional array argument (NULL elements allowed).
struct ArrayArg {
  int count = 0;
  Datum* values = nullptr;
  bool* nulls = nullptr;

  NullFlags NullFlagsOrEmpty() const {
    NullFlags flags;
    for (int i = 0; i < count; ++i) {
      if (nulls[i]) {
        flags.assign(nulls, nulls + count);
        break;
      }
    }
    return flags;
  }
};

ArrayArg GetArrayArg(FunctionCallInfo fcinfo, int arg, Oid element_type) {
  ArrayType* array = PgCall([&] { return PG_GETARG_ARRAYTYPE_P(arg); });
  if (ARR_NDIM(array) > 1) {
    throw SqlError(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
                   "expected a one-dimensional array, got " + std::to_string(ARR_NDIM(array)) +
                       " dimensions");
  }
  ArrayArg result;
  PgCall([&] {
    int16 typlen;
    bool typbyval;
    char typalign;
    get_typlenbyvalalign(element_type, &typlen, &typbyval, &typalign);
    deconstruct_array(array, element_type, typlen, typbyval, typalign, &result.values,
                      &result.nulls, &result.count);
  });
  return result;
}

std::string_view GetBytesArg(FunctionCallInfo fcinfo, int arg) {
  bytea* bytes = PgCall([&] { return PG_GETARG_BYTEA_PP(arg); });
  return std::string_view(VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
}

Datum MakeArray(std::vector<Datum>& values, const NullFlags& nulls, Oid element_type) {
  return PgCall([&] {
    int16 typlen;
    bool typbyval;
    char typalign;
    get_typlenbyvalalign(element_type, &typlen, &typbyval, &typalign);
    if (values.empty()) return PointerGetDatum(construct_empty_array(element_type));
    int dims[1] = {static_cast<int>(values.size())};
    int lbs[1] = {1};
    bool* null_array = nullptr;
    if (!nulls.empty()) {
      null_array = static_cast<bool*>(palloc(values.size() * sizeof(bool)));
      for (size_t i = 0; i < values.size(); ++i) null_array[i] = nulls[i] != 0;
    }
    return PointerGetDatum(construct_md_array(values.data(), null_array, 1, dims, lbs,
                                              element_type, typlen, typbyval, typalign));
  });
}

template <typename Column, typename ToDatum>
Datum ColumnToArray(const Column& col, Oid element_type, ToDatum to_datum) {
  std::vector<Datum> datums(col.values.size());
  for (size_t i = 0; i < datums.size(); ++i) datums[i] = to_datum(col.values[i]);
  return MakeArray(datums, col.nulls, element_type);
}

std::vector<int64_t> Int64Values(const ArrayArg& a) {
  std::vector<int64_t> values(a.count);
  for (int i = 0; i < a.count; ++i) values[i] = a.nulls[i] ? 0 : DatumGetInt64(a.values[i]);
  return values;
}

Datum EncodeInt64Array(FunctionCallInfo fcinfo, Oid element_type, ColumnType type) {
  LiveScope scope;
  ArrayArg a = GetArrayArg(fcinfo, 0, element_type);
  std::vector<int64_t> values = Int64Values(a);
  MaybeInjectFault();
  return BytesToDatum(ValueOrThrow(EncodeInt64Chunk(values, a.NullFlagsOrEmpty(), type),
                                   "could not encode values"));
}

Datum DecodeInt64Array(FunctionCallInfo fcinfo, Oid element_type, ColumnType want) {
  LiveScope scope;
  std::string_view chunk = GetBytesArg(fcinfo, 0);
  ChunkInfo info = ValueOrThrow(InspectChunk(chunk), "could not decode column chunk");
  if (info.type != want) {
    throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE,
                   std::string("column chunk holds ") + ColumnTypeName(info.type) +
                       " values, expected " + ColumnTypeName(want),
                   "", std::string("Use tsdb.decode_") + ColumnTypeName(info.type) + "().");
  }
  Int64Column col = ValueOrThrow(DecodeInt64Chunk(chunk), "could not decode column chunk");
  MaybeInjectFault();
  return ColumnToArray(col, element_type, [](int64_t v) { return Int64GetDatum(v); });
}

}  // namespace
}  // namespace tsdb::pg

using namespace tsdb;      // NOLINT: entry points below
using namespace tsdb::pg;  // NOLINT

TSDB_SQL_FUNCTION(tsdb_encode_float8) {
  LiveScope scope;
  ArrayArg a = GetArrayArg(fcinfo, 0, FLOAT8OID);
  std::vector<double> values(a.count);
  for (int i = 0; i < a.count; ++i) values[i] = a.nulls[i] ? 0 : DatumGetFloat8(a.values[i]);
  MaybeInjectFault();
  return BytesToDatum(
      ValueOrThrow(EncodeFloat64Chunk(values, a.NullFlagsOrEmpty()), "could not encode values"));
}

TSDB_SQL_FUNCTION(tsdb_decode_float8) {
  LiveScope scope;
  std::string_view chunk = GetBytesArg(fcinfo, 0);
  Float64Column col = ValueOrThrow(DecodeFloat64Chunk(chunk), "could not decode column chunk");
  MaybeInjectFault();
  return ColumnToArray(col, FLOAT8OID, [](double v) { return Float8GetDatum(v); });
}

TSDB_SQL_FUNCTION(tsdb_encode_int8) { return EncodeInt64Array(fcinfo, INT8OID, ColumnType::kInt64); }
TSDB_SQL_FUNCTION(tsdb_decode_int8) { return DecodeInt64Array(fcinfo, INT8OID, ColumnType::kInt64); }

TSDB_SQL_FUNCTION(tsdb_encode_timestamptz) {
  return EncodeInt64Array(fcinfo, TIMESTAMPTZOID, ColumnType::kTimestamp);
}
TSDB_SQL_FUNCTION(tsdb_decode_timestamptz) {
  return DecodeInt64Array(fcinfo, TIMESTAMPTZOID, ColumnType::kTimestamp);
}

TSDB_SQL_FUNCTION(tsdb_encode_text) {
  LiveScope scope;
  ArrayArg a = GetArrayArg(fcinfo, 0, TEXTOID);
  std::vector<std::string_view> values(a.count);
  for (int i = 0; i < a.count; ++i) {
    if (a.nulls[i]) continue;
    // Array elements are never toasted, but may have short headers.
    const text* t = reinterpret_cast<const text*>(DatumGetPointer(a.values[i]));
    values[i] = std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
  }
  MaybeInjectFault();
  return BytesToDatum(
      ValueOrThrow(EncodeTextChunk(values, a.NullFlagsOrEmpty()), "could not encode values"));
}

TSDB_SQL_FUNCTION(tsdb_decode_text) {
  LiveScope scope;
  std::string_view chunk = GetBytesArg(fcinfo, 0);
  TextColumn col = ValueOrThrow(DecodeTextChunk(chunk), "could not decode column chunk");
  MaybeInjectFault();
  // One text datum per distinct value; construct_md_array copies them.
  std::vector<Datum> entries(col.dictionary.size());
  for (size_t i = 0; i < entries.size(); ++i) entries[i] = TextToDatum(col.dictionary[i]);
  std::vector<Datum> datums(col.indices.size());
  for (size_t i = 0; i < datums.size(); ++i) {
    datums[i] = col.IsNull(i) ? Datum(0) : entries[col.indices[i]];
  }
  return MakeArray(datums, col.nulls, TEXTOID);
}
