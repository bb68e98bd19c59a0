#include "tsdb/promql/value.h"

#include <algorithm>
#include <cmath>

#include "tsdb/promql/lexer.h"
#define XXH_STATIC_LINKING_ONLY  // XXH64_state_t on the stack
#include "xxhash.h"

namespace tsdb::promql {

Labels::Labels(std::vector<Label> labels) {
  // Stable, so that of two equal names the later one ends up last; keeping
  // the last of each run makes a later duplicate win.
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  labels_.reserve(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i + 1 < labels.size() && labels[i + 1].name == labels[i].name) continue;
    if (labels[i].value.empty()) continue;
    labels_.push_back(std::move(labels[i]));
  }
}

template <typename LabelVector>
static auto FindLabel(LabelVector& labels, std::string_view name) {
  return std::lower_bound(labels.begin(), labels.end(), name,
                          [](const Label& l, std::string_view n) { return l.name < n; });
}

std::string_view Labels::Get(std::string_view name) const {
  auto it = FindLabel(labels_, name);
  if (it == labels_.end() || it->name != name) return {};
  return it->value;
}

bool Labels::Has(std::string_view name) const {
  auto it = FindLabel(labels_, name);
  return it != labels_.end() && it->name == name;
}

void Labels::Set(std::string_view name, std::string_view value) {
  auto it = FindLabel(labels_, name);
  const bool found = it != labels_.end() && it->name == name;
  if (value.empty()) {
    if (found) labels_.erase(it);
    return;
  }
  if (found) {
    it->value.assign(value);
  } else {
    labels_.insert(it, Label{std::string(name), std::string(value)});
  }
}

void Labels::Remove(std::string_view name) { Set(name, {}); }

Labels Labels::WithoutMetricName() const {
  Labels out = *this;
  out.Remove(kMetricName);
  return out;
}

void Labels::DropMetricName() {
  Remove(kMetricName);
  Remove(kMetricType);
  Remove(kMetricUnit);
}

int Labels::Compare(const Labels& a, const Labels& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const Label& x = a.labels_[i];
    const Label& y = b.labels_[i];
    if (int c = x.name.compare(y.name); c != 0) return c < 0 ? -1 : 1;
    if (int c = x.value.compare(y.value); c != 0) return c < 0 ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

std::string Labels::ToString() const {
  std::string out = "{";
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (i > 0) out += ", ";
    out += labels_[i].name;
    out += '=';
    out += GoQuote(labels_[i].value);
  }
  out += '}';
  return out;
}

uint64_t Labels::Hash() const {
  // Prometheus's labels.Hash, bit for bit: XXH64 (seed 0) of every name and
  // value followed by the byte 0xff, which cannot occur in UTF-8 and keeps
  // ("ab","c") apart from ("a","bc"). limit_ratio() picks series by this
  // hash, so it must be the same one.
  XXH64_state_t state;
  XXH64_reset(&state, 0);
  static constexpr char kSep = '\xff';
  for (const Label& l : labels_) {
    XXH64_update(&state, l.name.data(), l.name.size());
    XXH64_update(&state, &kSep, 1);
    XXH64_update(&state, l.value.data(), l.value.size());
    XXH64_update(&state, &kSep, 1);
  }
  return XXH64_digest(&state);
}

static void AddUnique(std::vector<std::string>* list, std::string text) {
  if (std::find(list->begin(), list->end(), text) == list->end()) list->push_back(std::move(text));
}

void Annotations::AddWarning(std::string text) { AddUnique(&warnings, std::move(text)); }
void Annotations::AddInfo(std::string text) { AddUnique(&infos, std::move(text)); }

void Annotations::Merge(const Annotations& other) {
  for (const std::string& w : other.warnings) AddWarning(w);
  for (const std::string& i : other.infos) AddInfo(i);
}

namespace {

// Stale marker > other NaN > numbers by value.
int DuplicateRank(double v) { return IsStaleNaN(v) ? 2 : std::isnan(v) ? 1 : 0; }

}  // namespace

bool PreferredDuplicate(const Sample& a, const Sample& b) {
  const int ra = DuplicateRank(a.v), rb = DuplicateRank(b.v);
  if (ra != rb) return ra > rb;
  return ra == 0 && a.v > b.v;
}

void SortSamplesOnePerTime(std::vector<Sample>* samples) {
  std::sort(samples->begin(), samples->end(), [](const Sample& a, const Sample& b) {
    if (a.t != b.t) return a.t < b.t;
    return PreferredDuplicate(a, b);
  });
  samples->erase(std::unique(samples->begin(), samples->end(),
                             [](const Sample& a, const Sample& b) { return a.t == b.t; }),
                 samples->end());
}

}  // namespace tsdb::promql
