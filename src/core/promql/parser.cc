// Syntax: tokens into a tree by precedence climbing. The grammar is
// Prometheus's (promql/parser/generated_parser.y):
//
//   expr      := unary (binop modifiers unary)*      precedence below
//   unary     := ('+'|'-') expr-above-'*' | postfix  (-2^2 is -(2^2))
//   postfix   := primary ( '[' dur (':' dur?)? ']' | offset [sign] durterm
//                        | '@' (number | start() | end()) | anchored | smoothed )*
//   primary   := number | duration | string | '(' expr ')' | selector
//              | function '(' args ')' | aggregation
//
// Binary operators, loosest first: or; and unless; == != < <= > >=; + -;
// * / % atan2; ^ (right-associative). The postfix modifiers bind tighter
// than all of them and apply to the operand before them: `a + b offset 5m`
// shifts b. A unary minus on a number literal folds into the literal.
// Type checking (check.cc) runs once the whole text parsed.
#include "tsdb/promql/parser.h"

#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "promql/check.h"
#include "tsdb/promql/go_strconv.h"

namespace tsdb::promql {

std::string LineColumn(std::string_view query, uint32_t pos) {
  if (query.empty()) return "unknown position";
  if (pos > query.size()) return "invalid position";
  const std::string_view before = query.substr(0, pos);
  const size_t last_break = before.rfind('\n');
  int line = 0;
  for (char c : before) line += c == '\n';
  const int64_t column =
      last_break == std::string_view::npos ? pos + 1 : static_cast<int64_t>(pos - last_break);
  return absl::StrCat(line + 1, ":", column);
}

namespace {

// The deepest tree accepted. Checking, printing and evaluating recurse once
// per level, so an unbounded depth (`((((...` or `1+1+1+...`, which
// nests to the left) would overflow the stack; Prometheus's Go stacks grow,
// ours do not. Real queries nest a few dozen levels.
constexpr int kMaxNesting = 500;

// Binary operator precedence, 0 for tokens that are not binary operators.
int Precedence(TokenKind kind) {
  switch (kind) {
    case TokenKind::kOr: return 1;
    case TokenKind::kAnd:
    case TokenKind::kUnless: return 2;
    case TokenKind::kEqlc:
    case TokenKind::kNeq:
    case TokenKind::kLss:
    case TokenKind::kLte:
    case TokenKind::kGtr:
    case TokenKind::kGte: return 3;
    case TokenKind::kAdd:
    case TokenKind::kSub: return 4;
    case TokenKind::kMul:
    case TokenKind::kDiv:
    case TokenKind::kMod:
    case TokenKind::kAtan2: return 5;
    case TokenKind::kPow: return 6;
    default: return 0;
  }
}
constexpr int kMulPrecedence = 5;
constexpr int kPowPrecedence = 6;

// Words that name a metric where an expression starts (Prometheus's
// metric_identifier rule accepts these keywords too).
bool IsMetricNameWord(TokenKind kind) {
  if (IsAggregator(kind)) return true;
  switch (kind) {
    case TokenKind::kIdentifier:
    case TokenKind::kMetricIdentifier:
    case TokenKind::kAnd:
    case TokenKind::kOr:
    case TokenKind::kUnless:
    case TokenKind::kBy:
    case TokenKind::kWithout:
    case TokenKind::kOffset:
    case TokenKind::kStart:
    case TokenKind::kEnd:
    case TokenKind::kStep:
    case TokenKind::kRange:
    case TokenKind::kAnchored:
    case TokenKind::kSmoothed:
      return true;
    default:
      return false;
  }
}

// A label name in grouping lists: any word (keywords included).
bool IsLabelWord(const Token& t) {
  if (t.kind == TokenKind::kIdentifier) return true;
  if (t.kind == TokenKind::kMetricIdentifier || t.kind == TokenKind::kNumber) return false;
  if (t.text.empty()) return false;
  const char c = t.text[0];
  return c == '_' || absl::ascii_isalpha(static_cast<unsigned char>(c));
}

// Go's %.10q: the first 10 runes quoted, "..." when cut.
std::string QuoteShort(std::string_view text) {
  size_t runes = 0;
  size_t i = 0;
  while (i < text.size() && runes < 10) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t width = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    i += width;
    ++runes;
  }
  if (i >= text.size()) return GoQuote(text);
  return GoQuote(text.substr(0, i)) + "...";
}

// Prometheus's Item.desc(): how an unexpected token is named.
std::string Describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEof: return "end of input";
    case TokenKind::kError: return t.message;
    case TokenKind::kIdentifier: return "identifier " + GoQuote(t.text);
    case TokenKind::kMetricIdentifier: return "metric identifier " + GoQuote(t.text);
    case TokenKind::kNumber: return "number " + QuoteShort(t.text);
    case TokenKind::kDuration: return "duration " + QuoteShort(t.text);
    case TokenKind::kString: return "string " + QuoteShort(t.text);
    case TokenKind::kComment: return "comment " + QuoteShort(t.text);
    case TokenKind::kStart:
    case TokenKind::kEnd:
    case TokenKind::kStep:
    case TokenKind::kRange:
      return GoQuote(t.text);
    default: break;
  }
  if (IsKeyword(t.kind)) return "<" + std::string(t.text) + ">";
  if (IsOperator(t.kind)) return "<op:" + std::string(t.text) + ">";
  if (IsAggregator(t.kind)) return "<aggr:" + std::string(t.text) + ">";
  return QuoteShort(t.text);
}

