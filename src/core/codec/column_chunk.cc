// Column chunks: the self-describing header and null bitmap around a codec
// payload (layout in block_format.h), and the per-type choice of codec by
// measured size.
#include "tsdb/column_chunk.h"

#include <cstring>

#include "codec/float_codecs.h"
#include "codec/int_codecs.h"
#include "codec/text_dict.h"
#include "util/checksum.h"
#include "util/coding.h"

namespace tsdb {
namespace {

constexpr size_t kMinChunkSize = 4 + 1 + kChunkChecksumSize;

bool CodecFits(ColumnType type, Codec codec) {
  switch (codec) {
    case Codec::kAllNull:
      return true;
    case Codec::kConstant:
      return type == ColumnType::kFloat64 || type == ColumnType::kInt64 ||
             type == ColumnType::kTimestamp;
    case Codec::kFloatDecimal:
    case Codec::kFloatGorilla:
    case Codec::kFloatRaw:
      return type == ColumnType::kFloat64;
    case Codec::kIntDelta:
    case Codec::kIntPlain:
    case Codec::kDeltaOfDelta:
      return type == ColumnType::kInt64 || type == ColumnType::kTimestamp;
    case Codec::kTextDict:
      return type == ColumnType::kText;
    case Codec::kBoolBitmap:
      return type == ColumnType::kBool;
  }
  return false;
}

Status CheckInput(size_t rows, absl::Span<const uint8_t> nulls) {
  if (rows > kMaxChunkRows) {
    return LimitExceeded("a column chunk holds at most %d values, got %d", kMaxChunkRows, rows);
  }
  if (!nulls.empty() && nulls.size() != rows) {
    return InvalidArgument("null flags cover %d rows, expected %d", nulls.size(), rows);
  }
  return Status();
}

size_t CountNulls(absl::Span<const uint8_t> nulls) {
  size_t n = 0;
  for (uint8_t f : nulls) n += f != 0;
  return n;
}

// The non-null values, in row order. Borrows `values` when there are none.
template <typename T>
absl::Span<const T> NonNull(absl::Span<const T> values, absl::Span<const uint8_t> nulls,
                            size_t null_count, std::vector<T>* storage) {
  if (null_count == 0) return values;
  storage->reserve(values.size() - null_count);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!nulls[i]) storage->push_back(values[i]);
  }
  return *storage;
}

// Header and null bitmap; the caller appends the payload, then SealChunk.
std::string StartChunk(ColumnType type, Codec codec, size_t rows, absl::Span<const uint8_t> nulls,
                       size_t null_count) {
  std::string out;
  out.push_back(static_cast<char>(kChunkMagic));
  out.push_back(static_cast<char>((kChunkVersion << 4) | static_cast<uint8_t>(type)));
  out.push_back(static_cast<char>(codec));
  out.push_back(static_cast<char>(null_count > 0 ? kChunkFlagHasNulls : 0));
  PutVarint(&out, rows);
  if (null_count > 0) {
    PutVarint(&out, null_count);
    std::string bitmap((rows + 7) / 8, '\0');
    for (size_t i = 0; i < rows; ++i) {
      if (nulls[i]) bitmap[i / 8] = static_cast<char>(bitmap[i / 8] | (1 << (i % 8)));
    }
    out.append(bitmap);
  }
  return out;
}

std::string SealChunk(std::string chunk) {
  PutFixed32(&chunk, Checksum32(chunk.data(), chunk.size()));
  return chunk;
}

std::string MakeChunk(ColumnType type, Codec codec, absl::Span<const uint8_t> nulls, size_t rows,
                      size_t null_count, const std::string& payload) {
  std::string out = StartChunk(type, codec, rows, nulls, null_count);
  out.append(payload);
  return SealChunk(std::move(out));
}

template <typename T>
bool AllSameBits(absl::Span<const T> values) {
  for (size_t i = 1; i < values.size(); ++i) {
    if (std::memcmp(&values[i], &values[0], sizeof(T)) != 0) return false;
  }
  return true;
}

template <typename T>
std::string ConstantPayload(T value) {
  uint64_t bits;
  std::memcpy(&bits, &value, 8);
  std::string payload;
  PutFixed64(&payload, bits);
  return payload;
}

