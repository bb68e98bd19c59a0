// Attacks on the column chunk decoders, after LevelDB's log_test.cc: valid
// chunks of every codec are truncated at every length and have every byte
// flipped (the checksum must catch it), then single fields are broken under a
// re-computed checksum so the decoders' own checks must name the problem.
// Hostile row counts must not make a decoder allocate more than the row
// limit allows (block_format.h: kMaxChunkRows).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <new>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "codec/chunk_testutil.h"
#include "tsdb/block_format.h"
#include "tsdb/column_chunk.h"
#include "util/checksum.h"

namespace tsdb {
namespace {

using ::testing::HasSubstr;
using test::ChunkParts;
using test::MakeChunk;
using test::PutDouble;
using test::PutFixed64;
using test::PutVarint;
using test::PutZigZag;

struct Sample {
  std::string name;
  ColumnType type;
  std::string chunk;
};

double FromBits(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

NullFlags EveryNth(size_t n, size_t every) {
  NullFlags nulls(n, 0);
  for (size_t i = 0; i < n; i += every) nulls[i] = 1;
  return nulls;
}

// Valid chunks of every codec and packing mode; SamplesCoverEveryCodec
// checks the encoder really chose them. Small, so that attacking every byte
// stays fast.
const std::vector<Sample>& Samples() {
  static const std::vector<Sample>* samples = [] {
    auto* out = new std::vector<Sample>;
    const auto add = [&](std::string name, ColumnType type, Result<std::string> chunk) {
      EXPECT_TRUE(chunk.ok()) << name << ": " << chunk.status();
      if (chunk.ok()) out->push_back({std::move(name), type, *std::move(chunk)});
    };
    std::mt19937_64 rng(99);
    const size_t n = 64;
    std::vector<double> decimal, integral, gorilla, raw;
    std::vector<int64_t> counter, small, skewed, wide, regular, jittered;
    std::vector<std::string> hosts, many;
    std::vector<uint8_t> bools;
    double level = 20;
    for (size_t i = 0; i < n; i++) {
      level += static_cast<double>(static_cast<int>(rng() % 21) - 10) / 100.0;
      decimal.push_back(std::round(level * 100.0) / 100.0);
      integral.push_back(static_cast<double>(rng() % 100));
      gorilla.push_back((i / 8) % 2 ? 1.0 / 3.0 : 2.0 / 3.0);
      raw.push_back(FromBits(rng()));
      counter.push_back(1000 + static_cast<int64_t>(i * 500 + rng() % 400));
      small.push_back(static_cast<int64_t>(rng() % 16) - 8);
      uint64_t r = rng();
      skewed.push_back(r % 8 == 0 ? static_cast<int64_t>(r % 200) : static_cast<int64_t>(r % 3));
      wide.push_back(static_cast<int64_t>(rng() >> (rng() % 64)));
      regular.push_back(789'000'000'000'000 + static_cast<int64_t>(i) * 15'000'000);
      jittered.push_back(regular.back() + static_cast<int64_t>(rng() % 2001) - 1000);
      hosts.push_back("host_" + std::to_string(rng() % 5));
      many.push_back("series_number_" + std::to_string(i * 7 % 300));
      bools.push_back(rng() % 3 == 0);
    }
    std::vector<double> stale = decimal;
    stale[5] = FromBits(0x7ff0000000000002ULL);
    stale[40] = -0.0;
    const auto text = [](const std::vector<std::string>& values, NullFlags nulls = {}) {
      std::vector<std::string_view> views(values.begin(), values.end());
      return EncodeTextChunk(views, nulls);
    };
    const ColumnType f = ColumnType::kFloat64, i64 = ColumnType::kInt64,
                     ts = ColumnType::kTimestamp, t = ColumnType::kText, b = ColumnType::kBool;
    add("float_all_null", f, EncodeFloat64Chunk(std::vector<double>(9, 1), NullFlags(9, 1)));
    add("float_empty", f, EncodeFloat64Chunk({}));
    add("float_constant", f, EncodeFloat64Chunk(std::vector<double>(n, 42.5)));
    add("float_decimal", f, EncodeFloat64Chunk(decimal));
    add("float_decimal_exceptions_nulls", f, EncodeFloat64Chunk(stale, EveryNth(n, 7)));
    add("float_integral", f, EncodeFloat64Chunk(integral));
    add("float_gorilla", f, EncodeFloat64Chunk(gorilla));
    add("float_raw", f, EncodeFloat64Chunk(std::vector<double>(raw.begin(), raw.begin() + 9)));
    add("int_constant", i64, EncodeInt64Chunk(std::vector<int64_t>(n, -7)));
    add("int_delta", i64, EncodeInt64Chunk(counter));
    add("int_plain_bits", i64, EncodeInt64Chunk(small));
    add("int_plain_huffman", i64, EncodeInt64Chunk(skewed));
    add("int_plain_varint", i64, EncodeInt64Chunk(wide));
    add("int_nulls", i64, EncodeInt64Chunk(small, EveryNth(n, 3)));
    add("ts_regular_zero", ts, EncodeInt64Chunk(regular, {}, ts));
    add("ts_jittered", ts, EncodeInt64Chunk(jittered, {}, ts));
    add("ts_one", ts, EncodeInt64Chunk({5, 6}, {}, ts));
    add("text_small_dict", t, text(hosts));
    add("text_zstd_dict_nulls", t, text(many, EveryNth(n, 5)));
    add("text_all_null", t, text({"a", "b"}, NullFlags(2, 1)));
    add("bool_bitmap", b, EncodeBoolChunk(bools));
    add("bool_bitmap_nulls", b, EncodeBoolChunk(bools, EveryNth(n, 6)));
    add("bool_all_null", b, EncodeBoolChunk({1, 0, 1}, NullFlags(3, 1)));
    return out;
  }();
  return *samples;
}

// Runs every decoder (and InspectChunk) on `chunk`: none may crash,
// whatever the bytes. Returns their statuses, matching decoder first.
std::vector<Status> DecodeEverything(std::string_view chunk, ColumnType type,
                                     const DecodeOptions& options) {
  Status f = DecodeFloat64Chunk(chunk, options).status();
  Status i = DecodeInt64Chunk(chunk, options).status();
  Status t = DecodeTextChunk(chunk, options).status();
  Status b = DecodeBoolChunk(chunk, options).status();
  Status inspect = InspectChunk(chunk, options).status();
  switch (type) {
    case ColumnType::kFloat64: return {f, i, t, b, inspect};
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: return {i, f, t, b, inspect};
    case ColumnType::kText: return {t, f, i, b, inspect};
    case ColumnType::kBool: return {b, f, i, t, inspect};
  }
  return {};
}

// The status of the decoder that matches `type`.
Status Decode(std::string_view chunk, ColumnType type, const DecodeOptions& options = {}) {
  switch (type) {
    case ColumnType::kFloat64: return DecodeFloat64Chunk(chunk, options).status();
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: return DecodeInt64Chunk(chunk, options).status();
    case ColumnType::kText: return DecodeTextChunk(chunk, options).status();
    case ColumnType::kBool: return DecodeBoolChunk(chunk, options).status();
  }
  return absl::InternalError("unknown type");
}

#define EXPECT_CORRUPTION(status, word)                                 \
  do {                                                                  \
    Status s_ = (status);                                               \
    EXPECT_EQ(s_.code(), absl::StatusCode::kDataLoss) << s_;            \
    EXPECT_THAT(std::string(s_.message()), HasSubstr(word));            \
  } while (0)

TEST(ChunkCorruption, SamplesCoverEveryCodecAndPackingMode) {
  std::set<Codec> codecs;
  std::string details;
  for (const Sample& s : Samples()) {
    Result<ChunkInfo> info = InspectChunk(s.chunk);
    ASSERT_TRUE(info.ok()) << s.name << ": " << info.status();
    ASSERT_TRUE(Decode(s.chunk, s.type).ok()) << s.name;
    codecs.insert(info->codec);
    details += s.name + ": " + CodecName(info->codec) + " " + info->detail + "\n";
    // Samples named for a packing mode must use it.
    for (const char* mode : {"bits", "huffman", "varint", "zero"}) {
      if (s.name.find(std::string("_") + mode) != std::string::npos) {
        EXPECT_THAT(info->detail, HasSubstr(mode)) << s.name;
      }
    }
  }
  for (int id = static_cast<int>(Codec::kAllNull); id <= static_cast<int>(Codec::kBoolBitmap);
       id++) {
    EXPECT_EQ(codecs.count(static_cast<Codec>(id)), 1u)
        << "no sample uses " << CodecName(static_cast<Codec>(id)) << "\n" << details;
  }
  for (const char* mode : {"zero", "bits(", "varint", "huffman", "zstd", "raw(", "exceptions=2"}) {
    EXPECT_THAT(details, HasSubstr(mode));
  }
}

TEST(ChunkCorruption, TruncatedChunkIsCorruption) {
  DecodeOptions unchecked;
  unchecked.verify_checksum = false;
  for (const Sample& s : Samples()) {
    for (size_t len = 0; len < s.chunk.size(); len++) {
      SCOPED_TRACE(s.name + " truncated to " + std::to_string(len));
      std::string_view cut(s.chunk.data(), len);
      for (const Status& status : DecodeEverything(cut, s.type, DecodeOptions())) {
        EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
      }
      // Without the checksum the codecs themselves see the short payload.
      DecodeEverything(cut, s.type, unchecked);
    }
  }
}

TEST(ChunkCorruption, FlippedByteIsCaughtByChecksum) {
  DecodeOptions unchecked;
  unchecked.verify_checksum = false;
  for (const Sample& s : Samples()) {
    for (size_t pos = 0; pos < s.chunk.size(); pos++) {
      for (uint8_t pattern : {0x01, 0x80, 0xff, 0x5a}) {
        std::string bad = s.chunk;
        bad[pos] = static_cast<char>(bad[pos] ^ pattern);
        SCOPED_TRACE(s.name + " byte " + std::to_string(pos) + " ^ " + std::to_string(pattern));
        for (const Status& status : DecodeEverything(bad, s.type, DecodeOptions())) {
          EXPECT_CORRUPTION(status, "checksum");
        }
        // The same damage behind the checksum: any Status, but no crash.
        DecodeEverything(bad, s.type, unchecked);
      }
    }
  }
}

TEST(ChunkCorruption, AppendedBytesAreCorruption) {
  for (const Sample& s : Samples()) {
    SCOPED_TRACE(s.name);
    std::string longer = s.chunk.substr(0, s.chunk.size() - kChunkChecksumSize) + "x";
    longer += s.chunk.substr(s.chunk.size() - kChunkChecksumSize);
    test::FixChunkChecksum(&longer);
    EXPECT_EQ(Decode(longer, s.type).code(), absl::StatusCode::kDataLoss);
  }
}

TEST(ChunkCorruption, WrongTypeDecoderIsRejected) {
  for (const Sample& s : Samples()) {
    SCOPED_TRACE(s.name);
    std::vector<Status> statuses = DecodeEverything(s.chunk, s.type, DecodeOptions());
    EXPECT_TRUE(statuses[0].ok()) << statuses[0];
    for (size_t i = 1; i < 4; i++) {
      EXPECT_EQ(statuses[i].code(), absl::StatusCode::kInvalidArgument) << statuses[i];
      EXPECT_THAT(std::string(statuses[i].message()), HasSubstr("expected"));
    }
  }
}

// ---------------------------------------------------------------------------
// Header fields broken under a valid checksum.

ChunkParts PartsOf(const std::string& name) {
  for (const Sample& s : Samples()) {
    if (s.name == name) return *ChunkParts::Parse(s.chunk);
  }
  ADD_FAILURE() << "no sample " << name;
  return ChunkParts();
}

TEST(ChunkCorruption, BadMagicIsCorruption) {
  ChunkParts p = PartsOf("float_decimal");
  for (uint8_t magic : {0x00, 0xc6, 0xff, 0x54}) {
    p.magic = magic;
    EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kFloat64), "not a tsdb column chunk");
    EXPECT_CORRUPTION(InspectChunk(p.Serialize()).status(), "not a tsdb column chunk");
  }
}

TEST(ChunkCorruption, UnknownVersionIsCorruption) {
  ChunkParts p = PartsOf("int_delta");
  for (uint8_t version : {0, 2, 15}) {
    p.version = version;
    EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kInt64), "version");
  }
}

