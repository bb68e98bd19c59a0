// The PromQL engine's SeriesSource over the series catalog and
// tsdb.prom_samples (prom_catalog.h), read through SPI as the caller.
// REQUIRES: an SPI connection for the source's lifetime.
#ifndef TSDB_PG_PG_SERIES_SOURCE_H_
#define TSDB_PG_PG_SERIES_SOURCE_H_

#include <vector>

#include "tsdb/promql/engine.h"

namespace tsdb::pg {

class PgSeriesSource : public promql::SeriesSource {
 public:
  Status Select(const std::vector<promql::LabelMatcher>& matchers, int64_t min_time_ms,
                int64_t max_time_ms, std::vector<promql::Series>* out) override;
};

}  // namespace tsdb::pg

#endif  // TSDB_PG_PG_SERIES_SOURCE_H_
