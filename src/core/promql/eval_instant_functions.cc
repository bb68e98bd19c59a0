// Functions of instant vectors that work sample by sample (math, clamp,
// round, dates, timestamp), and the functions with a scalar result or only
// scalar arguments (time, pi, start, end, step, range, min_of, max_of,
// scalar, vector).
#include <cmath>
#include <string>
#include <utility>

#include "promql/eval_call.h"
#include "tsdb/promql/math_functions.h"

namespace tsdb::promql {

namespace {

using FloatFn = double (*)(double);

double Abs(double v) { return std::fabs(v); }
double Ceil(double v) { return std::ceil(v); }
double Floor(double v) { return std::floor(v); }
double Exp(double v) { return std::exp(v); }
double Sqrt(double v) { return std::sqrt(v); }
double Ln(double v) { return std::log(v); }
double Log2(double v) { return std::log2(v); }
double Log10(double v) { return std::log10(v); }
double Sin(double v) { return std::sin(v); }
double Cos(double v) { return std::cos(v); }
double Tan(double v) { return std::tan(v); }
double Asin(double v) { return std::asin(v); }
double Acos(double v) { return std::acos(v); }
double Atan(double v) { return std::atan(v); }
double Sinh(double v) { return std::sinh(v); }
double Cosh(double v) { return std::cosh(v); }
double Tanh(double v) { return std::tanh(v); }
double Asinh(double v) { return std::asinh(v); }
double Acosh(double v) { return std::acosh(v); }
double Atanh(double v) { return std::atanh(v); }

struct NamedFloatFn {
  std::string_view name;
  FloatFn fn;
};

constexpr NamedFloatFn kSampleFunctions[] = {
    {"abs", Abs},     {"ceil", Ceil},   {"floor", Floor}, {"exp", Exp},
    {"sqrt", Sqrt},   {"ln", Ln},       {"log2", Log2},   {"log10", Log10},
    {"sin", Sin},     {"cos", Cos},     {"tan", Tan},     {"asin", Asin},
    {"acos", Acos},   {"atan", Atan},   {"sinh", Sinh},   {"cosh", Cosh},
    {"tanh", Tanh},   {"asinh", Asinh}, {"acosh", Acosh}, {"atanh", Atanh},
    {"deg", Deg},     {"rad", Rad},     {"sgn", Sgn},
};

// Date functions read a timestamp in seconds.
constexpr NamedFloatFn kDateFunctions[] = {
    {"year", Year},          {"month", Month},
    {"day_of_month", DayOfMonth}, {"day_of_year", DayOfYear},
    {"day_of_week", DayOfWeek},   {"days_in_month", DaysInMonth},
    {"hour", Hour},          {"minute", Minute},
};

FloatFn Find(const NamedFloatFn* table, size_t n, std::string_view name) {
  for (size_t i = 0; i < n; ++i) {
    if (table[i].name == name) return table[i].fn;
  }
  return nullptr;
}

Result<Value> EvalVector(Evaluator* ev, const Expr& e, const StepRange& range) {
  TSDB_ASSIGN_OR_RETURN(Value v, ev->Eval(e, range));
  if (v.type != ValueType::kVector) {
    return InvalidArgument("expected an instant vector argument, got %s", DocumentedType(v.type));
  }
  return v;
}

// Applies `f` to every point (with the step index), keeping the points for
// which it returns true, and drops the names.
template <typename F>
Result<Value> MapPoints(Evaluator* ev, Value v, const StepRange& range, F f) {
  std::vector<StepSeries> kept;
  for (StepSeries& s : v.series) {
    size_t n = 0;
    for (const Sample& p : s.points) {
      double out = p.v;
      if (f(p, range.Index(p.t), &out)) s.points[n++] = Sample{p.t, out};
    }
    s.points.resize(n);
    if (!s.points.empty()) kept.push_back(std::move(s));
  }
  v.series = std::move(kept);
  TSDB_RETURN_IF_ERROR(DropNamesAndMerge(ev, &v.series));
  return v;
}

Value StepScalars(const StepRange& range, double (*f)(int64_t t, const Evaluator&),
                  const Evaluator& ev) {
  Value out;
  out.type = ValueType::kScalar;
  for (size_t i = 0; i < range.Count(); ++i) out.scalars.push_back(f(range.Time(i), ev));
  return out;
}

double Seconds(int64_t ms) { return static_cast<double>(ms) / 1000; }

}  // namespace

Result<Value> EvalInstantFunction(Evaluator* ev, const Call& e, const StepRange& range) {
  const std::string_view name = e.func->name;
  const size_t steps = range.Count();

  if (FloatFn f = Find(kSampleFunctions, std::size(kSampleFunctions), name)) {
    TSDB_ASSIGN_OR_RETURN(Value v, EvalVector(ev, *e.args[0], range));
    return MapPoints(ev, std::move(v), range, [f](const Sample& p, size_t, double* out) {
      *out = f(p.v);
      return true;
    });
  }

  if (FloatFn f = Find(kDateFunctions, std::size(kDateFunctions), name)) {
    if (e.args.empty()) {
      // vector(time()), with the time truncated to whole seconds first.
      StepSeries s;
      for (size_t i = 0; i < steps; ++i) {
        const int64_t t = range.Time(i);
        s.points.push_back(Sample{t, f(static_cast<double>(t / 1000))});
      }
      Value out;
      out.type = ValueType::kVector;
      out.series.push_back(std::move(s));
      return out;
    }
    TSDB_ASSIGN_OR_RETURN(Value v, EvalVector(ev, *e.args[0], range));
    return MapPoints(ev, std::move(v), range, [f](const Sample& p, size_t, double* out) {
      *out = f(p.v);
      return true;
    });
  }

  if (name == "round") {
    TSDB_ASSIGN_OR_RETURN(Value v, EvalVector(ev, *e.args[0], range));
    std::vector<double> to_nearest(steps, 1.0);
    if (e.args.size() > 1) {
      TSDB_ASSIGN_OR_RETURN(to_nearest, EvalScalarArg(ev, *e.args[1], range));
    }
    return MapPoints(ev, std::move(v), range,
                     [&to_nearest](const Sample& p, size_t i, double* out) {
                       *out = Round(p.v, to_nearest[i]);
                       return true;
                     });
  }

  if (name == "clamp" || name == "clamp_min" || name == "clamp_max") {
    TSDB_ASSIGN_OR_RETURN(Value v, EvalVector(ev, *e.args[0], range));
    std::vector<double> lo(steps, -INFINITY), hi(steps, INFINITY);
    if (name == "clamp") {
      TSDB_ASSIGN_OR_RETURN(lo, EvalScalarArg(ev, *e.args[1], range));
      TSDB_ASSIGN_OR_RETURN(hi, EvalScalarArg(ev, *e.args[2], range));
    } else if (name == "clamp_min") {
      TSDB_ASSIGN_OR_RETURN(lo, EvalScalarArg(ev, *e.args[1], range));
    } else {
      TSDB_ASSIGN_OR_RETURN(hi, EvalScalarArg(ev, *e.args[1], range));
    }
    return MapPoints(ev, std::move(v), range, [&lo, &hi](const Sample& p, size_t i, double* out) {
      if (ClampIsEmpty(lo[i], hi[i])) return false;
      *out = Clamp(p.v, lo[i], hi[i]);
      return true;
    });
  }

  if (name == "timestamp") {
    // Of a selector, the time of the sample each point came from; of any
    // other expression, the step time its points are stamped with.
    const Expr& arg = UnwrapParens(*e.args[0]);
    Value v;
    if (arg.kind == NodeKind::kVectorSelector) {
      TSDB_ASSIGN_OR_RETURN(v, ev->EvalVectorSelector(As<VectorSelector>(arg), range,
                                                      /*sample_times=*/true));
      return MapPoints(ev, std::move(v), range, [](const Sample&, size_t, double*) { return true; });
    }
    TSDB_ASSIGN_OR_RETURN(v, EvalVector(ev, arg, range));
    return MapPoints(ev, std::move(v), range, [](const Sample& p, size_t, double* out) {
      *out = Seconds(p.t);
      return true;
    });
  }

  if (name == "histogram_count" || name == "histogram_sum" || name == "histogram_avg" ||
      name == "histogram_stddev" || name == "histogram_stdvar") {
    // Only native histograms have these; float samples yield nothing.
    TSDB_ASSIGN_OR_RETURN(Value v, EvalVector(ev, *e.args[0], range));
    for (const StepSeries& s : v.series) ev->Release(static_cast<int64_t>(s.points.size()));
    v.series.clear();
    return v;
  }

  if (name == "time") {
    return StepScalars(range, [](int64_t t, const Evaluator&) { return Seconds(t); }, *ev);
  }
  if (name == "pi") return ScalarValue(M_PI, steps);
  if (name == "start") return ScalarValue(Seconds(ev->query_start()), steps);
  if (name == "end") return ScalarValue(Seconds(ev->query_end()), steps);
  if (name == "step") return ScalarValue(Seconds(ev->query_step()), steps);
  if (name == "range") return ScalarValue(Seconds(ev->query_end() - ev->query_start()), steps);

  if (name == "min_of" || name == "max_of") {
    TSDB_ASSIGN_OR_RETURN(std::vector<double> a, EvalScalarArg(ev, *e.args[0], range));
    TSDB_ASSIGN_OR_RETURN(std::vector<double> b, EvalScalarArg(ev, *e.args[1], range));
    Value out;
    out.type = ValueType::kScalar;
    for (size_t i = 0; i < steps; ++i) {
      out.scalars.push_back(name == "min_of" ? GoMin(a[i], b[i]) : GoMax(a[i], b[i]));
    }
    return out;
  }

  if (name == "scalar") {
    // The value of the only series with a point at the step, else NaN.
    TSDB_ASSIGN_OR_RETURN(Value v, EvalVector(ev, *e.args[0], range));
    Value out = ScalarValue(std::nan(""), steps);
    std::vector<int> count(steps, 0);
    for (const StepSeries& s : v.series) {
      for (const Sample& p : s.points) {
        const size_t i = range.Index(p.t);
        out.scalars[i] = ++count[i] == 1 ? p.v : std::nan("");
      }
      ev->Release(static_cast<int64_t>(s.points.size()));
    }
    return out;
  }

  if (name == "vector") {
    TSDB_ASSIGN_OR_RETURN(std::vector<double> v, EvalScalarArg(ev, *e.args[0], range));
    StepSeries s;
    for (size_t i = 0; i < steps; ++i) s.points.push_back(Sample{range.Time(i), v[i]});
    TSDB_RETURN_IF_ERROR(ev->Hold(static_cast<int64_t>(steps)));
    Value out;
    out.type = ValueType::kVector;
    out.series.push_back(std::move(s));
    return out;
  }

  return Unsupported("function %s is not supported", std::string(name));
}

}  // namespace tsdb::promql
