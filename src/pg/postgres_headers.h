// The one place src/pg includes Postgres's C headers. Their macros (Min, Max,
// snprintf, likely, ...) clash with C++ headers, so include every C++ header
// a file needs before this one.
#ifndef TSDB_PG_POSTGRES_HEADERS_H_
#define TSDB_PG_POSTGRES_HEADERS_H_

extern "C" {
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
}

#endif  // TSDB_PG_POSTGRES_HEADERS_H_
