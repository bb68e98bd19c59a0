#include "sql_backend.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "libpq-fe.h"
#include "tsdb/promql/go_strconv.h"
#include "tsdb/promql/lexer.h"
#include "tsdb/promql/parser.h"

namespace tsdb::promql {

namespace {

constexpr std::string_view kWarningPrefix = "PromQL warning: ";
constexpr std::string_view kInfoPrefix = "PromQL info: ";

// The error text of a failed query: the PromQL message without the
// function's prefixes.
std::string QueryError(const PGresult* res) {
  const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = primary != nullptr ? primary : "unknown error";
  for (std::string_view prefix : {"invalid PromQL: ", "PromQL: "}) {
    if (message.rfind(prefix, 0) == 0) return message.substr(prefix.size());
  }
  return message;
}

// Each result row is one (row number, label name, label value, time ms,
// value); rows of one result element are adjacent.
constexpr const char* kInstant =
    "SELECT r.n, e.key, e.value, r.t, r.v::text FROM ("
    "  SELECT row_number() OVER () AS n, labels, "
    "         (extract(epoch FROM time) * 1000)::bigint AS t, value AS v "
    "  FROM tsdb.promql_query($1, 'epoch'::timestamptz + $2::bigint * interval '1 millisecond')"
    ") r LEFT JOIN LATERAL jsonb_each_text(r.labels) e ON true ORDER BY r.n, e.key";
constexpr const char* kInstantString =
    "SELECT labels #>> '{}', value, jsonb_typeof(labels) "
    "FROM tsdb.promql_query($1, 'epoch'::timestamptz + $2::bigint * interval '1 millisecond')";
constexpr const char* kRange =
    "SELECT r.n, e.key, e.value, r.t, r.v::text FROM ("
    "  SELECT row_number() OVER () AS n, labels, "
    "         (extract(epoch FROM time) * 1000)::bigint AS t, value AS v "
    "  FROM tsdb.promql_query_range($1, "
    "       'epoch'::timestamptz + $2::bigint * interval '1 millisecond', "
    "       'epoch'::timestamptz + $3::bigint * interval '1 millisecond', "
    "       $4::bigint * interval '1 millisecond')"
    ") r LEFT JOIN LATERAL jsonb_each_text(r.labels) e ON true ORDER BY r.n, e.key";

}  // namespace

namespace {

void CollectNotice(void* arg, const PGresult* result) {
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  if (primary != nullptr) static_cast<SqlBackend*>(arg)->AddNotice(primary);
}

}  // namespace

void SqlBackend::AddNotice(std::string_view text) {
  if (text.rfind(kWarningPrefix, 0) == 0) {
    notices_.AddWarning(std::string(text.substr(kWarningPrefix.size())));
  } else if (text.rfind(kInfoPrefix, 0) == 0) {
    notices_.AddInfo(std::string(text.substr(kInfoPrefix.size())));
  }
}

Result<std::unique_ptr<SqlBackend>> SqlBackend::Connect(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return InvalidArgument("cannot connect to %s: %s", conninfo, message);
  }
  std::unique_ptr<SqlBackend> backend(new SqlBackend(conn));
  PQsetNoticeReceiver(conn, CollectNotice, backend.get());
  return backend;
}

SqlBackend::~SqlBackend() { PQfinish(conn_); }

Status SqlBackend::Clear() {
  PGresult* res = PQexec(conn_,
                         "DELETE FROM tsdb.prom_samples; "
                         "DELETE FROM tsdb.prom_series; "
                         "DELETE FROM tsdb.prom_labels");
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  std::string error = ok ? "" : PQresultErrorMessage(res);
  PQclear(res);
  if (!ok) return InvalidArgument("clearing the Prometheus tables failed: %s", error);
  return Status();
}

Status SqlBackend::Load(const LoadCommand& load) {
  // The block is written again from its float samples: native histograms
  // are not supported, and the engine backend loads a series' float samples
  // without its histogram ones, so this does the same (a histogram
  // position becomes `_`).
  if (load.interval_ms <= 0) return InvalidArgument("load interval must be positive for SQL");
  std::string text = "load " + std::to_string(load.interval_ms) + "ms\n";
  for (const LoadSeries& series : load.series) {
    text += "  {";
    bool first = true;
    for (const Label& l : series.labels) {
      if (!first) text += ", ";
      first = false;
      text += (IsLegacyLabelName(l.name) ? l.name : GoQuote(l.name)) + "=" + GoQuote(l.value);
    }
    text += "}";
    int64_t next = 0;  // the position of the next value
    for (const LoadSample& sample : series.samples) {
      const int64_t position = sample.t / load.interval_ms;
      if (position > next) text += " _x" + std::to_string(position - next);
      if (IsStaleNaN(sample.v)) {
        text += " stale";
      } else {
        text += " " + GoFormatFloat(sample.v, 'g');
      }
      next = position + 1;
    }
    text += "\n";
  }
  const char* params[1] = {text.c_str()};
  PGresult* res =
      PQexecParams(conn_, "SELECT tsdb.promql_load($1)", 1, nullptr, params, nullptr, nullptr, 0);
  const bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
  std::string error = ok ? "" : PQresultErrorMessage(res);
  PQclear(res);
  if (!ok) return InvalidArgument("tsdb.promql_load failed: %s", error);
  return Status();
}