// Prometheus's strutil.Unquote: Go's rules, except that '...' holds a
// string, not one rune. Such a string is rewritten as its "..." twin.
Result<std::string> UnquotePromString(std::string_view text) {
  if (text.size() < 2 || text.front() != '\'' || text.back() != '\'') return GoUnquote(text);
  std::string doubled = "\"";
  const std::string_view body = text.substr(1, text.size() - 2);
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\\' && i + 1 < body.size()) {
      const char escaped = body[++i];
      if (escaped == '\'') {
        doubled += '\'';
        continue;
      }
      if (escaped == '"') return InvalidArgument("invalid syntax");
      doubled += c;
      doubled += escaped;
      continue;
    }
    if (c == '"') doubled += '\\';
    doubled += c;
  }
  doubled += '"';
  return GoUnquote(doubled);
}

class Parser {
 public:
  explicit Parser(std::string_view input) : input_(input) {
    Lexer lexer(input);
    for (;;) {
      Token t = lexer.Next();
      if (t.kind == TokenKind::kComment) continue;
      const bool last = t.kind == TokenKind::kEof || t.kind == TokenKind::kError;
      tokens_.push_back(std::move(t));
      if (last) break;
    }
  }

  ExprPtr ParseQuery() {
    if (Peek().kind == TokenKind::kEof) {
      Fail({0, 0}, "no expression found in input");
      return nullptr;
    }
    ExprPtr e = ParseExpression(1);
    if (!e) return nullptr;
    if (Peek().kind != TokenKind::kEof) return Unexpected("", "");
    return e;
  }

  std::vector<LabelMatcher> ParseSelectorOnly(ExprPtr* out) {
    ExprPtr e = ParseVectorSelectorPrimary();
    if (e && Peek().kind != TokenKind::kEof) Unexpected("", "");
    if (failed()) return {};
    *out = std::move(e);
    return As<VectorSelector>(**out).matchers;
  }

  bool failed() const { return failed_; }
  const ParseError& error() const { return error_; }

  ExprPtr Fail(PositionRange pos, std::string message) {
    if (!failed_) {
      failed_ = true;
      error_ = ParseError{pos, std::move(message)};
    }
    return nullptr;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    const size_t i = std::min(next_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& Next() {
    const Token& t = tokens_[next_];
    if (next_ + 1 < tokens_.size()) ++next_;
    if (t.kind == TokenKind::kRightBrace || t.kind == TokenKind::kRightParen ||
        t.kind == TokenKind::kRightBracket || t.kind == TokenKind::kNumber ||
        t.kind == TokenKind::kDuration) {
      last_closing_ = t.pos + static_cast<uint32_t>(t.text.size());
    }
    return t;
  }
  static PositionRange RangeOf(const Token& t) {
    return {t.pos, t.pos + static_cast<uint32_t>(t.text.size())};
  }

  // Prometheus's parser.unexpected(): "unexpected <token>[ in <context>][,
  // expected <what>]"; a lexer error is reported as itself.
  ExprPtr Unexpected(std::string_view context, std::string_view expected) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kError) {
      return Fail({t.pos, static_cast<uint32_t>(input_.size())}, t.message);
    }
    std::string message = "unexpected " + Describe(t);
    if (!context.empty()) message += " in " + std::string(context);
    if (!expected.empty()) message += ", expected " + std::string(expected);
    return Fail(RangeOf(t), std::move(message));
  }

  bool Expect(TokenKind kind, std::string_view context, std::string_view expected) {
    if (Peek().kind == kind) {
      Next();
      return true;
    }
    Unexpected(context, expected);
    return false;
  }

  // expr with binary operators of precedence >= min_precedence.
  // Counts the recursion of the parse functions (every level of nesting
  // passes through ParseExpression or ParseDurationExpression).
  class NestingGuard {
   public:
    explicit NestingGuard(Parser* p) : p_(p) { ++p_->nesting_; }
    ~NestingGuard() { --p_->nesting_; }
    bool TooDeep() const { return p_->nesting_ > kMaxNesting; }

   private:
    Parser* p_;
  };

  ExprPtr NestingError() {
    return Fail(RangeOf(Peek()), absl::StrFormat("expression nesting exceeds the limit of %d levels",
                                                  kMaxNesting));
  }

  ExprPtr ParseExpression(int min_precedence) {
    NestingGuard guard(this);
    if (guard.TooDeep()) return NestingError();
    ExprPtr lhs = ParseUnary();
    if (!lhs) return nullptr;
    for (;;) {
      const Token& op = Peek();
      const int precedence = Precedence(op.kind);
      if (precedence == 0 || precedence < min_precedence) return lhs;
      const TokenKind kind = op.kind;
      Next();
      auto binary = std::make_unique<BinaryExpr>();
      binary->op = kind;
      if (!ParseBinaryModifiers(binary.get())) return nullptr;
      // ^ is right-associative: its right operand may hold another ^.
      ExprPtr rhs = ParseExpression(kind == TokenKind::kPow ? precedence : precedence + 1);
      if (!rhs) return nullptr;
      binary->pos = {lhs->pos.start, rhs->pos.end};
      binary->lhs = std::move(lhs);
      binary->rhs = std::move(rhs);
      lhs = std::move(binary);
    }
  }

