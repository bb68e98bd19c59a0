// The PromQL lexer (include/tsdb/promql/lexer.h). The states mirror
// Prometheus's lexer so that tokens end where its tokens end and errors are
// raised where it raises them; the code is ours.
#include "tsdb/promql/lexer.h"

#include "promql/utf8.h"

#include <array>
#include <cctype>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace tsdb::promql {
namespace {

// Peek's answer at the end of the input (not a rune).
constexpr char32_t kEnd = 0xFFFFFFFF;
constexpr char32_t kReplacement = utf8::kRuneError;

bool IsSpace(char32_t r) { return r == ' ' || r == '\t' || r == '\n' || r == '\r'; }
bool IsDigit(char32_t r) { return r >= '0' && r <= '9'; }
bool IsAlpha(char32_t r) { return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'); }
bool IsAlphaNumeric(char32_t r) { return IsAlpha(r) || IsDigit(r); }
bool InSet(char32_t r, std::string_view set) {
  return r < 0x80 && set.find(static_cast<char>(r)) != std::string_view::npos;
}

using utf8::AppendRune;
using utf8::DecodeRune;

// Whether Go's strconv prints the rune as itself (an approximation of
// unicode.IsPrint good for the runes error messages meet: controls, the
// C1 block and the soft hyphen are not printable).
// An approximation of Go's unicode.IsPrint (without its tables): controls,
// surrogates and noncharacters are not printable.
bool IsPrintable(char32_t r) {
  if (r < 0x20 || (r >= 0x7F && r < 0xA0) || r == 0xAD) return false;
  if (r >= 0xD800 && r <= 0xDFFF) return false;
  if ((r >= 0xFDD0 && r <= 0xFDEF) || (r & 0xFFFE) == 0xFFFE) return false;
  return r <= 0x10FFFF;
}

// Appends rune r as Go's strconv quoting writes it inside `quote` quotes.
void AppendQuotedRune(std::string* out, char32_t r, char quote) {
  switch (r) {
    case '\a': out->append("\\a"); return;
    case '\b': out->append("\\b"); return;
    case '\f': out->append("\\f"); return;
    case '\n': out->append("\\n"); return;
    case '\r': out->append("\\r"); return;
    case '\t': out->append("\\t"); return;
    case '\v': out->append("\\v"); return;
    case '\\': out->append("\\\\"); return;
    default: break;
  }
  if (r == static_cast<char32_t>(quote)) {
    out->push_back('\\');
    out->push_back(quote);
  } else if (IsPrintable(r)) {
    AppendRune(out, r);
  } else if (r < 0x80) {
    absl::StrAppendFormat(out, "\\x%02x", static_cast<unsigned>(r));
  } else if (r < 0x10000) {
    absl::StrAppendFormat(out, "\\u%04x", static_cast<unsigned>(r));
  } else {
    absl::StrAppendFormat(out, "\\U%08x", static_cast<unsigned>(r));
  }
}

// Go's %#U: "U+0071 'q'" (the quoted rune only when printable).
std::string GoRuneName(char32_t r) {
  std::string out = absl::StrFormat("U+%04X", static_cast<unsigned>(r));
  if (IsPrintable(r)) {
    out.append(" '");
    AppendRune(&out, r);
    out.push_back('\'');
  }
  return out;
}

int DigitValue(char32_t r) {
  if (r >= '0' && r <= '9') return static_cast<int>(r - '0');
  if (r >= 'a' && r <= 'f') return static_cast<int>(r - 'a' + 10);
  if (r >= 'A' && r <= 'F') return static_cast<int>(r - 'A' + 10);
  return 16;
}

struct KindInfo {
  TokenKind kind;
  std::string_view text;
};

// Every kind with a fixed text; the words among them are the keywords.
constexpr std::array kKindTexts = {
    KindInfo{TokenKind::kLeftParen, "("},     KindInfo{TokenKind::kRightParen, ")"},
    KindInfo{TokenKind::kLeftBrace, "{"},     KindInfo{TokenKind::kRightBrace, "}"},
    KindInfo{TokenKind::kLeftBracket, "["},   KindInfo{TokenKind::kRightBracket, "]"},
    KindInfo{TokenKind::kComma, ","},         KindInfo{TokenKind::kAssign, "="},
    KindInfo{TokenKind::kColon, ":"},         KindInfo{TokenKind::kDoubleColon, "::"},
    KindInfo{TokenKind::kAt, "@"},            KindInfo{TokenKind::kAdd, "+"},
    KindInfo{TokenKind::kSub, "-"},           KindInfo{TokenKind::kMul, "*"},
    KindInfo{TokenKind::kDiv, "/"},           KindInfo{TokenKind::kMod, "%"},
    KindInfo{TokenKind::kPow, "^"},           KindInfo{TokenKind::kEqlc, "=="},
    KindInfo{TokenKind::kNeq, "!="},          KindInfo{TokenKind::kLss, "<"},
    KindInfo{TokenKind::kLte, "<="},          KindInfo{TokenKind::kGtr, ">"},
    KindInfo{TokenKind::kGte, ">="},          KindInfo{TokenKind::kEqlRegex, "=~"},
    KindInfo{TokenKind::kNeqRegex, "!~"},     KindInfo{TokenKind::kAnd, "and"},
    KindInfo{TokenKind::kOr, "or"},           KindInfo{TokenKind::kUnless, "unless"},
    KindInfo{TokenKind::kAtan2, "atan2"},     KindInfo{TokenKind::kSum, "sum"},
    KindInfo{TokenKind::kAvg, "avg"},         KindInfo{TokenKind::kCount, "count"},
    KindInfo{TokenKind::kMin, "min"},         KindInfo{TokenKind::kMax, "max"},
    KindInfo{TokenKind::kGroup, "group"},     KindInfo{TokenKind::kStddev, "stddev"},
    KindInfo{TokenKind::kStdvar, "stdvar"},   KindInfo{TokenKind::kTopk, "topk"},
    KindInfo{TokenKind::kBottomk, "bottomk"}, KindInfo{TokenKind::kCountValues, "count_values"},
    KindInfo{TokenKind::kQuantile, "quantile"}, KindInfo{TokenKind::kLimitk, "limitk"},
    KindInfo{TokenKind::kLimitRatio, "limit_ratio"}, KindInfo{TokenKind::kOffset, "offset"},
    KindInfo{TokenKind::kSmoothed, "smoothed"}, KindInfo{TokenKind::kAnchored, "anchored"},
    KindInfo{TokenKind::kBy, "by"},           KindInfo{TokenKind::kWithout, "without"},
    KindInfo{TokenKind::kOn, "on"},           KindInfo{TokenKind::kIgnoring, "ignoring"},
    KindInfo{TokenKind::kGroupLeft, "group_left"}, KindInfo{TokenKind::kGroupRight, "group_right"},
    KindInfo{TokenKind::kFill, "fill"},       KindInfo{TokenKind::kFillLeft, "fill_left"},
    KindInfo{TokenKind::kFillRight, "fill_right"}, KindInfo{TokenKind::kBool, "bool"},
    KindInfo{TokenKind::kStart, "start"},     KindInfo{TokenKind::kEnd, "end"},
    KindInfo{TokenKind::kStep, "step"},       KindInfo{TokenKind::kRange, "range"},
};

// Lower-cased word -> keyword kind (`inf` and `nan` are numbers).
const absl::flat_hash_map<std::string, TokenKind>& Keywords() {
  static const auto* keywords = [] {
    auto* map = new absl::flat_hash_map<std::string, TokenKind>();
    for (const KindInfo& info : kKindTexts) {
      if (IsAlpha(static_cast<unsigned char>(info.text[0]))) map->emplace(info.text, info.kind);
    }
    map->emplace("inf", TokenKind::kNumber);
    map->emplace("nan", TokenKind::kNumber);
    return map;
  }();
  return *keywords;
}

}  // namespace

bool IsOperator(TokenKind kind) { return kind >= TokenKind::kAdd && kind <= TokenKind::kAtan2; }
bool IsAggregator(TokenKind kind) {
  return kind >= TokenKind::kSum && kind <= TokenKind::kLimitRatio;
}
bool IsKeyword(TokenKind kind) { return kind >= TokenKind::kOffset && kind <= TokenKind::kRange; }

std::string_view KindText(TokenKind kind) {
  for (const KindInfo& info : kKindTexts) {
    if (info.kind == kind) return info.text;
  }
  return {};
}

std::string GoQuoteRune(char32_t rune) {
  if (rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) rune = kReplacement;
  std::string out = "'";
  AppendQuotedRune(&out, rune, '\'');
  out.push_back('\'');
  return out;
}

std::string GoQuote(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    uint32_t width;
    const char32_t r = DecodeRune(text.substr(i), &width);
    if (r == kReplacement && width == 1) {
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<unsigned>(static_cast<uint8_t>(text[i])));
    } else if (r == kReplacement) {
      // Escaped, unlike Go: the lexer (as Prometheus's) takes a literal
      // U+FFFD in a string for an invalid byte, and printed queries must
      // read back.
      out.append("\\ufffd");
    } else {
      AppendQuotedRune(&out, r, '"');
    }
    i += width;
  }
  out.push_back('"');
  return out;
}

