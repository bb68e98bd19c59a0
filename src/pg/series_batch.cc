#include "pg/series_batch.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string_view>

#include "tsdb/block.h"
// Postgres headers (through guard.h) after every C++ header.
#include "pg/block_store.h"
#include "pg/guard.h"
#include "pg/hot_store.h"
#include "pg/internal_catalog.h"

extern "C" {
#include "access/detoast.h"
#include "access/table.h"
#include "access/xact.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
}

namespace tsdb::pg {

// One attribute's values of a series, in arrival order. `values` holds
// float8 bits (float4 widened), Datum words, 0/1 for bool, or for by-
// reference types the end offset of each value in `bytes`.
struct SeriesBatch::Column {
  std::vector<uint64_t> values;
  std::vector<uint8_t> nulls;
  size_t null_count = 0;
  std::string bytes;
};

struct SeriesBatch::Series {
  std::vector<int64_t> times;
  std::vector<Column> columns;  // per attribute; empty for time, key and dropped ones
  std::vector<ItemPointerData> sources;
  bytea* key_text = nullptr;  // blocks' series_key, in key_text_context_, made once
};

namespace {

// Approximate bytes a new series costs besides its values.
size_t SeriesOverhead(int natts) {
  return 128 + natts * (sizeof(std::vector<uint64_t>) * 2 + sizeof(std::string) + 16);
}

// The contents of a by-reference value: varlena data (detoasted when
// compressed or out of line, palloc'd then), a cstring with its NUL, or the
// fixed-length image.
std::string_view ValueBytes(int16_t attlen, Datum d) {
  if (attlen == -1) {
    auto* v = reinterpret_cast<struct varlena*>(DatumGetPointer(d));
    if (VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v)) {
      v = PgCall([&] { return pg_detoast_datum_packed(v); });
    }
    return std::string_view(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
  }
  if (attlen == -2) {
    const char* s = DatumGetCString(d);
    return std::string_view(s, strlen(s) + 1);
  }
  return std::string_view(DatumGetPointer(d), attlen);
}

}  // namespace

// One key column's value parsed back from a series key.
struct KeyField {
  bool null = true;
  Datum word = 0;               // by-value types
  std::string_view bytes;       // by-reference types
};

namespace {

uint64_t DoubleBits(double v) {
  uint64_t b;
  memcpy(&b, &v, 8);
  return b;
}
double BitsDouble(uint64_t b) {
  double v;
  memcpy(&v, &b, 8);
  return v;
}

}  // namespace

SeriesBatch::SeriesBatch(Relation rel, const TableLayout& layout, int64_t storage_id,
                         WrittenFn on_written)
    : relid_(RelationGetRelid(rel)),
      natts_(RelationGetDescr(rel)->natts),
      time_attnum_(layout.time_attnum),
      keys_(layout.keys, layout.keys + layout.nkeys),
      storage_id_(storage_id),
      on_written_(std::move(on_written)) {
  TupleDesc desc = RelationGetDescr(rel);
  key_index_.assign(natts_, -1);
  for (size_t k = 0; k < keys_.size(); ++k) key_index_[keys_[k] - 1] = static_cast<int>(k);
  for (int a = 0; a < natts_; ++a) {
    kinds_.push_back(KindOf(TupleDescAttr(desc, a)));
    attlens_.push_back(TupleDescAttr(desc, a)->attlen);
  }
  PgCall([&] {
    context_ = AllocSetContextCreate(TopMemoryContext, "tsdb series batch", ALLOCSET_SMALL_SIZES);
    scratch_ = AllocSetContextCreate(context_, "tsdb series batch scratch", ALLOCSET_DEFAULT_SIZES);
    key_text_context_ =
        AllocSetContextCreate(context_, "tsdb series batch keys", ALLOCSET_DEFAULT_SIZES);
    key_outputs_ = static_cast<FmgrInfo*>(
        MemoryContextAlloc(context_, sizeof(FmgrInfo) * std::max<size_t>(1, keys_.size())));
    for (size_t k = 0; k < keys_.size(); ++k) {
      Oid output;
      bool varlena;
      getTypeOutputInfo(TupleDescAttr(desc, keys_[k] - 1)->atttypid, &output, &varlena);
      fmgr_info_cxt(output, &key_outputs_[k], context_);
    }
  });
}

SeriesBatch::~SeriesBatch() { MemoryContextDelete(context_); }

bool SeriesBatch::Add(Relation rel, const Datum* values, const bool* nulls,
                      const ItemPointerData* source) {
  const int t = time_attnum_ - 1;
  if (nulls[t]) return false;
  key_buffer_.clear();
  for (AttrNumber attnum : keys_) {
    const int a = attnum - 1;
    if (nulls[a]) {
      key_buffer_.push_back('\0');
      continue;
    }
    key_buffer_.push_back('\1');
    if (kinds_[a] != ColumnKind::kBytes) {
      key_buffer_.append(reinterpret_cast<const char*>(&values[a]), sizeof(Datum));
      continue;
    }
    const std::string_view bytes = ValueBytes(attlens_[a], values[a]);
    const uint32_t size = static_cast<uint32_t>(bytes.size());
    key_buffer_.append(reinterpret_cast<const char*>(&size), sizeof(size));
    key_buffer_.append(bytes);
  }
  auto it = series_.find(key_buffer_);
  if (it == series_.end()) {
    auto series = std::make_unique<Series>();
    series->columns.resize(natts_);
    bytes_ += SeriesOverhead(natts_) + key_buffer_.size();
    it = series_.emplace(key_buffer_, std::move(series)).first;
  }
  Series* s = it->second.get();
  s->times.push_back(DatumGetInt64(values[t]));
  size_t added = sizeof(int64_t);
  for (int a = 0; a < natts_; ++a) {
    const ColumnKind kind = kinds_[a];
    if (a == t || key_index_[a] >= 0 || kind == ColumnKind::kDropped) continue;
    Column& c = s->columns[a];
    c.nulls.push_back(nulls[a]);
    c.null_count += nulls[a];
    added += 9;
    if (nulls[a]) {
      c.values.push_back(kind == ColumnKind::kBytes ? c.bytes.size() : 0);
      continue;
    }
    switch (kind) {
      case ColumnKind::kFloat8:
        c.values.push_back(DoubleBits(DatumGetFloat8(values[a])));
        break;
      case ColumnKind::kFloat4:
        c.values.push_back(DoubleBits(static_cast<double>(DatumGetFloat4(values[a]))));
        break;
      case ColumnKind::kBool:
        c.values.push_back(DatumGetBool(values[a]) ? 1 : 0);
        break;
      case ColumnKind::kWord:
        c.values.push_back(static_cast<uint64_t>(values[a]));
        break;
      case ColumnKind::kBytes: {
        const std::string_view bytes = ValueBytes(attlens_[a], values[a]);
        c.bytes.append(bytes);
        c.values.push_back(c.bytes.size());
        added += bytes.size();
        break;
      }
      case ColumnKind::kDropped:
        break;
    }
  }
  if (source != nullptr) {
    s->sources.push_back(*source);
    added += sizeof(ItemPointerData);
  }
  ++rows_;
  bytes_ += added;
  if (s->times.size() >= static_cast<size_t>(kRowsPerBlock)) WriteBlock(rel, it->first, s);
  return true;
}

void SeriesBatch::Flush(Relation rel, int min_block_rows) {
  for (auto& [key, series] : series_) {
    const size_t n = series->times.size();
    if (n == 0) continue;
    if (n >= static_cast<size_t>(std::max(min_block_rows, 1))) {
      WriteBlock(rel, key, series.get());
    } else {
      WriteHotRows(rel, key, series.get());
    }
  }
  series_.clear();
  PgCall([&] { MemoryContextReset(key_text_context_); });
  rows_ = 0;
  bytes_ = 0;
}

void SeriesBatch::Clear(Series* series) {
  rows_ -= static_cast<int64_t>(series->times.size());
  size_t freed = series->times.size() * sizeof(int64_t) +
                 series->sources.size() * sizeof(ItemPointerData);
  std::vector<int64_t>().swap(series->times);
  std::vector<ItemPointerData>().swap(series->sources);
  for (Column& c : series->columns) {
    freed += c.values.size() * 9 + c.bytes.size();
    c = Column();
  }
  bytes_ -= std::min(bytes_, freed);
}

namespace {

// Parses a series key (SeriesBatch::Add's format) into one field per key column.
std::vector<KeyField> ParseKey(const std::string& key, const std::vector<ColumnKind>& kinds,
                               const std::vector<AttrNumber>& keys) {
  std::vector<KeyField> fields(keys.size());
  size_t pos = 0;
  for (size_t k = 0; k < keys.size(); ++k) {
    KeyField& f = fields[k];
    f.null = key[pos++] == '\0';
    if (f.null) continue;
    if (kinds[keys[k] - 1] != ColumnKind::kBytes) {
      memcpy(&f.word, key.data() + pos, sizeof(Datum));
      pos += sizeof(Datum);
      continue;
    }
    uint32_t size;
    memcpy(&size, key.data() + pos, sizeof(size));
    pos += sizeof(size);
    f.bytes = std::string_view(key.data() + pos, size);
    pos += size;
  }
  return fields;
}

}  // namespace

void SeriesBatch::WriteBlock(Relation rel, const std::string& key, Series* s) {
  const size_t n = s->times.size();
  // Row r of the block is row order[r] of the series (identity when the
  // rows came in time order, as they nearly always do).
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (!std::is_sorted(s->times.begin(), s->times.end())) {
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t x, uint32_t y) { return s->times[x] < s->times[y]; });
  }
  const std::vector<KeyField> fields = ParseKey(key, kinds_, keys_);
  std::vector<int64_t> times(n);
  for (size_t r = 0; r < n; ++r) times[r] = s->times[order[r]];

  BlockBuilder builder(n);
  const std::vector<uint8_t> all_null(n, 1);
  for (int a = 0; a < natts_; ++a) {
    const ColumnKind kind = kinds_[a];
    Status status;
    if (a == time_attnum_ - 1) {
      status = builder.AddTime(times);
    } else if (kind == ColumnKind::kDropped) {
      status = builder.AddBool(std::vector<uint8_t>(n, 0), all_null);
    } else if (key_index_[a] >= 0) {
      // A key column: one value for the whole block.
      const KeyField& f = fields[key_index_[a]];
      const absl::Span<const uint8_t> nulls = f.null ? absl::MakeConstSpan(all_null)
                                                     : absl::Span<const uint8_t>();
      switch (kind) {
        case ColumnKind::kFloat8:
          status = builder.AddFloat64(std::vector<double>(n, f.null ? 0 : DatumGetFloat8(f.word)),
                                      nulls);
          break;
        case ColumnKind::kFloat4:
          status = builder.AddFloat64(
              std::vector<double>(n, f.null ? 0 : static_cast<double>(DatumGetFloat4(f.word))),
              nulls);
          break;
        case ColumnKind::kBool:
          status = builder.AddBool(std::vector<uint8_t>(n, !f.null && DatumGetBool(f.word)), nulls);
          break;
        case ColumnKind::kWord:
          status = builder.AddInt64(std::vector<int64_t>(n, static_cast<int64_t>(f.word)), nulls);
          break;
        case ColumnKind::kBytes:
          status = builder.AddText(std::vector<std::string_view>(n, f.bytes), nulls);
          break;
        case ColumnKind::kDropped:
          break;
      }
    } else {
      const Column& c = s->columns[a];
      std::vector<uint8_t> nulls;
      if (c.null_count > 0) {
        nulls.resize(n);
        for (size_t r = 0; r < n; ++r) nulls[r] = c.nulls[order[r]];
      }
      switch (kind) {
        case ColumnKind::kFloat8:
        case ColumnKind::kFloat4: {
          std::vector<double> v(n);
          for (size_t r = 0; r < n; ++r) v[r] = BitsDouble(c.values[order[r]]);
          status = builder.AddFloat64(v, nulls);
          break;
        }
        case ColumnKind::kBool: {
          std::vector<uint8_t> v(n);
          for (size_t r = 0; r < n; ++r) v[r] = static_cast<uint8_t>(c.values[order[r]]);
          status = builder.AddBool(v, nulls);
          break;
        }
        case ColumnKind::kWord: {
          std::vector<int64_t> v(n);
          for (size_t r = 0; r < n; ++r) v[r] = static_cast<int64_t>(c.values[order[r]]);
          status = builder.AddInt64(v, nulls);
          break;
        }
        case ColumnKind::kBytes: {
          std::vector<std::string_view> v(n);
          for (size_t r = 0; r < n; ++r) {
            const size_t i = order[r];
            const size_t begin = i == 0 ? 0 : c.values[i - 1];
            v[r] = std::string_view(c.bytes).substr(begin, c.values[i] - begin);
          }
          status = builder.AddText(v, nulls);
          break;
        }
        case ColumnKind::kDropped:
          break;
      }
    }
    ThrowIfError(status, "could not encode a block");
  }
  const std::string block = ValueOrThrow(builder.Finish(), "could not encode a block");

  PgCall([&] {
    if (s->key_text == nullptr) {
      MemoryContext caller = MemoryContextSwitchTo(key_text_context_);
      Datum* key_values = static_cast<Datum*>(palloc(sizeof(Datum) * (keys_.size() + 1)));
      bool* key_nulls = static_cast<bool*>(palloc(sizeof(bool) * (keys_.size() + 1)));
      for (size_t k = 0; k < keys_.size(); ++k) {
        key_nulls[k] = fields[k].null;
        key_values[k] = fields[k].null || kinds_[keys_[k] - 1] != ColumnKind::kBytes
                            ? fields[k].word
                            : DatumOfBytes(attlens_[keys_[k] - 1], fields[k].bytes);
      }
      MemoryContextSwitchTo(scratch_);
      bytea* text = SeriesKeyText(static_cast<int>(keys_.size()), keys_.data(), key_outputs_,
                                  key_values, key_nulls);
      MemoryContextSwitchTo(key_text_context_);
      s->key_text = static_cast<bytea*>(palloc(VARSIZE(text)));
      memcpy(s->key_text, text, VARSIZE(text));
      MemoryContextSwitchTo(caller);
    }
    MemoryContext caller = MemoryContextSwitchTo(scratch_);
    bytea* payload = static_cast<bytea*>(palloc(VARHDRSZ + block.size()));
    SET_VARSIZE(payload, VARHDRSZ + block.size());
    memcpy(VARDATA(payload), block.data(), block.size());
    // The last row (latest time) as a row image: "latest row" reads need
    // not decode the block (docs/query.md).
    Datum* row_values = static_cast<Datum*>(palloc(sizeof(Datum) * natts_));
    bool* row_nulls = static_cast<bool*>(palloc(sizeof(bool) * natts_));
    RowValues(fields, *s, order[n - 1], row_values, row_nulls);
    HeapTuple last = heap_form_tuple(RelationGetDescr(rel), row_values, row_nulls);
    bytea* last_row = static_cast<bytea*>(palloc(VARHDRSZ + last->t_len));
    SET_VARSIZE(last_row, VARHDRSZ + last->t_len);
    memcpy(VARDATA(last_row), last->t_data, last->t_len);
    Relation blocks = table_open(BlocksRelid(), RowExclusiveLock);
    InsertBlockTuple(blocks, storage_id_, s->key_text, times.front(), times.back(),
                     static_cast<int>(n), payload, time_attnum_, last_row);
    table_close(blocks, RowExclusiveLock);
    MemoryContextSwitchTo(caller);
    MemoryContextReset(scratch_);
  });
  ++blocks_written_;
  if (on_written_) on_written_(s->sources);
  Clear(s);
}

