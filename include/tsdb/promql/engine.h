// The PromQL engine: evaluates a parsed expression (parser.h) at one time
// (an instant query) or at every step of a range (a range query) over the
// series a SeriesSource provides, with Prometheus 3.x's semantics.
//
// The engine reads series through the SeriesSource interface only: an
// in-memory source (memory_source.h) serves tests and the promqltest
// runner, the extension's source reads the series catalog and the samples
// table. Each selector of the query asks the source once, for the whole
// time range the query needs from it.
//
// Thread safety: a query runs on one thread; sources are not shared
// between concurrent queries unless they say they may be.
#ifndef TSDB_PROMQL_ENGINE_H_
#define TSDB_PROMQL_ENGINE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tsdb/promql/ast.h"
#include "tsdb/promql/matcher.h"
#include "tsdb/promql/value.h"
#include "tsdb/status.h"

namespace tsdb::promql {

class SeriesSource {
 public:
  virtual ~SeriesSource() = default;

  // Appends to *out every series that matches all `matchers` and has
  // samples in [min_time_ms, max_time_ms], with those samples in time
  // order (samples outside the range may be included). Labels include
  // __name__. Stale markers are kept (the engine interprets them).
  virtual Status Select(const std::vector<LabelMatcher>& matchers, int64_t min_time_ms,
                        int64_t max_time_ms, std::vector<Series>* out) = 0;

  // The same series handed to `fn` one at a time, so that a caller that
  // reduces each series (a range function over a selector) holds one
  // series' samples at a time. The series (and its sample buffer) belongs to
  // the source and is reused after fn returns; fn may modify it. A non-OK
  // status from fn ends the selection with it. The default reads all of
  // them with Select first.
  virtual Status SelectEach(const std::vector<LabelMatcher>& matchers, int64_t min_time_ms,
                            int64_t max_time_ms, const std::function<Status(Series&)>& fn);

  // As SelectEach, but each series handed to `fn` holds only its newest
  // sample in [min_time_ms, max_time_ms] (series without one are left out):
  // what an instant selector evaluated at one time reads. A source may
  // answer it without reading older samples. The default trims SelectEach's.
  virtual Status SelectLatest(const std::vector<LabelMatcher>& matchers, int64_t min_time_ms,
                              int64_t max_time_ms, const std::function<Status(Series&)>& fn);
};

struct EngineOptions {
  // How far back an instant selector looks for a sample (Prometheus's
  // --query.lookback-delta).
  int64_t lookback_delta_ms = 5 * 60 * 1000;
  // The most samples a query may hold in memory at once (Prometheus's
  // --query.max-samples).
  int64_t max_samples = 50000000;
  // The step of subqueries written without one (`x[1h:]`): Prometheus uses
  // its global evaluation interval.
  int64_t default_subquery_step_ms = 60 * 1000;
  // Prometheus's --enable-feature=promql-delayed-name-removal: functions
  // and operators only mark __name__ for removal, which happens at the end
  // (label_replace can still read it).
  bool delayed_name_removal = false;
  // Called between units of work; a non-OK status ends the query with it
  // (timeouts, cancellation).
  std::function<Status()> check_interrupt;
};

struct QueryResult {
  ValueType type = ValueType::kNone;
  double scalar = 0;   // kScalar of an instant query (at `time_ms`)
  int64_t time_ms = 0; // instant query: the evaluation time
  std::string string;  // kString
  Vector vector;       // kVector: an instant query's instant vector
  // kMatrix: a range query's result (scalars as one series without
  // labels) sorted by labels, or an instant query's range vector.
  Matrix matrix;
  Annotations annotations;
};

// Evaluates `expr` at `time_ms`.
Result<QueryResult> EvalInstant(const Expr& expr, int64_t time_ms, SeriesSource* source,
                                const EngineOptions& options);

// Evaluates `expr` at start_ms, start_ms + step_ms, ... up to end_ms.
// REQUIRES: step_ms > 0, end_ms >= start_ms.
Result<QueryResult> EvalRange(const Expr& expr, int64_t start_ms, int64_t end_ms,
                              int64_t step_ms, SeriesSource* source,
                              const EngineOptions& options);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_ENGINE_H_
