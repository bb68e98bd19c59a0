// The restriction clauses a scan of a tsdb table can use before it forms
// rows (docs/query.md):
//  - time bounds (`time <op> value`, BETWEEN) prune blocks by their
//    min_time/max_time and filter the decoded time column;
//  - series key values (`key = value`, `key IN (...)`, and on a
//    parameterized path `key = outer.column`) choose index probes and
//    prune blocks by their series key;
//  - comparisons of a float8 column with a value filter decoded columns
//    before any row is formed.
// "value" is any expression without Vars of the scanned table, volatile
// functions or subplans: a constant, now() - interval '1 hour', a
// prepared-statement or nestloop parameter. Clauses stay in the plan's qual
// as well: these uses only skip rows the qual would reject.
//
// Plan time: ClassifyScanQuals picks the clauses and serialises them into the
// CustomScan (values into custom_exprs, what they mean into an integer list).
// Run time: ScanBounds evaluates the values (at the start of each scan and
// rescan) and answers the pruning and filter questions.
#ifndef TSDB_PG_SCAN_QUALS_H_
#define TSDB_PG_SCAN_QUALS_H_

#include <string>
#include <string_view>
#include <vector>

#include "pg/postgres_headers.h"

extern "C" {
#include "nodes/execnodes.h"
#include "nodes/pathnodes.h"
}

#include "pg/block_codec.h"
#include "pg/block_store.h"
#include "pg/table_layout.h"

namespace tsdb::pg {

// What one value of custom_exprs means; stored as (kind, arg) pairs.
enum class ScanQualKind : int {
  kTimeBound = 1,  // arg: btree strategy of "time <op> value"
  kKeyEqual = 2,   // arg: key position; value: one key value
  kKeyIn = 3,      // arg: key position; value: an array of key values
  kFloatFilter = 4,  // arg: attno * 8 + btree strategy of "column <op> value"
};

// Appends the usable clauses among `clauses` (RestrictInfos of the scan of
// `rel`) to *values and their meaning to *kinds.
void ClassifyScanQuals(PlannerInfo* root, RelOptInfo* rel, Relation table,
                       const TableLayout& layout, List* clauses, List** values, List** kinds);

// Whether every clause is one ClassifyScanQuals uses (then a TsdbScan's
// pruning and filters alone decide which rows qualify: scan_node.h).
bool AllClausesVectorized(PlannerInfo* root, RelOptInfo* rel, Relation table,
                          const TableLayout& layout, List* clauses);

// The selectivity of the clauses that prune blocks, for costing.
Selectivity PruningSelectivity(PlannerInfo* root, RelOptInfo* rel, Relation table,
                               const TableLayout& layout, List* clauses);

// The evaluated clauses of one scan (or rescan).
class ScanBounds {
 public:
  // A filter on a decoded column: rows whose value compares with `value`
  // as `strategy` says pass (NULLs never do).
  struct Filter {
    int attno;      // 1-based
    int strategy;   // BTLessStrategyNumber .. BTGreaterStrategyNumber
    bool is_float;  // float8 column, else int64 time column
    double float_value;
    int64 int_value;
  };

  // Evaluates `states` (ExecInitExpr of custom_exprs) in econtext;
  // `kinds` is the integer list ClassifyScanQuals made.
  void Evaluate(const std::vector<ExprState*>& states, List* kinds, const TableLayout& layout,
                ExprContext* econtext);

  // No row can qualify (a NULL value, an empty IN list, lo > hi).
  bool empty() const { return empty_; }
  bool has_time_bounds() const { return time_lo_ != INT64_MIN || time_hi_ != INT64_MAX; }
  // A block whose rows' times lie in [min_time, max_time] may hold rows in bounds.
  bool TimeRangeMayMatch(int64 min_time, int64 max_time) const {
    return min_time <= time_hi_ && max_time >= time_lo_;
  }
  // Whether every time in [min_time, max_time] is within the bounds (the
  // time filters then pass every row of the block).
  bool TimeRangeWithin(int64 min_time, int64 max_time) const {
    return min_time >= time_lo_ && max_time <= time_hi_;
  }
  // The series key values of key position 0 (sorted, distinct), as the
  // prefixes of the blocks' series_key that hold them under the current
  // key layout; empty when key position 0 is not constrained.
  const std::vector<std::string>& leading_key_prefixes() const { return leading_prefixes_; }
  // The same values as output texts (when leading_key_prefixes is not empty).
  const std::vector<std::string>& leading_key_values() const { return key_values_[0]; }
  // The signature of the current key layout (SeriesKeyText): blocks whose
  // series_key starts with it were written under this layout.
  const std::string& key_signature() const { return signature_; }
  // Whether a block's series key (blocks.series_key bytes) satisfies every
  // key constraint: kUnknown for a block written under another key layout.
  enum class KeyMatch { kNo, kYes, kUnknown };
  KeyMatch KeyMatches(std::string_view series_key) const;
  bool has_key_constraints() const;
  // Whether key position 0 is the only one constrained.
  bool constrains_leading_key_only() const;
  const std::vector<Filter>& filters() const { return filters_; }

 private:
  bool empty_ = false;
  int64 time_lo_ = INT64_MIN;  // inclusive
  int64 time_hi_ = INT64_MAX;  // inclusive
  // Per key position: the allowed output texts (sorted, distinct), or
  // unconstrained.
  std::vector<bool> key_constrained_;
  std::vector<std::vector<std::string>> key_values_;
  std::vector<std::string> leading_prefixes_;
  std::string signature_;
  std::vector<Filter> filters_;

  void ConstrainKey(int position, std::vector<std::string> texts);
  void BoundTime(int strategy, int64 value);
};

// The family of the default btree operator class of `type` (InvalidOid:
// none), from the type cache.
Oid DefaultBtreeFamily(Oid type);

// The series_key component (see SeriesKeyText) of `text`: "V<len>:<text>".
std::string SeriesKeyComponent(std::string_view text);

// The part of a block's series key up to the end of its first component
// (what ScanBounds::leading_key_prefixes() hold), given the length of the
// layout signature it starts with; empty when it holds none.
std::string_view LeadingKeyPrefixOf(std::string_view series_key, size_t signature_size);

// The rows of a decoded block (`columns` holds at least the filter
// columns) that are not deleted and pass every filter, in order, into rows;
// returns their count.
// With skip_time_filters (the block's time range lies within the bounds),
// the time column's filters are not evaluated.
int SelectRows(const std::vector<ScanBounds::Filter>& filters, const RowColumns& columns,
               const DeletedRows& deleted, int* rows, bool skip_time_filters = false);

}  // namespace tsdb::pg

#endif  // TSDB_PG_SCAN_QUALS_H_