// ---- decoding ----

struct ParsedChunk {
  ColumnType type;
  Codec codec;
  uint64_t rows = 0;
  uint64_t null_count = 0;
  const uint8_t* bitmap = nullptr;
  ByteReader payload{nullptr, 0};
  size_t bytes = 0;
};

Result<ParsedChunk> ParseChunk(std::string_view chunk, const DecodeOptions& options) {
  if (chunk.size() < kMinChunkSize) {
    return Corruption("column chunk is %d bytes, expected at least %d", chunk.size(),
                      kMinChunkSize);
  }
  const auto* data = reinterpret_cast<const uint8_t*>(chunk.data());
  const size_t body = chunk.size() - kChunkChecksumSize;
  if (options.verify_checksum) {
    uint32_t stored = LoadFixed32(data + body);
    uint32_t computed = Checksum32(data, body);
    if (stored != computed) {
      return Corruption("column chunk checksum mismatch: stored %08x, computed %08x", stored,
                        computed);
    }
  }
  if (data[0] != kChunkMagic) {
    return Corruption("not a tsdb column chunk: first byte is 0x%02x, expected 0x%02x", data[0],
                      kChunkMagic);
  }
  if ((data[1] >> 4) != kChunkVersion) {
    return Corruption("column chunk format version is %d, expected %d", data[1] >> 4,
                      kChunkVersion);
  }
  ParsedChunk p;
  p.bytes = chunk.size();
  uint8_t type = data[1] & 0xf;
  if (type < static_cast<uint8_t>(ColumnType::kFloat64) ||
      type > static_cast<uint8_t>(ColumnType::kBool)) {
    return Corruption("column chunk has unknown column type %d", type);
  }
  p.type = static_cast<ColumnType>(type);
  uint8_t codec = data[2];
  if (codec < static_cast<uint8_t>(Codec::kAllNull) ||
      codec > static_cast<uint8_t>(Codec::kBoolBitmap)) {
    return Corruption("column chunk has unknown codec id %d", codec);
  }
  p.codec = static_cast<Codec>(codec);
  if (!CodecFits(p.type, p.codec)) {
    return Corruption("codec %s cannot hold %s values", CodecName(p.codec), ColumnTypeName(p.type));
  }
  uint8_t flags = data[3];
  if ((flags & ~kChunkFlagHasNulls) != 0) {
    return Corruption("column chunk has unknown flags 0x%02x", flags);
  }
  ByteReader in(data + 4, body - 4);
  TSDB_RETURN_IF_ERROR(in.ReadBoundedVarint(&p.rows, kMaxChunkRows, "column chunk row count"));
  if (flags & kChunkFlagHasNulls) {
    TSDB_RETURN_IF_ERROR(in.ReadVarint(&p.null_count, "null count"));
    if (p.null_count == 0 || p.null_count > p.rows) {
      return Corruption("null count is %d, expected 1..%d (the row count)", p.null_count, p.rows);
    }
    TSDB_RETURN_IF_ERROR(in.ReadBytes((p.rows + 7) / 8, &p.bitmap, "null bitmap"));
    uint64_t set = 0;
    for (uint64_t i = 0; i < (p.rows + 7) / 8; ++i) set += __builtin_popcount(p.bitmap[i]);
    if (p.rows % 8 != 0 && (p.bitmap[p.rows / 8] >> (p.rows % 8)) != 0) {
      return Corruption("null bitmap padding bits are not zero");
    }
    if (set != p.null_count) {
      return Corruption("null bitmap has %d bits set, the header says %d nulls", set, p.null_count);
    }
  }
  const bool all_null = p.null_count == p.rows;
  if (all_null != (p.codec == Codec::kAllNull)) {
    return Corruption("codec %s used for %d non-null values", CodecName(p.codec),
                      p.rows - p.null_count);
  }
  p.payload = in;
  return p;
}

Status ExpectType(const ParsedChunk& p, ColumnType want) {
  bool ok = p.type == want ||
            (want == ColumnType::kInt64 && p.type == ColumnType::kTimestamp);
  if (!ok) {
    return InvalidArgument("column chunk holds %s values, expected %s", ColumnTypeName(p.type),
                           ColumnTypeName(want));
  }
  return Status();
}