  ExprPtr ParseUnary() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kAdd && t.kind != TokenKind::kSub) return ParsePostfix(ParsePrimary());
    const TokenKind op = t.kind;
    const uint32_t start = t.pos;
    Next();
    // Prometheus gives unary operators the precedence of '*': the operand
    // takes ^ and the postfix modifiers only.
    ExprPtr operand = ParseExpression(kMulPrecedence + 1);
    if (!operand) return nullptr;
    if (operand->kind == NodeKind::kNumberLiteral) {
      auto& number = As<NumberLiteral>(*operand);
      if (op == TokenKind::kSub) number.value = -number.value;
      number.pos.start = start;
      return operand;
    }
    auto unary = std::make_unique<UnaryExpr>();
    unary->op = op;
    unary->pos = {start, operand->pos.end};
    unary->expr = std::move(operand);
    return unary;
  }

  // bool, on/ignoring (...), group_left/group_right [(...)], fill modifiers.
  bool ParseBinaryModifiers(BinaryExpr* binary) {
    VectorMatching matching;
    if (Peek().kind == TokenKind::kBool) {
      Next();
      binary->return_bool = true;
    }
    if (Peek().kind == TokenKind::kOn || Peek().kind == TokenKind::kIgnoring) {
      matching.on = Next().kind == TokenKind::kOn;
      if (!ParseGroupingLabels(&matching.matching_labels)) return false;
      if (Peek().kind == TokenKind::kGroupLeft || Peek().kind == TokenKind::kGroupRight) {
        matching.card = Next().kind == TokenKind::kGroupLeft ? Cardinality::kManyToOne
                                                              : Cardinality::kOneToMany;
        if (Peek().kind == TokenKind::kLeftParen &&
            !ParseGroupingLabels(&matching.include)) {
          return false;
        }
      }
    }
    for (;;) {
      const TokenKind kind = Peek().kind;
      if (kind != TokenKind::kFill && kind != TokenKind::kFillLeft &&
          kind != TokenKind::kFillRight) {
        break;
      }
      const Token& keyword = Next();
      const std::string context = std::string(KindText(kind)) + " modifier";
      if (!Expect(TokenKind::kLeftParen, context, "\"(\"")) return false;
      double value = 0;
      if (!ParseSignedNumber(&value, context)) return false;
      if (!Expect(TokenKind::kRightParen, context, "\")\"")) return false;
      const bool left = kind != TokenKind::kFillRight;
      const bool right = kind != TokenKind::kFillLeft;
      if ((left && matching.fill_lhs) || (right && matching.fill_rhs)) {
        Fail(RangeOf(keyword), "fill modifiers may not be set multiple times");
        return false;
      }
      if (left) matching.fill_lhs = value;
      if (right) matching.fill_rhs = value;
    }
    binary->matching = std::move(matching);
    return true;
  }

  // [+-] number or duration (seconds).
  bool ParseSignedNumber(double* value, std::string_view context) {
    double sign = 1;
    if (Peek().kind == TokenKind::kAdd || Peek().kind == TokenKind::kSub) {
      if (Next().kind == TokenKind::kSub) sign = -1;
    }
    const Token& t = Peek();
    if (t.kind != TokenKind::kNumber && t.kind != TokenKind::kDuration) {
      Unexpected(context, "number");
      return false;
    }
    Next();
    double v = 0;
    if (!LiteralValue(t, &v)) return false;
    *value = sign * v;
    return true;
  }

  // `(a, b, "c.d",)`.
  bool ParseGroupingLabels(std::vector<std::string>* labels) {
    if (Peek().kind != TokenKind::kLeftParen) {
      Unexpected("grouping opts", "\"(\"");
      return false;
    }
    Next();
    if (Peek().kind == TokenKind::kRightParen) {
      Next();
      return true;
    }
    for (;;) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kString) {
        Next();
        std::string name;
        if (!Unquote(t, &name)) return false;
        labels->push_back(std::move(name));
      } else if (IsLabelWord(t)) {
        Next();
        labels->emplace_back(t.text);
      } else {
        Unexpected("grouping opts", "label");
        return false;
      }
      if (Peek().kind == TokenKind::kComma) {
        Next();
        if (Peek().kind == TokenKind::kRightParen) {
          Next();
          return true;
        }
        continue;
      }
      if (Peek().kind == TokenKind::kRightParen) {
        Next();
        return true;
      }
      Unexpected("grouping opts", "\",\" or \")\"");
      return false;
    }
  }

  bool Unquote(const Token& t, std::string* out) {
    Result<std::string> s = UnquotePromString(t.text);
    if (!s.ok()) {
      Fail(RangeOf(t), absl::StrFormat("error unquoting string %s: %s", GoQuote(t.text),
                                       s.status().message()));
      return false;
    }
    *out = std::move(*s);
    return true;
  }

  // The value of a number token (ParseInt base 0, else ParseFloat) or of a
  // duration token in seconds.
  bool LiteralValue(const Token& t, double* value) {
    if (t.kind == TokenKind::kDuration) {
      Result<int64_t> ms = ParsePromDuration(t.text);
      if (!ms.ok()) {
        Fail(RangeOf(t), std::string(ms.status().message()));
        return false;
      }
      *value = static_cast<double>(*ms) / 1000.0;
      return true;
    }
    const ParsedInt i = GoParseInt(t.text);
    if (i.error == NumError::kNone) {
      *value = static_cast<double>(i.value);
      return true;
    }
    const ParsedFloat f = GoParseFloat(t.text);
    if (f.error != NumError::kNone) {
      Fail(RangeOf(t), absl::StrFormat("error parsing number: strconv.ParseFloat: parsing %s: %s",
                                       GoQuote(t.text),
                                       f.error == NumError::kRange ? "value out of range"
                                                                   : "invalid syntax"));
      return false;
    }
    *value = f.value;
    return true;
  }

  // A number or duration token (a duration's value is in seconds).
  ExprPtr ParseNumberLiteral() {
    const Token& t = Next();
    auto number = std::make_unique<NumberLiteral>();
    number->pos = RangeOf(t);
    number->duration = t.kind == TokenKind::kDuration;
    if (!LiteralValue(t, &number->value)) return nullptr;
    return number;
  }

  ExprPtr ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kNumber:
      case TokenKind::kDuration:
        return ParseNumberLiteral();
      case TokenKind::kString: {
        Next();
        auto str = std::make_unique<StringLiteral>();
        str->pos = RangeOf(t);
        if (!Unquote(t, &str->value)) return nullptr;
        return str;
      }
      case TokenKind::kLeftParen: {
        const uint32_t start = t.pos;
        Next();
        ExprPtr inner = ParseExpression(1);
        if (!inner) return nullptr;
        if (Peek().kind != TokenKind::kRightParen) return Unexpected("", "\")\"");
        const Token& close = Next();
        auto paren = std::make_unique<ParenExpr>();
        paren->pos = {start, close.pos + 1};
        paren->expr = std::move(inner);
        return paren;
      }
      case TokenKind::kLeftBrace:
        return ParseVectorSelectorPrimary();
      default:
        break;
    }
    const TokenKind after = Peek(1).kind;
    if (IsAggregator(t.kind) && (after == TokenKind::kLeftParen || after == TokenKind::kBy ||
                                 after == TokenKind::kWithout)) {
      return ParseAggregation();
    }
    if (after == TokenKind::kLeftParen &&
        (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kStart ||
         t.kind == TokenKind::kEnd || t.kind == TokenKind::kStep ||
         t.kind == TokenKind::kRange)) {
      return ParseCall();
    }
    if (IsMetricNameWord(t.kind)) return ParseVectorSelectorPrimary();
    return Unexpected("", "");
  }

  ExprPtr ParseCall() {
    const Token& name = Next();
    const std::string lowered = std::string(name.text);
    auto call = std::make_unique<Call>();
    // Only the preprocessor keywords are case-insensitive words; function
    // names are matched as written (as Prometheus's map lookup does).
    std::string key = lowered;
    if (name.kind != TokenKind::kIdentifier) key = absl::AsciiStrToLower(key);
    call->func = FindFunction(key);
    if (call->func == nullptr) {
      return Fail(RangeOf(name), "unknown function with name " + GoQuote(name.text));
    }
    if (!ParseArguments(&call->args)) return nullptr;
    call->pos = {name.pos, last_closing_};
    return call;
  }

  // `( expr, expr, ... )`.
  bool ParseArguments(std::vector<ExprPtr>* args) {
    if (!Expect(TokenKind::kLeftParen, "", "\"(\"")) return false;
    if (Peek().kind == TokenKind::kRightParen) {
      Next();
      return true;
    }
    for (;;) {
      ExprPtr arg = ParseExpression(1);
      if (!arg) return false;
      args->push_back(std::move(arg));
      if (Peek().kind == TokenKind::kComma) {
        const Token& comma = Next();
        if (Peek().kind == TokenKind::kRightParen) {
          Fail(RangeOf(comma), "trailing commas not allowed in function call args");
          return false;
        }
        continue;
      }
      if (Peek().kind == TokenKind::kRightParen) {
        Next();
        return true;
      }
      Unexpected("", "\",\" or \")\"");
      return false;
    }
  }

  ExprPtr ParseAggregation() {
    const Token& op = Next();
    auto agg = std::make_unique<AggregateExpr>();
    agg->op = op.kind;
    bool have_modifier = false;
    auto parse_modifier = [&]() -> bool {
      agg->without = Next().kind == TokenKind::kWithout;
      have_modifier = true;
      return ParseGroupingLabels(&agg->grouping);
    };
    if (Peek().kind == TokenKind::kBy || Peek().kind == TokenKind::kWithout) {
      if (!parse_modifier()) return nullptr;
    }
    if (Peek().kind != TokenKind::kLeftParen) return Unexpected("aggregation", "");
    std::vector<ExprPtr> args;
    if (!ParseArguments(&args)) return nullptr;
    uint32_t end = last_closing_;
    if (!have_modifier && (Peek().kind == TokenKind::kBy || Peek().kind == TokenKind::kWithout)) {
      if (!parse_modifier()) return nullptr;
    }
    agg->pos = {op.pos, end};
    if (args.empty()) return Fail(agg->pos, "no arguments for aggregate expression provided");
    size_t desired = 1;
    if (IsAggregatorWithParam(agg->op)) {
      desired = 2;
      agg->param = std::move(args[0]);
    }
    if (args.size() != desired) {
      return Fail(agg->pos,
                  absl::StrFormat("wrong number of arguments for aggregate expression provided, "
                                  "expected %d, got %d",
                                  desired, args.size()));
    }
    agg->expr = std::move(args[desired - 1]);
    return agg;
  }

  // name, name{...} or {...}.
  ExprPtr ParseVectorSelectorPrimary() {
    auto vs = std::make_unique<VectorSelector>();
    const Token& first = Peek();
    vs->pos = RangeOf(first);
    if (first.kind != TokenKind::kLeftBrace) {
      if (!IsMetricNameWord(first.kind)) return Unexpected("", "");
      Next();
      vs->name = std::string(first.text);
    }
    if (Peek().kind == TokenKind::kLeftBrace) {
      Next();
      if (!ParseMatchers(vs.get())) return nullptr;
      vs->pos.end = last_closing_;
    }
    if (!vs->name.empty()) {
      Result<LabelMatcher> m = LabelMatcher::Make(MatchType::kEqual, std::string(kMetricName),
                                                  vs->name);
      vs->matchers.push_back(std::move(*m));
    }
    return vs;
  }

  // After '{': matchers up to and including '}'.
  bool ParseMatchers(VectorSelector* vs) {
    for (;;) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kRightBrace) {
        Next();
        return true;
      }
      if (t.kind == TokenKind::kString && IsMatcherEnd(Peek(1).kind)) {
        // A quoted metric name: {"my.metric"}.
        Next();
        std::string name;
        if (!Unquote(t, &name)) return false;
        Result<LabelMatcher> m =
            LabelMatcher::Make(MatchType::kEqual, std::string(kMetricName), std::move(name));
        vs->matchers.push_back(std::move(*m));
      } else if (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kString) {
        Next();
        std::string label;
        if (t.kind == TokenKind::kString) {
          if (!Unquote(t, &label)) return false;
        } else {
          label = std::string(t.text);
        }
        const Token& op = Peek();
        MatchType type;
        switch (op.kind) {
          case TokenKind::kAssign: type = MatchType::kEqual; break;
          case TokenKind::kNeq: type = MatchType::kNotEqual; break;
          case TokenKind::kEqlRegex: type = MatchType::kRegexMatch; break;
          case TokenKind::kNeqRegex: type = MatchType::kRegexNoMatch; break;
          default:
            Unexpected("label matching", "label matching operator");
            return false;
        }
        Next();
        const Token& value = Peek();
        if (value.kind != TokenKind::kString) {
          Unexpected("label matching", "string");
          return false;
        }
        Next();
        std::string unquoted;
        if (!Unquote(value, &unquoted)) return false;
        Result<LabelMatcher> m = LabelMatcher::Make(type, std::move(label), std::move(unquoted));
        if (!m.ok()) {
          Fail({t.pos, value.pos + static_cast<uint32_t>(value.text.size())},
               std::string(m.status().message()));
          return false;
        }
        vs->matchers.push_back(std::move(*m));
      } else {
        Unexpected("label matching", "identifier or \"}\"");
        return false;
      }
      if (Peek().kind == TokenKind::kComma) {
        Next();
        continue;
      }
      if (Peek().kind != TokenKind::kRightBrace) {
        Unexpected("label matching", "\",\" or \"}\"");
        return false;
      }
    }
  }

  static bool IsMatcherEnd(TokenKind kind) {
    return kind == TokenKind::kComma || kind == TokenKind::kRightBrace;
  }

  // The modifiers after an operand: ranges, subqueries, offset, @,
  // anchored, smoothed.
  ExprPtr ParsePostfix(ExprPtr e) {
    while (e) {
      const Token& t = Peek();
      switch (t.kind) {
        case TokenKind::kLeftBracket: e = ParseRangeOrSubquery(std::move(e)); break;
        case TokenKind::kOffset: e = ParseOffset(std::move(e)); break;
        case TokenKind::kAt: e = ParseAt(std::move(e)); break;
        case TokenKind::kAnchored:
        case TokenKind::kSmoothed: e = ParseExtendedRange(std::move(e)); break;
        default: return e;
      }
    }
    return e;
  }

  ExprPtr ParseRangeOrSubquery(ExprPtr e) {
    const Token& open = Next();
    if (Peek().kind == TokenKind::kRightBracket || Peek().kind == TokenKind::kColon) {
      return Unexpected("subquery selector", "duration");
    }
    ExprPtr range = ParseDurationExpression(1);
    if (!range) return nullptr;
    if (Peek().kind == TokenKind::kRightBracket) {
      const Token& close = Next();
      const PositionRange brackets = {open.pos, close.pos + 1};
      if (e->kind != NodeKind::kVectorSelector) {
        return Fail(brackets, "ranges only allowed for vector selectors");
      }
      const auto& vs = As<VectorSelector>(*e);
      if (vs.time.HasOffset()) return Fail(brackets, "no offset modifiers allowed before range");
      if (vs.time.HasAt()) return Fail(brackets, "no @ modifiers allowed before range");
      auto ms = std::make_unique<MatrixSelector>();
      ms->pos = {e->pos.start, close.pos + 1};
      if (!SetDuration(std::move(range), &ms->range_ms, &ms->range_expr)) return nullptr;
      if (ms->range_expr == nullptr && ms->range_ms <= 0) {
        return Fail(brackets, "duration must be greater than 0");
      }
      ms->vector_selector = std::move(e);
      return ms;
    }
    if (Peek().kind == TokenKind::kDoubleColon) {
      return Fail(RangeOf(Peek()), "aligned subqueries (\"::\") are not supported");
    }
    if (Peek().kind != TokenKind::kColon) return Unexpected("subquery or range", "\":\" or \"]\"");
    Next();
    auto sq = std::make_unique<SubqueryExpr>();
    const PositionRange range_pos = range->pos;
    if (!SetDuration(std::move(range), &sq->range_ms, &sq->range_expr)) return nullptr;
    if (sq->range_expr == nullptr && sq->range_ms <= 0) {
      return Fail(range_pos, "duration must be greater than 0");
    }
    if (Peek().kind != TokenKind::kRightBracket) {
      ExprPtr step = ParseDurationExpression(1);
      if (!step) return nullptr;
      const PositionRange step_pos = step->pos;
      if (!SetDuration(std::move(step), &sq->step_ms, &sq->step_expr)) return nullptr;
      if (sq->step_expr == nullptr && sq->step_ms < 0) {
        return Fail(step_pos, "duration must be greater than 0");
      }
      if (Peek().kind != TokenKind::kRightBracket) {
        return Unexpected("subquery selector", "\"]\"");
      }
    }
    const Token& close = Next();
    sq->pos = {e->pos.start, close.pos + 1};
    sq->expr = std::move(e);
    return sq;
  }

  // A literal duration goes into *ms (Prometheus truncates seconds * 1000
  // toward zero); an expression is kept for resolution at query time.
  bool SetDuration(ExprPtr d, int64_t* ms, ExprPtr* expr) {
    if (d->kind == NodeKind::kNumberLiteral) {
      const double seconds = As<NumberLiteral>(*d).value;
      if (!(std::fabs(seconds) <= kMaxDurationSeconds)) {
        Fail(d->pos, "duration out of range");
        return false;
      }
      // Rounded: 1001ms is 1.001 s, and 1.001 * 1000 is 1000.9999999999999.
      *ms = std::llround(seconds * 1000);
      return true;
    }
    *expr = std::move(d);
    return true;
  }

  // Within brackets: + - * / % ^ over numbers (seconds), durations,
  // step(), range(), min_of(a, b), max_of(a, b) and parentheses.
  ExprPtr ParseDurationExpression(int min_precedence) {
    NestingGuard guard(this);
    if (guard.TooDeep()) return NestingError();
    ExprPtr lhs = ParseDurationUnary();
    if (!lhs) return nullptr;
    for (;;) {
      const TokenKind kind = Peek().kind;
      const int precedence = Precedence(kind);
      if (precedence < 4 || precedence < min_precedence || kind == TokenKind::kAtan2) return lhs;
      Next();
      ExprPtr rhs =
          ParseDurationExpression(kind == TokenKind::kPow ? precedence : precedence + 1);
      if (!rhs) return nullptr;
      auto d = std::make_unique<DurationExpr>();
      d->op = kind;
      d->pos = {lhs->pos.start, rhs->pos.end};
      d->lhs = std::move(lhs);
      d->rhs = std::move(rhs);
      lhs = std::move(d);
    }
  }

  ExprPtr ParseDurationUnary() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kAdd && t.kind != TokenKind::kSub) return ParseDurationPrimary();
    const TokenKind op = t.kind;
    const uint32_t start = t.pos;
    Next();
    ExprPtr operand = ParseDurationExpression(kPowPrecedence);
    if (!operand) return nullptr;
    return ApplySign(op, start, std::move(operand));
  }

  ExprPtr ApplySign(TokenKind op, uint32_t start, ExprPtr operand) {
    if (operand->kind == NodeKind::kNumberLiteral) {
      auto& number = As<NumberLiteral>(*operand);
      if (op == TokenKind::kSub) number.value = -number.value;
      number.pos.start = start;
      return operand;
    }
    if (op == TokenKind::kAdd) return operand;
    auto d = std::make_unique<DurationExpr>();
    d->op = TokenKind::kSub;
    d->pos = {start, operand->pos.end};
    d->rhs = std::move(operand);
    return d;
  }

  ExprPtr ParseDurationPrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kNumber:
      case TokenKind::kDuration:
        return ParseNumberLiteral();
      case TokenKind::kLeftParen: {
        const uint32_t start = t.pos;
        Next();
        ExprPtr inner = ParseDurationExpression(1);
        if (!inner) return nullptr;
        if (Peek().kind != TokenKind::kRightParen) {
          return Unexpected("duration expression", "\")\"");
        }
        const Token& close = Next();
        return Wrap(std::move(inner), {start, close.pos + 1});
      }
      default:
        break;
    }
    // step() and range(); min_of(a, b) and max_of(a, b) (identifiers
    // outside brackets, kMin/kMax inside).
    TokenKind op = t.kind;
    if (t.kind == TokenKind::kIdentifier) {
      if (t.text == "min_of") op = TokenKind::kMin;
      else if (t.text == "max_of") op = TokenKind::kMax;
    }
    if (op == TokenKind::kStep || op == TokenKind::kRange) {
      Next();
      if (!Expect(TokenKind::kLeftParen, "duration expression", "\"(\"")) return nullptr;
      if (!Expect(TokenKind::kRightParen, "duration expression", "\")\"")) return nullptr;
      auto d = std::make_unique<DurationExpr>();
      d->op = op;
      d->pos = {t.pos, last_closing_};
      return d;
    }
    if (op == TokenKind::kMin || op == TokenKind::kMax) {
      Next();
      if (!Expect(TokenKind::kLeftParen, "duration expression", "\"(\"")) return nullptr;
      ExprPtr a = ParseDurationExpression(1);
      if (!a) return nullptr;
      if (!Expect(TokenKind::kComma, "duration expression", "\",\"")) return nullptr;
      ExprPtr b = ParseDurationExpression(1);
      if (!b) return nullptr;
      if (!Expect(TokenKind::kRightParen, "duration expression", "\")\"")) return nullptr;
      auto d = std::make_unique<DurationExpr>();
      d->op = op;
      d->pos = {t.pos, last_closing_};
      d->lhs = std::move(a);
      d->rhs = std::move(b);
      return d;
    }
    return Unexpected("duration expression", "number or duration");
  }

  // Parentheses around a duration expression are kept for printing; a bare
  // literal is wrapped in a unary plus (as Prometheus's wrapParenDurationExpr).
  static ExprPtr Wrap(ExprPtr inner, PositionRange pos) {
    if (inner->kind == NodeKind::kDuration) {
      As<DurationExpr>(*inner).wrapped = true;
      inner->pos = pos;
      return inner;
    }
    auto d = std::make_unique<DurationExpr>();
    d->op = TokenKind::kAdd;
    d->wrapped = true;
    d->pos = pos;
    d->rhs = std::move(inner);
    return d;
  }

  // Time modifiers of e, or null after an error naming what e must be.
  TimeModifiers* TimeModifiersOf(Expr* e, std::string_view what) {
    switch (e->kind) {
      case NodeKind::kVectorSelector: return &As<VectorSelector>(*e).time;
      case NodeKind::kMatrixSelector: {
        auto& ms = As<MatrixSelector>(*e);
        return &As<VectorSelector>(*ms.vector_selector).time;
      }
      case NodeKind::kSubquery: return &As<SubqueryExpr>(*e).time;
      default:
        Fail(e->pos, std::string(what) +
                         " must be preceded by an instant vector selector or range vector "
                         "selector or a subquery");
        return nullptr;
    }
  }

  ExprPtr ParseOffset(ExprPtr e) {
    Next();  // offset
    TimeModifiers* time = TimeModifiersOf(e.get(), "offset modifier");
    if (time == nullptr) return nullptr;
    // One signed term: `offset 5m`, `offset -(1m+step())`, `offset
    // min_of(step(), 1s)`; operators after it apply to the selector
    // (`x offset 100 + 2` is (x offset 100) + 2).
    ExprPtr d;
    const Token& t = Peek();
    if (t.kind == TokenKind::kAdd || t.kind == TokenKind::kSub) {
      const TokenKind op = t.kind;
      const uint32_t start = t.pos;
      Next();
      if (!IsDurationTermStart(Peek())) return Unexpected("offset", "number or duration");
      d = ParseDurationPrimary();
      if (!d) return nullptr;
      d = ApplySign(op, start, std::move(d));
    } else {
      if (!IsDurationTermStart(t)) return Unexpected("offset", "number or duration");
      d = ParseDurationPrimary();
      if (!d) return nullptr;
    }
    if (time->HasOffset()) return Fail(e->pos, "offset may not be set multiple times");
    if (!SetDuration(std::move(d), &time->original_offset_ms, &time->offset_expr)) return nullptr;
    ExtendEnd(e.get());
    return e;
  }

  static bool IsDurationTermStart(const Token& t) {
    switch (t.kind) {
      case TokenKind::kNumber:
      case TokenKind::kDuration:
      case TokenKind::kLeftParen:
      case TokenKind::kStep:
      case TokenKind::kRange:
      case TokenKind::kMin:
      case TokenKind::kMax:
        return true;
      case TokenKind::kIdentifier: return t.text == "min_of" || t.text == "max_of";
      default: return false;
    }
  }

  // A selector's or subquery's text now ends at the last token read.
  void ExtendEnd(Expr* e) { e->pos.end = last_closing_; }

  ExprPtr ParseAt(ExprPtr e) {
    Next();  // @
    const Token& t = Peek();
    if (t.kind == TokenKind::kStart || t.kind == TokenKind::kEnd) {
      const AtAnchor anchor = t.kind == TokenKind::kStart ? AtAnchor::kStart : AtAnchor::kEnd;
      Next();
      if (!Expect(TokenKind::kLeftParen, "@", "\"(\"")) return nullptr;
      if (!Expect(TokenKind::kRightParen, "@", "\")\"")) return nullptr;
      TimeModifiers* time = TimeModifiersOf(e.get(), "@ modifier");
      if (time == nullptr) return nullptr;
      if (time->HasAt()) return Fail(e->pos, "@ <timestamp> may not be set multiple times");
      time->at_anchor = anchor;
      ExtendEnd(e.get());
      return e;
    }
    double seconds = 0;
    {
      double sign = 1;
      if (t.kind == TokenKind::kAdd || t.kind == TokenKind::kSub) {
        if (Next().kind == TokenKind::kSub) sign = -1;
      }
      const Token& n = Peek();
      if (n.kind != TokenKind::kNumber && n.kind != TokenKind::kDuration) {
        return Unexpected("@", "timestamp");
      }
      Next();
      if (!LiteralValue(n, &seconds)) return nullptr;
      seconds *= sign;
    }
    // Prometheus bounds the seconds by int64; the milliseconds must fit too
    // (Go's conversion of a float too large is undefined as well).
    if (!std::isfinite(seconds) ||
        seconds * 1000 >= static_cast<double>(std::numeric_limits<int64_t>::max()) ||
        seconds * 1000 <= static_cast<double>(std::numeric_limits<int64_t>::min())) {
      return Fail(e->pos, absl::StrFormat("timestamp out of bounds for @ modifier: %f", seconds));
    }
    TimeModifiers* time = TimeModifiersOf(e.get(), "@ modifier");
    if (time == nullptr) return nullptr;
    if (time->HasAt()) return Fail(e->pos, "@ <timestamp> may not be set multiple times");
    // timestamp.FromFloatSeconds: rounded to the millisecond.
    time->at_ms = static_cast<int64_t>(std::round(seconds * 1000));
    ExtendEnd(e.get());
    return e;
  }

  ExprPtr ParseExtendedRange(ExprPtr e) {
    const Token& t = Next();
    const bool anchored = t.kind == TokenKind::kAnchored;
    const std::string_view name = anchored ? "anchored" : "smoothed";
    VectorSelector* vs = nullptr;
    if (e->kind == NodeKind::kVectorSelector) {
      vs = &As<VectorSelector>(*e);
    } else if (e->kind == NodeKind::kMatrixSelector) {
      vs = &As<VectorSelector>(*As<MatrixSelector>(*e).vector_selector);
    } else if (e->kind == NodeKind::kSubquery) {
      return Fail(e->pos, std::string(name) + " modifier is not supported for subqueries");
    } else {
      return Fail(e->pos, std::string(name) + " modifier not implemented");
    }
    (anchored ? vs->anchored : vs->smoothed) = true;
    if (vs->anchored && vs->smoothed) {
      return Fail(e->pos, "anchored and smoothed modifiers cannot be used together");
    }
    e->pos.end = t.pos + static_cast<uint32_t>(t.text.size());
    return e;
  }

  // time.Duration holds +-2^63 ns.
  static constexpr double kMaxDurationSeconds = 9223372036.854775807;

  std::string_view input_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
  int nesting_ = 0;
  uint32_t last_closing_ = 0;
  bool failed_ = false;
  ParseError error_;
};

