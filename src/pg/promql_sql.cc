// The PromQL SQL functions (sql/tsdb.sql): tsdb.promql_query,
// tsdb.promql_query_range, tsdb.promql_explain, tsdb.promql_load. Queries
// run the core engine over PgSeriesSource as the calling user; a statement
// timeout or pg_cancel_backend stops them between units of work (the
// engine's interrupt check runs CHECK_FOR_INTERRUPTS).
#include <optional>
#include <string>
#include <vector>

#include "pg/guard.h"
#include "pg/pg_series_source.h"
#include "pg/prom_catalog.h"
#include "pg/spi.h"
#include "pg/sql_values.h"
#include "tsdb/promql/engine.h"
#include "tsdb/promql/explain.h"
#include "tsdb/promql/parser.h"
#include "tsdb/promql/test_script.h"

extern "C" {
#include "utils/tuplestore.h"
}

namespace tsdb::pg {

// GUCs (InitPromql).
static int promql_lookback_delta_ms = 5 * 60 * 1000;
static int promql_max_samples = 50000000;
static bool promql_direct_read = true;
static bool promql_delayed_name_removal = false;
static int promql_block_cache_kb = 64 * 1024;

void InitPromql() {
  DefineCustomIntVariable(
      "tsdb.promql_lookback_delta",
      "How far back PromQL's instant selectors look for a sample (Prometheus's "
      "--query.lookback-delta).",
      nullptr, &promql_lookback_delta_ms, 5 * 60 * 1000, 1, INT_MAX, PGC_USERSET, GUC_UNIT_MS,
      nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "tsdb.promql_max_samples",
      "The most samples a PromQL query may hold in memory at once (Prometheus's "
      "--query.max-samples).",
      nullptr, &promql_max_samples, 50000000, 1, INT_MAX, PGC_USERSET, 0, nullptr, nullptr,
      nullptr);
  DefineCustomBoolVariable(
      "tsdb.promql_direct_read",
      "Lets PromQL queries decode tsdb.prom_samples' blocks directly when the caller may read "
      "the whole table (off: every sample through SQL).",
      nullptr, &promql_direct_read, true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "tsdb.promql_block_cache_size",
      "Memory for the decoded blocks of tsdb.prom_samples a backend keeps for its later PromQL "
      "queries (0: none kept).",
      nullptr, &promql_block_cache_kb, 64 * 1024, 0, INT_MAX / 2, PGC_USERSET, GUC_UNIT_KB,
      nullptr, nullptr, nullptr);
  DefineCustomBoolVariable(
      "tsdb.promql_delayed_name_removal",
      "Removes __name__ at the end of a PromQL query instead of where functions and operators "
      "drop it (Prometheus's --enable-feature=promql-delayed-name-removal).",
      nullptr, &promql_delayed_name_removal, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
}

namespace {

std::string TextArg(FunctionCallInfo fcinfo, int n) {
  text* t = PgCall([&] { return PG_GETARG_TEXT_PP(n); });
  return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

promql::ExprPtr ParseOrThrow(const std::string& query) {
  promql::ParseError error;
  Result<promql::ExprPtr> e = promql::ParseExpr(query, &error);
  if (!e.ok()) {
    throw SqlError(ERRCODE_SYNTAX_ERROR, "invalid PromQL: " + std::string(e.status().message()),
                   "", "PromQL's positions are line:column in the query text.");
  }
  return std::move(*e);
}

promql::EngineOptions Options() {
  promql::EngineOptions options;
  options.lookback_delta_ms = promql_lookback_delta_ms;
  options.max_samples = promql_max_samples;
  options.delayed_name_removal = promql_delayed_name_removal;
  options.check_interrupt = [] {
    PgCall([] { CHECK_FOR_INTERRUPTS(); });
    return Status();
  };
  return options;
}

void ThrowQueryError(const Status& status) {
  throw SqlError(SqlStateFor(status), "PromQL: " + std::string(status.message()));
}

void ReportAnnotations(const promql::Annotations& a) {
  for (const std::string& w : a.warnings) {
    PgCall([&] { ereport(WARNING, (errmsg("PromQL warning: %s", w.c_str()))); });
  }
  for (const std::string& i : a.infos) {
    PgCall([&] { ereport(NOTICE, (errmsg("PromQL info: %s", i.c_str()))); });
  }
}

std::string LabelsJson(const promql::Labels& labels) {
  std::string json = "{";
  bool first = true;
  for (const promql::Label& l : labels) {
    if (!first) json += ", ";
    first = false;
    AppendJsonString(&json, l.name);
    json += ": ";
    AppendJsonString(&json, l.value);
  }
  json += "}";
  return json;
}

// `labels` is the series' jsonb (made once per series); a string result
// has no value.
void PutRow(ReturnSetInfo* rsinfo, Datum labels, int64_t t_ms, std::optional<double> v) {
  Datum values[3] = {labels, TimestampTzGetDatum(MsToTimestamp(t_ms)), Float8GetDatum(v.value_or(0))};
  bool nulls[3] = {false, false, !v.has_value()};
  PgCall([&] { tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls); });
}

void FreeDatum(Datum d) {
  PgCall([&] { pfree(DatumGetPointer(d)); });
}

void EmitResult(ReturnSetInfo* rsinfo, const promql::QueryResult& r) {
  switch (r.type) {
    case promql::ValueType::kScalar:
      PutRow(rsinfo, JsonbFromText("{}"), r.time_ms, r.scalar);
      break;
    case promql::ValueType::kVector:
      for (const promql::VectorElement& e : r.vector) {
        const Datum labels = JsonbFromText(LabelsJson(e.labels));
        PutRow(rsinfo, labels, e.t, e.v);
        FreeDatum(labels);
      }
      break;
    case promql::ValueType::kMatrix:
      for (const promql::Series& s : r.matrix) {
        const Datum labels = JsonbFromText(LabelsJson(s.labels));
        for (const promql::Sample& p : s.samples) PutRow(rsinfo, labels, p.t, p.v);
        FreeDatum(labels);
      }
      break;
    case promql::ValueType::kString: {
      // One row whose labels are the string as a JSON string (not an
      // object: it cannot be taken for a series) and whose value is NULL.
      std::string json;
      AppendJsonString(&json, r.string);
      PutRow(rsinfo, JsonbFromText(json), r.time_ms, std::nullopt);
      break;
    }
    case promql::ValueType::kNone:
      break;
  }
}

ReturnSetInfo* MaterializedResult(FunctionCallInfo fcinfo, bool scalar_set) {
  PgCall([&] { InitMaterializedSRF(fcinfo, scalar_set ? MAT_SRF_USE_EXPECTED_DESC : 0); });
  return reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
}

// An interval as milliseconds; months have no fixed length and are refused.
int64_t IntervalMs(const Interval* step) {
  if (step->month != 0) {
    throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE,
                   "PromQL step must not have months or years",
                   "Write the step in days, hours, minutes or seconds.");
  }
  return step->time / 1000 + static_cast<int64_t>(step->day) * 86400000;
}

}  // namespace

}  // namespace tsdb::pg