TEST(ChunkCorruption, UnknownColumnTypeIsCorruption) {
  ChunkParts p = PartsOf("bool_bitmap");
  for (uint8_t type : {0, 6, 15}) {
    p.type = type;
    EXPECT_CORRUPTION(InspectChunk(p.Serialize()).status(), "column type");
    for (const Status& s : DecodeEverything(p.Serialize(), ColumnType::kBool, DecodeOptions())) {
      EXPECT_CORRUPTION(s, "column type");
    }
  }
}

TEST(ChunkCorruption, UnknownCodecIsCorruption) {
  ChunkParts p = PartsOf("float_gorilla");
  for (uint8_t codec : {0, 11, 0x80, 0xff}) {
    p.codec = codec;
    EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kFloat64), "codec");
  }
}

TEST(ChunkCorruption, CodecOfAnotherTypeIsCorruption) {
  struct Case {
    const char* sample;
    ColumnType type;
    Codec codec;
  };
  for (const Case& c : {Case{"float_raw", ColumnType::kFloat64, Codec::kIntDelta},
                        Case{"float_raw", ColumnType::kFloat64, Codec::kTextDict},
                        Case{"float_raw", ColumnType::kFloat64, Codec::kBoolBitmap},
                        Case{"int_plain_bits", ColumnType::kInt64, Codec::kFloatGorilla},
                        Case{"text_small_dict", ColumnType::kText, Codec::kConstant},
                        Case{"text_small_dict", ColumnType::kText, Codec::kIntPlain},
                        Case{"bool_bitmap", ColumnType::kBool, Codec::kConstant},
                        Case{"bool_bitmap", ColumnType::kBool, Codec::kFloatRaw}}) {
    ChunkParts p = PartsOf(c.sample);
    p.codec = static_cast<uint8_t>(c.codec);
    SCOPED_TRACE(std::string(c.sample) + " as " + CodecName(c.codec));
    EXPECT_CORRUPTION(Decode(p.Serialize(), c.type), "cannot hold");
  }
}

