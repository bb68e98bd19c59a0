// Bit-exact round trips through every chunk codec: the values that break
// codecs in practice (NaN payloads such as Prometheus's stale marker, -0.0,
// denormals, int64 extremes whose deltas wrap, text with NUL bytes) and
// seeded random columns at sizes around the byte and word boundaries.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tsdb/block_format.h"
#include "tsdb/column_chunk.h"

namespace tsdb {
namespace {

constexpr uint64_t kStaleMarker = 0x7ff0000000000002ULL;  // Prometheus's stale NaN

uint64_t Bits(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

double FromBits(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

bool RowIsNull(const NullFlags& nulls, size_t row) { return !nulls.empty() && nulls[row] != 0; }

size_t CountNulls(const NullFlags& nulls) {
  size_t n = 0;
  for (uint8_t f : nulls) n += f != 0;
  return n;
}

// Checks what InspectChunk says about a chunk that was just encoded and
// returns its codec (for failure messages).
Codec CheckHeader(const std::string& chunk, ColumnType type, size_t rows, size_t nulls) {
  Result<ChunkInfo> info = InspectChunk(chunk);
  EXPECT_TRUE(info.ok()) << info.status();
  if (!info.ok()) return Codec::kAllNull;
  EXPECT_EQ(info->type, type);
  EXPECT_EQ(info->row_count, rows);
  EXPECT_EQ(info->null_count, nulls);
  EXPECT_EQ(info->bytes, chunk.size());
  EXPECT_LE(info->payload_bytes, chunk.size());
  return info->codec;
}

// Compares a decoded column with the input row by row: NULL rows must be
// NULL and hold all-zero bits, the others must be bit-identical. Reports
// only the first mismatch so a broken codec does not flood the log.
template <typename T>
void ExpectSameRows(const std::vector<T>& want, const NullFlags& want_nulls,
                    const Column<T>& got, Codec codec) {
  ASSERT_EQ(got.values.size(), want.size()) << CodecName(codec);
  ASSERT_TRUE(got.nulls.empty() || got.nulls.size() == want.size())
      << CodecName(codec) << ": " << got.nulls.size() << " null flags for " << want.size()
      << " rows";
  for (size_t i = 0; i < want.size(); i++) {
    bool null = RowIsNull(want_nulls, i);
    ASSERT_EQ(got.IsNull(i), null) << CodecName(codec) << " row " << i;
    T expected = null ? T{} : want[i];
    ASSERT_EQ(std::memcmp(&got.values[i], &expected, sizeof(T)), 0)
        << CodecName(codec) << " row " << i << " of " << want.size() << ": got "
        << got.values[i] << " want " << expected;
  }
}

void ExpectFloatRoundTrip(const std::vector<double>& values, const NullFlags& nulls = {}) {
  Result<std::string> chunk = EncodeFloat64Chunk(values, nulls);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  Codec codec = CheckHeader(*chunk, ColumnType::kFloat64, values.size(), CountNulls(nulls));
  Result<Float64Column> col = DecodeFloat64Chunk(*chunk);
  ASSERT_TRUE(col.ok()) << CodecName(codec) << ": " << col.status();
  // Compare bits, not values: NaN != NaN and -0.0 == 0.0 would hide bugs.
  std::vector<uint64_t> want(values.size());
  for (size_t i = 0; i < values.size(); i++) want[i] = Bits(values[i]);
  Column<uint64_t> got_bits;
  for (double d : col->values) got_bits.values.push_back(Bits(d));
  got_bits.nulls = col->nulls;
  ExpectSameRows(want, nulls, got_bits, codec);
}

void ExpectIntRoundTrip(const std::vector<int64_t>& values, const NullFlags& nulls = {},
                        ColumnType type = ColumnType::kInt64) {
  Result<std::string> chunk = EncodeInt64Chunk(values, nulls, type);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  Codec codec = CheckHeader(*chunk, type, values.size(), CountNulls(nulls));
  Result<Int64Column> col = DecodeInt64Chunk(*chunk);
  ASSERT_TRUE(col.ok()) << CodecName(codec) << ": " << col.status();
  ExpectSameRows(values, nulls, *col, codec);
}

void ExpectBoolRoundTrip(const std::vector<uint8_t>& values, const NullFlags& nulls = {}) {
  Result<std::string> chunk = EncodeBoolChunk(values, nulls);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  Codec codec = CheckHeader(*chunk, ColumnType::kBool, values.size(), CountNulls(nulls));
  Result<BoolColumn> col = DecodeBoolChunk(*chunk);
  ASSERT_TRUE(col.ok()) << CodecName(codec) << ": " << col.status();
  // Booleans decode as 0 or 1 whatever non-zero byte went in.
  std::vector<uint8_t> want(values.size());
  for (size_t i = 0; i < values.size(); i++) want[i] = values[i] != 0;
  ExpectSameRows(want, nulls, *col, codec);
}

void ExpectTextRoundTrip(const std::vector<std::string>& values, const NullFlags& nulls = {}) {
  std::vector<std::string_view> views(values.begin(), values.end());
  Result<std::string> chunk = EncodeTextChunk(views, nulls);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  Codec codec = CheckHeader(*chunk, ColumnType::kText, values.size(), CountNulls(nulls));
  Result<TextColumn> col = DecodeTextChunk(*chunk);
  ASSERT_TRUE(col.ok()) << CodecName(codec) << ": " << col.status();
  ASSERT_EQ(col->indices.size(), values.size());
  ASSERT_TRUE(col->nulls.empty() || col->nulls.size() == values.size());
  for (size_t i = 0; i < values.size(); i++) {
    bool null = RowIsNull(nulls, i);
    ASSERT_EQ(col->IsNull(i), null) << "row " << i;
    if (null) {
      ASSERT_EQ(col->indices[i], 0u) << "row " << i;
      continue;
    }
    ASSERT_LT(col->indices[i], col->dictionary.size()) << "row " << i;
    ASSERT_EQ(col->Value(i), values[i]) << "row " << i;
  }
}

std::vector<double> AllNanPayloads() {
  std::vector<uint64_t> bits = {
      0x7ff8000000000000ULL,  // the default quiet NaN
      0xfff8000000000000ULL,  // negative quiet NaN (what x86 produces for 0/0)
      kStaleMarker,
      0x7ff0000000000001ULL,  // smallest signalling NaN
      0x7ff4000000000000ULL,  // signalling NaN, high payload bit
      0x7ff7ffffffffffffULL,  // largest signalling NaN
      0x7ff8000000000001ULL,  // quiet NaN with a payload
      0x7fffffffffffffffULL,  // all payload bits
      0xfff0000000000001ULL,  // negative signalling NaN
      0xffffffffffffffffULL,  // all bits set
      0xfff8dead0000beefULL,  // arbitrary negative payload
  };
  std::vector<double> out;
  for (uint64_t b : bits) out.push_back(FromBits(b));
  return out;
}

// Contexts a special value can appear in, chosen so the encoder picks
// different codecs: alone, repeated (constant), among decimals (decimal
// exceptions), among integers, among noisy floats (Gorilla or raw).
std::vector<std::vector<double>> Contexts(double special) {
  std::vector<std::vector<double>> out;
  out.push_back({special});
  out.push_back(std::vector<double>(100, special));
  std::vector<double> decimal, integral, noisy, first, last;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200; i++) {
    decimal.push_back(i % 17 == 5 ? special : 20.5 + (i % 9) * 0.25);
    integral.push_back(i % 31 == 3 ? special : static_cast<double>(1000 + i));
    noisy.push_back(i % 13 == 1 ? special : std::ldexp(static_cast<double>(rng() >> 11), -40));
  }
  out.push_back(decimal);
  out.push_back(integral);
  out.push_back(noisy);
  first = decimal;
  first[0] = special;
  last = decimal;
  last.back() = special;
  out.push_back(first);
  out.push_back(last);
  return out;
}

TEST(Float64RoundTrip, EveryNanPayloadRoundTripsBitExactly) {
  for (double nan : AllNanPayloads()) {
    for (const std::vector<double>& values : Contexts(nan)) {
      SCOPED_TRACE(testing::Message() << std::hex << "nan bits 0x" << Bits(nan) << std::dec
                                      << " rows " << values.size());
      ExpectFloatRoundTrip(values);
    }
  }
}

TEST(Float64RoundTrip, StaleMarkerSurvivesNextToNulls) {
  std::vector<double> values(64, 1.25);
  NullFlags nulls(64, 0);
  for (size_t i = 0; i < values.size(); i += 3) values[i] = FromBits(kStaleMarker);
  for (size_t i = 1; i < values.size(); i += 5) nulls[i] = 1;
  ExpectFloatRoundTrip(values, nulls);
}

TEST(Float64RoundTrip, MixedNanPayloadsKeepTheirOwnBits) {
  std::vector<double> values = AllNanPayloads();
  std::vector<double> interleaved;
  for (double v : values) {
    interleaved.push_back(v);
    interleaved.push_back(1.5);
  }
  ExpectFloatRoundTrip(values);
  ExpectFloatRoundTrip(interleaved);
}

TEST(Float64RoundTrip, NegativeZeroKeepsItsSign) {
  for (const std::vector<double>& values : Contexts(-0.0)) ExpectFloatRoundTrip(values);
  ExpectFloatRoundTrip({0.0, -0.0, 0.0, -0.0});
  ExpectFloatRoundTrip({-0.0, 1.0, 2.0, 3.0});
  ExpectFloatRoundTrip({1.5, -0.0, 2.5, -0.0, 3.5});
}

TEST(Float64RoundTrip, InfinitiesRoundTrip) {
  const double inf = std::numeric_limits<double>::infinity();
  for (double v : {inf, -inf}) {
    for (const std::vector<double>& values : Contexts(v)) ExpectFloatRoundTrip(values);
  }
  ExpectFloatRoundTrip({inf, -inf, inf, -inf});
}

TEST(Float64RoundTrip, DenormalsAndExtremesRoundTrip) {
  const double denorm_min = std::numeric_limits<double>::denorm_min();
  std::vector<double> specials = {denorm_min, -denorm_min, DBL_MIN / 2, DBL_MIN, -DBL_MIN,
                                  DBL_MAX,    -DBL_MAX,    DBL_EPSILON, 0x1p53 + 2, -0x1p63,
                                  0x1p63,     0x1p64,      1e300,       -1e-300};
  for (double v : specials) {
    for (const std::vector<double>& values : Contexts(v)) ExpectFloatRoundTrip(values);
  }
  ExpectFloatRoundTrip(specials);
}

// Values whose decimal form looks short but whose binary value is not
// value_int / 10^scale: the decimal codec must store them as exceptions or
// give them up, never round them.
TEST(Float64RoundTrip, DecimalLookalikesRoundTrip) {
  ExpectFloatRoundTrip({0.1, 0.2, 0.1 + 0.2, 0.3});
  ExpectFloatRoundTrip({1e-18, 2e-18, 3e-18});
  ExpectFloatRoundTrip({1.23456789012345678, 1.2345678901234567, 1.234567890123456});
  ExpectFloatRoundTrip({9.2e18, 9.3e18, -9.2e18, 9.223372036854775807e18});
  ExpectFloatRoundTrip({12345.678, 12345.679, 1e300, 12345.68});
  ExpectFloatRoundTrip({0.5, 0.25, 0.125, 0.0625, 0.03125, 0x1p-30});
  ExpectFloatRoundTrip({100.0, 100.1, 100.2, std::nextafter(100.3, 200.0), 100.4});
}

TEST(Float64RoundTrip, EveryDecimalScaleRoundTrips) {
  std::mt19937_64 rng(42);
  for (int scale = 0; scale <= kMaxDecimalScale + 1; scale++) {
    double divisor = std::pow(10.0, scale);
    std::vector<double> values;
    for (int i = 0; i < 100; i++) {
      values.push_back(static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000) /
                       divisor);
    }
    SCOPED_TRACE(testing::Message() << "scale " << scale);
    ExpectFloatRoundTrip(values);
  }
}

TEST(Float64RoundTrip, NullRowsDecodeAsZeroWhateverWasPassed) {
  std::vector<double> values = {FromBits(kStaleMarker), 2.5, -0.0, 3.5, 1e300};
  NullFlags nulls = {1, 0, 1, 0, 1};
  ExpectFloatRoundTrip(values, nulls);
}

TEST(Int64RoundTrip, ExtremesRoundTrip) {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  ExpectIntRoundTrip({lo});
  ExpectIntRoundTrip({hi});
  ExpectIntRoundTrip({lo, hi});
  ExpectIntRoundTrip({hi, lo});
  ExpectIntRoundTrip({0, hi, lo, 0, -1, 1});
  ExpectIntRoundTrip({lo, lo + 1, hi - 1, hi});
  ExpectIntRoundTrip(std::vector<int64_t>(50, lo));
  ExpectIntRoundTrip(std::vector<int64_t>(50, hi));
}

TEST(Int64RoundTrip, AlternatingExtremesWrapDeltasWithoutLoss) {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> alternating, stepping;
  for (int i = 0; i < 257; i++) {
    alternating.push_back(i % 2 ? hi : lo);
    stepping.push_back(static_cast<int64_t>(static_cast<uint64_t>(lo) + static_cast<uint64_t>(i) * (uint64_t{1} << 62)));
  }
  ExpectIntRoundTrip(alternating);
  ExpectIntRoundTrip(stepping);
  ExpectIntRoundTrip(alternating, {}, ColumnType::kTimestamp);
  NullFlags nulls(alternating.size(), 0);
  for (size_t i = 0; i < nulls.size(); i += 4) nulls[i] = 1;
  ExpectIntRoundTrip(alternating, nulls);
}

TEST(Int64RoundTrip, NullRowsDecodeAsZeroWhateverWasPassed) {
  ExpectIntRoundTrip({std::numeric_limits<int64_t>::min(), 5, 6, 7, -1}, {1, 0, 0, 0, 1});
}

TEST(TimestampRoundTrip, RegularJitteredUnsortedAndDuplicateTimesRoundTrip) {
  const int64_t base = 789'000'000'000'000;  // 2025 in Postgres microseconds
  std::vector<int64_t> regular, jittered, unsorted, duplicates, negative, gap;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 1000; i++) {
    regular.push_back(base + i * 15'000'000LL);
    jittered.push_back(base + i * 15'000'000LL + static_cast<int64_t>(rng() % 2001) - 1000);
    unsorted.push_back(base + static_cast<int64_t>(rng() % 1'000'000'000));
    duplicates.push_back(base + (i / 3) * 1'000'000LL);
    negative.push_back(-base + i * 10LL);
    gap.push_back(i < 500 ? base + i : base + (int64_t{1} << 60) + i);
  }
  for (const auto* values : {&regular, &jittered, &unsorted, &duplicates, &negative, &gap}) {
    ExpectIntRoundTrip(*values, {}, ColumnType::kTimestamp);
  }
  std::vector<int64_t> backwards(regular.rbegin(), regular.rend());
  ExpectIntRoundTrip(backwards, {}, ColumnType::kTimestamp);
  ExpectIntRoundTrip({base, base}, {}, ColumnType::kTimestamp);
  ExpectIntRoundTrip({base, base - 1, base + 1}, {}, ColumnType::kTimestamp);
}

TEST(TimestampRoundTrip, TimestampTypeIsKept) {
  Result<std::string> chunk = EncodeInt64Chunk({1, 2, 3}, {}, ColumnType::kTimestamp);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  Result<ChunkInfo> info = InspectChunk(*chunk);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->type, ColumnType::kTimestamp);
}

TEST(TextRoundTrip, EmptyStringsRoundTrip) {
  ExpectTextRoundTrip({""});
  ExpectTextRoundTrip({"", "", ""});
  ExpectTextRoundTrip({"", "a", "", "b", ""});
  ExpectTextRoundTrip({"", "x"}, {0, 1});
}

TEST(TextRoundTrip, EmbeddedNulBytesRoundTrip) {
  using std::string_literals::operator""s;
  ExpectTextRoundTrip({"a\0b"s, "\0"s, "\0\0"s, "a"s, "a\0"s, "a\0b"s});
  std::string every_byte;
  for (int c = 0; c < 256; c++) every_byte.push_back(static_cast<char>(c));
  ExpectTextRoundTrip({every_byte, every_byte.substr(128), "\xff\xfe"s});
}

TEST(TextRoundTrip, LongStringsRoundTrip) {
  std::mt19937_64 rng(3);
  std::string random(100 * 1024, '\0');
  for (char& c : random) c = static_cast<char>(rng());
  std::string repetitive(100 * 1024, 'x');
  ExpectTextRoundTrip({random});
  ExpectTextRoundTrip({random, repetitive, random, ""});
  ExpectTextRoundTrip(std::vector<std::string>(20, repetitive));
}

TEST(TextRoundTrip, ManyDistinctValuesRoundTrip) {
  for (int distinct : {255, 256, 257, 300, 1000, 5000}) {
    std::vector<std::string> values;
    for (int i = 0; i < 6000; i++) values.push_back("host-" + std::to_string((i * 7919) % distinct));
    SCOPED_TRACE(testing::Message() << distinct << " distinct");
    ExpectTextRoundTrip(values);
  }
  std::vector<std::string> all_distinct;
  for (int i = 0; i < 3000; i++) all_distinct.push_back(std::to_string(i * 2654435761ULL));
  ExpectTextRoundTrip(all_distinct);
}

TEST(TextRoundTrip, NullRowsComeBackNullWithIndexZero) {
  ExpectTextRoundTrip({"ignored", "b", "ignored too", "b"}, {1, 0, 1, 0});
  ExpectTextRoundTrip({"", ""}, {1, 1});
}

TEST(BoolRoundTrip, PatternsRoundTrip) {
  ExpectBoolRoundTrip({0});
  ExpectBoolRoundTrip({1});
  ExpectBoolRoundTrip(std::vector<uint8_t>(100, 1));
  ExpectBoolRoundTrip(std::vector<uint8_t>(100, 0));
  std::vector<uint8_t> alternating;
  for (int i = 0; i < 77; i++) alternating.push_back(i % 2);
  ExpectBoolRoundTrip(alternating);
  ExpectBoolRoundTrip({1, 0, 1}, {0, 1, 0});
  ExpectBoolRoundTrip({2, 255, 0, 7});  // any non-zero byte is true
}

// NULL layouts, for every type: none (empty flags), flags all zero, all
// NULL, only the first, only the last, alternating, all but one.
std::vector<NullFlags> NullPatterns(size_t n) {
  std::vector<NullFlags> out;
  out.push_back({});
  out.push_back(NullFlags(n, 0));
  out.push_back(NullFlags(n, 1));
  if (n > 0) {
    NullFlags first(n, 0), last(n, 0), alternating(n, 0), all_but_one(n, 1);
    first[0] = 1;
    last[n - 1] = 1;
    for (size_t i = 0; i < n; i += 2) alternating[i] = 1;
    all_but_one[n / 2] = 0;
    out.insert(out.end(), {first, last, alternating, all_but_one});
  }
  return out;
}

TEST(NullRoundTrip, EveryNullLayoutRoundTripsForEveryType) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{8}, size_t{9}, size_t{100}}) {
    std::vector<double> floats;
    std::vector<int64_t> ints;
    std::vector<std::string> texts;
    std::vector<uint8_t> bools;
    for (size_t i = 0; i < n; i++) {
      floats.push_back(1.5 * static_cast<double>(i));
      ints.push_back(static_cast<int64_t>(i * i) - 50);
      texts.push_back("v" + std::to_string(i % 5));
      bools.push_back(i % 3 == 0);
    }
    for (const NullFlags& nulls : NullPatterns(n)) {
      SCOPED_TRACE(testing::Message() << n << " rows, " << CountNulls(nulls) << " nulls");
      ExpectFloatRoundTrip(floats, nulls);
      ExpectIntRoundTrip(ints, nulls);
      ExpectIntRoundTrip(ints, nulls, ColumnType::kTimestamp);
      ExpectTextRoundTrip(texts, nulls);
      ExpectBoolRoundTrip(bools, nulls);
    }
  }
}

