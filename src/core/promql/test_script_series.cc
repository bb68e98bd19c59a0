// Series descriptions of promqltest scripts (ParseSeriesDesc in
// include/tsdb/promql/test_script.h): the grammar of Prometheus's
// series_description rule and the lexer's value-sequence state, written
// directly as a small recursive-descent reader.
//
// The metric part is read with the PromQL Lexer (so identifiers, keywords
// and strings are what a query would see); the values are read here, since
// the Lexer does not know the value-sequence tokens (`_`, `x`, `stale`,
// `{{...}}`).
#include <cmath>
#include <limits>
#include <utility>

#include "promql/script_text.h"
#include "tsdb/promql/go_strconv.h"
#include "tsdb/promql/lexer.h"
#include "tsdb/promql/test_script.h"

namespace tsdb::promql {
namespace {

using script::Cat;
using script::EndsWith;
using script::StartsWith;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlphaNumeric(char c) { return IsAlpha(c) || IsDigit(c); }
bool InSet(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }

// Token kinds a metric name may have (the grammar's metric_identifier):
// plain and recording-rule names, and the keywords it lets through.
bool IsMetricIdentifier(TokenKind kind) {
  switch (kind) {
    case TokenKind::kIdentifier:
    case TokenKind::kMetricIdentifier:
    case TokenKind::kAvg:
    case TokenKind::kBottomk:
    case TokenKind::kBy:
    case TokenKind::kCount:
    case TokenKind::kCountValues:
    case TokenKind::kGroup:
    case TokenKind::kAnd:
    case TokenKind::kOr:
    case TokenKind::kUnless:
    case TokenKind::kMax:
    case TokenKind::kMin:
    case TokenKind::kOffset:
    case TokenKind::kQuantile:
    case TokenKind::kStddev:
    case TokenKind::kStdvar:
    case TokenKind::kSum:
    case TokenKind::kTopk:
    case TokenKind::kWithout:
    case TokenKind::kStart:
    case TokenKind::kEnd:
    case TokenKind::kLimitk:
    case TokenKind::kLimitRatio:
      return true;
    default:
      return false;
  }
}

std::string Describe(const Token& token) {
  if (token.kind == TokenKind::kEof) return "end of input";
  return GoQuote(token.text);
}

// Reads `{name="value", ...}` starting at input[*pos] == '{' into `labels`
// and moves *pos past the '}'.
Status ReadLabelSet(std::string_view input, size_t* pos, std::vector<Label>* labels) {
  const std::string_view rest = input.substr(*pos);
  Lexer lexer(rest);
  Token token = lexer.Next();  // '{'
  bool expect_item = true;     // after '{' or ','
  for (;;) {
    token = lexer.Next();
    if (token.kind == TokenKind::kError) {
      return InvalidArgument("invalid label set: %s", token.message);
    }
    if (token.kind == TokenKind::kRightBrace) break;
    if (!expect_item) {
      if (token.kind != TokenKind::kComma) {
        return InvalidArgument("unexpected %s in label set, expected \",\" or \"}\"",
                               Describe(token));
      }
      expect_item = true;
      continue;
    }
    if (token.kind != TokenKind::kIdentifier) {
      return InvalidArgument("unexpected %s in label set, expected identifier or \"}\"",
                             Describe(token));
    }
    const std::string name(token.text);
    token = lexer.Next();
    if (token.kind != TokenKind::kAssign) {
      return InvalidArgument("unexpected %s in label set, expected \"=\"", Describe(token));
    }
    token = lexer.Next();
    if (token.kind != TokenKind::kString) {
      return InvalidArgument("unexpected %s in label set, expected string", Describe(token));
    }
    TSDB_ASSIGN_OR_RETURN(std::string value, GoUnquote(token.text));
    labels->push_back(Label{name, std::move(value)});
    expect_item = false;
  }
  *pos += token.pos + 1;
  return Status();
}

// The value sequence of a series description, read item by item.
class ValueReader {
 public:
  explicit ValueReader(std::string_view input) : in_(input) {}

  Status Read(std::vector<SequenceValue>* out) {
    // series_values: (SPACE series_item?)*, every item after a space.
    while (pos_ < in_.size()) {
      if (!IsSpace(in_[pos_])) {
        return InvalidArgument("unexpected %s in series values, expected space",
                               GoQuote(in_.substr(pos_, 1)));
      }
      while (pos_ < in_.size() && IsSpace(in_[pos_])) ++pos_;
      if (pos_ == in_.size()) break;
      TSDB_RETURN_IF_ERROR(ReadItem(out));
    }
    return Status();
  }

 private:
  // Room for n + 1 more values: a line expands to at most kMaxValues (a
  // typo like `1x100000000000` must not exhaust memory).
  static constexpr uint64_t kMaxValues = 10000000;
  static Status CheckRoom(const std::vector<SequenceValue>& out, uint64_t n) {
    if (n >= kMaxValues || out.size() + n + 1 > kMaxValues) {
      return InvalidArgument("series values expand to more than %d values", kMaxValues);
    }
    return Status();
  }

