#include "tsdb/promql/memory_source.h"

namespace tsdb::promql {

void MemorySource::Add(const Labels& labels, const std::vector<Sample>& samples) {
  std::map<int64_t, double>& points = series_[labels];
  for (const Sample& s : samples) points[s.t] = s.v;
}

Status MemorySource::Select(const std::vector<LabelMatcher>& matchers, int64_t min_time_ms,
                            int64_t max_time_ms, std::vector<Series>* out) {
  for (const auto& [labels, points] : series_) {
    bool match = true;
    for (const LabelMatcher& m : matchers) {
      if (!m.Matches(labels.Get(m.name()))) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    Series s;
    for (auto it = points.lower_bound(min_time_ms); it != points.end() && it->first <= max_time_ms;
         ++it) {
      s.samples.push_back(Sample{it->first, it->second});
    }
    if (s.samples.empty()) continue;
    s.labels = labels;
    out->push_back(std::move(s));
  }
  return Status();
}

}  // namespace tsdb::promql
