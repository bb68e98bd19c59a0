// Function calls: dispatch to the function families (eval_call.h) and the
// helpers they share.
#include <map>
#include <utility>

#include "promql/eval_call.h"

namespace tsdb::promql {

const Expr& UnwrapParens(const Expr& e) {
  const Expr* cur = &e;
  while (cur->kind == NodeKind::kParen) cur = As<ParenExpr>(*cur).expr.get();
  return *cur;
}

Result<std::vector<double>> EvalScalarArg(Evaluator* ev, const Expr& e, const StepRange& range) {
  TSDB_ASSIGN_OR_RETURN(Value v, ev->Eval(e, range));
  if (v.type != ValueType::kScalar) {
    return InvalidArgument("expected a scalar argument, got %s", DocumentedType(v.type));
  }
  return std::move(v.scalars);
}

std::string StringArg(const Expr& e) {
  const Expr& arg = UnwrapParens(e);
  if (arg.kind != NodeKind::kStringLiteral) return std::string();
  return As<StringLiteral>(arg).value;
}

Labels AbsentLabels(const Expr& arg) {
  const Expr& a = UnwrapParens(arg);
  const VectorSelector* vs = nullptr;
  if (a.kind == NodeKind::kVectorSelector) {
    vs = &As<VectorSelector>(a);
  } else if (a.kind == NodeKind::kMatrixSelector) {
    vs = &As<VectorSelector>(*As<MatrixSelector>(a).vector_selector);
  } else {
    return Labels();
  }
  // Prometheus's historic rule: a label matched twice, or by anything but
  // one equality, is left out (`x{job="a",job="b"}` has no job).
  std::map<std::string, std::string> labels;
  std::map<std::string, bool> seen;
  for (const LabelMatcher& m : vs->matchers) {
    if (m.name() == kMetricName) continue;
    if (m.type() == MatchType::kEqual && !seen[m.name()]) {
      labels[m.name()] = m.value();
      seen[m.name()] = true;
    } else {
      labels.erase(m.name());
    }
  }
  std::vector<Label> out;
  for (auto& [name, value] : labels) out.push_back(Label{name, value});
  return Labels(std::move(out));
}

Status DropNamesAndMerge(Evaluator* ev, std::vector<StepSeries>* series) {
  const bool delayed = ev->options().delayed_name_removal;
  for (StepSeries& s : *series) DropMetricName(&s, delayed);
  if (delayed) return Status();
  return MergeSameLabels(series);
}

namespace {

bool IsOneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace

Result<Value> Evaluator::EvalCall(const Call& e, const StepRange& range) {
  const std::string_view name = e.func->name;
  for (ValueType t : e.func->arg_types) {
    if (t == ValueType::kMatrix) return EvalRangeFunction(this, e, range);
  }
  if (IsOneOf(name, {"label_replace", "label_join", "sort", "sort_desc", "sort_by_label",
                     "sort_by_label_desc", "absent"})) {
    return EvalLabelFunction(this, e, range);
  }
  if (IsOneOf(name, {"histogram_quantile", "histogram_quantiles", "histogram_fraction"})) {
    return EvalHistogramFunction(this, e, range);
  }
  if (name == "info") return EvalInfoFunction(this, e, range);
  return EvalInstantFunction(this, e, range);
}

}  // namespace tsdb::promql