// The depth of a tree, without recursion (a left-deep chain of binary
// operators is built by a loop, so the parser's guard does not see it).
int TreeDepth(const Expr& root) {
  std::vector<std::pair<const Expr*, int>> stack = {{&root, 1}};
  int deepest = 0;
  while (!stack.empty()) {
    auto [e, depth] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, depth);
    if (deepest > kMaxNesting) break;
    auto push = [&, depth = depth](const ExprPtr& c) {
      if (c) stack.emplace_back(c.get(), depth + 1);
    };
    switch (e->kind) {
      case NodeKind::kMatrixSelector:
        push(As<MatrixSelector>(*e).vector_selector);
        push(As<MatrixSelector>(*e).range_expr);
        break;
      case NodeKind::kVectorSelector: push(As<VectorSelector>(*e).time.offset_expr); break;
      case NodeKind::kSubquery: {
        const auto& sq = As<SubqueryExpr>(*e);
        push(sq.expr);
        push(sq.range_expr);
        push(sq.step_expr);
        push(sq.time.offset_expr);
        break;
      }
      case NodeKind::kCall:
        for (const ExprPtr& a : As<Call>(*e).args) push(a);
        break;
      case NodeKind::kAggregate:
        push(As<AggregateExpr>(*e).expr);
        push(As<AggregateExpr>(*e).param);
        break;
      case NodeKind::kBinary:
        push(As<BinaryExpr>(*e).lhs);
        push(As<BinaryExpr>(*e).rhs);
        break;
      case NodeKind::kUnary: push(As<UnaryExpr>(*e).expr); break;
      case NodeKind::kParen: push(As<ParenExpr>(*e).expr); break;
      case NodeKind::kDuration:
        push(As<DurationExpr>(*e).lhs);
        push(As<DurationExpr>(*e).rhs);
        break;
      default: break;
    }
  }
  return deepest;
}

