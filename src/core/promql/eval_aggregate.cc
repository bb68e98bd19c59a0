// Aggregations, as Prometheus's rangeEvalAgg: each input series' group is
// found once; then, step by step, the values of a group fold into an
// accumulator (aggregation_kernels.h). topk, bottomk, limitk and
// limit_ratio select input series and keep their labels; count_values makes
// one output series per distinct value.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "promql/evaluator.h"
#include "tsdb/promql/aggregation_kernels.h"
#include "tsdb/promql/annotation_texts.h"
#include "tsdb/promql/go_strconv.h"

namespace tsdb::promql {

namespace {

struct LabelsHash {
  size_t operator()(const Labels& l) const { return static_cast<size_t>(l.Hash()); }
};

// The labels of a series' group: the `by` labels, or all but the `without`
// labels and the name.
Labels GroupLabels(const Labels& labels, const AggregateExpr& e) {
  std::vector<Label> out;
  auto listed = [&](const std::string& name) {
    return std::find(e.grouping.begin(), e.grouping.end(), name) != e.grouping.end();
  };
  for (const Label& l : labels) {
    if (e.without ? (!listed(l.name) && l.name != kMetricName) : listed(l.name)) out.push_back(l);
  }
  return Labels(std::move(out));
}

// The points of a set of series, step by step.
class StepWalker {
 public:
  explicit StepWalker(const std::vector<StepSeries>& series)
      : series_(series), next_(series.size(), 0) {}

  // Calls fn(series index, value) for each series with a point at t, in
  // series order.
  template <typename Fn>
  void At(int64_t t, Fn fn) {
    for (size_t i = 0; i < series_.size(); ++i) {
      const std::vector<Sample>& points = series_[i].points;
      size_t& n = next_[i];
      while (n < points.size() && points[n].t < t) ++n;
      if (n < points.size() && points[n].t == t) fn(i, points[n].v);
    }
  }

