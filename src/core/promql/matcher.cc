#include "tsdb/promql/matcher.h"

#include "promql/utf8.h"

#include "re2/re2.h"
#include "tsdb/promql/lexer.h"

namespace tsdb::promql {

std::string_view MatchTypeText(MatchType type) {
  switch (type) {
    case MatchType::kEqual: return "=";
    case MatchType::kNotEqual: return "!=";
    case MatchType::kRegexMatch: return "=~";
    case MatchType::kRegexNoMatch: return "!~";
  }
  return "?";
}

namespace {

// Go's regexp/syntax error texts for RE2's error codes (the two libraries
// reject the same expressions; Prometheus prints Go's words).
std::string_view GoRegexpError(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape: return "invalid escape sequence";
    case RE2::ErrorBadCharClass: return "invalid character class";
    case RE2::ErrorBadCharRange: return "invalid character class range";
    case RE2::ErrorMissingBracket: return "missing closing ]";
    case RE2::ErrorMissingParen: return "missing closing )";
    case RE2::ErrorUnexpectedParen: return "unexpected )";
    case RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize: return "invalid repeat count";
    case RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "invalid named capture";
    case RE2::ErrorPatternTooLarge: return "expression too large";
    default: return "invalid regular expression";
  }
}

}  // namespace

Result<LabelMatcher> LabelMatcher::Make(MatchType type, std::string name, std::string value) {
  std::shared_ptr<const re2::RE2> re;
  if (type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch) {
    RE2::Options options;
    options.set_log_errors(false);
    // Go's regexp has no size limit of RE2's default order; 64 MiB keeps
    // large alternations (Grafana's multi-value variables) compiling.
    options.set_max_mem(64 << 20);
    auto compiled = std::make_shared<re2::RE2>("^(?s:" + value + ")$", options);
    if (!compiled->ok()) {
      return InvalidArgument("error parsing regexp: %s: `%s`", GoRegexpError(compiled->error_code()),
                             compiled->error_arg());
    }
    re = std::move(compiled);
  }
  return LabelMatcher(type, std::move(name), std::move(value), std::move(re));
}

bool LabelMatcher::Matches(std::string_view label_value) const {
  switch (type_) {
    case MatchType::kEqual: return label_value == value_;
    case MatchType::kNotEqual: return label_value != value_;
    case MatchType::kRegexMatch: return RE2::FullMatch(label_value, *re_);
    case MatchType::kRegexNoMatch: return !RE2::FullMatch(label_value, *re_);
  }
  return false;
}

bool IsLegacyLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

namespace {

// The length of the valid UTF-8 sequence at text[i], or 0.
size_t ValidSequenceAt(std::string_view text, size_t i) {
  uint32_t width;
  return utf8::ValidAt(text, i, &width) ? width : 0;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t width = ValidSequenceAt(text, i);
    if (width == 0) return false;
    i += width;
  }
  return true;
}

std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t width = ValidSequenceAt(text, i);
    if (width == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.data() + i, width);
      i += width;
    }
  }
  return out;
}

bool IsValidLabelName(std::string_view name) { return !name.empty() && IsValidUtf8(name); }

std::string LabelMatcher::ToString() const {
  std::string out = IsLegacyLabelName(name_) ? name_ : GoQuote(name_);
  out += MatchTypeText(type_);
  out += GoQuote(value_);
  return out;
}

}  // namespace tsdb::promql
