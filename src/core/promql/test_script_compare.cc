// Checking a query outcome against an eval command's expectations
// (include/tsdb/promql/test_script.h), as test.go's runner checks it, with
// its messages: values print as Go prints them (%v of a float, %f of an
// expected sequence value, FormatFloat 'f' inside series), label sets as
// labels.String.
#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "re2/re2.h"
#include "promql/script_text.h"
#include "tsdb/promql/go_strconv.h"
#include "tsdb/promql/lexer.h"
#include "tsdb/promql/test_script.h"

#include "tsdb/promql/matcher.h"
#include "tsdb/promql/quantile.h"

namespace tsdb::promql {
namespace {

using script::Cat;
using script::EndsWith;
using script::StartsWith;

constexpr std::string_view kWarningPrefix = "PromQL warning: ";
constexpr std::string_view kInfoPrefix = "PromQL info: ";

Status Fail(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

// Go's %v of a float64.
std::string V(double v) { return GoSprintFloat(v); }

// parser.SequenceValue's String: "_", or %f.
std::string SequenceValueString(const SequenceValue& v) {
  if (v.omitted) return "_";
  if (v.histogram) return "{{histogram}}";
  if (std::isnan(v.value)) return "NaN";
  if (std::isinf(v.value)) return v.value > 0 ? "+Inf" : "-Inf";
  return absl::StrFormat("%f", v.value);
}

// %v of a []SequenceValue: "[1.000000 _]".
std::string SequenceString(const std::vector<SequenceValue>& vals) {
  std::vector<std::string> parts;
  parts.reserve(vals.size());
  for (const SequenceValue& v : vals) parts.push_back(SequenceValueString(v));
  return Cat("[", absl::StrJoin(parts, " "), "]");
}

// promql.FPoint's String: FormatFloat 'f' and the time.
std::string PointString(int64_t t, double v) {
  return Cat(GoFormatFloat(v, 'f'), " @[", t, "]");
}

// test.go's formatSeriesResult (float points only: this engine has no
// histograms).
std::string FormatSeriesResult(const Series& s) {
  std::vector<std::string> points;
  points.reserve(s.samples.size());
  for (const Sample& p : s.samples) points.push_back(PointString(p.t, p.v));
  return Cat(s.samples.size(), " float point", s.samples.size() == 1 ? "" : "s", " [",
                      absl::StrJoin(points, " "), "] and 0 histogram points []");
}

std::string VectorString(const Vector& vec) {
  std::vector<std::string> parts;
  parts.reserve(vec.size());
  for (const VectorElement& e : vec) {
    parts.push_back(Cat(e.labels.ToString(), " => ", PointString(e.t, e.v)));
  }
  return absl::StrJoin(parts, "\n");
}

std::string MatrixString(const Matrix& m) {
  std::vector<std::string> parts;
  parts.reserve(m.size());
  for (const Series& s : m) {
    std::vector<std::string> points;
    for (const Sample& p : s.samples) points.push_back(PointString(p.t, p.v));
    parts.push_back(Cat(s.labels.ToString(), " =>\n", absl::StrJoin(points, "\n")));
  }
  return absl::StrJoin(parts, "\n");
}

std::string ScalarString(double v, int64_t t) {
  return Cat("scalar: ", GoFormatFloat(v, 'f'), " @[", t, "]");
}

const ExpectedSeries* FindExpected(const EvalCommand& cmd, const Labels& labels) {
  for (const ExpectedSeries& e : cmd.expected) {
    if (e.labels == labels) return &e;
  }
  return nullptr;
}

// annotations.AsErrors printed with %v: "[PromQL warning: a PromQL info: b]".
std::string AllAnnotations(const Annotations& annotations) {
  std::vector<std::string> parts;
  for (const std::string& w : annotations.warnings) parts.push_back(Cat(kWarningPrefix, w));
  for (const std::string& i : annotations.infos) parts.push_back(Cat(kInfoPrefix, i));
  return Cat("[", absl::StrJoin(parts, " "), "]");
}

// test.go's validateExpectedAnnotationsOfType: every expect line matches
// some annotation, and every annotation some expect line.
Status ValidateAnnotationsOfType(const EvalCommand& cmd, std::string_view expr, ExpectKind kind,
                                 const std::vector<std::string>& actual, std::string_view type,
                                 const Annotations& all) {
  std::vector<const Expectation*> expected;
  for (const Expectation& e : cmd.expects) {
    if (e.kind == kind) expected.push_back(&e);
  }
  if (expected.empty()) return Status();
  if (actual.empty()) {
    return Fail(Cat("expected ", type, " annotations but none were found for query ",
                             GoQuote(expr), " (line ", cmd.line, ")"));
  }
  for (const Expectation* e : expected) {
    bool found = false;
    for (const std::string& a : actual) found = found || e->Matches(a);
    if (!found) {
      return Fail(Cat("expected ", type, " annotation matching ", e->Type(), " ",
                               GoQuote(e->String()),
                               " but no matching annotation was found for query ", GoQuote(expr),
                               " (line ", cmd.line, "), found: ", AllAnnotations(all)));
    }
  }
  for (const std::string& a : actual) {
    bool found = false;
    for (const Expectation* e : expected) found = found || e->Matches(a);
    if (!found) {
      return Fail(Cat("unexpected ", type, " annotation ", GoQuote(a),
                               " found for query ", expr, " (line ", cmd.line, ")"));
    }
  }
  return Status();
}

Status CompareMatrix(const EvalCommand& cmd, const Matrix& m) {
  if (cmd.IsOrdered()) return Fail("expected ordered result, but query returned a matrix");
  if (cmd.expect_scalar) {
    return Fail(Cat("expected scalar result, but got matrix ", MatrixString(m)));
  }
  TSDB_RETURN_IF_ERROR(AssertMatrixSorted(m));
  std::vector<bool> seen(cmd.expected.size(), false);
  for (const Series& s : m) {
    const ExpectedSeries* exp = FindExpected(cmd, s.labels);
    if (exp == nullptr) {
      return Fail(Cat("unexpected metric ", s.labels.ToString(), " in result, has ",
                               FormatSeriesResult(s)));
    }
    seen[static_cast<size_t>(exp - cmd.expected.data())] = true;
    std::vector<Sample> floats;
    size_t histograms = 0;
    for (size_t i = 0; i < exp->values.size(); ++i) {
      // Overflow-safe: an instant command's end is INT64_MIN.
      const int64_t t = cmd.start_ms + static_cast<int64_t>(i) * cmd.step_ms;
      if (t > cmd.end_ms) {
        return Fail(Cat("expected ", exp->values.size(), " points for ",
                                 exp->labels.ToString(),
                                 ", but query time range cannot return this many points"));
      }
      if (exp->values[i].histogram) {
        ++histograms;
      } else if (!exp->values[i].omitted) {
        floats.push_back(Sample{t, exp->values[i].value});
      }
    }
    if (floats.size() != s.samples.size() || histograms != 0) {
      return Fail(Cat("expected ", floats.size(), " float points and ", histograms,
                               " histogram points for ", exp->labels.ToString(), ", but got ",
                               FormatSeriesResult(s)));
    }
    for (size_t i = 0; i < floats.size(); ++i) {
      const Sample& want = floats[i];
      const Sample& got = s.samples[i];
      if (want.t != got.t) {
        return Fail(Cat("expected float value at index ", i, " for ",
                                 exp->labels.ToString(), " to have timestamp ", want.t,
                                 ", but it had timestamp ", got.t, " (result has ",
                                 FormatSeriesResult(s), ")"));
      }
      if (!ResultValuesEqual(got.v, want.v)) {
        return Fail(Cat("expected float value at index ", i, " (t=", got.t, ") for ",
                                 exp->labels.ToString(), " to be ", V(want.v), ", but got ",
                                 V(got.v), " (result has ", FormatSeriesResult(s), ")"));
      }
    }
  }
  for (size_t i = 0; i < cmd.expected.size(); ++i) {
    if (!seen[i]) {
      return Fail(Cat("expected metric ", cmd.expected[i].labels.ToString(),
                               " not found"));
    }
  }
  return Status();
}

Status CompareVector(const EvalCommand& cmd, const Vector& vec) {
  if (cmd.expect_scalar) {
    return Fail(Cat("expected scalar result, but got vector ", VectorString(vec)));
  }
  std::vector<bool> seen(cmd.expected.size(), false);
  for (size_t pos = 0; pos < vec.size(); ++pos) {
    const VectorElement& v = vec[pos];
    const ExpectedSeries* exp = FindExpected(cmd, v.labels);
    if (exp == nullptr) {
      return Fail(Cat("unexpected metric ", v.labels.ToString(),
                               " in result, has value ", V(v.v)));
    }
    if (cmd.IsOrdered() && exp->pos != static_cast<int>(pos) + 1) {
      return Fail(Cat("expected metric ", v.labels.ToString(), " with ",
                               SequenceString(exp->values), " at position ", exp->pos,
                               " but was at ", pos + 1));
    }
    const SequenceValue want = exp->values.empty() ? SequenceValue{} : exp->values[0];
    if (want.histogram) {
      return Fail(Cat("expected histogram for ", v.labels.ToString(),
                               " but got float value ", V(v.v)));
    }
    if (!ResultValuesEqual(want.value, v.v)) {
      return Fail(Cat("expected ", V(want.value), " for ", v.labels.ToString(),
                               " but got ", V(v.v)));
    }
    seen[static_cast<size_t>(exp - cmd.expected.data())] = true;
  }
  for (size_t i = 0; i < cmd.expected.size(); ++i) {
    if (!seen[i]) {
      const ExpectedSeries& e = cmd.expected[i];
      return Fail(Cat("expected metric ", e.labels.ToString(), " with ", e.pos, ": ",
                               SequenceString(e.values), " not found"));
    }
  }
  return Status();
}

}  // namespace

bool ResultValuesEqual(double a, double b) {
  // A stale marker equals only a stale marker (it is a NaN, but a special
  // one that results must keep).
  if (IsStaleNaN(a) || IsStaleNaN(b)) return IsStaleNaN(a) && IsStaleNaN(b);
  return AlmostEqual(a, b, 1e-6);
}

Status AssertMatrixSorted(const Matrix& m) {
  for (size_t i = 0; i + 1 < m.size(); ++i) {
    if (Labels::Compare(m[i].labels, m[i + 1].labels) > 0) {
      return Fail(Cat(
          "matrix results should always be sorted by labels, but matrix is not sorted: series at "
          "index ",
          i + 1, " with labels ", m[i + 1].labels.ToString(), " sorts before series at index ", i,
          " with labels ", m[i].labels.ToString()));
    }
  }
  return Status();
}

Status CheckExpectedFailure(const EvalCommand& cmd, std::string_view error) {
  if (!cmd.expected_fail_message.empty() && cmd.expected_fail_message != error) {
    return Fail(Cat("expected error ", GoQuote(cmd.expected_fail_message),
                             " evaluating query ", GoQuote(cmd.expr), " (line ", cmd.line,
                             "), but got: ", error));
  }
  if (cmd.expected_fail_regexp != nullptr && !RE2::PartialMatch(ToValidUtf8(error), *cmd.expected_fail_regexp)) {
    return Fail(Cat("expected error matching pattern ",
                             GoQuote(cmd.expected_fail_regexp->pattern()), " evaluating query ",
                             GoQuote(cmd.expr), " (line ", cmd.line, "), but got: ", error));
  }
  for (const Expectation& e : cmd.expects) {
    if (e.kind != ExpectKind::kFail) continue;
    if (!e.Matches(error)) {
      return Fail(Cat("expected error matching ", GoQuote(e.String()),
                               " evaluating query ", GoQuote(cmd.expr), " (line ", cmd.line,
                               "), but got: ", error));
    }
    break;  // only the first (there is at most one)
  }
  return Status();
}

Status CheckAnnotations(const EvalCommand& cmd, std::string_view expr,
                        const Annotations& annotations) {
  if (cmd.warn && annotations.warnings.empty()) {
    return Fail(Cat("expected warnings evaluating query ", GoQuote(expr), " (line ",
                             cmd.line, ") but got none"));
  }
  if (cmd.info && annotations.infos.empty()) {
    return Fail(Cat("expected info annotations evaluating query ", GoQuote(expr),
                             " (line ", cmd.line, ") but got none"));
  }
  // The texts the scripts match carry the prefix Prometheus's errors have.
  std::vector<std::string> warnings, infos;
  for (const std::string& w : annotations.warnings) warnings.push_back(Cat(kWarningPrefix, w));
  for (const std::string& i : annotations.infos) infos.push_back(Cat(kInfoPrefix, i));
  TSDB_RETURN_IF_ERROR(
      ValidateAnnotationsOfType(cmd, expr, ExpectKind::kWarn, warnings, "warn", annotations));
  TSDB_RETURN_IF_ERROR(
      ValidateAnnotationsOfType(cmd, expr, ExpectKind::kInfo, infos, "info", annotations));
  if (cmd.Has(ExpectKind::kNoWarn) && !warnings.empty()) {
    return Fail(Cat("unexpected warning annotations evaluating query ", GoQuote(expr),
                             " (line ", cmd.line, "): ", AllAnnotations(annotations)));
  }
  if (cmd.Has(ExpectKind::kNoInfo) && !infos.empty()) {
    return Fail(Cat("unexpected info annotations evaluating query ", GoQuote(expr),
                             " (line ", cmd.line, "): ", AllAnnotations(annotations)));
  }
  return Status();
}

Status CompareResult(const EvalCommand& cmd, const QueryOutcome& outcome) {
  switch (outcome.kind) {
    case ResultKind::kMatrix:
      return CompareMatrix(cmd, outcome.matrix);
    case ResultKind::kVector:
      return CompareVector(cmd, outcome.vector);
    case ResultKind::kScalar:
      if (!cmd.expect_scalar) {
        return Fail(Cat("expected vector or matrix result, but got ",
                                 ScalarString(outcome.scalar, outcome.t)));
      }
      if (!ResultValuesEqual(cmd.expected_scalar, outcome.scalar)) {
        return Fail(Cat("expected scalar ", V(cmd.expected_scalar), " but got ",
                                 V(outcome.scalar)));
      }
      return Status();
    case ResultKind::kString:
      if (cmd.expected_string != outcome.string) {
        return Fail(Cat("expected string \"", cmd.expected_string, "\" but got \"",
                                 outcome.string, "\""));
      }
      return Status();
  }
  return Status();
}

Status CheckEvalOutcome(const EvalCommand& cmd, std::string_view expr,
                        const QueryOutcome& outcome) {
  if (outcome.error.has_value()) {
    if (cmd.IsFail()) return CheckExpectedFailure(cmd, *outcome.error);
    return Fail(Cat("error evaluating query ", GoQuote(expr), " (line ", cmd.line,
                             "): ", *outcome.error));
  }
  if (cmd.IsFail()) {
    return Fail(Cat("expected error evaluating query ", GoQuote(expr), " (line ",
                             cmd.line, ") but got none"));
  }
  TSDB_RETURN_IF_ERROR(CheckAnnotations(cmd, expr, outcome.annotations));
  Status s = CompareResult(cmd, outcome);
  if (!s.ok()) {
    return Fail(Cat("error in eval ", expr, " (line ", cmd.line, "): ", s.message()));
  }
  return Status();
}

}  // namespace tsdb::promql
