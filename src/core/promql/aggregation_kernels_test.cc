#include "tsdb/promql/aggregation_kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "kernel_test_util.h"

namespace tsdb::promql {
namespace {

using testing::Near;

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::nan("");

template <typename Agg>
double Aggregate(std::initializer_list<double> values) {
  Agg agg;
  for (double v : values) agg.Add(v);
  return agg.Value();
}

// aggregators.test http_requests at 50m, in label order:
// api-server canary 0, 1; production 0, 1; app-server likewise.
const std::initializer_list<double> kRequests = {300, 400, 100, 200, 700, 800, 500, 600};

TEST(KernelAggregationTest, SumAvgCountGroup) {
  EXPECT_EQ(Aggregate<SumAggregator>({300, 400}), 700);
  EXPECT_EQ(Aggregate<SumAggregator>(kRequests), 3600);
  EXPECT_EQ(Aggregate<AvgAggregator>({300, 400}), 350);
  EXPECT_EQ(Aggregate<CountAggregator>(kRequests), 8);
  EXPECT_EQ(Aggregate<GroupAggregator>(kRequests), 1);
}

TEST(KernelAggregationTest, SumAndAvgOfExtremeValues) {
  // aggregators.test "Test summing and averaging extreme values".
  EXPECT_EQ(Aggregate<SumAggregator>({2, 8, 1e100, -1e100}), 10);
  EXPECT_EQ(Aggregate<AvgAggregator>({2, 8, 1e100, -1e100}), 2.5);
  EXPECT_EQ(Aggregate<SumAggregator>({kInf, 2}), kInf);
  EXPECT_EQ(Aggregate<SumAggregator>({2, kInf}), kInf);
  EXPECT_EQ(Aggregate<AvgAggregator>({2, kInf}), kInf);
  EXPECT_EQ(Aggregate<SumAggregator>({-kInf, 2}), -kInf);
  EXPECT_EQ(Aggregate<AvgAggregator>({2, -kInf}), -kInf);
  EXPECT_TRUE(std::isnan(Aggregate<SumAggregator>({kInf, -kInf})));
  EXPECT_TRUE(std::isnan(Aggregate<AvgAggregator>({kInf, -kInf})));
  EXPECT_TRUE(std::isnan(Aggregate<SumAggregator>({kNaN, 2})));
  EXPECT_TRUE(std::isnan(Aggregate<AvgAggregator>({2, kNaN})));
  EXPECT_EQ(Aggregate<AvgAggregator>({9.988465674311579e+307, 9.988465674311579e+307,
                                9.988465674311579e+307, 9.988465674311579e+307}),
            9.988465674311579e+307);
  EXPECT_EQ(Aggregate<AvgAggregator>({-9.988465674311579e+307, -9.988465674311579e+307,
                                9.988465674311579e+307, 9.988465674311579e+307}),
            0);
}

TEST(KernelAggregationTest, AvgOfTwelveEqualValuesIsExact) {
  AvgAggregator avg;
  for (int i = 0; i < 12; ++i) avg.Add(52);
  EXPECT_EQ(avg.Value(), 52);
}

TEST(KernelAggregationTest, MinMaxReplaceNaN) {
  EXPECT_EQ(Aggregate<MinAggregator>(kRequests), 100);
  EXPECT_EQ(Aggregate<MaxAggregator>(kRequests), 800);
  EXPECT_EQ(Aggregate<MinAggregator>({kNaN, 3, 1}), 1);
  EXPECT_EQ(Aggregate<MaxAggregator>({kNaN, 3, 1}), 3);
  EXPECT_EQ(Aggregate<MaxAggregator>({3, kNaN, 1}), 3);
  EXPECT_TRUE(std::isnan(Aggregate<MaxAggregator>({kNaN, kNaN})));
  EXPECT_EQ(Aggregate<MinAggregator>({-kInf, 0}), -kInf);
  EXPECT_TRUE(std::signbit(Aggregate<MinAggregator>({-0.0, 0.0})));
  EXPECT_FALSE(std::signbit(Aggregate<MaxAggregator>({0.0, -0.0})));
}

TEST(KernelAggregationTest, StddevAndStdvar) {
  // aggregators.test "Standard deviation and variance".
  VarianceAggregator all;
  for (double v : kRequests) all.Add(v);
  EXPECT_TRUE(Near(all.Stddev(), 229.12878474779, 1e-12));
  EXPECT_TRUE(Near(all.Stdvar(), 52500));
  VarianceAggregator inst0;
  for (double v : {300, 100, 700, 500}) inst0.Add(v);
  EXPECT_TRUE(Near(inst0.Stddev(), 223.60679774998, 1e-12));
  EXPECT_TRUE(Near(inst0.Stdvar(), 50000));
  // "Float precision test": three times 13.3 gives exactly 0.
  VarianceAggregator same;
  for (int i = 0; i < 3; ++i) same.Add(0 + 1.33 * 10);
  EXPECT_EQ(same.Stddev(), 0);
  EXPECT_EQ(same.Stdvar(), 0);
  VarianceAggregator one;
  one.Add(5);
  EXPECT_EQ(one.Stdvar(), 0);
  VarianceAggregator inf_first;
  inf_first.Add(kInf);
  EXPECT_TRUE(std::isnan(inf_first.Stdvar()));
  VarianceAggregator inf_later;
  inf_later.Add(1);
  inf_later.Add(kInf);
  EXPECT_TRUE(std::isnan(inf_later.Stdvar()));
}

TEST(KernelAggregationTest, QuantileAggregator) {
  QuantileAggregator q;
  for (double v : {0.0, 1.0, kNaN}) q.Add(v);
  EXPECT_TRUE(Near(q.Value(0.8), 0.6));
  EXPECT_TRUE(std::isnan(q.Value(0.2)));
}

TEST(KernelAggregationTest, TopkAndBottomkOrders) {
  // aggregators.test "Test NaN is sorted away from the top/bottom".
  std::vector<double> v = {100, 200, kNaN};
  std::sort(v.begin(), v.end(), TopkOutputBefore);
  EXPECT_EQ(v[0], 200);
  EXPECT_EQ(v[1], 100);
  EXPECT_TRUE(std::isnan(v[2]));
  std::sort(v.begin(), v.end(), BottomkOutputBefore);
  EXPECT_EQ(v[0], 100);
  EXPECT_EQ(v[1], 200);
  EXPECT_TRUE(std::isnan(v[2]));
  // A heap top is replaced by any better value; NaN by any number.
  EXPECT_TRUE(TopkRanksBelow(1, 2));
  EXPECT_FALSE(TopkRanksBelow(2, 2));
  EXPECT_TRUE(TopkRanksBelow(kNaN, -kInf));
  EXPECT_FALSE(TopkRanksBelow(1, kNaN));
  EXPECT_FALSE(TopkRanksBelow(kNaN, kNaN));
  EXPECT_TRUE(BottomkRanksBelow(2, 1));
  EXPECT_TRUE(BottomkRanksBelow(kNaN, kInf));
  EXPECT_FALSE(BottomkRanksBelow(kInf, kNaN));
}

TEST(KernelAggregationTest, TopkWithAHeap) {
  // topk(3, http_requests) at 50m: 800, 700, 600 with NaN present.
  std::vector<double> input = {300, 400, kNaN, 100, 200, 700, 800, 500, 600};
  const size_t k = 3;
  // A heap whose top is the worst kept value.
  auto worse_on_top = [](double a, double b) { return TopkRanksBelow(b, a); };
  std::vector<double> heap;
  for (double v : input) {
    if (heap.size() < k) {
      heap.push_back(v);
      std::push_heap(heap.begin(), heap.end(), worse_on_top);
    } else if (TopkRanksBelow(heap.front(), v)) {
      std::pop_heap(heap.begin(), heap.end(), worse_on_top);
      heap.back() = v;
      std::push_heap(heap.begin(), heap.end(), worse_on_top);
    }
  }
  std::sort(heap.begin(), heap.end(), TopkOutputBefore);
  EXPECT_EQ(heap, (std::vector<double>{800, 700, 600}));
}

TEST(KernelAggregationTest, SortOrders) {
  // functions.test sort / sort_desc: NaN last in both.
  std::vector<double> v = {300, kNaN, 100, 800, 200};
  std::sort(v.begin(), v.end(), SortAscendingBefore);
  EXPECT_EQ(v[0], 100);
  EXPECT_EQ(v[3], 800);
  EXPECT_TRUE(std::isnan(v[4]));
  std::sort(v.begin(), v.end(), SortDescendingBefore);
  EXPECT_EQ(v[0], 800);
  EXPECT_EQ(v[3], 100);
  EXPECT_TRUE(std::isnan(v[4]));
}

}  // namespace
}  // namespace tsdb::promql