TEST(ChunkCorruption, ReservedFlagBitsAreCorruption) {
  ChunkParts p = PartsOf("int_nulls");
  for (uint8_t extra : {0x02, 0x80, 0xfe}) {
    p.flags = kChunkFlagHasNulls | extra;
    EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kInt64), "flags");
  }
}

TEST(ChunkCorruption, OverlongRowCountVarintIsCorruption) {
  std::string chunk = {static_cast<char>(kChunkMagic),
                       static_cast<char>((kChunkVersion << 4) | 1),
                       static_cast<char>(Codec::kConstant), 0};
  chunk.append(10, '\x80');
  chunk.append("\x01", 1);
  PutFixed64(&chunk, 0);
  test::PutFixed32(&chunk, Checksum32(chunk.data(), chunk.size()));
  EXPECT_CORRUPTION(Decode(chunk, ColumnType::kFloat64), "varint");
}

TEST(ChunkCorruption, RowCountAboveLimitIsCorruption) {
  ChunkParts p = PartsOf("float_constant");
  for (uint64_t rows : {kMaxChunkRows + 1, uint64_t{1} << 40, ~uint64_t{0}}) {
    p.rows = rows;
    EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kFloat64), "row count");
    EXPECT_CORRUPTION(InspectChunk(p.Serialize()).status(), "row count");
  }
}

// A row count the payload cannot hold: more values than the payload has bits
// (every codec spends at least one bit per value, except kConstant and
// packed kZero streams, which may legitimately describe any count).
TEST(ChunkCorruption, RowCountBeyondThePayloadIsCorruption) {
  for (const Sample& s : Samples()) {
    ChunkParts p = *ChunkParts::Parse(s.chunk);
    Result<ChunkInfo> info = InspectChunk(s.chunk);
    ASSERT_TRUE(info.ok());
    if (info->codec == Codec::kConstant || info->codec == Codec::kAllNull || p.flags != 0 ||
        info->detail.find("zero") != std::string::npos) {
      continue;
    }
    SCOPED_TRACE(s.name);
    p.rows = 8 * s.chunk.size() + 64;
    EXPECT_EQ(Decode(p.Serialize(), s.type).code(), absl::StatusCode::kDataLoss);
  }
  ChunkParts raw = PartsOf("float_raw");
  raw.rows++;
  EXPECT_CORRUPTION(Decode(raw.Serialize(), ColumnType::kFloat64), "raw float payload");
  ChunkParts bools = PartsOf("bool_bitmap");
  bools.rows += 8;
  EXPECT_CORRUPTION(Decode(bools.Serialize(), ColumnType::kBool), "boolean bitmap");
  ChunkParts gorilla = PartsOf("float_gorilla");
  gorilla.rows = gorilla.payload.size() * 8;
  EXPECT_CORRUPTION(Decode(gorilla.Serialize(), ColumnType::kFloat64), "gorilla");
}

