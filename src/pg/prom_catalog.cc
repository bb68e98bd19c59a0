#include "pg/prom_catalog.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "pg/spi.h"
#include "pg/sql_values.h"

namespace tsdb::pg {

namespace {

using promql::Label;
using promql::Labels;
using promql::LabelMatcher;

// Writers' caches: (name, value) -> label id, label ids text -> series id.
// Ids never change meaning once committed; entries made in a transaction
// that aborts are dropped with the whole cache (ResetCatalogCache).
struct WriterCache {
  absl::flat_hash_map<std::pair<std::string, std::string>, int32_t> label_ids;
  absl::flat_hash_map<std::string, int64_t> series_ids;
};

WriterCache& Cache() {
  static auto* cache = new WriterCache();
  return *cache;
}

constexpr const char* kSelectLabels =
    "SELECT id, name, value FROM tsdb.prom_labels "
    "WHERE (name, value) IN (SELECT * FROM ROWS FROM (pg_catalog.unnest($1::text[]), pg_catalog.unnest($2::text[])))";
constexpr const char* kInsertLabels =
    "INSERT INTO tsdb.prom_labels (name, value) "
    "SELECT * FROM ROWS FROM (pg_catalog.unnest($1::text[]), pg_catalog.unnest($2::text[])) "
    "ON CONFLICT (name, value) DO UPDATE SET name = EXCLUDED.name RETURNING id, name, value";
constexpr const char* kSelectSeries =
    "SELECT id, label_ids::text FROM tsdb.prom_series "
    "WHERE label_ids IN (SELECT x::integer[] FROM pg_catalog.unnest($1::text[]) x)";
constexpr const char* kInsertSeries =
    "INSERT INTO tsdb.prom_series (label_ids, metric_name) "
    "SELECT u.x::integer[], u.n FROM ROWS FROM (pg_catalog.unnest($1::text[]), pg_catalog.unnest($2::text[])) AS u(x, n) "
    "ON CONFLICT (label_ids) DO UPDATE SET metric_name = EXCLUDED.metric_name "
    "RETURNING id, label_ids::text";
constexpr const char* kInsertSamples =
    "INSERT INTO tsdb.prom_samples (series_id, time, value) "
    "SELECT * FROM ROWS FROM (pg_catalog.unnest($1::bigint[]), pg_catalog.unnest($2::timestamptz[]), pg_catalog.unnest($3::float8[]))";

// Records label ids of the rows of SPI_tuptable (id, name, value).
void CacheLabelRows() {
  for (uint64_t r = 0; r < SPI_processed; ++r) {
    Cache().label_ids[{SpiText(r, 2), SpiText(r, 3)}] = static_cast<int32_t>(SpiInt64(r, 1));
  }
}

void ResolveLabels(const std::vector<Labels>& label_sets) {
  std::vector<std::string> names, values;
  absl::flat_hash_set<std::pair<std::string, std::string>> wanted;
  for (const Labels& ls : label_sets) {
    for (const Label& l : ls) {
      std::pair<std::string, std::string> key{l.name, l.value};
      if (Cache().label_ids.contains(key) || !wanted.insert(key).second) continue;
      names.push_back(l.name);
      values.push_back(l.value);
    }
  }
  if (names.empty()) return;
  SpiExecute(kSelectLabels, {{TEXTARRAYOID, TextArray(names)}, {TEXTARRAYOID, TextArray(values)}},
             false);
  CacheLabelRows();
  std::vector<std::string> missing_names, missing_values;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!Cache().label_ids.contains(std::make_pair(names[i], values[i]))) {
      missing_names.push_back(names[i]);
      missing_values.push_back(values[i]);
    }
  }
  if (missing_names.empty()) return;
  SpiExecute(kInsertLabels,
             {{TEXTARRAYOID, TextArray(missing_names)}, {TEXTARRAYOID, TextArray(missing_values)}},
             false);
  CacheLabelRows();
}

// The label ids of a label set as Postgres prints an integer[] ("{1,5,9}").
std::string LabelIdsText(const Labels& ls) {
  std::vector<int32_t> ids;
  ids.reserve(ls.size());
  for (const Label& l : ls) ids.push_back(Cache().label_ids.at({l.name, l.value}));
  std::sort(ids.begin(), ids.end());
  std::string out = "{";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  out += '}';
  return out;
}

void CacheSeriesRows() {
  for (uint64_t r = 0; r < SPI_processed; ++r) {
    Cache().series_ids[SpiText(r, 2)] = SpiInt64(r, 1);
  }
}

}  // namespace

void ResetCatalogCache() {
  Cache().label_ids.clear();
  Cache().series_ids.clear();
}