// Moves the m dense values at the front of `values` to their rows, leaving
// zero at NULL rows, and fills the null flags.
template <typename T>
void ScatterNulls(const ParsedChunk& p, std::vector<T>* values, NullFlags* nulls) {
  if (p.null_count == 0) return;
  const size_t n = p.rows;
  nulls->resize(n);
  for (size_t i = 0; i < n; ++i) (*nulls)[i] = (p.bitmap[i / 8] >> (i % 8)) & 1;
  size_t j = n - p.null_count;
  for (size_t i = n; i-- > 0;) {
    if ((*nulls)[i]) {
      (*values)[i] = T{};
    } else {
      (*values)[i] = (*values)[--j];
    }
  }
}

template <typename T>
Status GetConstant(ByteReader* in, size_t count, T* out) {
  uint64_t bits;
  TSDB_RETURN_IF_ERROR(in->ReadFixed64(&bits, "constant value"));
  T value;
  std::memcpy(&value, &bits, 8);
  std::fill(out, out + count, value);
  return in->ExpectEnd("the constant value");
}

// Checks the input, drops NULL rows and asks `choose(dense, &payload)` for
// the codec and payload of the non-null values (kAllNull when there are none).
template <typename T, typename Choose>
Result<std::string> EncodeColumn(ColumnType type, absl::Span<const T> values,
                                 absl::Span<const uint8_t> nulls, Choose choose) {
  TSDB_RETURN_IF_ERROR(CheckInput(values.size(), nulls));
  const size_t null_count = CountNulls(nulls);
  std::vector<T> storage;
  absl::Span<const T> dense = NonNull(values, nulls, null_count, &storage);
  Codec codec = Codec::kAllNull;
  std::string payload;
  if (!dense.empty()) codec = choose(dense, &payload);
  return MakeChunk(type, codec, nulls, values.size(), null_count, payload);
}

// Parses and checks the chunk, then lets `decode(codec, payload, m, out)`
// decode the m non-null values (never called for kAllNull) and puts NULL
// rows in place.
// Into *col, whose vectors keep their capacity: a reader decoding block
// after block allocates once.
template <typename T, typename Decode>
Status DecodeColumn(std::string_view chunk, const DecodeOptions& options, ColumnType want,
                    Decode decode, Column<T>* col) {
  TSDB_ASSIGN_OR_RETURN(ParsedChunk p, ParseChunk(chunk, options));
  TSDB_RETURN_IF_ERROR(ExpectType(p, want));
  col->values.resize(p.rows);
  col->nulls.clear();
  if (p.codec == Codec::kAllNull) {
    TSDB_RETURN_IF_ERROR(p.payload.ExpectEnd("an all-null chunk's header"));
  } else {
    TSDB_RETURN_IF_ERROR(decode(p.codec, &p.payload, p.rows - p.null_count, col->values.data()));
  }
  ScatterNulls(p, &col->values, &col->nulls);
  return Status();
}

template <typename T, typename Decode>
Result<Column<T>> DecodeColumn(std::string_view chunk, const DecodeOptions& options,
                               ColumnType want, Decode decode) {
  Column<T> col;
  TSDB_RETURN_IF_ERROR(DecodeColumn(chunk, options, want, decode, &col));
  return col;
}

Status WrongCodec(Codec codec, ColumnType type) {
  return Corruption("codec %s cannot hold %s values", CodecName(codec), ColumnTypeName(type));
}

Codec ChooseFloat64(absl::Span<const double> dense, std::string* best) {
  if (AllSameBits(dense)) {
    *best = ConstantPayload(dense[0]);
    return Codec::kConstant;
  }
  // Decimal first: it wins on the series this product is for, and a cheap
  // lower bound on Gorilla's size then usually shows Gorilla cannot beat it.
  Codec codec = Codec::kFloatDecimal;
  const bool decimal = PutDecimalFloat(dense, best);
  if (!decimal || GorillaXorMinBits(dense, best->size() * 8) < best->size() * 8) {
    std::string gorilla;
    PutGorillaXor(dense, &gorilla);
    // A decimal payload that divides on decoding must save 5% to be worth
    // decoding at about half Gorilla's speed (bench: gauge_2dp, float_walk).
    const bool divides = decimal && DecimalPayloadDivides(*best);
    if (!decimal || gorilla.size() < best->size() ||
        (divides && gorilla.size() * 19 < best->size() * 20)) {
      codec = Codec::kFloatGorilla;
      best->swap(gorilla);
    }
  }
  if (best->size() > dense.size() * 8) {  // incompressible: raw bits
    codec = Codec::kFloatRaw;
    best->resize(dense.size() * 8);
    std::memcpy(best->data(), dense.data(), dense.size() * 8);  // little-endian hosts only
  }
  return codec;
}

