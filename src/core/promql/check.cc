#include "promql/check.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"

namespace tsdb::promql {

namespace {

bool IsSpaceByte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Collects every problem in Prometheus's order (children before the node's
// own checks where Prometheus recurses first); the first one is reported.
class Checker {
 public:
  explicit Checker(std::string_view query) : query_(query) {}

  const std::vector<ParseError>& errors() const { return errors_; }

  ValueType Check(Expr* node) {
    const ValueType type = node->Type();
    switch (node->kind) {
      case NodeKind::kAggregate: CheckAggregate(&As<AggregateExpr>(*node)); break;
      case NodeKind::kBinary: CheckBinary(&As<BinaryExpr>(*node)); break;
      case NodeKind::kCall: CheckCall(&As<Call>(*node)); break;
      case NodeKind::kParen: Check(As<ParenExpr>(*node).expr.get()); break;
      case NodeKind::kUnary: {
        auto& u = As<UnaryExpr>(*node);
        const ValueType t = Check(u.expr.get());
        if (t != ValueType::kScalar && t != ValueType::kVector) {
          Add(u.pos, absl::StrFormat("unary expression only allowed on expressions of type scalar "
                                     "or instant vector, got \"%s\"",
                                     DocumentedType(t)));
        }
        break;
      }
      case NodeKind::kSubquery: {
        auto& s = As<SubqueryExpr>(*node);
        const ValueType t = Check(s.expr.get());
        if (t != ValueType::kVector) {
          Add(s.pos, absl::StrFormat("subquery is only allowed on instant vector, got %s instead",
                                     TypeName(t)));
        }
        break;
      }
      case NodeKind::kMatrixSelector:
        Check(As<MatrixSelector>(*node).vector_selector.get());
        break;
      case NodeKind::kVectorSelector: CheckSelector(As<VectorSelector>(*node)); break;
      case NodeKind::kNumberLiteral:
      case NodeKind::kStringLiteral:
      case NodeKind::kDuration:
        break;
    }
    return type;
  }

 private:
  void Add(PositionRange pos, std::string message) {
    errors_.push_back(ParseError{pos, std::move(message)});
  }

  void ExpectType(Expr* node, ValueType want, std::string_view context) {
    const ValueType t = Check(node);
    if (t != want) {
      Add(node->pos, absl::StrFormat("expected type %s in %s, got %s", DocumentedType(want),
                                     context, DocumentedType(t)));
    }
  }

  void CheckAggregate(AggregateExpr* n) {
    ExpectType(n->expr.get(), ValueType::kVector, "aggregation expression");
    switch (n->op) {
      case TokenKind::kTopk:
      case TokenKind::kBottomk:
      case TokenKind::kQuantile:
      case TokenKind::kLimitk:
      case TokenKind::kLimitRatio:
        ExpectType(n->param.get(), ValueType::kScalar, "aggregation parameter");
        break;
      case TokenKind::kCountValues:
        ExpectType(n->param.get(), ValueType::kString, "aggregation parameter");
        break;
      default:
        break;
    }
  }

  // Where the operator of a binary expression starts (Prometheus's opRange).
  PositionRange OperatorRange(const BinaryExpr& n) const {
    PositionRange r{n.lhs->pos.end, n.rhs->pos.start};
    while (r.start < query_.size() && IsSpaceByte(query_[r.start])) ++r.start;
    while (r.end > r.start && r.end - 1 < query_.size() && IsSpaceByte(query_[r.end - 1])) --r.end;
    return r;
  }

