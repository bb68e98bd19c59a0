#include "tsdb/promql/engine.h"

#include "promql/engine_test_fixture.h"

#include <cmath>

#include <gtest/gtest.h>

#include "tsdb/promql/memory_source.h"
#include "tsdb/promql/parser.h"

namespace tsdb::promql {
namespace {

constexpr int64_t kMinute = 60 * 1000;

class EngineTest : public EngineFixture {
 protected:
  // "labels=value" of an instant vector, sorted.
  std::vector<std::string> VectorText(std::string_view query, int64_t t) {
    Result<QueryResult> r = Instant(query, t);
    if (!r.ok()) return {"ERROR " + std::string(r.status().message())};
    std::vector<std::string> out;
    if (r->type == ValueType::kScalar) return {"scalar=" + std::to_string(r->scalar)};
    for (const VectorElement& e : r->vector) {
      out.push_back(e.labels.ToString() + "=" + std::to_string(e.v));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

};

using Strings = std::vector<std::string>;

TEST_F(EngineTest, InstantSelectorLooksBackFiveMinutesLeftOpen) {
  Load({{"__name__", "m"}, {"a", "x"}}, kMinute, {1, 2, 3});
  EXPECT_EQ(VectorText("m", 2 * kMinute), (Strings{"{__name__=\"m\", a=\"x\"}=3.000000"}));
  EXPECT_EQ(VectorText("m", 2 * kMinute + 30000), (Strings{"{__name__=\"m\", a=\"x\"}=3.000000"}));
  // The last sample is 5m old exactly: gone.
  EXPECT_EQ(VectorText("m", 7 * kMinute), Strings{});
  EXPECT_EQ(VectorText("m", 7 * kMinute - 1), (Strings{"{__name__=\"m\", a=\"x\"}=3.000000"}));
  // Before the first sample.
  EXPECT_EQ(VectorText("m offset 3m", 2 * kMinute), Strings{});
  EXPECT_EQ(VectorText("m offset 1m", 2 * kMinute), (Strings{"{__name__=\"m\", a=\"x\"}=2.000000"}));
  EXPECT_EQ(VectorText("m @ 60", 10 * kMinute), (Strings{"{__name__=\"m\", a=\"x\"}=2.000000"}));
  EXPECT_EQ(VectorText("m @ 120 offset -1m", 0), (Strings{"{__name__=\"m\", a=\"x\"}=3.000000"}));
  EXPECT_EQ(VectorText("m @ 600 offset 1m", 0), Strings{});
}

TEST_F(EngineTest, StaleMarkerEndsTheSeries) {
  Load({{"__name__", "m"}}, kMinute, {1, StaleNaN(), std::nan(""), 4});
  EXPECT_EQ(VectorText("m", 0), (Strings{"{__name__=\"m\"}=1.000000"}));
  EXPECT_EQ(VectorText("m", kMinute), Strings{});
  EXPECT_EQ(VectorText("m", 2 * kMinute), Strings{});
  EXPECT_EQ(VectorText("m", 3 * kMinute), (Strings{"{__name__=\"m\"}=4.000000"}));
}

TEST_F(EngineTest, ScalarArithmeticAndComparisons) {
  EXPECT_EQ(VectorText("1 + 2 * 3", 0), Strings{"scalar=7.000000"});
  EXPECT_EQ(VectorText("2 ^ 3 ^ 2", 0), Strings{"scalar=512.000000"});
  EXPECT_EQ(VectorText("-2 ^ 2", 0), Strings{"scalar=-4.000000"});
  EXPECT_EQ(VectorText("5 % 3", 0), Strings{"scalar=2.000000"});
  EXPECT_EQ(VectorText("1 > bool 2", 0), Strings{"scalar=0.000000"});
  EXPECT_EQ(VectorText("1 < bool 2", 0), Strings{"scalar=1.000000"});
}

TEST_F(EngineTest, VectorScalarOperators) {
  Load({{"__name__", "m"}, {"a", "x"}}, kMinute, {10});
  Load({{"__name__", "m"}, {"a", "y"}}, kMinute, {20});
  EXPECT_EQ(VectorText("m * 2", 0), (Strings{"{a=\"x\"}=20.000000", "{a=\"y\"}=40.000000"}));
  EXPECT_EQ(VectorText("m > 15", 0), (Strings{"{__name__=\"m\", a=\"y\"}=20.000000"}));
  // A comparison keeps the vector's value on either side.
  EXPECT_EQ(VectorText("15 < m", 0), (Strings{"{__name__=\"m\", a=\"y\"}=20.000000"}));
  EXPECT_EQ(VectorText("m > bool 15", 0), (Strings{"{a=\"x\"}=0.000000", "{a=\"y\"}=1.000000"}));
  EXPECT_EQ(VectorText("-m", 0), (Strings{"{a=\"x\"}=-10.000000", "{a=\"y\"}=-20.000000"}));
}

TEST_F(EngineTest, VectorMatching) {
  Load({{"__name__", "req"}, {"job", "a"}, {"code", "200"}}, kMinute, {10});
  Load({{"__name__", "req"}, {"job", "a"}, {"code", "500"}}, kMinute, {2});
  Load({{"__name__", "req"}, {"job", "b"}, {"code", "200"}}, kMinute, {30});
  Load({{"__name__", "lim"}, {"job", "a"}}, kMinute, {100});
  Load({{"__name__", "lim"}, {"job", "b"}}, kMinute, {300});
  EXPECT_EQ(VectorText("req / on(job) group_left lim", 0),
            (Strings{"{code=\"200\", job=\"a\"}=0.100000", "{code=\"200\", job=\"b\"}=0.100000",
                     "{code=\"500\", job=\"a\"}=0.020000"}));
  EXPECT_EQ(VectorText("lim / on(job) group_right req", 0),
            (Strings{"{code=\"200\", job=\"a\"}=10.000000", "{code=\"200\", job=\"b\"}=10.000000",
                     "{code=\"500\", job=\"a\"}=50.000000"}));
  EXPECT_EQ(VectorText("req{code=\"200\"} + ignoring(code) lim", 0),
            (Strings{"{job=\"a\"}=110.000000", "{job=\"b\"}=330.000000"}));
  EXPECT_EQ(VectorText("req + on(job) lim", 0),
            (Strings{"ERROR multiple matches for labels: many-to-one matching must be explicit "
                     "(group_left/group_right)"}));
  EXPECT_EQ(VectorText("lim + on() req", 0),
            (Strings{"ERROR found duplicate series for the match group {} on the right hand-side "
                     "of the operation: [{__name__=\"req\", code=\"200\", job=\"b\"}, "
                     "{__name__=\"req\", code=\"200\", job=\"a\"}];many-to-many matching not "
                     "allowed: matching labels must be unique on one side"}));
  EXPECT_EQ(VectorText("req and on(job) lim{job=\"b\"}", 0),
            (Strings{"{__name__=\"req\", code=\"200\", job=\"b\"}=30.000000"}));
  EXPECT_EQ(VectorText("req unless on(job) lim{job=\"b\"}", 0),
            (Strings{"{__name__=\"req\", code=\"200\", job=\"a\"}=10.000000",
                     "{__name__=\"req\", code=\"500\", job=\"a\"}=2.000000"}));
  EXPECT_EQ(VectorText("lim{job=\"a\"} or on(job) lim", 0),
            (Strings{"{__name__=\"lim\", job=\"a\"}=100.000000",
                     "{__name__=\"lim\", job=\"b\"}=300.000000"}));
}

TEST_F(EngineTest, NameDroppingCollisionIsAnError) {
  Load({{"__name__", "a"}, {"x", "1"}}, kMinute, {1});
  Load({{"__name__", "b"}, {"x", "1"}}, kMinute, {2});
  EXPECT_EQ(VectorText("{x=\"1\"} * 2", 0),
            Strings{"ERROR vector cannot contain metrics with the same labelset"});
  options_.delayed_name_removal = true;
  EXPECT_EQ(VectorText("{x=\"1\"} * 2", 0),
            Strings{"ERROR vector cannot contain metrics with the same labelset"});
}

TEST_F(EngineTest, RangeQueryStepsAndSorting) {
  Load({{"__name__", "m"}, {"a", "y"}}, kMinute, {1, 2, 3, 4});
  Load({{"__name__", "m"}, {"a", "x"}}, kMinute, {10, 20});
  Result<QueryResult> r = Range("m", 0, 3 * kMinute, kMinute);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->matrix.size(), 2u);
  EXPECT_EQ(r->matrix[0].labels.Get("a"), "x");
  // x's last sample (1m) is still within the lookback at 2m and 3m.
  EXPECT_EQ(r->matrix[0].samples.size(), 4u);
  EXPECT_EQ(r->matrix[1].samples.back().v, 4);
  Result<QueryResult> scalar = Range("time()", 0, kMinute, 30000);
  ASSERT_TRUE(scalar.ok()) << scalar.status();
  ASSERT_EQ(scalar->matrix.size(), 1u);
  EXPECT_EQ(scalar->matrix[0].samples.back().v, 60);
  Result<QueryResult> s2 = Range("1 + 1", 0, kMinute, 30000);
  ASSERT_TRUE(s2.ok());
  ASSERT_EQ(s2->matrix.size(), 1u);
  EXPECT_EQ(s2->matrix[0].samples.size(), 3u);
  EXPECT_TRUE(s2->matrix[0].labels.empty());
  Result<QueryResult> bad = Range("m[5m]", 0, kMinute, 30000);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "invalid expression type \"range vector\" for range query, must be Scalar or instant "
            "Vector");
}

TEST_F(EngineTest, RangeVectorAndSubqueryResults) {
  Load({{"__name__", "m"}}, kMinute, {1, 2, 3, 4, 5});
  Result<QueryResult> r = Instant("m[2m]", 4 * kMinute);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->type, ValueType::kMatrix);
  ASSERT_EQ(r->matrix.size(), 1u);
  // Left-open: (2m, 4m].
  ASSERT_EQ(r->matrix[0].samples.size(), 2u);
  EXPECT_EQ(r->matrix[0].samples[0].t, 3 * kMinute);
  r = Instant("m[3m:30s]", 4 * kMinute);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->matrix.size(), 1u);
  EXPECT_EQ(r->matrix[0].samples.size(), 6u);
  EXPECT_EQ(r->matrix[0].samples[0].t, 90000);
}

