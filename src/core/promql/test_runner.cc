// The promqltest runner: the command loop of Prometheus's promqltest
// (test.go's execEval, execInstantEval, runInstantQuery, execRangeEval).
#include "tsdb/promql/test_runner.h"

#include <algorithm>
#include <utility>

#include "tsdb/promql/parser.h"

namespace tsdb::promql {

EngineBackend::EngineBackend() {
  // promqltest's engine settings.
  options_.max_samples = 10000;
  options_.default_subquery_step_ms = 60 * 1000;
  options_.delayed_name_removal = true;
}

Status EngineBackend::Clear() {
  source_.Clear();
  return Status();
}

Status EngineBackend::Load(const LoadCommand& load) {
  for (const LoadSeries& s : load.series) {
    std::vector<Sample> samples;
    samples.reserve(s.samples.size());
    for (const LoadSample& l : s.samples) samples.push_back(Sample{l.t, l.v});
    source_.Add(s.labels, samples);
  }
  return Status();
}

namespace {

void ToOutcome(QueryResult r, QueryOutcome* outcome) {
  outcome->t = r.time_ms;
  outcome->annotations = std::move(r.annotations);
  switch (r.type) {
    case ValueType::kScalar:
      outcome->kind = ResultKind::kScalar;
      outcome->scalar = r.scalar;
      break;
    case ValueType::kString:
      outcome->kind = ResultKind::kString;
      outcome->string = std::move(r.string);
      break;
    case ValueType::kVector:
      outcome->kind = ResultKind::kVector;
      outcome->vector = std::move(r.vector);
      break;
    default:
      outcome->kind = ResultKind::kMatrix;
      outcome->matrix = std::move(r.matrix);
      break;
  }
}

}  // namespace

Status EngineBackend::Instant(std::string_view expr, int64_t time_ms, QueryOutcome* outcome) {
  Result<ExprPtr> parsed = ParseExpr(expr);
  if (!parsed.ok()) {
    outcome->error = std::string(parsed.status().message());
    return Status();
  }
  Result<QueryResult> r = EvalInstant(**parsed, time_ms, &source_, options_);
  if (!r.ok()) {
    outcome->error = std::string(r.status().message());
    return Status();
  }
  ToOutcome(std::move(*r), outcome);
  return Status();
}

Status EngineBackend::Range(std::string_view expr, int64_t start_ms, int64_t end_ms,
                            int64_t step_ms, QueryOutcome* outcome) {
  Result<ExprPtr> parsed = ParseExpr(expr);
  if (!parsed.ok()) {
    outcome->error = std::string(parsed.status().message());
    return Status();
  }
  Result<QueryResult> r = EvalRange(**parsed, start_ms, end_ms, step_ms, &source_, options_);
  if (!r.ok()) {
    outcome->error = std::string(r.status().message());
    return Status();
  }
  ToOutcome(std::move(*r), outcome);
  return Status();
}

int FileResult::Count(CaseResult::State state) const {
  return static_cast<int>(std::count_if(cases.begin(), cases.end(),
                                        [&](const CaseResult& c) { return c.state == state; }));
}

namespace {

// Sets `@ t` where test.go's atModifierTestCases does; false when a
// time-dependent function is called.
bool PinTimes(Expr* e, int64_t t) {
  switch (e->kind) {
    case NodeKind::kVectorSelector: {
      auto& vs = As<VectorSelector>(*e);
      if (!vs.time.HasAt()) vs.time.at_ms = t;
      return true;
    }
    case NodeKind::kMatrixSelector: return PinTimes(As<MatrixSelector>(*e).vector_selector.get(), t);
    case NodeKind::kSubquery: {
      auto& sq = As<SubqueryExpr>(*e);
      // test.go's walk visits the subquery before what is below it; once
      // the subquery has an @ (its own, or the one set here), nothing below
      // is looked at.
      if (!sq.time.HasAt()) sq.time.at_ms = t;
      return true;
    }
    case NodeKind::kCall: {
      auto& c = As<Call>(*e);
      const auto& unsafe = AtModifierUnsafeFunctions();
      bool safe = std::find(unsafe.begin(), unsafe.end(), c.func->name) == unsafe.end();
      for (ExprPtr& a : c.args) safe = PinTimes(a.get(), t) && safe;
      return safe;
    }
    case NodeKind::kAggregate: {
      auto& a = As<AggregateExpr>(*e);
      bool safe = PinTimes(a.expr.get(), t);
      if (a.param) safe = PinTimes(a.param.get(), t) && safe;
      return safe;
    }
    case NodeKind::kBinary: {
      auto& b = As<BinaryExpr>(*e);
      const bool left = PinTimes(b.lhs.get(), t);
      return PinTimes(b.rhs.get(), t) && left;
    }
    case NodeKind::kUnary: return PinTimes(As<UnaryExpr>(*e).expr.get(), t);
    case NodeKind::kParen: return PinTimes(As<ParenExpr>(*e).expr.get(), t);
    default: return true;
  }
}

}  // namespace

Result<std::string> WithAtModifiers(std::string_view expr, int64_t time_ms) {
  TSDB_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr(expr));
  if (!PinTimes(e.get(), time_ms)) return std::string();
  return ToString(*e);
}

