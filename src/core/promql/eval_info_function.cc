// info(v, [data label selector]): adds to each series of v the data labels
// of the info series (target_info unless the selector names others) that
// share its identifying labels (instance, job), step by step, as
// Prometheus's experimental info function (promql/info.go).
//
// The info series are read with an instant selector built here: one regex
// matcher per identifying label listing the values the series of v carry,
// plus the selector's own matchers. At each step the newest info sample
// per (info metric, identifying labels) wins; two equally new ones are an
// error, as are two info metrics giving one label different values.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "promql/eval_call.h"
#include "re2/re2.h"

namespace tsdb::promql {

namespace {

constexpr std::string_view kTargetInfo = "target_info";
// The labels that identify the target an info series describes.
constexpr std::string_view kIdentifyingLabels[] = {"instance", "job"};

bool AllMatch(const std::vector<LabelMatcher>& matchers, std::string_view value) {
  for (const LabelMatcher& m : matchers) {
    if (!m.Matches(value)) return false;
  }
  return true;
}

// The key an info series and a base series meet on: the info metric's name
// and the identifying labels present.
std::string Signature(std::string_view info_name, const Labels& labels) {
  std::string sig(info_name);
  for (std::string_view l : kIdentifyingLabels) {
    sig += '\xff';
    if (labels.Has(l)) {
      sig += '=';
      sig += labels.Get(l);
    }
  }
  return sig;
}

}  // namespace

Result<Value> EvalInfoFunction(Evaluator* ev, const Call& e, const StepRange& range) {
  TSDB_ASSIGN_OR_RETURN(Value base, ev->Eval(*e.args[0], range));
  if (base.type != ValueType::kVector) {
    return InvalidArgument("expected an instant vector argument, got %s",
                           DocumentedType(base.type));
  }

  // Data label matchers by label name; the __name__ ones choose the info
  // metrics.
  std::map<std::string, std::vector<LabelMatcher>> data_matchers;
  std::vector<LabelMatcher> name_matchers;
  if (e.args.size() > 1) {
    const Expr& sel = UnwrapParens(*e.args[1]);
    if (sel.kind != NodeKind::kVectorSelector) {
      return InvalidArgument("expected a label selector as the second argument of info()");
    }
    for (const LabelMatcher& m : As<VectorSelector>(sel).matchers) {
      data_matchers[m.name()].push_back(m);
      if (m.name() == kMetricName) name_matchers.push_back(m);
    }
  } else {
    TSDB_ASSIGN_OR_RETURN(LabelMatcher m, LabelMatcher::Make(MatchType::kEqual, std::string(kMetricName),
                                                            std::string(kTargetInfo)));
    name_matchers.push_back(std::move(m));
  }

  // Info series themselves are not enriched: series the __name__ matchers
  // select, when at least one of them is positive (a selector of only
  // negative ones, like {__name__!="target_info"}, names no info metric).
  bool positive_name_matcher = false;
  for (const LabelMatcher& m : name_matchers) {
    positive_name_matcher = positive_name_matcher || m.type() == MatchType::kEqual ||
                            m.type() == MatchType::kRegexMatch;
  }
  std::vector<bool> ignored(base.series.size(), false);
  std::map<std::string, std::set<std::string>> id_values;
  for (size_t i = 0; i < base.series.size(); ++i) {
    const Labels& l = base.series[i].labels;
    if (positive_name_matcher && AllMatch(name_matchers, l.MetricName())) {
      ignored[i] = true;
      continue;
    }
    for (std::string_view id : kIdentifyingLabels) {
      std::string_view v = l.Get(id);
      if (!v.empty()) id_values[std::string(id)].insert(std::string(v));
    }
  }

  // Fetch the info series at every step, each point's value the time of
  // its sample (the newest sample wins).
  Value info;
  info.type = ValueType::kVector;
  bool has_name_matcher = data_matchers.count(std::string(kMetricName)) > 0;
  if (!id_values.empty()) {
    VectorSelector sel;
    if (!has_name_matcher) {
      TSDB_ASSIGN_OR_RETURN(LabelMatcher m, LabelMatcher::Make(MatchType::kEqual,
                                                              std::string(kMetricName),
                                                              std::string(kTargetInfo)));
      sel.matchers.push_back(std::move(m));
    } else if (!positive_name_matcher) {
      // Only exclusions: they narrow the info metrics (*_info), they do
      // not turn every series into one (info.test's regression cases for
      // {__name__!="target_info"} and {__name__!~".+_info"}).
      TSDB_ASSIGN_OR_RETURN(LabelMatcher m, LabelMatcher::Make(MatchType::kRegexMatch,
                                                              std::string(kMetricName), ".+_info"));
      sel.matchers.push_back(std::move(m));
    }
    for (const auto& [name, values] : id_values) {
      std::vector<std::string> quoted;
      for (const std::string& v : values) quoted.push_back(re2::RE2::QuoteMeta(v));
      TSDB_ASSIGN_OR_RETURN(LabelMatcher m,
                            LabelMatcher::Make(MatchType::kRegexMatch, name,
                                               absl::StrJoin(quoted, "|")));
      sel.matchers.push_back(std::move(m));
    }
    for (const auto& [name, ms] : data_matchers) {
      for (const LabelMatcher& m : ms) sel.matchers.push_back(m);
    }
    TSDB_ASSIGN_OR_RETURN(info, ev->EvalVectorSelector(sel, range, /*sample_times=*/true));
  }
  data_matchers.erase(std::string(kMetricName));

  // Signatures of the info series, and of the base series for every info
  // metric present.
  std::set<std::string> info_names;
  std::vector<std::string> info_sigs;
  for (const StepSeries& s : info.series) {
    info_names.insert(std::string(s.labels.MetricName()));
    info_sigs.push_back(Signature(s.labels.MetricName(), s.labels));
  }
  bool all_match_empty = true;
  for (const auto& [name, ms] : data_matchers) all_match_empty = all_match_empty && AllMatch(ms, "");

  StepReader base_reader(base.series);
  StepReader info_reader(info.series);
  std::vector<StepSeries> out;
  absl::flat_hash_map<Labels, size_t, LabelSetHash> out_index;
  absl::flat_hash_map<std::string, std::pair<size_t, double>> by_sig;  // sig -> (info series, time)
  for (size_t step = 0; step < range.Count(); ++step) {
    TSDB_RETURN_IF_ERROR(ev->CheckInterrupt());
    const int64_t t = range.Time(step);
    by_sig.clear();
    for (size_t i = 0; i < info.series.size(); ++i) {
      double sample_time;
      if (!info_reader.At(i, t, &sample_time)) continue;
      auto [it, inserted] = by_sig.try_emplace(info_sigs[i], i, sample_time);
      if (inserted) continue;
      if (it->second.second < sample_time) {
        it->second = {i, sample_time};
      } else if (it->second.second == sample_time) {
        return InvalidArgument(
            "found duplicate series for info metric: existing %s @ %d, new %s @ %d",
            info.series[it->second.first].labels.ToString(),
            static_cast<int64_t>(it->second.second * 1000), info.series[i].labels.ToString(),
            static_cast<int64_t>(sample_time * 1000));
      }
    }
    for (size_t b = 0; b < base.series.size(); ++b) {
      double v;
      if (!base_reader.At(b, t, &v)) continue;
      const Labels& base_labels = base.series[b].labels;
      Labels labels = base_labels;
      if (!ignored[b]) {
        Labels added;
        bool seen = false;
        for (const std::string& info_name : info_names) {
          auto it = by_sig.find(Signature(info_name, base_labels));
          if (it == by_sig.end()) continue;
          seen = true;
          for (const Label& l : info.series[it->second.first].labels) {
            if (l.name == kMetricName) continue;
            if (!data_matchers.empty() && data_matchers.count(l.name) == 0) continue;
            std::string_view have = added.Get(l.name);
            if (!have.empty() && have != l.value) {
              return InvalidArgument("conflicting label: %s", l.name);
            }
            if (base_labels.Has(l.name)) continue;
            added.Set(l.name, l.value);
          }
        }
        // With no info series, a data matcher that needs a value drops the
        // series.
        if (!seen && !all_match_empty) continue;
        for (const Label& l : added) labels.Set(l.name, l.value);
      }
      auto [it, inserted] = out_index.try_emplace(labels, out.size());
      if (inserted) {
        StepSeries s;
        s.labels = std::move(labels);
        out.push_back(std::move(s));
      }
      std::vector<Sample>& points = out[it->second].points;
      if (!points.empty() && points.back().t == t) {
        return InvalidArgument("vector cannot contain metrics with the same labelset");
      }
      points.push_back(Sample{t, v});
    }
  }
  Value result;
  result.type = ValueType::kVector;
  result.series = std::move(out);
  return result;
}

}  // namespace tsdb::promql
