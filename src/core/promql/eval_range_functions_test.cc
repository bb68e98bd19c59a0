// The sliding min/max_over_time of range queries against the scan of each
// window (over_time.h), on data with NaNs, signed zeros and repeats.
#include <cmath>
#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "tsdb/promql/engine.h"
#include "tsdb/promql/memory_source.h"
#include "tsdb/promql/over_time.h"
#include "tsdb/promql/parser.h"

namespace tsdb::promql {
namespace {

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

TEST(SlidingExtremesTest, MatchTheScanOfEachWindow) {
  std::mt19937_64 rng(42);
  const double pool[] = {1, 2, 2, -0.0, 0.0, std::nan(""), -1, 5, 5, INFINITY, -INFINITY};
  MemorySource source;
  std::vector<Sample> samples;
  int64_t t = 0;
  for (int i = 0; i < 400; ++i) {
    t += 1000 + static_cast<int64_t>(rng() % 20000);  // irregular gaps
    double v = pool[rng() % (sizeof(pool) / sizeof(pool[0]))];
    if (rng() % 7 == 0) v = static_cast<double>(rng() % 100) - 50;
    samples.push_back(Sample{t, v});
  }
  source.Add(Labels({{"__name__", "x"}}), samples);
  for (const char* fn : {"max_over_time", "min_over_time"}) {
    for (int64_t window : {1000, 15000, 60000, 300000}) {
      for (int64_t step : {7000, 30000, 90000}) {
        const std::string query =
            std::string(fn) + "(x[" + std::to_string(window) + "ms])";
        Result<ExprPtr> e = ParseExpr(query);
        ASSERT_TRUE(e.ok()) << e.status();
        Result<QueryResult> r = EvalRange(**e, 0, t + 10000, step, &source, EngineOptions());
        ASSERT_TRUE(r.ok()) << r.status();
        std::vector<Sample> got;
        if (!r->matrix.empty()) got = r->matrix[0].samples;
        size_t k = 0;
        for (int64_t at = 0; at <= t + 10000; at += step) {
          std::vector<Sample> in_window;
          for (const Sample& s : samples) {
            if (s.t > at - window && s.t <= at) in_window.push_back(s);
          }
          if (in_window.empty()) continue;
          const double want = std::string(fn) == "max_over_time" ? *MaxOverTime(in_window)
                                                                 : *MinOverTime(in_window);
          ASSERT_LT(k, got.size()) << query << " at " << at;
          EXPECT_EQ(got[k].t, at);
          if (std::isnan(want)) {
            EXPECT_TRUE(std::isnan(got[k].v)) << query << " at " << at;
          } else {
            // Bit for bit: the same one of equal values (+0 against -0).
            EXPECT_EQ(Bits(got[k].v), Bits(want)) << query << " at " << at;
          }
          ++k;
        }
        EXPECT_EQ(k, got.size()) << query;
      }
    }
  }
}

}  // namespace
}  // namespace tsdb::promql