namespace {

// One instant query with its checks (test.go's runInstantQuery).
Status RunInstantQuery(const EvalCommand& cmd, const std::string& expr, int64_t time_ms,
                       QueryBackend* backend) {
  QueryOutcome outcome;
  outcome.t = time_ms;
  TSDB_RETURN_IF_ERROR(backend->Instant(expr, time_ms, &outcome));
  TSDB_RETURN_IF_ERROR(CheckEvalOutcome(cmd, expr, outcome));
  if (outcome.error.has_value() || cmd.exclude_from_range_query ||
      UsesQueryContextFunctions(expr)) {
    return Status();
  }
  QueryOutcome range;
  TSDB_RETURN_IF_ERROR(backend->Range(expr, time_ms - 60000, time_ms + 60000, 60000, &range));
  if (range.error.has_value()) {
    return InvalidArgument("error evaluating query \"%s\" (line %d) in range mode: %s", expr,
                           cmd.line, *range.error);
  }
  if (cmd.IsOrdered()) return Status();
  TSDB_RETURN_IF_ERROR(AssertMatrixSorted(range.matrix));
  QueryOutcome at_t;
  at_t.t = time_ms;
  if (outcome.kind == ResultKind::kScalar) {
    at_t.kind = ResultKind::kScalar;
    for (const Series& s : range.matrix) {
      for (const Sample& p : s.samples) {
        if (p.t == time_ms) at_t.scalar = p.v;
      }
    }
  } else {
    at_t.kind = ResultKind::kVector;
    for (const Series& s : range.matrix) {
      for (const Sample& p : s.samples) {
        if (p.t == time_ms) {
          at_t.vector.push_back(VectorElement{s.labels, p.t, p.v});
          break;
        }
      }
    }
  }
  Status s = CompareResult(cmd, at_t);
  if (!s.ok()) {
    return InvalidArgument("error in eval %s (line %d) range mode: %s", expr, cmd.line,
                           s.message());
  }
  return Status();
}

Status RunEval(const EvalCommand& cmd, QueryBackend* backend) {
  if (cmd.is_range) {
    QueryOutcome outcome;
    TSDB_RETURN_IF_ERROR(
        backend->Range(cmd.expr, cmd.start_ms, cmd.end_ms, cmd.step_ms, &outcome));
    return CheckEvalOutcome(cmd, cmd.expr, outcome);
  }
  TSDB_RETURN_IF_ERROR(RunInstantQuery(cmd, cmd.expr, cmd.eval_ms, backend));
  Result<std::string> pinned = WithAtModifiers(cmd.expr, cmd.eval_ms);
  // A query that does not parse was checked above (an expected failure).
  if (!pinned.ok() || pinned->empty()) return Status();
  const int64_t t = cmd.eval_ms;
  const std::vector<int64_t> times =
      t == 0 ? std::vector<int64_t>{-1000, 0, 1000} : std::vector<int64_t>{-10 * t, 0, t / 5, t, 10 * t};
  for (int64_t at : times) TSDB_RETURN_IF_ERROR(RunInstantQuery(cmd, *pinned, at, backend));
  return Status();
}

}  // namespace

namespace {

// The series of a script that hold native histogram samples, which this
// engine does not have (their floats are loaded, their histogram samples
// are not): an eval that reads one of them is a native-histogram case and
// is skipped, as those whose expected values are histograms are. Reading a
// series without its histogram samples would give answers Prometheus does
// not give, and such evals test native histograms, not floats.
class HistogramSeries {
 public:
  void Clear() { series_.clear(); }

