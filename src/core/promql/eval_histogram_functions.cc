// histogram_quantile, histogram_quantiles and histogram_fraction over
// classic histograms: series whose `le` label is a bucket's upper bound,
// grouped by all their other labels (the name included), step by step.
// Native histograms are not supported, so every sample is a bucket.
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "promql/eval_call.h"
#include "tsdb/promql/annotation_texts.h"
#include "tsdb/promql/go_strconv.h"
#include "tsdb/promql/quantile.h"

namespace tsdb::promql {

namespace {

constexpr std::string_view kBucketLabel = "le";

// labels.FormatOpenMetricsFloat: the float with a ".0" when it would read
// as an integer, "+Inf", "-Inf", "NaN".
std::string FormatOpenMetricsFloat(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  std::string s = GoFormatFloat(f, 'g');
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// The input series sorted into histograms once; each step then only reads
// values.
struct ClassicHistograms {
  std::vector<std::optional<double>> bound;  // per series; nullopt: bad `le`
  std::vector<size_t> group;                 // per series
  std::vector<Labels> group_labels;          // without `le`
  std::vector<std::string> group_metric;     // the name, for annotations
};

ClassicHistograms GroupBuckets(const std::vector<StepSeries>& series) {
  ClassicHistograms h;
  absl::flat_hash_map<Labels, size_t, LabelSetHash> index;
  for (const StepSeries& s : series) {
    h.bound.push_back(ParseBucketBound(s.labels.Get(kBucketLabel)));
    Labels key = s.labels;
    key.Remove(kBucketLabel);
    auto [it, inserted] = index.try_emplace(key, h.group_labels.size());
    if (inserted) {
      h.group_metric.emplace_back(key.MetricName());
      h.group_labels.push_back(std::move(key));
    }
    h.group.push_back(it->second);
  }
  return h;
}

}  // namespace

Result<Value> EvalHistogramFunction(Evaluator* ev, const Call& e, const StepRange& range) {
  const std::string_view name = e.func->name;
  const bool delayed = ev->options().delayed_name_removal;
  Annotations& annos = ev->annotations();
  const size_t steps = range.Count();

  // The arguments, in the order Prometheus evaluates them.
  std::vector<std::vector<double>> params;  // q; lower, upper; or q0, q1, ...
  const Expr* vector_arg = nullptr;
  std::string quantile_label;
  if (name == "histogram_quantile") {
    params.resize(1);
    TSDB_ASSIGN_OR_RETURN(params[0], EvalScalarArg(ev, *e.args[0], range));
    vector_arg = e.args[1].get();
  } else if (name == "histogram_fraction") {
    params.resize(2);
    TSDB_ASSIGN_OR_RETURN(params[0], EvalScalarArg(ev, *e.args[0], range));
    TSDB_ASSIGN_OR_RETURN(params[1], EvalScalarArg(ev, *e.args[1], range));
    vector_arg = e.args[2].get();
  } else {
    vector_arg = e.args[0].get();
    quantile_label = StringArg(*e.args[1]);
    for (size_t i = 2; i < e.args.size(); ++i) {
      params.emplace_back();
      TSDB_ASSIGN_OR_RETURN(params.back(), EvalScalarArg(ev, *e.args[i], range));
    }
  }
  TSDB_ASSIGN_OR_RETURN(Value in, ev->Eval(*vector_arg, range));
  if (in.type != ValueType::kVector) {
    return InvalidArgument("expected an instant vector argument, got %s", DocumentedType(in.type));
  }
  const ClassicHistograms hist = GroupBuckets(in.series);
  const size_t groups = hist.group_labels.size();
  const bool is_fraction = name == "histogram_fraction";
  const bool is_quantiles = name == "histogram_quantiles";

  // Output series: by group (and, for histogram_quantiles, by the quantile
  // label's value).
  std::vector<StepSeries> out;
  std::map<std::pair<size_t, std::string>, size_t> out_index;
  auto output = [&](size_t group, const std::string& q_label) -> StepSeries& {
    auto [it, inserted] = out_index.try_emplace({group, q_label}, out.size());
    if (inserted) {
      StepSeries s;
      s.labels = hist.group_labels[group];
      DropMetricName(&s, delayed);
      if (is_quantiles) s.labels.Set(quantile_label, q_label);
      out.push_back(std::move(s));
    }
    return out[it->second];
  };

  StepReader reader(in.series);
  std::vector<std::vector<Bucket>> buckets(groups);
  std::vector<Bucket> scratch;
  for (size_t i = 0; i < steps; ++i) {
    TSDB_RETURN_IF_ERROR(ev->CheckInterrupt());
    const int64_t t = range.Time(i);
    if (!is_fraction) {
      for (const std::vector<double>& q : params) ValidateQuantile(q[i], &annos);
    }
    for (std::vector<Bucket>& b : buckets) b.clear();
    for (size_t s = 0; s < in.series.size(); ++s) {
      double v;
      if (!reader.At(s, t, &v)) continue;
      if (!hist.bound[s]) {
        annos.AddWarning(BadBucketLabelWarning(delayed ? in.series[s].labels.MetricName() : "",
                                               in.series[s].labels.Get(kBucketLabel)));
        continue;
      }
      buckets[hist.group[s]].push_back(Bucket{*hist.bound[s], v});
    }
    for (size_t q = 0; q < (is_fraction ? 1 : params.size()); ++q) {
      const std::string q_label = is_quantiles ? FormatOpenMetricsFloat(params[q][i]) : "";
      for (size_t g = 0; g < groups; ++g) {
        if (buckets[g].empty()) continue;
        // The kernels sort and merge in place; each quantile needs the
        // step's buckets as they came.
        scratch = buckets[g];
        double value;
        if (is_fraction) {
          value = BucketFraction(params[0][i], params[1][i], &scratch);
        } else {
          const BucketQuantileResult r = BucketQuantile(params[q][i], &scratch);
          value = r.value;
          if (r.forced_monotonic) {
            annos.AddInfo(HistogramQuantileForcedMonotonicityInfo(
                delayed ? std::string_view(hist.group_metric[g]) : std::string_view()));
          }
        }
        output(g, q_label).points.push_back(Sample{t, value});
      }
    }
  }
  for (const StepSeries& s : in.series) ev->Release(static_cast<int64_t>(s.points.size()));

  Value result;
  result.type = ValueType::kVector;
  for (StepSeries& s : out) {
    TSDB_RETURN_IF_ERROR(ev->Hold(static_cast<int64_t>(s.points.size())));
    result.series.push_back(std::move(s));
  }
  // Histograms that differ only by name collide once it is gone; so can
  // a quantile label that overwrites one of the histogram's own.
  if (!delayed || is_quantiles) TSDB_RETURN_IF_ERROR(MergeSameLabels(&result.series));
  return result;
}

}  // namespace tsdb::promql