Status ErrorStatus(std::string_view query, const ParseError& e) {
  return InvalidArgument("%s: parse error: %s", LineColumn(query, e.pos.start), e.message);
}

}  // namespace

Result<ExprPtr> ParseExpr(std::string_view query, ParseError* error) {
  Parser parser(query);
  ExprPtr expr = parser.ParseQuery();
  ParseError e;
  if (parser.failed()) {
    e = parser.error();
  } else if (TreeDepth(*expr) > kMaxNesting) {
    e = ParseError{expr->pos, absl::StrFormat("expression nesting exceeds the limit of %d levels",
                                              kMaxNesting)};
    expr = nullptr;
  } else if (!CheckAst(query, expr.get(), &e)) {
    expr = nullptr;
  }
  if (expr == nullptr) {
    if (error != nullptr) *error = e;
    return ErrorStatus(query, e);
  }
  return expr;
}

Result<std::vector<LabelMatcher>> ParseMetricSelector(std::string_view selector) {
  Parser parser(selector);
  ExprPtr expr;
  std::vector<LabelMatcher> matchers = parser.ParseSelectorOnly(&expr);
  ParseError e;
  if (parser.failed()) return ErrorStatus(selector, parser.error());
  if (!CheckAst(selector, expr.get(), &e)) return ErrorStatus(selector, e);
  return matchers;
}

}  // namespace tsdb::promql