TEST(ChunkCorruption, NullCountAboveRowCountIsCorruption) {
  ChunkParts p = PartsOf("int_nulls");
  p.null_count = p.rows + 1;
  EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kInt64), "null count");
  p.null_count = ~uint64_t{0};
  EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kInt64), "null count");
}

TEST(ChunkCorruption, ZeroNullCountWithBitmapFlagIsCorruption) {
  ChunkParts p = PartsOf("int_nulls");
  p.null_count = 0;
  EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kInt64), "null count");
}

TEST(ChunkCorruption, NullCountDisagreeingWithBitmapIsCorruption) {
  ChunkParts p = PartsOf("int_nulls");
  p.null_count--;
  EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kInt64), "bitmap");
  p = PartsOf("int_nulls");
  p.bitmap[0] = static_cast<char>(p.bitmap[0] ^ 0x02);  // one more NULL, same count
  EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kInt64), "bitmap");
}

TEST(ChunkCorruption, NullBitmapPaddingBitsAreCorruption) {
  // Five rows, rows 0 and 3 NULL; the bitmap byte's top three bits are padding.
  std::vector<int64_t> values = {1, 2, 3, 4, 5};
  Result<std::string> chunk = EncodeInt64Chunk(values, NullFlags{1, 0, 0, 1, 0});
  ASSERT_TRUE(chunk.ok());
  ChunkParts p = *ChunkParts::Parse(*chunk);
  ASSERT_EQ(p.bitmap.size(), 1u);
  p.bitmap[0] = static_cast<char>(p.bitmap[0] | 0x80);
  p.null_count++;  // keep the count in step with the bits set
  EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kInt64), "padding");
}

TEST(ChunkCorruption, BoolBitmapPaddingBitsAreCorruption) {
  Result<std::string> chunk = EncodeBoolChunk(std::vector<uint8_t>{1, 0, 1});
  ASSERT_TRUE(chunk.ok());
  ChunkParts p = *ChunkParts::Parse(*chunk);
  ASSERT_EQ(p.payload.size(), 1u);
  p.payload[0] = static_cast<char>(p.payload[0] | 0x10);
  EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kBool), "padding");
}

TEST(ChunkCorruption, AllNullCodecWithNonNullRowsIsCorruption) {
  ChunkParts p = PartsOf("float_all_null");
  p.flags = 0;  // drop the bitmap: nine non-null rows
  EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kFloat64), "non-null");
}

TEST(ChunkCorruption, ValueCodecWithOnlyNullRowsIsCorruption) {
  std::string chunk = MakeChunk(ColumnType::kFloat64, Codec::kConstant, 0, std::string(8, '\0'));
  EXPECT_CORRUPTION(Decode(chunk, ColumnType::kFloat64), "non-null");
  ChunkParts p = PartsOf("int_nulls");
  p.null_count = p.rows;
  p.bitmap.assign(p.bitmap.size(), '\xff');
  p.bitmap.back() = static_cast<char>((1 << (p.rows % 8 == 0 ? 8 : p.rows % 8)) - 1);
  EXPECT_CORRUPTION(Decode(p.Serialize(), ColumnType::kInt64), "non-null");
}

TEST(ChunkCorruption, ConstantPayloadOfTheWrongSizeIsCorruption) {
  std::string seven(7, '\0'), nine(9, '\0');
  EXPECT_CORRUPTION(Decode(MakeChunk(ColumnType::kInt64, Codec::kConstant, 3, seven),
                           ColumnType::kInt64),
                    "constant");
  EXPECT_CORRUPTION(Decode(MakeChunk(ColumnType::kFloat64, Codec::kConstant, 3, nine),
                           ColumnType::kFloat64),
                    "constant");
}

// ---------------------------------------------------------------------------
// Packed streams, written by hand behind a kIntPlain header (m zigzag values).

