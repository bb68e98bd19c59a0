// Parsing promqltest scripts into commands (ParseTestScript in
// include/tsdb/promql/test_script.h), rule for rule as test.go parses them:
// the same line regexes (RE2 has Go's leftmost-first submatch semantics, so
// the lazy `at` time and greedy `from`/`to` times split alike), the same
// block ends, and the same body-line precedence.
#include <limits>
#include <utility>

#include "re2/re2.h"
#include "promql/script_text.h"
#include "tsdb/promql/go_strconv.h"
#include "tsdb/promql/lexer.h"
#include "tsdb/promql/test_script.h"
#include "tsdb/promql/matcher.h"

namespace tsdb::promql {
namespace {

using script::Cat;
using script::EndsWith;
using script::StartsWith;

constexpr std::string_view kRangeVectorPrefix = "expect range vector";
constexpr std::string_view kExpectStringPrefix = "expect string";

const RE2& LoadPattern() {
  static const RE2 re(R"(^load(?:_(with_nhcb))?\s+(.+?)$)");
  return re;
}
const RE2& EvalInstantPattern() {
  static const RE2 re(
      R"(^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$)");
  return re;
}
const RE2& EvalRangePattern() {
  static const RE2 re(
      R"(^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$)");
  return re;
}
const RE2& ExpectPattern() {
  static const RE2 re(
      R"(^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$)");
  return re;
}
const RE2& ExpectRangePattern() {
  static const RE2 re(R"(^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$)");
  return re;
}
// test.go's patMatchAny: what a bare `expect warn` line matches.
std::shared_ptr<const re2::RE2> MatchAny() {
  static const auto* re = new std::shared_ptr<const re2::RE2>(std::make_shared<RE2>("^.*$"));
  return *re;
}

template <typename Message>
Status LineError(int line, const Message& message) {
  return absl::InvalidArgumentError(Cat("line ", line, ": ", message));
}

using script::TrimSpace;

// test.go's getLines: trimmed, comment lines emptied.
std::vector<std::string_view> GetLines(std::string_view input) {
  std::vector<std::string_view> lines = script::Split(input, "\n", false);
  for (std::string_view& l : lines) {
    l = TrimSpace(l);
    if (StartsWith(l, "#")) l = std::string_view();
  }
  return lines;
}

// The first word of a line split at runs of spaces and tabs, lower-cased.
std::string CommandWord(std::string_view line) {
  const size_t end = line.find_first_of(" \t");
  return script::AsciiLower(line.substr(0, end));
}

// model.ParseDuration for a script time or step, in milliseconds.
Result<int64_t> ParseTime(std::string_view text) { return ParsePromDuration(text); }

// --- start-timestamp lines: `metric{...}@st <offsets>` ---

bool IsStartTimestampLine(std::string_view line) {
  line = TrimSpace(line);
  const size_t space = line.find_first_of(" \t");
  if (space == std::string_view::npos) return false;
  return EndsWith(line.substr(0, space), "@st");
}

// test.go's parseDurationPrefix: [+-]digits[unit letters other than x].
Status ParseDurationPrefix(std::string_view s, int64_t* ms, std::string_view* rest) {
  if (s.empty()) return absl::InvalidArgumentError("empty duration");
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    ++i;
  }
  const size_t start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == start) {
    return absl::InvalidArgumentError(Cat("expected digits in duration ", GoQuote(s)));
  }
  while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')) && s[i] != 'x') {
    ++i;
  }
  const std::string_view text = s.substr(start, i - start);
  Result<int64_t> d = ParsePromDuration(text);
  if (!d.ok()) {
    return absl::InvalidArgumentError(
        Cat("invalid duration ", GoQuote(text), ": ", d.status().message()));
  }
  *ms = negative ? -*d : *d;
  *rest = s.substr(i);
  return Status();
}