Lexer::Lexer(std::string_view input) : input_(input) {}

char32_t Lexer::Peek(uint32_t* width) const {
  uint32_t w = 0;
  char32_t r = kEnd;
  if (pos_ < input_.size()) r = DecodeRune(input_.substr(pos_), &w);
  if (width != nullptr) *width = w;
  return r;
}

char32_t Lexer::NextRune() {
  uint32_t width;
  const char32_t r = Peek(&width);
  pos_ += width;
  last_width_ = width;
  return r;
}

void Lexer::Backup() { pos_ -= last_width_; last_width_ = 0; }

bool Lexer::Accept(std::string_view set) {
  if (InSet(NextRune(), set)) return true;
  Backup();
  return false;
}

bool Lexer::IsNext(std::string_view set) const { return InSet(Peek(), set); }

void Lexer::SkipSpaces() {
  while (IsSpace(Peek())) NextRune();
  start_ = pos_;
}

Token Lexer::Emit(TokenKind kind) {
  Token token;
  token.kind = kind;
  token.pos = start_;
  token.text = input_.substr(start_, pos_ - start_);
  start_ = pos_;
  if (kind == TokenKind::kEof) state_ = State::kDone;
  return token;
}

Token Lexer::Error(uint32_t pos, std::string message) {
  error_.kind = TokenKind::kError;
  error_.pos = pos;
  error_.text = {};
  error_.message = std::move(message);
  state_ = State::kFailed;
  return error_;
}

