// A SeriesSource over series held in memory: the promqltest runner loads
// its `load` blocks into one, unit tests build them by hand.
#ifndef TSDB_PROMQL_MEMORY_SOURCE_H_
#define TSDB_PROMQL_MEMORY_SOURCE_H_

#include <map>
#include <vector>

#include "tsdb/promql/engine.h"

namespace tsdb::promql {

class MemorySource : public SeriesSource {
 public:
  // Adds samples to the series `labels` (created when new). A sample at a
  // time the series already has replaces it.
  void Add(const Labels& labels, const std::vector<Sample>& samples);
  void Clear() { series_.clear(); }
  size_t series_count() const { return series_.size(); }

  Status Select(const std::vector<LabelMatcher>& matchers, int64_t min_time_ms,
                int64_t max_time_ms, std::vector<Series>* out) override;

 private:
  // Labels -> samples by time.
  std::map<Labels, std::map<int64_t, double>> series_;
};

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_MEMORY_SOURCE_H_
