#include "tsdb/promql/value.h"

#include <cmath>

#include <gtest/gtest.h>

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