Token Lexer::Next() {
  switch (state_) {
    case State::kFailed: return error_;
    case State::kDone: {
      start_ = pos_;
      return Emit(TokenKind::kEof);
    }
    case State::kDurationExpr: return LexDurationExpr();
    case State::kStatements: break;
  }
  return LexStatement();
}

Token Lexer::LexStatement() {
  for (;;) {
    if (brace_open_) return LexInsideBraces();
    if (input_.substr(pos_).substr(0, 1) == "#") return LexComment();
    start_ = pos_;
    const char32_t r = NextRune();
    switch (r) {
      case kEnd:
        if (paren_depth_ != 0) return Error(start_, "unclosed left parenthesis");
        if (bracket_open_) return Error(start_, "unclosed left bracket");
        return Emit(TokenKind::kEof);
      case ',': return Emit(TokenKind::kComma);
      case '*': return Emit(TokenKind::kMul);
      case '/': return Emit(TokenKind::kDiv);
      case '%': return Emit(TokenKind::kMod);
      case '+': return Emit(TokenKind::kAdd);
      case '-': return Emit(TokenKind::kSub);
      case '^': return Emit(TokenKind::kPow);
      case '@': return Emit(TokenKind::kAt);
      case '=': {
        const char32_t t = Peek();
        if (t == '=') {
          NextRune();
          return Emit(TokenKind::kEqlc);
        }
        if (t == '~') return Error(start_, "unexpected character after '=': " + GoQuoteRune(t));
        return Emit(TokenKind::kAssign);
      }
      case '!': {
        const char32_t t = NextRune();
        if (t != '=') return Error(start_, "unexpected character after '!': " + GoQuoteRune(t));
        return Emit(TokenKind::kNeq);
      }
      case '<':
        if (Peek() == '=') {
          NextRune();
          return Emit(TokenKind::kLte);
        }
        return Emit(TokenKind::kLss);
      case '>':
        if (Peek() == '=') {
          NextRune();
          return Emit(TokenKind::kGte);
        }
        return Emit(TokenKind::kGtr);
      case '"':
      case '\'':
      case '`':
        return LexString(r);
      case '(':
      case ')':
        return LexParenthesis(r);
      case '{':
        brace_open_ = true;
        return Emit(TokenKind::kLeftBrace);
      case '[': {
        if (bracket_open_) return Error(start_, "unexpected left bracket '['");
        got_colon_ = false;
        Token token = Emit(TokenKind::kLeftBracket);
        SkipSpaces();
        bracket_open_ = true;
        state_ = State::kDurationExpr;
        return token;
      }
      case ']':
        if (!bracket_open_) return Error(start_, "unexpected right bracket ']'");
        bracket_open_ = false;
        return Emit(TokenKind::kRightBracket);
      default:
        break;
    }
    if (IsSpace(r)) {
      SkipSpaces();
      continue;
    }
    if (IsDigit(r) || (r == '.' && IsDigit(Peek()))) {
      Backup();
      return LexNumberOrDuration();
    }
    if (IsAlpha(r) || r == ':') {
      if (!bracket_open_) {
        Backup();
        return LexWord();
      }
      // After the first number or duration of a bracket, as Prometheus's
      // lexer has it: the subquery colon, or a duration keyword.
      if (r == ':') {
        if (got_colon_) return Error(start_, "unexpected colon ':'");
        got_colon_ = true;
        if (Peek() == ':') {
          NextRune();
          return Emit(TokenKind::kDoubleColon);
        }
        return Emit(TokenKind::kColon);
      }
      TokenKind kind;
      if (InSet(r, "sSmM") && ScanDurationKeyword(&kind)) return Emit(kind);
      return Error(start_, "unexpected character: " + GoQuoteRune(r) + ", expected ':'");
    }
    return Error(start_, "unexpected character: " + GoQuoteRune(r));
  }
}

