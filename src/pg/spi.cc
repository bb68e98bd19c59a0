#include "pg/spi.h"

#include <exception>

#include "pg/sql_values.h"

namespace tsdb::pg {

SpiConnection::SpiConnection() : uncaught_at_start_(std::uncaught_exceptions()) {
  const int rc = PgCall([] { return SPI_connect(); });
  if (rc != SPI_OK_CONNECT) throw SqlError(ERRCODE_INTERNAL_ERROR, "SPI_connect failed");
}

SpiConnection::~SpiConnection() {
  if (std::uncaught_exceptions() > uncaught_at_start_) return;
  // SPI_finish only reports an unconnected state, which cannot happen here.
  SPI_finish();
}

void SpiExecute(const char* sql, const std::vector<SpiParam>& params, bool read_only) {
  std::vector<Oid> types(params.size());
  std::vector<Datum> values(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    types[i] = params[i].type;
    values[i] = params[i].value;
  }
  const int rc = PgCall([&] {
    return SPI_execute_with_args(sql, static_cast<int>(params.size()), types.data(), values.data(),
                                 nullptr, read_only, 0);
  });
  if (rc < 0) {
    throw SqlError(ERRCODE_INTERNAL_ERROR,
                   std::string("internal query failed: ") + SPI_result_code_string(rc));
  }
}

Datum SpiValue(uint64_t row, int col, bool* null) {
  return PgCall([&] {
    return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, null);
  });
}

int64_t SpiInt64(uint64_t row, int col) {
  bool null;
  const Datum d = SpiValue(row, col, &null);
  if (null) return 0;
  const Oid type = SPI_gettypeid(SPI_tuptable->tupdesc, col);
  return type == INT4OID ? DatumGetInt32(d) : DatumGetInt64(d);
}

std::string SpiText(uint64_t row, int col) {
  bool null;
  const Datum d = SpiValue(row, col, &null);
  if (null) return {};
  text* t = PgCall([&] { return DatumGetTextPP(d); });
  return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

namespace {

template <typename T, typename ToDatum>
Datum MakeArray(const std::vector<T>& values, Oid type, int len, bool byval, char align,
                ToDatum to_datum) {
  return PgCall([&] {
    Datum* elems = static_cast<Datum*>(palloc(sizeof(Datum) * (values.size() + 1)));
    for (size_t i = 0; i < values.size(); ++i) elems[i] = to_datum(values[i]);
    return PointerGetDatum(
        construct_array(elems, static_cast<int>(values.size()), type, len, byval, align));
  });
}

}  // namespace

Datum Int4Array(const std::vector<int32_t>& values) {
  return MakeArray(values, INT4OID, 4, true, TYPALIGN_INT,
                   [](int32_t v) { return Int32GetDatum(v); });
}

Datum Int8Array(const std::vector<int64_t>& values) {
  return MakeArray(values, INT8OID, 8, true, TYPALIGN_DOUBLE,
                   [](int64_t v) { return Int64GetDatum(v); });
}

Datum Float8Array(const std::vector<double>& values) {
  return MakeArray(values, FLOAT8OID, 8, true, TYPALIGN_DOUBLE,
                   [](double v) { return Float8GetDatum(v); });
}

Datum TimestamptzArray(const std::vector<int64_t>& values) {
  return MakeArray(values, TIMESTAMPTZOID, 8, true, TYPALIGN_DOUBLE,
                   [](int64_t ms) { return TimestampTzGetDatum(MsToTimestamp(ms)); });
}

Datum TextArray(const std::vector<std::string>& values) {
  return MakeArray(values, TEXTOID, -1, false, TYPALIGN_INT, [](const std::string& s) {
    return PointerGetDatum(cstring_to_text_with_len(s.data(), static_cast<int>(s.size())));
  });
}

}  // namespace tsdb::pg