Status SqlBackend::Rows(const char* sql, const std::vector<std::string>& params,
                        QueryOutcome* outcome, Matrix* rows) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  notices_ = Annotations();
  PGresult* res = PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(),
                               nullptr, nullptr, 0);
  outcome->annotations = notices_;
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    outcome->error = QueryError(res);
    PQclear(res);
    return Status();
  }
  std::string current = "";
  std::vector<Label> labels;
  Sample sample;
  auto finish = [&]() {
    if (current.empty()) return;
    Labels ls(std::move(labels));
    labels.clear();
    if (rows->empty() || rows->back().labels != ls) rows->push_back(Series{ls, {}});
    rows->back().samples.push_back(sample);
  };
  for (int r = 0; r < PQntuples(res); ++r) {
    const std::string n = PQgetvalue(res, r, 0);
    if (n != current) {
      finish();
      current = n;
      sample.t = std::strtoll(PQgetvalue(res, r, 3), nullptr, 10);
      sample.v = std::strtod(PQgetvalue(res, r, 4), nullptr);
    }
    if (!PQgetisnull(res, r, 1)) {
      labels.push_back(Label{PQgetvalue(res, r, 1), PQgetvalue(res, r, 2)});
    }
  }
  finish();
  PQclear(res);
  return Status();
}

// A string comes as one row: the string as a JSON string in labels.
Status SqlBackend::StringRow(std::string_view expr, int64_t time_ms, QueryOutcome* outcome) {
  const std::string query(expr), time = std::to_string(time_ms);
  const char* params[2] = {query.c_str(), time.c_str()};
  notices_ = Annotations();
  PGresult* res = PQexecParams(conn_, kInstantString, 2, nullptr, params, nullptr, nullptr, 0);
  outcome->annotations = notices_;
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    outcome->error = QueryError(res);
  } else if (PQntuples(res) != 1 || std::string_view(PQgetvalue(res, 0, 2)) != "string" ||
             !PQgetisnull(res, 0, 1)) {
    PQclear(res);
    return InvalidArgument("a string result must be one row with a JSON string and no value");
  } else {
    outcome->kind = ResultKind::kString;
    outcome->string = PQgetvalue(res, 0, 0);
  }
  PQclear(res);
  return Status();
}

Status SqlBackend::Instant(std::string_view expr, int64_t time_ms, QueryOutcome* outcome) {
  // The functions return rows; the kind of result is the expression's type.
  Result<ExprPtr> parsed = ParseExpr(expr);
  if (!parsed.ok()) {
    outcome->error = std::string(parsed.status().message());
    return Status();
  }
  const ValueType type = (**parsed).Type();
  outcome->t = time_ms;
  if (type == ValueType::kString) return StringRow(expr, time_ms, outcome);
  Matrix rows;
  TSDB_RETURN_IF_ERROR(
      Rows(kInstant, {std::string(expr), std::to_string(time_ms)}, outcome, &rows));
  if (outcome->error) return Status();
  outcome->t = time_ms;
  switch (type) {
    case ValueType::kScalar:
      outcome->kind = ResultKind::kScalar;
      outcome->scalar = rows.empty() ? 0 : rows[0].samples[0].v;
      break;
    case ValueType::kMatrix:
      outcome->kind = ResultKind::kMatrix;
      outcome->matrix = std::move(rows);
      break;
    default:
      outcome->kind = ResultKind::kVector;
      for (Series& s : rows) {
        for (const Sample& p : s.samples) outcome->vector.push_back({s.labels, p.t, p.v});
      }
  }
  return Status();
}

Status SqlBackend::Range(std::string_view expr, int64_t start_ms, int64_t end_ms,
                         int64_t step_ms, QueryOutcome* outcome) {
  Matrix rows;
  TSDB_RETURN_IF_ERROR(Rows(kRange,
                            {std::string(expr), std::to_string(start_ms), std::to_string(end_ms),
                             std::to_string(step_ms)},
                            outcome, &rows));
  outcome->kind = ResultKind::kMatrix;
  outcome->matrix = std::move(rows);
  return Status();
}

}  // namespace tsdb::promql
