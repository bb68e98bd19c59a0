// Custom Scan (TsdbScan) (scan_node.cc), as nodes built on it see it: the
// aggregate node reads a TsdbScan's rows without forming them.
#ifndef TSDB_PG_SCAN_NODE_H_
#define TSDB_PG_SCAN_NODE_H_

#include "pg/block_codec.h"

extern "C" {
#include "nodes/execnodes.h"
#include "nodes/pathnodes.h"
}

namespace tsdb::pg {

bool IsTsdbScanPath(Path* path);

// TimeOrderedScanPath's order for blocks newest first (by max_time), their
// rows unordered: for a node that folds whole blocks (NextBlockRows) and
// asks NextBlockBound how far the blocks left reach.
constexpr int kNewestBlocksFirst = -2;

// Of a kNewestBlocksFirst scan, after its hot rows: the greatest max_time
// of the blocks left (kBounded), none left (kNone), or kUnbounded while
// blocks written under another time column (read first) remain.
enum class BlockBound { kNone, kUnbounded, kBounded };
BlockBound NextBlockBound(CustomScanState* scan, int64* max_time);

// A copy of a TsdbScan path whose rows come ordered by the table's time
// column (order -1 descending NULLS FIRST, 1 ascending NULLS LAST, or
// kNewestBlocksFirst), for a
// node above that reads them in that order (NextQualifiedRow); the copy
// claims no pathkeys of its own.
CustomPath* TimeOrderedScanPath(CustomPath* scan_path, int order);

// The next row of a TsdbScan (hot rows and block rows, in the scan's order)
// that passes its whole qual, in its scan slot; null after the last.
// Plain Postgres code: it may raise.
TupleTableSlot* NextQualifiedRow(CustomScanState* scan);

// The hot rows of a TsdbScan that pass its whole qual, in its scan slot
// (every attribute the plan reads), one per call; null after the last.
// Plain Postgres code: it may raise.
TupleTableSlot* NextQualifiedHotRow(CustomScanState* scan);

// The next block of a TsdbScan (after its hot rows) with the rows that pass
// its pruning and vectorized filters: when every clause of the scan is one
// of those (AllClausesVectorized), exactly the rows its qual accepts.
// columns holds every attribute the plan reads; valid until the next call.
// False after the last block. Raises (C++) on a corrupt block.
struct BlockRows {
  const RowColumns* columns;
  const int* rows;
  int count;
  Oid tableoid;
};
bool NextBlockRows(CustomScanState* scan, BlockRows* out);

// Row `row` of the current block (NextBlockRows) formed in the scan slot,
// with columns the block lacks at their defaults.
TupleTableSlot* BlockRowSlot(CustomScanState* scan, int row);

}  // namespace tsdb::pg

#endif  // TSDB_PG_SCAN_NODE_H_