TEST(EncodeArguments, NullFlagsOfTheWrongSizeAreInvalidArgument) {
  std::vector<double> floats = {1, 2, 3};
  std::vector<uint8_t> two = {0, 1};
  EXPECT_EQ(EncodeFloat64Chunk(floats, two).status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<int64_t> ints = {1, 2, 3};
  EXPECT_EQ(EncodeInt64Chunk(ints, two).status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string_view> texts = {"a", "b", "c"};
  EXPECT_EQ(EncodeTextChunk(texts, two).status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<uint8_t> bools = {1, 0, 1};
  EXPECT_EQ(EncodeBoolChunk(bools, two).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EncodeArguments, MoreRowsThanTheLimitIsLimitExceeded) {
  std::vector<uint8_t> bools(kMaxChunkRows + 1, 1);
  EXPECT_EQ(EncodeBoolChunk(bools).status().code(), absl::StatusCode::kResourceExhausted);
}

// ---------------------------------------------------------------------------
// Seeded random round trips at sizes around byte and word boundaries.

enum class Shape { kFloatNoise, kFloatDecimal, kFloatWalk, kInt, kTimestamp, kText, kBool };

const char* ShapeName(Shape s) {
  switch (s) {
    case Shape::kFloatNoise: return "FloatNoise";
    case Shape::kFloatDecimal: return "FloatDecimal";
    case Shape::kFloatWalk: return "FloatWalk";
    case Shape::kInt: return "Int";
    case Shape::kTimestamp: return "Timestamp";
    case Shape::kText: return "Text";
    case Shape::kBool: return "Bool";
  }
  return "?";
}

class RandomRoundTrip : public ::testing::TestWithParam<std::tuple<Shape, size_t>> {};

TEST_P(RandomRoundTrip, RoundTripsBitExactly) {
  auto [shape, n] = GetParam();
  std::mt19937_64 rng(static_cast<uint64_t>(shape) * 1000003 + n);
  for (int nulls_mode = 0; nulls_mode < 3; nulls_mode++) {
    NullFlags nulls;
    if (nulls_mode == 1) {
      for (size_t i = 0; i < n; i++) nulls.push_back(rng() % 4 == 0);
    } else if (nulls_mode == 2) {
      nulls.assign(n, 1);
    }
    SCOPED_TRACE(testing::Message() << "nulls mode " << nulls_mode);
    switch (shape) {
      case Shape::kFloatNoise: {
        // Raw random bits: every NaN, denormal and infinity is fair game.
        std::vector<double> v;
        for (size_t i = 0; i < n; i++) v.push_back(FromBits(rng()));
        ExpectFloatRoundTrip(v, nulls);
        break;
      }
      case Shape::kFloatDecimal: {
        std::vector<double> v;
        for (size_t i = 0; i < n; i++) v.push_back(static_cast<double>(rng() % 100000) / 100.0);
        ExpectFloatRoundTrip(v, nulls);
        break;
      }
      case Shape::kFloatWalk: {
        std::vector<double> v;
        double x = 100.0;
        for (size_t i = 0; i < n; i++) {
          x += std::ldexp(static_cast<double>(static_cast<int64_t>(rng() >> 40) - (1 << 23)), -30);
          v.push_back(x);
        }
        ExpectFloatRoundTrip(v, nulls);
        break;
      }
      case Shape::kInt: {
        std::vector<int64_t> v;
        int width = static_cast<int>(rng() % 64) + 1;
        // Signed values of a random bit width, so every packing width shows up.
        for (size_t i = 0; i < n; i++) v.push_back(static_cast<int64_t>(rng()) >> (64 - width));
        ExpectIntRoundTrip(v, nulls);
        break;
      }
      case Shape::kTimestamp: {
        std::vector<int64_t> v;
        int64_t t = static_cast<int64_t>(rng() >> 8);
        for (size_t i = 0; i < n; i++) {
          t += 10'000'000 + static_cast<int64_t>(rng() % 1000) - (rng() % 50 == 0 ? 50'000'000 : 0);
          v.push_back(t);
        }
        ExpectIntRoundTrip(v, nulls, ColumnType::kTimestamp);
        break;
      }
      case Shape::kText: {
        std::vector<std::string> v;
        size_t distinct = 1 + rng() % 400;
        for (size_t i = 0; i < n; i++) {
          uint64_t k = rng() % distinct;
          v.push_back(std::string(k % 13, static_cast<char>('a' + k % 26)) + std::to_string(k));
        }
        ExpectTextRoundTrip(v, nulls);
        break;
      }
      case Shape::kBool: {
        std::vector<uint8_t> v;
        for (size_t i = 0; i < n; i++) v.push_back(rng() % 3 == 0);
        ExpectBoolRoundTrip(v, nulls);
        break;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllShapesAndSizes, RandomRoundTrip,
    ::testing::Combine(::testing::Values(Shape::kFloatNoise, Shape::kFloatDecimal,
                                         Shape::kFloatWalk, Shape::kInt, Shape::kTimestamp,
                                         Shape::kText, Shape::kBool),
                       ::testing::Values(0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 1000, 4096)),
    [](const ::testing::TestParamInfo<std::tuple<Shape, size_t>>& p) {
      return std::string(ShapeName(std::get<0>(p.param))) + "_" +
             std::to_string(std::get<1>(p.param));
    });

}  // namespace
}  // namespace tsdb
