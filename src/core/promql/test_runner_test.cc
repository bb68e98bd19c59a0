#include "tsdb/promql/test_runner.h"

#include <gtest/gtest.h>

#include <string>

namespace tsdb::promql {
namespace {

FileResult RunText(const std::string& script) {
  EngineBackend backend;
  return RunScript("t.test", script, &backend);
}

TEST(TestRunnerTest, PassesAndFailsEvals) {
  const FileResult r = RunText(
      "load 1m\n"
      "  a{job=\"1\"} 1 2 3\n"
      "\n"
      "eval instant at 2m a\n"
      "  a{job=\"1\"} 3\n"
      "\n"
      "eval instant at 2m a\n"
      "  a{job=\"1\"} 4\n");
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_EQ(r.cases[0].state, CaseResult::State::kPassed) << r.cases[0].message;
  EXPECT_EQ(r.cases[1].state, CaseResult::State::kFailed);
  EXPECT_EQ(r.cases[1].line, 7);
}

// An eval that reads a series holding native histogram samples is skipped
// (the engine has only their floats); one that reads other series runs.
TEST(TestRunnerTest, SkipsEvalsReadingHistogramSeries) {
  const FileResult r = RunText(
      "load 1m\n"
      "  mixed{job=\"1\"} 1 {{schema:0 sum:1 count:1}} 3\n"
      "  floats{job=\"1\"} 1 2 3\n"
      "\n"
      "eval instant at 2m floats\n"
      "  floats{job=\"1\"} 3\n"
      "\n"
      "eval instant at 2m count(mixed)\n"
      "  {} 1\n"
      "\n"
      "eval instant at 2m floats + on() group_left sum(rate({__name__=~\"mix.*\"}[5m]))\n"
      "\n"
      "eval instant at 2m floats unless on(job) mixed{job=\"2\"}\n"
      "  floats{job=\"1\"} 3\n"
      "\n"
      "clear\n"
      "load 1m\n"
      "  mixed{job=\"1\"} 1 2 3\n"
      "\n"
      "eval instant at 2m count(mixed)\n"
      "  {} 1\n");
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.cases.size(), 5u);
  EXPECT_EQ(r.cases[0].state, CaseResult::State::kPassed) << r.cases[0].message;
  EXPECT_EQ(r.cases[1].state, CaseResult::State::kSkipped);
  EXPECT_EQ(r.cases[1].message,
            "native histograms: reads {__name__=\"mixed\", job=\"1\"}");
  EXPECT_EQ(r.cases[2].state, CaseResult::State::kSkipped);
  // mixed{job="2"} matches no histogram series.
  EXPECT_EQ(r.cases[3].state, CaseResult::State::kPassed) << r.cases[3].message;
  // `clear` forgets the histogram series.
  EXPECT_EQ(r.cases[4].state, CaseResult::State::kPassed) << r.cases[4].message;
}

// load_with_nhcb also writes x_bucket/x_count/x_sum as a native histogram x.
TEST(TestRunnerTest, SkipsEvalsReadingCustomBucketHistograms) {
  const FileResult r = RunText(
      "load_with_nhcb 1m\n"
      "  req_bucket{le=\"1\", job=\"1\"} 1 2\n"
      "  req_bucket{le=\"+Inf\", job=\"1\"} 2 4\n"
      "\n"
      "eval instant at 1m req_bucket{le=\"1\"}\n"
      "  req_bucket{le=\"1\", job=\"1\"} 2\n"
      "\n"
      "eval instant at 1m histogram_count(req)\n"
      "  {job=\"1\"} 4\n");
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.cases.size(), 2u);
  // The classic series are floats.
  EXPECT_EQ(r.cases[0].state, CaseResult::State::kPassed) << r.cases[0].message;
  EXPECT_EQ(r.cases[1].state, CaseResult::State::kSkipped);
  EXPECT_EQ(r.cases[1].message, "native histograms: reads {__name__=\"req\", job=\"1\"}");
}

}  // namespace
}  // namespace tsdb::promql
