// The layout of a tsdb table: which column is the time and which columns
// make up the series key (explicit in tsdb_internal.layouts, else the
// defaults of tsdb_internal.default_layout in sql/tsdb.sql, computed here
// the same way). Read straight from the catalogs, so a caller needs no
// privilege on tsdb.tables (COPY needs only INSERT).
//
// Plain Postgres code (see internal_catalog.h).
#ifndef TSDB_PG_TABLE_LAYOUT_H_
#define TSDB_PG_TABLE_LAYOUT_H_

#include "pg/postgres_headers.h"

extern "C" {
#include "utils/rel.h"
}

namespace tsdb::pg {

struct TableLayout {
  AttrNumber time_attnum = InvalidAttrNumber;  // InvalidAttrNumber: no time column
  int nkeys = 0;
  AttrNumber* keys = nullptr;  // palloc'd, nkeys entries, in key order
};

TableLayout LoadTableLayout(Relation rel);

}  // namespace tsdb::pg

#endif  // TSDB_PG_TABLE_LAYOUT_H_