Result<uint64_t> ParseCount(std::string_view text) {
  uint64_t n = 0;
  if (text.empty()) return absl::InvalidArgumentError("invalid repeat count");
  for (const char c : text) {
    if (c < '0' || c > '9' || n > (UINT64_MAX - static_cast<uint64_t>(c - '0')) / 10) {
      return absl::InvalidArgumentError("invalid repeat count");
    }
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

// test.go's parseSTItem: one item of a start-timestamp sequence.
Status ParseStartItem(std::string_view item, double previous, std::vector<SequenceValue>* out) {
  // At most kMaxStartValues per line (a typo in a count must not exhaust
  // memory).
  constexpr uint64_t kMaxStartValues = 10000000;
  const auto room = [&](uint64_t n) -> Status {
    if (n > kMaxStartValues || out->size() + n > kMaxStartValues) {
      return absl::InvalidArgumentError("ST sequence expands to more than 10000000 values");
    }
    return Status();
  };
  const auto add = [&](uint64_t n, SequenceValue v) -> Status {
    TSDB_RETURN_IF_ERROR(room(n));
    for (uint64_t i = 0; i < n; ++i) out->push_back(v);
    return Status();
  };
  if (item == "_") {
    return add(1, SequenceValue{0, true, false});
  }
  if (StartsWith(item, "_x")) {
    Result<uint64_t> n = ParseCount(item.substr(2));
    if (!n.ok() || *n == 0) return absl::InvalidArgumentError("invalid repeat count");
    return add(*n, SequenceValue{0, true, false});
  }
  // `*` repeats the previous offset.
  if (item == "*") {
    return add(1, SequenceValue{previous, false, false});
  }
  if (StartsWith(item, "*x")) {
    TSDB_ASSIGN_OR_RETURN(uint64_t n, ParseCount(item.substr(2)));
    if (n >= kMaxStartValues) return room(n);
    return add(n + 1, SequenceValue{previous, false, false});
  }
  int64_t base;
  std::string_view rest;
  TSDB_RETURN_IF_ERROR(ParseDurationPrefix(item, &base, &rest));
  if (rest.empty()) {
    return add(1, SequenceValue{static_cast<double>(base), false, false});
  }
  if (rest[0] == 'x') {
    TSDB_ASSIGN_OR_RETURN(uint64_t n, ParseCount(rest.substr(1)));
    if (n >= kMaxStartValues) return room(n);
    return add(n + 1, SequenceValue{static_cast<double>(base), false, false});
  }
  if (rest[0] != '+' && rest[0] != '-') {
    return absl::InvalidArgumentError(
        Cat("unexpected character ", GoQuoteRune(static_cast<unsigned char>(rest[0])),
                     " after duration"));
  }
  const bool negative = rest[0] == '-';
  int64_t delta;
  std::string_view rest2;
  Status s = ParseDurationPrefix(rest.substr(1), &delta, &rest2);
  if (!s.ok()) {
    return absl::InvalidArgumentError(Cat("invalid step duration: ", s.message()));
  }
  if (negative) delta = -delta;
  if (rest2.empty() || rest2[0] != 'x') {
    return absl::InvalidArgumentError("expected 'x<count>' after step duration");
  }
  TSDB_ASSIGN_OR_RETURN(uint64_t n, ParseCount(rest2.substr(1)));
  if (n >= kMaxStartValues) return room(n);
  TSDB_RETURN_IF_ERROR(room(n + 1));
  int64_t offset = base;
  for (uint64_t i = 0; i <= n; ++i) {
    out->push_back(SequenceValue{static_cast<double>(offset), false, false});
    if (i < n && __builtin_add_overflow(offset, delta, &offset)) {
      return absl::InvalidArgumentError("ST offsets overflow");
    }
  }
  return Status();
}

Result<std::vector<SequenceValue>> ParseStartSequence(std::string_view input) {
  std::vector<SequenceValue> out;
  for (std::string_view item : script::Split(input, " \t\n\r\v\f", true)) {
    double previous = 0;
    for (auto it = out.rbegin(); it != out.rend(); ++it) {
      if (!it->omitted) {
        previous = it->value;
        break;
      }
    }
    Status s = ParseStartItem(item, previous, &out);
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          Cat("invalid ST item ", GoQuote(item), ": ", s.message()));
    }
  }
  return out;
}

struct StartLine {
  bool standalone = false;  // `@st ...`: the default for later lines
  Labels labels;
  std::vector<SequenceValue> offsets;
};

