#include "tsdb/promql/value.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace tsdb::promql {
namespace {

TEST(LabelsTest, SortsDropsEmptyValuesAndKeepsTheLaterDuplicate) {
  Labels l({{"b", "2"}, {"a", "1"}, {"c", ""}, {"b", "3"}});
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l.items()[0], (Label{"a", "1"}));
  EXPECT_EQ(l.items()[1], (Label{"b", "3"}));
  EXPECT_EQ(l.Get("b"), "3");
  EXPECT_EQ(l.Get("c"), "");
  EXPECT_FALSE(l.Has("c"));
}

TEST(LabelsTest, SetAndRemoveKeepTheOrder) {
  Labels l({{"__name__", "up"}, {"job", "x"}});
  l.Set("instance", "h");
  l.Set("job", "");
  EXPECT_EQ(l.ToString(), "{__name__=\"up\", instance=\"h\"}");
  EXPECT_EQ(l.WithoutMetricName().ToString(), "{instance=\"h\"}");
  EXPECT_EQ(l.MetricName(), "up");
}

TEST(LabelsTest, CompareIsLabelByLabelWithPrefixFirst) {
  Labels a({{"a", "1"}});
  Labels ab({{"a", "1"}, {"b", "1"}});
  Labels a2({{"a", "2"}});
  Labels b({{"b", "0"}});
  EXPECT_LT(Labels::Compare(a, ab), 0);
  EXPECT_LT(Labels::Compare(ab, a2), 0);
  EXPECT_LT(Labels::Compare(a2, b), 0);
  EXPECT_EQ(Labels::Compare(ab, Labels({{"b", "1"}, {"a", "1"}})), 0);
  EXPECT_EQ(ab.Hash(), Labels({{"b", "1"}, {"a", "1"}}).Hash());
  EXPECT_NE(Labels({{"a", "bc"}}).Hash(), Labels({{"ab", "c"}}).Hash());
}

TEST(ValueTest, StaleMarkerIsOneParticularNaN) {
  EXPECT_TRUE(std::isnan(StaleNaN()));
  EXPECT_TRUE(IsStaleNaN(StaleNaN()));
  EXPECT_FALSE(IsStaleNaN(std::nan("")));
  EXPECT_FALSE(IsStaleNaN(1.0));
}

TEST(AnnotationsTest, DeduplicatesAndMerges) {
  Annotations a, b;
  a.AddWarning("w");
  a.AddWarning("w");
  b.AddWarning("v");
  b.AddInfo("i");
  a.Merge(b);
  EXPECT_EQ(a.warnings, (std::vector<std::string>{"w", "v"}));
  EXPECT_EQ(a.infos, (std::vector<std::string>{"i"}));
}

}  // namespace
}  // namespace tsdb::promql

namespace tsdb::promql {
namespace {

TEST(SamplesTest, OnePerTimeKeepsTheSameSampleInAnyOrder) {
  const double nan = std::nan("");
  const std::vector<Sample> samples = {{3, 1},   {1, 5}, {1, 7},   {2, nan}, {2, 9},
                                       {2, -1},  {4, 2}, {4, StaleNaN()}, {4, nan}, {3, 1}};
  std::vector<Sample> want = {{1, 7}, {2, nan}, {3, 1}, {4, StaleNaN()}};
  std::vector<Sample> order = samples;
  for (int round = 0; round < 50; ++round) {
    std::vector<Sample> got = order;
    SortSamplesOnePerTime(&got);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].t, want[i].t);
      EXPECT_EQ(std::isnan(got[i].v), std::isnan(want[i].v));
      EXPECT_EQ(IsStaleNaN(got[i].v), IsStaleNaN(want[i].v));
      if (!std::isnan(want[i].v)) {
        EXPECT_EQ(got[i].v, want[i].v);
      }
    }
    std::next_permutation(order.begin(), order.end(), [](const Sample& a, const Sample& b) {
      return a.t != b.t ? a.t < b.t : a.v < b.v;
    });
  }
}

}  // namespace
}  // namespace tsdb::promql