using tsdb::pg::SqlError;

TSDB_SQL_FUNCTION(tsdb_promql_query) {
  using namespace tsdb::pg;  // NOLINT
  const std::string query = TextArg(fcinfo, 0);
  const int64_t at_ms = TimestampToMs(PG_GETARG_TIMESTAMPTZ(1));
  ReturnSetInfo* rsinfo = MaterializedResult(fcinfo, false);
  tsdb::promql::ExprPtr expr = ParseOrThrow(query);
  SpiConnection spi;
  PgSeriesSource source(promql_direct_read, static_cast<size_t>(promql_block_cache_kb) * 1024);
  tsdb::Result<tsdb::promql::QueryResult> r =
      tsdb::promql::EvalInstant(*expr, at_ms, &source, Options());
  if (!r.ok()) ThrowQueryError(r.status());
  ReportAnnotations(r->annotations);
  EmitResult(rsinfo, *r);
  return static_cast<Datum>(0);
}

TSDB_SQL_FUNCTION(tsdb_promql_query_range) {
  using namespace tsdb::pg;  // NOLINT
  const std::string query = TextArg(fcinfo, 0);
  const int64_t start_ms = TimestampToMs(PG_GETARG_TIMESTAMPTZ(1));
  const int64_t end_ms = TimestampToMs(PG_GETARG_TIMESTAMPTZ(2));
  const int64_t step_ms = IntervalMs(PG_GETARG_INTERVAL_P(3));
  if (end_ms < start_ms) {
    throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "PromQL end_time is before start_time");
  }
  if (step_ms <= 0) {
    throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE,
                   "PromQL step must be positive, got " + std::to_string(step_ms) + " ms");
  }
  // Prometheus's API limit, which keeps a typo in the step from asking for
  // millions of points per series.
  if ((end_ms - start_ms) / step_ms > 11000) {
    throw SqlError(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
                   "exceeded maximum resolution of 11,000 points per timeseries",
                   "", "Try a larger step.");
  }
  ReturnSetInfo* rsinfo = MaterializedResult(fcinfo, false);
  tsdb::promql::ExprPtr expr = ParseOrThrow(query);
  SpiConnection spi;
  PgSeriesSource source(promql_direct_read, static_cast<size_t>(promql_block_cache_kb) * 1024);
  tsdb::Result<tsdb::promql::QueryResult> r =
      tsdb::promql::EvalRange(*expr, start_ms, end_ms, step_ms, &source, Options());
  if (!r.ok()) ThrowQueryError(r.status());
  ReportAnnotations(r->annotations);
  EmitResult(rsinfo, *r);
  return static_cast<Datum>(0);
}