Result<StartLine> ParseStartLine(std::string_view def, int line) {
  def = TrimSpace(def);
  const size_t space = def.find_first_of(" \t");
  StartLine out;
  std::string_view metric = def.substr(0, space);
  metric.remove_suffix(3);  // "@st"
  Result<std::vector<SequenceValue>> offsets = ParseStartSequence(TrimSpace(def.substr(space + 1)));
  if (!offsets.ok()) {
    return LineError(line, Cat("invalid @st sequence: ", offsets.status().message()));
  }
  out.offsets = *std::move(offsets);
  if (metric.empty()) {
    out.standalone = true;
    return out;
  }
  Result<SeriesDesc> desc = ParseSeriesDesc(Cat(metric, " _"));
  if (!desc.ok()) {
    return LineError(line, Cat("invalid @st line metric ", GoQuote(metric), ": ",
                                        desc.status().message()));
  }
  out.labels = std::move(desc->labels);
  return out;
}

// --- load ---

// test.go's loadCmd.set: the samples of one series line, a later series
// with the same labels replacing the earlier one.
Status SetSeries(LoadCommand* cmd, int line, Labels labels, const std::vector<SequenceValue>& vals,
               const std::vector<SequenceValue>& starts,
               const std::vector<SequenceValue>& default_starts) {
  LoadSeries series;
  series.line = line;
  series.labels = std::move(labels);
  for (size_t i = 0; i < vals.size(); ++i) {
    const SequenceValue& v = vals[i];
    int64_t t;
    if (__builtin_mul_overflow(static_cast<int64_t>(i), cmd->interval_ms, &t)) {
      return LineError(line, "sample times overflow");
    }
    if (v.histogram) series.has_histograms = true;
    if (v.omitted || v.histogram) continue;
    LoadSample sample{t, v.value, 0};
    const SequenceValue* start = nullptr;
    if (!starts.empty()) {
      start = &starts[i];
    } else if (!default_starts.empty()) {
      start = &default_starts[i % default_starts.size()];
    }
    // Offsets are durations in ms (well inside int64), but t + offset may not be.
    if (start != nullptr && !start->omitted &&
        __builtin_add_overflow(t, static_cast<int64_t>(start->value), &sample.start_time)) {
      return LineError(line, "start times overflow");
    }
    series.samples.push_back(sample);
  }
  if (series.has_histograms) cmd->native_histograms = true;
  for (LoadSeries& existing : cmd->series) {
    if (existing.labels == series.labels) {
      existing = std::move(series);
      return Status();
    }
  }
  cmd->series.push_back(std::move(series));
  return Status();
}

// Parses the load command at lines[*i] and its block; *i ends on the
// block's last line.
Result<LoadCommand> ParseLoad(const std::vector<std::string_view>& lines, size_t* i) {
  const int line = static_cast<int>(*i) + 1;
  std::string with_nhcb, step;
  if (!RE2::FullMatch(lines[*i], LoadPattern(), &with_nhcb, &step)) {
    return LineError(line, "invalid load command. (load[_with_nhcb] <step:duration>)");
  }
  LoadCommand cmd;
  const size_t first_line = *i;
  cmd.with_nhcb = with_nhcb == "with_nhcb";
  cmd.native_histograms = cmd.with_nhcb;
  Result<int64_t> gap = ParseTime(step);
  if (!gap.ok()) {
    return LineError(line, Cat("invalid step definition ", GoQuote(step), ": ",
                                        gap.status().message()));
  }
  cmd.interval_ms = *gap;
  std::vector<SequenceValue> default_starts;
  std::optional<StartLine> pending;
  int pending_line = 0;
  while (*i + 1 < lines.size()) {
    ++*i;
    const std::string_view def = lines[*i];
    const int def_line = static_cast<int>(*i) + 1;
    if (def.empty()) {
      --*i;
      break;
    }
    if (IsStartTimestampLine(def)) {
      if (pending) return LineError(pending_line, "@st line has no following sample line");
      TSDB_ASSIGN_OR_RETURN(StartLine st, ParseStartLine(def, def_line));
      if (st.standalone) {
        default_starts = std::move(st.offsets);
        continue;
      }
      pending = std::move(st);
      pending_line = def_line;
      continue;
    }
    Result<SeriesDesc> desc = ParseSeriesDesc(def);
    if (!desc.ok()) return LineError(def_line, desc.status().message());
    std::vector<SequenceValue> starts;
    if (pending) {
      if (pending->labels != desc->labels) {
        return LineError(pending_line, "@st metric does not match the following sample line metric");
      }
      if (pending->offsets.size() != desc->values.size()) {
        return LineError(pending_line,
                         Cat("@st line has ", pending->offsets.size(),
                                      " values but sample line has ", desc->values.size()));
      }
      starts = std::move(pending->offsets);
      pending.reset();
    }
    TSDB_RETURN_IF_ERROR(
        SetSeries(&cmd, def_line, std::move(desc->labels), desc->values, starts, default_starts));
  }
  if (pending) return LineError(pending_line, "@st line has no following sample line");
  for (size_t k = first_line; k <= *i; ++k) {
    cmd.text.append(lines[k].data(), lines[k].size());
    cmd.text.push_back('\n');
  }
  return cmd;
}

