// Attacks on BlockReader, after LevelDB's log_test.cc: valid blocks are
// truncated at every length and have every byte flipped (the checksum must
// catch it), then single header and directory fields are broken under a
// re-computed checksum so the reader's own checks must name the problem.
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "codec/chunk_testutil.h"
#include "tsdb/block.h"
#include "tsdb/block_format.h"
#include "tsdb/column_chunk.h"
#include "util/checksum.h"

namespace tsdb {
namespace {

using ::testing::HasSubstr;
using test::GetVarint;
using test::PutVarint;
using test::PutZigZag;

#define EXPECT_CORRUPTION(status, word)                                 \
  do {                                                                  \
    Status s_ = (status);                                               \
    EXPECT_EQ(s_.code(), absl::StatusCode::kDataLoss) << s_;            \
    EXPECT_THAT(std::string(s_.message()), HasSubstr(word));            \
  } while (0)

// A block split into its fields (block_format.h). Serialize() writes them
// back verbatim, `columns` and each `chunk_size` included even when they
// disagree with the vectors, and appends a fresh checksum.
struct BlockParts {
  struct Entry {
    uint8_t type = 0;
    uint8_t codec = 0;
    uint64_t null_count = 0;
    uint64_t chunk_size = 0;
    uint8_t has_min_max = 0;
    std::string min_max;  // raw bytes, in the encoding of the type
  };

  std::string magic;
  uint8_t version = 0;
  uint8_t flags = 0;
  uint64_t rows = 0;
  uint64_t columns = 0;
  uint64_t time_column = 0;
  int64_t min_time = 0;
  uint64_t time_span = 0;  // max - min, unsigned (what BlockBuilder writes)
  std::vector<Entry> entries;
  std::vector<std::string> chunks;
  std::string trailing;  // bytes between the last chunk and the checksum

  std::string Serialize() const {
    std::string out = magic;
    out.push_back(static_cast<char>(version));
    out.push_back(static_cast<char>(flags));
    PutVarint(&out, rows);
    PutVarint(&out, columns);
    if (flags & kBlockFlagHasTime) {
      PutVarint(&out, time_column);
      PutZigZag(&out, min_time);
      PutVarint(&out, time_span);
    }
    for (const Entry& e : entries) {
      out.push_back(static_cast<char>(e.type));
      out.push_back(static_cast<char>(e.codec));
      PutVarint(&out, e.null_count);
      PutVarint(&out, e.chunk_size);
      out.push_back(static_cast<char>(e.has_min_max));
      out += e.min_max;
    }
    for (const std::string& chunk : chunks) out += chunk;
    out += trailing;
    test::PutFixed64(&out, Checksum64(out.data(), out.size()));
    return out;
  }

  // Replaces chunk i and its directory size.
  void SetChunk(size_t i, std::string chunk) {
    entries[i].chunk_size = chunk.size();
    chunks[i] = std::move(chunk);
  }

