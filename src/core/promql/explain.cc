#include "tsdb/promql/explain.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tsdb::promql {

namespace {

std::string Matchers(const VectorSelector& vs) {
  std::vector<std::string> parts;
  for (const LabelMatcher& m : vs.matchers) parts.push_back(m.ToString());
  return "{" + absl::StrJoin(parts, ", ") + "}";
}

std::string TimeText(const TimeModifiers& t) {
  std::string out;
  if (t.at_ms) absl::StrAppend(&out, ", at ", *t.at_ms, " ms");
  if (t.at_anchor == AtAnchor::kStart) out += ", at the query's start";
  if (t.at_anchor == AtAnchor::kEnd) out += ", at the query's end";
  if (t.offset_expr) {
    absl::StrAppend(&out, ", offset ", ToString(*t.offset_expr));
  } else if (t.original_offset_ms != 0) {
    absl::StrAppend(&out, ", offset ", t.original_offset_ms < 0 ? "-" : "",
                    FormatDuration(t.original_offset_ms < 0 ? -t.original_offset_ms
                                                            : t.original_offset_ms));
  }
  return out;
}

std::string Describe(const Expr& e, int64_t lookback_ms) {
  switch (e.kind) {
    case NodeKind::kNumberLiteral:
    case NodeKind::kStringLiteral:
    case NodeKind::kDuration:
      return "Literal " + ToString(e);
    case NodeKind::kVectorSelector: {
      const auto& vs = As<VectorSelector>(e);
      return absl::StrCat("VectorSelector ", Matchers(vs), ": series from the catalog, the newest ",
                          "sample within ", FormatDuration(lookback_ms), " of each step",
                          TimeText(vs.time));
    }
    case NodeKind::kMatrixSelector: {
      const auto& ms = As<MatrixSelector>(e);
      const auto& vs = As<VectorSelector>(*ms.vector_selector);
      const std::string range =
          ms.range_expr ? ToString(*ms.range_expr) : FormatDuration(ms.range_ms);
      return absl::StrCat("MatrixSelector ", Matchers(vs), ": series from the catalog, samples in ",
                          "(t - ", range, ", t] of each step", TimeText(vs.time));
    }
    case NodeKind::kSubquery: {
      const auto& sq = As<SubqueryExpr>(e);
      const std::string range =
          sq.range_expr ? ToString(*sq.range_expr) : FormatDuration(sq.range_ms);
      std::string step = sq.step_expr ? ToString(*sq.step_expr)
                                      : (sq.step_ms != 0 ? FormatDuration(sq.step_ms) : "default");
      return absl::StrCat("Subquery [", range, ":", step, "]: the inner query at every ", step,
                          " step", TimeText(sq.time));
    }
    case NodeKind::kCall: return "Call " + std::string(As<Call>(e).func->name);
    case NodeKind::kAggregate: {
      const auto& a = As<AggregateExpr>(e);
      std::string out = "Aggregate " + std::string(KindText(a.op));
      if (a.without || !a.grouping.empty()) {
        absl::StrAppend(&out, a.without ? " without (" : " by (", absl::StrJoin(a.grouping, ", "),
                        ")");
      }
      return out;
    }
    case NodeKind::kBinary: {
      const auto& b = As<BinaryExpr>(e);
      std::string out = "BinaryExpr " + std::string(KindText(b.op)) + (b.return_bool ? " bool" : "");
      if (b.matching) {
        const VectorMatching& m = *b.matching;
        if (m.on || !m.matching_labels.empty()) {
          absl::StrAppend(&out, m.on ? " on (" : " ignoring (",
                          absl::StrJoin(m.matching_labels, ", "), ")");
        }
        if (m.card == Cardinality::kManyToOne) out += " group_left";
        if (m.card == Cardinality::kOneToMany) out += " group_right";
        if (m.card == Cardinality::kManyToMany) out += " (many-to-many)";
      }
      return out;
    }
    case NodeKind::kUnary: return "UnaryExpr " + std::string(KindText(As<UnaryExpr>(e).op));
    case NodeKind::kParen: return "ParenExpr";
  }
  return "?";
}

void Walk(const Expr& e, int depth, int64_t lookback_ms, std::vector<std::string>* out) {
  out->push_back(absl::StrCat(std::string(static_cast<size_t>(depth) * 2, ' '),
                              Describe(e, lookback_ms), "  :: ",
                              std::string(DocumentedType(e.Type()))));
  auto child = [&](const ExprPtr& c) {
    if (c) Walk(*c, depth + 1, lookback_ms, out);
  };
  switch (e.kind) {
    case NodeKind::kSubquery: child(As<SubqueryExpr>(e).expr); break;
    case NodeKind::kCall:
      for (const ExprPtr& a : As<Call>(e).args) child(a);
      break;
    case NodeKind::kAggregate:
      child(As<AggregateExpr>(e).param);
      child(As<AggregateExpr>(e).expr);
      break;
    case NodeKind::kBinary:
      child(As<BinaryExpr>(e).lhs);
      child(As<BinaryExpr>(e).rhs);
      break;
    case NodeKind::kUnary: child(As<UnaryExpr>(e).expr); break;
    case NodeKind::kParen: child(As<ParenExpr>(e).expr); break;
    default: break;
  }
}

}  // namespace

std::vector<std::string> ExplainLines(const Expr& expr, int64_t lookback_ms) {
  std::vector<std::string> out;
  Walk(expr, 0, lookback_ms, &out);
  return out;
}

}  // namespace tsdb::promql
