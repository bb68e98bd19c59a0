#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

// Postgres headers (through guard.h) after every C++ header.
#include "pg/guard.h"
#include "pg/scan_quals.h"

extern "C" {
#include "access/stratnum.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_collation.h"
#include "commands/defrem.h"
#include "executor/executor.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "utils/rel.h"
#include "utils/typcache.h"
}

namespace tsdb::pg {
namespace {

// The attribute number of a plain Var of the scanned relation (under a
// binary-compatible relabeling, as varchar = text has), else 0.
AttrNumber AttnoOfVar(Node* node, Index relid) {
  while (node != nullptr && IsA(node, RelabelType)) {
    node = reinterpret_cast<Node*>(reinterpret_cast<RelabelType*>(node)->arg);
  }
  if (node == nullptr || !IsA(node, Var)) return 0;
  Var* var = reinterpret_cast<Var*>(node);
  if (var->varno != static_cast<int>(relid) || var->varlevelsup != 0 || var->varattno <= 0) {
    return 0;
  }
  return var->varattno;
}

// Whether `node` can be evaluated once per scan: no Var of the scanned
// relation, nothing volatile, no subplan (custom_exprs are evaluated
// without the plan's subplans).
bool IsScanConstant(PlannerInfo* root, RelOptInfo* rel, Node* node) {
  return !bms_is_member(rel->relid, pull_varnos(root, node)) &&
         !contain_volatile_functions(node) && !contain_subplans(node) &&
         !contain_agg_clause(node) && !contain_window_function(node);
}

}  // namespace

Oid DefaultBtreeFamily(Oid type) {
  // The type cache keeps it (GetDefaultOpClass scans pg_opclass per call:
  // a tenth of a short query's time when planning called it per clause).
  return lookup_type_cache(type, TYPECACHE_BTREE_OPFAMILY)->btree_opf;
}

namespace {

// The btree strategy of `opno` taking (type, type), else 0.
int SameTypeStrategy(Oid opno, Oid type) {
  Oid left, right;
  op_input_types(opno, &left, &right);
  if (left != type || right != type) return 0;
  const Oid family = DefaultBtreeFamily(type);
  return OidIsValid(family) ? get_op_opfamily_strategy(opno, family) : 0;
}

int CommuteStrategy(int strategy) {
  switch (strategy) {
    case BTLessStrategyNumber: return BTGreaterStrategyNumber;
    case BTLessEqualStrategyNumber: return BTGreaterEqualStrategyNumber;
    case BTGreaterEqualStrategyNumber: return BTLessEqualStrategyNumber;
    case BTGreaterStrategyNumber: return BTLessStrategyNumber;
    default: return strategy;
  }
}

// Types whose output text is a canonical form of their equality: two
// values of one group are equal exactly when their output texts are (the
// series_key stores output texts). 0: not such a type.
int CanonicalTextGroup(Oid type) {
  switch (type) {
    case INT2OID:
    case INT4OID:
    case INT8OID: return 1;
    case TEXTOID:
    case VARCHAROID:
    case NAMEOID: return 2;
    case UUIDOID: return 3;
    case BOOLOID: return 4;
    case OIDOID: return 5;
    default: return 0;
  }
}

int KeyPosition(const TableLayout& layout, AttrNumber attno) {
  for (int k = 0; k < layout.nkeys; ++k) {
    if (layout.keys[k] == attno) return k;
  }
  return -1;
}

// Whether `opno` (input collation `collation`) is an equality of the
// key column `attno` with values of `value_type` that series_key texts
// can answer.
bool IsKeyEquality(Relation table, AttrNumber attno, Node* key_side, Oid opno, Oid value_type,
                   Oid collation) {
  const Oid column_type = TupleDescAttr(RelationGetDescr(table), attno - 1)->atttypid;
  const int group = CanonicalTextGroup(column_type);
  if (group == 0 || group != CanonicalTextGroup(value_type)) return false;
  const Oid family = DefaultBtreeFamily(exprType(key_side));
  if (!OidIsValid(family) || get_op_opfamily_strategy(opno, family) != BTEqualStrategyNumber) {
    return false;
  }
  return !OidIsValid(collation) || get_collation_isdeterministic(collation);
}

struct UsableQual {
  ScanQualKind kind;
  int arg;
  Node* value;
};

// How `clause` (of the scan of rel) can be used; false when it cannot.
bool Classify(PlannerInfo* root, RelOptInfo* rel, Relation table, const TableLayout& layout,
              Expr* clause, UsableQual* out) {
  TupleDesc desc = RelationGetDescr(table);
  if (IsA(clause, OpExpr)) {
    OpExpr* op = reinterpret_cast<OpExpr*>(clause);
    if (list_length(op->args) != 2) return false;
    Node* left = static_cast<Node*>(linitial(op->args));
    Node* right = static_cast<Node*>(lsecond(op->args));
    Node* column_side = left;
    Node* value = right;
    AttrNumber attno = AttnoOfVar(left, rel->relid);
    bool commuted = false;
    if (attno == 0) {
      attno = AttnoOfVar(right, rel->relid);
      column_side = right;
      value = left;
      commuted = true;
    }
    if (attno == 0 || attno > desc->natts || !IsScanConstant(root, rel, value)) return false;
    const Oid column_type = TupleDescAttr(desc, attno - 1)->atttypid;
    if (attno == layout.time_attnum && exprType(column_side) == column_type &&
        exprType(value) == column_type) {
      int strategy = SameTypeStrategy(op->opno, column_type);
      if (strategy == 0) return false;
      if (commuted) strategy = CommuteStrategy(strategy);
      *out = {ScanQualKind::kTimeBound, strategy, value};
      return true;
    }
    const int position = KeyPosition(layout, attno);
    if (position >= 0 &&
        IsKeyEquality(table, attno, column_side, op->opno, exprType(value), op->inputcollid)) {
      *out = {ScanQualKind::kKeyEqual, position, value};
      return true;
    }
    if (column_type == FLOAT8OID && exprType(column_side) == FLOAT8OID &&
        exprType(value) == FLOAT8OID) {
      int strategy = SameTypeStrategy(op->opno, FLOAT8OID);
      if (strategy == 0) return false;
      if (commuted) strategy = CommuteStrategy(strategy);
      *out = {ScanQualKind::kFloatFilter, attno * 8 + strategy, value};
      return true;
    }
    return false;
  }
  if (IsA(clause, ScalarArrayOpExpr)) {
    ScalarArrayOpExpr* saop = reinterpret_cast<ScalarArrayOpExpr*>(clause);
    if (!saop->useOr || list_length(saop->args) != 2) return false;
    Node* column_side = static_cast<Node*>(linitial(saop->args));
    Node* value = static_cast<Node*>(lsecond(saop->args));
    const AttrNumber attno = AttnoOfVar(column_side, rel->relid);
    if (attno == 0 || attno > desc->natts || !IsScanConstant(root, rel, value)) return false;
    const int position = KeyPosition(layout, attno);
    const Oid element_type = get_element_type(exprType(value));
    if (position < 0 || !OidIsValid(element_type) ||
        !IsKeyEquality(table, attno, column_side, saop->opno, element_type, saop->inputcollid)) {
      return false;
    }
    *out = {ScanQualKind::kKeyIn, position, value};
    return true;
  }
  return false;
}

int64 SaturatingAdd(int64 value, int delta) {
  if (delta > 0 && value == INT64_MAX) return value;
  if (delta < 0 && value == INT64_MIN) return value;
  return value + delta;
}

// Postgres's float8 order: NaN above everything and equal to itself.
int CompareFloat8(double a, double b) {
  if (std::isnan(a)) return std::isnan(b) ? 0 : 1;
  if (std::isnan(b)) return -1;
  return a < b ? -1 : (a > b ? 1 : 0);
}

bool StrategyHolds(int strategy, int cmp) {
  switch (strategy) {
    case BTLessStrategyNumber: return cmp < 0;
    case BTLessEqualStrategyNumber: return cmp <= 0;
    case BTEqualStrategyNumber: return cmp == 0;
    case BTGreaterEqualStrategyNumber: return cmp >= 0;
    case BTGreaterStrategyNumber: return cmp > 0;
    default: return true;
  }
}

// Keeps the rows of rows[0..count) whose value passes `filter`; returns
// the new count.
template <typename Compare>
int KeepRows(const ScanBounds::Filter& filter, const Datum* values, const bool* nulls,
             int* rows, int count, Compare compare) {
  int kept = 0;
  for (int i = 0; i < count; ++i) {
    const int row = rows[i];
    if (nulls[row]) continue;
    if (StrategyHolds(filter.strategy, compare(values[row]))) rows[kept++] = row;
  }
  return kept;
}

}  // namespace

std::string SeriesKeyComponent(std::string_view text) {
  return "V" + std::to_string(text.size()) + ":" + std::string(text);
}

void ClassifyScanQuals(PlannerInfo* root, RelOptInfo* rel, Relation table,
                       const TableLayout& layout, List* clauses, List** values, List** kinds) {
  ListCell* cell;
  foreach (cell, clauses) {
    RestrictInfo* rinfo = lfirst_node(RestrictInfo, cell);
    if (rinfo->pseudoconstant) continue;
    UsableQual qual;
    if (!Classify(root, rel, table, layout, rinfo->clause, &qual)) continue;
    *values = lappend(*values, qual.value);
    *kinds = lappend_int(*kinds, static_cast<int>(qual.kind));
    *kinds = lappend_int(*kinds, qual.arg);
  }
}

bool AllClausesVectorized(PlannerInfo* root, RelOptInfo* rel, Relation table,
                          const TableLayout& layout, List* clauses) {
  ListCell* cell;
  foreach (cell, clauses) {
    RestrictInfo* rinfo = lfirst_node(RestrictInfo, cell);
    UsableQual qual;
    if (rinfo->pseudoconstant || !Classify(root, rel, table, layout, rinfo->clause, &qual)) {
      return false;
    }
  }
  return true;
}

Selectivity PruningSelectivity(PlannerInfo* root, RelOptInfo* rel, Relation table,
                               const TableLayout& layout, List* clauses) {
  List* pruning = NIL;
  ListCell* cell;
  foreach (cell, clauses) {
    RestrictInfo* rinfo = lfirst_node(RestrictInfo, cell);
    UsableQual qual;
    if (!rinfo->pseudoconstant && Classify(root, rel, table, layout, rinfo->clause, &qual) &&
        qual.kind != ScanQualKind::kFloatFilter) {
      pruning = lappend(pruning, rinfo);
    }
  }
  return clauselist_selectivity(root, pruning, rel->relid, JOIN_INNER, nullptr);
}

void ScanBounds::BoundTime(int strategy, int64 value) {
  switch (strategy) {
    case BTLessStrategyNumber:
      if (value == INT64_MIN) empty_ = true;
      time_hi_ = std::min(time_hi_, SaturatingAdd(value, -1));
      break;
    case BTLessEqualStrategyNumber: time_hi_ = std::min(time_hi_, value); break;
    case BTEqualStrategyNumber:
      time_lo_ = std::max(time_lo_, value);
      time_hi_ = std::min(time_hi_, value);
      break;
    case BTGreaterEqualStrategyNumber: time_lo_ = std::max(time_lo_, value); break;
    case BTGreaterStrategyNumber:
      if (value == INT64_MAX) empty_ = true;
      time_lo_ = std::max(time_lo_, SaturatingAdd(value, 1));
      break;
  }
  if (time_lo_ > time_hi_) empty_ = true;
}

void ScanBounds::ConstrainKey(int position, std::vector<std::string> texts) {
  std::sort(texts.begin(), texts.end());
  texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
  if (key_constrained_[position]) {
    std::vector<std::string> both;
    std::set_intersection(key_values_[position].begin(), key_values_[position].end(),
                          texts.begin(), texts.end(), std::back_inserter(both));
    texts = std::move(both);
  }
  key_constrained_[position] = true;
  key_values_[position] = std::move(texts);
  if (key_values_[position].empty()) empty_ = true;
}

void ScanBounds::Evaluate(const std::vector<ExprState*>& states, List* kinds,
                          const TableLayout& layout, ExprContext* econtext) {
  *this = ScanBounds();
  key_constrained_.assign(layout.nkeys, false);
  key_values_.assign(layout.nkeys, {});
  for (size_t i = 0; i < states.size(); ++i) {
    const auto kind = static_cast<ScanQualKind>(list_nth_int(kinds, 2 * i));
    const int arg = list_nth_int(kinds, 2 * i + 1);
    bool isnull;
    const Datum value =
        PgCall([&] { return ExecEvalExprSwitchContext(states[i], econtext, &isnull); });
    if (isnull) {  // every operator used here is strict
      empty_ = true;
      continue;
    }
    const Oid type = exprType(reinterpret_cast<Node*>(states[i]->expr));
    switch (kind) {
      case ScanQualKind::kTimeBound: {
        const int64 time = DatumGetInt64(value);
        BoundTime(arg, time);
        filters_.push_back({layout.time_attnum, arg, false, 0, time});
        break;
      }
      case ScanQualKind::kKeyEqual: {
        char* text = PgCall([&] {
          Oid output;
          bool varlena;
          getTypeOutputInfo(type, &output, &varlena);
          return OidOutputFunctionCall(output, value);
        });
        ConstrainKey(arg, {std::string(text)});
        break;
      }
      case ScanQualKind::kKeyIn: {
        Datum* elements;
        bool* element_nulls;
        int count;
        Oid output;
        PgCall([&] {
          ArrayType* array = DatumGetArrayTypeP(value);
          const Oid element_type = ARR_ELEMTYPE(array);
          int16 length;
          bool byval;
          char align;
          get_typlenbyvalalign(element_type, &length, &byval, &align);
          bool varlena;
          getTypeOutputInfo(element_type, &output, &varlena);
          deconstruct_array(array, element_type, length, byval, align, &elements,
                            &element_nulls, &count);
        });
        std::vector<std::string> texts;
        for (int e = 0; e < count; ++e) {
          if (element_nulls[e]) continue;
          texts.emplace_back(PgCall([&] { return OidOutputFunctionCall(output, elements[e]); }));
        }
        ConstrainKey(arg, std::move(texts));
        break;
      }
      case ScanQualKind::kFloatFilter:
        filters_.push_back({arg / 8, arg % 8, true, DatumGetFloat8(value), 0});
        break;
    }
  }
  signature_ = "K";
  for (int k = 0; k < layout.nkeys; ++k) {
    if (k > 0) signature_ += ',';
    signature_ += std::to_string(layout.keys[k]);
  }
  signature_ += ';';
  if (layout.nkeys > 0 && key_constrained_[0]) {
    for (const std::string& text : key_values_[0]) {
      leading_prefixes_.push_back(signature_ + SeriesKeyComponent(text));
    }
    std::sort(leading_prefixes_.begin(), leading_prefixes_.end());
  }
}

std::string_view LeadingKeyPrefixOf(std::string_view key, size_t signature_size) {
  const size_t pos = signature_size;
  if (pos >= key.size()) return {};
  if (key[pos] == 'N') return key.substr(0, pos + 1);
  if (key[pos] != 'V') return {};
  const size_t colon = key.find(':', pos);
  if (colon == std::string_view::npos) return {};
  size_t length = 0;
  for (size_t i = pos + 1; i < colon; ++i) {
    if (key[i] < '0' || key[i] > '9') return {};
    length = length * 10 + static_cast<size_t>(key[i] - '0');
  }
  if (length > key.size() - colon - 1) return {};
  return key.substr(0, colon + 1 + length);
}

bool ScanBounds::constrains_leading_key_only() const {
  if (key_constrained_.empty() || !key_constrained_[0]) return false;
  return std::find(key_constrained_.begin() + 1, key_constrained_.end(), true) ==
         key_constrained_.end();
}

bool ScanBounds::has_key_constraints() const {
  return std::find(key_constrained_.begin(), key_constrained_.end(), true) !=
         key_constrained_.end();
}

ScanBounds::KeyMatch ScanBounds::KeyMatches(std::string_view key) const {
  if (!has_key_constraints()) return KeyMatch::kYes;
  if (key.substr(0, signature_.size()) != signature_) return KeyMatch::kUnknown;
  size_t pos = signature_.size();
  for (size_t k = 0; k < key_constrained_.size(); ++k) {
    if (pos >= key.size()) return KeyMatch::kUnknown;  // not a key SeriesKeyText wrote
    std::string_view text;
    bool is_null = false;
    if (key[pos] == 'N') {
      is_null = true;
      ++pos;
    } else if (key[pos] == 'V') {
      const size_t colon = key.find(':', pos);
      if (colon == std::string_view::npos) return KeyMatch::kUnknown;
      size_t length = 0;
      for (size_t i = pos + 1; i < colon; ++i) {
        if (key[i] < '0' || key[i] > '9') return KeyMatch::kUnknown;
        length = length * 10 + static_cast<size_t>(key[i] - '0');
      }
      if (colon + 1 + length > key.size()) return KeyMatch::kUnknown;
      text = key.substr(colon + 1, length);
      pos = colon + 1 + length;
    } else {
      return KeyMatch::kUnknown;
    }
    if (!key_constrained_[k]) continue;
    if (is_null) return KeyMatch::kNo;
    if (!std::binary_search(key_values_[k].begin(), key_values_[k].end(), text,
                            [](std::string_view a, std::string_view b) { return a < b; })) {
      return KeyMatch::kNo;
    }
  }
  return KeyMatch::kYes;
}

int SelectRows(const std::vector<ScanBounds::Filter>& filters, const RowColumns& columns,
               const DeletedRows& deleted, int* rows, bool skip_time_filters) {
  int count = 0;
  for (int r = 0; r < columns.rows; ++r) {
    if (!deleted.Contains(r)) rows[count++] = r;
  }
  for (const ScanBounds::Filter& filter : filters) {
    if (skip_time_filters && !filter.is_float) continue;
    const int a = filter.attno - 1;
    // A column added after the block was written holds its default: the
    // plan's qual decides.
    if (a >= columns.natts || columns.values[a] == nullptr) continue;
    const Datum* values = columns.values[a];
    const bool* nulls = columns.nulls[a];
    if (filter.is_float) {
      const double bound = filter.float_value;
      count = KeepRows(filter, values, nulls, rows, count,
                       [bound](Datum v) { return CompareFloat8(DatumGetFloat8(v), bound); });
    } else {
      const int64 bound = filter.int_value;
      count = KeepRows(filter, values, nulls, rows, count, [bound](Datum v) {
        const int64 t = DatumGetInt64(v);
        return t < bound ? -1 : (t > bound ? 1 : 0);
      });
    }
    if (count == 0) break;
  }
  return count;
}

}  // namespace tsdb::pg
