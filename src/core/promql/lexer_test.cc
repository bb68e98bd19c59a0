// The PromQL lexer against what Prometheus 3.x's lexer produces for the same
// text: token kinds, texts and positions, and its error messages.
#include "tsdb/promql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace tsdb::promql {
namespace {

using K = TokenKind;

struct Lexed {
  std::vector<std::pair<K, std::string>> tokens;  // up to, without, EOF or the error
  bool failed = false;
  uint32_t error_pos = 0;
  std::string error;
};

Lexed Lex(std::string_view input, bool keep_comments = false) {
  Lexer lexer(input);
  Lexed out;
  for (int i = 0; i < 1000; ++i) {
    Token token = lexer.Next();
    if (token.kind == K::kEof) return out;
    if (token.kind == K::kError) {
      out.failed = true;
      out.error_pos = token.pos;
      out.error = token.message;
      return out;
    }
    if (token.kind == K::kComment && !keep_comments) continue;
    out.tokens.emplace_back(token.kind, std::string(token.text));
  }
  ADD_FAILURE() << "no end of input after 1000 tokens: " << input;
  return out;
}

std::vector<K> Kinds(std::string_view input) {
  Lexed lexed = Lex(input);
  EXPECT_FALSE(lexed.failed) << input << ": " << lexed.error;
  std::vector<K> kinds;
  for (const auto& token : lexed.tokens) kinds.push_back(token.first);
  return kinds;
}

// The single token `input` lexes to.
std::pair<K, std::string> One(std::string_view input) {
  Lexed lexed = Lex(input);
  EXPECT_FALSE(lexed.failed) << input << ": " << lexed.error;
  EXPECT_EQ(lexed.tokens.size(), 1u) << input;
  return lexed.tokens.empty() ? std::pair<K, std::string>{K::kEof, ""} : lexed.tokens[0];
}

void ExpectError(std::string_view input, uint32_t pos, const std::string& message) {
  Lexed lexed = Lex(input);
  EXPECT_TRUE(lexed.failed) << input;
  EXPECT_EQ(lexed.error, message) << input;
  EXPECT_EQ(lexed.error_pos, pos) << input;
}

TEST(PromqlLexer, AQueryAsTokens) {
  EXPECT_EQ(Kinds("sum by (job) (rate(http_requests_total{job=\"api\",code=~\"5..\"}[5m]))"),
            (std::vector<K>{K::kSum, K::kBy, K::kLeftParen, K::kIdentifier, K::kRightParen,
                            K::kLeftParen, K::kIdentifier, K::kLeftParen, K::kIdentifier,
                            K::kLeftBrace, K::kIdentifier, K::kAssign, K::kString, K::kComma,
                            K::kIdentifier, K::kEqlRegex, K::kString, K::kRightBrace,
                            K::kLeftBracket, K::kDuration, K::kRightBracket, K::kRightParen,
                            K::kRightParen}));
}

TEST(PromqlLexer, PositionsAndTexts) {
  Lexer lexer("foo{a!~'x'} > bool 1");
  const std::vector<std::pair<uint32_t, std::string>> expected = {
      {0, "foo"}, {3, "{"},  {4, "a"},  {5, "!~"}, {7, "'x'"},
      {10, "}"},  {12, ">"}, {14, "bool"}, {19, "1"}, {20, ""}};
  for (const auto& [pos, text] : expected) {
    Token token = lexer.Next();
    EXPECT_EQ(token.pos, pos) << text;
    EXPECT_EQ(token.text, text);
  }
  EXPECT_EQ(lexer.Next().kind, K::kEof);  // and again
}

TEST(PromqlLexer, KeywordsAnyCaseOutsideBracesOnly) {
  EXPECT_EQ(Kinds("SUM(x) BY (a) Without (b) AND y Or z UNLESS w"),
            (std::vector<K>{K::kSum, K::kLeftParen, K::kIdentifier, K::kRightParen, K::kBy,
                            K::kLeftParen, K::kIdentifier, K::kRightParen, K::kWithout,
                            K::kLeftParen, K::kIdentifier, K::kRightParen, K::kAnd,
                            K::kIdentifier, K::kOr, K::kIdentifier, K::kUnless, K::kIdentifier}));
  EXPECT_EQ(Kinds("{by=\"x\", sum!=\"y\", and=~\"z\", offset!~\"w\"}"),
            (std::vector<K>{K::kLeftBrace, K::kIdentifier, K::kAssign, K::kString, K::kComma,
                            K::kIdentifier, K::kNeq, K::kString, K::kComma, K::kIdentifier,
                            K::kEqlRegex, K::kString, K::kComma, K::kIdentifier, K::kNeqRegex,
                            K::kString, K::kRightBrace}));
  EXPECT_EQ(Kinds("topk bottomk count_values quantile limitk limit_ratio stddev stdvar group"),
            (std::vector<K>{K::kTopk, K::kBottomk, K::kCountValues, K::kQuantile, K::kLimitk,
                            K::kLimitRatio, K::kStddev, K::kStdvar, K::kGroup}));
  EXPECT_EQ(Kinds("on ignoring group_left group_right offset atan2 start end smoothed anchored"),
            (std::vector<K>{K::kOn, K::kIgnoring, K::kGroupLeft, K::kGroupRight, K::kOffset,
                            K::kAtan2, K::kStart, K::kEnd, K::kSmoothed, K::kAnchored}));
}

TEST(PromqlLexer, IdentifiersAndMetricIdentifiers) {
  EXPECT_EQ(One("job:http_requests:rate5m"),
            (std::pair<K, std::string>{K::kMetricIdentifier, "job:http_requests:rate5m"}));
  EXPECT_EQ(One(":a"), (std::pair<K, std::string>{K::kMetricIdentifier, ":a"}));
  EXPECT_EQ(One("_x9"), (std::pair<K, std::string>{K::kIdentifier, "_x9"}));
  EXPECT_EQ(One("summary"), (std::pair<K, std::string>{K::kIdentifier, "summary"}));
}

TEST(PromqlLexer, FillIsAKeywordOnlyBeforeAParenthesis) {
  EXPECT_EQ(Kinds("a + fill (0) b"),
            (std::vector<K>{K::kIdentifier, K::kAdd, K::kFill, K::kLeftParen, K::kNumber,
                            K::kRightParen, K::kIdentifier}));
  EXPECT_EQ(Kinds("fill + fill_left"), (std::vector<K>{K::kIdentifier, K::kAdd, K::kIdentifier}));
}

TEST(PromqlLexer, Numbers) {
  for (const char* text : {"1", "1.5", ".5", "5.", "1e3", "1E-3", "2.5e+10", "0x1F", "0X_1f",
                           "1_000", "1_000.000_1", "0755", "Inf", "NaN", "inf", "nAn"}) {
    EXPECT_EQ(One(text), (std::pair<K, std::string>{K::kNumber, text}));
  }
  EXPECT_EQ(Kinds("-Inf"), (std::vector<K>{K::kSub, K::kNumber}));
  EXPECT_EQ(Kinds("1+2*3^4%5/6"),
            (std::vector<K>{K::kNumber, K::kAdd, K::kNumber, K::kMul, K::kNumber, K::kPow,
                            K::kNumber, K::kMod, K::kNumber, K::kDiv, K::kNumber}));
}

TEST(PromqlLexer, Durations) {
  for (const char* text : {"5m", "1h30m", "500ms", "1y2w3d", "1.5h", "10s", "1d1ms"}) {
    EXPECT_EQ(One(text), (std::pair<K, std::string>{K::kDuration, text}));
  }
  EXPECT_EQ(Kinds("x[1h:5m] offset -5m @ 100"),
            (std::vector<K>{K::kIdentifier, K::kLeftBracket, K::kDuration, K::kColon,
                            K::kDuration, K::kRightBracket, K::kOffset, K::kSub, K::kDuration,
                            K::kAt, K::kNumber}));
  EXPECT_EQ(Kinds("x[ 1h : ] @ end()"),
            (std::vector<K>{K::kIdentifier, K::kLeftBracket, K::kDuration, K::kColon,
                            K::kRightBracket, K::kAt, K::kEnd, K::kLeftParen, K::kRightParen}));
}

TEST(PromqlLexer, DurationExpressions) {
  EXPECT_EQ(Kinds("x[5m+1m]"), (std::vector<K>{K::kIdentifier, K::kLeftBracket, K::kDuration,
                                               K::kAdd, K::kDuration, K::kRightBracket}));
  EXPECT_EQ(Kinds("x[step()*2]"),
            (std::vector<K>{K::kIdentifier, K::kLeftBracket, K::kStep, K::kLeftParen,
                            K::kRightParen, K::kMul, K::kNumber, K::kRightBracket}));
  EXPECT_EQ(Kinds("x[range()]"), (std::vector<K>{K::kIdentifier, K::kLeftBracket, K::kRange,
                                                 K::kLeftParen, K::kRightParen,
                                                 K::kRightBracket}));
  EXPECT_EQ(Kinds("x[min_of(5m, step())]"),
            (std::vector<K>{K::kIdentifier, K::kLeftBracket, K::kMin, K::kLeftParen,
                            K::kDuration, K::kComma, K::kStep, K::kLeftParen, K::kRightParen,
                            K::kRightParen, K::kRightBracket}));
}

TEST(PromqlLexer, Strings) {
  EXPECT_EQ(One(R"("a\"b")"), (std::pair<K, std::string>{K::kString, R"("a\"b")"}));
  EXPECT_EQ(One(R"('a\'b')"), (std::pair<K, std::string>{K::kString, R"('a\'b')"}));
  EXPECT_EQ(One("`raw\\n`"), (std::pair<K, std::string>{K::kString, "`raw\\n`"}));
  EXPECT_EQ(One(R"("\x41\u00e9\U0001F600\101\a\b\f\n\r\t\v\\")").first, K::kString);
  EXPECT_EQ(One("\"caf\xc3\xa9\"").first, K::kString);
  EXPECT_EQ(One("`multi\nline`").first, K::kString);
}

TEST(PromqlLexer, Comments) {
  EXPECT_EQ(Kinds("x # a comment ( [ {\n+ y"),
            (std::vector<K>{K::kIdentifier, K::kAdd, K::kIdentifier}));
  Lexed lexed = Lex("# only", /*keep_comments=*/true);
  ASSERT_EQ(lexed.tokens.size(), 1u);
  EXPECT_EQ(lexed.tokens[0], (std::pair<K, std::string>{K::kComment, "# only"}));
}

TEST(PromqlLexer, Operators) {
  EXPECT_EQ(Kinds("a == b != c < d <= e > f >= g"),
            (std::vector<K>{K::kIdentifier, K::kEqlc, K::kIdentifier, K::kNeq, K::kIdentifier,
                            K::kLss, K::kIdentifier, K::kLte, K::kIdentifier, K::kGtr,
                            K::kIdentifier, K::kGte, K::kIdentifier}));
  EXPECT_TRUE(IsOperator(K::kAtan2));
  EXPECT_TRUE(IsAggregator(K::kLimitRatio));
  EXPECT_TRUE(IsKeyword(K::kBool));
  EXPECT_FALSE(IsKeyword(K::kSum));
  EXPECT_EQ(KindText(K::kGroupLeft), "group_left");
  EXPECT_EQ(KindText(K::kLte), "<=");
  EXPECT_EQ(KindText(K::kIdentifier), "");
}

TEST(PromqlLexer, Errors) {
  ExpectError("sum(x", 5, "unclosed left parenthesis");
  ExpectError("x)", 2, "unexpected right parenthesis ')'");
  ExpectError("x[5m", 4, "unclosed left bracket");
  ExpectError("x[", 2, "unexpected end of input in duration expression");
  ExpectError("x{a=\"b\"", 7, "unexpected end of input inside braces");
  ExpectError("1 $ 2", 2, "unexpected character: '$'");
  ExpectError("a =~ b", 2, "unexpected character after '=': '~'");
  ExpectError("!a", 0, "unexpected character after '!': 'a'");
  ExpectError("{a!b}", 2, "unexpected character after '!' inside braces: 'b'");
  ExpectError("{a{", 2, "unexpected left brace '{'");
  ExpectError("{1=\"a\"}", 1, "unexpected character inside braces: '1'");
  ExpectError("x]", 1, "unexpected right bracket ']'");
  ExpectError("x[5m[", 4, "unexpected left bracket '['");
  ExpectError("x[:5m]", 3, "unexpected colon before duration in duration expression");
  ExpectError("x[5m:1m:]", 7, "unexpected colon ':'");
  ExpectError("x[5m$]", 4, "unexpected character: '$'");
  ExpectError("x[5m a]", 5, "unexpected character: 'a', expected ':'");
  ExpectError("x[foo]", 2, "unexpected character in duration expression: 'f'");
  ExpectError("x[sx]", 2, "unexpected character in duration expression: 's'");
  ExpectError("1.2.3", 0, "bad number or duration syntax: \"1.2.\"");
  ExpectError("5x", 0, "bad number or duration syntax: \"5\"");
  ExpectError("1e", 0, "bad number or duration syntax: \"1e\"");
  ExpectError("\"abc", 0, "unterminated quoted string");
  ExpectError("x + 'ab\ncd'", 4, "unterminated quoted string");
  ExpectError("`abc", 0, "unterminated raw string");
  ExpectError(R"("\q")", 0, "unknown escape sequence U+0071 'q'");
  ExpectError(R"("\xZZ")", 0, "illegal character U+005A 'Z' in escape sequence");
  ExpectError(R"("\u12")", 0, "illegal character U+0022 '\"' in escape sequence");
  ExpectError(R"("\uD800")", 0, "escape sequence is an invalid Unicode code point");
  ExpectError(R"("\777")", 0, "escape sequence is an invalid Unicode code point");
  ExpectError("\"\\", 0, "escape sequence not terminated");
  ExpectError("\"a\xff\"", 0, "invalid UTF-8 rune");
  ExpectError("\xc3\xa9", 0, "unexpected character: '\xc3\xa9'");
  ExpectError("\x01", 0, "unexpected character: '\\x01'");
}

TEST(PromqlLexer, AnErrorEndsTheStream) {
  Lexer lexer("a $ b");
  EXPECT_EQ(lexer.Next().kind, K::kIdentifier);
  for (int i = 0; i < 3; ++i) {
    Token token = lexer.Next();
    EXPECT_EQ(token.kind, K::kError);
    EXPECT_EQ(token.pos, 2u);
  }
}

TEST(PromqlLexer, GoQuoting) {
  EXPECT_EQ(GoQuote("a\"b\n\\"), R"("a\"b\n\\")");
  EXPECT_EQ(GoQuote("caf\xc3\xa9\xff"), "\"caf\xc3\xa9\\xff\"");
  EXPECT_EQ(GoQuoteRune('\''), R"('\'')");
  EXPECT_EQ(GoQuoteRune(0x7F), R"('\x7f')");
  EXPECT_EQ(GoQuoteRune(0x85), R"('\u0085')");
  EXPECT_EQ(GoQuoteRune(0xFFFFFFFF), "'\xef\xbf\xbd'");
}

}  // namespace
}  // namespace tsdb::promql
