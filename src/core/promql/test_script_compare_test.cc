#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "tsdb/promql/test_script.h"

namespace tsdb::promql {
namespace {

EvalCommand ParseEval(const char* text) {
  Result<std::vector<Command>> cmds = ParseTestScript(text);
  EXPECT_TRUE(cmds.ok()) << cmds.status();
  if (!cmds.ok() || cmds->empty()) return EvalCommand();
  return (*cmds)[0].eval;
}

std::string Message(const Status& s) { return std::string(s.message()); }

QueryOutcome VectorOutcome(Vector v) {
  QueryOutcome o;
  o.kind = ResultKind::kVector;
  o.vector = std::move(v);
  return o;
}

QueryOutcome MatrixOutcome(Matrix m) {
  QueryOutcome o;
  o.kind = ResultKind::kMatrix;
  o.matrix = std::move(m);
  return o;
}

const Labels kA1({{"__name__", "a"}, {"job", "1"}});
const Labels kA2({{"__name__", "a"}, {"job", "2"}});

TEST(ScriptCompareTest, ResultValuesEqual) {
  EXPECT_TRUE(ResultValuesEqual(1, 1));
  EXPECT_TRUE(ResultValuesEqual(1, 1 + 1e-7));
  EXPECT_FALSE(ResultValuesEqual(1, 1 + 1e-5));
  EXPECT_TRUE(ResultValuesEqual(1e10, 1e10 + 1));
  EXPECT_FALSE(ResultValuesEqual(0, 1e-300));  // zero compares (almost) exactly
  EXPECT_TRUE(ResultValuesEqual(0, 0));
  EXPECT_TRUE(ResultValuesEqual(-0.0, 0.0));
  EXPECT_TRUE(ResultValuesEqual(std::nan(""), std::nan("")));
  EXPECT_FALSE(ResultValuesEqual(std::nan(""), 1));
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(ResultValuesEqual(inf, inf));
  EXPECT_FALSE(ResultValuesEqual(inf, -inf));
  EXPECT_TRUE(ResultValuesEqual(StaleNaN(), StaleNaN()));
  EXPECT_FALSE(ResultValuesEqual(StaleNaN(), std::nan("")));
  EXPECT_FALSE(ResultValuesEqual(std::nan(""), StaleNaN()));
}

TEST(ScriptCompareTest, VectorsMatchByLabelSetBothWays) {
  const EvalCommand cmd = ParseEval("eval instant at 0 a\n  a{job=\"1\"} 1\n  a{job=\"2\"} 2\n");
  EXPECT_TRUE(CompareResult(cmd, VectorOutcome({{kA2, 0, 2}, {kA1, 0, 1.0000001}})).ok());
  EXPECT_EQ(Message(CompareResult(cmd, VectorOutcome({{kA1, 0, 1}}))),
            "expected metric {__name__=\"a\", job=\"2\"} with 2: [2.000000] not found");
  EXPECT_EQ(Message(CompareResult(cmd, VectorOutcome({{kA1, 0, 1}, {kA2, 0, 3}}))),
            "expected 2 for {__name__=\"a\", job=\"2\"} but got 3");
  const Labels other({{"__name__", "b"}});
  EXPECT_EQ(Message(CompareResult(cmd, VectorOutcome({{other, 0, 0.5}}))),
            "unexpected metric {__name__=\"b\"} in result, has value 0.5");
}

TEST(ScriptCompareTest, OrderedVectorsCheckPositions) {
  const EvalCommand cmd =
      ParseEval("eval_ordered instant at 0 sort(a)\n  a{job=\"1\"} 1\n  a{job=\"2\"} 2\n");
  EXPECT_TRUE(CompareResult(cmd, VectorOutcome({{kA1, 0, 1}, {kA2, 0, 2}})).ok());
  EXPECT_EQ(Message(CompareResult(cmd, VectorOutcome({{kA2, 0, 2}, {kA1, 0, 1}}))),
            "expected metric {__name__=\"a\", job=\"2\"} with [2.000000] at position 2 but was "
            "at 1");
  // Ordered and a matrix do not go together.
  EXPECT_EQ(Message(CompareResult(cmd, MatrixOutcome({}))),
            "expected ordered result, but query returned a matrix");
}

TEST(ScriptCompareTest, MatricesCompareEveryPoint) {
  const EvalCommand cmd =
      ParseEval("eval range from 0 to 2m step 1m a\n  a{job=\"1\"} 1 _ 3\n  a{job=\"2\"} 1x2\n");
  Matrix ok = {{kA1, {{0, 1}, {120000, 3}}}, {kA2, {{0, 1}, {60000, 1}, {120000, 1}}}};
  EXPECT_TRUE(CompareResult(cmd, MatrixOutcome(ok)).ok());

  Matrix wrong_value = ok;
  wrong_value[0].samples[1].v = 4;
  EXPECT_EQ(Message(CompareResult(cmd, MatrixOutcome(wrong_value))),
            "expected float value at index 1 (t=120000) for {__name__=\"a\", job=\"1\"} to be 3, "
            "but got 4 (result has 2 float points [1 @[0] 4 @[120000]] and 0 histogram points "
            "[])");
  Matrix wrong_time = ok;
  wrong_time[0].samples[1].t = 60000;
  EXPECT_EQ(Message(CompareResult(cmd, MatrixOutcome(wrong_time))),
            "expected float value at index 1 for {__name__=\"a\", job=\"1\"} to have timestamp "
            "120000, but it had timestamp 60000 (result has 2 float points [1 @[0] 3 @[60000]] "
            "and 0 histogram points [])");
  Matrix missing_point = ok;
  missing_point[1].samples.pop_back();
  EXPECT_EQ(Message(CompareResult(cmd, MatrixOutcome(missing_point))),
            "expected 3 float points and 0 histogram points for {__name__=\"a\", job=\"2\"}, but "
            "got 2 float points [1 @[0] 1 @[60000]] and 0 histogram points []");
  Matrix unsorted = {ok[1], ok[0]};
  EXPECT_EQ(Message(CompareResult(cmd, MatrixOutcome(unsorted))),
            "matrix results should always be sorted by labels, but matrix is not sorted: series "
            "at index 1 with labels {__name__=\"a\", job=\"1\"} sorts before series at index 0 "
            "with labels {__name__=\"a\", job=\"2\"}");
  EXPECT_EQ(Message(CompareResult(cmd, MatrixOutcome({ok[0]}))),
            "expected metric {__name__=\"a\", job=\"2\"} not found");
}

TEST(ScriptCompareTest, TooManyExpectedPoints) {
  const EvalCommand range = ParseEval("eval range from 0 to 1m step 1m a\n  a{job=\"1\"} 1 2 3\n");
  EXPECT_EQ(Message(CompareResult(range, MatrixOutcome({{kA1, {{0, 1}, {60000, 2}}}}))),
            "expected 3 points for {__name__=\"a\", job=\"1\"}, but query time range cannot "
            "return this many points");
  // An instant eval without `expect range vector` has no room for a matrix.
  const EvalCommand instant = ParseEval("eval instant at 1m a[1m]\n  a{job=\"1\"} 1\n");
  EXPECT_FALSE(CompareResult(instant, MatrixOutcome({{kA1, {{60000, 1}}}})).ok());
  const EvalCommand with_range = ParseEval(
      "eval instant at 1m a[1m]\n  expect range vector from 30s to 1m step 30s\n  a{job=\"1\"} 1 2\n");
  EXPECT_TRUE(
      CompareResult(with_range, MatrixOutcome({{kA1, {{30000, 1}, {60000, 2}}}})).ok());
}

TEST(ScriptCompareTest, ScalarsAndStrings) {
  const EvalCommand scalar = ParseEval("eval instant at 0 1 + 1\n  2\n");
  QueryOutcome o;
  o.kind = ResultKind::kScalar;
  o.scalar = 2;
  EXPECT_TRUE(CompareResult(scalar, o).ok());
  o.scalar = 3;
  EXPECT_EQ(Message(CompareResult(scalar, o)), "expected scalar 2 but got 3");
  EXPECT_EQ(Message(CompareResult(scalar, VectorOutcome({{kA1, 5, 1}}))),
            "expected scalar result, but got vector {__name__=\"a\", job=\"1\"} => 1 @[5]");
  const EvalCommand vector = ParseEval("eval instant at 0 a\n  a{job=\"1\"} 1\n");
  o.t = 7;
  o.scalar = 0.25;
  EXPECT_EQ(Message(CompareResult(vector, o)),
            "expected vector or matrix result, but got scalar: 0.25 @[7]");

  const EvalCommand str = ParseEval("eval instant at 0 \"x\"\n  expect string \"x\"\n");
  QueryOutcome s;
  s.kind = ResultKind::kString;
  s.string = "x";
  EXPECT_TRUE(CompareResult(str, s).ok());
  s.string = "y";
  EXPECT_EQ(Message(CompareResult(str, s)), "expected string \"x\" but got \"y\"");
}

TEST(ScriptCompareTest, FailExpectations) {
  QueryOutcome failed;
  failed.error = "parse error: boom at 1:5";
  const EvalCommand plain = ParseEval("eval instant at 0 x\n  x 1\n");
  EXPECT_EQ(Message(CheckEvalOutcome(plain, "x", failed)),
            "error evaluating query \"x\" (line 1): parse error: boom at 1:5");

  EXPECT_TRUE(CheckEvalOutcome(ParseEval("eval_fail instant at 0 x\n"), "x", failed).ok());
  EXPECT_TRUE(CheckEvalOutcome(ParseEval("eval instant at 0 x\n  expect fail\n"), "x", failed).ok());
  EXPECT_TRUE(CheckEvalOutcome(ParseEval("eval instant at 0 x\n  expect fail regex: boom\n"), "x",
                               failed)
                  .ok());
  EXPECT_EQ(Message(CheckEvalOutcome(
                ParseEval("eval instant at 0 x\n  expect fail msg: boom\n"), "x", failed)),
            "expected error matching \"boom\" evaluating query \"x\" (line 1), but got: parse "
            "error: boom at 1:5");
  EXPECT_TRUE(CheckEvalOutcome(ParseEval("eval_fail instant at 0 x\n  expected_fail_message "
                                         "parse error: boom at 1:5\n"),
                               "x", failed)
                  .ok());
  EXPECT_EQ(Message(CheckEvalOutcome(
                ParseEval("eval_fail instant at 0 x\n  expected_fail_regexp ^boom\n"), "x",
                failed)),
            "expected error matching pattern \"^boom\" evaluating query \"x\" (line 1), but got: "
            "parse error: boom at 1:5");

  const QueryOutcome succeeded = VectorOutcome({});
  EXPECT_EQ(Message(CheckEvalOutcome(ParseEval("eval_fail instant at 0 x\n"), "x", succeeded)),
            "expected error evaluating query \"x\" (line 1) but got none");
}

TEST(ScriptCompareTest, AnnotationExpectations) {
  Annotations none;
  Annotations warned;
  warned.AddWarning("quantile value should be between 0 and 1, got 2");
  Annotations informed;
  informed.AddInfo("input to histogram_quantile needed to be fixed for monotonicity");

  // No expect lines: annotations are not checked.
  const EvalCommand unchecked = ParseEval("eval instant at 0 x\n");
  EXPECT_TRUE(CheckAnnotations(unchecked, "x", warned).ok());

  const EvalCommand any_warning = ParseEval("eval instant at 0 x\n  expect warn\n");
  EXPECT_TRUE(CheckAnnotations(any_warning, "x", warned).ok());
  EXPECT_EQ(Message(CheckAnnotations(any_warning, "x", none)),
            "expected warn annotations but none were found for query \"x\" (line 1)");

  const EvalCommand exact = ParseEval(
      "eval instant at 0 x\n  expect warn msg: PromQL warning: quantile value should be between 0 "
      "and 1, got 2\n");
  EXPECT_TRUE(CheckAnnotations(exact, "x", warned).ok());
  Annotations two = warned;
  two.AddWarning("something else");
  EXPECT_EQ(Message(CheckAnnotations(exact, "x", two)),
            "unexpected warn annotation \"PromQL warning: something else\" found for query x "
            "(line 1)");
  const EvalCommand wrong = ParseEval("eval instant at 0 x\n  expect warn msg: PromQL warning: nope\n");
  EXPECT_EQ(Message(CheckAnnotations(wrong, "x", warned)),
            "expected warn annotation matching message \"PromQL warning: nope\" but no matching "
            "annotation was found for query \"x\" (line 1), found: [PromQL warning: quantile "
            "value should be between 0 and 1, got 2]");

  const EvalCommand no_warn = ParseEval("eval instant at 0 x\n  expect no_warn\n");
  EXPECT_TRUE(CheckAnnotations(no_warn, "x", informed).ok());
  EXPECT_EQ(Message(CheckAnnotations(no_warn, "x", warned)),
            "unexpected warning annotations evaluating query \"x\" (line 1): [PromQL warning: "
            "quantile value should be between 0 and 1, got 2]");

  const EvalCommand info_regex =
      ParseEval("eval instant at 0 x\n  expect info regex: monotonicity$\n  expect no_warn\n");
  EXPECT_TRUE(CheckAnnotations(info_regex, "x", informed).ok());

  const EvalCommand legacy_warn = ParseEval("eval_warn instant at 0 x\n");
  EXPECT_EQ(Message(CheckAnnotations(legacy_warn, "x", informed)),
            "expected warnings evaluating query \"x\" (line 1) but got none");
  const EvalCommand legacy_info = ParseEval("eval_info instant at 0 x\n");
  EXPECT_TRUE(CheckAnnotations(legacy_info, "x", informed).ok());
}

TEST(ScriptCompareTest, WholeOutcomeNamesTheEval) {
  const EvalCommand cmd = ParseEval("\n\neval instant at 0 a\n  a{job=\"1\"} 1\n");
  EXPECT_EQ(Message(CheckEvalOutcome(cmd, "a @ 0", VectorOutcome({{kA1, 0, 2}}))),
            "error in eval a @ 0 (line 3): expected 1 for {__name__=\"a\", job=\"1\"} but got 2");
  EXPECT_TRUE(CheckEvalOutcome(cmd, "a", VectorOutcome({{kA1, 0, 1}})).ok());
  // Stale markers in expectations match only stale markers.
  const EvalCommand stale = ParseEval("eval instant at 0 a\n  a{job=\"1\"} stale\n");
  EXPECT_TRUE(CompareResult(stale, VectorOutcome({{kA1, 0, StaleNaN()}})).ok());
  EXPECT_FALSE(CompareResult(stale, VectorOutcome({{kA1, 0, std::nan("")}})).ok());
}

}  // namespace
}  // namespace tsdb::promql
