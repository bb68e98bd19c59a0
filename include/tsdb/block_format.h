// On-disk format of column chunks and blocks. Everything a reader needs to
// interpret stored bytes is defined here; change nothing without bumping the
// version it belongs to.
//
// All multi-byte integers are little-endian. "varint" is unsigned LEB128 (at
// most 10 bytes); "zvarint" is a varint of the zigzag encoding of a signed
// value. Checksums are the low 32 bits (chunks) or all 64 bits (blocks) of
// XXH3-64 with seed 0 over the bytes that precede the checksum.
//
// ---------------------------------------------------------------------------
// Column chunk: one column of one block, self-describing. The SQL functions
// tsdb.encode_*() return exactly these bytes.
//
//   offset  size    field
//   0       1       magic 0xC7
//   1       1       format version (high nibble) | column type (low nibble)
//   2       1       codec id (Codec below)
//   3       1       flags: bit 0 = a null bitmap follows; other bits must be 0
//   4       varint  row count n (NULL rows included), n <= kMaxChunkRows
//   .       varint  null count (only with flag bit 0), 0 < null count <= n
//   .       ceil(n/8) null bitmap (only with flag bit 0): bit i of byte i/8
//                   set = row i is NULL; padding bits must be 0
//   .       ...     codec payload over the n - null count non-null values
//   end-4   4       checksum
//
// Codec payloads (m = number of non-null values, m > 0 except for kAllNull):
//   kAllNull       (nothing; m == 0)
//   kConstant      8 bytes: the bits of the single value shared by all m rows
//   kFloatDecimal  u8 scale s (value = int / 10^s; bit 7 set = plain),
//                  varint exception count e, e x (varint row gap from the
//                  previous exception, 8 raw bytes); then plain: packed
//                  stream of m zigzag ints; else: zvarint first int, packed
//                  stream of m-1 zigzag deltas of the ints. An exception row
//                  holds the previous row's int (0 for row 0).
//   kFloatGorilla  Gorilla XOR bit stream (Pelkonen et al., VLDB 2015)
//   kFloatRaw      m x 8 raw bytes
//   kIntDelta      zvarint first, packed stream of m-1 zigzag deltas
//   kIntPlain      packed stream of m zigzag values
//   kDeltaOfDelta  zvarint first, zvarint first delta (m >= 2),
//                  packed stream of m-2 zigzag delta-of-deltas
//   kTextDict      varint dictionary size d (1 <= d <= m), u8 dictionary mode
//                  (0 raw, 1 zstd), varint raw dictionary bytes r, then
//                  raw: r bytes; zstd: varint frame size, one zstd frame of
//                  r bytes (r <= 1024 x frame size + 4096). The r bytes are d
//                  entries (varint length, bytes) in first-use order. Then a
//                  packed stream of m indices < d
//   kBoolBitmap    ceil(m/8) bytes, bit i = value i, padding bits 0
// Deltas are computed with wrapping 64-bit arithmetic, so int64 extremes
// round-trip.
//
// Packed stream of k unsigned 64-bit values (util/packed_stream.h):
//   u8 mode
//   0 kZero     nothing: all k values are 0
//   1 kBits     u8 width w in 1..64, ceil(k*w/8) bytes, LSB-first
//   2 kVarint   k varints
//   3 kHuffman  canonical Huffman over symbols 0..K-1; symbol K-1 escapes to
//               an overflow varint (value - (K-1)) in a side stream:
//               varint K (2..kMaxHuffmanSymbols), K x 4-bit code lengths
//               (0 = unused, max kMaxHuffmanCodeLength), varint overflow
//               bytes, overflow varints, then the code bit stream (LSB-first)
//
// ---------------------------------------------------------------------------
// Block: one series' rows for a time range, all columns.
//
//   offset  size    field
//   0       4       magic "TSB1" (bytes 0x54 0x53 0x42 0x31)
//   4       1       format version (kBlockVersion)
//   5       1       flags: bit 0 = has a time column; other bits must be 0
//   6       varint  row count r (1 <= r <= kMaxChunkRows)
//   .       varint  column count c (1 <= c <= kMaxBlockColumns)
//   .       varint  time column index (only with flag bit 0), < c
//   .       zvarint min time, varint (max time - min time) (with flag bit 0)
//   .       c x column directory entry:
//             u8 column type, u8 codec id, varint null count, varint chunk
//             size, u8 has-min-max; with has-min-max: min and max, as two
//             zvarints for int64/timestamp, as 2 x 8 raw bytes for float64
//             (NaN sorts above +Inf, as in Postgres) and as 2 bytes for bool
//   .       the c column chunks, back to back, in directory order
//   end-8   8       checksum (XXH3-64) of all preceding bytes
//
// Readers check the magic, version, checksum, every size against the bytes
// present, and that each chunk agrees with its directory entry and the row
// count before decoding anything.
#ifndef TSDB_BLOCK_FORMAT_H_
#define TSDB_BLOCK_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace tsdb {

enum class ColumnType : uint8_t {
  kFloat64 = 1,
  kInt64 = 2,
  kTimestamp = 3,  // int64 microseconds; Postgres's epoch (2000-01-01)
  kText = 4,       // arbitrary bytes (text, bytea and generic encodings)
  kBool = 5,
};

enum class Codec : uint8_t {
  kAllNull = 1,
  kConstant = 2,
  kFloatDecimal = 3,
  kFloatGorilla = 4,
  kFloatRaw = 5,
  kIntDelta = 6,
  kIntPlain = 7,
  kDeltaOfDelta = 8,
  kTextDict = 9,
  kBoolBitmap = 10,
};

inline constexpr uint8_t kChunkMagic = 0xC7;
inline constexpr uint8_t kChunkVersion = 1;
inline constexpr uint8_t kChunkFlagHasNulls = 0x01;
inline constexpr size_t kChunkChecksumSize = 4;

inline constexpr uint8_t kBlockMagic[4] = {0x54, 0x53, 0x42, 0x31};  // "TSB1"
inline constexpr uint8_t kBlockVersion = 1;
inline constexpr uint8_t kBlockFlagHasTime = 0x01;
inline constexpr size_t kBlockChecksumSize = 8;

// Upper bound on rows in one chunk or block. It bounds what a decoder may
// allocate for a hostile input whose payload is tiny (kConstant, kZero):
// 16M values = 128 MiB of doubles.
inline constexpr uint64_t kMaxChunkRows = uint64_t{1} << 24;
// Postgres allows 1600 columns per table.
inline constexpr uint64_t kMaxBlockColumns = 1600;
// Largest decimal scale tried by kFloatDecimal: 10^18 < 2^63.
inline constexpr int kMaxDecimalScale = 18;
inline constexpr uint32_t kMaxHuffmanSymbols = 256;
inline constexpr int kMaxHuffmanCodeLength = 12;

enum class PackMode : uint8_t { kZero = 0, kBits = 1, kVarint = 2, kHuffman = 3 };

// Names used by describe_encoded and error messages.
const char* ColumnTypeName(ColumnType type);
const char* CodecName(Codec codec);
const char* PackModeName(PackMode mode);

}  // namespace tsdb

#endif  // TSDB_BLOCK_FORMAT_H_
