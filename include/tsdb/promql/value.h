// The values PromQL works with, as Prometheus defines them
// (model/labels, promql/value.go): label sets, float samples, series, and
// the four result types (scalar, string, instant vector, range vector).
//
// Times are int64 milliseconds since the Unix epoch everywhere in the
// engine (Prometheus's own unit); values are IEEE doubles. A stale marker is
// the one NaN whose bits are kStaleNaNBits: Prometheus writes it when a
// series disappears, and selectors treat it as "no sample from here on".
#ifndef TSDB_PROMQL_VALUE_H_
#define TSDB_PROMQL_VALUE_H_

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tsdb::promql {

inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;

inline double StaleNaN() {
  double v;
  std::memcpy(&v, &kStaleNaNBits, sizeof v);
  return v;
}

inline bool IsStaleNaN(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits == kStaleNaNBits;
}

inline constexpr std::string_view kMetricName = "__name__";
inline constexpr std::string_view kMetricType = "__type__";
inline constexpr std::string_view kMetricUnit = "__unit__";

struct Label {
  std::string name;
  std::string value;

  bool operator==(const Label& o) const { return name == o.name && value == o.value; }
  bool operator!=(const Label& o) const { return !(*this == o); }
};

// A label set: labels sorted by name, names unique, no empty values (an
// empty value means "no such label", as in Prometheus).
class Labels {
 public:
  Labels() = default;
  // Sorts `labels` by name and drops empty values; a later duplicate name
  // replaces an earlier one.
  explicit Labels(std::vector<Label> labels);
  Labels(std::initializer_list<Label> labels) : Labels(std::vector<Label>(labels)) {}

  const std::vector<Label>& items() const { return labels_; }
  bool empty() const { return labels_.empty(); }
  size_t size() const { return labels_.size(); }
  auto begin() const { return labels_.begin(); }
  auto end() const { return labels_.end(); }

  // The value of `name`, or empty when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view MetricName() const { return Get(kMetricName); }

  // Sets (or, with an empty value, removes) one label.
  void Set(std::string_view name, std::string_view value);
  void Remove(std::string_view name);
  Labels WithoutMetricName() const;
  // Removes __name__ and the metadata labels that go with it (__type__,
  // __unit__), as Prometheus 3.x does wherever it drops a metric name.
  void DropMetricName();

  // Prometheus's labels.Compare: label by label, name then value, bytewise;
  // a label set that is a prefix of another sorts first.
  static int Compare(const Labels& a, const Labels& b);
  bool operator==(const Labels& o) const { return labels_ == o.labels_; }
  bool operator!=(const Labels& o) const { return !(*this == o); }
  bool operator<(const Labels& o) const { return Compare(*this, o) < 0; }

  // `{__name__="x", a="b"}` printed as Prometheus prints label sets
  // (labels.String: `x{a="b"}` is not used here; every label is listed).
  std::string ToString() const;
  // A hash of the whole set (names and values): Prometheus's labels.Hash.
  uint64_t Hash() const;

 private:
  std::vector<Label> labels_;
};

struct Sample {
  int64_t t = 0;  // milliseconds since the epoch
  double v = 0;
};

// A series with its samples in time order (a range vector element, or one
// series of a matrix result).
struct Series {
  Labels labels;
  std::vector<Sample> samples;
};

// Samples stored twice for one series and time (SQL allows it; Prometheus
// would refuse the second) are read as one: the stale marker if there is
// one, else a NaN, else the greatest value. The rule depends on the values
// only, so every way of reading (blocks, hot rows, SQL, in any order)
// gives the same series. True when `a` is kept over `b`.
bool PreferredDuplicate(const Sample& a, const Sample& b);
// Sorts samples by time and keeps one per time, by PreferredDuplicate.
void SortSamplesOnePerTime(std::vector<Sample>* samples);

// One element of an instant vector.
struct VectorElement {
  Labels labels;
  int64_t t = 0;
  double v = 0;
};

using Vector = std::vector<VectorElement>;
using Matrix = std::vector<Series>;

// Warnings and infos a query produced, as Prometheus's annotations: texts
// without the "PromQL warning: " / "PromQL info: " prefix, deduplicated.
struct Annotations {
  std::vector<std::string> warnings;
  std::vector<std::string> infos;

  void AddWarning(std::string text);
  void AddInfo(std::string text);
  void Merge(const Annotations& other);
  bool empty() const { return warnings.empty() && infos.empty(); }
};

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_VALUE_H_