Token Lexer::LexParenthesis(char32_t r) {
  if (r == '(') {
    ++paren_depth_;
    return Emit(TokenKind::kLeftParen);
  }
  Token token = Emit(TokenKind::kRightParen);
  if (--paren_depth_ < 0) return Error(start_, "unexpected right parenthesis ')'");
  return token;
}

Token Lexer::LexInsideBraces() {
  for (;;) {
    if (input_.substr(pos_).substr(0, 1) == "#") return LexComment();
    start_ = pos_;
    const char32_t r = NextRune();
    if (r == kEnd) return Error(start_, "unexpected end of input inside braces");
    if (IsSpace(r)) {
      SkipSpaces();
      continue;
    }
    if (IsAlpha(r)) {
      Backup();
      return LexIdentifier();
    }
    switch (r) {
      case ',': return Emit(TokenKind::kComma);
      case '"':
      case '\'':
      case '`':
        return LexString(r);
      case '=':
        if (NextRune() == '~') return Emit(TokenKind::kEqlRegex);
        Backup();
        return Emit(TokenKind::kAssign);
      case '!': {
        const char32_t t = NextRune();
        if (t == '~') return Emit(TokenKind::kNeqRegex);
        if (t == '=') return Emit(TokenKind::kNeq);
        return Error(start_, "unexpected character after '!' inside braces: " + GoQuoteRune(t));
      }
      case '{': return Error(start_, "unexpected left brace '{'");
      case '}':
        brace_open_ = false;
        return Emit(TokenKind::kRightBrace);
      default:
        return Error(start_, "unexpected character inside braces: " + GoQuoteRune(r));
    }
  }
}