  void Add(const LoadCommand& load) {
    for (const LoadSeries& s : load.series) {
      if (s.has_histograms) series_.push_back(s.labels);
      // load_with_nhcb also writes each classic histogram (x_bucket{le},
      // x_count, x_sum) as a native histogram with custom buckets named x.
      if (load.with_nhcb) {
        std::string_view name = s.labels.MetricName();
        for (std::string_view suffix : {"_bucket", "_count", "_sum"}) {
          if (name.size() > suffix.size() &&
              name.substr(name.size() - suffix.size()) == suffix) {
            Labels nhcb = s.labels;
            nhcb.Remove("le");
            nhcb.Set(kMetricName, name.substr(0, name.size() - suffix.size()));
            series_.push_back(std::move(nhcb));
            break;
          }
        }
      }
    }
  }

  // A series with histogram samples that some selector of `expr` matches,
  // printed, or empty.
  std::string ReadBy(std::string_view expr) const {
    if (series_.empty()) return std::string();
    Result<ExprPtr> parsed = ParseExpr(expr);
    if (!parsed.ok()) return std::string();
    return Find(**parsed);
  }

 private:
  std::string Find(const Expr& e) const {
    switch (e.kind) {
      case NodeKind::kVectorSelector: {
        const auto& vs = As<VectorSelector>(e);
        for (const Labels& s : series_) {
          bool all = true;
          for (const LabelMatcher& m : vs.matchers) all = all && m.Matches(s.Get(m.name()));
          if (all) return s.ToString();
        }
        return std::string();
      }
      case NodeKind::kMatrixSelector: return Find(*As<MatrixSelector>(e).vector_selector);
      case NodeKind::kSubquery: return Find(*As<SubqueryExpr>(e).expr);
      case NodeKind::kCall:
        for (const ExprPtr& a : As<Call>(e).args) {
          if (std::string s = Find(*a); !s.empty()) return s;
        }
        return std::string();
      case NodeKind::kAggregate: {
        const auto& a = As<AggregateExpr>(e);
        if (a.param) {
          if (std::string s = Find(*a.param); !s.empty()) return s;
        }
        return Find(*a.expr);
      }
      case NodeKind::kBinary: {
        const auto& b = As<BinaryExpr>(e);
        if (std::string s = Find(*b.lhs); !s.empty()) return s;
        return Find(*b.rhs);
      }
      case NodeKind::kUnary: return Find(*As<UnaryExpr>(e).expr);
      case NodeKind::kParen: return Find(*As<ParenExpr>(e).expr);
      default: return std::string();
    }
  }

  std::vector<Labels> series_;
};

}  // namespace

FileResult RunScript(std::string_view name, std::string_view text, QueryBackend* backend) {
  FileResult result;
  result.name = std::string(name);
  Result<std::vector<Command>> commands = ParseTestScript(text);
  if (!commands.ok()) {
    result.error = std::string(commands.status().message());
    return result;
  }
  if (Status s = backend->Clear(); !s.ok()) {
    result.error = std::string(s.message());
    return result;
  }
  HistogramSeries histograms;
  for (const Command& c : *commands) {
    switch (c.kind) {
      case CommandKind::kClear:
        histograms.Clear();
        if (Status s = backend->Clear(); !s.ok()) {
          result.error = std::string(s.message());
          return result;
        }
        break;
      case CommandKind::kLoad:
        histograms.Add(c.load);
        if (Status s = backend->Load(c.load); !s.ok()) {
          result.error = "line " + std::to_string(c.line) + ": " + std::string(s.message());
          return result;
        }
        break;
      case CommandKind::kEval: {
        CaseResult r;
        r.line = c.eval.line;
        r.expr = c.eval.expr;
        std::string histogram_series;
        if (c.eval.native_histograms) {
          r.state = CaseResult::State::kSkipped;
          r.message = "native histograms: expects histogram values";
        } else if (histogram_series = histograms.ReadBy(c.eval.expr); !histogram_series.empty()) {
          r.state = CaseResult::State::kSkipped;
          r.message = "native histograms: reads " + histogram_series;
        } else if (Status s = RunEval(c.eval, backend); !s.ok()) {
          r.state = CaseResult::State::kFailed;
          r.message = std::string(s.message());
        }
        result.cases.push_back(std::move(r));
        break;
      }
    }
  }
  return result;
}

}  // namespace tsdb::promql