Status DecodeFloat64Payload(Codec codec, ByteReader* in, size_t m, double* out) {
  switch (codec) {
    case Codec::kConstant:
      return GetConstant(in, m, out);
    case Codec::kFloatDecimal:
      return GetDecimalFloat(in, m, out);
    case Codec::kFloatGorilla:
      return GetGorillaXor(in, m, out);
    case Codec::kFloatRaw:
      if (in->remaining() != m * 8) {
        return Corruption("raw float payload is %d bytes, expected %d for %d values",
                          in->remaining(), m * 8, m);
      }
      std::memcpy(out, in->position(), m * 8);
      return Status();
    default:
      return WrongCodec(codec, ColumnType::kFloat64);
  }
}

Codec ChooseInt64(absl::Span<const int64_t> dense, std::string* best) {
  if (AllSameBits(dense)) {
    *best = ConstantPayload(dense[0]);
    return Codec::kConstant;
  }
  Codec codec = Codec::kDeltaOfDelta;
  PutDeltaOfDelta(dense, best);
  // A regular series (every delta-of-delta zero) costs a few header bytes;
  // nothing else can be meaningfully smaller.
  if (dense.size() >= 2 &&
      static_cast<uint8_t>(best->back()) == static_cast<uint8_t>(PackMode::kZero)) {
    return codec;
  }
  std::string candidate;
  PutIntDelta(dense, &candidate);
  if (candidate.size() < best->size()) {
    codec = Codec::kIntDelta;
    best->swap(candidate);
  }
  candidate.clear();
  PutIntPlain(dense, &candidate);
  if (candidate.size() < best->size()) {
    codec = Codec::kIntPlain;
    best->swap(candidate);
  }
  return codec;
}

Status DecodeInt64Payload(Codec codec, ByteReader* in, size_t m, int64_t* out) {
  switch (codec) {
    case Codec::kConstant:
      return GetConstant(in, m, out);
    case Codec::kIntDelta:
      return GetIntDelta(in, m, out);
    case Codec::kIntPlain:
      return GetIntPlain(in, m, out);
    case Codec::kDeltaOfDelta:
      return GetDeltaOfDelta(in, m, out);
    default:
      return WrongCodec(codec, ColumnType::kInt64);
  }
}

Codec ChooseBool(absl::Span<const uint8_t> dense, std::string* payload) {
  payload->assign((dense.size() + 7) / 8, '\0');
  for (size_t i = 0; i < dense.size(); ++i) {
    if (dense[i]) (*payload)[i / 8] = static_cast<char>((*payload)[i / 8] | (1 << (i % 8)));
  }
  return Codec::kBoolBitmap;
}

Status DecodeBoolPayload(Codec codec, ByteReader* in, size_t m, uint8_t* out) {
  if (codec != Codec::kBoolBitmap) return WrongCodec(codec, ColumnType::kBool);
  const uint8_t* bits;
  TSDB_RETURN_IF_ERROR(in->ReadBytes((m + 7) / 8, &bits, "boolean bitmap"));
  TSDB_RETURN_IF_ERROR(in->ExpectEnd("the boolean bitmap"));
  if (m % 8 != 0 && (bits[m / 8] >> (m % 8)) != 0) {
    return Corruption("boolean bitmap padding bits are not zero");
  }
  for (size_t i = 0; i < m; ++i) out[i] = (bits[i / 8] >> (i % 8)) & 1;
  return Status();
}

}  // namespace

