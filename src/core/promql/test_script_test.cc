#include "tsdb/promql/test_script.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

namespace tsdb::promql {
namespace {

std::vector<double> Values(const SeriesDesc& d) {
  std::vector<double> out;
  for (const SequenceValue& v : d.values) out.push_back(v.omitted ? -999 : v.value);
  return out;
}

TEST(ScriptSeriesTest, ValueForms) {
  Result<SeriesDesc> d = ParseSeriesDesc("metric{a=\"b\", c='d'} 1 2x2 _ _x2 1+1x3 -2-2x3 stale");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->labels.ToString(), "{__name__=\"metric\", a=\"b\", c=\"d\"}");
  const std::vector<double> want = {1, 2, 2, 2, -999, -999, -999, 1, 2, 3, 4, -2, -4, -6, -8};
  ASSERT_EQ(d->values.size(), want.size() + 1);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(Values(*d)[i], want[i]) << i;
  EXPECT_TRUE(IsStaleNaN(d->values.back().value));
}

TEST(ScriptSeriesTest, RepeatedAdditionAccumulatesRoundingLikeGo) {
  Result<SeriesDesc> d = ParseSeriesDesc("m 0+0.1x3");
  ASSERT_TRUE(d.ok()) << d.status();
  double v = 0;
  for (const SequenceValue& s : d->values) {
    EXPECT_EQ(s.value, v);
    v += 0.1;
  }
  EXPECT_EQ(d->values[3].value, 0.1 + 0.1 + 0.1);  // 0.30000000000000004, not 3*0.1
}

TEST(ScriptSeriesTest, NumbersAreGoNumbers) {
  Result<SeriesDesc> d = ParseSeriesDesc("m 010 1_000 1e3 .5 Inf -Inf NaN +3 -0.5e-1");
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->values.size(), 9u);
  EXPECT_EQ(d->values[0].value, 8);  // ParseInt base 0 first: octal
  EXPECT_EQ(d->values[1].value, 1000);
  EXPECT_EQ(d->values[2].value, 1000);
  EXPECT_EQ(d->values[3].value, 0.5);
  EXPECT_TRUE(std::isinf(d->values[4].value) && d->values[4].value > 0);
  EXPECT_TRUE(std::isinf(d->values[5].value) && d->values[5].value < 0);
  EXPECT_TRUE(std::isnan(d->values[6].value) && !IsStaleNaN(d->values[6].value));
  EXPECT_EQ(d->values[7].value, 3);
  EXPECT_EQ(d->values[8].value, -0.05);
}

TEST(ScriptSeriesTest, BareLabelSetsAndKeywordNames) {
  Result<SeriesDesc> d = ParseSeriesDesc("{__name__=\"x\", job=\"j\",} 1");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->labels.MetricName(), "x");
  d = ParseSeriesDesc("{} 1");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->labels.empty());
  d = ParseSeriesDesc("sum 1");  // aggregator keywords are metric names here
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->labels.MetricName(), "sum");
  d = ParseSeriesDesc("rule:name{a=\"\\u00e9\"} 1");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->labels.Get("a"), "\xc3\xa9");
  d = ParseSeriesDesc("metric");  // no values
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->values.empty());
}

TEST(ScriptSeriesTest, NativeHistogramsArePositionsOnly) {
  Result<SeriesDesc> d = ParseSeriesDesc(
      "h {{schema:0 sum:5 count:4 buckets:[1 2 1]}} {{schema:0 sum:1}}x2 "
      "{{count:1}}+{{count:2}}x3 1");
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->values.size(), 1u + 3 + 4 + 1);
  EXPECT_TRUE(d->values[0].histogram);
  EXPECT_TRUE(d->values[7].histogram);
  EXPECT_FALSE(d->values[8].histogram);
}

TEST(ScriptSeriesTest, RejectsBadSeries) {
  const char* bad[] = {
      "metric 1 foo",      // an identifier other than stale
      "metric 1+2",        // a step needs xN
      "metric 1x",         // no count
      "metric 1x-1",       // negative count
      "metric 0x1F",       // no hexadecimal in series values
      "metric 1m",         // durations are no values
      "metric{a=\"b\"}1",  // values must follow a space
      "metric {a=\"b\"} 1",
      "metric{a=b} 1",
      "metric{a=\"b\" c=\"d\"} 1",
      "metric{a=~\"b\"} 1",
      "metric{a=\"b\" 1",
      "on 1",              // a keyword the grammar does not allow as a name
      "1 2",
      "metric 1..2",
      "metric 1e",
      "metric _1",
      "metric {{schema:0",
  };
  for (const char* text : bad) EXPECT_FALSE(ParseSeriesDesc(text).ok()) << text;
}