 private:
  const std::vector<StepSeries>& series_;
  std::vector<size_t> next_;
};

// One accumulator per group for the folding aggregations.
struct Accumulator {
  SumAggregator sum;
  AvgAggregator avg;
  MinAggregator min;
  MaxAggregator max;
  CountAggregator count;
  VarianceAggregator variance;
  QuantileAggregator quantile;
  bool seen = false;
};

void AddTo(TokenKind op, Accumulator* a, double v) {
  a->seen = true;
  switch (op) {
    case TokenKind::kSum: a->sum.Add(v); break;
    case TokenKind::kAvg: a->avg.Add(v); break;
    case TokenKind::kMin: a->min.Add(v); break;
    case TokenKind::kMax: a->max.Add(v); break;
    case TokenKind::kCount:
    case TokenKind::kGroup: a->count.Add(v); break;
    case TokenKind::kStddev:
    case TokenKind::kStdvar: a->variance.Add(v); break;
    case TokenKind::kQuantile: a->quantile.Add(v); break;
    default: break;
  }
}

double ValueOf(TokenKind op, Accumulator* a, double param) {
  switch (op) {
    case TokenKind::kSum: return a->sum.Value();
    case TokenKind::kAvg: return a->avg.Value();
    case TokenKind::kMin: return a->min.Value();
    case TokenKind::kMax: return a->max.Value();
    case TokenKind::kCount: return a->count.Value();
    case TokenKind::kGroup: return 1;
    case TokenKind::kStddev: return a->variance.Stddev();
    case TokenKind::kStdvar: return a->variance.Stdvar();
    case TokenKind::kQuantile: return a->quantile.Value(param);
    default: return 0;
  }
}

// k of topk, bottomk and limitk at one step.
Result<int64_t> CountParameter(double param) {
  if (std::isnan(param)) return InvalidArgument("Parameter value is NaN");
  if (param >= 9223372036854775807.0 || param <= -9223372036854775808.0) {
    return InvalidArgument("Scalar value %s overflows int64", GoSprintFloat(param));
  }
  return static_cast<int64_t>(param);
}

// limit_ratio's choice: a series is in when its label hash, as a fraction
// of the hash space, is below the ratio (or, for a negative ratio, at or
// above 1 + ratio), so that r and r - 1 select complementary sets.
bool InRatio(const Labels& labels, double ratio) {
  const double offset = static_cast<double>(labels.Hash()) /
                        static_cast<double>(std::numeric_limits<uint64_t>::max());
  return ratio >= 0 ? offset < ratio : offset >= 1.0 + ratio;
}

// A folding aggregation series by series: a cell per (group, step),
// filled in series order, so each cell sees its values in the order the
// step-by-step walk would give them (the same sums to the bit). Reading
// each series once, front to back, is what makes it faster than walking
// all series at each step. False when the cells would outnumber the input
// points by far (few points spread over many groups and steps); the caller
// then walks step by step.
template <typename Agg, typename ValueFn>
bool FoldSeriesBySeries(const std::vector<StepSeries>& series, const std::vector<size_t>& group_of,
                        size_t groups, const StepRange& range, ValueFn value,
                        std::vector<StepSeries>* result) {
  const size_t steps = range.Count();
  size_t points = 0;
  for (const StepSeries& s : series) points += s.points.size();
  const size_t cells = groups * steps;
  if (steps == 0 || cells / steps != groups || cells > 4 * points + 1024) return false;
  std::vector<Agg> acc(cells);
  std::vector<uint8_t> seen(cells, 0);
  for (size_t i = 0; i < series.size(); ++i) {
    Agg* row = acc.data() + group_of[i] * steps;
    uint8_t* row_seen = seen.data() + group_of[i] * steps;
    for (const Sample& p : series[i].points) {
      const size_t s = range.Index(p.t);
      row[s].Add(p.v);
      row_seen[s] = 1;
    }
    if (series[i].drop_name && !series[i].points.empty()) (*result)[group_of[i]].drop_name = true;
  }
  for (size_t g = 0; g < groups; ++g) {
    std::vector<Sample>& out = (*result)[g].points;
    for (size_t s = 0; s < steps; ++s) {
      if (seen[g * steps + s]) out.push_back({range.Time(s), value(acc[g * steps + s])});
    }
  }
  return true;
}

// FoldSeriesBySeries for the aggregations it serves (quantile keeps every
// value of a cell, so it walks step by step).
bool FoldBySeries(TokenKind op, const std::vector<StepSeries>& series,
                  const std::vector<size_t>& group_of, size_t groups, const StepRange& range,
                  std::vector<StepSeries>* result) {
  const auto value = [](const auto& a) { return a.Value(); };
  switch (op) {
    case TokenKind::kSum:
      return FoldSeriesBySeries<SumAggregator>(series, group_of, groups, range, value, result);
    case TokenKind::kAvg:
      return FoldSeriesBySeries<AvgAggregator>(series, group_of, groups, range, value, result);
    case TokenKind::kMin:
      return FoldSeriesBySeries<MinAggregator>(series, group_of, groups, range, value, result);
    case TokenKind::kMax:
      return FoldSeriesBySeries<MaxAggregator>(series, group_of, groups, range, value, result);
    case TokenKind::kCount:
      return FoldSeriesBySeries<CountAggregator>(series, group_of, groups, range, value, result);
    case TokenKind::kGroup:
      return FoldSeriesBySeries<CountAggregator>(
          series, group_of, groups, range, [](const CountAggregator&) { return 1.0; }, result);
    case TokenKind::kStddev:
      return FoldSeriesBySeries<VarianceAggregator>(
          series, group_of, groups, range, [](const VarianceAggregator& a) { return a.Stddev(); },
          result);
    case TokenKind::kStdvar:
      return FoldSeriesBySeries<VarianceAggregator>(
          series, group_of, groups, range, [](const VarianceAggregator& a) { return a.Stdvar(); },
          result);
    default:
      return false;
  }
}

}  // namespace

Result<Value> Evaluator::EvalAggregate(const AggregateExpr& e, const StepRange& range) {
  Value param;
  std::string value_label;
  if (e.param) {
    TSDB_ASSIGN_OR_RETURN(param, Eval(*e.param, range));
    if (e.op == TokenKind::kCountValues) {
      value_label = param.str;
      if (!IsValidLabelName(value_label)) {
        return InvalidArgument("invalid label name %s", GoQuote(value_label));
      }
    }
  }
  TSDB_ASSIGN_OR_RETURN(Value input, Eval(*e.expr, range));
  // Group of each input series.
  absl::flat_hash_map<Labels, size_t, LabelsHash> group_index;
  std::vector<Labels> group_labels;
  std::vector<size_t> group_of(input.series.size());
  for (size_t i = 0; i < input.series.size(); ++i) {
    Labels key = GroupLabels(input.series[i].labels, e);
    auto [it, inserted] = group_index.try_emplace(key, group_labels.size());
    if (inserted) group_labels.push_back(std::move(key));
    group_of[i] = it->second;
  }
  const size_t groups = group_labels.size();
  const size_t steps = range.Count();
  StepWalker walker(input.series);
  Value out;
  out.type = ValueType::kVector;

  switch (e.op) {
    case TokenKind::kTopk:
    case TokenKind::kBottomk:
    case TokenKind::kLimitk:
    case TokenKind::kLimitRatio: {
      // Selected points per input series.
      std::vector<std::vector<Sample>> kept(input.series.size());
      std::vector<std::vector<std::pair<size_t, double>>> by_group(groups);
      for (size_t s = 0; s < steps; ++s) {
        TSDB_RETURN_IF_ERROR(CheckInterrupt());
        const int64_t t = range.Time(s);
        for (auto& g : by_group) g.clear();
        walker.At(t, [&](size_t i, double v) { by_group[group_of[i]].emplace_back(i, v); });
        const double p = param.scalars[s];
        if (e.op == TokenKind::kLimitRatio) {
          if (std::isnan(p)) return InvalidArgument("Ratio value is NaN");
          double ratio = p;
          if (ratio < -1 || ratio > 1) {
            ratio = ratio < -1 ? -1 : 1;
            annotations().AddWarning(InvalidRatioWarning(p, ratio));
          }
          for (const auto& g : by_group) {
            for (const auto& [i, v] : g) {
              if (InRatio(input.series[i].labels, ratio)) kept[i].push_back({t, v});
            }
          }
          continue;
        }
        TSDB_ASSIGN_OR_RETURN(int64_t k, CountParameter(p));
        if (k < 1) continue;
        for (auto& g : by_group) {
          if (e.op != TokenKind::kLimitk) {
            const bool top = e.op == TokenKind::kTopk;
            std::stable_sort(g.begin(), g.end(), [&](const auto& a, const auto& b) {
              return top ? TopkOutputBefore(a.second, b.second)
                         : BottomkOutputBefore(a.second, b.second);
            });
          }
          const size_t n = std::min<size_t>(g.size(), static_cast<size_t>(k));
          for (size_t j = 0; j < n; ++j) kept[g[j].first].push_back({t, g[j].second});
        }
      }
      // Output order (it shows in instant queries): groups in order of
      // appearance, and within a group the selection order at the last step.
      std::vector<size_t> order(input.series.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      if (e.op == TokenKind::kTopk || e.op == TokenKind::kBottomk) {
        const bool top = e.op == TokenKind::kTopk;
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
          if (group_of[a] != group_of[b]) return group_of[a] < group_of[b];
          if (kept[a].empty() || kept[b].empty()) return !kept[a].empty() && kept[b].empty();
          return top ? TopkOutputBefore(kept[a].back().v, kept[b].back().v)
                     : BottomkOutputBefore(kept[a].back().v, kept[b].back().v);
        });
      }
      for (size_t i : order) {
        if (kept[i].empty()) continue;
        StepSeries s;
        s.labels = input.series[i].labels;
        s.drop_name = input.series[i].drop_name;
        s.points = std::move(kept[i]);
        out.series.push_back(std::move(s));
      }
      return out;
    }
    case TokenKind::kCountValues: {
      absl::flat_hash_map<Labels, size_t, LabelsHash> series_index;
      absl::flat_hash_map<std::pair<size_t, uint64_t>, double> counts;  // (group, value bits)
      std::vector<std::pair<size_t, double>> distinct;
      for (size_t s = 0; s < steps; ++s) {
        const int64_t t = range.Time(s);
        counts.clear();
        distinct.clear();
        walker.At(t, [&](size_t i, double v) {
          uint64_t bits;
          std::memcpy(&bits, &v, sizeof bits);
          auto [it, inserted] = counts.try_emplace(std::make_pair(group_of[i], bits), 0.0);
          if (inserted) distinct.emplace_back(group_of[i], v);
          it->second += 1;
        });
        for (const auto& [g, v] : distinct) {
          uint64_t bits;
          std::memcpy(&bits, &v, sizeof bits);
          Labels labels = group_labels[g];
          labels.Set(value_label, GoFormatFloat(v, 'f'));
          auto [it, inserted] = series_index.try_emplace(labels, out.series.size());
          if (inserted) {
            StepSeries series;
            series.labels = std::move(labels);
            out.series.push_back(std::move(series));
          }
          out.series[it->second].points.push_back({t, counts[std::make_pair(g, bits)]});
        }
      }
      return out;
    }
    default:
      break;
  }