Token Lexer::LexDurationExpr() {
  for (;;) {
    start_ = pos_;
    const char32_t r = NextRune();
    switch (r) {
      case kEnd: return Error(start_, "unexpected end of input in duration expression");
      case ']':
        bracket_open_ = false;
        got_colon_ = false;
        state_ = State::kStatements;
        return Emit(TokenKind::kRightBracket);
      case ':': {
        Token token = Emit(TokenKind::kColon);
        if (!got_duration_) {
          return Error(start_, "unexpected colon before duration in duration expression");
        }
        if (got_colon_) return Error(start_, "unexpected repeated colon in duration expression");
        got_colon_ = true;
        return token;
      }
      case '(':
      case ')':
        return LexParenthesis(r);
      case '+': return Emit(TokenKind::kAdd);
      case '-': return Emit(TokenKind::kSub);
      case '*': return Emit(TokenKind::kMul);
      case '/': return Emit(TokenKind::kDiv);
      case '%': return Emit(TokenKind::kMod);
      case '^': return Emit(TokenKind::kPow);
      case ',': return Emit(TokenKind::kComma);
      default: break;
    }
    if (IsSpace(r)) {
      SkipSpaces();
      continue;
    }
    if (InSet(r, "sSmMrR")) {
      TokenKind kind;
      if (ScanDurationKeyword(&kind)) return Emit(kind);
      return Error(start_, "unexpected character in duration expression: " + GoQuoteRune(r));
    }
    if (IsDigit(r) || (r == '.' && IsDigit(Peek()))) {
      Backup();
      got_duration_ = true;
      // Prometheus's lexer goes on in its normal state after a number.
      state_ = State::kStatements;
      return LexNumberOrDuration();
    }
    return Error(start_, "unexpected character in duration expression: " + GoQuoteRune(r));
  }
}

bool Lexer::ScanDurationKeyword(TokenKind* kind) {
  while (IsAlpha(Peek())) NextRune();
  const std::string word = absl::AsciiStrToLower(std::string(input_.substr(start_, pos_ - start_)));
  if (word == "step") *kind = TokenKind::kStep;
  else if (word == "range") *kind = TokenKind::kRange;
  else if (word == "min_of") *kind = TokenKind::kMin;
  else if (word == "max_of") *kind = TokenKind::kMax;
  else return false;
  return true;
}

Token Lexer::LexNumberOrDuration() {
  if (ScanNumber()) return Emit(TokenKind::kNumber);
  if (AcceptRemainingDuration()) {
    Backup();  // the rune that ended it
    return Emit(TokenKind::kDuration);
  }
  return Error(start_, "bad number or duration syntax: " +
                           GoQuote(input_.substr(start_, pos_ - start_)));
}

bool Lexer::ScanNumber() {
  const uint32_t initial = pos_;
  std::string_view digits = "0123456789";
  bool hex = false;
  if (Accept("0") && Accept("xX")) {
    Accept("_");  // 0x_1F
    digits = "0123456789abcdefABCDEF";
    hex = true;
  }
  Accept(".");
  Accept(digits);
  bool dot = false;
  bool exponent = false;
  const std::string continuing = std::string(digits) + "._eE";
  while (IsNext(continuing)) {
    if (IsNext(".") && dot) {
      Accept(".");
      return false;
    }
    if (IsNext("eE") && exponent) {
      Accept("eE");
      return false;
    }
    if (Accept(".")) {
      dot = true;
      if (Accept("_.") || hex) return false;  // no fractional hexadecimal
      continue;
    }
    if (Accept("eE")) {
      exponent = true;
      Accept("+-");
      if (Accept("._eE") || Peek() == kEnd) return false;
      continue;
    }
    if (Accept("_")) {
      if (Accept("._eE") || Peek() == kEnd) return false;
      continue;
    }
    while (Accept(digits)) {
    }
  }
  if (pos_ == initial) return false;
  return !IsAlphaNumeric(Peek());
}

