// The series catalog of the Prometheus data model (sql/tsdb.sql:
// tsdb.prom_labels, tsdb.prom_series, tsdb.prom_samples): label sets to
// series ids (created when new) for writers, matchers to series for the
// PromQL engine. All statements go through SPI as the calling user, so
// privileges and row-level security apply. REQUIRES: an SPI connection.
#ifndef TSDB_PG_PROM_CATALOG_H_
#define TSDB_PG_PROM_CATALOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tsdb/promql/matcher.h"
#include "tsdb/promql/value.h"

namespace tsdb::pg {

// The ids of these label sets, in order, creating labels and series that do
// not exist yet. Ids are cached until the end of the transaction (a bulk
// load resolves each label set once; between transactions, catalog rows
// may have been deleted).
std::vector<int64_t> ResolveSeries(const std::vector<promql::Labels>& label_sets);

// Inserts samples (series id, ms since the epoch, value) into
// tsdb.prom_samples with one statement.
void InsertSamples(const std::vector<int64_t>& series_ids, const std::vector<int64_t>& times_ms,
                   const std::vector<double>& values);

// A series the matchers selected.
struct CatalogSeries {
  int64_t id = 0;
  promql::Labels labels;
};

// The series matching every matcher. Each matcher is evaluated once per
// distinct value of its label in tsdb.prom_labels.
std::vector<CatalogSeries> SelectSeries(const std::vector<promql::LabelMatcher>& matchers);

// Forgets the cached ids (at transaction end).
void ResetCatalogCache();

}  // namespace tsdb::pg

#endif  // TSDB_PG_PROM_CATALOG_H_
