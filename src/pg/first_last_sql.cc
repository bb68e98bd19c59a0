// first(value, time) and last(value, time): the value of the row with the
// smallest / largest time, as TimescaleDB defines them (rows whose time is
// NULL are skipped; among equal times the row seen first wins; the value
// itself may be NULL). Any value type; any time type with a btree order.
//
// The state is `internal` (a value of any type and its time), with combine,
// serialize and deserialize functions so parallel plans can split the
// work. TsdbAggregate computes first/last of float8 columns by the time
// column itself (agg_node.cc).
#include <cstring>

// Postgres headers (through guard.h) after every C++ header.
#include "pg/guard.h"

extern "C" {
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "utils/datum.h"
#include "utils/typcache.h"
}

namespace {

struct BookendState {
  Oid value_type;
  Oid time_type;
  int16 value_len;
  bool value_byval;
  int16 time_len;
  bool time_byval;
  bool has;  // a row with a non-NULL time was seen
  bool value_null;
  Datum value;
  Datum time;
  FmgrInfo cmp;  // the time type's btree comparison
};

void InitTypes(BookendState* state, Oid value_type, Oid time_type) {
  state->value_type = value_type;
  state->time_type = time_type;
  get_typlenbyval(value_type, &state->value_len, &state->value_byval);
  get_typlenbyval(time_type, &state->time_len, &state->time_byval);
  TypeCacheEntry* entry = lookup_type_cache(time_type, TYPECACHE_CMP_PROC_FINFO);
  if (!OidIsValid(entry->cmp_proc)) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                    errmsg("could not identify a comparison function for type %s",
                           format_type_be(time_type)),
                    errhint("first() and last() need a time argument of an ordered type.")));
  }
  fmgr_info_copy(&state->cmp, &entry->cmp_proc_finfo, CurrentMemoryContext);
}

MemoryContext AggContextOrError(FunctionCallInfo fcinfo, const char* name) {
  MemoryContext context;
  if (!AggCheckCallContext(fcinfo, &context)) {
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("%s called in a non-aggregate context", name)));
  }
  return context;
}

// Whether `time` should replace the state's time: earlier for first,
// later for last (ties keep the row seen first).
bool Replaces(BookendState* state, Datum time, bool last) {
  if (!state->has) return true;
  const int cmp = DatumGetInt32(FunctionCall2Coll(&state->cmp, InvalidOid, time, state->time));
  return last ? cmp > 0 : cmp < 0;
}

void Store(BookendState* state, MemoryContext context, Datum value, bool value_null, Datum time) {
  MemoryContext caller = MemoryContextSwitchTo(context);
  if (state->has) {
    if (!state->value_byval && !state->value_null) pfree(DatumGetPointer(state->value));
    if (!state->time_byval) pfree(DatumGetPointer(state->time));
  }
  state->value_null = value_null;
  state->value = value_null ? Datum(0) : datumCopy(value, state->value_byval, state->value_len);
  state->time = datumCopy(time, state->time_byval, state->time_len);
  state->has = true;
  MemoryContextSwitchTo(caller);
}

Datum Transition(FunctionCallInfo fcinfo, bool last) {
  MemoryContext context = AggContextOrError(fcinfo, last ? "last" : "first");
  auto* state = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<BookendState*>(PG_GETARG_POINTER(0));
  if (state == nullptr) {
    MemoryContext caller = MemoryContextSwitchTo(context);
    state = static_cast<BookendState*>(palloc0(sizeof(BookendState)));
    InitTypes(state, get_fn_expr_argtype(fcinfo->flinfo, 1), get_fn_expr_argtype(fcinfo->flinfo, 2));
    MemoryContextSwitchTo(caller);
  }
  if (PG_ARGISNULL(2)) PG_RETURN_POINTER(state);  // rows without a time do not count
  const Datum time = PG_GETARG_DATUM(2);
  if (Replaces(state, time, last)) Store(state, context, PG_GETARG_DATUM(1), PG_ARGISNULL(1), time);
  PG_RETURN_POINTER(state);
}

