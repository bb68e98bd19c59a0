// promqltest's backend over a live cluster: loads through
// tsdb.promql_load(), queries through tsdb.promql_query() and
// tsdb.promql_query_range(), with libpq. The database must have the tsdb
// extension; Clear() empties its Prometheus tables.
#ifndef TSDB_TEST_PROMQLTEST_SQL_BACKEND_H_
#define TSDB_TEST_PROMQLTEST_SQL_BACKEND_H_

#include <string>
#include <string_view>

#include "tsdb/promql/test_runner.h"

struct pg_conn;

namespace tsdb::promql {

class SqlBackend : public QueryBackend {
 public:
  // Fails when the connection cannot be made.
  static Result<std::unique_ptr<SqlBackend>> Connect(const std::string& conninfo);
  ~SqlBackend() override;

  Status Clear() override;
  Status Load(const LoadCommand& load) override;
  Status Instant(std::string_view expr, int64_t time_ms, QueryOutcome* outcome) override;
  Status Range(std::string_view expr, int64_t start_ms, int64_t end_ms, int64_t step_ms,
               QueryOutcome* outcome) override;

 private:
  explicit SqlBackend(pg_conn* conn) : conn_(conn) {}
  // Runs a query returning (labels text, time ms, value) rows into a
  // matrix, one series per label set in order of appearance.
  Status StringRow(std::string_view expr, int64_t time_ms, QueryOutcome* outcome);
  Status Rows(const char* sql, const std::vector<std::string>& params, QueryOutcome* outcome,
              Matrix* rows);

  pg_conn* conn_;
  Annotations notices_;  // PromQL warnings and infos of the running query

 public:
  // A server notice: PromQL warnings and infos are kept.
  void AddNotice(std::string_view text);
};

}  // namespace tsdb::promql

#endif  // TSDB_TEST_PROMQLTEST_SQL_BACKEND_H_
