// Rows of one tsdb table gathered in memory per series, column by column,
// and written as compressed blocks: the bulk path of COPY (bulk_insert.cc)
// and of tsdb.compress (compress_sql.cc).
//
// A series is written as a block as soon as it holds kRowsPerBlock rows, so
// memory stays near (series x one block of rows); Flush writes the rest.
// Within a block rows are in time order (a stable sort when they came out
// of order); blocks of one series written at different times may overlap
// in time, which readers allow.
//
// Rows are grouped by the bytes of their series-key values (Datum words,
// varlena contents): values equal as bytes are one series. Values equal for
// their type but different as bytes (numeric 1.0 and 1.00) become separate
// series, which only splits blocks: a block stores every row's own values.
//
// C++ code: Postgres calls go through PgCall. The owner destroys a batch on
// (sub)transaction abort (bulk_insert.cc); its memory is malloc'd and its
// Postgres allocations live in its own memory context.
#ifndef TSDB_PG_SERIES_BATCH_H_
#define TSDB_PG_SERIES_BATCH_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
// Postgres headers after every C++ header.
#include "pg/block_codec.h"
#include "pg/table_layout.h"

extern "C" {
#include "fmgr.h"
#include "storage/itemptr.h"
#include "utils/rel.h"
}

namespace tsdb::pg {

struct KeyField;  // series_batch.cc

class SeriesBatch {
 public:
  // Called after a block is written, with the source TIDs given to Add for
  // its rows (compress deletes those hot rows).
  using WrittenFn = std::function<void(absl::Span<const ItemPointerData>)>;

  // `layout` must have a time column. Rows are rows of `rel`.
  SeriesBatch(Relation rel, const TableLayout& layout, int64_t storage_id,
              WrittenFn on_written = nullptr);
  ~SeriesBatch();
  SeriesBatch(const SeriesBatch&) = delete;
  SeriesBatch& operator=(const SeriesBatch&) = delete;

  // Adds a row (values and nulls of every attribute of rel); `source` is
  // kept for on_written when given. Returns false, taking nothing, when the
  // row's time is NULL: such rows cannot go into a block.
  bool Add(Relation rel, const Datum* values, const bool* nulls, const ItemPointerData* source);

  // Writes every series: those with at least min_block_rows rows as blocks,
  // the others as hot rows (compress passes 1: everything becomes blocks).
  void Flush(Relation rel, int min_block_rows);

  int64_t rows() const { return rows_; }
  // Bytes of row data held (values, not container overhead).
  size_t bytes() const { return bytes_; }
  int64_t blocks_written() const { return blocks_written_; }

 private:
  struct Column;
  struct Series;

  // `key` is the series' key bytes (its key in series_).
  void WriteBlock(Relation rel, const std::string& key, Series* series);
  void WriteHotRows(Relation rel, const std::string& key, Series* series);
  // Row r of a series as values/nulls of every attribute (palloc'd
  // by-reference values; Postgres code, under PgCall).
  void RowValues(const std::vector<KeyField>& fields, const Series& s, size_t r, Datum* values,
                 bool* nulls) const;
  void Clear(Series* series);

  Oid relid_;
  int natts_;
  AttrNumber time_attnum_;
  std::vector<AttrNumber> keys_;
  std::vector<ColumnKind> kinds_;
  std::vector<int> key_index_;  // per attribute: its position in keys_, or -1
  std::vector<int16_t> attlens_;
  int64_t storage_id_;
  WrittenFn on_written_;
  MemoryContext context_;           // the key output functions; parent of the two below
  MemoryContext scratch_;           // reset after each block
  MemoryContext key_text_context_;  // the series' key_text, reset by Flush
  FmgrInfo* key_outputs_;
  absl::flat_hash_map<std::string, std::unique_ptr<Series>> series_;
  std::string key_buffer_;
  int64_t rows_ = 0;
  size_t bytes_ = 0;
  int64_t blocks_written_ = 0;
};

}  // namespace tsdb::pg

#endif  // TSDB_PG_SERIES_BATCH_H_