  bool At(char c) const { return pos_ < in_.size() && in_[pos_] == c; }
  bool AtHistogram() const { return in_.substr(pos_, 2) == "{{"; }

  Status ReadItem(std::vector<SequenceValue>* out) {
    if (At('_')) {
      ++pos_;
      uint64_t n = 1;
      if (At('x')) {
        ++pos_;
        TSDB_ASSIGN_OR_RETURN(n, ReadRepetition());
      }
      if (pos_ < in_.size() && !IsSpace(in_[pos_])) {
        return InvalidArgument("unexpected %s after \"_\" in series values", Next());
      }
      // `_xN` is N positions (not N+1, unlike the other forms).
      TSDB_RETURN_IF_ERROR(CheckRoom(*out, n));
      for (uint64_t i = 0; i < n; ++i) out->push_back(SequenceValue{0, true, false});
      return Status();
    }
    if (AtHistogram()) return ReadHistogramItem(out);
    TSDB_ASSIGN_OR_RETURN(double value, ReadSeriesValue());
    if (At('x')) {
      ++pos_;
      TSDB_ASSIGN_OR_RETURN(uint64_t n, ReadRepetition());
      TSDB_RETURN_IF_ERROR(CheckRoom(*out, n));
      for (uint64_t i = 0; i <= n; ++i) out->push_back(SequenceValue{value, false, false});
      return Status();
    }
    if (At('+') || At('-')) {
      TSDB_ASSIGN_OR_RETURN(double step, ReadSignedNumber());
      if (!At('x')) {
        return InvalidArgument("unexpected %s in series values, expected \"x\" after %s",
                               Next(), GoQuote(in_.substr(0, pos_)));
      }
      ++pos_;
      TSDB_ASSIGN_OR_RETURN(uint64_t n, ReadRepetition());
      TSDB_RETURN_IF_ERROR(CheckRoom(*out, n));
      // Repeated addition, as the Go parser does: a+b+b+... (not a+k*b).
      for (uint64_t i = 0; i <= n; ++i) {
        out->push_back(SequenceValue{value, false, false});
        value += step;
      }
      return Status();
    }
    if (pos_ < in_.size() && !IsSpace(in_[pos_])) {
      return InvalidArgument("unexpected %s in series values", Next());
    }
    out->push_back(SequenceValue{value, false, false});
    return Status();
  }

  // `{{...}}`, `{{...}}xN`, `{{...}}+{{...}}xN`, `{{...}}-{{...}}xN`: the
  // positions only (native histograms are not decoded).
  Status ReadHistogramItem(std::vector<SequenceValue>* out) {
    TSDB_RETURN_IF_ERROR(SkipHistogram());
    uint64_t count = 1;
    if (At('+') || At('-')) {
      ++pos_;
      if (!AtHistogram()) {
        return InvalidArgument("unexpected %s in series values, expected \"{{\"", Next());
      }
      TSDB_RETURN_IF_ERROR(SkipHistogram());
      if (!At('x')) {
        return InvalidArgument("unexpected %s in series values, expected \"x\"", Next());
      }
    }
    if (At('x')) {
      ++pos_;
      TSDB_ASSIGN_OR_RETURN(uint64_t n, ReadRepetition());
      TSDB_RETURN_IF_ERROR(CheckRoom(*out, n));
      count = n + 1;
    }
    if (pos_ < in_.size() && !IsSpace(in_[pos_])) {
      return InvalidArgument("unexpected %s after a histogram in series values", Next());
    }
    for (uint64_t i = 0; i < count; ++i) out->push_back(SequenceValue{0, false, true});
    return Status();
  }

  Status SkipHistogram() {
    const size_t close = in_.find("}}", pos_ + 2);
    if (close == std::string_view::npos) {
      return InvalidArgument("histogram description at %d has no closing \"}}\"", pos_);
    }
    pos_ = close + 2;
    return Status();
  }

  // series_value: `stale`, a number, or a signed number.
  Result<double> ReadSeriesValue() {
    if (At('+') || At('-')) return ReadSignedNumber();
    if (pos_ < in_.size() && IsAlpha(in_[pos_])) {
      const std::string_view word = ReadWord();
      if (word == "stale") return StaleNaN();
      const ParsedFloat special = GoParseFloat(word);
      if (IsInfOrNaNWord(word) && special.error == NumError::kNone) return special.value;
      return InvalidArgument("unexpected identifier %s in series values, expected number or "
                             "\"stale\"",
                             GoQuote(word));
    }
    return ReadNumber();
  }

  Result<double> ReadSignedNumber() {
    const bool negative = At('-');
    ++pos_;
    double v;
    if (pos_ < in_.size() && IsAlpha(in_[pos_])) {
      const std::string_view word = ReadWord();
      if (!IsInfOrNaNWord(word)) {
        return InvalidArgument("unexpected %s in series values, expected number",
                               GoQuote(word));
      }
      v = GoParseFloat(word).value;
    } else {
      TSDB_ASSIGN_OR_RETURN(v, ReadNumber());
    }
    return negative ? -v : v;
  }

  static bool IsInfOrNaNWord(std::string_view word) {
    const std::string lower = [&] {
      std::string s(word);
      for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      return s;
    }();
    return lower == "inf" || lower == "nan";
  }