bool Lexer::AcceptRemainingDuration() {
  if (!Accept("smhdwy")) return false;
  Accept("s");  // ms (bad units such as hs are the parser's to refuse)
  while (Accept("0123456789")) {
    while (Accept("0123456789")) {
    }
    if (!Accept("smhdw")) return false;  // y comes first or not at all
    Accept("s");
  }
  return !IsAlphaNumeric(NextRune());
}

Token Lexer::LexWord() {
  for (;;) {
    const char32_t r = Peek();
    if (!IsAlphaNumeric(r) && r != ':') break;
    NextRune();
  }
  const std::string_view word = input_.substr(start_, pos_ - start_);
  const auto& keywords = Keywords();
  auto it = keywords.find(absl::AsciiStrToLower(std::string(word)));
  if (it != keywords.end()) {
    TokenKind kind = it->second;
    // fill, fill_left and fill_right are keywords only before '(' (so that
    // existing metrics of those names still parse).
    if (kind == TokenKind::kFill || kind == TokenKind::kFillLeft || kind == TokenKind::kFillRight) {
      size_t i = pos_;
      while (i < input_.size() && IsSpace(static_cast<unsigned char>(input_[i]))) ++i;
      if (i >= input_.size() || input_[i] != '(') kind = TokenKind::kIdentifier;
    }
    return Emit(kind);
  }
  return Emit(word.find(':') == std::string_view::npos ? TokenKind::kIdentifier
                                                       : TokenKind::kMetricIdentifier);
}

Token Lexer::LexIdentifier() {
  while (IsAlphaNumeric(Peek())) NextRune();
  return Emit(TokenKind::kIdentifier);
}

Token Lexer::LexString(char32_t quote) {
  for (;;) {
    const char32_t r = NextRune();
    if (r == kReplacement) return Error(start_, "invalid UTF-8 rune");
    if (quote == '`') {
      if (r == kEnd) return Error(start_, "unterminated raw string");
      if (r == '`') return Emit(TokenKind::kString);
      continue;
    }
    if (r == kEnd || r == '\n') return Error(start_, "unterminated quoted string");
    if (r == quote) return Emit(TokenKind::kString);
    if (r != '\\') continue;
    // An escape: Go's, with the string's own quote.
    char32_t c = NextRune();
    int n;
    uint32_t base;
    uint32_t max;
    if (c == quote || InSet(c, "abfnrtv\\")) continue;
    if (c >= '0' && c <= '7') {
      n = 3, base = 8, max = 255;
    } else if (c == 'x') {
      c = NextRune(), n = 2, base = 16, max = 255;
    } else if (c == 'u') {
      c = NextRune(), n = 4, base = 16, max = 0x10FFFF;
    } else if (c == 'U') {
      c = NextRune(), n = 8, base = 16, max = 0x10FFFF;
    } else if (c == kEnd) {
      return Error(start_, "escape sequence not terminated");
    } else {
      return Error(start_, "unknown escape sequence " + GoRuneName(c));
    }
    uint32_t value = 0;
    while (n > 0) {
      const uint32_t d = static_cast<uint32_t>(DigitValue(c));
      if (d >= base) {
        if (c == kEnd) return Error(start_, "escape sequence not terminated");
        return Error(start_, "illegal character " + GoRuneName(c) + " in escape sequence");
      }
      value = value * base + d;
      if (--n > 0) c = NextRune();
    }
    if (value > max || (value >= 0xD800 && value < 0xE000)) {
      return Error(start_, "escape sequence is an invalid Unicode code point");
    }
  }
}

Token Lexer::LexComment() {
  start_ = pos_;
  while (pos_ < input_.size() && input_[pos_] != '\n' && input_[pos_] != '\r') ++pos_;
  return Emit(TokenKind::kComment);
}

}  // namespace tsdb::promql
