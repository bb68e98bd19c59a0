// The promqltest script language of Prometheus (promql/promqltest/test.go,
// v3.x): a .test file parsed into commands, and the checks its runner makes
// of a query's outcome. Nothing here evaluates PromQL: a runner loads the
// samples of each LoadCommand into a source, runs each EvalCommand's
// expression with an engine, and hands the outcome to CheckEvalOutcome.
//
// Script syntax, briefly (test.go is the reference; its rules are kept,
// including where they are surprising):
//   - Lines are trimmed; a line starting with '#' is empty; an empty line
//     ends a command's block.
//   - `clear`; `load <interval>` (or `load_with_nhcb`) followed by series
//     lines `metric{l="v"} 1 2 _ 3+1x4 stale` and start-timestamp lines
//     `metric{l="v"}@st _ -30s-1mx2`; `eval instant at <t> <expr>` and
//     `eval range from <a> to <b> step <s> <expr>` (or `eval_fail`,
//     `eval_warn`, `eval_info`, `eval_ordered`), followed by `expect ...`
//     lines, expected series lines, a scalar, `expect string "..."`, or
//     (after eval_fail) `expected_fail_message`/`expected_fail_regexp`.
//   - Times are Prometheus durations from the epoch (`0`, `5m`, `1h30m`).
//   - Native histograms (`{{...}}` values, `load_with_nhcb`) are recognised
//     and counted as positions, but not decoded: such commands are marked
//     native_histograms, which a runner without them skips.
// Expressions stay text: the runner's PromQL parser reports their errors.
//
// Errors are InvalidArgument with a message starting "line <n>: " (1-based)
// followed by test.go's wording.
#ifndef TSDB_PROMQL_TEST_SCRIPT_H_
#define TSDB_PROMQL_TEST_SCRIPT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/promql/value.h"
#include "tsdb/status.h"

namespace re2 {
class RE2;
}

namespace tsdb::promql {

// One position of a series line.
struct SequenceValue {
  double value = 0;
  bool omitted = false;    // `_`: no sample at this position
  bool histogram = false;  // `{{...}}`: a native histogram, not decoded
};

// A series description: `metric{l="v"} values...` or `{l="v"} values...`
// (Prometheus's parser.ParseSeriesDesc). The metric name is __name__.
struct SeriesDesc {
  Labels labels;
  std::vector<SequenceValue> values;
};

// Parses one series description. `a+bxN` and `a-bxN` give N+1 values made by
// repeated addition (as Go does, so rounding errors accumulate alike),
// `vxN` N+1 copies, `_xN` N omitted positions; numbers are Go numbers
// (ParseInt base 0 first, so "010" is 8) or Inf/NaN; `stale` is the stale
// marker. Errors name no line (callers add it).
Result<SeriesDesc> ParseSeriesDesc(std::string_view text);

// A sample of a load command, with its start timestamp (0 = none).
struct LoadSample {
  int64_t t = 0;
  double v = 0;
  int64_t start_time = 0;
};

struct LoadSeries {
  int line = 0;  // of its series line
  Labels labels;
  // The samples to append, omitted and histogram positions left out.
  std::vector<LoadSample> samples;
  bool has_histograms = false;
};

struct LoadCommand {
  int64_t interval_ms = 0;
  bool with_nhcb = false;  // `load_with_nhcb`: also builds native histograms
  // One entry per label set; a later line with the same labels replaces the
  // earlier one in place (test.go keys its series by label hash).
  std::vector<LoadSeries> series;
  // with_nhcb, or some value is a native histogram: unsupported.
  bool native_histograms = false;
};

// The `expect` line kinds.
enum class ExpectKind { kOrdered, kFail, kWarn, kNoWarn, kInfo, kNoInfo };

// `expect <kind>` with an optional `msg:<text>` (the trimmed text must equal
// the whole string) or `regex:<pattern>` (RE2, unanchored). Without either
// it matches any single-line text (test.go's `^.*$`).
struct Expectation {
  ExpectKind kind = ExpectKind::kFail;
  std::string message;                   // msg: text, when regex is null
  std::shared_ptr<const re2::RE2> regex;  // regex: or match-any

