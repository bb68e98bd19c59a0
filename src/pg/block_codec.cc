#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/block.h"
// Postgres headers (through guard.h) after every C++ header.
#include "pg/block_codec.h"
#include "pg/guard.h"

extern "C" {
#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "utils/rel.h"
}

namespace tsdb::pg {

[[noreturn]] void ThrowCorruptBlock(Relation rel, const std::string& what) {
  throw SqlError(ERRCODE_DATA_CORRUPTED,
                 std::string("corrupt block in tsdb table \"") + RelationGetRelationName(rel) +
                     "\": " + what);
}

namespace {

using Kind = ColumnKind;

[[noreturn]] void Corrupt(Relation rel, const std::string& what) { ThrowCorruptBlock(rel, what); }

template <typename T>
T* PallocArray(size_t n) {
  return static_cast<T*>(PgCall([&] { return palloc0(std::max<size_t>(1, n) * sizeof(T)); }));
}

// The null flags of a decoded column (its null vector is empty when no
// value is NULL).
template <typename Column>
void CopyNulls(const Column& col, size_t rows, bool* nulls) {
  if (col.nulls.empty()) {
    memset(nulls, 0, rows * sizeof(bool));
  } else {
    for (size_t r = 0; r < rows; ++r) nulls[r] = col.nulls[r] != 0;
  }
}

template <typename T>
T* PallocUninitialized(size_t n) {
  return static_cast<T*>(PgCall([&] { return palloc(std::max<size_t>(1, n) * sizeof(T)); }));
}

}  // namespace

Datum DatumOfBytes(int16 attlen, std::string_view bytes) {
  if (attlen == -1) {
    auto* v = static_cast<struct varlena*>(palloc(VARHDRSZ + bytes.size()));
    SET_VARSIZE(v, VARHDRSZ + bytes.size());
    memcpy(VARDATA(v), bytes.data(), bytes.size());
    return PointerGetDatum(v);
  }
  char* p = static_cast<char*>(palloc(bytes.size()));
  memcpy(p, bytes.data(), bytes.size());
  return PointerGetDatum(p);
}

ColumnKind KindOf(Form_pg_attribute attr) {
  if (attr->attisdropped) return Kind::kDropped;
  if (attr->atttypid == FLOAT8OID) return Kind::kFloat8;
  if (attr->atttypid == FLOAT4OID) return Kind::kFloat4;
  if (attr->atttypid == BOOLOID) return Kind::kBool;
  if (attr->attbyval) return Kind::kWord;
  return Kind::kBytes;
}

RowColumns DecodeBlock(Relation rel, TupleDesc desc, const char* data, size_t size,
                       const bool* wanted) {
  RowColumns out{0, 0, nullptr, nullptr};
  DecodeMoreColumns(rel, desc, data, size, wanted, &out);
  return out;
}

void DecodeMoreColumns(Relation rel, TupleDesc desc, const char* data, size_t size,
                       const bool* wanted, RowColumns* columns) {
  Result<BlockReader> opened = BlockReader::Open(std::string_view(data, size));
  if (!opened.ok()) Corrupt(rel, std::string(opened.status().message()));
  const BlockReader& block = *opened;
  RowColumns& out = *columns;
  if (out.values == nullptr) {
    out.rows = static_cast<int>(block.row_count());
    out.natts = static_cast<int>(block.column_count());
    if (out.natts > desc->natts) {
      Corrupt(rel, "it has " + std::to_string(out.natts) + " columns, the table " +
                       std::to_string(desc->natts));
    }
    out.values = PallocArray<Datum*>(out.natts);
    out.nulls = PallocArray<bool*>(out.natts);
  } else if (out.rows != static_cast<int>(block.row_count()) ||
             out.natts != static_cast<int>(block.column_count())) {
    Corrupt(rel, "its shape changed between two reads");
  }
  const size_t rows = out.rows;
  for (int a = 0; a < out.natts; ++a) {
    if (out.values[a] != nullptr || (wanted != nullptr && !wanted[a])) continue;
    Form_pg_attribute attr = TupleDescAttr(desc, a);
    // Every branch below sets every element.
    Datum* values = out.values[a] = PallocUninitialized<Datum>(rows);
    bool* nulls = out.nulls[a] = PallocUninitialized<bool>(rows);
    const Kind kind = KindOf(attr);
    const ColumnType type = block.column(a).type;
    const auto expect = [&](bool ok) {
      if (!ok) {
        Corrupt(rel, "column " + std::to_string(a + 1) + " holds " + ColumnTypeName(type) +
                         " values, which do not fit the column's type");
      }
    };
    if (kind == Kind::kDropped) {
      for (size_t r = 0; r < rows; ++r) nulls[r] = true;
      continue;
    }
    if (type == ColumnType::kFloat64) {
      expect(kind == Kind::kFloat8 || kind == Kind::kFloat4);
      Float64Column col = ValueOrThrow(block.DecodeFloat64(a), "could not decode a block");
      CopyNulls(col, rows, nulls);
      if (kind == Kind::kFloat8) {
        // A float8 Datum is the double's bits (FLOAT8PASSBYVAL): one copy.
        static_assert(sizeof(Datum) == sizeof(double) && FLOAT8PASSBYVAL);
        memcpy(values, col.values.data(), rows * sizeof(double));
      } else {
        for (size_t r = 0; r < rows; ++r) values[r] = Float4GetDatum(static_cast<float>(col.values[r]));
      }
    } else if (type == ColumnType::kInt64 || type == ColumnType::kTimestamp) {
      expect(kind == Kind::kWord);
      Int64Column col = ValueOrThrow(block.DecodeInt64(a), "could not decode a block");
      CopyNulls(col, rows, nulls);
      static_assert(sizeof(Datum) == sizeof(int64_t));
      memcpy(values, col.values.data(), rows * sizeof(int64_t));
    } else if (type == ColumnType::kBool) {
      expect(kind == Kind::kBool);
      BoolColumn col = ValueOrThrow(block.DecodeBool(a), "could not decode a block");
      for (size_t r = 0; r < rows; ++r) {
        nulls[r] = col.IsNull(r);
        values[r] = BoolGetDatum(col.values[r] != 0);
      }
    } else {
      expect(kind == Kind::kBytes);
      TextColumn col = ValueOrThrow(block.DecodeText(a), "could not decode a block");
      // One datum per distinct value; rows share it (the slot copies).
      std::vector<Datum> entries(col.dictionary.size());
      for (size_t e = 0; e < entries.size(); ++e) {
        const std::string& bytes = col.dictionary[e];
        if (attr->attlen > 0 && bytes.size() != static_cast<size_t>(attr->attlen)) {
          Corrupt(rel, "a value of column " + std::to_string(a + 1) + " has " +
                           std::to_string(bytes.size()) + " bytes, the type " +
                           std::to_string(attr->attlen));
        }
        entries[e] = PgCall([&] { return DatumOfBytes(attr->attlen, bytes); });
      }
      for (size_t r = 0; r < rows; ++r) {
        nulls[r] = col.IsNull(r);
        values[r] = nulls[r] ? Datum(0) : entries[col.indices[r]];
      }
    }
  }
}

}  // namespace tsdb::pg
