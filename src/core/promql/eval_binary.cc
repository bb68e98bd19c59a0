// Binary operators: scalar-scalar, vector-scalar (series by series) and
// vector-vector (step by step, with each series' match key computed once),
// as Prometheus's VectorBinop/VectorAnd/VectorOr/VectorUnless.
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "promql/evaluator.h"

namespace tsdb::promql {

namespace {

struct LabelsHash {
  size_t operator()(const Labels& l) const { return static_cast<size_t>(l.Hash()); }
};

bool DropsMetricName(TokenKind op) {
  switch (op) {
    case TokenKind::kAdd:
    case TokenKind::kSub:
    case TokenKind::kMul:
    case TokenKind::kDiv:
    case TokenKind::kPow:
    case TokenKind::kMod:
    case TokenKind::kAtan2:
      return true;
    default:
      return false;
  }
}

// Prometheus's vectorElemBinop: the value, and for comparisons whether the
// element is kept.
std::pair<double, bool> ApplyOperator(TokenKind op, double lhs, double rhs) {
  switch (op) {
    case TokenKind::kAdd: return {lhs + rhs, true};
    case TokenKind::kSub: return {lhs - rhs, true};
    case TokenKind::kMul: return {lhs * rhs, true};
    case TokenKind::kDiv: return {lhs / rhs, true};
    case TokenKind::kPow: return {std::pow(lhs, rhs), true};
    case TokenKind::kMod: return {std::fmod(lhs, rhs), true};
    case TokenKind::kAtan2: return {std::atan2(lhs, rhs), true};
    case TokenKind::kEqlc: return {lhs, lhs == rhs};
    case TokenKind::kNeq: return {lhs, lhs != rhs};
    case TokenKind::kGtr: return {lhs, lhs > rhs};
    case TokenKind::kLss: return {lhs, lhs < rhs};
    case TokenKind::kGte: return {lhs, lhs >= rhs};
    case TokenKind::kLte: return {lhs, lhs <= rhs};
    default: return {0, false};
  }
}

// The labels a series is matched by: the on(...) labels, or all but the
// ignoring(...) ones and the name.
Labels MatchKey(const Labels& labels, const VectorMatching& m) {
  std::vector<Label> out;
  if (m.on) {
    for (const std::string& name : m.matching_labels) {
      std::string_view v = labels.Get(name);
      if (!v.empty()) out.push_back(Label{name, std::string(v)});
    }
    return Labels(std::move(out));
  }
  for (const Label& l : labels) {
    if (l.name == kMetricName) continue;
    bool ignored = false;
    for (const std::string& name : m.matching_labels) ignored = ignored || name == l.name;
    if (!ignored) out.push_back(l);
  }
  return Labels(std::move(out));
}

// Cursor over the points of a set of step series, one step at a time.
class StepCursor {
 public:
  explicit StepCursor(const std::vector<StepSeries>& series)
      : series_(series), next_(series.size(), 0) {}

  // The series with a point at time t, and their values.
  void At(int64_t t, std::vector<std::pair<size_t, double>>* present) {
    present->clear();
    for (size_t i = 0; i < series_.size(); ++i) {
      const std::vector<Sample>& points = series_[i].points;
      size_t& n = next_[i];
      while (n < points.size() && points[n].t < t) ++n;
      if (n < points.size() && points[n].t == t) present->emplace_back(i, points[n].v);
    }
  }

 private:
  const std::vector<StepSeries>& series_;
  std::vector<size_t> next_;
};

// Collects output points by output series.
class OutputSeries {
 public:
  // The index of the output series with these labels (created if new).
  size_t IndexOf(Labels labels, bool drop_name) {
    auto [it, inserted] = index_.try_emplace(labels, series_.size());
    if (inserted) {
      StepSeries s;
      s.labels = std::move(labels);
      s.drop_name = drop_name;
      series_.push_back(std::move(s));
    }
    return it->second;
  }
  // False when the series already has a point at t.
  bool Add(size_t index, int64_t t, double v) {
    std::vector<Sample>& points = series_[index].points;
    if (!points.empty() && points.back().t == t) return false;
    points.push_back(Sample{t, v});
    return true;
  }
  std::vector<StepSeries> Take() {
    std::vector<StepSeries> out;
    for (StepSeries& s : series_) {
      if (!s.points.empty()) out.push_back(std::move(s));
    }
    return out;
  }