  bool Matches(std::string_view text) const;
  // The message or the pattern, and "message" or "pattern", as test.go
  // prints them.
  std::string String() const;
  std::string_view Type() const;
};

// An expected series of an eval command.
struct ExpectedSeries {
  int pos = 0;  // 1-based position for ordered checks (test.go's counting)
  Labels labels;
  std::vector<SequenceValue> values;
};

struct EvalCommand {
  int line = 0;  // of the eval line
  std::string expr;
  bool is_range = false;
  // Range: the query range. Instant: start = eval_ms and end = INT64_MIN
  // (a matrix result then has "no room" for points), unless an `expect
  // range vector from A to B step S` line sets start A, end B, step S and
  // eval_ms B.
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t step_ms = 0;
  int64_t eval_ms = 0;  // instant evaluation time

  // Legacy modifiers: eval_fail, eval_warn, eval_info, eval_ordered.
  bool fail = false;
  bool warn = false;
  bool info = false;
  bool ordered = false;
  std::string expected_fail_message;                     // empty: none
  std::shared_ptr<const re2::RE2> expected_fail_regexp;  // null: none

  std::vector<Expectation> expects;  // in file order
  std::vector<ExpectedSeries> expected;
  bool expect_scalar = false;  // a scalar line ended the block
  double expected_scalar = 0;
  std::string expected_string;  // `expect string "..."` (else empty)
  bool expect_range_vector = false;
  // `expect range vector` or `expect string`: no range-mode check.
  bool exclude_from_range_query = false;
  // Some expected value is a native histogram: unsupported.
  bool native_histograms = false;

  bool IsOrdered() const;  // eval_ordered or `expect ordered`
  bool IsFail() const;     // eval_fail or `expect fail`
  bool Has(ExpectKind kind) const;
};

enum class CommandKind { kClear, kLoad, kEval };

struct Command {
  CommandKind kind = CommandKind::kClear;
  int line = 0;       // 1-based line of the command word
  LoadCommand load;   // kLoad
  EvalCommand eval;   // kEval
};

// Parses a whole .test file.
Result<std::vector<Command>> ParseTestScript(std::string_view text);

// --- Checking an outcome, as test.go's runner does. ---

enum class ResultKind { kScalar, kString, kVector, kMatrix };

// What one query produced: an error (creating or running it), or a value
// of `kind` with its annotations.
struct QueryOutcome {
  std::optional<std::string> error;
  ResultKind kind = ResultKind::kVector;
  double scalar = 0;
  std::string string;
  int64_t t = 0;  // the time of a scalar or string result
  Vector vector;
  Matrix matrix;
  Annotations annotations;  // texts without the "PromQL warning: " prefix
};

// The whole check of one query of `cmd` (instant or range) whose text was
// `expr` (the eval line's, or a rewritten variant of it): the error against
// the fail expectations, then the annotations, then the value.
Status CheckEvalOutcome(const EvalCommand& cmd, std::string_view expr,
                        const QueryOutcome& outcome);

// The parts, for runners that need them separately (test.go's
// checkExpectedFailure, checkAnnotations, compareResult, assertMatrixSorted).
Status CheckExpectedFailure(const EvalCommand& cmd, std::string_view error);
Status CheckAnnotations(const EvalCommand& cmd, std::string_view expr,
                        const Annotations& annotations);
Status CompareResult(const EvalCommand& cmd, const QueryOutcome& outcome);
Status AssertMatrixSorted(const Matrix& matrix);

// test.go's comparison of a result value: Prometheus's almost.Equal
// (quantile.h's AlmostEqual) with epsilon 1e-6, and stale markers equal
// only to stale markers (both NaN otherwise counts as equal).
bool ResultValuesEqual(double a, double b);

// --- What a runner needs for test.go's hidden checks. ---

// Whether `expr` contains `start()`, `end()`, `range()` or `step()` (test.go
// then skips the range-mode check).
bool UsesQueryContextFunctions(std::string_view expr);

// Functions whose result varies with the evaluation time even when their
// arguments are step-invariant (promql.AtModifierUnsafeFunctions): an
// expression calling one gets no `@` variants.
const std::vector<std::string_view>& AtModifierUnsafeFunctions();

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_TEST_SCRIPT_H_
