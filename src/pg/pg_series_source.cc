#include "pg/pg_series_source.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "pg/prom_catalog.h"
#include "pg/spi.h"

namespace tsdb::pg {

namespace {

// The samples of the selected series in the time range. The custom scan
// prunes blocks by series_id and time (src/pg/scan_node.cc).
constexpr const char* kSelectSamples =
    "SELECT series_id, time, value FROM tsdb.prom_samples "
    "WHERE series_id = ANY ($1) AND time >= $2 AND time <= $3";
constexpr long kFetchRows = 10000;

}  // namespace

void PgSeriesSource::ReadThroughSpi(const std::vector<int64_t>& ids, int64_t min_time_ms,
                                    int64_t max_time_ms,
                                    std::vector<std::vector<promql::Sample>>* samples) {
  samples->resize(ids.size());
  absl::flat_hash_map<int64_t, size_t> index;
  for (size_t i = 0; i < ids.size(); ++i) index.emplace(ids[i], i);
  Oid types[3] = {INT8ARRAYOID, TIMESTAMPTZOID, TIMESTAMPTZOID};
  Datum values[3] = {Int8Array(ids), TimestampTzGetDatum(MsToTimestamp(min_time_ms)),
                     TimestampTzGetDatum(MsToTimestamp(max_time_ms))};
  Portal portal = PgCall([&] {
    return SPI_cursor_open_with_args(nullptr, kSelectSamples, 3, types, values, nullptr, true,
                                     CURSOR_OPT_NO_SCROLL);
  });
  for (;;) {
    PgCall([&] {
      CHECK_FOR_INTERRUPTS();
      SPI_cursor_fetch(portal, true, kFetchRows);
    });
    if (SPI_processed == 0) break;
    for (uint64_t r = 0; r < SPI_processed; ++r) {
      bool null;
      const int64_t id = DatumGetInt64(SpiValue(r, 1, &null));
      const TimestampTz t = DatumGetTimestampTz(SpiValue(r, 2, &null));
      const double v = DatumGetFloat8(SpiValue(r, 3, &null));
      auto it = index.find(id);
      if (it == index.end()) continue;
      (*samples)[it->second].push_back(promql::Sample{TimestampToMs(t), v});
    }
    PgCall([] { SPI_freetuptable(SPI_tuptable); });
  }
  PgCall([&] { SPI_cursor_close(portal); });
  // In no particular order: sort each series, one sample per time.
  for (std::vector<promql::Sample>& s : *samples) promql::SortSamplesOnePerTime(&s);
}

namespace {

std::vector<int64_t> IdsOf(const std::vector<CatalogSeries>& series) {
  std::vector<int64_t> ids;
  ids.reserve(series.size());
  for (const CatalogSeries& s : series) ids.push_back(s.id);
  return ids;
}

}  // namespace

PromSamplesReader* PgSeriesSource::Reader() {
  if (direct_read_ && !reader_opened_) {
    reader_ = PromSamplesReader::Open(block_cache_bytes_);
    reader_opened_ = true;
  }
  return reader_.get();
}

Status PgSeriesSource::SelectEach(const std::vector<promql::LabelMatcher>& matchers,
                                  int64_t min_time_ms, int64_t max_time_ms,
                                  const std::function<Status(promql::Series&)>& fn) {
  PromSamplesReader* reader = Reader();
  if (reader == nullptr) return SeriesSource::SelectEach(matchers, min_time_ms, max_time_ms, fn);
  return ReadDirect(reader, matchers, min_time_ms, max_time_ms, /*newest_only=*/false, fn);
}

Status PgSeriesSource::SelectLatest(const std::vector<promql::LabelMatcher>& matchers,
                                    int64_t min_time_ms, int64_t max_time_ms,
                                    const std::function<Status(promql::Series&)>& fn) {
  PromSamplesReader* reader = Reader();
  if (reader == nullptr) return SeriesSource::SelectLatest(matchers, min_time_ms, max_time_ms, fn);
  return ReadDirect(reader, matchers, min_time_ms, max_time_ms, /*newest_only=*/true, fn);
}

Status PgSeriesSource::ReadDirect(PromSamplesReader* reader,
                                  const std::vector<promql::LabelMatcher>& matchers,
                                  int64_t min_time_ms, int64_t max_time_ms, bool newest_only,
                                  const std::function<Status(promql::Series&)>& fn) {
  std::vector<CatalogSeries> series = SelectSeries(matchers);
  if (series.empty()) return Status();
  const std::vector<int64_t> ids = IdsOf(series);
  std::vector<std::vector<promql::Sample>> hot;
  reader->ReadHot(ids, min_time_ms, max_time_ms, &hot);
  promql::Series buffer;  // its sample vector keeps its capacity from series to series
  for (size_t i = 0; i < series.size(); ++i) {
    buffer.samples.clear();
    std::optional<promql::Sample> newest;
    if (newest_only && reader->ReadNewest(ids[i], min_time_ms, max_time_ms, &newest)) {
      // A hot row newer than the blocks' newest sample wins; one at the same
      // time competes as Merge would have it.
      for (const promql::Sample& h : hot[i]) {
        if (!newest || h.t > newest->t ||
            (h.t == newest->t && promql::PreferredDuplicate(h, *newest))) {
          newest = h;
        }
      }
      if (!newest) continue;
      buffer.samples.assign(1, *newest);
    } else {
      bool unordered = false;
      reader->ReadBlocks(ids[i], min_time_ms, max_time_ms, &buffer.samples, &unordered);
      PromSamplesReader::Merge(hot[i], unordered, &buffer.samples);
      if (buffer.samples.empty()) continue;
      if (newest_only) buffer.samples.erase(buffer.samples.begin(), buffer.samples.end() - 1);
    }
    buffer.labels = std::move(series[i].labels);
    TSDB_RETURN_IF_ERROR(fn(buffer));
  }
  return Status();
}

Status PgSeriesSource::Select(const std::vector<promql::LabelMatcher>& matchers,
                              int64_t min_time_ms, int64_t max_time_ms,
                              std::vector<promql::Series>* out) {
  if (Reader() != nullptr) {
    // The direct reader hands out series one at a time; keep copies.
    return SelectEach(matchers, min_time_ms, max_time_ms, [out](promql::Series& s) {
      out->push_back(s);
      return Status();
    });
  }
  std::vector<CatalogSeries> series = SelectSeries(matchers);
  if (series.empty()) return Status();
  std::vector<std::vector<promql::Sample>> samples;
  ReadThroughSpi(IdsOf(series), min_time_ms, max_time_ms, &samples);
  for (size_t i = 0; i < series.size(); ++i) {
    if (samples[i].empty()) continue;
    out->push_back(promql::Series{std::move(series[i].labels), std::move(samples[i])});
  }
  return Status();
}

}  // namespace tsdb::pg