// --- eval ---

Result<Expectation> ParseExpect(std::string_view def) {
  std::string mode, match_type, text;
  if (!RE2::FullMatch(TrimSpace(def), ExpectPattern(), &mode, &match_type, &text)) {
    return absl::InvalidArgumentError(
        "invalid expect statement, must match `expect <type> <match_type>: <string>` format");
  }
  Expectation e;
  if (mode == "fail") e.kind = ExpectKind::kFail;
  else if (mode == "ordered") e.kind = ExpectKind::kOrdered;
  else if (mode == "warn") e.kind = ExpectKind::kWarn;
  else if (mode == "no_warn") e.kind = ExpectKind::kNoWarn;
  else if (mode == "info") e.kind = ExpectKind::kInfo;
  else e.kind = ExpectKind::kNoInfo;
  if (match_type == "msg") {
    e.message = std::string(TrimSpace(text));
  } else if (match_type == "regex") {
    const std::string pattern(TrimSpace(text));
    auto re = std::make_shared<RE2>(pattern, RE2::Quiet);
    if (!re->ok()) {
      return absl::InvalidArgumentError(Cat("invalid regex ", pattern, " for ", mode));
    }
    e.regex = std::move(re);
  } else {
    e.regex = MatchAny();
  }
  return e;
}

Status ValidateExpects(const EvalCommand& cmd) {
  if (cmd.Has(ExpectKind::kInfo) && cmd.Has(ExpectKind::kNoInfo)) {
    return absl::InvalidArgumentError(
        "invalid expect lines, info and no_info cannot be used together");
  }
  if (cmd.Has(ExpectKind::kWarn) && cmd.Has(ExpectKind::kNoWarn)) {
    return absl::InvalidArgumentError(
        "invalid expect lines, warn and no_warn cannot be used together");
  }
  int fails = 0;
  for (const Expectation& e : cmd.expects) fails += e.kind == ExpectKind::kFail;
  if (fails > 1) {
    return absl::InvalidArgumentError(
        "invalid expect lines, multiple expect fail lines are not allowed");
  }
  return Status();
}

// test.go's parseDurations: from, to (not before from) and step.
Status ParseRangeTimes(std::string_view from, std::string_view to, std::string_view step,
                       int64_t* start, int64_t* end, int64_t* step_ms) {
  Result<int64_t> f = ParseTime(from);
  if (!f.ok()) {
    return absl::InvalidArgumentError(Cat("invalid start timestamp definition ",
                                                   GoQuote(from), ": ", f.status().message()));
  }
  Result<int64_t> t = ParseTime(to);
  if (!t.ok()) {
    return absl::InvalidArgumentError(Cat("invalid end timestamp definition ",
                                                   GoQuote(to), ": ", t.status().message()));
  }
  if (*t < *f) {
    return absl::InvalidArgumentError(
        Cat("invalid test definition, end timestamp (", to,
                     ") is before start timestamp (", from, ")"));
  }
  Result<int64_t> s = ParseTime(step);
  if (!s.ok()) {
    return absl::InvalidArgumentError(Cat("invalid step definition ", GoQuote(step),
                                                   ": ", s.status().message()));
  }
  *start = *f;
  *end = *t;
  *step_ms = *s;
  return Status();
}