Result<std::string> EncodeFloat64Chunk(absl::Span<const double> values,
                                       absl::Span<const uint8_t> nulls) {
  return EncodeColumn(ColumnType::kFloat64, values, nulls, ChooseFloat64);
}

Result<Float64Column> DecodeFloat64Chunk(std::string_view chunk, const DecodeOptions& options) {
  return DecodeColumn<double>(chunk, options, ColumnType::kFloat64, DecodeFloat64Payload);
}

Result<std::string> EncodeInt64Chunk(absl::Span<const int64_t> values,
                                     absl::Span<const uint8_t> nulls, ColumnType type) {
  if (type != ColumnType::kInt64 && type != ColumnType::kTimestamp) {
    return InvalidArgument("EncodeInt64Chunk takes int8 or timestamptz, not %s",
                           ColumnTypeName(type));
  }
  return EncodeColumn(type, values, nulls, ChooseInt64);
}

Result<Int64Column> DecodeInt64Chunk(std::string_view chunk, const DecodeOptions& options) {
  return DecodeColumn<int64_t>(chunk, options, ColumnType::kInt64, DecodeInt64Payload);
}

Status DecodeFloat64Chunk(std::string_view chunk, Float64Column* out,
                          const DecodeOptions& options) {
  return DecodeColumn(chunk, options, ColumnType::kFloat64, DecodeFloat64Payload, out);
}

Status DecodeInt64Chunk(std::string_view chunk, Int64Column* out, const DecodeOptions& options) {
  return DecodeColumn(chunk, options, ColumnType::kInt64, DecodeInt64Payload, out);
}

Result<std::string> EncodeBoolChunk(absl::Span<const uint8_t> values,
                                    absl::Span<const uint8_t> nulls) {
  return EncodeColumn(ColumnType::kBool, values, nulls, ChooseBool);
}

Result<BoolColumn> DecodeBoolChunk(std::string_view chunk, const DecodeOptions& options) {
  return DecodeColumn<uint8_t>(chunk, options, ColumnType::kBool, DecodeBoolPayload);
}

Result<std::string> EncodeTextChunk(absl::Span<const std::string_view> values,
                                    absl::Span<const uint8_t> nulls) {
  return EncodeColumn(ColumnType::kText, values, nulls,
                      [](absl::Span<const std::string_view> dense, std::string* payload) {
                        PutTextDict(dense, payload);
                        return Codec::kTextDict;
                      });
}

// Text keeps its dictionary form (TextColumn), so it does not fit
// DecodeColumn's Column<T>.
Result<TextColumn> DecodeTextChunk(std::string_view chunk, const DecodeOptions& options) {
  TSDB_ASSIGN_OR_RETURN(ParsedChunk p, ParseChunk(chunk, options));
  TSDB_RETURN_IF_ERROR(ExpectType(p, ColumnType::kText));
  TextColumn col;
  col.indices.resize(p.rows);
  if (p.codec == Codec::kAllNull) {
    TSDB_RETURN_IF_ERROR(p.payload.ExpectEnd("an all-null chunk's header"));
  } else {
    TSDB_RETURN_IF_ERROR(
        GetTextDict(&p.payload, p.rows - p.null_count, &col.dictionary, col.indices.data()));
  }
  ScatterNulls(p, &col.indices, &col.nulls);
  return col;
}

// ---- inspection ----

Result<ChunkInfo> InspectChunk(std::string_view chunk, const DecodeOptions& options) {
  TSDB_ASSIGN_OR_RETURN(ParsedChunk p, ParseChunk(chunk, options));
  ChunkInfo info;
  info.type = p.type;
  info.codec = p.codec;
  info.row_count = p.rows;
  info.null_count = p.null_count;
  info.bytes = p.bytes;
  info.payload_bytes = p.payload.remaining();
  switch (p.codec) {
    case Codec::kFloatDecimal:
      info.detail = DescribeDecimalFloat(p.payload);
      break;
    case Codec::kIntDelta:
    case Codec::kIntPlain:
    case Codec::kDeltaOfDelta:
      info.detail = DescribeIntPayload(p.codec, p.payload);
      break;
    case Codec::kTextDict:
      info.detail = DescribeTextDict(p.payload);
      break;
    default:
      break;
  }
  return info;
}

}  // namespace tsdb