 private:
  absl::flat_hash_map<Labels, size_t, LabelsHash> index_;
  std::vector<StepSeries> series_;
};

Status DuplicateSeriesError(const Labels& series, const Labels& duplicate, const VectorMatching& m,
                            std::string_view one_side) {
  std::vector<Label> matched;
  for (const Label& l : series) {
    bool listed = false;
    for (const std::string& name : m.matching_labels) listed = listed || name == l.name;
    if (m.on ? listed : (!listed && l.name != kMetricName)) matched.push_back(l);
  }
  return InvalidArgument(
      "found duplicate series for the match group %s on the %s hand-side of the operation: "
      "[%s, %s];many-to-many matching not allowed: matching labels must be unique on one side",
      Labels(std::move(matched)).ToString(), one_side, series.ToString(), duplicate.ToString());
}

}  // namespace

namespace {

Result<Value> ScalarScalar(const BinaryExpr& e, Value lhs, const Value& rhs) {
  for (size_t i = 0; i < lhs.scalars.size(); ++i) {
    auto [v, keep] = ApplyOperator(e.op, lhs.scalars[i], rhs.scalars[i]);
    if (IsComparisonOperator(e.op)) v = keep ? 1 : 0;
    lhs.scalars[i] = v;
  }
  return lhs;
}

// A vector with a scalar on either side, series by series.
Result<Value> VectorScalar(const BinaryExpr& e, Value vec, const Value& scalar, bool scalar_left,
                           const StepRange& range, bool delayed) {
  const bool comparison = IsComparisonOperator(e.op);
  const bool drop = DropsMetricName(e.op) || e.return_bool;
  for (StepSeries& s : vec.series) {
    size_t kept = 0;
    for (const Sample& p : s.points) {
      const double sv = scalar.scalars[range.Index(p.t)];
      double l = p.v, r = sv;
      if (scalar_left) std::swap(l, r);
      auto [v, keep] = ApplyOperator(e.op, l, r);
      // A comparison keeps the vector's value, on whichever side it is.
      if (comparison && scalar_left) v = p.v;
      if (e.return_bool) {
        v = keep ? 1 : 0;
        keep = true;
      }
      if (keep) s.points[kept++] = Sample{p.t, v};
    }
    s.points.resize(kept);
    if (drop) DropMetricName(&s, delayed);
  }
  std::vector<StepSeries> out;
  for (StepSeries& s : vec.series) {
    if (!s.points.empty()) out.push_back(std::move(s));
  }
  vec.series = std::move(out);
  if (drop && !delayed) TSDB_RETURN_IF_ERROR(MergeSameLabels(&vec.series));
  return vec;
}

// and, or, unless.
Value SetOperation(const BinaryExpr& e, Value lhs, Value rhs, const StepRange& range) {
  const VectorMatching& m = *e.matching;
  std::vector<Labels> lkeys, rkeys;
  for (const StepSeries& s : lhs.series) lkeys.push_back(MatchKey(s.labels, m));
  for (const StepSeries& s : rhs.series) rkeys.push_back(MatchKey(s.labels, m));
  StepCursor lc(lhs.series), rc(rhs.series);
  std::vector<std::pair<size_t, double>> lp, rp;
  // Kept points per series (a point is kept or not at each step).
  std::vector<std::vector<Sample>> lkeep(lhs.series.size()), rkeep(rhs.series.size());
  for (size_t i = 0; i < range.Count(); ++i) {
    const int64_t t = range.Time(i);
    lc.At(t, &lp);
    rc.At(t, &rp);
    absl::flat_hash_set<Labels, LabelsHash> right_keys;
    if (e.op != TokenKind::kOr) {
      for (const auto& [idx, v] : rp) right_keys.insert(rkeys[idx]);
    }
    switch (e.op) {
      case TokenKind::kAnd:
        for (const auto& [idx, v] : lp) {
          if (right_keys.contains(lkeys[idx])) lkeep[idx].push_back({t, v});
        }
        break;
      case TokenKind::kUnless:
        for (const auto& [idx, v] : lp) {
          if (!right_keys.contains(lkeys[idx])) lkeep[idx].push_back({t, v});
        }
        break;
      default: {  // or
        absl::flat_hash_set<Labels, LabelsHash> left_keys;
        for (const auto& [idx, v] : lp) {
          left_keys.insert(lkeys[idx]);
          lkeep[idx].push_back({t, v});
        }
        for (const auto& [idx, v] : rp) {
          if (!left_keys.contains(rkeys[idx])) rkeep[idx].push_back({t, v});
        }
      }
    }
  }
  Value out;
  out.type = ValueType::kVector;
  for (size_t i = 0; i < lhs.series.size(); ++i) {
    if (lkeep[i].empty()) continue;
    lhs.series[i].points = std::move(lkeep[i]);
    out.series.push_back(std::move(lhs.series[i]));
  }
  for (size_t i = 0; i < rhs.series.size(); ++i) {
    if (rkeep[i].empty()) continue;
    rhs.series[i].points = std::move(rkeep[i]);
    out.series.push_back(std::move(rhs.series[i]));
  }
  return out;
}

// The labels of a result element (Prometheus's resultMetric).
Labels ResultLabels(const Labels& lhs, const Labels& rhs, const BinaryExpr& e,
                    bool* drop_name, bool delayed) {
  Labels out = lhs;
  const VectorMatching& m = *e.matching;
  *drop_name = false;
  if (DropsMetricName(e.op) || e.return_bool) {
    if (delayed) {
      *drop_name = true;
    } else {
      out.DropMetricName();
    }
  }
  if (m.card == Cardinality::kOneToOne) {
    if (m.on) {
      std::vector<Label> kept;
      for (const Label& l : out) {
        bool listed = false;
        for (const std::string& name : m.matching_labels) listed = listed || name == l.name;
        if (listed) kept.push_back(l);
      }
      out = Labels(std::move(kept));
    } else {
      for (const std::string& name : m.matching_labels) out.Remove(name);
    }
  } else {
    for (const std::string& name : m.include) out.Set(name, rhs.Get(name));
  }
  return out;
}

// Arithmetic and comparisons between two vectors.
Result<Value> VectorVector(const BinaryExpr& e, Value lhs, Value rhs, const StepRange& range,
                           bool delayed) {
  const VectorMatching& m = *e.matching;
  // The "one" side is the right one; group_right swaps the sides.
  const bool swapped = m.card == Cardinality::kOneToMany;
  Value& many = swapped ? rhs : lhs;
  Value& one = swapped ? lhs : rhs;
  std::vector<Labels> many_keys, one_keys;
  for (const StepSeries& s : many.series) many_keys.push_back(MatchKey(s.labels, m));
  for (const StepSeries& s : one.series) one_keys.push_back(MatchKey(s.labels, m));
  StepCursor many_cursor(many.series), one_cursor(one.series);
  std::vector<std::pair<size_t, double>> many_points, one_points;
  OutputSeries output;
  // (many, one) series pair -> output series.
  absl::flat_hash_map<std::pair<size_t, size_t>, size_t> pair_output;
  constexpr size_t kNone = std::numeric_limits<size_t>::max();
  for (size_t i = 0; i < range.Count(); ++i) {
    const int64_t t = range.Time(i);
    many_cursor.At(t, &many_points);
    one_cursor.At(t, &one_points);
    absl::flat_hash_map<Labels, std::pair<size_t, double>, LabelsHash> one_by_key;
    for (const auto& [idx, v] : one_points) {
      auto [it, inserted] = one_by_key.try_emplace(one_keys[idx], idx, v);
      if (!inserted) {
        return DuplicateSeriesError(one.series[idx].labels, one.series[it->second.first].labels, m,
                                    swapped ? "left" : "right");
      }
    }
    absl::flat_hash_set<Labels, LabelsHash> matched_keys;
    // One-side keys some many-side series matched (for fill_left).
    absl::flat_hash_set<size_t> matched_one;
    // Computes one result element; `many_idx` or `one_idx` is kNone for a
    // side filled in by a fill modifier.
    auto emit = [&](size_t many_idx, double many_value, size_t one_idx,
                    double one_value) -> Status {
      double l = many_value, r = one_value;
      if (swapped) std::swap(l, r);
      auto [value, keep] = ApplyOperator(e.op, l, r);
      if (e.return_bool) {
        value = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) return Status();
      auto [pit, inserted] = pair_output.try_emplace(std::make_pair(many_idx, one_idx), 0);
      if (inserted) {
        bool drop_name = false;
        Labels labels;
        if (many_idx == kNone) {
          // Only the one side exists: the match group's labels.
          labels = one_keys[one_idx];
        } else {
          labels = ResultLabels(many.series[many_idx].labels,
                                one_idx == kNone ? Labels() : one.series[one_idx].labels, e,
                                &drop_name, delayed);
        }
        pit->second = output.IndexOf(std::move(labels), drop_name);
      }
      if (!output.Add(pit->second, t, value)) {
        if (m.card != Cardinality::kOneToOne) {
          return InvalidArgument(
              "multiple matches for labels: grouping labels must ensure unique matches");
        }
        return InvalidArgument("vector cannot contain metrics with the same labelset");
      }
      return Status();
    };
    for (const auto& [idx, v] : many_points) {
      auto match = one_by_key.find(many_keys[idx]);
      if (match == one_by_key.end()) {
        if (m.fill_rhs) TSDB_RETURN_IF_ERROR(emit(idx, v, kNone, *m.fill_rhs));
        continue;
      }
      if (m.card == Cardinality::kOneToOne && !matched_keys.insert(many_keys[idx]).second) {
        return InvalidArgument(
            "multiple matches for labels: many-to-one matching must be explicit "
            "(group_left/group_right)");
      }
      matched_one.insert(match->second.first);
      TSDB_RETURN_IF_ERROR(emit(idx, v, match->second.first, match->second.second));
    }
    if (m.fill_lhs) {
      for (const auto& [idx, v] : one_points) {
        if (!matched_one.contains(idx)) TSDB_RETURN_IF_ERROR(emit(kNone, *m.fill_lhs, idx, v));
      }
    }
  }
  Value out;
  out.type = ValueType::kVector;
  out.series = output.Take();
  return out;
}

}  // namespace

Result<Value> Evaluator::EvalBinary(const BinaryExpr& e, const StepRange& range) {
  TSDB_ASSIGN_OR_RETURN(Value lhs, Eval(*e.lhs, range));
  TSDB_ASSIGN_OR_RETURN(Value rhs, Eval(*e.rhs, range));
  const bool delayed = options().delayed_name_removal;
  if (lhs.type == ValueType::kScalar && rhs.type == ValueType::kScalar) {
    return ScalarScalar(e, std::move(lhs), rhs);
  }
  if (lhs.type == ValueType::kVector && rhs.type == ValueType::kScalar) {
    return VectorScalar(e, std::move(lhs), rhs, false, range, delayed);
  }
  if (lhs.type == ValueType::kScalar && rhs.type == ValueType::kVector) {
    return VectorScalar(e, std::move(rhs), lhs, true, range, delayed);
  }
  if (IsSetOperator(e.op)) return SetOperation(e, std::move(lhs), std::move(rhs), range);
  return VectorVector(e, std::move(lhs), std::move(rhs), range, delayed);
}

}  // namespace tsdb::promql
