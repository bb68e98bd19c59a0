// The folding aggregations (sum, avg, min, max, count, group, stddev,
// stdvar) against a reference that walks step by step over the series in
// their order, with the same kernels: the evaluator folds series by series
// when the cells fit, step by step when they would not, and both must give
// the reference's values to the bit.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "promql/engine_test_fixture.h"
#include "tsdb/promql/aggregation_kernels.h"

namespace tsdb::promql {
namespace {

class AggregateFoldTest : public EngineFixture {
 protected:
  struct Input {
    Labels labels;
    std::vector<double> values;  // per load step; NaN: no sample
  };

  // The reference value of `op` by label `by` at each step t (one sample
  // per step, so the instant selector at t reads the sample at t).
  std::map<std::string, std::map<int64_t, double>> Reference(const std::string& op,
                                                            const std::string& by,
                                                            int64_t step) {
    std::map<std::string, std::map<int64_t, double>> out;
    const size_t n = inputs_.front().values.size();
    for (size_t i = 0; i < n; ++i) {
      std::map<std::string, std::vector<double>> groups;  // in series order
      for (const Input& in : inputs_) {
        const double v = in.values[i];
        if (std::isnan(v) && !nan_values_) continue;
        groups[std::string(in.labels.Get(by))].push_back(v);
      }
      for (const auto& [g, values] : groups) {
        double r = 0;
        if (op == "sum") {
          SumAggregator a;
          for (double v : values) a.Add(v);
          r = a.Value();
        } else if (op == "avg") {
          AvgAggregator a;
          for (double v : values) a.Add(v);
          r = a.Value();
        } else if (op == "min") {
          MinAggregator a;
          for (double v : values) a.Add(v);
          r = a.Value();
        } else if (op == "max") {
          MaxAggregator a;
          for (double v : values) a.Add(v);
          r = a.Value();
        } else if (op == "count") {
          r = static_cast<double>(values.size());
        } else if (op == "group") {
          r = 1;
        } else {
          VarianceAggregator a;
          for (double v : values) a.Add(v);
          r = op == "stddev" ? a.Stddev() : a.Stdvar();
        }
        out[g][static_cast<int64_t>(i) * step] = r;
      }
    }
    return out;
  }

  // The source hands out series sorted by labels: the reference adds in
  // that order too.
  void LoadAll(int64_t step) {
    std::sort(inputs_.begin(), inputs_.end(),
              [](const Input& a, const Input& b) { return a.labels < b.labels; });
    for (const Input& in : inputs_) {
      std::vector<double> values = in.values;
      if (nan_values_) {
        // A NaN value is a sample here: load it as one.
        std::vector<Sample> samples;
        for (size_t i = 0; i < values.size(); ++i) {
          samples.push_back(Sample{static_cast<int64_t>(i) * step, values[i]});
        }
        source_.Add(in.labels, samples);
      } else {
        Load(in.labels, step, values);
      }
    }
  }

  void Check(const std::string& by, int64_t step) {
    const int64_t end = static_cast<int64_t>(inputs_.front().values.size() - 1) * step;
    for (const std::string op : {"sum", "avg", "min", "max", "count", "group", "stddev", "stdvar"}) {
      // A lookback shorter than the step: each step reads its own sample.
      options_.lookback_delta_ms = step / 2;
      const std::string query = op + " by (" + by + ") (x)";
      Result<QueryResult> r = Range(query, 0, end, step);
      ASSERT_TRUE(r.ok()) << query << ": " << r.status().message();
      const auto want = Reference(op, by, step);
      ASSERT_EQ(r->matrix.size(), want.size()) << query;
      for (const Series& s : r->matrix) {
        const std::string g(s.labels.Get(by));
        ASSERT_TRUE(want.count(g)) << query << " group " << g;
        const auto& points = want.at(g);
        ASSERT_EQ(s.samples.size(), points.size()) << query << " group " << g;
        for (const Sample& p : s.samples) {
          const double w = points.at(p.t);
          // Bit for bit (NaN equal to NaN).
          ASSERT_EQ(std::memcmp(&w, &p.v, sizeof w) == 0 || (std::isnan(w) && std::isnan(p.v)),
                    true)
              << query << " group " << g << " at " << p.t << ": want " << w << " got " << p.v;
        }
      }
    }
  }

  std::vector<Input> inputs_;
  bool nan_values_ = false;
};

// Dense: every group has a value at most steps (folded series by series).
TEST_F(AggregateFoldTest, DenseGroupsMatchTheStepWalk) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> value(-1e6, 1e6);
  for (int s = 0; s < 40; ++s) {
    Input in;
    in.labels = Labels{{"__name__", "x"}, {"id", std::to_string(s)}, {"g", std::to_string(s % 5)}};
    for (int i = 0; i < 200; ++i) {
      // Gaps, huge and tiny magnitudes (compensation matters), repeats.
      const uint64_t kind = rng() % 10;
      in.values.push_back(kind == 0   ? std::nan("")
                          : kind == 1 ? 1e300 * (rng() % 2 ? 1 : -1)
                          : kind == 2 ? 1e-300
                                      : std::round(value(rng)) / 7);
    }
    inputs_.push_back(in);
  }
  LoadAll(10000);
  Check("g", 10000);
}

// Sparse: many groups with a point here and there (walked step by step).
TEST_F(AggregateFoldTest, SparseGroupsMatchTheStepWalk) {
  std::mt19937_64 rng(5);
  for (int s = 0; s < 300; ++s) {
    Input in;
    in.labels = Labels{{"__name__", "x"}, {"id", std::to_string(s)}};
    for (int i = 0; i < 400; ++i) {
      in.values.push_back(rng() % 200 == 0 ? static_cast<double>(rng() % 1000) : std::nan(""));
    }
    in.values[rng() % 400] = 1;  // every series has a sample
    inputs_.push_back(in);
  }
  LoadAll(10000);
  Check("id", 10000);
}

// NaN samples (not gaps) take part: min/max prefer numbers, sums go NaN.
TEST_F(AggregateFoldTest, NaNValuesMatchTheStepWalk) {
  std::mt19937_64 rng(9);
  nan_values_ = true;
  for (int s = 0; s < 12; ++s) {
    Input in;
    in.labels = Labels{{"__name__", "x"}, {"id", std::to_string(s)}, {"g", std::to_string(s % 3)}};
    for (int i = 0; i < 50; ++i) {
      in.values.push_back(rng() % 4 == 0 ? std::nan("") : static_cast<double>(rng() % 100));
    }
    inputs_.push_back(in);
  }
  LoadAll(10000);
  Check("g", 10000);
}

}  // namespace
}  // namespace tsdb::promql
