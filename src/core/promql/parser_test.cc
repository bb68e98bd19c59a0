#include "tsdb/promql/parser.h"

#include <cmath>

#include <gtest/gtest.h>

namespace tsdb::promql {
namespace {

std::string Printed(std::string_view query) {
  Result<ExprPtr> e = ParseExpr(query);
  if (!e.ok()) return "ERROR " + std::string(e.status().message());
  return ToString(**e);
}

std::string ErrorOf(std::string_view query) {
  Result<ExprPtr> e = ParseExpr(query);
  if (e.ok()) return "parsed as " + ToString(**e);
  return std::string(e.status().message());
}

TEST(ParserTest, PrintsAsPrometheusPrints) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"sum by (a) (x)", "sum by (a) (x)"},
      {"sum(x) by (a,b,)", "sum by (a, b) (x)"},
      {"SUM WITHOUT () (x)", "sum without () (x)"},
      {"sum by () (x)", "sum(x)"},
      {"topk(5, x)", "topk(5, x)"},
      {"count_values(\"v\", x)", "count_values(\"v\", x)"},
      {"a + on(b) group_left(c) d", "a + on (b) group_left (c) d"},
      {"a * ignoring(b) group_right d", "a * ignoring (b) group_right () d"},
      {"a == bool b", "a == bool b"},
      {"a and on() b", "a and on () b"},
      {"a + fill(0) b", "a + fill (0) b"},
      {"a + fill_left(5) fill_right(-Inf) b", "a + fill_left (5) fill_right (-Inf) b"},
      {"x offset 5m @ 100", "x @ 100.000 offset 5m"},
      {"x @ start() offset -1h30m", "x @ start() offset -1h30m"},
      {"rate(x[5m] offset -1m)", "rate(x[5m] offset -1m)"},
      {"rate(x[5m] @ end())", "rate(x[5m] @ end())"},
      {"x[5m:]", "x[5m:]"},
      {"rate(x[5m])[1h:1m] offset 1d", "rate(x[5m])[1h:1m] offset 1d"},
      {"x[1h/2]", "x[1h / 2]"},
      {"x[90d]", "x[90d]"},
      {"x[7d]", "x[1w]"},
      {"x[1800]", "x[30m]"},
      {"x[step()+1ms]", "x[step() + 1ms]"},
      {"x[min_of(step()+1,1h)]", "x[min_of(step() + 1, 1h)]"},
      {"x[-5m+35m]", "x[-5m + 35m]"},
      {"x offset (2 ^ 2)", "x offset (2 ^ 2)"},
      {"x offset -(min_of(step(), 2s)-5)", "x offset -(min_of(step(), 2s) - 5)"},
      {"x offset step()", "x offset step()"},
      {"foo{c=~\"d\", a=\"b\"}", "foo{a=\"b\",c=~\"d\"}"},
      {"{\"my.metric\"}", "{__name__=\"my.metric\"}"},
      {"{\"my.label\"=\"v\", a!~'x\"y'}", "{\"my.label\"=\"v\",a!~\"x\\\"y\"}"},
      {"-1", "-1"},
      {"-2^2", "-2 ^ 2"},
      {"- -x", "--x"},
      {"1e3", "1000"},
      {"0x1F", "31"},
      {"Inf", "Inf"},
      {"inf ^ i", "Inf ^ i"},
      {"-nan", "NaN"},
      {"5m", "5m"},
      {"'a\\'b'", "\"a'b\""},
      {"increase(x[1m] anchored)", "increase(x[1m] anchored)"},
      {"rate(x[1m] smoothed offset 5s)", "rate(x[1m] smoothed offset 5s)"},
      {"label_join(x, \"a\", \"-\", \"b\", \"c\")", "label_join(x, \"a\", \"-\", \"b\", \"c\")"},
      {"day_of_week()", "day_of_week()"},
      {"step()", "step()"},
      {"min_of(3, 5)", "min_of(3, 5)"},
      {"sum", "sum"},
      {"by{a=\"b\"}", "by{a=\"b\"}"},
      {"x # a comment", "x"},
  };
  for (const auto& [query, want] : cases) {
    EXPECT_EQ(Printed(query), want) << query;
    // The printed text parses back to the same text.
    EXPECT_EQ(Printed(want), want) << query;
  }
}