void SeriesBatch::RowValues(const std::vector<KeyField>& fields, const Series& s, size_t r,
                            Datum* values, bool* nulls) const {
  for (int a = 0; a < natts_; ++a) {
    const ColumnKind kind = kinds_[a];
    nulls[a] = false;
    values[a] = 0;
    if (a == time_attnum_ - 1) {
      values[a] = Int64GetDatum(s.times[r]);
    } else if (kind == ColumnKind::kDropped) {
      nulls[a] = true;
    } else if (key_index_[a] >= 0) {
      const KeyField& f = fields[key_index_[a]];
      nulls[a] = f.null;
      if (!f.null) {
        values[a] = kind == ColumnKind::kBytes ? DatumOfBytes(attlens_[a], f.bytes) : f.word;
      }
    } else {
      const Column& c = s.columns[a];
      nulls[a] = c.nulls[r] != 0;
      if (nulls[a]) continue;
      const uint64_t v = c.values[r];
      switch (kind) {
        case ColumnKind::kFloat8:
          values[a] = Float8GetDatum(BitsDouble(v));
          break;
        case ColumnKind::kFloat4:
          values[a] = Float4GetDatum(static_cast<float>(BitsDouble(v)));
          break;
        case ColumnKind::kBool:
          values[a] = BoolGetDatum(v != 0);
          break;
        case ColumnKind::kWord:
          values[a] = static_cast<Datum>(v);
          break;
        case ColumnKind::kBytes: {
          const size_t begin = r == 0 ? 0 : c.values[r - 1];
          values[a] =
              DatumOfBytes(attlens_[a], std::string_view(c.bytes.data() + begin, v - begin));
          break;
        }
        case ColumnKind::kDropped:
          break;
      }
    }
  }
}

void SeriesBatch::WriteHotRows(Relation rel, const std::string& key, Series* s) {
  const size_t n = s->times.size();
  const std::vector<KeyField> fields = ParseKey(key, kinds_, keys_);
  const int64 storage_id = storage_id_;
  PgCall([&] {
    MemoryContext caller = MemoryContextSwitchTo(scratch_);
    TupleDesc desc = RelationGetDescr(rel);
    HotRelations hot = OpenHotRelations(RowExclusiveLock);
    const CommandId cid = GetCurrentCommandId(true);
    Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * natts_));
    bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * natts_));
    for (size_t r = 0; r < n; ++r) {
      RowValues(fields, *s, r, values, nulls);
      HeapTuple tuple = FormHotTupleOfValues(hot.hot, storage_id, desc, values, nulls);
      InsertHotTuple(&hot, tuple, cid, 0, nullptr);
      heap_freetuple(tuple);
    }
    CloseHotRelations(&hot, RowExclusiveLock);
    MemoryContextSwitchTo(caller);
    MemoryContextReset(scratch_);
  });
  Clear(s);
}

}  // namespace tsdb::pg