  static std::optional<BlockParts> Parse(std::string_view block) {
    if (block.size() < 6 + kBlockChecksumSize) return std::nullopt;
    BlockParts p;
    p.magic = std::string(block.substr(0, 4));
    p.version = static_cast<uint8_t>(block[4]);
    p.flags = static_cast<uint8_t>(block[5]);
    std::string_view in = block.substr(6, block.size() - 6 - kBlockChecksumSize);
    std::optional<uint64_t> rows = GetVarint(&in), columns = GetVarint(&in);
    if (!rows || !columns) return std::nullopt;
    p.rows = *rows;
    p.columns = *columns;
    if (p.flags & kBlockFlagHasTime) {
      std::optional<uint64_t> index = GetVarint(&in), min = GetVarint(&in), span = GetVarint(&in);
      if (!index || !min || !span) return std::nullopt;
      p.time_column = *index;
      p.min_time = static_cast<int64_t>((*min >> 1) ^ (~(*min & 1) + 1));
      p.time_span = *span;
    }
    for (uint64_t i = 0; i < p.columns; i++) {
      if (in.size() < 2) return std::nullopt;
      Entry e;
      e.type = static_cast<uint8_t>(in[0]);
      e.codec = static_cast<uint8_t>(in[1]);
      in.remove_prefix(2);
      std::optional<uint64_t> nulls = GetVarint(&in), size = GetVarint(&in);
      if (!nulls || !size || in.empty()) return std::nullopt;
      e.null_count = *nulls;
      e.chunk_size = *size;
      e.has_min_max = static_cast<uint8_t>(in[0]);
      in.remove_prefix(1);
      if (e.has_min_max) {
        std::string_view start = in;
        switch (static_cast<ColumnType>(e.type)) {
          case ColumnType::kFloat64: in.remove_prefix(16); break;
          case ColumnType::kBool: in.remove_prefix(2); break;
          default:
            if (!GetVarint(&in) || !GetVarint(&in)) return std::nullopt;
        }
        e.min_max = std::string(start.substr(0, start.size() - in.size()));
      }
      p.entries.push_back(e);
    }
    for (const Entry& e : p.entries) {
      if (in.size() < e.chunk_size) return std::nullopt;
      p.chunks.emplace_back(in.substr(0, e.chunk_size));
      in.remove_prefix(e.chunk_size);
    }
    p.trailing = std::string(in);
    return p;
  }
};

NullFlags EveryNth(size_t n, size_t every) {
  NullFlags nulls(n, 0);
  for (size_t i = 0; i < n; i += every) nulls[i] = 1;
  return nulls;
}

double FromBits(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// Columns: 0 float64, 1 time, 2 int64, 3 text, 4 bool; NULLs every 4th row
// except in the time column.
std::string EveryTypeBlock(size_t n = 20) {
  BlockBuilder b(n);
  std::vector<int64_t> times, ints;
  std::vector<double> floats;
  std::vector<std::string_view> texts;
  std::vector<uint8_t> bools;
  const char* hosts[] = {"a", "bb", "", "dddd"};
  for (size_t i = 0; i < n; i++) {
    times.push_back(1'000'000 * static_cast<int64_t>(i) + static_cast<int64_t>(i % 3));
    ints.push_back(static_cast<int64_t>(i * i) - 7);
    floats.push_back(i % 5 == 1 ? FromBits(0x7ff0000000000002ULL) : static_cast<double>(i) * 0.25);
    texts.push_back(hosts[i % 4]);
    bools.push_back(i % 2);
  }
  NullFlags nulls = EveryNth(n, 4);
  EXPECT_TRUE(b.AddFloat64(floats, nulls).ok());
  EXPECT_TRUE(b.AddTime(times).ok());
  EXPECT_TRUE(b.AddInt64(ints, nulls).ok());
  EXPECT_TRUE(b.AddText(texts, nulls).ok());
  EXPECT_TRUE(b.AddBool(bools, nulls).ok());
  Result<std::string> block = b.Finish();
  EXPECT_TRUE(block.ok()) << block.status();
  return block.ok() ? *block : std::string();
}

std::string NoTimeBlock() {
  BlockBuilder b(3);
  EXPECT_TRUE(b.AddInt64(std::vector<int64_t>{1, 2, 3}).ok());
  EXPECT_TRUE(b.AddFloat64(std::vector<double>(3, 0), NullFlags(3, 1)).ok());
  return *b.Finish();
}

std::string ExtremeTimesBlock() {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  BlockBuilder b(3);
  EXPECT_TRUE(b.AddTime(std::vector<int64_t>{hi, lo, 0}).ok());
  EXPECT_TRUE(b.AddBool(std::vector<uint8_t>{1, 1, 1}).ok());
  return *b.Finish();
}

std::vector<std::string> Samples() {
  return {EveryTypeBlock(), EveryTypeBlock(1), NoTimeBlock(), ExtremeTimesBlock()};
}

// Opens and decodes every column with every decoder, which must not crash;
// with the checksum off this is how damaged bytes reach the codecs.
void OpenAndDecodeEverything(std::string_view bytes, const DecodeOptions& options) {
  Result<BlockReader> reader = BlockReader::Open(bytes, options);
  if (!reader.ok()) return;
  for (size_t i = 0; i < reader->column_count(); i++) {
    (void)reader->DecodeFloat64(i);
    (void)reader->DecodeInt64(i);
    (void)reader->DecodeText(i);
    (void)reader->DecodeBool(i);
  }
}

BlockParts Parts(const std::string& block) {
  std::optional<BlockParts> p = BlockParts::Parse(block);
  EXPECT_TRUE(p.has_value());
  return p ? *p : BlockParts();
}

Status Open(const BlockParts& p) { return BlockReader::Open(p.Serialize()).status(); }

TEST(BlockCorruption, SamplesOpenAndRoundTripThroughTheTestParser) {
  for (const std::string& block : Samples()) {
    Result<BlockReader> reader = BlockReader::Open(block);
    ASSERT_TRUE(reader.ok()) << reader.status();
    for (size_t i = 0; i < reader->column_count(); i++) {
      const BlockColumnMeta& meta = reader->column(i);
      Status s = meta.type == ColumnType::kFloat64 ? reader->DecodeFloat64(i).status()
                 : meta.type == ColumnType::kText  ? reader->DecodeText(i).status()
                 : meta.type == ColumnType::kBool  ? reader->DecodeBool(i).status()
                                                   : reader->DecodeInt64(i).status();
      EXPECT_TRUE(s.ok()) << "column " << i << ": " << s;
    }
    // The parser and serializer used by the attacks below are faithful.
    EXPECT_EQ(Parts(block).Serialize(), block);
  }
}

TEST(BlockCorruption, TruncatedBlockIsCorruption) {
  DecodeOptions unchecked;
  unchecked.verify_checksum = false;
  for (const std::string& block : Samples()) {
    for (size_t len = 0; len < block.size(); len++) {
      std::string_view cut(block.data(), len);
      Status s = BlockReader::Open(cut).status();
      EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << "length " << len << ": " << s;
      OpenAndDecodeEverything(cut, unchecked);
    }
  }
}

TEST(BlockCorruption, FlippedByteIsCaughtByChecksum) {
  DecodeOptions unchecked;
  unchecked.verify_checksum = false;
  for (const std::string& block : Samples()) {
    for (size_t pos = 0; pos < block.size(); pos++) {
      for (uint8_t pattern : {0x01, 0x80, 0xff, 0x5a}) {
        std::string bad = block;
        bad[pos] = static_cast<char>(bad[pos] ^ pattern);
        SCOPED_TRACE("byte " + std::to_string(pos) + " ^ " + std::to_string(pattern));
        EXPECT_CORRUPTION(BlockReader::Open(bad).status(), "checksum");
        OpenAndDecodeEverything(bad, unchecked);
      }
    }
  }
}

TEST(BlockCorruption, DamagedChunkUnderValidBlockChecksumIsCaughtByChunkChecksum) {
  BlockParts p = Parts(EveryTypeBlock());
  for (size_t i = 0; i < p.chunks.size(); i++) {
    BlockParts bad = p;
    std::string& chunk = bad.chunks[i];
    chunk[chunk.size() / 2] = static_cast<char>(chunk[chunk.size() / 2] ^ 0x10);
    SCOPED_TRACE("column " + std::to_string(i));
    Status s = Open(bad);
    EXPECT_CORRUPTION(s, "checksum");
    EXPECT_THAT(std::string(s.message()), HasSubstr("column " + std::to_string(i)));
  }
}

TEST(BlockCorruption, BadMagicIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  for (const char* magic : {"TSB0", "TSB2", "tsb1", "\xc7\x11\x02\x00"}) {
    p.magic = magic;
    EXPECT_CORRUPTION(Open(p), "not a tsdb block");
  }
}

TEST(BlockCorruption, UnknownVersionIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  for (uint8_t version : {0, 2, 0xff}) {
    p.version = version;
    EXPECT_CORRUPTION(Open(p), "version");
  }
}

TEST(BlockCorruption, ReservedFlagBitsAreCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  for (uint8_t extra : {0x02, 0x80}) {
    p.flags = kBlockFlagHasTime | extra;
    EXPECT_CORRUPTION(Open(p), "flags");
  }
}

TEST(BlockCorruption, RowCountZeroIsCorruption) {
  BlockParts p = Parts(NoTimeBlock());
  p.rows = 0;
  EXPECT_CORRUPTION(Open(p), "row count");
}

TEST(BlockCorruption, RowCountAboveLimitIsCorruption) {
  BlockParts p = Parts(NoTimeBlock());
  for (uint64_t rows : {kMaxChunkRows + 1, ~uint64_t{0}}) {
    p.rows = rows;
    EXPECT_CORRUPTION(Open(p), "row count");
  }
}

TEST(BlockCorruption, ChunkRowCountDifferingFromTheBlockIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  // Column 2 replaced by a valid int64 chunk one row short.
  std::vector<int64_t> short_ints(p.rows - 1, 5);
  BlockParts bad = p;
  bad.SetChunk(2, *EncodeInt64Chunk(short_ints));
  bad.entries[2].codec = static_cast<uint8_t>(Codec::kConstant);
  bad.entries[2].null_count = 0;
  EXPECT_CORRUPTION(Open(bad), "disagrees");
  // The block claiming one more row than all of its chunks.
  bad = p;
  bad.rows++;
  EXPECT_CORRUPTION(Open(bad), "disagrees");
}

TEST(BlockCorruption, DirectoryDisagreeingWithItsChunkIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  BlockParts bad = p;
  bad.entries[2].type = static_cast<uint8_t>(ColumnType::kTimestamp);  // chunk says int64
  EXPECT_CORRUPTION(Open(bad), "disagrees");
  bad = p;
  bad.entries[0].codec = static_cast<uint8_t>(
      bad.entries[0].codec == static_cast<uint8_t>(Codec::kFloatRaw) ? Codec::kFloatGorilla
                                                                      : Codec::kFloatRaw);
  EXPECT_CORRUPTION(Open(bad), "disagrees");
  bad = p;
  bad.entries[3].null_count++;
  EXPECT_CORRUPTION(Open(bad), "disagrees");
}

TEST(BlockCorruption, ColumnCountZeroIsCorruption) {
  BlockParts p = Parts(NoTimeBlock());
  p.columns = 0;  // the directory and chunks stay, so only the count is wrong
  EXPECT_CORRUPTION(Open(p), "column count");
}

TEST(BlockCorruption, ColumnCountAboveLimitIsCorruption) {
  BlockParts p = Parts(NoTimeBlock());
  p.columns = kMaxBlockColumns + 1;
  EXPECT_CORRUPTION(Open(p), "column count");
}

TEST(BlockCorruption, ColumnCountBeyondTheDirectoryIsCorruption) {
  BlockParts p = Parts(NoTimeBlock());
  p.columns = 3;  // two entries present
  EXPECT_EQ(Open(p).code(), absl::StatusCode::kDataLoss);
  p.columns = 1000;
  EXPECT_CORRUPTION(Open(p), "columns");
}

TEST(BlockCorruption, ChunkSizeBeyondTheEndIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  BlockParts bad = p;
  bad.entries.back().chunk_size += 1;
  EXPECT_CORRUPTION(Open(bad), "sizes add up");
  bad = p;
  bad.entries[1].chunk_size = uint64_t{1} << 40;
  EXPECT_CORRUPTION(Open(bad), "chunk size");
}

TEST(BlockCorruption, ChunkBoundaryShiftedIsCorruption) {
  // Sizes still add up, but column 0 now ends one byte into column 1.
  BlockParts p = Parts(EveryTypeBlock());
  p.entries[0].chunk_size++;
  p.entries[1].chunk_size--;
  EXPECT_CORRUPTION(Open(p), "column 0");
}

TEST(BlockCorruption, BytesAfterTheLastChunkAreCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  p.trailing = "junk";
  EXPECT_CORRUPTION(Open(p), "sizes add up");
}

TEST(BlockCorruption, UnknownDirectoryColumnTypeIsCorruption) {
  BlockParts p = Parts(NoTimeBlock());
  for (uint8_t type : {0, 6, 0xff}) {
    p.entries[0].type = type;
    EXPECT_CORRUPTION(Open(p), "unknown type");
  }
}

TEST(BlockCorruption, TimeColumnIndexOutOfRangeIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  p.time_column = p.columns;
  EXPECT_CORRUPTION(Open(p), "time column index");
}

TEST(BlockCorruption, TimeColumnOfAnotherTypeIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  p.time_column = 2;  // the int64 column
  EXPECT_CORRUPTION(Open(p), "time column");
}

TEST(BlockCorruption, TimeRangeDisagreeingWithTheTimeColumnIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  BlockParts bad = p;
  bad.min_time--;
  bad.time_span++;  // same max, earlier min
  EXPECT_CORRUPTION(Open(bad), "time");
  bad = p;
  bad.time_span++;
  EXPECT_CORRUPTION(Open(bad), "time");
}

TEST(BlockCorruption, TimeSpanOverflowingInt64IsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  p.min_time = std::numeric_limits<int64_t>::max() - 5;
  p.time_span = 10;
  EXPECT_CORRUPTION(Open(p), "overflows");
  p.min_time = 0;
  p.time_span = ~uint64_t{0};
  EXPECT_CORRUPTION(Open(p), "overflows");
}

TEST(BlockCorruption, ExtremeTimeRangeIsValid) {
  Result<BlockReader> reader = BlockReader::Open(ExtremeTimesBlock());
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(reader->min_time(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(reader->max_time(), std::numeric_limits<int64_t>::max());
}

TEST(BlockCorruption, InvertedMinMaxIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  BlockParts bad = p;
  // Float column 0: swap the two 8-byte halves (min 0.25 < max NaN).
  std::string& f = bad.entries[0].min_max;
  ASSERT_EQ(f.size(), 16u);
  f = f.substr(8) + f.substr(0, 8);
  EXPECT_CORRUPTION(Open(bad), "exceeds");
  // Int column 2: min 100, max -100.
  bad = p;
  bad.entries[2].min_max.clear();
  PutZigZag(&bad.entries[2].min_max, 100);
  PutZigZag(&bad.entries[2].min_max, -100);
  EXPECT_CORRUPTION(Open(bad), "exceeds");
  // Bool column 4: min 1, max 0; and a "boolean" of 2.
  bad = p;
  bad.entries[4].min_max = std::string("\x01\x00", 2);
  EXPECT_CORRUPTION(Open(bad), "boolean");
  bad.entries[4].min_max = std::string("\x00\x02", 2);
  EXPECT_CORRUPTION(Open(bad), "boolean");
}

TEST(BlockCorruption, MinMaxFlagOtherThanZeroOrOneIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  p.entries[0].has_min_max = 2;
  EXPECT_CORRUPTION(Open(p), "min/max flag");
}

TEST(BlockCorruption, TextColumnWithMinMaxIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  p.entries[3].has_min_max = 1;
  p.entries[3].min_max = "ab";
  EXPECT_CORRUPTION(Open(p), "text column");
}

TEST(BlockCorruption, MinMaxPresenceDisagreeingWithNullsIsCorruption) {
  BlockParts p = Parts(EveryTypeBlock());
  p.entries[2].has_min_max = 0;  // int column with values but no min/max
  p.entries[2].min_max.clear();
  EXPECT_CORRUPTION(Open(p), "min/max");
  BlockParts all_null = Parts(NoTimeBlock());
  all_null.entries[1].has_min_max = 1;  // all-NULL float column with a min/max
  all_null.entries[1].min_max = std::string(16, '\0');
  EXPECT_CORRUPTION(Open(all_null), "min/max");
}

TEST(BlockCorruption, DecodeOutOfRangeOrWithTheWrongTypeFailsCleanly) {
  std::string block = EveryTypeBlock();
  Result<BlockReader> reader = BlockReader::Open(block);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->DecodeFloat64(reader->column_count()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->DecodeInt64(~size_t{0}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->DecodeText(0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->DecodeBool(3).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->DecodeFloat64(1).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tsdb
