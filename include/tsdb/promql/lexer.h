// The PromQL lexer: query text into tokens, as Prometheus 3.x's lexer
// (promql/parser/lex.go) splits it, so that the parser built on it reports
// the same errors at the same places.
//
// What it follows, and why it matters:
//  - Keywords, aggregators and set operators are matched case-insensitively
//    (`SUM`, `By`, `AND`), and `inf`/`nan` in any case are numbers; words
//    holding a ':' are metric identifiers (recording rule names).
//  - Inside `{...}` nothing is a keyword: label names are identifiers.
//  - `[` starts a duration expression (`[5m]`, `[1h:1m]`, `[5m+1m]`,
//    `[step()*2]`): there `step`, `range`, `min_of` and `max_of` are keywords (the latter two
//    as kMin and kMax), and
//    after the first number or duration the lexer goes back to its normal
//    state until `]` (as Prometheus's does; the parser sorts out the rest).
//  - A number is decimal, hexadecimal (`0x1F`), with `_` between digits and
//    an exponent; a number directly followed by a unit letter is a duration
//    (`5m`, `1h30m`, `1.5h`, `500ms`). Which texts are valid numbers or
//    durations is the parser's call: the lexer only finds where they end.
//  - Strings are "..." or '...' with Go's escapes (checked here: an unknown
//    escape is an error), or `...` raw; a token's text keeps its quotes.
//  - `#` starts a comment to the end of the line.
// Series descriptions of promqltest `load` lines and native histograms are
// not lexed here (the test runner reads those itself).
//
// Errors: the first problem ends the token stream with a kError token whose
// message is Prometheus's wording (e.g. `unexpected character: '$'`,
// `unclosed left parenthesis`) and whose position is where Prometheus puts
// it; every later call returns kError again.
#ifndef TSDB_PROMQL_LEXER_H_
#define TSDB_PROMQL_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace tsdb::promql {

enum class TokenKind : uint8_t {
  kEof,
  kError,
  kComment,
  kIdentifier,
  kMetricIdentifier,
  kNumber,
  kDuration,
  kString,
  // Punctuation.
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kAssign,  // `=` (label matchers)
  kColon,
  kDoubleColon,
  kAt,
  // Operators.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlc,  // ==
  kNeq,
  kLss,
  kLte,
  kGtr,
  kGte,
  kEqlRegex,
  kNeqRegex,
  kAnd,
  kOr,
  kUnless,
  kAtan2,
  // Aggregators.
  kSum,
  kAvg,
  kCount,
  kMin,
  kMax,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kCountValues,
  kQuantile,
  kLimitk,
  kLimitRatio,
  // Keywords.
  kOffset,
  kSmoothed,
  kAnchored,
  kBy,
  kWithout,
  kOn,
  kIgnoring,
  kGroupLeft,
  kGroupRight,
  kFill,
  kFillLeft,
  kFillRight,
  kBool,
  // Preprocessors (`@ start()`, `step()` in duration expressions).
  kStart,
  kEnd,
  kStep,
  kRange,
};

bool IsOperator(TokenKind kind);
bool IsAggregator(TokenKind kind);
bool IsKeyword(TokenKind kind);
// The text Prometheus prints for a token kind in messages (`(`, `+`, `by`,
// `sum`), or empty for kinds without one (identifiers, numbers, ...).
std::string_view KindText(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEof;
  uint32_t pos = 0;       // byte offset in the input
  std::string_view text;  // the token's bytes (a view into the input)
  std::string message;    // kError: what is wrong
};

class Lexer {
 public:
  // `input` must outlive the lexer and its tokens.
  explicit Lexer(std::string_view input);

  Token Next();

 private:
  enum class State { kStatements, kDurationExpr, kDone, kFailed };

  Token LexStatement();
  Token LexInsideBraces();
  Token LexDurationExpr();
  Token LexNumberOrDuration();
  Token LexParenthesis(char32_t r);  // `(` or `)`, counting the depth
  Token LexWord();
  Token LexIdentifier();
  Token LexString(char32_t quote);
  Token LexComment();
  // Ends the stream with an error at `pos`.
  Token Error(uint32_t pos, std::string message);
  Token Emit(TokenKind kind);

  // The rune at pos_ and its width (0 at the end; a width-1 U+FFFD for
  // bytes that are not UTF-8).
  char32_t Peek(uint32_t* width = nullptr) const;
  char32_t NextRune();
  // Steps back over the rune NextRune read last (once).
  void Backup();
  bool Accept(std::string_view set);
  bool IsNext(std::string_view set) const;
  void SkipSpaces();
  bool ScanNumber();
  bool AcceptRemainingDuration();
  // `step`, `range`, `min_of` or `max_of` from start_ (its first letter read).
  bool ScanDurationKeyword(TokenKind* kind);

  std::string_view input_;
  uint32_t pos_ = 0;
  uint32_t start_ = 0;
  uint32_t last_width_ = 0;
  State state_ = State::kStatements;
  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  bool got_colon_ = false;
  bool got_duration_ = false;
  Token error_;
};

// Go's strconv.QuoteRune and Quote (as Prometheus's messages print runes
// and strings with %q).
std::string GoQuoteRune(char32_t rune);
std::string GoQuote(std::string_view text);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_LEXER_H_