TEST(ScriptParseTest, LoadBlocks) {
  Result<std::vector<Command>> cmds = ParseTestScript(R"(# comment
load 5m
  a{job="1"} 0+10x2
  a{job="2"} _ 1 stale
  a{job="1"} 7

clear
load 1m
	b 1 2
)");
  ASSERT_TRUE(cmds.ok()) << cmds.status();
  ASSERT_EQ(cmds->size(), 3u);
  const Command& load = (*cmds)[0];
  EXPECT_EQ(load.kind, CommandKind::kLoad);
  EXPECT_EQ(load.line, 2);
  EXPECT_EQ(load.load.interval_ms, 300000);
  ASSERT_EQ(load.load.series.size(), 2u);
  // The repeated label set replaced the first line in place.
  EXPECT_EQ(load.load.series[0].line, 5);
  ASSERT_EQ(load.load.series[0].samples.size(), 1u);
  EXPECT_EQ(load.load.series[0].samples[0].v, 7);
  const std::vector<LoadSample>& s = load.load.series[1].samples;
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].t, 300000);
  EXPECT_EQ(s[1].t, 600000);
  EXPECT_TRUE(IsStaleNaN(s[1].v));
  EXPECT_FALSE(load.load.native_histograms);
  EXPECT_EQ((*cmds)[1].kind, CommandKind::kClear);
  EXPECT_EQ((*cmds)[1].line, 7);
  EXPECT_EQ((*cmds)[2].load.interval_ms, 60000);
}

TEST(ScriptParseTest, StartTimestampLines) {
  Result<std::vector<Command>> cmds = ParseTestScript(R"(load 1m
  c{t="a"}@st _ -30s-1mx1 *
  c{t="a"} 1 2 3 4
  @st -1s
  c{t="b"} 1 _ 3
)");
  ASSERT_TRUE(cmds.ok()) << cmds.status();
  const LoadCommand& load = (*cmds)[0].load;
  ASSERT_EQ(load.series.size(), 2u);
  const std::vector<LoadSample>& a = load.series[0].samples;
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].start_time, 0);                // `_`: none
  EXPECT_EQ(a[1].start_time, 60000 - 30000);    // -30s
  EXPECT_EQ(a[2].start_time, 120000 - 90000);   // -30s-1m
  EXPECT_EQ(a[3].start_time, 180000 - 90000);   // `*` repeats -90s
  const std::vector<LoadSample>& b = load.series[1].samples;
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].start_time, -1000);  // the standalone default, cycled
  EXPECT_EQ(b[1].start_time, 120000 - 1000);

  EXPECT_FALSE(ParseTestScript("load 1m\n  c@st 1s\n  d 1\n").ok());     // other metric
  EXPECT_FALSE(ParseTestScript("load 1m\n  c@st 1s 2s\n  c 1\n").ok());  // counts differ
  EXPECT_FALSE(ParseTestScript("load 1m\n  c@st 1s\n").ok());            // no sample line
  EXPECT_FALSE(ParseTestScript("load 1m\n  c@st 1m30s\n  c 1\n").ok());  // one unit only
}

TEST(ScriptParseTest, NativeHistogramLoadsAreMarked) {
  Result<std::vector<Command>> cmds = ParseTestScript(R"(load_with_nhcb 5m
  h_bucket{le="1"} 1 2

load 1m
  n {{schema:0 count:1}}x3
)");
  ASSERT_TRUE(cmds.ok()) << cmds.status();
  EXPECT_TRUE((*cmds)[0].load.with_nhcb);
  EXPECT_TRUE((*cmds)[0].load.native_histograms);
  EXPECT_TRUE((*cmds)[1].load.native_histograms);
  EXPECT_TRUE((*cmds)[1].load.series[0].samples.empty());
}

