// The PromQL engine's SeriesSource over the series catalog and
// tsdb.prom_samples (prom_catalog.h), read through SPI as the caller.
// REQUIRES: an SPI connection for the source's lifetime.
#ifndef TSDB_PG_PG_SERIES_SOURCE_H_
#define TSDB_PG_PG_SERIES_SOURCE_H_

#include <memory>
#include <vector>

#include "pg/prom_samples_reader.h"
#include "tsdb/promql/engine.h"

namespace tsdb::pg {

// Series come from the catalog through SPI (privileges and row-level
// security of prom_series and prom_labels apply). Samples come from
// PromSamplesReader when it may be used (`direct_read` and the caller may
// read all of prom_samples), else through SPI as well.
class PgSeriesSource : public promql::SeriesSource {
 public:
  // direct_read: decode blocks (when the caller may read all samples), with
  // up to block_cache_bytes of decoded blocks kept for later queries.
  PgSeriesSource(bool direct_read, size_t block_cache_bytes)
      : direct_read_(direct_read), block_cache_bytes_(block_cache_bytes) {}

  Status Select(const std::vector<promql::LabelMatcher>& matchers, int64_t min_time_ms,
                int64_t max_time_ms, std::vector<promql::Series>* out) override;
  // One series at a time through a reused buffer when reading blocks
  // directly (else as Select).
  Status SelectEach(const std::vector<promql::LabelMatcher>& matchers, int64_t min_time_ms,
                    int64_t max_time_ms,
                    const std::function<Status(promql::Series&)>& fn) override;
  // Each series' newest sample, from its newest block's stored last row
  // when that can tell it (else as SelectEach).
  Status SelectLatest(const std::vector<promql::LabelMatcher>& matchers, int64_t min_time_ms,
                      int64_t max_time_ms,
                      const std::function<Status(promql::Series&)>& fn) override;

 private:
  PromSamplesReader* Reader();
  // SelectEach (newest_only false) or SelectLatest through the block reader.
  Status ReadDirect(PromSamplesReader* reader, const std::vector<promql::LabelMatcher>& matchers,
                    int64_t min_time_ms, int64_t max_time_ms, bool newest_only,
                    const std::function<Status(promql::Series&)>& fn);

  void ReadThroughSpi(const std::vector<int64_t>& ids, int64_t min_time_ms, int64_t max_time_ms,
                      std::vector<std::vector<promql::Sample>>* samples);

  bool direct_read_;
  size_t block_cache_bytes_;
  bool reader_opened_ = false;
  std::unique_ptr<PromSamplesReader> reader_;
};

}  // namespace tsdb::pg

#endif  // TSDB_PG_PG_SERIES_SOURCE_H_
