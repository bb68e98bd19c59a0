#include "tsdb/block_format.h"

namespace tsdb {

// Names follow Postgres's type names, as users see them in SQL.
const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kFloat64:
      return "float8";
    case ColumnType::kInt64:
      return "int8";
    case ColumnType::kTimestamp:
      return "timestamptz";
    case ColumnType::kText:
      return "text";
    case ColumnType::kBool:
      return "bool";
  }
  return "unknown";
}

const char* CodecName(Codec codec) {
  switch (codec) {
    case Codec::kAllNull:
      return "all_null";
    case Codec::kConstant:
      return "constant";
    case Codec::kFloatDecimal:
      return "decimal";
    case Codec::kFloatGorilla:
      return "gorilla";
    case Codec::kFloatRaw:
      return "raw";
    case Codec::kIntDelta:
      return "delta";
    case Codec::kIntPlain:
      return "plain";
    case Codec::kDeltaOfDelta:
      return "delta_of_delta";
    case Codec::kTextDict:
      return "dictionary";
    case Codec::kBoolBitmap:
      return "bitmap";
  }
  return "unknown";
}

const char* PackModeName(PackMode mode) {
  switch (mode) {
    case PackMode::kZero:
      return "zero";
    case PackMode::kBits:
      return "bits";
    case PackMode::kVarint:
      return "varint";
    case PackMode::kHuffman:
      return "huffman";
  }
  return "unknown";
}

}  // namespace tsdb