  // A word as the Lexer reads identifiers: letters, digits, '_' and ':'.
  std::string_view ReadWord() {
    const size_t start = pos_;
    while (pos_ < in_.size() && (IsAlphaNumeric(in_[pos_]) || in_[pos_] == ':')) ++pos_;
    return in_.substr(start, pos_ - start);
  }

  // A number token of a value sequence (decimal only: hexadecimal would be
  // ambiguous with `x`), converted as the PromQL parser converts numbers.
  Result<double> ReadNumber() {
    const size_t start = pos_;
    if (!ScanNumber()) {
      return InvalidArgument("bad number syntax: %s",
                             GoQuote(in_.substr(start, pos_ - start + (pos_ < in_.size()))));
    }
    const std::string_view text = in_.substr(start, pos_ - start);
    const ParsedInt i = GoParseInt(text);
    if (i.error == NumError::kNone) return static_cast<double>(i.value);
    const ParsedFloat f = GoParseFloat(text);
    if (f.error != NumError::kNone) {
      return InvalidArgument("error parsing number: %s is %s", GoQuote(text),
                             f.error == NumError::kRange ? "out of range" : "invalid syntax");
    }
    return f.value;
  }

  // The PromQL lexer's scanNumber in series-description mode.
  bool ScanNumber() {
    const size_t start = pos_;
    const auto accept = [&](std::string_view set) {
      if (pos_ < in_.size() && InSet(in_[pos_], set)) {
        ++pos_;
        return true;
      }
      return false;
    };
    const auto is = [&](std::string_view set) {
      return pos_ < in_.size() && InSet(in_[pos_], set);
    };
    constexpr std::string_view kDigits = "0123456789";
    accept(".");
    accept(kDigits);
    bool dot = false;
    bool exponent = false;
    while (is("0123456789._eE")) {
      if (is(".") && dot) {
        ++pos_;
        return false;
      }
      if (is("eE") && exponent) {
        ++pos_;
        return false;
      }
      if (accept(".")) {
        dot = true;
        if (accept("_.")) return false;
        continue;
      }
      if (accept("eE")) {
        exponent = true;
        accept("+-");
        if (accept("._eE") || pos_ == in_.size()) return false;
        continue;
      }
      if (accept("_")) {
        if (accept("._eE") || pos_ == in_.size()) return false;
        continue;
      }
      while (accept(kDigits)) {
      }
    }
    if (pos_ == start) return false;
    // Then a space, `x` (repetition), a sign (a step) or the end.
    return pos_ == in_.size() || in_[pos_] == 'x' || !IsAlphaNumeric(in_[pos_]);
  }

  // uint: a decimal repetition count.
  Result<uint64_t> ReadRepetition() {
    const size_t start = pos_;
    if (!ScanNumber()) {
      return InvalidArgument("bad number syntax: %s",
                             GoQuote(in_.substr(start, pos_ - start + (pos_ < in_.size()))));
    }
    const std::string_view text = in_.substr(start, pos_ - start);
    uint64_t n = 0;
    bool ok = !text.empty();
    for (const char c : text) {
      if (!IsDigit(c) || n > (std::numeric_limits<uint64_t>::max() - (c - '0')) / 10) {
        ok = false;
        break;
      }
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    if (!ok) return InvalidArgument("invalid repetition in series values: %s", GoQuote(text));
    return n;
  }

  std::string Next() const {
    if (pos_ >= in_.size()) return "end of input";
    return GoQuote(in_.substr(pos_, 1));
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

Result<SeriesDesc> ParseSeriesDesc(std::string_view text) {
  SeriesDesc desc;
  std::vector<Label> labels;
  std::string name;
  size_t pos = 0;
  if (!text.empty() && (IsAlpha(text[0]) || text[0] == ':')) {
    size_t end = 0;
    while (end < text.size() && (IsAlphaNumeric(text[end]) || text[end] == ':')) ++end;
    const std::string_view word = text.substr(0, end);
    Lexer lexer(word);
    const Token token = lexer.Next();
    if (!IsMetricIdentifier(token.kind) || token.text.size() != word.size()) {
      return InvalidArgument("unexpected %s at the start of a series, expected a metric name",
                             GoQuote(word));
    }
    name = std::string(word);
    pos = end;
  }
  if (pos < text.size() && text[pos] == '{') {
    if (text.substr(pos, 2) == "{{") {
      return InvalidArgument("unexpected \"{{\" at the start of a series, expected a label set");
    }
    TSDB_RETURN_IF_ERROR(ReadLabelSet(text, &pos, &labels));
  } else if (name.empty()) {
    return InvalidArgument("unexpected %s at the start of a series, expected a metric name or "
                           "\"{\"",
                           GoQuote(text.substr(0, 1)));
  }
  desc.labels = Labels(std::move(labels));
  if (!name.empty()) desc.labels.Set(kMetricName, name);
  ValueReader reader(text.substr(pos));
  TSDB_RETURN_IF_ERROR(reader.Read(&desc.values));
  return desc;
}

}  // namespace tsdb::promql
