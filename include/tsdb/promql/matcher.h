// Label matchers: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`, as
// Prometheus's model/labels.Matcher. Regular expressions are RE2 (the
// syntax Go's regexp shares) and fully anchored: `=~"a.*"` must match the
// whole value, and `.` matches a newline too (Prometheus wraps them as
// `^(?s:re)$`).
//
// A matcher is immutable after Make and cheap to copy (the compiled
// expression is shared); Matches may be called from several threads.
#ifndef TSDB_PROMQL_MATCHER_H_
#define TSDB_PROMQL_MATCHER_H_

#include <memory>
#include <string>
#include <string_view>

#include "tsdb/status.h"

namespace re2 {
class RE2;
}

namespace tsdb::promql {

enum class MatchType : uint8_t { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// `=`, `!=`, `=~`, `!~`.
std::string_view MatchTypeText(MatchType type);

class LabelMatcher {
 public:
  // InvalidArgument when a regular expression does not compile.
  static Result<LabelMatcher> Make(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }
  bool IsRegex() const { return type_ == MatchType::kRegexMatch || type_ == MatchType::kRegexNoMatch; }

  // Whether a label value (empty: the label is absent) passes.
  bool Matches(std::string_view label_value) const;

  // `name="value"` as Prometheus prints it (the name quoted when it is not
  // a plain identifier, the value with Go's quoting).
  std::string ToString() const;

 private:
  LabelMatcher(MatchType type, std::string name, std::string value,
               std::shared_ptr<const re2::RE2> re)
      : type_(type), name_(std::move(name)), value_(std::move(value)), re_(std::move(re)) {}

  MatchType type_;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;  // regex types only
};

// Whether `name` is a label name that needs no quotes ([a-zA-Z_][a-zA-Z0-9_]*).
bool IsLegacyLabelName(std::string_view name);

// Whether `name` may name a label: Prometheus 3.x accepts any non-empty
// valid UTF-8 (its UTF-8 validation scheme).
bool IsValidLabelName(std::string_view name);

// Whether `text` is valid UTF-8 (no surrogates, no overlong forms).
bool IsValidUtf8(std::string_view text);

// `text` with every byte that is not part of valid UTF-8 replaced by U+FFFD,
// which is how Go's regexp sees such bytes (RE2 would match none of them).
std::string ToValidUtf8(std::string_view text);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_MATCHER_H_
