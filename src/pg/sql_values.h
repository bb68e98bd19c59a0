// Conversions between C++ values and Postgres datums, each allocation
// guarded (palloc can raise).
#ifndef TSDB_PG_SQL_VALUES_H_
#define TSDB_PG_SQL_VALUES_H_

#include <string>
#include <string_view>

#include "pg/guard.h"

namespace tsdb::pg {

// A bytea datum holding a copy of bytes.
Datum BytesToDatum(std::string_view bytes);
// A text datum holding a copy of s.
Datum TextToDatum(std::string_view s);
// A jsonb datum parsed from JSON text.
Datum JsonbFromText(const std::string& json);

// Appends s to out as a JSON string literal.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace tsdb::pg

#endif  // TSDB_PG_SQL_VALUES_H_