TEST(ScriptParseTest, EvalInstant) {
  Result<std::vector<Command>> cmds = ParseTestScript(R"(eval instant at 1h30m sum by (job) (a)
  {job="1"} 3
  expect warn msg: PromQL warning: something
  {job="2"} NaN
)");
  ASSERT_TRUE(cmds.ok()) << cmds.status();
  const EvalCommand& e = (*cmds)[0].eval;
  EXPECT_EQ(e.line, 1);
  EXPECT_FALSE(e.is_range);
  EXPECT_EQ(e.expr, "sum by (job) (a)");
  EXPECT_EQ(e.eval_ms, 5400000);
  ASSERT_EQ(e.expected.size(), 2u);
  EXPECT_EQ(e.expected[0].pos, 1);
  EXPECT_EQ(e.expected[1].pos, 2);  // expect lines do not count
  ASSERT_EQ(e.expects.size(), 1u);
  EXPECT_EQ(e.expects[0].kind, ExpectKind::kWarn);
  EXPECT_TRUE(e.expects[0].Matches("PromQL warning: something"));
  EXPECT_FALSE(e.expects[0].Matches("PromQL warning: something else"));
  EXPECT_EQ(e.expects[0].Type(), "message");
}

TEST(ScriptParseTest, TheAtTimeIsTheShortestAndTheRangeTimesTheLongest) {
  // `at (.+?)` is lazy: the expression keeps everything after the first
  // word. `from (.+)` and `to (.+)` are greedy: they take the last "to" and
  // "step" that still leave a match.
  Result<std::vector<Command>> cmds = ParseTestScript("eval instant at 10s foo at 5s\n");
  ASSERT_TRUE(cmds.ok()) << cmds.status();
  EXPECT_EQ((*cmds)[0].eval.eval_ms, 10000);
  EXPECT_EQ((*cmds)[0].eval.expr, "foo at 5s");
  // Greedy `from (.+)` takes all up to the last " to ", which is then no
  // duration: test.go fails the same way.
  Result<std::vector<Command>> greedy =
      ParseTestScript("eval range from 0 to 10m step 1m foo to bar step 2m baz\n");
  ASSERT_FALSE(greedy.ok());
  EXPECT_EQ(std::string(greedy.status().message()),
            "line 1: error in eval baz: invalid start timestamp definition "
            "\"0 to 10m step 1m foo\": unknown unit \" to \" in duration \"0 to 10m step 1m foo\"");
  cmds = ParseTestScript("eval range from 1m to 10m step 30s rate(x[5m])\n");
  ASSERT_TRUE(cmds.ok()) << cmds.status();
  const EvalCommand& r = (*cmds)[0].eval;
  EXPECT_TRUE(r.is_range);
  EXPECT_EQ(r.start_ms, 60000);
  EXPECT_EQ(r.end_ms, 600000);
  EXPECT_EQ(r.step_ms, 30000);
  EXPECT_EQ(r.expr, "rate(x[5m])");
}

