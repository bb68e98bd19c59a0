// Runs promqltest scripts (test_script.h) against a query backend, with the
// checks Prometheus's promqltest makes: each eval's expectations, and for
// instant evals the hidden ones (the same query with `@ <eval time>` on
// every selector, evaluated at other times, and in range mode around the
// eval time).
//
// The backend is the engine over an in-memory source (EngineBackend) or,
// in the extension's tests, the SQL functions of a live cluster.
#ifndef TSDB_PROMQL_TEST_RUNNER_H_
#define TSDB_PROMQL_TEST_RUNNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/promql/engine.h"
#include "tsdb/promql/memory_source.h"
#include "tsdb/promql/test_script.h"

namespace tsdb::promql {

class QueryBackend {
 public:
  virtual ~QueryBackend() = default;
  virtual Status Clear() = 0;
  virtual Status Load(const LoadCommand& load) = 0;
  // Errors of the query (parse or evaluation) go into outcome.error; a
  // non-OK Status is a failure of the backend itself.
  virtual Status Instant(std::string_view expr, int64_t time_ms, QueryOutcome* outcome) = 0;
  virtual Status Range(std::string_view expr, int64_t start_ms, int64_t end_ms, int64_t step_ms,
                       QueryOutcome* outcome) = 0;
};

// The engine over an in-memory source, with promqltest's engine settings
// (lookback 5m, at most 10000 samples, 1m default subquery step, delayed
// name removal).
class EngineBackend : public QueryBackend {
 public:
  EngineBackend();
  Status Clear() override;
  Status Load(const LoadCommand& load) override;
  Status Instant(std::string_view expr, int64_t time_ms, QueryOutcome* outcome) override;
  Status Range(std::string_view expr, int64_t start_ms, int64_t end_ms, int64_t step_ms,
               QueryOutcome* outcome) override;

 private:
  MemorySource source_;
  EngineOptions options_;
};

// The outcome of one eval command.
struct CaseResult {
  int line = 0;
  std::string expr;
  enum class State { kPassed, kFailed, kSkipped } state = State::kPassed;
  std::string message;  // why it failed or was skipped
};

struct FileResult {
  std::string name;
  std::vector<CaseResult> cases;
  std::string error;  // the script did not parse or a load failed
  int Count(CaseResult::State state) const;
};

// Runs one script.
FileResult RunScript(std::string_view name, std::string_view text, QueryBackend* backend);

// For the @ check: `expr` with `@ <time_ms>` on every selector and subquery
// that has none (not below a subquery that has one), printed; empty when
// the expression calls a function whose result depends on the evaluation
// time itself (Prometheus's AtModifierUnsafeFunctions).
Result<std::string> WithAtModifiers(std::string_view expr, int64_t time_ms);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_TEST_RUNNER_H_