std::string PlainChunk(uint64_t rows, const std::string& packed) {
  return MakeChunk(ColumnType::kInt64, Codec::kIntPlain, rows, packed);
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(PackedStreamCorruption, HandWrittenStreamsDecode) {
  // The valid forms the attacks below start from, so they test what they claim.
  // kBits, width 4: zigzag 2, 1, 4 -> 1, -1, 2.
  Result<Int64Column> bits = DecodeInt64Chunk(PlainChunk(3, Bytes({1, 4, 0x12, 0x04})));
  ASSERT_TRUE(bits.ok()) << bits.status();
  EXPECT_EQ(bits->values, (std::vector<int64_t>{1, -1, 2}));
  // kVarint.
  Result<Int64Column> varints = DecodeInt64Chunk(PlainChunk(2, Bytes({2, 0x80, 0x01, 0x03})));
  ASSERT_TRUE(varints.ok()) << varints.status();
  EXPECT_EQ(varints->values, (std::vector<int64_t>{64, -2}));
  // kHuffman, K = 2, both codes one bit: eight values, symbol 0 each.
  Result<Int64Column> huffman =
      DecodeInt64Chunk(PlainChunk(8, Bytes({3, 2, 0x11, 0, 0x00})));
  ASSERT_TRUE(huffman.ok()) << huffman.status();
  EXPECT_EQ(huffman->values, std::vector<int64_t>(8, 0));
  // kHuffman with escapes: symbol 1 (the escape) twice, overflow 0 and 3.
  Result<Int64Column> escapes =
      DecodeInt64Chunk(PlainChunk(2, Bytes({3, 2, 0x11, 2, 0, 3, 0x03})));
  ASSERT_TRUE(escapes.ok()) << escapes.status();
  EXPECT_EQ(escapes->values, (std::vector<int64_t>{-1, 2}));  // zigzag 1, 4
}

TEST(PackedStreamCorruption, UnknownModeIsCorruption) {
  for (int mode : {4, 0x80, 0xff}) {
    EXPECT_CORRUPTION(Decode(PlainChunk(3, Bytes({mode, 4, 0x12, 0x04})), ColumnType::kInt64),
                      "mode");
  }
}

TEST(PackedStreamCorruption, BitWidthZeroOr65IsCorruption) {
  EXPECT_CORRUPTION(Decode(PlainChunk(3, Bytes({1, 0})), ColumnType::kInt64), "bit width");
  std::string wide = Bytes({1, 65});
  wide.append((3 * 65 + 7) / 8, '\0');
  EXPECT_CORRUPTION(Decode(PlainChunk(3, wide), ColumnType::kInt64), "bit width");
  EXPECT_CORRUPTION(Decode(PlainChunk(3, Bytes({1, 255, 0, 0})), ColumnType::kInt64), "bit width");
}

TEST(PackedStreamCorruption, BitsOfTheWrongLengthAreCorruption) {
  EXPECT_CORRUPTION(Decode(PlainChunk(3, Bytes({1, 4, 0x12})), ColumnType::kInt64), "bytes");
  EXPECT_CORRUPTION(Decode(PlainChunk(3, Bytes({1, 4, 0x12, 0x04, 0})), ColumnType::kInt64),
                    "bytes");
}

TEST(PackedStreamCorruption, BitPaddingIsCorruption) {
  EXPECT_CORRUPTION(Decode(PlainChunk(3, Bytes({1, 4, 0x12, 0x14})), ColumnType::kInt64),
                    "padding");
}

TEST(PackedStreamCorruption, MissingVarintsAreCorruption) {
  EXPECT_EQ(Decode(PlainChunk(3, Bytes({2, 1, 2})), ColumnType::kInt64).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(Decode(PlainChunk(2, Bytes({2, 1, 0x80})), ColumnType::kInt64).code(),
            absl::StatusCode::kDataLoss);
  // Eleven-byte varint.
  std::string overlong = Bytes({2});
  overlong.append(10, '\xff');
  overlong.push_back('\x01');
  EXPECT_CORRUPTION(Decode(PlainChunk(1, overlong), ColumnType::kInt64), "varint");
}

TEST(PackedStreamCorruption, HuffmanAlphabetSizeOutOfRangeIsCorruption) {
  for (int k : {0, 1}) {
    EXPECT_CORRUPTION(Decode(PlainChunk(8, Bytes({3, k, 0x11, 0, 0})), ColumnType::kInt64),
                      "alphabet");
  }
  std::string big = Bytes({3});
  PutVarint(&big, kMaxHuffmanSymbols + 1);
  big.append(200, '\x11');
  EXPECT_CORRUPTION(Decode(PlainChunk(8, big), ColumnType::kInt64), "alphabet");
}

TEST(PackedStreamCorruption, HuffmanOversubscribedCodeIsCorruption) {
  // Four symbols of one bit each: Kraft sum 2.
  EXPECT_CORRUPTION(Decode(PlainChunk(8, Bytes({3, 4, 0x11, 0x11, 0, 0})), ColumnType::kInt64),
                    "oversubscribed");
  // Lengths 1, 1, 2: Kraft sum 1.25.
  EXPECT_CORRUPTION(Decode(PlainChunk(8, Bytes({3, 3, 0x11, 0x02, 0, 0})), ColumnType::kInt64),
                    "oversubscribed");
}

TEST(PackedStreamCorruption, HuffmanCodeLengthAboveMaximumIsCorruption) {
  for (int len : {13, 14, 15}) {
    EXPECT_CORRUPTION(
        Decode(PlainChunk(8, Bytes({3, 2, 0x10 | len, 0, 0})), ColumnType::kInt64), "length");
  }
}

TEST(PackedStreamCorruption, HuffmanWithoutUsedSymbolIsCorruption) {
  EXPECT_CORRUPTION(Decode(PlainChunk(8, Bytes({3, 2, 0x00, 0, 0})), ColumnType::kInt64),
                    "no used symbol");
}

TEST(PackedStreamCorruption, HuffmanLengthPaddingNibbleIsCorruption) {
  // K = 3 leaves the high nibble of the second byte unused.
  EXPECT_CORRUPTION(Decode(PlainChunk(4, Bytes({3, 3, 0x21, 0x12, 0, 0})), ColumnType::kInt64),
                    "padding");
}

TEST(PackedStreamCorruption, HuffmanUnusedBitPatternIsCorruption) {
  // Lengths 1, 2, 0: canonical codes 0 and 10 leave pattern 11 unused.
  EXPECT_CORRUPTION(Decode(PlainChunk(4, Bytes({3, 3, 0x21, 0x00, 0, 0xff})), ColumnType::kInt64),
                    "invalid huffman code");
}

TEST(PackedStreamCorruption, HuffmanStreamTooShortIsCorruption) {
  EXPECT_EQ(Decode(PlainChunk(9, Bytes({3, 2, 0x11, 0, 0x00})), ColumnType::kInt64).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(Decode(PlainChunk(8, Bytes({3, 2, 0x11, 0})), ColumnType::kInt64).code(),
            absl::StatusCode::kDataLoss);
}

TEST(PackedStreamCorruption, HuffmanStreamTooLongIsCorruption) {
  EXPECT_CORRUPTION(Decode(PlainChunk(8, Bytes({3, 2, 0x11, 0, 0x00, 0x00})), ColumnType::kInt64),
                    "huffman code stream");
}

TEST(PackedStreamCorruption, HuffmanEscapeWithoutOverflowValueIsCorruption) {
  EXPECT_CORRUPTION(Decode(PlainChunk(2, Bytes({3, 2, 0x11, 1, 0, 0x03})), ColumnType::kInt64),
                    "overflow");
  // Overflow bytes nobody reads.
  EXPECT_CORRUPTION(Decode(PlainChunk(2, Bytes({3, 2, 0x11, 3, 0, 3, 7, 0x03})), ColumnType::kInt64),
                    "overflow");
}

TEST(PackedStreamCorruption, HuffmanOverflowBeyond64BitsIsCorruption) {
  // Escape symbol 1 plus an overflow of 2^64 - 1 exceeds 64 bits.
  std::string stream = Bytes({3, 2, 0x11});
  std::string overflow;
  PutVarint(&overflow, ~uint64_t{0});
  PutVarint(&stream, overflow.size());
  stream += overflow;
  stream.push_back('\x01');
  EXPECT_CORRUPTION(Decode(PlainChunk(1, stream), ColumnType::kInt64), "64 bits");
}

// ---------------------------------------------------------------------------
// Codec payloads written by hand.

std::string DictPayload(uint64_t size, uint8_t mode, const std::string& raw,
                        const std::string& packed) {
  std::string out;
  PutVarint(&out, size);
  out.push_back(static_cast<char>(mode));
  PutVarint(&out, raw.size());
  out += raw;
  out += packed;
  return out;
}

std::string TextChunk(uint64_t rows, const std::string& payload) {
  return MakeChunk(ColumnType::kText, Codec::kTextDict, rows, payload);
}

TEST(TextDictCorruption, HandWrittenDictionaryDecodes) {
  // Entries "a", "b"; indices 0, 1, 0 at one bit each.
  Result<TextColumn> col =
      DecodeTextChunk(TextChunk(3, DictPayload(2, 0, Bytes({1, 'a', 1, 'b'}), Bytes({1, 1, 0x02}))));
  ASSERT_TRUE(col.ok()) << col.status();
  ASSERT_EQ(col->indices.size(), 3u);
  EXPECT_EQ(col->Value(0), "a");
  EXPECT_EQ(col->Value(1), "b");
  EXPECT_EQ(col->Value(2), "a");
}

TEST(TextDictCorruption, DictionaryIndexBeyondDictionaryIsCorruption) {
  EXPECT_CORRUPTION(
      Decode(TextChunk(3, DictPayload(1, 0, Bytes({1, 'a'}), Bytes({1, 1, 0x02}))),
             ColumnType::kText),
      "dictionary index");
  EXPECT_CORRUPTION(
      Decode(TextChunk(2, DictPayload(2, 0, Bytes({1, 'a', 1, 'b'}), Bytes({2, 0, 0x7f}))),
             ColumnType::kText),
      "dictionary index");
}

TEST(TextDictCorruption, DictionarySizeOutOfRangeIsCorruption) {
  EXPECT_CORRUPTION(Decode(TextChunk(3, DictPayload(0, 0, "", Bytes({0}))), ColumnType::kText),
                    "dictionary size");
  EXPECT_CORRUPTION(
      Decode(TextChunk(1, DictPayload(2, 0, Bytes({1, 'a', 1, 'b'}), Bytes({0}))),
             ColumnType::kText),
      "dictionary size");
}

TEST(TextDictCorruption, UnknownDictionaryModeIsCorruption) {
  EXPECT_CORRUPTION(
      Decode(TextChunk(1, DictPayload(1, 2, Bytes({1, 'a'}), Bytes({0}))), ColumnType::kText),
      "dictionary mode");
}

TEST(TextDictCorruption, DictionaryEntryBeyondItsBytesIsCorruption) {
  EXPECT_CORRUPTION(
      Decode(TextChunk(1, DictPayload(1, 0, Bytes({5, 'a'}), Bytes({0}))), ColumnType::kText),
      "dictionary entry");
  // Fewer entries than the dictionary size.
  EXPECT_CORRUPTION(
      Decode(TextChunk(2, DictPayload(2, 0, Bytes({1, 'a'}), Bytes({0}))), ColumnType::kText),
      "dictionary entry");
  // Bytes left over after the entries.
  EXPECT_CORRUPTION(
      Decode(TextChunk(1, DictPayload(1, 0, Bytes({1, 'a', 'x'}), Bytes({0}))), ColumnType::kText),
      "dictionary");
}

TEST(TextDictCorruption, GarbageZstdFrameIsCorruption) {
  std::string payload;
  PutVarint(&payload, 1);    // dictionary size
  payload.push_back(1);      // zstd
  PutVarint(&payload, 2);    // raw bytes
  PutVarint(&payload, 6);    // frame bytes
  payload += "garbag";
  payload += Bytes({0});     // indices: kZero
  EXPECT_CORRUPTION(Decode(TextChunk(1, payload), ColumnType::kText), "zstd");
}

TEST(TextDictCorruption, ZstdExpansionBeyondTheLimitIsRejected) {
  std::string payload;
  PutVarint(&payload, 1);
  payload.push_back(1);
  PutVarint(&payload, uint64_t{1} << 29);  // 512 MiB from a 6-byte frame
  PutVarint(&payload, 6);
  payload += "garbag";
  payload += Bytes({0});
  EXPECT_CORRUPTION(Decode(TextChunk(1, payload), ColumnType::kText), "zstd");
  payload.clear();
  PutVarint(&payload, 1);
  payload.push_back(0);
  PutVarint(&payload, uint64_t{1} << 40);  // beyond any dictionary
  EXPECT_CORRUPTION(Decode(TextChunk(1, payload), ColumnType::kText), "dictionary bytes");
}

std::string DecimalChunk(uint64_t rows, const std::string& payload) {
  return MakeChunk(ColumnType::kFloat64, Codec::kFloatDecimal, rows, payload);
}

TEST(DecimalCorruption, HandWrittenDecimalDecodes) {
  // Scale 2, no exceptions, first 150, deltas +1, -2: 1.5, 1.51, 1.49.
  std::string payload = Bytes({2, 0});
  PutZigZag(&payload, 150);
  payload += Bytes({2, 2, 3});
  Result<Float64Column> col = DecodeFloat64Chunk(DecimalChunk(3, payload));
  ASSERT_TRUE(col.ok()) << col.status();
  EXPECT_EQ(col->values, (std::vector<double>{1.5, 1.51, 1.49}));
}

TEST(DecimalCorruption, ScaleAboveMaximumIsCorruption) {
  std::string payload = Bytes({kMaxDecimalScale + 1, 0, 2, 0});
  EXPECT_CORRUPTION(Decode(DecimalChunk(2, payload), ColumnType::kFloat64), "scale");
}

TEST(DecimalCorruption, ExceptionCountAboveValueCountIsCorruption) {
  std::string payload = Bytes({1, 3});
  for (int e = 0; e < 3; e++) {
    payload.push_back(e == 0 ? 0 : 1);
    PutDouble(&payload, 0.5);
  }
  payload += Bytes({0, 0});
  EXPECT_CORRUPTION(Decode(DecimalChunk(2, payload), ColumnType::kFloat64), "exception count");
}

TEST(DecimalCorruption, ExceptionBeyondTheLastRowIsCorruption) {
  std::string payload = Bytes({1, 1, 5});  // one exception, at row 5 of 2
  PutDouble(&payload, 0.5);
  payload += Bytes({0, 0});
  EXPECT_CORRUPTION(Decode(DecimalChunk(2, payload), ColumnType::kFloat64), "exception");
  payload = Bytes({1, 2, 1});  // two exceptions at the same row
  PutDouble(&payload, 0.5);
  payload.push_back(0);
  PutDouble(&payload, 0.5);
  payload += Bytes({0, 0});
  EXPECT_CORRUPTION(Decode(DecimalChunk(3, payload), ColumnType::kFloat64), "exception");
}

std::string GorillaChunk(uint64_t rows, const std::string& payload) {
  return MakeChunk(ColumnType::kFloat64, Codec::kFloatGorilla, rows, payload);
}

TEST(GorillaCorruption, WindowReusedBeforeAnyIsCorruption) {
  std::string payload(8, '\0');  // first value 0.0
  payload.push_back('\x01');     // control '1','0': reuse the window
  EXPECT_CORRUPTION(Decode(GorillaChunk(2, payload), ColumnType::kFloat64), "window");
}

TEST(GorillaCorruption, WindowWiderThan64BitsIsCorruption) {
  std::string payload(8, '\0');
  // control '1','1', 31 leading zeros, 64 significant bits.
  payload += Bytes({0xff, 0x1f});
  payload.append(8, '\0');
  EXPECT_CORRUPTION(Decode(GorillaChunk(2, payload), ColumnType::kFloat64), "leading");
}

TEST(GorillaCorruption, StreamLongerThanItsValuesIsCorruption) {
  std::string payload(8, '\0');
  payload += Bytes({0x00, 0x00});  // value 2 is one '0' bit; a whole byte too many
  EXPECT_CORRUPTION(Decode(GorillaChunk(2, payload), ColumnType::kFloat64), "gorilla stream");
  payload = std::string(8, '\0') + Bytes({0x02});  // padding bit set
  EXPECT_CORRUPTION(Decode(GorillaChunk(2, payload), ColumnType::kFloat64), "padding");
}

TEST(IntCodecCorruption, BytesAfterASingleValueAreCorruption) {
  std::string payload;
  PutZigZag(&payload, 42);
  payload.push_back('\0');
  EXPECT_EQ(Decode(MakeChunk(ColumnType::kTimestamp, Codec::kDeltaOfDelta, 1, payload),
                   ColumnType::kTimestamp)
                .code(),
            absl::StatusCode::kDataLoss);
}

// ---------------------------------------------------------------------------
// Hostile row counts: a few bytes may claim kMaxChunkRows rows. Decoding may
// cost what the rows cost (2^24 doubles = 128 MiB) but no more, and a claim
// the bytes cannot back must not cost even that much.

#if defined(__SANITIZE_ADDRESS__)
#define TSDB_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define TSDB_SANITIZED 1
#endif
#endif

constexpr size_t kMiB = size_t{1} << 20;
// What kMaxChunkRows values of 8 bytes take, plus slack for the small stuff.
constexpr size_t kRowLimitBytes = kMaxChunkRows * 8;
constexpr size_t kSlack = 16 * kMiB;

size_t AddressSpaceBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long pages = 0;
  int got = std::fscanf(f, "%lu", &pages);
  std::fclose(f);
  return got == 1 ? pages * static_cast<size_t>(sysconf(_SC_PAGESIZE)) : 0;
}

// Runs `decode` in a child process whose address space may grow by at most
// `budget` bytes. Returns "ok", "rejected: <message>", "out of memory" or
// "crashed".
std::string RunWithMemoryBudget(size_t budget, const std::function<Status()>& decode) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    struct rlimit limit;
    limit.rlim_cur = limit.rlim_max = AddressSpaceBytes() + budget;
    setrlimit(RLIMIT_AS, &limit);
    std::string result;
    try {
      Status s = decode();
      result = s.ok() ? "ok" : "rejected: " + std::string(s.message());
    } catch (const std::bad_alloc&) {
      result = "out of memory";
    }
    ssize_t unused = write(pipe_fds[1], result.data(), result.size());
    (void)unused;
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string result;
  char buf[256];
  ssize_t n;
  while ((n = read(pipe_fds[0], buf, sizeof buf)) > 0) result.append(buf, static_cast<size_t>(n));
  close(pipe_fds[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) return "crashed";
  return result;
}

class HostileRowCount : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef TSDB_SANITIZED
    GTEST_SKIP() << "address-space limits do not work under sanitizers";
#endif
  }
};

