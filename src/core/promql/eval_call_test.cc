// Function calls through the engine, with expectations taken from
// Prometheus's promqltest scripts (functions.test, histograms.test,
// name_label_dropping.test, range_queries.test), rewritten as C++ data.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tsdb/promql/engine.h"
#include "tsdb/promql/memory_source.h"
#include "tsdb/promql/parser.h"
#include "promql/engine_test_fixture.h"

namespace tsdb::promql {
namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;

using Strings = std::vector<std::string>;

std::string Num(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

class CallTest : public EngineFixture {
 protected:
  // start, start+inc, ... (n values), as promqltest's `a+bxN`.
  static std::vector<double> Series(double start, double inc, int n) {
    std::vector<double> v;
    double x = start;
    for (int i = 0; i <= n; ++i) {
      v.push_back(x);
      x += inc;
    }
    return v;
  }

  // "labels value" of an instant query, sorted unless `ordered`; scalars as
  // "scalar value"; errors as "ERROR message".
  Strings Eval(std::string_view query, int64_t t, bool ordered = false) {
    Result<QueryResult> r = Instant(query, t);
    if (!r.ok()) return {"ERROR " + std::string(r.status().message())};
    annotations_ = r->annotations;
    if (r->type == ValueType::kScalar) return {"scalar " + Num(r->scalar)};
    Strings out;
    for (const VectorElement& e : r->vector) out.push_back(e.labels.ToString() + " " + Num(e.v));
    if (!ordered) std::sort(out.begin(), out.end());
    return out;
  }

  // A range query as "labels v1 v2 ..." with "_" for missing points.
  Strings EvalRange(std::string_view query, int64_t start, int64_t end, int64_t step) {
    Result<ExprPtr> e = ParseExpr(query);
    if (!e.ok()) return {"ERROR " + std::string(e.status().message())};
    Result<QueryResult> r = promql::EvalRange(**e, start, end, step, &source_, options_);
    if (!r.ok()) return {"ERROR " + std::string(r.status().message())};
    annotations_ = r->annotations;
    Strings out;
    for (const promql::Series& s : r->matrix) {
      std::string line = s.labels.ToString();
      size_t k = 0;
      for (int64_t t = start; t <= end; t += step) {
        if (k < s.samples.size() && s.samples[k].t == t) {
          line += " " + Num(s.samples[k++].v);
        } else {
          line += " _";
        }
      }
      out.push_back(line);
    }
    return out;
  }

  Annotations annotations_;
};

Labels L(std::initializer_list<Label> l) { return Labels(l); }

TEST_F(CallTest, RateIncreaseDeltaExtrapolate) {
  // functions.test: http_requests 0+10x10 at 5m intervals.
  Load(L({{"__name__", "http_requests_total"}, {"path", "/foo"}}), 5 * kMinute, Series(0, 10, 10));
  Load(L({{"__name__", "http_requests_total"}, {"path", "/bar"}}), 5 * kMinute,
       {0, 10, 20, 30, 40, 0, 10, 20, 30, 40, 50});
  EXPECT_EQ(Eval("rate(http_requests_total[50m])", 50 * kMinute),
            (Strings{"{path=\"/bar\"} 0.0296296", "{path=\"/foo\"} 0.0333333"}));
  EXPECT_EQ(Eval("increase(http_requests_total[50m])", 50 * kMinute),
            (Strings{"{path=\"/bar\"} 88.8889", "{path=\"/foo\"} 100"}));
  EXPECT_EQ(Eval("delta(http_requests_total{path=\"/foo\"}[50m])", 50 * kMinute),
            (Strings{"{path=\"/foo\"} 100"}));
  // One sample in the window: no result.
  EXPECT_EQ(Eval("rate(http_requests_total[5m])", 50 * kMinute), Strings{});
  EXPECT_TRUE(annotations_.infos.empty());
}

TEST_F(CallTest, RateOfAGaugeNamedMetricIsAnInfo) {
  Load(L({{"__name__", "gauge"}}), kMinute, Series(0, 1, 10));
  EXPECT_EQ(Eval("rate(gauge[5m])", 10 * kMinute), (Strings{"{} 0.0166667"}));
  EXPECT_EQ(annotations_.infos,
            Strings{"metric might not be a counter, name does not end in "
                    "_total/_sum/_count/_bucket: \"gauge\""});
}

TEST_F(CallTest, IrateAndIdelta) {
  Load(L({{"__name__", "http_requests_total"}}), 5 * kMinute, {0, 10, 20, 5});
  EXPECT_EQ(Eval("irate(http_requests_total[20m])", 15 * kMinute), (Strings{"{} 0.0166667"}));
  EXPECT_EQ(Eval("idelta(http_requests_total[20m])", 15 * kMinute), (Strings{"{} -15"}));
}

TEST_F(CallTest, DerivAndPredictLinear) {
  // functions.test: testcounter_reset_middle_total 0+10x4 0+10x5 at 5m.
  std::vector<double> v = Series(0, 10, 4);
  for (double x : Series(0, 10, 5)) v.push_back(x);
  Load(L({{"__name__", "testcounter_reset_middle_total"}}), 5 * kMinute, v);
  EXPECT_EQ(Eval("deriv(testcounter_reset_middle_total[100m])", 50 * kMinute),
            (Strings{"{} 0.0106061"}));
  EXPECT_EQ(Eval("predict_linear(testcounter_reset_middle_total[50m], 3600)", 50 * kMinute),
            (Strings{"{} 70"}));
  EXPECT_EQ(Eval("predict_linear(testcounter_reset_middle_total[50m], 1h)", 50 * kMinute),
            (Strings{"{} 70"}));
}

TEST_F(CallTest, DoubleExponentialSmoothingChecksFactors) {
  Load(L({{"__name__", "m"}}), kMinute, Series(0, 1, 5));
  EXPECT_EQ(Eval("double_exponential_smoothing(m[5m], 1, 0.5)", 5 * kMinute),
            Strings{"ERROR invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000"});
  EXPECT_EQ(Eval("double_exponential_smoothing(m[5m], 0.5, 0)", 5 * kMinute),
            Strings{"ERROR invalid trend factor. Expected: 0 < tf < 1, got: 0.000000"});
  // No series, no check.
  EXPECT_EQ(Eval("double_exponential_smoothing(nothing[5m], 1, 0.5)", 5 * kMinute), Strings{});
}

TEST_F(CallTest, ResetsAndChanges) {
  Load(L({{"__name__", "m"}, {"path", "/foo"}}), 5 * kMinute, {1, 2, 3, 0, 1, 0, 0, 1, 2, 0});
  EXPECT_EQ(Eval("resets(m[20m])", 45 * kMinute), (Strings{"{path=\"/foo\"} 1"}));
  EXPECT_EQ(Eval("resets(m[50m])", 45 * kMinute), (Strings{"{path=\"/foo\"} 3"}));
  EXPECT_EQ(Eval("changes(m[50m])", 45 * kMinute), (Strings{"{path=\"/foo\"} 8"}));
}

TEST_F(CallTest, OverTimeFunctions) {
  Load(L({{"__name__", "m"}}), 10 * kSecond, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(Eval("sum_over_time(m[1m])", 50 * kSecond), (Strings{"{} 21"}));
  EXPECT_EQ(Eval("avg_over_time(m[30s])", 50 * kSecond), (Strings{"{} 5"}));
  EXPECT_EQ(Eval("count_over_time(m[30s])", 50 * kSecond), (Strings{"{} 3"}));
  EXPECT_EQ(Eval("min_over_time(m[30s])", 50 * kSecond), (Strings{"{} 4"}));
  EXPECT_EQ(Eval("max_over_time(m[30s])", 50 * kSecond), (Strings{"{} 6"}));
  EXPECT_EQ(Eval("stdvar_over_time(m[30s])", 50 * kSecond), (Strings{"{} 0.666667"}));
  EXPECT_EQ(Eval("quantile_over_time(0.5, m[1m])", 50 * kSecond), (Strings{"{} 3.5"}));
  EXPECT_EQ(Eval("mad_over_time(m[1m])", 50 * kSecond), (Strings{"{} 1.5"}));
  EXPECT_EQ(Eval("ts_of_max_over_time(m[1m])", 50 * kSecond), (Strings{"{} 50"}));
  EXPECT_EQ(Eval("ts_of_first_over_time(m[30s])", 50 * kSecond), (Strings{"{} 30"}));
  EXPECT_EQ(Eval("present_over_time(m[30s])", 50 * kSecond), (Strings{"{} 1"}));
  // last/first_over_time keep the name.
  EXPECT_EQ(Eval("last_over_time(m[30s])", 50 * kSecond), (Strings{"{__name__=\"m\"} 6"}));
  EXPECT_EQ(Eval("first_over_time(m[30s])", 50 * kSecond), (Strings{"{__name__=\"m\"} 4"}));
  // ... unless the subquery's expression dropped it.
  EXPECT_EQ(Eval("last_over_time(abs(m)[1m:10s])", 50 * kSecond), (Strings{"{} 6"}));
  EXPECT_EQ(Eval("quantile_over_time(2, m[1m])", 50 * kSecond), (Strings{"{} inf"}));
  EXPECT_EQ(annotations_.warnings, Strings{"quantile value should be between 0 and 1, got 2"});
}

TEST_F(CallTest, RangeFunctionsOverSubqueriesAndRangeQueries) {
  Load(L({{"__name__", "m"}}), 10 * kSecond, Series(0, 1, 30));
  EXPECT_EQ(EvalRange("sum_over_time(m[30s])", 60 * kSecond, 120 * kSecond, 30 * kSecond),
            (Strings{"{} 15 24 33"}));
  EXPECT_EQ(EvalRange("count_over_time(m[30s] @ 60)", 60 * kSecond, 120 * kSecond, 30 * kSecond),
            (Strings{"{} 3 3 3"}));
  EXPECT_EQ(EvalRange("max_over_time(m[20s] offset 1m)", 60 * kSecond, 120 * kSecond,
                      30 * kSecond),
            (Strings{"{} 0 3 6"}));
  EXPECT_EQ(Eval("sum_over_time(m[30s:10s])", 60 * kSecond), (Strings{"{} 15"}));
}

TEST_F(CallTest, RangeFunctionsFailOnCollisionsAfterDroppingNames) {
  Load(L({{"__name__", "a"}, {"x", "1"}}), kMinute, {1, 2});
  Load(L({{"__name__", "b"}, {"x", "1"}}), kMinute, {1, 2});
  EXPECT_EQ(Eval("rate({x=\"1\"}[5m])", kMinute),
            Strings{"ERROR vector cannot contain metrics with the same labelset"});
  EXPECT_EQ(Eval("last_over_time({x=\"1\"}[5m])", kMinute),
            (Strings{"{__name__=\"a\", x=\"1\"} 2", "{__name__=\"b\", x=\"1\"} 2"}));
  options_.delayed_name_removal = true;
  EXPECT_EQ(Eval("label_replace(rate({x=\"1\"}[5m]), \"n\", \"$1\", \"__name__\", \"(.+)\")",
                 kMinute),
            (Strings{"{n=\"a\", x=\"1\"} 0.005", "{n=\"b\", x=\"1\"} 0.005"}));
}

TEST_F(CallTest, AbsentAndAbsentOverTime) {
  Load(L({{"__name__", "http_requests"}, {"job", "api"}}), kMinute, {1});
  EXPECT_EQ(Eval("absent(nonexistent)", 0), (Strings{"{} 1"}));
  EXPECT_EQ(Eval("absent(nonexistent{job=\"testjob\", instance=\"testinstance\", method=~\".x\"})",
                 0),
            (Strings{"{instance=\"testinstance\", job=\"testjob\"} 1"}));
  EXPECT_EQ(Eval("absent(nonexistent{job=\"testjob\", job=\"testjob2\", foo=\"bar\"})", 0),
            (Strings{"{foo=\"bar\"} 1"}));
  EXPECT_EQ(Eval("absent(http_requests)", 0), Strings{});
  EXPECT_EQ(Eval("absent(sum(nonexistent{job=\"testjob\"}))", 0), (Strings{"{} 1"}));
  EXPECT_EQ(Eval("absent_over_time(http_requests{job=\"api\"}[1m])", 0), Strings{});
  EXPECT_EQ(Eval("absent_over_time(http_requests{job=\"api\"}[1m])", 2 * kMinute),
            (Strings{"{job=\"api\"} 1"}));
  EXPECT_EQ(EvalRange("absent_over_time(http_requests{job=\"api\"}[1m])", 0, 2 * kMinute, kMinute),
            (Strings{"{job=\"api\"} _ 1 1"}));
}

TEST_F(CallTest, LabelReplace) {
  Load(L({{"__name__", "testmetric"}, {"src", "source-value-10"}, {"dst", "original"}}), 5 * kMinute,
       {0});
  Load(L({{"__name__", "testmetric"}, {"src", "source-value-20"}, {"dst", "original"}}), 5 * kMinute,
       {1});
  EXPECT_EQ(Eval("label_replace(testmetric, \"dst\", \"destination-value-$1\", \"src\", "
                 "\"source-value-(.*)\")",
                 0),
            (Strings{"{__name__=\"testmetric\", dst=\"destination-value-10\", "
                     "src=\"source-value-10\"} 0",
                     "{__name__=\"testmetric\", dst=\"destination-value-20\", "
                     "src=\"source-value-20\"} 1"}));
  // Full-string match only.
  EXPECT_EQ(Eval("label_replace(testmetric, \"dst\", \"x-$1\", \"src\", \"value-(.*)\")", 0)[0],
            "{__name__=\"testmetric\", dst=\"original\", src=\"source-value-10\"} 0");
  // Named groups, ${1}, $$ and a name running on ($1x is group "1x").
  EXPECT_EQ(Eval("label_replace(testmetric{src=\"source-value-10\"}, \"dst\", "
                 "\"${1}x $1x $$ $v\", \"src\", \"(?P<v>.*)-value-.*\")",
                 0),
            (Strings{"{__name__=\"testmetric\", dst=\"sourcex  $ source\", "
                     "src=\"source-value-10\"} 0"}));
  EXPECT_EQ(Eval("label_replace(testmetric, \"dst\", \"\", \"dst\", \".*\")", 0)[0],
            "{__name__=\"testmetric\", src=\"source-value-10\"} 0");
  EXPECT_EQ(Eval("label_replace(testmetric, \"dst\", \"v\", \"src\", \"(.*\")", 0),
            Strings{"ERROR invalid regular expression in label_replace(): (.*"});
  EXPECT_EQ(Eval("label_replace(testmetric, \"src\", \"\", \"\", \"\")", 0),
            Strings{"ERROR vector cannot contain metrics with the same labelset"});
}

TEST_F(CallTest, LabelJoin) {
  Load(L({{"__name__", "testmetric"}, {"src", "a"}, {"src1", "b"}, {"src2", "c"}}), 5 * kMinute,
       {0});
  EXPECT_EQ(Eval("label_join(testmetric, \"dst\", \"-\", \"src\", \"src3\", \"src1\")", 0),
            (Strings{"{__name__=\"testmetric\", dst=\"a--b\", src=\"a\", src1=\"b\", src2=\"c\"} 0"}));
  EXPECT_EQ(Eval("label_join(testmetric, \"__name__\", \"_\", \"src\", \"src1\")", 0),
            (Strings{"{__name__=\"a_b\", src=\"a\", src1=\"b\", src2=\"c\"} 0"}));
}

TEST_F(CallTest, SortOrders) {
  Load(L({{"__name__", "m"}, {"i", "a"}}), kMinute, {3});
  Load(L({{"__name__", "m"}, {"i", "b"}}), kMinute, {std::nan("1") == 0 ? 0 : 1});
  Load(L({{"__name__", "m"}, {"i", "c"}}), kMinute, {2});
  Load(L({{"__name__", "m"}, {"i", "d"}}), kMinute, {-1});
  EXPECT_EQ(Eval("sort(m)", 0, /*ordered=*/true),
            (Strings{"{__name__=\"m\", i=\"d\"} -1", "{__name__=\"m\", i=\"b\"} 1",
                     "{__name__=\"m\", i=\"c\"} 2", "{__name__=\"m\", i=\"a\"} 3"}));
  EXPECT_EQ(Eval("sort_desc(m)", 0, true),
            (Strings{"{__name__=\"m\", i=\"a\"} 3", "{__name__=\"m\", i=\"c\"} 2",
                     "{__name__=\"m\", i=\"b\"} 1", "{__name__=\"m\", i=\"d\"} -1"}));
  EXPECT_TRUE(annotations_.warnings.empty());
  EvalRange("sort(m)", 0, kMinute, kMinute);
  EXPECT_EQ(annotations_.warnings,
            Strings{"sort is ineffective for range queries since results are always ordered by "
                    "labels"});
}

TEST_F(CallTest, SortByLabelIsNatural) {
  for (const char* v : {"10", "9", "a2", "a10", "b"}) {
    Load(L({{"__name__", "n"}, {"v", v}}), kMinute, {1});
  }
  Strings asc = Eval("sort_by_label(n, \"v\")", 0, true);
  ASSERT_EQ(asc.size(), 5u);
  EXPECT_EQ(asc[0], "{__name__=\"n\", v=\"9\"} 1");
  EXPECT_EQ(asc[1], "{__name__=\"n\", v=\"10\"} 1");
  EXPECT_EQ(asc[2], "{__name__=\"n\", v=\"a2\"} 1");
  EXPECT_EQ(asc[3], "{__name__=\"n\", v=\"a10\"} 1");
  EXPECT_EQ(asc[4], "{__name__=\"n\", v=\"b\"} 1");
  Strings desc = Eval("sort_by_label_desc(n, \"v\")", 0, true);
  EXPECT_EQ(desc[0], "{__name__=\"n\", v=\"b\"} 1");
  EXPECT_EQ(desc[4], "{__name__=\"n\", v=\"9\"} 1");
}

TEST_F(CallTest, ClassicHistogramQuantile) {
  // histograms.test: testhistogram_bucket at 50m after 0+Nx10 at 5m.
  struct B {
    const char* start;
    const char* le;
    double inc;
  };
  for (const B& b : {B{"positive", "0.1", 5}, B{"positive", ".2", 7}, B{"positive", "1e0", 11},
                     B{"positive", "+Inf", 12}, B{"negative", "-.2", 1}, B{"negative", "-0.1", 2},
                     B{"negative", "0.3", 2}, B{"negative", "+Inf", 3}}) {
    Load(L({{"__name__", "testhistogram_bucket"}, {"le", b.le}, {"start", b.start}}), 5 * kMinute,
         Series(0, b.inc, 10));
  }
  EXPECT_EQ(Eval("histogram_quantile(0.5, testhistogram_bucket)", 50 * kMinute),
            (Strings{"{start=\"negative\"} -0.15", "{start=\"positive\"} 0.15"}));
  EXPECT_EQ(Eval("histogram_quantile(0.8, rate(testhistogram_bucket[10m]))", 50 * kMinute),
            (Strings{"{start=\"negative\"} 0.3", "{start=\"positive\"} 0.72"}));
  EXPECT_EQ(Eval("histogram_quantile(-0.1, testhistogram_bucket)", 50 * kMinute),
            (Strings{"{start=\"negative\"} -inf", "{start=\"positive\"} -inf"}));
  EXPECT_EQ(annotations_.warnings, Strings{"quantile value should be between 0 and 1, got -0.1"});
  EXPECT_EQ(Eval("histogram_quantiles(testhistogram_bucket, \"q\", 0, 1)", 50 * kMinute),
            (Strings{"{q=\"0.0\", start=\"negative\"} -0.2", "{q=\"0.0\", start=\"positive\"} 0",
                     "{q=\"1.0\", start=\"negative\"} 0.3", "{q=\"1.0\", start=\"positive\"} 1"}));
  EXPECT_EQ(Eval("histogram_fraction(0, 0.2, testhistogram_bucket{start=\"positive\"})",
                 50 * kMinute),
            (Strings{"{start=\"positive\"} 0.583333"}));
}

TEST_F(CallTest, HistogramQuantileWarningsAndInfos) {
  Load(L({{"__name__", "series"}, {"le", "Hello World"}}), kMinute, {2});
  EXPECT_EQ(Eval("histogram_quantile(0.8, series)", 0), Strings{});
  EXPECT_EQ(annotations_.warnings,
            Strings{"bucket label \"le\" is missing or has a malformed value of \"Hello World\""});
  source_.Clear();
  Load(L({{"__name__", "nm_bucket"}, {"le", "1"}}), kMinute, {5});
  Load(L({{"__name__", "nm_bucket"}, {"le", "2"}}), kMinute, {3});
  Load(L({{"__name__", "nm_bucket"}, {"le", "+Inf"}}), kMinute, {6});
  EXPECT_EQ(Eval("histogram_quantile(0.5, nm_bucket)", 0), (Strings{"{} 0.6"}));
  ASSERT_EQ(annotations_.infos.size(), 1u);
  EXPECT_EQ(annotations_.infos[0].find("input to histogram_quantile needed to be fixed"), 0u);
}

TEST_F(CallTest, PerSampleFunctionsDropTheName) {
  Load(L({{"__name__", "m"}, {"a", "x"}}), kMinute, {-2.5});
  EXPECT_EQ(Eval("abs(m)", 0), (Strings{"{a=\"x\"} 2.5"}));
  EXPECT_EQ(Eval("round(m)", 0), (Strings{"{a=\"x\"} -2"}));
  EXPECT_EQ(Eval("round(m, 2)", 0), (Strings{"{a=\"x\"} -2"}));
  EXPECT_EQ(Eval("clamp(m, -1, 1)", 0), (Strings{"{a=\"x\"} -1"}));
  EXPECT_EQ(Eval("clamp(m, 1, -1)", 0), Strings{});
  EXPECT_EQ(Eval("clamp_max(m, -3)", 0), (Strings{"{a=\"x\"} -3"}));
  EXPECT_EQ(Eval("sgn(m)", 0), (Strings{"{a=\"x\"} -1"}));
  EXPECT_EQ(Eval("histogram_count(m)", 0), Strings{});
  Load(L({{"__name__", "n"}, {"a", "x"}}), kMinute, {2.5});
  EXPECT_EQ(Eval("abs({a=\"x\"})", 0),
            Strings{"ERROR vector cannot contain metrics with the same labelset"});
}

TEST_F(CallTest, DatesAndTimes) {
  // 2023-03-27T12:34:56Z.
  Load(L({{"__name__", "t"}}), kMinute, {1679920496});
  EXPECT_EQ(Eval("year(t)", 0), (Strings{"{} 2023"}));
  EXPECT_EQ(Eval("month(t)", 0), (Strings{"{} 3"}));
  EXPECT_EQ(Eval("day_of_week(t)", 0), (Strings{"{} 1"}));
  EXPECT_EQ(Eval("days_in_month(t)", 0), (Strings{"{} 31"}));
  EXPECT_EQ(Eval("hour(t)", 0), (Strings{"{} 12"}));
  EXPECT_EQ(Eval("minute()", 125 * kSecond), (Strings{"{} 2"}));
  EXPECT_EQ(Eval("year()", 0), (Strings{"{} 1970"}));
  EXPECT_EQ(Eval("time()", 125 * kSecond), Strings{"scalar 125"});
  EXPECT_EQ(Eval("vector(time())", 125 * kSecond), (Strings{"{} 125"}));
  EXPECT_EQ(Eval("pi()", 0), Strings{"scalar 3.14159"});
}

TEST_F(CallTest, TimestampReadsSampleTimesOfSelectors) {
  Load(L({{"__name__", "metric"}}), 10 * kSecond, {1, 1});
  EXPECT_EQ(Eval("timestamp(metric)", 5 * kSecond), (Strings{"{} 0"}));
  EXPECT_EQ(Eval("timestamp(((metric)))", 5 * kSecond), (Strings{"{} 0"}));
  EXPECT_EQ(Eval("timestamp(metric)", 15 * kSecond), (Strings{"{} 10"}));
  // Of an expression: the evaluation time.
  EXPECT_EQ(Eval("timestamp(-metric)", 15 * kSecond), (Strings{"{} 15"}));
}

TEST_F(CallTest, ScalarFunctions) {
  Load(L({{"__name__", "m"}, {"a", "1"}}), kMinute, {7});
  EXPECT_EQ(Eval("scalar(m)", 0), Strings{"scalar 7"});
  EXPECT_EQ(Eval("scalar(nothing)", 0), Strings{"scalar nan"});
  Load(L({{"__name__", "m"}, {"a", "2"}}), kMinute, {8});
  EXPECT_EQ(Eval("scalar(m)", 0), Strings{"scalar nan"});
  EXPECT_EQ(Eval("min_of(3, 5)", 0), Strings{"scalar 3"});
  EXPECT_EQ(Eval("max_of(NaN, 3)", 0), Strings{"scalar nan"});
  EXPECT_EQ(EvalRange("step()", 0, 10 * kSecond, 5 * kSecond), (Strings{"{} 5 5 5"}));
  EXPECT_EQ(EvalRange("range()", 10 * kSecond, 50 * kSecond, 10 * kSecond),
            (Strings{"{} 40 40 40 40 40"}));
  EXPECT_EQ(EvalRange("end() - start()", 10 * kSecond, 20 * kSecond, 5 * kSecond),
            (Strings{"{} 10 10 10"}));
  EXPECT_EQ(Eval("step()", 0), Strings{"scalar 0"});
}

TEST_F(CallTest, AnchoredAndSmoothedOnlyWithTheirFunctions) {
  Load(L({{"__name__", "m"}}), kMinute, {1, 2});
  EXPECT_EQ(Eval("sum_over_time(m[1m] anchored)", kMinute),
            Strings{"ERROR anchored modifier can only be used with: changes, delta, increase, "
                    "rate, resets - not with sum_over_time"});
  EXPECT_EQ(Eval("resets(m[1m] smoothed)", kMinute),
            Strings{"ERROR smoothed modifier can only be used with: delta, increase, rate - not "
                    "with resets"});
}

TEST_F(CallTest, InterruptStopsRangeFunctions) {
  Load(L({{"__name__", "m"}}), kMinute, {1, 2});
  int calls = 0;
  options_.check_interrupt = [&calls]() -> Status {
    // The first check is Eval's own; the second is per series.
    return ++calls > 1 ? absl::CancelledError("canceled") : Status();
  };
  Result<QueryResult> r = Instant("rate(m[5m])", kMinute);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace tsdb::promql

namespace tsdb::promql {
namespace {

TEST_F(CallTest, AnchoredAndSmoothedIncrease) {
  // extended_vectors.test: metric 1+1x4 9+1x4 at 15s.
  std::vector<double> v = Series(1, 1, 4);
  for (double x : Series(9, 1, 4)) v.push_back(x);
  Load(L({{"__name__", "metric"}}), 15 * kSecond, v);
  EXPECT_EQ(Eval("increase(metric[1m] anchored)", 5 * kSecond), (Strings{"{} 0"}));
  EXPECT_EQ(Eval("increase(metric[1m] anchored)", 20 * kSecond), (Strings{"{} 1"}));
  EXPECT_EQ(Eval("increase(metric[1m] anchored)", 80 * kSecond), (Strings{"{} 7"}));
  EXPECT_EQ(Eval("increase(metric[1m] smoothed)", 5 * kSecond), (Strings{"{} 0.333333"}));
  source_.Clear();
  Load(L({{"__name__", "metric"}}), 10 * kSecond, {NAN, 5, 6, 7, 8, 9});
  // Data only after the window: nothing.
  EXPECT_EQ(Eval("rate(metric[5s] smoothed)", 5 * kSecond), Strings{});
  EXPECT_EQ(Eval("increase(metric[10s] smoothed)", 15 * kSecond), (Strings{"{} 0.5"}));
}

TEST_F(CallTest, InfoAddsDataLabelsOfTargetInfo) {
  // info.test.
  Load(L({{"__name__", "metric"}, {"instance", "a"}, {"job", "1"}, {"label", "value"}}),
       5 * kMinute, {0, 1, 2});
  Load(L({{"__name__", "target_info"}, {"instance", "a"}, {"job", "1"}, {"data", "info"},
          {"another_data", "another info"}}),
       5 * kMinute, {1, 1, 1});
  Load(L({{"__name__", "build_info"}, {"instance", "a"}, {"job", "1"}, {"build_data", "build"}}),
       5 * kMinute, {1, 1, 1});
  EXPECT_EQ(Eval("info(metric, {data=~\".+\"})", 10 * kMinute),
            (Strings{"{__name__=\"metric\", data=\"info\", instance=\"a\", job=\"1\", "
                     "label=\"value\"} 2"}));
  EXPECT_EQ(Eval("info(metric)", 10 * kMinute),
            (Strings{"{__name__=\"metric\", another_data=\"another info\", data=\"info\", "
                     "instance=\"a\", job=\"1\", label=\"value\"} 2"}));
  EXPECT_EQ(Eval("info(metric, {non_existent=~\".+\"})", 10 * kMinute), Strings{});
  EXPECT_EQ(Eval("info(metric, {__name__=\"build_info\"})", 10 * kMinute),
            (Strings{"{__name__=\"metric\", build_data=\"build\", instance=\"a\", job=\"1\", "
                     "label=\"value\"} 2"}));
  EXPECT_EQ(Eval("info(build_info, {__name__=~\".+_info\"})", 10 * kMinute),
            (Strings{"{__name__=\"build_info\", build_data=\"build\", instance=\"a\", job=\"1\"} 1"}));
}

}  // namespace
}  // namespace tsdb::promql
