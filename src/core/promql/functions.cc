#include "tsdb/promql/functions.h"

#include <string>

#include "absl/container/flat_hash_map.h"

namespace tsdb::promql {

std::string_view DocumentedType(ValueType type) {
  switch (type) {
    case ValueType::kScalar: return "scalar";
    case ValueType::kVector: return "instant vector";
    case ValueType::kMatrix: return "range vector";
    case ValueType::kString: return "string";
    case ValueType::kNone: break;
  }
  return "none";
}

std::string_view TypeName(ValueType type) {
  switch (type) {
    case ValueType::kScalar: return "scalar";
    case ValueType::kVector: return "vector";
    case ValueType::kMatrix: return "matrix";
    case ValueType::kString: return "string";
    case ValueType::kNone: break;
  }
  return "none";
}

namespace {

constexpr ValueType S = ValueType::kScalar;
constexpr ValueType V = ValueType::kVector;
constexpr ValueType M = ValueType::kMatrix;
constexpr ValueType Str = ValueType::kString;

std::vector<FunctionInfo> AllFunctions() {
  // Functions of one instant vector returning one.
  std::vector<FunctionInfo> f;
  for (std::string_view name :
       {"abs", "absent", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh",
        "deg", "exp", "floor", "histogram_avg", "histogram_count", "histogram_sum",
        "histogram_stddev", "histogram_stdvar", "ln", "log10", "log2", "rad", "sgn", "sin",
        "sinh", "sort", "sort_desc", "sqrt", "tan", "tanh", "timestamp"}) {
    f.push_back({name, {V}, 0, V, false});
  }
  // Functions of a range vector returning an instant vector.
  for (std::string_view name :
       {"absent_over_time", "avg_over_time", "changes", "count_over_time", "delta", "deriv",
        "idelta", "increase", "irate", "last_over_time", "max_over_time", "min_over_time",
        "present_over_time", "rate", "resets", "stddev_over_time", "stdvar_over_time",
        "sum_over_time"}) {
    f.push_back({name, {M}, 0, V, false});
  }
  for (std::string_view name : {"first_over_time", "mad_over_time", "ts_of_first_over_time",
                                "ts_of_max_over_time", "ts_of_min_over_time",
                                "ts_of_last_over_time"}) {
    f.push_back({name, {M}, 0, V, true});
  }
  // Date functions: an optional instant vector (default vector(time())).
  for (std::string_view name : {"days_in_month", "day_of_month", "day_of_week", "day_of_year",
                                "hour", "minute", "month", "year"}) {
    f.push_back({name, {V}, 1, V, false});
  }
  // Scalars of the evaluation.
  f.push_back({"pi", {}, 0, S, false});
  f.push_back({"time", {}, 0, S, false});
  for (std::string_view name : {"start", "end", "step", "range"}) f.push_back({name, {}, 0, S, true});
  f.push_back({"min_of", {S, S}, 0, S, true});
  f.push_back({"max_of", {S, S}, 0, S, true});
  f.push_back({"start_timestamp", {V}, 0, V, true});
  f.push_back({"clamp", {V, S, S}, 0, V, false});
  f.push_back({"clamp_max", {V, S}, 0, V, false});
  f.push_back({"clamp_min", {V, S}, 0, V, false});
  f.push_back({"histogram_fraction", {S, S, V}, 0, V, false});
  f.push_back({"histogram_quantile", {S, V}, 0, V, false});
  f.push_back({"histogram_quantiles", {V, Str, S, S}, 9, V, true});
  f.push_back({"double_exponential_smoothing", {M, S, S}, 0, V, true});
  f.push_back({"info", {V, V}, 1, V, true});
  f.push_back({"integral", {M, S}, 1, V, true});
  f.push_back({"label_replace", {V, Str, Str, Str, Str}, 0, V, false});
  f.push_back({"label_join", {V, Str, Str, Str}, -1, V, false});
  f.push_back({"predict_linear", {M, S}, 0, V, false});
  f.push_back({"quantile_over_time", {S, M}, 0, V, false});
  f.push_back({"round", {V, S}, 1, V, false});
  f.push_back({"scalar", {V}, 0, S, false});
  f.push_back({"sort_by_label", {V, Str}, -1, V, true});
  f.push_back({"sort_by_label_desc", {V, Str}, -1, V, true});
  f.push_back({"vector", {S}, 0, V, false});
  return f;
}

}  // namespace

const FunctionInfo* FindFunction(std::string_view name) {
  static const auto* functions = new std::vector<FunctionInfo>(AllFunctions());
  static const auto* by_name = [] {
    auto* map = new absl::flat_hash_map<std::string_view, const FunctionInfo*>();
    for (const FunctionInfo& f : *functions) map->emplace(f.name, &f);
    return map;
  }();
  auto it = by_name->find(name);
  return it == by_name->end() ? nullptr : it->second;
}

}  // namespace tsdb::promql