// test.go's parseAsStringLiteral.
Result<std::string> ParseStringLiteral(std::string_view line) {
  if (line == kExpectStringPrefix) {
    return absl::InvalidArgumentError(
        "expected string literal not valid - a quoted string literal is required");
  }
  std::string_view str = line;
  const std::string prefix = Cat(kExpectStringPrefix, " ");
  if (StartsWith(str, prefix)) str.remove_prefix(prefix.size());
  if (str.empty()) {
    return absl::InvalidArgumentError(
        "expected string literal not valid - a quoted string literal is required");
  }
  Result<std::string> s = GoUnquote(str);
  if (!s.ok()) {
    return absl::InvalidArgumentError(
        "expected string literal not valid - check that the string is correctly quoted");
  }
  return s;
}

// test.go's parseNumber: ParseInt base 0, else ParseFloat.
bool ParseNumber(std::string_view s, double* out) {
  const ParsedInt i = GoParseInt(s);
  if (i.error == NumError::kNone) {
    *out = static_cast<double>(i.value);
    return true;
  }
  const ParsedFloat f = GoParseFloat(s);
  if (f.error != NumError::kNone) return false;
  *out = f.value;
  return true;
}

void ExpectMetric(EvalCommand* cmd, int pos, Labels labels, std::vector<SequenceValue> vals) {
  cmd->expect_scalar = false;
  for (const SequenceValue& v : vals) {
    if (v.histogram) cmd->native_histograms = true;
  }
  for (ExpectedSeries& e : cmd->expected) {
    if (e.labels == labels) {
      e.pos = pos;
      e.values = std::move(vals);
      return;
    }
  }
  cmd->expected.push_back(ExpectedSeries{pos, std::move(labels), std::move(vals)});
}

Result<EvalCommand> ParseEval(const std::vector<std::string_view>& lines, size_t* i) {
  const std::string_view text = lines[*i];
  const int line = static_cast<int>(*i) + 1;
  std::string mod, at, expr, from, to, step;
  const bool is_instant = RE2::FullMatch(text, EvalInstantPattern(), &mod, &at, &expr);
  if (!is_instant && !RE2::FullMatch(text, EvalRangePattern(), &mod, &from, &to, &step, &expr)) {
    return LineError(line,
                     "invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] "
                     "instant [at <offset:duration>] <query>' or 'eval[_fail|_warn] range from "
                     "<from> to <to> step <step> <query>'");
  }
  // test.go's formatErr: names the expression and the line.
  const auto eval_error = [&](const auto& message) {
    return LineError(line, Cat("error in eval ", expr, ": ", message));
  };
  EvalCommand cmd;
  cmd.line = line;
  cmd.expr = expr;
  cmd.is_range = !is_instant;
  if (is_instant) {
    Result<int64_t> t = ParseTime(at);
    if (!t.ok()) {
      return eval_error(Cat("invalid timestamp definition ", GoQuote(at), ": ",
                                     t.status().message()));
    }
    cmd.start_ms = cmd.eval_ms = *t;
    cmd.end_ms = std::numeric_limits<int64_t>::min();  // Go's zero time
  } else {
    Status s = ParseRangeTimes(from, to, step, &cmd.start_ms, &cmd.end_ms, &cmd.step_ms);
    if (!s.ok()) return eval_error(s.message());
  }
  if (mod == "ordered") cmd.ordered = true;
  if (mod == "fail") cmd.fail = true;
  if (mod == "warn") cmd.warn = true;
  if (mod == "info") cmd.info = true;

  for (int j = 1; *i + 1 < lines.size(); ++j) {
    ++*i;
    const std::string_view def = lines[*i];
    const int def_line = static_cast<int>(*i) + 1;
    if (def.empty()) {
      --*i;
      break;
    }
    if (cmd.fail && StartsWith(def, "expected_fail_message")) {
      cmd.expected_fail_message =
          std::string(TrimSpace(def.substr(std::string_view("expected_fail_message").size())));
      break;
    }
    if (cmd.fail && StartsWith(def, "expected_fail_regexp")) {
      const std::string pattern(
          TrimSpace(def.substr(std::string_view("expected_fail_regexp").size())));
      auto re = std::make_shared<RE2>(pattern, RE2::Quiet);
      if (!re->ok()) {
        return eval_error(Cat("invalid regexp '", pattern,
                                       "' for expected_fail_regexp: ", re->error()));
      }
      cmd.expected_fail_regexp = std::move(re);
      break;
    }
    if (StartsWith(def, kRangeVectorPrefix)) {
      std::string f, t, s;
      if (!RE2::FullMatch(def, ExpectRangePattern(), &f, &t, &s)) {
        return eval_error(Cat("invalid range vector definition ", GoQuote(def)));
      }
      Status st = ParseRangeTimes(f, t, s, &cmd.start_ms, &cmd.end_ms, &cmd.step_ms);
      if (!st.ok()) return eval_error(st.message());
      cmd.expect_range_vector = true;
      cmd.eval_ms = cmd.end_ms;
      cmd.exclude_from_range_query = true;
      continue;
    }
    if (StartsWith(def, kExpectStringPrefix)) {
      Result<std::string> s = ParseStringLiteral(def);
      if (!s.ok()) return eval_error(s.status().message());
      cmd.expected_string = *std::move(s);
      cmd.exclude_from_range_query = true;
      continue;
    }
    // Only "expect" followed by a space (a metric named expect can still be
    // written `expect{}`).
    if (def.substr(0, def.find(' ')) == "expect") {
      Result<Expectation> e = ParseExpect(def);
      if (!e.ok()) return eval_error(e.status().message());
      cmd.expects.push_back(*std::move(e));
      --j;
      Status s = ValidateExpects(cmd);
      if (!s.ok()) return eval_error(s.message());
      continue;
    }
    double scalar;
    if (ParseNumber(def, &scalar)) {
      cmd.expect_scalar = true;
      cmd.expected_scalar = scalar;
      break;
    }
    Result<SeriesDesc> desc = ParseSeriesDesc(def);
    if (!desc.ok()) return LineError(def_line, desc.status().message());
    if (desc->values.size() > 1 && is_instant && !cmd.expect_range_vector) {
      return eval_error(
          "expecting multiple values in instant evaluation not allowed. consider using 'expect "
          "range vector' directive to enable a range vector result for an instant query");
    }
    ExpectMetric(&cmd, j, std::move(desc->labels), std::move(desc->values));
  }
  return cmd;
}

}  // namespace