TEST_F(HostileRowCount, ConstantChunkAtTheRowLimitDecodesWithinItsSize) {
  std::string payload;
  PutDouble(&payload, 2.5);
  std::string chunk = MakeChunk(ColumnType::kFloat64, Codec::kConstant, kMaxChunkRows, payload);
  std::string result = RunWithMemoryBudget(kRowLimitBytes + kSlack, [&] {
    Result<Float64Column> col = DecodeFloat64Chunk(chunk);
    if (col.ok() && (col->values.size() != kMaxChunkRows || col->values.back() != 2.5)) {
      return absl::InternalError("wrong values");
    }
    return col.status();
  });
  // Decoding or rejecting are both fine; running out of memory is not.
  EXPECT_TRUE(result == "ok" || result.rfind("rejected", 0) == 0) << result;
}

TEST_F(HostileRowCount, HugeRowCountIsRejectedWithoutAllocatingMore) {
  // kMaxChunkRows values claimed, a few bytes present.
  struct Case {
    const char* name;
    ColumnType type;
    Codec codec;
    std::string payload;
  };
  std::string one_double(8, '\0');
  std::string gorilla(9, '\0');
  std::string bits = Bytes({1, 3, 0xff});
  std::string huffman = Bytes({3, 2, 0x11, 0, 0});
  std::string bools = Bytes({0xff});
  std::vector<Case> cases = {
      {"float raw", ColumnType::kFloat64, Codec::kFloatRaw, one_double},
      {"gorilla", ColumnType::kFloat64, Codec::kFloatGorilla, gorilla},
      {"int plain bits", ColumnType::kInt64, Codec::kIntPlain, bits},
      {"int plain huffman", ColumnType::kInt64, Codec::kIntPlain, huffman},
      {"bool bitmap", ColumnType::kBool, Codec::kBoolBitmap, bools},
  };
  for (const Case& c : cases) {
    std::string chunk = MakeChunk(c.type, c.codec, kMaxChunkRows, c.payload);
    std::string result = RunWithMemoryBudget(kRowLimitBytes + kSlack,
                                             [&] { return Decode(chunk, c.type); });
    EXPECT_EQ(result.rfind("rejected", 0), 0u) << c.name << ": " << result;
  }
}

