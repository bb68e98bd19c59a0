#include "tsdb/promql/ast.h"

namespace tsdb::promql {

ValueType Expr::Type() const {
  switch (kind) {
    case NodeKind::kNumberLiteral:
    case NodeKind::kDuration:
      return ValueType::kScalar;
    case NodeKind::kStringLiteral: return ValueType::kString;
    case NodeKind::kVectorSelector:
    case NodeKind::kAggregate:
      return ValueType::kVector;
    case NodeKind::kMatrixSelector:
    case NodeKind::kSubquery:
      return ValueType::kMatrix;
    case NodeKind::kCall: return As<Call>(*this).func->return_type;
    case NodeKind::kBinary: {
      const auto& b = As<BinaryExpr>(*this);
      return b.lhs->Type() == ValueType::kScalar && b.rhs->Type() == ValueType::kScalar
                 ? ValueType::kScalar
                 : ValueType::kVector;
    }
    case NodeKind::kUnary: return As<UnaryExpr>(*this).expr->Type();
    case NodeKind::kParen: return As<ParenExpr>(*this).expr->Type();
  }
  return ValueType::kNone;
}

bool IsComparisonOperator(TokenKind op) {
  switch (op) {
    case TokenKind::kEqlc:
    case TokenKind::kNeq:
    case TokenKind::kLss:
    case TokenKind::kLte:
    case TokenKind::kGtr:
    case TokenKind::kGte:
      return true;
    default:
      return false;
  }
}

bool IsSetOperator(TokenKind op) {
  return op == TokenKind::kAnd || op == TokenKind::kOr || op == TokenKind::kUnless;
}

bool IsAggregatorWithParam(TokenKind op) {
  switch (op) {
    case TokenKind::kTopk:
    case TokenKind::kBottomk:
    case TokenKind::kCountValues:
    case TokenKind::kQuantile:
    case TokenKind::kLimitk:
    case TokenKind::kLimitRatio:
      return true;
    default:
      return false;
  }
}

}  // namespace tsdb::promql
