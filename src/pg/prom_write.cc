// Writes through the tsdb.metrics view (sql/tsdb.sql): INSERT and COPY of
// (labels jsonb, time, value) rows. The row trigger only validates and
// buffers; the buffer is written in batches (series ids resolved for all
// its label sets at once, samples inserted with one statement) when it
// fills and at the end of the statement (the statement trigger).
//
// Buffers are kept per transaction nesting level: a statement that runs in
// a subtransaction (a PL/pgSQL exception block called while an outer INSERT
// buffers rows) writes and flushes its own rows there, so an abort of that
// subtransaction loses only them. An abort drops the buffers of its level
// and deeper, and the id caches (ids created there are gone).
#include <map>
#include <string>
#include <vector>

#include "pg/guard.h"
#include "pg/prom_catalog.h"
#include "pg/spi.h"
#include "tsdb/promql/matcher.h"
#include "tsdb/promql/value.h"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/trigger.h"
}

namespace tsdb::pg {

namespace {

constexpr size_t kBatchRows = 50000;

struct PendingSamples {
  std::vector<promql::Labels> labels;
  std::vector<int64_t> times_ms;
  std::vector<double> values;
};

// Nesting level -> its buffer.
std::map<int, PendingSamples>& Buffers() {
  static auto* buffers = new std::map<int, PendingSamples>();
  return *buffers;
}

PendingSamples& Pending() { return Buffers()[GetCurrentTransactionNestLevel()]; }

void Flush() {
  PendingSamples& p = Pending();
  if (p.values.empty()) return;
  {
    SpiConnection spi;
    const std::vector<int64_t> ids = ResolveSeries(p.labels);
    InsertSamples(ids, p.times_ms, p.values);
  }
  p.labels.clear();
  p.times_ms.clear();
  p.values.clear();
}

// Drops the buffers of `level` and deeper, and the id caches.
void DropPending(int level) {
  auto& buffers = Buffers();
  buffers.erase(buffers.lower_bound(level), buffers.end());
  ResetCatalogCache();
}

void OnXactEvent(XactEvent event, void*) {
  switch (event) {
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
      DropPending(0);
      break;
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PREPARE:
      // Ids are cached for one transaction only: another session may
      // delete catalog rows (retention, a cleanup) between transactions.
      ResetCatalogCache();
      break;
    default:
      break;
  }
}

void OnSubXactEvent(SubXactEvent event, SubTransactionId, SubTransactionId, void*) {
  // Called while the aborting subtransaction is still the current one.
  if (event == SUBXACT_EVENT_ABORT_SUB) DropPending(GetCurrentTransactionNestLevel());
}

// The labels of a written row: a jsonb object whose values are strings,
// with a non-empty __name__.
promql::Labels LabelsOf(Datum d) {
  Jsonb* jb = PgCall([&] { return DatumGetJsonbP(d); });
  if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb)) {
    throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE,
                   "labels must be a jsonb object of label names to string values");
  }
  std::vector<promql::Label> labels;
  JsonbIterator* it = PgCall([&] { return JsonbIteratorInit(&jb->root); });
  JsonbValue v;
  std::string key;
  for (;;) {
    const JsonbIteratorToken token = PgCall([&] { return JsonbIteratorNext(&it, &v, true); });
    if (token == WJB_DONE) break;
    if (token == WJB_KEY) {
      key.assign(v.val.string.val, static_cast<size_t>(v.val.string.len));
      if (!promql::IsValidLabelName(key)) {
        throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "invalid label name \"" + key + "\"");
      }
    } else if (token == WJB_VALUE) {
      if (v.type != jbvString) {
        throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE,
                       "label \"" + key + "\" must have a string value",
                       "Labels are a jsonb object like {\"__name__\": \"up\", \"job\": \"api\"}.");
      }
      labels.push_back(promql::Label{
          key, std::string(v.val.string.val, static_cast<size_t>(v.val.string.len))});
    }
  }
  promql::Labels out(std::move(labels));
  if (out.MetricName().empty()) {
    throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE,
                   "labels must have a non-empty \"__name__\" (the metric name)");
  }
  return out;
}

}  // namespace

void InitPromWrite() {
  RegisterXactCallback(OnXactEvent, nullptr);
  RegisterSubXactCallback(OnSubXactEvent, nullptr);
}

}  // namespace tsdb::pg

using tsdb::pg::SqlError;

TSDB_SQL_FUNCTION(tsdb_metrics_insert_row) {
  using namespace tsdb::pg;  // NOLINT
  if (!CALLED_AS_TRIGGER(fcinfo)) {
    throw SqlError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED, "not called as a trigger");
  }
  TriggerData* trigger = reinterpret_cast<TriggerData*>(fcinfo->context);
  if (!TRIGGER_FIRED_INSTEAD(trigger->tg_event) || !TRIGGER_FIRED_FOR_ROW(trigger->tg_event) ||
      !TRIGGER_FIRED_BY_INSERT(trigger->tg_event)) {
    throw SqlError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED,
                   "tsdb_metrics_insert_row must run INSTEAD OF INSERT FOR EACH ROW");
  }
  HeapTuple tuple = trigger->tg_trigtuple;
  TupleDesc desc = trigger->tg_relation->rd_att;
  bool nulls[3];
  Datum values[3];
  PgCall([&] {
    for (int i = 0; i < 3; ++i) values[i] = heap_getattr(tuple, i + 1, desc, &nulls[i]);
  });
  static const char* kColumns[3] = {"labels", "time", "value"};
  for (int i = 0; i < 3; ++i) {
    if (nulls[i]) {
      throw SqlError(ERRCODE_NOT_NULL_VIOLATION,
                     std::string("null value in column \"") + kColumns[i] +
                         "\" of a sample written to tsdb.metrics");
    }
  }
  PendingSamples& p = Pending();
  p.labels.push_back(LabelsOf(values[0]));
  p.times_ms.push_back(TimestampToMs(DatumGetTimestampTz(values[1])));
  p.values.push_back(DatumGetFloat8(values[2]));
  if (p.values.size() >= kBatchRows) Flush();
  return PointerGetDatum(tuple);
}

TSDB_SQL_FUNCTION(tsdb_metrics_insert_flush) {
  using namespace tsdb::pg;  // NOLINT
  if (!CALLED_AS_TRIGGER(fcinfo)) {
    throw SqlError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED, "not called as a trigger");
  }
  Flush();
  return PointerGetDatum(nullptr);
}