TSDB_SQL_FUNCTION(tsdb_promql_explain) {
  using namespace tsdb::pg;  // NOLINT
  const std::string query = TextArg(fcinfo, 0);
  ReturnSetInfo* rsinfo = MaterializedResult(fcinfo, true);
  tsdb::promql::ExprPtr expr = ParseOrThrow(query);
  for (const std::string& line : tsdb::promql::ExplainLines(*expr, promql_lookback_delta_ms)) {
    Datum value = TextToDatum(line);
    bool null = false;
    PgCall([&] { tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &null); });
  }
  return static_cast<Datum>(0);
}

TSDB_SQL_FUNCTION(tsdb_promql_load) {
  using namespace tsdb::pg;  // NOLINT
  const std::string script = TextArg(fcinfo, 0);
  tsdb::Result<std::vector<tsdb::promql::Command>> commands =
      tsdb::promql::ParseTestScript(script);
  if (!commands.ok()) {
    throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE,
                   "invalid promqltest script: " + std::string(commands.status().message()));
  }
  SpiConnection spi;
  int64_t written = 0;
  for (const tsdb::promql::Command& c : *commands) {
    if (c.kind != tsdb::promql::CommandKind::kLoad) {
      throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE,
                     "promql_load accepts load blocks only, found another command at line " +
                         std::to_string(c.line));
    }
    if (c.load.native_histograms) {
      throw SqlError(ERRCODE_FEATURE_NOT_SUPPORTED,
                     "native histograms are not supported (load block at line " +
                         std::to_string(c.line) + ")");
    }
    std::vector<tsdb::promql::Labels> label_sets;
    for (const tsdb::promql::LoadSeries& s : c.load.series) label_sets.push_back(s.labels);
    const std::vector<int64_t> ids = ResolveSeries(label_sets);
    std::vector<int64_t> series_ids, times;
    std::vector<double> values;
    for (size_t i = 0; i < c.load.series.size(); ++i) {
      for (const tsdb::promql::LoadSample& s : c.load.series[i].samples) {
        series_ids.push_back(ids[i]);
        times.push_back(s.t);
        values.push_back(s.v);
      }
    }
    InsertSamples(series_ids, times, values);
    written += static_cast<int64_t>(values.size());
  }
  return Int64GetDatum(written);
}
