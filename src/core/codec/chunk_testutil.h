// Test helpers that take column chunks apart and put them back together, so
// corruption tests can break one header field, re-compute the checksum and
// check that the decoder names the problem (block_format.h has the layout).
// Header-only and test-only: nothing in the library includes it.
#ifndef TSDB_CORE_CODEC_CHUNK_TESTUTIL_H_
#define TSDB_CORE_CODEC_CHUNK_TESTUTIL_H_

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "tsdb/block_format.h"
#include "util/checksum.h"

namespace tsdb {
namespace test {

inline void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

inline void PutZigZag(std::string* out, int64_t v) { PutVarint(out, ZigZag(v)); }

inline void PutFixed32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; i++) out->push_back(static_cast<char>(v >> (8 * i)));
}

inline void PutFixed64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; i++) out->push_back(static_cast<char>(v >> (8 * i)));
}

inline void PutDouble(std::string* out, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  PutFixed64(out, bits);
}

// Reads a varint from the front of *in; nullopt when it runs off the end.
inline std::optional<uint64_t> GetVarint(std::string_view* in) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return v;
  }
  return std::nullopt;
}

// A column chunk split into its fields. Serialize() writes the fields back
// verbatim (no consistency checks) and appends a fresh checksum, so any one
// field can be made wrong while the checksum stays right.
struct ChunkParts {
  uint8_t magic = kChunkMagic;
  uint8_t version = kChunkVersion;
  uint8_t type = 0;
  uint8_t codec = 0;
  uint8_t flags = 0;
  uint64_t rows = 0;
  uint64_t null_count = 0;  // written only when flags has kChunkFlagHasNulls
  std::string bitmap;       // written only when flags has kChunkFlagHasNulls
  std::string payload;

  std::string Serialize() const {
    std::string out;
    out.push_back(static_cast<char>(magic));
    out.push_back(static_cast<char>((version << 4) | (type & 0x0f)));
    out.push_back(static_cast<char>(codec));
    out.push_back(static_cast<char>(flags));
    PutVarint(&out, rows);
    if (flags & kChunkFlagHasNulls) {
      PutVarint(&out, null_count);
      out += bitmap;
    }
    out += payload;
    PutFixed32(&out, Checksum32(out.data(), out.size()));
    return out;
  }

  // Splits a well-formed chunk; nullopt if the bytes do not parse.
  static std::optional<ChunkParts> Parse(std::string_view chunk) {
    if (chunk.size() < 4 + kChunkChecksumSize) return std::nullopt;
    ChunkParts p;
    p.magic = static_cast<uint8_t>(chunk[0]);
    p.version = static_cast<uint8_t>(chunk[1]) >> 4;
    p.type = static_cast<uint8_t>(chunk[1]) & 0x0f;
    p.codec = static_cast<uint8_t>(chunk[2]);
    p.flags = static_cast<uint8_t>(chunk[3]);
    std::string_view in = chunk.substr(4, chunk.size() - 4 - kChunkChecksumSize);
    std::optional<uint64_t> rows = GetVarint(&in);
    if (!rows) return std::nullopt;
    p.rows = *rows;
    if (p.flags & kChunkFlagHasNulls) {
      std::optional<uint64_t> nulls = GetVarint(&in);
      uint64_t bitmap_bytes = (p.rows + 7) / 8;
      if (!nulls || in.size() < bitmap_bytes) return std::nullopt;
      p.null_count = *nulls;
      p.bitmap = std::string(in.substr(0, bitmap_bytes));
      in.remove_prefix(bitmap_bytes);
    }
    p.payload = std::string(in);
    return p;
  }
};

// Builds a chunk from fields: the header of `type`/`codec` over `rows` rows
// without NULLs, followed by `payload` and a valid checksum.
inline std::string MakeChunk(ColumnType type, Codec codec, uint64_t rows,
                             const std::string& payload) {
  ChunkParts p;
  p.type = static_cast<uint8_t>(type);
  p.codec = static_cast<uint8_t>(codec);
  p.rows = rows;
  p.payload = payload;
  return p.Serialize();
}

// Re-computes the trailing checksum of a chunk whose bytes were edited.
inline void FixChunkChecksum(std::string* chunk) {
  size_t body = chunk->size() - kChunkChecksumSize;
  uint32_t sum = Checksum32(chunk->data(), body);
  for (size_t i = 0; i < kChunkChecksumSize; i++) (*chunk)[body + i] = static_cast<char>(sum >> (8 * i));
}

}  // namespace test
}  // namespace tsdb

#endif  // TSDB_CORE_CODEC_CHUNK_TESTUTIL_H_