std::vector<int64_t> ResolveSeries(const std::vector<Labels>& label_sets) {
  ResolveLabels(label_sets);
  std::vector<std::string> keys;
  keys.reserve(label_sets.size());
  std::vector<std::string> lookup, lookup_names;
  absl::flat_hash_set<std::string> wanted;
  for (const Labels& ls : label_sets) {
    keys.push_back(LabelIdsText(ls));
    if (Cache().series_ids.contains(keys.back()) || !wanted.insert(keys.back()).second) continue;
    lookup.push_back(keys.back());
    lookup_names.emplace_back(ls.MetricName());
  }
  if (!lookup.empty()) {
    SpiExecute(kSelectSeries, {{TEXTARRAYOID, TextArray(lookup)}}, false);
    CacheSeriesRows();
    std::vector<std::string> missing, missing_names;
    for (size_t i = 0; i < lookup.size(); ++i) {
      if (!Cache().series_ids.contains(lookup[i])) {
        missing.push_back(lookup[i]);
        missing_names.push_back(lookup_names[i]);
      }
    }
    if (!missing.empty()) {
      SpiExecute(kInsertSeries,
                 {{TEXTARRAYOID, TextArray(missing)}, {TEXTARRAYOID, TextArray(missing_names)}},
                 false);
      CacheSeriesRows();
    }
  }
  std::vector<int64_t> ids;
  ids.reserve(keys.size());
  for (const std::string& k : keys) ids.push_back(Cache().series_ids.at(k));
  return ids;
}

void InsertSamples(const std::vector<int64_t>& series_ids, const std::vector<int64_t>& times_ms,
                   const std::vector<double>& values) {
  if (series_ids.empty()) return;
  SpiExecute(kInsertSamples,
             {{INT8ARRAYOID, Int8Array(series_ids)},
              {TIMESTAMPTZARRAYOID, TimestamptzArray(times_ms)},
              {FLOAT8ARRAYOID, Float8Array(values)}},
             false);
}

std::vector<CatalogSeries> SelectSeries(const std::vector<LabelMatcher>& matchers) {
  // Per matcher, the label ids a series must have one of (`positive`) or
  // must have none of (a matcher that also matches an absent label).
  std::vector<std::vector<int32_t>> positive, negative;
  for (const LabelMatcher& m : matchers) {
    std::vector<int32_t> matching, other;
    if (m.type() == promql::MatchType::kEqual && !m.value().empty()) {
      SpiExecute("SELECT id FROM tsdb.prom_labels WHERE name = $1 AND value = $2",
                 {{TEXTOID, TextToDatum(m.name())}, {TEXTOID, TextToDatum(m.value())}},
                 true);
      for (uint64_t r = 0; r < SPI_processed; ++r) matching.push_back(static_cast<int32_t>(SpiInt64(r, 1)));
    } else {
      SpiExecute("SELECT id, value FROM tsdb.prom_labels WHERE name = $1",
                 {{TEXTOID, TextToDatum(m.name())}},
                 true);
      for (uint64_t r = 0; r < SPI_processed; ++r) {
        const auto id = static_cast<int32_t>(SpiInt64(r, 1));
        (m.Matches(SpiText(r, 2)) ? matching : other).push_back(id);
      }
    }
    if (m.Matches("")) {
      if (!other.empty()) negative.push_back(std::move(other));
    } else {
      if (matching.empty()) return {};
      positive.push_back(std::move(matching));
    }
  }
  std::string sql = "SELECT id, label_ids FROM tsdb.prom_series WHERE true";
  std::vector<SpiParam> params;
  for (const auto& ids : positive) {
    params.push_back({INT4ARRAYOID, Int4Array(ids)});
    sql += " AND label_ids OPERATOR(pg_catalog.&&) $" + std::to_string(params.size());
  }
  for (const auto& ids : negative) {
    params.push_back({INT4ARRAYOID, Int4Array(ids)});
    sql += " AND NOT (label_ids OPERATOR(pg_catalog.&&) $" + std::to_string(params.size()) + ")";
  }
  SpiExecute(sql.c_str(), params, true);
  std::vector<CatalogSeries> out;
  std::vector<std::vector<int32_t>> series_label_ids;
  absl::flat_hash_set<int32_t> all_ids;
  for (uint64_t r = 0; r < SPI_processed; ++r) {
    CatalogSeries s;
    s.id = SpiInt64(r, 1);
    bool null;
    const Datum d = SpiValue(r, 2, &null);
    Datum* elems = nullptr;
    int n = 0;
    PgCall([&] {
      deconstruct_array(DatumGetArrayTypeP(d), INT4OID, 4, true, TYPALIGN_INT, &elems, nullptr,
                        &n);
    });
    std::vector<int32_t> ids;
    ids.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) ids.push_back(DatumGetInt32(elems[i]));
    for (int32_t id : ids) all_ids.insert(id);
    series_label_ids.push_back(std::move(ids));
    out.push_back(std::move(s));
  }
  if (out.empty()) return out;
  // The labels of the selected series, read with the caller's rights.
  std::vector<int32_t> ids(all_ids.begin(), all_ids.end());
  SpiExecute("SELECT id, name, value FROM tsdb.prom_labels WHERE id = ANY ($1)",
             {{INT4ARRAYOID, Int4Array(ids)}}, true);
  absl::flat_hash_map<int32_t, Label> labels;
  for (uint64_t r = 0; r < SPI_processed; ++r) {
    labels[static_cast<int32_t>(SpiInt64(r, 1))] = Label{SpiText(r, 2), SpiText(r, 3)};
  }
  for (size_t i = 0; i < out.size(); ++i) {
    std::vector<Label> ls;
    for (int32_t id : series_label_ids[i]) {
      auto it = labels.find(id);
      if (it != labels.end()) ls.push_back(it->second);
    }
    out[i].labels = Labels(std::move(ls));
  }
  return out;
}

}  // namespace tsdb::pg
