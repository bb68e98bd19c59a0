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
namespace {

enum class Kind { kFloat8, kFloat4, kBool, kWord, kBytes, kDropped };

Kind KindOf(Form_pg_attribute attr) {
  if (attr->attisdropped) return Kind::kDropped;
  if (attr->atttypid == FLOAT8OID) return Kind::kFloat8;
  if (attr->atttypid == FLOAT4OID) return Kind::kFloat4;
  if (attr->atttypid == BOOLOID) return Kind::kBool;
  if (attr->attbyval) return Kind::kWord;
  return Kind::kBytes;
}

std::vector<uint8_t> NullFlagsOf(const bool* nulls, int rows) {
  std::vector<uint8_t> flags(rows);
  bool any = false;
  for (int r = 0; r < rows; ++r) {
    flags[r] = nulls[r];
    any |= nulls[r];
  }
  if (!any) flags.clear();
  return flags;
}

// The bytes of a by-reference datum (detoasting varlenas: PgCall).
std::string_view BytesOf(Form_pg_attribute attr, Datum d) {
  if (attr->attlen == -1) {
    struct varlena* v = PgCall([&] {
      return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(d)));
    });
    return std::string_view(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
  }
  if (attr->attlen == -2) {
    const char* s = DatumGetCString(d);
    return std::string_view(s, strlen(s) + 1);
  }
  return std::string_view(DatumGetPointer(d), attr->attlen);
}

// A by-reference datum holding `bytes`, palloc'd (PgCall).
Datum DatumOfBytes(Form_pg_attribute attr, std::string_view bytes) {
  if (attr->attlen == -1) {
    struct varlena* v = static_cast<struct varlena*>(PgCall([&] { return palloc(VARHDRSZ + bytes.size()); }));
    SET_VARSIZE(v, VARHDRSZ + bytes.size());
    memcpy(VARDATA(v), bytes.data(), bytes.size());
    return PointerGetDatum(v);
  }
  char* p = static_cast<char*>(PgCall([&] { return palloc(bytes.size()); }));
  memcpy(p, bytes.data(), bytes.size());
  return PointerGetDatum(p);
}

[[noreturn]] void Corrupt(Relation rel, const std::string& what) {
  throw SqlError(ERRCODE_DATA_CORRUPTED,
                 std::string("corrupt block in tsdb table \"") + RelationGetRelationName(rel) +
                     "\": " + what);
}

template <typename T>
T* PallocArray(size_t n) {
  return static_cast<T*>(PgCall([&] { return palloc0(std::max<size_t>(1, n) * sizeof(T)); }));
}

}  // namespace

bytea* EncodeBlock(TupleDesc desc, const RowColumns& columns, AttrNumber time_attnum) {
  const int rows = columns.rows;
  std::string block;
  {
    BlockBuilder builder(rows);
    for (int a = 0; a < columns.natts; ++a) {
      Form_pg_attribute attr = TupleDescAttr(desc, a);
      const Datum* values = columns.values[a];
      const bool* nulls = columns.nulls[a];
      std::vector<uint8_t> flags = NullFlagsOf(nulls, rows);
      Status status;
      if (a + 1 == time_attnum) {
        std::vector<int64_t> micros(rows);
        for (int r = 0; r < rows; ++r) micros[r] = DatumGetInt64(values[r]);
        status = builder.AddTime(micros);
      } else {
        switch (KindOf(attr)) {
          case Kind::kFloat8:
          case Kind::kFloat4: {
            std::vector<double> v(rows);
            for (int r = 0; r < rows; ++r) {
              if (nulls[r]) continue;
              v[r] = attr->atttypid == FLOAT8OID ? DatumGetFloat8(values[r])
                                                 : static_cast<double>(DatumGetFloat4(values[r]));
            }
            status = builder.AddFloat64(v, flags);
            break;
          }
          case Kind::kBool: {
            std::vector<uint8_t> v(rows);
            for (int r = 0; r < rows; ++r) v[r] = !nulls[r] && DatumGetBool(values[r]);
            status = builder.AddBool(v, flags);
            break;
          }
          case Kind::kWord: {
            std::vector<int64_t> v(rows);
            for (int r = 0; r < rows; ++r) v[r] = nulls[r] ? 0 : static_cast<int64_t>(values[r]);
            status = builder.AddInt64(v, flags);
            break;
          }
          case Kind::kBytes: {
            std::vector<std::string_view> v(rows);
            for (int r = 0; r < rows; ++r) {
              if (!nulls[r]) v[r] = BytesOf(attr, values[r]);
            }
            status = builder.AddText(v, flags);
            break;
          }
          case Kind::kDropped: {
            std::vector<uint8_t> v(rows, 0), all_null(rows, 1);
            status = builder.AddBool(v, all_null);
            break;
          }
        }
      }
      ThrowIfError(status, "could not encode a block");
    }
    block = ValueOrThrow(builder.Finish(), "could not encode a block");
  }
  bytea* out = static_cast<bytea*>(PgCall([&] { return palloc(VARHDRSZ + block.size()); }));
  SET_VARSIZE(out, VARHDRSZ + block.size());
  memcpy(VARDATA(out), block.data(), block.size());
  return out;
}

RowColumns DecodeBlock(Relation rel, TupleDesc desc, const char* data, size_t size) {
  Result<BlockReader> opened = BlockReader::Open(std::string_view(data, size));
  if (!opened.ok()) Corrupt(rel, std::string(opened.status().message()));
  const BlockReader& block = *opened;
  RowColumns out;
  out.rows = static_cast<int>(block.row_count());
  out.natts = static_cast<int>(block.column_count());
  if (out.natts > desc->natts) {
    Corrupt(rel, "it has " + std::to_string(out.natts) + " columns, the table " +
                     std::to_string(desc->natts));
  }
  out.values = PallocArray<Datum*>(out.natts);
  out.nulls = PallocArray<bool*>(out.natts);
  const size_t rows = out.rows;
  for (int a = 0; a < out.natts; ++a) {
    Form_pg_attribute attr = TupleDescAttr(desc, a);
    Datum* values = out.values[a] = PallocArray<Datum>(rows);
    bool* nulls = out.nulls[a] = PallocArray<bool>(rows);
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
      for (size_t r = 0; r < rows; ++r) {
        nulls[r] = col.IsNull(r);
        values[r] = kind == Kind::kFloat8 ? Float8GetDatum(col.values[r])
                                          : Float4GetDatum(static_cast<float>(col.values[r]));
      }
    } else if (type == ColumnType::kInt64 || type == ColumnType::kTimestamp) {
      expect(kind == Kind::kWord);
      Int64Column col = ValueOrThrow(block.DecodeInt64(a), "could not decode a block");
      for (size_t r = 0; r < rows; ++r) {
        nulls[r] = col.IsNull(r);
        values[r] = static_cast<Datum>(col.values[r]);
      }
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
        entries[e] = DatumOfBytes(attr, bytes);
      }
      for (size_t r = 0; r < rows; ++r) {
        nulls[r] = col.IsNull(r);
        values[r] = nulls[r] ? Datum(0) : entries[col.indices[r]];
      }
    }
  }
  return out;
}

}  // namespace tsdb::pg
