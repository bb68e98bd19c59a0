// A GoogleTest fixture for engine tests: an in-memory source, samples
// loaded as promqltest's `load` lines lay them out, and queries parsed and
// evaluated in one call.
#ifndef TSDB_SRC_CORE_PROMQL_ENGINE_TEST_FIXTURE_H_
#define TSDB_SRC_CORE_PROMQL_ENGINE_TEST_FIXTURE_H_

#include <cmath>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "tsdb/promql/engine.h"
#include "tsdb/promql/memory_source.h"
#include "tsdb/promql/parser.h"

namespace tsdb::promql {

class EngineFixture : public ::testing::Test {
 protected:
  // `values` at 0, step, 2*step, ... (a plain NaN: no sample; the stale
  // marker is a sample).
  void Load(Labels labels, int64_t step, std::vector<double> values) {
    std::vector<Sample> samples;
    for (size_t i = 0; i < values.size(); ++i) {
      if (!std::isnan(values[i]) || IsStaleNaN(values[i])) {
        samples.push_back(Sample{static_cast<int64_t>(i) * step, values[i]});
      }
    }
    source_.Add(labels, samples);
  }

  Result<QueryResult> Instant(std::string_view query, int64_t t) {
    Result<ExprPtr> e = ParseExpr(query);
    if (!e.ok()) return e.status();
    return EvalInstant(**e, t, &source_, options_);
  }

  Result<QueryResult> Range(std::string_view query, int64_t start, int64_t end, int64_t step) {
    Result<ExprPtr> e = ParseExpr(query);
    if (!e.ok()) return e.status();
    return EvalRange(**e, start, end, step, &source_, options_);
  }

  MemorySource source_;
  EngineOptions options_;
};

}  // namespace tsdb::promql

#endif  // TSDB_SRC_CORE_PROMQL_ENGINE_TEST_FIXTURE_H_