TEST(ParserTest, PrecedenceAndAssociativity) {
  EXPECT_EQ(Printed("(1 + 2 * 3)"), "(1 + 2 * 3)");
  Result<ExprPtr> e = ParseExpr("a + b * c ^ d ^ e or f and g == h");
  ASSERT_TRUE(e.ok()) << e.status();
  // or is the loosest.
  const auto& root = As<BinaryExpr>(**e);
  EXPECT_EQ(root.op, TokenKind::kOr);
  const auto& plus = As<BinaryExpr>(*root.lhs);
  EXPECT_EQ(plus.op, TokenKind::kAdd);
  const auto& times = As<BinaryExpr>(*plus.rhs);
  EXPECT_EQ(times.op, TokenKind::kMul);
  // ^ is right-associative: c ^ (d ^ e).
  const auto& pow = As<BinaryExpr>(*times.rhs);
  EXPECT_EQ(pow.op, TokenKind::kPow);
  EXPECT_EQ(pow.rhs->kind, NodeKind::kBinary);
  // and binds tighter than or, == tighter than and.
  const auto& conj = As<BinaryExpr>(*root.rhs);
  EXPECT_EQ(conj.op, TokenKind::kAnd);
  EXPECT_EQ(As<BinaryExpr>(*conj.rhs).op, TokenKind::kEqlc);
  // Left-associative: (a - b) - c.
  Result<ExprPtr> minus = ParseExpr("a - b - c");
  ASSERT_TRUE(minus.ok());
  EXPECT_EQ(As<BinaryExpr>(**minus).lhs->kind, NodeKind::kBinary);
  // Unary minus has the precedence of '*': -a * b is (-a) * b, -a ^ b is -(a ^ b).
  Result<ExprPtr> neg = ParseExpr("-a * b");
  ASSERT_TRUE(neg.ok());
  EXPECT_EQ((**neg).kind, NodeKind::kBinary);
  Result<ExprPtr> negpow = ParseExpr("-a ^ b");
  ASSERT_TRUE(negpow.ok());
  EXPECT_EQ((**negpow).kind, NodeKind::kUnary);
}

TEST(ParserTest, ModifiersBindToTheNearestOperand) {
  // `x offset 100 + 2` is (x offset 100) + 2, as duration_expression.test has it.
  Result<ExprPtr> e = ParseExpr("metric1_total offset 100 + 2");
  ASSERT_TRUE(e.ok()) << e.status();
  const auto& b = As<BinaryExpr>(**e);
  EXPECT_EQ(As<VectorSelector>(*b.lhs).time.original_offset_ms, 100000);
  // `offset -2 ^ 2` is (x offset -2) ^ 2.
  e = ParseExpr("x offset -2 ^ 2");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(As<VectorSelector>(*As<BinaryExpr>(**e).lhs).time.original_offset_ms, -2000);
  // A parenthesised offset is an expression, resolved at query time.
  e = ParseExpr("x offset (-2 ^ 2)");
  ASSERT_TRUE(e.ok());
  EXPECT_NE(As<VectorSelector>(**e).time.offset_expr, nullptr);
  // `a + b offset 5m` shifts b only.
  e = ParseExpr("a + b offset 5m");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(As<VectorSelector>(*As<BinaryExpr>(**e).rhs).time.original_offset_ms, 300000);
  // @ rounds to the millisecond.
  e = ParseExpr("x @ 1.0005");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*As<VectorSelector>(**e).time.at_ms, 1001);
}

TEST(ParserTest, SelectorMatchers) {
  Result<ExprPtr> e = ParseExpr("foo{a=\"b\", c=~\"d.*\", e!=\"\", f!~\"g|h\"}");
  ASSERT_TRUE(e.ok()) << e.status();
  const auto& vs = As<VectorSelector>(**e);
  ASSERT_EQ(vs.matchers.size(), 5u);
  EXPECT_EQ(vs.matchers.back().name(), "__name__");
  EXPECT_EQ(vs.matchers.back().value(), "foo");
  // Regular expressions are anchored at both ends.
  EXPECT_TRUE(vs.matchers[1].Matches("dxyz"));
  EXPECT_FALSE(vs.matchers[1].Matches("xdxyz"));
  EXPECT_TRUE(vs.matchers[3].Matches("x"));
  EXPECT_FALSE(vs.matchers[3].Matches("g"));
  Result<std::vector<LabelMatcher>> ms = ParseMetricSelector("up{job=~\"a|b\"}");
  ASSERT_TRUE(ms.ok()) << ms.status();
  EXPECT_EQ(ms->size(), 2u);
  EXPECT_FALSE(ParseMetricSelector("up + 1").ok());
  EXPECT_FALSE(ParseMetricSelector("{}").ok());
}

