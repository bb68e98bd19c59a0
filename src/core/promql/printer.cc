// Expressions back to text, as Prometheus's printer (promql/parser/
// printer.go) writes them: the @-modifier round trip of promqltest prints an
// expression and parses it again, so every node prints in a form the parser
// reads back into the same tree.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tsdb/promql/ast.h"
#include "tsdb/promql/go_strconv.h"

namespace tsdb::promql {

std::string FormatDuration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  struct Unit {
    std::string_view name;
    int64_t ms;
    bool exact;  // years and weeks only when nothing smaller remains
  };
  static constexpr Unit kUnits[] = {
      {"y", 1000LL * 60 * 60 * 24 * 365, true}, {"w", 1000LL * 60 * 60 * 24 * 7, true},
      {"d", 1000LL * 60 * 60 * 24, false},      {"h", 1000LL * 60 * 60, false},
      {"m", 1000LL * 60, false},                {"s", 1000, false},
      {"ms", 1, false},
  };
  for (const Unit& u : kUnits) {
    if (u.exact && ms % u.ms != 0) continue;
    const int64_t v = ms / u.ms;
    if (v > 0) {
      absl::StrAppend(&out, v, std::string(u.name));
      ms -= v * u.ms;
    }
  }
  return out;
}

namespace {

// A duration in milliseconds with its sign: "-5m".
std::string SignedDuration(int64_t ms) {
  return ms < 0 ? "-" + FormatDuration(-ms) : FormatDuration(ms);
}

std::string OperatorText(TokenKind op) { return std::string(KindText(op)); }

std::string LabelList(const std::vector<std::string>& labels) {
  std::vector<std::string> parts;
  parts.reserve(labels.size());
  for (const std::string& l : labels) parts.push_back(IsLegacyLabelName(l) ? l : GoQuote(l));
  return absl::StrJoin(parts, ", ");
}

std::string NumberText(const NumberLiteral& n) {
  if (n.duration) {
    // model.Duration(Val * 1e9): nanoseconds, printed to the millisecond.
    const double ns = std::fabs(n.value) * 1e9;
    const auto ms = static_cast<int64_t>(ns) / 1000000;
    return n.value < 0 ? "-" + FormatDuration(ms) : FormatDuration(ms);
  }
  // Go prints +Inf as "+Inf", which would read back as a unary plus taking
  // in what follows (`+Inf ^ x` is +(Inf ^ x)): "Inf" reads back as itself.
  if (std::isinf(n.value) && n.value > 0) return "Inf";
  return GoFormatFloat(n.value, 'f');
}

std::string AtText(const TimeModifiers& t) {
  if (t.at_ms) return absl::StrFormat(" @ %.3f", static_cast<double>(*t.at_ms) / 1000.0);
  if (t.at_anchor == AtAnchor::kStart) return " @ start()";
  if (t.at_anchor == AtAnchor::kEnd) return " @ end()";
  return "";
}

std::string OffsetText(const TimeModifiers& t) {
  if (t.offset_expr) return " offset " + ToString(*t.offset_expr);
  if (t.original_offset_ms != 0) return " offset " + SignedDuration(t.original_offset_ms);
  return "";
}

std::string SelectorText(const VectorSelector& vs) {
  std::vector<std::string> matchers;
  for (const LabelMatcher& m : vs.matchers) {
    if (m.name() == kMetricName && m.type() == MatchType::kEqual && m.value() == vs.name &&
        !m.value().empty()) {
      continue;
    }
    matchers.push_back(m.ToString());
  }
  std::string out = vs.name;
  if (!matchers.empty()) {
    std::sort(matchers.begin(), matchers.end());
    absl::StrAppend(&out, "{", absl::StrJoin(matchers, ","), "}");
  }
  return out;
}

std::string RangeText(int64_t ms, const ExprPtr& expr) {
  return expr ? ToString(*expr) : FormatDuration(ms);
}

std::string MatchingText(const BinaryExpr& n) {
  if (!n.matching) return "";
  const VectorMatching& vm = *n.matching;
  std::string out;
  const bool grouped = vm.card == Cardinality::kManyToOne || vm.card == Cardinality::kOneToMany;
  if (!vm.matching_labels.empty() || vm.on || grouped) {
    absl::StrAppend(&out, vm.on ? " on (" : " ignoring (", LabelList(vm.matching_labels), ")");
  }
  if (grouped) {
    absl::StrAppend(&out, vm.card == Cardinality::kManyToOne ? " group_left (" : " group_right (",
                    LabelList(vm.include), ")");
  }
  if (vm.fill_lhs && vm.fill_rhs && (*vm.fill_lhs == *vm.fill_rhs)) {
    absl::StrAppend(&out, " fill (", GoSprintFloat(*vm.fill_lhs), ")");
  } else {
    if (vm.fill_lhs) absl::StrAppend(&out, " fill_left (", GoSprintFloat(*vm.fill_lhs), ")");
    if (vm.fill_rhs) absl::StrAppend(&out, " fill_right (", GoSprintFloat(*vm.fill_rhs), ")");
  }
  return out;
}

std::string DurationText(const DurationExpr& d) {
  std::string body;
  switch (d.op) {
    case TokenKind::kStep: body = "step()"; break;
    case TokenKind::kRange: body = "range()"; break;
    case TokenKind::kMin:
    case TokenKind::kMax:
      body = absl::StrCat(d.op == TokenKind::kMin ? "min_of(" : "max_of(", ToString(*d.lhs), ", ",
                          ToString(*d.rhs), ")");
      break;
    default:
      break;
  }
  if (body.empty() && d.lhs == nullptr) {
    body = (d.op == TokenKind::kSub ? "-" : "") + ToString(*d.rhs);
  } else if (body.empty()) {
    body = absl::StrCat(ToString(*d.lhs), " ", OperatorText(d.op), " ", ToString(*d.rhs));
  }
  return d.wrapped ? "(" + body + ")" : body;
}

}  // namespace