TEST(ScriptParseTest, EvalBodies) {
  Result<std::vector<Command>> cmds = ParseTestScript(R"(eval instant at 0 1 + 1
  2

eval_fail instant at 0 foo(
  expected_fail_message unknown function

eval_fail range from 0 to 1m step 1m bar
  expected_fail_regexp (a|b)

eval instant at 1m "x"
  expect string "a\tb"

eval instant at 2m foo[1m]
  expect range vector from 1m to 2m step 1m
  foo 1 _ 3

eval_ordered instant at 0 sort(x)
  x{a="1"} 1
  x{a="2"} 2

eval range from 0 to 2m step 1m y
  expect no_warn
  expect info regex: ^PromQL info: .*
  y _ 2
)");
  ASSERT_TRUE(cmds.ok()) << cmds.status();
  ASSERT_EQ(cmds->size(), 7u);
  const EvalCommand& scalar = (*cmds)[0].eval;
  EXPECT_TRUE(scalar.expect_scalar);
  EXPECT_EQ(scalar.expected_scalar, 2);
  const EvalCommand& fail_msg = (*cmds)[1].eval;
  EXPECT_TRUE(fail_msg.IsFail());
  EXPECT_EQ(fail_msg.expected_fail_message, "unknown function");
  const EvalCommand& fail_re = (*cmds)[2].eval;
  ASSERT_NE(fail_re.expected_fail_regexp, nullptr);
  EXPECT_TRUE(fail_re.is_range);
  const EvalCommand& str = (*cmds)[3].eval;
  EXPECT_EQ(str.expected_string, "a\tb");
  EXPECT_TRUE(str.exclude_from_range_query);
  const EvalCommand& range_vector = (*cmds)[4].eval;
  EXPECT_TRUE(range_vector.expect_range_vector);
  EXPECT_EQ(range_vector.start_ms, 60000);
  EXPECT_EQ(range_vector.end_ms, 120000);
  EXPECT_EQ(range_vector.step_ms, 60000);
  EXPECT_EQ(range_vector.eval_ms, 120000);
  ASSERT_EQ(range_vector.expected.size(), 1u);
  EXPECT_EQ(range_vector.expected[0].pos, 2);  // test.go counts the directive
  ASSERT_EQ(range_vector.expected[0].values.size(), 3u);
  EXPECT_TRUE(range_vector.expected[0].values[1].omitted);
  const EvalCommand& annotated = (*cmds)[6].eval;
  ASSERT_EQ(annotated.expects.size(), 2u);
  EXPECT_TRUE(annotated.Has(ExpectKind::kNoWarn));
  EXPECT_TRUE(annotated.expects[1].Matches("PromQL info: x"));
  EXPECT_FALSE(annotated.expects[1].Matches("PromQL warning: x"));
  const EvalCommand& ordered = (*cmds)[5].eval;
  EXPECT_TRUE(ordered.IsOrdered());
  ASSERT_EQ(ordered.expected.size(), 2u);
  EXPECT_EQ(ordered.expected[1].pos, 2);
}

TEST(ScriptParseTest, ExpectLinesAndTheirConflicts) {
  Result<std::vector<Command>> cmds = ParseTestScript(R"(eval instant at 0 y
  expect fail regex: a+
  expect ordered
  expect info
)");
  ASSERT_TRUE(cmds.ok()) << cmds.status();
  const EvalCommand& e = (*cmds)[0].eval;
  EXPECT_TRUE(e.IsFail());
  EXPECT_TRUE(e.IsOrdered());
  EXPECT_TRUE(e.expects[0].Matches("xaay"));  // unanchored
  EXPECT_EQ(e.expects[0].Type(), "pattern");
  EXPECT_TRUE(e.expects[2].Matches("anything"));

  const auto error = [](const char* text) {
    Result<std::vector<Command>> r = ParseTestScript(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : std::string(r.status().message());
  };
  EXPECT_EQ(error("eval instant at 0 y\n  expect warn\n  expect no_warn\n"),
            "line 1: error in eval y: invalid expect lines, warn and no_warn cannot be used "
            "together");
  EXPECT_EQ(error("eval instant at 0 y\n  expect info\n  expect no_info\n"),
            "line 1: error in eval y: invalid expect lines, info and no_info cannot be used "
            "together");
  EXPECT_EQ(error("eval instant at 0 y\n  expect fail\n  expect fail\n"),
            "line 1: error in eval y: invalid expect lines, multiple expect fail lines are not "
            "allowed");
  EXPECT_EQ(error("eval instant at 0 y\n  expect warnings\n"),
            "line 1: error in eval y: invalid expect statement, must match `expect <type> "
            "<match_type>: <string>` format");
  EXPECT_EQ(error("eval instant at 0 y\n  expect warn regex: (\n"),
            "line 1: error in eval y: invalid regex ( for warn");
}

TEST(ScriptParseTest, ErrorsNameTheLine) {
  const auto error = [](const char* text) {
    Result<std::vector<Command>> r = ParseTestScript(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : std::string(r.status().message());
  };
  EXPECT_EQ(error("\n\nfoo bar\n"), "line 3: invalid command \"foo bar\"");
  EXPECT_EQ(error("load\n"), "line 1: invalid load command. (load[_with_nhcb] <step:duration>)");
  EXPECT_EQ(error("load 1x\n"),
            "line 1: invalid step definition \"1x\": unknown unit \"x\" in duration \"1x\"");
  EXPECT_EQ(error("load 1m\n  a 1\n  b 1 x\n"),
            "line 3: unexpected identifier \"x\" in series values, expected number or \"stale\"");
  // `instant\s+(?:at\s+(.+?))?\s+(.+)` needs two spaces when `at` is left out,
  // and then has an empty time.
  EXPECT_EQ(error("eval instant  y\n"),
            "line 1: error in eval y: invalid timestamp definition \"\": empty duration string");
  EXPECT_FALSE(ParseTestScript("eval instant y\n").ok());
  EXPECT_EQ(error("eval instant at 1.5m y\n"),
            "line 1: error in eval y: invalid timestamp definition \"1.5m\": unknown unit \".\" "
            "in duration \"1.5m\"");
  EXPECT_EQ(error("eval range from 2m to 1m step 1m y\n"),
            "line 1: error in eval y: invalid test definition, end timestamp (1m) is before "
            "start timestamp (2m)");
  EXPECT_EQ(error("eval instant at 0 y\n  y 1 2\n"),
            "line 1: error in eval y: expecting multiple values in instant evaluation not "
            "allowed. consider using 'expect range vector' directive to enable a range vector "
            "result for an instant query");
  EXPECT_EQ(error("eval instant at 0 y\n  expect string foo\n"),
            "line 1: error in eval y: expected string literal not valid - check that the "
            "string is correctly quoted");
  EXPECT_EQ(error("eval instant at 0 y\n  expect string\n"),
            "line 1: error in eval y: expected string literal not valid - a quoted string "
            "literal is required");
  EXPECT_EQ(error("evaluate y\n"),
            "line 1: invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] "
            "instant [at <offset:duration>] <query>' or 'eval[_fail|_warn] range from <from> to "
            "<to> step <step> <query>'");
  // eval_ordered is for instant queries only.
  EXPECT_FALSE(ParseTestScript("eval_ordered range from 0 to 1m step 1m y\n").ok());
  // A scalar ends the block: the next line is read as a command.
  EXPECT_EQ(error("eval instant at 0 1\n  1\n  2\n"), "line 3: invalid command \"2\"");
  // Without eval_fail, expected_fail_message is read as a series.
  EXPECT_FALSE(ParseTestScript("eval instant at 0 y\n  expected_fail_message boom\n").ok());
}

TEST(ScriptParseTest, CommentsAndBlankLines) {
  // '#' only starts a comment at the start of a (trimmed) line; an empty
  // line ends the block and a comment line is an empty line.
  Result<std::vector<Command>> cmds = ParseTestScript(
      "load 1m\n  a 1\n  # note\n  b 1\n\n   EVAL instant at 0 a\n");
  EXPECT_FALSE(cmds.ok());  // "b 1" after the comment is no command
  cmds = ParseTestScript("load 1m\n  a 1\n\n\n# x\nclear\n");
  ASSERT_TRUE(cmds.ok()) << cmds.status();
  EXPECT_EQ(cmds->size(), 2u);
  EXPECT_EQ((*cmds)[1].line, 6);
}

TEST(ScriptParseTest, HiddenCheckHelpers) {
  EXPECT_TRUE(UsesQueryContextFunctions("foo @ start()"));
  EXPECT_TRUE(UsesQueryContextFunctions("x[step() * 2]"));
  EXPECT_FALSE(UsesQueryContextFunctions("start"));
  EXPECT_FALSE(UsesQueryContextFunctions("time()"));
  const std::vector<std::string_view>& unsafe = AtModifierUnsafeFunctions();
  EXPECT_NE(std::find(unsafe.begin(), unsafe.end(), "timestamp"), unsafe.end());
  EXPECT_NE(std::find(unsafe.begin(), unsafe.end(), "predict_linear"), unsafe.end());
  EXPECT_EQ(std::find(unsafe.begin(), unsafe.end(), "rate"), unsafe.end());
}

TEST(ScriptSeriesTest, ExpansionIsBounded) {
  // A typo in a repetition count must not exhaust memory.
  EXPECT_FALSE(ParseSeriesDesc("x 1x100000000000").ok());
  EXPECT_FALSE(ParseSeriesDesc("x 0+1x18446744073709551615").ok());
  EXPECT_FALSE(ParseSeriesDesc("x _x100000000000").ok());
  EXPECT_TRUE(ParseSeriesDesc("x 1x1000").ok());
}

}  // namespace
}  // namespace tsdb::promql