Datum Combine(FunctionCallInfo fcinfo, bool last) {
  MemoryContext context = AggContextOrError(fcinfo, last ? "last" : "first");
  auto* into = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<BookendState*>(PG_GETARG_POINTER(0));
  auto* from = PG_ARGISNULL(1) ? nullptr : reinterpret_cast<BookendState*>(PG_GETARG_POINTER(1));
  if (from == nullptr || !from->has) {
    if (into == nullptr) PG_RETURN_NULL();
    PG_RETURN_POINTER(into);
  }
  if (into == nullptr) {
    MemoryContext caller = MemoryContextSwitchTo(context);
    into = static_cast<BookendState*>(palloc0(sizeof(BookendState)));
    InitTypes(into, from->value_type, from->time_type);
    MemoryContextSwitchTo(caller);
  }
  if (Replaces(into, from->time, last)) Store(into, context, from->value, from->value_null, from->time);
  PG_RETURN_POINTER(into);
}

Datum Final(FunctionCallInfo fcinfo) {
  auto* state = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<BookendState*>(PG_GETARG_POINTER(0));
  if (state == nullptr || !state->has || state->value_null) PG_RETURN_NULL();
  return state->value;
}

// Serialized: value type, time type, has, value NULL flag, then the value
// and the time in their types' binary send format.
void SendDatum(StringInfo buf, Oid type, Datum value) {
  Oid send;
  bool varlena;
  getTypeBinaryOutputInfo(type, &send, &varlena);
  bytea* bytes = OidSendFunctionCall(send, value);
  pq_sendint32(buf, VARSIZE(bytes) - VARHDRSZ);
  pq_sendbytes(buf, VARDATA(bytes), VARSIZE(bytes) - VARHDRSZ);
}

Datum ReceiveDatum(StringInfo buf, Oid type) {
  const int length = pq_getmsgint(buf, 4);
  StringInfoData item;
  initStringInfo(&item);
  appendBinaryStringInfo(&item, pq_getmsgbytes(buf, length), length);
  Oid receive, ioparam;
  getTypeBinaryInputInfo(type, &receive, &ioparam);
  return OidReceiveFunctionCall(receive, &item, ioparam, -1);
}

}  // namespace

TSDB_SQL_FUNCTION(tsdb_first_transition) { return Transition(fcinfo, false); }
TSDB_SQL_FUNCTION(tsdb_last_transition) { return Transition(fcinfo, true); }
TSDB_SQL_FUNCTION(tsdb_first_combine) { return Combine(fcinfo, false); }
TSDB_SQL_FUNCTION(tsdb_last_combine) { return Combine(fcinfo, true); }
TSDB_SQL_FUNCTION(tsdb_bookend_final) { return Final(fcinfo); }

TSDB_SQL_FUNCTION(tsdb_bookend_serialize) {
  auto* state = reinterpret_cast<BookendState*>(PG_GETARG_POINTER(0));
  StringInfoData buf;
  pq_begintypsend(&buf);
  pq_sendint32(&buf, state->value_type);
  pq_sendint32(&buf, state->time_type);
  pq_sendbyte(&buf, state->has);
  pq_sendbyte(&buf, state->value_null);
  if (state->has) {
    if (!state->value_null) SendDatum(&buf, state->value_type, state->value);
    SendDatum(&buf, state->time_type, state->time);
  }
  PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

TSDB_SQL_FUNCTION(tsdb_bookend_deserialize) {
  MemoryContext context = AggContextOrError(fcinfo, "first/last deserialize");
  bytea* bytes = PG_GETARG_BYTEA_PP(0);
  StringInfoData buf;
  buf.data = VARDATA_ANY(bytes);
  buf.len = VARSIZE_ANY_EXHDR(bytes);
  buf.maxlen = buf.len;
  buf.cursor = 0;
  MemoryContext caller = MemoryContextSwitchTo(context);
  auto* state = static_cast<BookendState*>(palloc0(sizeof(BookendState)));
  const Oid value_type = pq_getmsgint(&buf, 4);
  const Oid time_type = pq_getmsgint(&buf, 4);
  InitTypes(state, value_type, time_type);
  state->has = pq_getmsgbyte(&buf) != 0;
  state->value_null = pq_getmsgbyte(&buf) != 0;
  if (state->has) {
    if (!state->value_null) state->value = ReceiveDatum(&buf, value_type);
    state->time = ReceiveDatum(&buf, time_type);
  }
  pq_getmsgend(&buf);
  MemoryContextSwitchTo(caller);
  PG_RETURN_POINTER(state);
}