bool Expectation::Matches(std::string_view text) const {
  if (regex == nullptr) return message == text;
  return RE2::PartialMatch(ToValidUtf8(text), *regex);
}

std::string Expectation::String() const { return regex == nullptr ? message : regex->pattern(); }

std::string_view Expectation::Type() const { return regex == nullptr ? "message" : "pattern"; }

bool EvalCommand::Has(ExpectKind kind) const {
  for (const Expectation& e : expects) {
    if (e.kind == kind) return true;
  }
  return false;
}

bool EvalCommand::IsOrdered() const { return ordered || Has(ExpectKind::kOrdered); }

bool EvalCommand::IsFail() const { return fail || Has(ExpectKind::kFail); }

Result<std::vector<Command>> ParseTestScript(std::string_view text) {
  const std::vector<std::string_view> lines = GetLines(text);
  std::vector<Command> commands;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view l = lines[i];
    if (l.empty()) continue;
    Command cmd;
    cmd.line = static_cast<int>(i) + 1;
    const std::string word = CommandWord(l);
    if (word == "clear") {
      cmd.kind = CommandKind::kClear;
    } else if (StartsWith(word, "load")) {
      cmd.kind = CommandKind::kLoad;
      TSDB_ASSIGN_OR_RETURN(cmd.load, ParseLoad(lines, &i));
    } else if (StartsWith(word, "eval")) {
      cmd.kind = CommandKind::kEval;
      TSDB_ASSIGN_OR_RETURN(cmd.eval, ParseEval(lines, &i));
    } else {
      return LineError(cmd.line, Cat("invalid command ", GoQuote(l)));
    }
    commands.push_back(std::move(cmd));
  }
  return commands;
}

bool UsesQueryContextFunctions(std::string_view expr) {
  static const RE2 re(R"((start|end|range|step)\(\))");
  return RE2::PartialMatch(expr, re);
}

const std::vector<std::string_view>& AtModifierUnsafeFunctions() {
  static const std::vector<std::string_view> names = {
      "days_in_month", "day_of_month", "day_of_week", "day_of_year", "end",
      "hour",          "minute",       "month",       "predict_linear", "range",
      "start",         "step",         "time",        "timestamp",   "year",
  };
  return names;
}

}  // namespace tsdb::promql
