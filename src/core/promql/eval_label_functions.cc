// Functions that work on whole series rather than on sample values:
// label_replace, label_join, sort, sort_desc, sort_by_label(_desc), absent.
#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

#include "promql/eval_call.h"
#include "re2/re2.h"
#include "tsdb/promql/aggregation_kernels.h"

namespace tsdb::promql {

namespace {

Result<Value> EvalVector(Evaluator* ev, const Expr& e, const StepRange& range) {
  TSDB_ASSIGN_OR_RETURN(Value v, ev->Eval(e, range));
  if (v.type != ValueType::kVector) {
    return InvalidArgument("expected an instant vector argument, got %s", DocumentedType(v.type));
  }
  return v;
}

bool IsNameByte(unsigned char c) {
  // Go's template names are letters, digits and '_' (Unicode ones too: any
  // non-ASCII byte is taken as part of a letter).
  return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c >= 0x80;
}

// Go's Regexp.ExpandString: `$name`, `${name}`, `$1`, `${1}` and `$$` in
// `templ` are replaced by the groups of the match (`groups`, group 0 the
// whole match; empty views for groups that did not take part). A name is
// the longest run of name characters, so `$1x` means group "1x", which
// does not exist and expands to nothing; a `$` not followed by a valid name
// stays as it is.
std::string Expand(std::string_view templ, const re2::RE2& re,
                   const std::vector<re2::StringPiece>& groups,
                   const std::vector<bool>& matched) {
  std::string out;
  size_t i = 0;
  while (i < templ.size()) {
    const size_t dollar = templ.find('$', i);
    if (dollar == std::string_view::npos) break;
    out.append(templ.substr(i, dollar - i));
    i = dollar + 1;
    if (i < templ.size() && templ[i] == '$') {
      out += '$';
      ++i;
      continue;
    }
    // extract(): the name, in braces or not.
    size_t p = i;
    const bool brace = p < templ.size() && templ[p] == '{';
    if (brace) ++p;
    const size_t name_start = p;
    while (p < templ.size() && IsNameByte(static_cast<unsigned char>(templ[p]))) ++p;
    std::string_view name = templ.substr(name_start, p - name_start);
    bool ok = !name.empty();
    if (ok && brace) {
      if (p >= templ.size() || templ[p] != '}') {
        ok = false;
      } else {
        ++p;
      }
    }
    if (!ok) {
      out += '$';
      continue;
    }
    i = p;
    int num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name[0] == '0' && name.size() > 1) num = -1;
    if (num >= 0) {
      if (static_cast<size_t>(num) < groups.size() && matched[num]) {
        out.append(groups[num].data(), groups[num].size());
      }
      continue;
    }
    const auto& named = re.NamedCapturingGroups();
    auto it = named.find(std::string(name));
    if (it != named.end() && static_cast<size_t>(it->second) < groups.size() &&
        matched[it->second]) {
      out.append(groups[it->second].data(), groups[it->second].size());
    }
  }
  out.append(templ.substr(std::min(i, templ.size())));
  return out;
}

Result<Value> LabelReplace(Evaluator* ev, const Call& e, const StepRange& range) {
  const std::string dst = StringArg(*e.args[1]);
  const std::string repl = StringArg(*e.args[2]);
  const std::string src = StringArg(*e.args[3]);
  const std::string regex = StringArg(*e.args[4]);
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  re2::RE2 re("^(?s:" + regex + ")$", opts);
  if (!re.ok()) {
    return InvalidArgument("invalid regular expression in label_replace(): %s", regex);
  }
  if (!IsValidLabelName(dst)) {
    return InvalidArgument("invalid destination label name in label_replace(): %s", dst);
  }
  TSDB_ASSIGN_OR_RETURN(Value v, EvalVector(ev, *e.args[0], range));
  const int ngroups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(ngroups);
  std::vector<bool> matched(ngroups);
  for (StepSeries& s : v.series) {
    const std::string value(s.labels.Get(src));
    if (!re.Match(value, 0, value.size(), re2::RE2::ANCHOR_BOTH, groups.data(), ngroups)) {
      continue;
    }
    // RE2 gives a null data pointer to a group that did not participate.
    for (int g = 0; g < ngroups; ++g) matched[g] = groups[g].data() != nullptr;
    s.labels.Set(dst, Expand(repl, re, groups, matched));
    if (dst == kMetricName) s.drop_name = false;
  }
  TSDB_RETURN_IF_ERROR(MergeSameLabels(&v.series));
  return v;
}

Result<Value> LabelJoin(Evaluator* ev, const Call& e, const StepRange& range) {
  const std::string dst = StringArg(*e.args[1]);
  const std::string sep = StringArg(*e.args[2]);
  std::vector<std::string> srcs;
  for (size_t i = 3; i < e.args.size(); ++i) {
    srcs.push_back(StringArg(*e.args[i]));
    if (!IsValidLabelName(srcs.back())) {
      return InvalidArgument("invalid source label name in label_join(): %s", srcs.back());
    }
  }
  if (!IsValidLabelName(dst)) {
    return InvalidArgument("invalid destination label name in label_join(): %s", dst);
  }
  TSDB_ASSIGN_OR_RETURN(Value v, EvalVector(ev, *e.args[0], range));
  for (StepSeries& s : v.series) {
    std::string joined;
    for (size_t i = 0; i < srcs.size(); ++i) {
      if (i > 0) joined += sep;
      joined += s.labels.Get(srcs[i]);
    }
    s.labels.Set(dst, joined);
    if (dst == kMetricName) s.drop_name = false;
  }
  TSDB_RETURN_IF_ERROR(MergeSameLabels(&v.series));
  return v;
}

// facette/natsort's Compare (Prometheus's sort_by_label order): runs of
// digits compare as numbers (leading zeros skipped, then the longer run is
// the larger number, equal lengths compare bytewise), everything else byte
// by byte; a prefix sorts first. Kept quirk for quirk, including how a
// leading zero before a non-digit is skipped.
bool NaturalLess(std::string_view a, std::string_view b) {
  size_t pa = 0, pb = 0;
  const size_t la = a.size(), lb = b.size();
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (true) {
    if (la <= pa) return lb > pb;
    if (lb <= pb) return false;
    char av = a[pa], bv = b[pb];
    if (digit(av) && digit(bv)) {
      size_t na = 1, nb = 1;
      while (pa + na < la) {
        const char x = a[pa + na];
        if (av == '0') {
          ++pa;
          av = x;
          continue;
        }
        if (digit(x)) {
          ++na;
        } else {
          break;
        }
      }
      while (pb + nb < lb) {
        const char x = b[pb + nb];
        if (bv == '0') {
          ++pb;
          bv = x;
          continue;
        }
        if (digit(x)) {
          ++nb;
        } else {
          break;
        }
      }
      if (nb > na) return true;
      if (na > nb) return false;
      const int c = a.substr(pa, na).compare(b.substr(pb, nb));
      if (c < 0) return true;
      if (c > 0) return false;
      pa += na;
      pb += nb;
      continue;
    }
    if (av == bv) {
      ++pa;
      ++pb;
      continue;
    }
    return static_cast<unsigned char>(av) < static_cast<unsigned char>(bv);
  }
}

constexpr std::string_view kSortInRangeQueryWarning =
    "sort is ineffective for range queries since results are always ordered by labels";

Result<Value> Sort(Evaluator* ev, const Call& e, const StepRange& range) {
  const std::string_view name = e.func->name;
  TSDB_ASSIGN_OR_RETURN(Value v, EvalVector(ev, *e.args[0], range));
  if (ev->query_step() != 0) ev->annotations().AddWarning(std::string(kSortInRangeQueryWarning));
  // Only an instant vector's order can be seen; in a range (a range query or
  // a subquery) the series have no order.
  if (range.Count() != 1) return v;
  std::vector<StepSeries>& s = v.series;
  if (name == "sort" || name == "sort_desc") {
    const bool asc = name == "sort";
    std::stable_sort(s.begin(), s.end(), [asc](const StepSeries& a, const StepSeries& b) {
      const double x = a.points[0].v, y = b.points[0].v;
      return asc ? SortAscendingBefore(x, y) : SortDescendingBefore(x, y);
    });
    return v;
  }
  std::vector<std::string> labels;
  for (size_t i = 1; i < e.args.size(); ++i) labels.push_back(StringArg(*e.args[i]));
  const bool desc = name == "sort_by_label_desc";
  auto compare = [&labels](const StepSeries& a, const StepSeries& b) {
    for (const std::string& l : labels) {
      const std::string_view x = a.labels.Get(l), y = b.labels.Get(l);
      if (x == y) continue;
      return NaturalLess(x, y) ? -1 : 1;
    }
    return Labels::Compare(a.labels, b.labels);
  };
  std::stable_sort(s.begin(), s.end(), [&](const StepSeries& a, const StepSeries& b) {
    const int c = compare(a, b);
    return desc ? c > 0 : c < 0;
  });
  return v;
}

Result<Value> Absent(Evaluator* ev, const Call& e, const StepRange& range) {
  TSDB_ASSIGN_OR_RETURN(Value v, EvalVector(ev, *e.args[0], range));
  const size_t steps = range.Count();
  std::vector<bool> present(steps, false);
  for (const StepSeries& s : v.series) {
    for (const Sample& p : s.points) present[range.Index(p.t)] = true;
    ev->Release(static_cast<int64_t>(s.points.size()));
  }
  Value out;
  out.type = ValueType::kVector;
  StepSeries absent;
  for (size_t i = 0; i < steps; ++i) {
    if (!present[i]) absent.points.push_back(Sample{range.Time(i), 1});
  }
  if (!absent.points.empty()) {
    absent.labels = AbsentLabels(*e.args[0]);
    out.series.push_back(std::move(absent));
  }
  return out;
}

}  // namespace

Result<Value> EvalLabelFunction(Evaluator* ev, const Call& e, const StepRange& range) {
  const std::string_view name = e.func->name;
  if (name == "label_replace") return LabelReplace(ev, e, range);
  if (name == "label_join") return LabelJoin(ev, e, range);
  if (name == "absent") return Absent(ev, e, range);
  return Sort(ev, e, range);
}

}  // namespace tsdb::promql
