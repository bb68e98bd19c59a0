// The PromQL syntax tree, node for node as Prometheus 3.x's parser builds it
// (promql/parser/ast.go), so that printing, type checking and evaluation
// follow the same structure and the printer's text re-parses to the same
// tree.
//
// Ownership: every node owns its children (unique_ptr). Nodes are built by
// the parser (parser.h) and then only read, except for the fields the
// engine's preprocessing fills in (marked "resolved").
//
// Times and durations are int64 milliseconds; a duration written with an
// expression (`[5m+1m]`, `offset step()*2`) keeps the expression and is
// resolved before evaluation, since step() and range() depend on the query.
#ifndef TSDB_PROMQL_AST_H_
#define TSDB_PROMQL_AST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/promql/functions.h"
#include "tsdb/promql/lexer.h"
#include "tsdb/promql/matcher.h"
#include "tsdb/promql/value.h"

namespace tsdb::promql {

// Byte offsets [start, end) in the query text.
struct PositionRange {
  uint32_t start = 0;
  uint32_t end = 0;
};

enum class NodeKind : uint8_t {
  kNumberLiteral,
  kStringLiteral,
  kVectorSelector,
  kMatrixSelector,
  kSubquery,
  kCall,
  kAggregate,
  kBinary,
  kUnary,
  kParen,
  kDuration,
};

struct Expr {
  explicit Expr(NodeKind k) : kind(k) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  ValueType Type() const;

  const NodeKind kind;
  PositionRange pos;
};

using ExprPtr = std::unique_ptr<Expr>;

// Casts a node known to be of kind T::kKind.
template <typename T>
const T& As(const Expr& e) {
  return static_cast<const T&>(e);
}
template <typename T>
T& As(Expr& e) {
  return static_cast<T&>(e);
}

struct NumberLiteral : Expr {
  static constexpr NodeKind kKind = NodeKind::kNumberLiteral;
  NumberLiteral() : Expr(kKind) {}
  double value = 0;
  bool duration = false;  // written as a duration (`5m`): value is seconds
};

struct StringLiteral : Expr {
  static constexpr NodeKind kKind = NodeKind::kStringLiteral;
  StringLiteral() : Expr(kKind) {}
  std::string value;  // unquoted
};

// `@ start()` / `@ end()`.
enum class AtAnchor : uint8_t { kNone, kStart, kEnd };

// A duration written as an expression: binary + - * / % ^ over number
// literals (seconds) and step()/range(), min_of/max_of, unary minus (lhs
// null), parentheses (`wrapped`). Prometheus's DurationExpr.
struct DurationExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kDuration;
  DurationExpr() : Expr(kKind) {}
  // kAdd kSub kMul kDiv kMod kPow, kStep, kRange, kMin (min_of), kMax (max_of).
  TokenKind op = TokenKind::kAdd;
  ExprPtr lhs;  // null for unary +/- and for step()/range()
  ExprPtr rhs;
  bool wrapped = false;
};

// The time modifiers shared by selectors and subqueries.
struct TimeModifiers {
  int64_t original_offset_ms = 0;   // as written (`offset 5m`, `offset -1m`)
  ExprPtr offset_expr;              // or as an expression (DurationExpr)
  std::optional<int64_t> at_ms;     // `@ <time>`
  AtAnchor at_anchor = AtAnchor::kNone;
  int64_t offset_ms = 0;            // resolved: the offset to apply

  bool HasOffset() const { return original_offset_ms != 0 || offset_expr != nullptr; }
  bool HasAt() const { return at_ms.has_value() || at_anchor != AtAnchor::kNone; }
};

struct VectorSelector : Expr {
  static constexpr NodeKind kKind = NodeKind::kVectorSelector;
  VectorSelector() : Expr(kKind) {}
  std::string name;  // written before the braces, or empty
  // All matchers; when `name` is set, the last one is __name__="<name>".
  std::vector<LabelMatcher> matchers;
  TimeModifiers time;
  bool anchored = false;
  bool smoothed = false;
  // info()'s second argument may match everything.
  bool bypass_empty_matcher_check = false;
};

struct MatrixSelector : Expr {
  static constexpr NodeKind kKind = NodeKind::kMatrixSelector;
  MatrixSelector() : Expr(kKind) {}
  ExprPtr vector_selector;  // a VectorSelector once type-checked
  int64_t range_ms = 0;     // resolved when range_expr is set
  ExprPtr range_expr;
};

struct SubqueryExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kSubquery;
  SubqueryExpr() : Expr(kKind) {}
  ExprPtr expr;
  int64_t range_ms = 0;
  ExprPtr range_expr;
  int64_t step_ms = 0;  // 0: the engine's default step
  ExprPtr step_expr;
  TimeModifiers time;
};

struct Call : Expr {
  static constexpr NodeKind kKind = NodeKind::kCall;
  Call() : Expr(kKind) {}
  const FunctionInfo* func = nullptr;
  std::vector<ExprPtr> args;
};

struct AggregateExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kAggregate;
  AggregateExpr() : Expr(kKind) {}
  TokenKind op = TokenKind::kSum;
  ExprPtr expr;
  ExprPtr param;  // topk, bottomk, quantile, count_values, limitk, limit_ratio
  std::vector<std::string> grouping;
  bool without = false;
};

enum class Cardinality : uint8_t { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  std::vector<std::string> matching_labels;  // on(...) or ignoring(...)
  bool on = false;
  std::vector<std::string> include;  // group_left(...) / group_right(...)
  std::optional<double> fill_lhs;    // fill(v) / fill_left(v)
  std::optional<double> fill_rhs;    // fill(v) / fill_right(v)
};

struct BinaryExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kBinary;
  BinaryExpr() : Expr(kKind) {}
  TokenKind op = TokenKind::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  // Present only between two instant vectors (type checking drops it
  // otherwise, as Prometheus does).
  std::optional<VectorMatching> matching;
  bool return_bool = false;
};

struct UnaryExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kUnary;
  UnaryExpr() : Expr(kKind) {}
  TokenKind op = TokenKind::kSub;
  ExprPtr expr;
};

struct ParenExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kParen;
  ParenExpr() : Expr(kKind) {}
  ExprPtr expr;
};

bool IsComparisonOperator(TokenKind op);
bool IsSetOperator(TokenKind op);
// Aggregators with a parameter before the vector argument.
bool IsAggregatorWithParam(TokenKind op);

// The text of an expression as Prometheus's printer writes it
// (Expr.String()); it parses back to the same tree.
std::string ToString(const Expr& expr);
// model.Duration's text of a millisecond duration (`1h30m`, `500ms`, `0s`).
std::string FormatDuration(int64_t ms);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_AST_H_