  void CheckBinary(BinaryExpr* n) {
    const ValueType lt = Check(n->lhs.get());
    const ValueType rt = Check(n->rhs.get());
    if (n->return_bool && !IsComparisonOperator(n->op)) {
      Add(OperatorRange(*n), "bool modifier can only be used on comparison operators");
    }
    if (IsComparisonOperator(n->op) && !n->return_bool && lt == ValueType::kScalar &&
        rt == ValueType::kScalar) {
      Add(OperatorRange(*n), "comparisons between scalars must use BOOL modifier");
    }
    VectorMatching& m = *n->matching;
    if (IsSetOperator(n->op) && m.card == Cardinality::kOneToOne) {
      m.card = Cardinality::kManyToMany;
    }
    if (m.on) {
      for (const std::string& l1 : m.matching_labels) {
        for (const std::string& l2 : m.include) {
          if (l1 == l2) {
            Add(OperatorRange(*n), absl::StrFormat("label %s must not occur in ON and GROUP "
                                                   "clause at once",
                                                   GoQuote(l1)));
          }
        }
      }
    }
    if (lt != ValueType::kScalar && lt != ValueType::kVector) {
      Add(n->lhs->pos, "binary expression must contain only scalar and instant vector types");
    }
    if (rt != ValueType::kScalar && rt != ValueType::kVector) {
      Add(n->rhs->pos, "binary expression must contain only scalar and instant vector types");
    }
    const bool fill = m.fill_lhs.has_value() || m.fill_rhs.has_value();
    if (lt != ValueType::kVector || rt != ValueType::kVector) {
      if (!m.matching_labels.empty()) {
        Add(n->pos, "vector matching only allowed between instant vectors");
      }
      if (fill) Add(n->pos, "filling in missing series only allowed between instant vectors");
      n->matching.reset();
    } else if (IsSetOperator(n->op)) {
      if (m.card == Cardinality::kOneToMany || m.card == Cardinality::kManyToOne) {
        Add(n->pos, absl::StrFormat("no grouping allowed for \"%s\" operation", KindText(n->op)));
      }
      if (m.card != Cardinality::kManyToMany) {
        Add(n->pos, "set operations must always be many-to-many");
      }
      if (fill) Add(n->pos, "filling in missing series not allowed for set operators");
    }
    if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOperator(n->op)) {
      Add(n->pos, absl::StrFormat("set operator \"%s\" not allowed in binary scalar expression",
                                  KindText(n->op)));
    }
  }

  void CheckCall(Call* n) {
    const FunctionInfo& f = *n->func;
    const int nargs = static_cast<int>(f.arg_types.size());
    const int given = static_cast<int>(n->args.size());
    const std::string name = GoQuote(f.name);
    if (f.variadic == 0) {
      if (nargs != given) {
        Add(n->pos, absl::StrFormat("expected %d argument(s) in call to %s, got %d", nargs, name,
                                    given));
      }
    } else {
      const int at_least = nargs - 1;
      if (at_least > given) {
        Add(n->pos, absl::StrFormat("expected at least %d argument(s) in call to %s, got %d",
                                    at_least, name, given));
      } else if (f.variadic > 0 && at_least + f.variadic < given) {
        Add(n->pos, absl::StrFormat("expected at most %d argument(s) in call to %s, got %d",
                                    at_least + f.variadic, name, given));
      }
    }
    if (f.name == "info" && n->args.size() > 1) {
      Expr* selector = n->args[1].get();
      if (selector->Type() != ValueType::kVector) {
        Add(n->pos, absl::StrFormat("expected type %s in call to function %s, got %s",
                                    DocumentedType(ValueType::kVector), name,
                                    DocumentedType(selector->Type())));
      }
      if (selector->kind == NodeKind::kVectorSelector) {
        auto& vs = As<VectorSelector>(*selector);
        if (!vs.name.empty()) {
          Add(selector->pos, "expected label selectors only, got vector selector instead");
        } else {
          vs.bypass_empty_matcher_check = true;
        }
      } else {
        Add(selector->pos, "expected label selectors only");
      }
    }
    for (int i = 0; i < given; ++i) {
      int type_index = i;
      if (i >= nargs) {
        if (f.variadic == 0) break;
        type_index = nargs - 1;
      }
      const ValueType want = f.arg_types[type_index];
      const ValueType t = Check(n->args[i].get());
      if (t != want) {
        Add(n->args[i]->pos, absl::StrFormat("expected type %s in call to function %s, got %s",
                                             DocumentedType(want), name, DocumentedType(t)));
      }
    }
  }

  void CheckSelector(VectorSelector& n) {
    if (!n.name.empty()) {
      // The last matcher is the one for the name written before the braces.
      for (size_t i = 0; i + 1 < n.matchers.size(); ++i) {
        if (n.matchers[i].name() == kMetricName) {
          Add(n.pos, absl::StrFormat("metric name must not be set twice: %s or %s",
                                     GoQuote(n.name), GoQuote(n.matchers[i].value())));
        }
      }
      return;
    }
    if (n.bypass_empty_matcher_check) return;
    for (const LabelMatcher& m : n.matchers) {
      if (!m.Matches("")) return;
    }
    Add(n.pos, "vector selector must contain at least one non-empty matcher");
  }

  std::string_view query_;
  std::vector<ParseError> errors_;
};

}  // namespace

bool CheckAst(std::string_view query, Expr* expr, ParseError* error) {
  Checker checker(query);
  checker.Check(expr);
  if (checker.errors().empty()) return true;
  *error = checker.errors().front();
  return false;
}

}  // namespace tsdb::promql
