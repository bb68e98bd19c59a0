// SPI from C++: a connection object and parameterised statements, every
// call guarded (PgCall). Statements are fixed texts with $n parameters;
// values from users never become SQL text.
#ifndef TSDB_PG_SPI_H_
#define TSDB_PG_SPI_H_

#include <cstdint>
#include <string>
#include <vector>

#include "pg/guard.h"

extern "C" {
#include "executor/spi.h"
}

namespace tsdb::pg {

// SPI_connect for the lifetime of the object. The destructor calls
// SPI_finish unless an exception is unwinding: then the transaction aborts
// and Postgres releases the connection itself.
class SpiConnection {
 public:
  SpiConnection();
  ~SpiConnection();
  SpiConnection(const SpiConnection&) = delete;
  SpiConnection& operator=(const SpiConnection&) = delete;

 private:
  int uncaught_at_start_;
};

struct SpiParam {
  Oid type;
  Datum value;
};

// Runs `sql` with parameters ($1 ... in order); the rows are in
// SPI_tuptable until the next statement. Throws on error.
void SpiExecute(const char* sql, const std::vector<SpiParam>& params, bool read_only);

// Column `col` (1-based) of row `row` of SPI_tuptable; null when *null.
Datum SpiValue(uint64_t row, int col, bool* null);
int64_t SpiInt64(uint64_t row, int col);
std::string SpiText(uint64_t row, int col);

// One-dimensional arrays as datums (allocated in the current context).
Datum Int4Array(const std::vector<int32_t>& values);
Datum Int8Array(const std::vector<int64_t>& values);
Datum Float8Array(const std::vector<double>& values);
Datum TimestamptzArray(const std::vector<int64_t>& values);
Datum TextArray(const std::vector<std::string>& values);

// Milliseconds since the Unix epoch <-> timestamptz (microseconds since
// 2000-01-01), rounding toward minus infinity. Inline: the sample readers
// call them once per sample.
inline constexpr int64_t kPostgresEpochMs =
    static_cast<int64_t>(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * 1000;

inline int64_t TimestampToMs(TimestampTz t) {
  int64_t ms = t / 1000;
  if (t % 1000 < 0) --ms;
  return ms + kPostgresEpochMs;
}

inline TimestampTz MsToTimestamp(int64_t ms) { return (ms - kPostgresEpochMs) * 1000; }

}  // namespace tsdb::pg

#endif  // TSDB_PG_SPI_H_