TEST_F(EngineTest, SmoothedSelectorInterpolates) {
  // extended_vectors.test: samples every 10 s.
  Load({{"__name__", "metric"}}, 10000, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  Load({{"__name__", "withreset"}}, 10000, {1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 6});
  EXPECT_EQ(VectorText("metric smoothed", 10000), (Strings{"{__name__=\"metric\"}=2.000000"}));
  EXPECT_EQ(VectorText("metric smoothed", 15000), (Strings{"{__name__=\"metric\"}=2.500000"}));
  EXPECT_EQ(VectorText("metric smoothed", 5000), (Strings{"{__name__=\"metric\"}=1.500000"}));
  // After the last sample: its value, no extrapolation.
  EXPECT_EQ(VectorText("metric smoothed", 105000), (Strings{"{__name__=\"metric\"}=11.000000"}));
  // Not counter-aware: a reset's drop is interpolated too.
  EXPECT_EQ(VectorText("withreset smoothed", 45000),
            (Strings{"{__name__=\"withreset\"}=3.000000"}));
  std::vector<double> ramp;
  for (int i = 0; i <= 20; ++i) ramp.push_back(i);
  Load({{"__name__", "ramp"}}, 10000, ramp);
  Result<QueryResult> r = Range("ramp offset -100s smoothed", 0, 60000, 15000);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->matrix.size(), 1u);
  std::vector<double> values;
  for (const Sample& p : r->matrix[0].samples) values.push_back(p.v);
  EXPECT_EQ(values, (std::vector<double>{10, 11.5, 13, 14.5, 16}));
}

TEST_F(EngineTest, SampleLimit) {
  Load({{"__name__", "m"}}, 1000, std::vector<double>(100, 1.0));
  options_.max_samples = 50;
  Result<QueryResult> r = Instant("m[100s]", 100000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(EngineTest, InterruptStopsTheQuery) {
  Load({{"__name__", "m"}}, kMinute, {1});
  options_.check_interrupt = [] { return absl::CancelledError("canceling statement"); };
  Result<QueryResult> r = Instant("m", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace tsdb::promql