TEST(ParserTest, SyntaxErrorsNamePositions) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "unknown position: parse error: no expression found in input"},
      {"1 +", "1:4: parse error: unexpected end of input"},
      {"foo bar", "1:5: parse error: unexpected identifier \"bar\""},
      {"foo{", "1:5: parse error: unexpected end of input inside braces"},
      {"foo +\n  bar{a=}", "2:9: parse error: unexpected \"}\" in label matching, expected string"},
      {"foo{a=\"b\" c=\"d\"}", "1:11: parse error: unexpected identifier \"c\" in label matching, "
                               "expected \",\" or \"}\""},
      {"foo{a}", "1:6: parse error: unexpected \"}\" in label matching, expected label matching "
                 "operator"},
      {"(1", "1:3: parse error: unclosed left parenthesis"},
      {"sum(x) by", "1:10: parse error: unexpected end of input in grouping opts, expected \"(\""},
      {"sum by (a b) (x)", "1:11: parse error: unexpected identifier \"b\" in grouping opts, "
                           "expected \",\" or \")\""},
      {"x offset", "1:9: parse error: unexpected end of input in offset, expected number or "
                   "duration"},
      {"x @", "1:4: parse error: unexpected end of input in @, expected timestamp"},
      {"x[5m", "1:5: parse error: unclosed left bracket"},
      {"x[5m:1m:1m]", "1:8: parse error: unexpected colon ':'"},
      {"rate(x[5m],)", "1:11: parse error: trailing commas not allowed in function call args"},
      {"nonexistent(x)", "1:1: parse error: unknown function with name \"nonexistent\""},
      {"x{a=~\"(\"}", "1:3: parse error: error parsing regexp: missing closing ): `^(?s:()$`"},
      {"1e400", "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"1e400\": "
                "value out of range"},
      {"\"\\q\"", "1:1: parse error: unknown escape sequence U+0071 'q'"},
  };
  for (const auto& [query, want] : cases) EXPECT_EQ(ErrorOf(query), want) << query;
}