  // The folding aggregations.
  std::vector<StepSeries> result(groups);
  for (size_t g = 0; g < groups; ++g) result[g].labels = group_labels[g];
  if (FoldBySeries(e.op, input.series, group_of, groups, range, &result)) {
    for (StepSeries& r : result) {
      if (!r.points.empty()) out.series.push_back(std::move(r));
    }
    return out;
  }
  std::vector<Accumulator> acc(groups);
  for (size_t s = 0; s < steps; ++s) {
    TSDB_RETURN_IF_ERROR(CheckInterrupt());
    const int64_t t = range.Time(s);
    for (Accumulator& a : acc) a = Accumulator();
    walker.At(t, [&](size_t i, double v) {
      AddTo(e.op, &acc[group_of[i]], v);
      // Delayed name removal: a group drops its name if one of its series
      // does (`sum by (__name__) (rate(x[5m]))` ends without a name).
      if (input.series[i].drop_name) result[group_of[i]].drop_name = true;
    });
    const double q = e.op == TokenKind::kQuantile ? param.scalars[s] : 0;
    bool any = false;
    for (size_t g = 0; g < groups; ++g) {
      if (!acc[g].seen) continue;
      any = true;
      result[g].points.push_back({t, ValueOf(e.op, &acc[g], q)});
    }
    if (any && e.op == TokenKind::kQuantile) ValidateQuantile(q, &annotations());
  }
  for (StepSeries& r : result) {
    if (!r.points.empty()) out.series.push_back(std::move(r));
  }
  return out;
}

}  // namespace tsdb::promql