std::string ToString(const Expr& e) {
  switch (e.kind) {
    case NodeKind::kNumberLiteral: return NumberText(As<NumberLiteral>(e));
    case NodeKind::kStringLiteral: return GoQuote(As<StringLiteral>(e).value);
    case NodeKind::kVectorSelector: {
      const auto& vs = As<VectorSelector>(e);
      std::string out = SelectorText(vs) + AtText(vs.time);
      if (vs.anchored) out += " anchored";
      if (vs.smoothed) out += " smoothed";
      return out + OffsetText(vs.time);
    }
    case NodeKind::kMatrixSelector: {
      const auto& ms = As<MatrixSelector>(e);
      const auto& vs = As<VectorSelector>(*ms.vector_selector);
      std::string out = absl::StrCat(SelectorText(vs), "[", RangeText(ms.range_ms, ms.range_expr),
                                     "]");
      if (vs.anchored) out += " anchored";
      if (vs.smoothed) out += " smoothed";
      return out + AtText(vs.time) + OffsetText(vs.time);
    }
    case NodeKind::kSubquery: {
      const auto& sq = As<SubqueryExpr>(e);
      std::string step;
      if (sq.step_ms != 0) {
        step = FormatDuration(sq.step_ms);
      } else if (sq.step_expr) {
        step = ToString(*sq.step_expr);
      }
      return absl::StrCat(ToString(*sq.expr), "[", RangeText(sq.range_ms, sq.range_expr), ":",
                          step, "]", AtText(sq.time), OffsetText(sq.time));
    }
    case NodeKind::kCall: {
      const auto& c = As<Call>(e);
      std::vector<std::string> args;
      for (const ExprPtr& a : c.args) args.push_back(ToString(*a));
      return std::string(c.func->name) + "(" + absl::StrJoin(args, ", ") + ")";
    }
    case NodeKind::kAggregate: {
      const auto& a = As<AggregateExpr>(e);
      std::string out = OperatorText(a.op);
      if (a.without) {
        absl::StrAppend(&out, " without (", LabelList(a.grouping), ") ");
      } else if (!a.grouping.empty()) {
        absl::StrAppend(&out, " by (", LabelList(a.grouping), ") ");
      }
      out += "(";
      if (a.param) absl::StrAppend(&out, ToString(*a.param), ", ");
      absl::StrAppend(&out, ToString(*a.expr), ")");
      return out;
    }
    case NodeKind::kBinary: {
      const auto& b = As<BinaryExpr>(e);
      return absl::StrCat(ToString(*b.lhs), " ", OperatorText(b.op),
                          b.return_bool ? " bool" : "", MatchingText(b), " ", ToString(*b.rhs));
    }
    case NodeKind::kUnary: {
      const auto& u = As<UnaryExpr>(e);
      return OperatorText(u.op) + ToString(*u.expr);
    }
    case NodeKind::kParen: return "(" + ToString(*As<ParenExpr>(e).expr) + ")";
    case NodeKind::kDuration: return DurationText(As<DurationExpr>(e));
  }
  return "";
}

}  // namespace tsdb::promql