TEST(ParserTest, SemanticErrors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
      {"{a=~\".*\"}", "1:1: parse error: vector selector must contain at least one non-empty "
                      "matcher"},
      {"foo{__name__=\"bar\"}", "1:1: parse error: metric name must not be set twice: \"foo\" or "
                                "\"bar\""},
      {"rate(x)", "1:6: parse error: expected type range vector in call to function \"rate\", got "
                  "instant vector"},
      {"rate()", "1:1: parse error: expected 1 argument(s) in call to \"rate\", got 0"},
      {"round(x, 1, 2)", "1:1: parse error: expected at most 2 argument(s) in call to \"round\", "
                         "got 3"},
      {"label_join(x)", "1:1: parse error: expected at least 3 argument(s) in call to "
                        "\"label_join\", got 1"},
      {"sum(x) offset 5m", "1:1: parse error: offset modifier must be preceded by an instant "
                           "vector selector or range vector selector or a subquery"},
      {"x offset 1m offset 2m", "1:1: parse error: offset may not be set multiple times"},
      {"x @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"},
      {"x offset 1m [5m]", "1:13: parse error: no offset modifiers allowed before range"},
      {"(x)[5m]", "1:4: parse error: ranges only allowed for vector selectors"},
      {"x[5m][5m:1m]", "1:1: parse error: subquery is only allowed on instant vector, got matrix "
                       "instead"},
      {"1 > 2", "1:3: parse error: comparisons between scalars must use BOOL modifier"},
      {"a + bool b", "1:3: parse error: bool modifier can only be used on comparison operators"},
      {"x and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
      {"a and on(b) group_left c", "1:1: parse error: no grouping allowed for \"and\" operation"},
      {"a + on(b) group_left(b) c", "1:3: parse error: label \"b\" must not occur in ON and GROUP "
                                    "clause at once"},
      {"1 + on(a) 2", "1:1: parse error: vector matching only allowed between instant vectors"},
      {"x[5m] + 1", "1:1: parse error: binary expression must contain only scalar and instant "
                    "vector types"},
      {"sum(x[5m])", "1:5: parse error: expected type instant vector in aggregation expression, "
                     "got range vector"},
      {"topk(x)", "1:1: parse error: wrong number of arguments for aggregate expression provided, "
                  "expected 2, got 1"},
      {"topk(\"a\", x)", "1:6: parse error: expected type scalar in aggregation parameter, got "
                         "string"},
      {"sum()", "1:1: parse error: no arguments for aggregate expression provided"},
      {"-\"a\"", "1:1: parse error: unary expression only allowed on expressions of type scalar or "
                 "instant vector, got \"string\""},
      {"x anchored smoothed", "1:1: parse error: anchored and smoothed modifiers cannot be used "
                              "together"},
      {"rate(x[5m])[5m:1m] anchored", "1:1: parse error: anchored modifier is not supported for "
                                      "subqueries"},
      {"info(x, y)", "1:9: parse error: expected label selectors only, got vector selector "
                     "instead"},
      {"x[-1m]", "1:2: parse error: duration must be greater than 0"},
      {"x[0s]", "1:2: parse error: duration must be greater than 0"},
      {"x[0s:1m]", "1:3: parse error: duration must be greater than 0"},
      {"x[5m:-1m]", "1:6: parse error: duration must be greater than 0"},
      {"x @ 1e17", "1:1: parse error: timestamp out of bounds for @ modifier: "
                   "100000000000000000.000000"},
  };
  for (const auto& [query, want] : cases) EXPECT_EQ(ErrorOf(query), want) << query;
  // info()'s label selector may match everything.
  EXPECT_TRUE(ParseExpr("info(x, {a=~\".*\"})").ok());
}

TEST(ParserTest, NestingIsBounded) {
  // Checking, printing and evaluating recurse per level: a limit keeps a
  // hostile query from overflowing the stack.
  auto nested = [](int n) { return std::string(n, '(') + "1" + std::string(n, ')'); };
  EXPECT_TRUE(ParseExpr(nested(400)).ok());
  Result<ExprPtr> deep = ParseExpr(nested(100000));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("expression nesting exceeds the limit of 500 levels"),
            std::string_view::npos);
  // A chain of binary operators nests to the left without parser recursion.
  std::string chain = "1";
  for (int i = 0; i < 100000; ++i) chain += "+1";
  EXPECT_FALSE(ParseExpr(chain).ok());
  std::string negations(100000, '-');
  EXPECT_FALSE(ParseExpr(negations + "1").ok());
  EXPECT_FALSE(ParseExpr("x[" + nested(100000) + "]").ok());
}

TEST(ParserTest, StructuredErrorKeepsThePosition) {
  ParseError error;
  Result<ExprPtr> e = ParseExpr("foo +\n  )", &error);
  ASSERT_FALSE(e.ok());
  // Prometheus's lexer reports a stray ')' just after it.
  EXPECT_EQ(error.pos.start, 9u);
  EXPECT_EQ(error.message, "unexpected right parenthesis ')'");
  EXPECT_EQ(LineColumn("foo +\n  )", 9), "2:4");
}

TEST(ParserTest, TypesOfExpressions) {
  auto type_of = [](std::string_view q) {
    Result<ExprPtr> e = ParseExpr(q);
    EXPECT_TRUE(e.ok()) << q << ": " << e.status();
    return e.ok() ? (**e).Type() : ValueType::kNone;
  };
  EXPECT_EQ(type_of("1 + 2"), ValueType::kScalar);
  EXPECT_EQ(type_of("x + 2"), ValueType::kVector);
  EXPECT_EQ(type_of("x[5m]"), ValueType::kMatrix);
  EXPECT_EQ(type_of("x[5m:]"), ValueType::kMatrix);
  EXPECT_EQ(type_of("\"s\""), ValueType::kString);
  EXPECT_EQ(type_of("scalar(x)"), ValueType::kScalar);
  EXPECT_EQ(type_of("-(time())"), ValueType::kScalar);
}

}  // namespace
}  // namespace tsdb::promql