TEST_F(HostileRowCount, ZeroPackedStreamsDecodeWithinTheRowLimit) {
  // kZero streams legitimately describe any number of values in one byte;
  // block_format.h promises that costs at most the rows' own size.
  struct Case {
    const char* name;
    ColumnType type;
    Codec codec;
    std::string payload;
  };
  std::string delta = Bytes({2, 0});     // first 1, kZero deltas
  std::string dod = Bytes({2, 2, 0});    // first 1, first delta 1, kZero
  std::string plain = Bytes({0});        // kZero
  std::string decimal = Bytes({1, 0, 2, 0});  // scale 1, no exceptions, first 1
  std::string dict = DictPayload(1, 0, Bytes({1, 'a'}), Bytes({0}));
  std::vector<Case> cases = {
      {"int delta", ColumnType::kInt64, Codec::kIntDelta, delta},
      {"delta of delta", ColumnType::kTimestamp, Codec::kDeltaOfDelta, dod},
      {"int plain", ColumnType::kInt64, Codec::kIntPlain, plain},
      {"float decimal", ColumnType::kFloat64, Codec::kFloatDecimal, decimal},
      {"text dictionary", ColumnType::kText, Codec::kTextDict, dict},
  };
  for (const Case& c : cases) {
    std::string chunk = MakeChunk(c.type, c.codec, kMaxChunkRows, c.payload);
    std::string result = RunWithMemoryBudget(kRowLimitBytes + kSlack,
                                             [&] { return Decode(chunk, c.type); });
    EXPECT_TRUE(result == "ok" || result.rfind("rejected", 0) == 0) << c.name << ": " << result;
  }
}

TEST_F(HostileRowCount, HugeDictionarySizeIsRejectedWithoutAllocating) {
  // 2^24 dictionary entries claimed with two bytes of entries.
  std::string chunk =
      TextChunk(kMaxChunkRows, DictPayload(kMaxChunkRows, 0, Bytes({1, 'a'}), Bytes({0})));
  std::string result =
      RunWithMemoryBudget(kRowLimitBytes + kSlack, [&] { return Decode(chunk, ColumnType::kText); });
  EXPECT_EQ(result.rfind("rejected", 0), 0u) << result;
}

TEST_F(HostileRowCount, HugeDecimalExceptionCountIsRejectedWithoutAllocating) {
  // 2^24 exceptions claimed (each needs 9 bytes), none present.
  std::string payload = Bytes({1});
  PutVarint(&payload, kMaxChunkRows);
  std::string chunk = DecimalChunk(kMaxChunkRows, payload);
  std::string result = RunWithMemoryBudget(kRowLimitBytes + kSlack,
                                           [&] { return Decode(chunk, ColumnType::kFloat64); });
  EXPECT_EQ(result.rfind("rejected", 0), 0u) << result;
}

}  // namespace
}  // namespace tsdb
