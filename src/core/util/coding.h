// Byte-level coding: LEB128 varints, zigzag, little-endian fixed widths, and
// a bounds-checked reader whose every failure names what it was reading.
#ifndef TSDB_CORE_UTIL_CODING_H_
#define TSDB_CORE_UTIL_CODING_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "tsdb/status.h"

namespace tsdb {

inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t u) {
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

inline void PutVarint(std::string* out, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}
inline void PutZigZagVarint(std::string* out, int64_t v) { PutVarint(out, ZigZagEncode(v)); }
inline int VarintLength(uint64_t v) {
  int n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline void PutFixed64(std::string* out, uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(v >> (8 * i));
  out->append(buf, 8);
}
inline void PutFixed32(std::string* out, uint32_t v) {
  char buf[4];
  for (int i = 0; i < 4; ++i) buf[i] = static_cast<char>(v >> (8 * i));
  out->append(buf, 4);
}
inline uint64_t LoadFixed64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}
inline uint32_t LoadFixed32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// Reads from [data, data + size). Each Read* returns Corruption naming `what`
// when the bytes run out or are malformed; the reader is then unusable.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : pos_(data), end_(data + size) {}
  explicit ByteReader(std::string_view s)
      : ByteReader(reinterpret_cast<const uint8_t*>(s.data()), s.size()) {}

  size_t remaining() const { return static_cast<size_t>(end_ - pos_); }
  const uint8_t* position() const { return pos_; }

  // Each Read* sets its output (to 0 on failure) so callers never see an
  // indeterminate value.
  Status ReadByte(uint8_t* v, const char* what) {
    *v = 0;
    if (pos_ == end_) return Corruption("truncated %s: expected 1 byte, found end of data", what);
    *v = *pos_++;
    return Status();
  }
  Status ReadFixed64(uint64_t* v, const char* what) {
    *v = 0;
    if (remaining() < 8) {
      return Corruption("truncated %s: expected 8 bytes, found %d", what, remaining());
    }
    *v = LoadFixed64(pos_);
    pos_ += 8;
    return Status();
  }
  Status ReadVarint(uint64_t* v, const char* what) {
    *v = 0;
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ == end_) return Corruption("truncated %s: varint runs past the end of data", what);
      uint8_t byte = *pos_++;
      if (shift == 63 && byte > 1) return Corruption("%s: varint overflows 64 bits", what);
      result |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0) {
        *v = result;
        return Status();
      }
    }
    return Corruption("%s: varint longer than 10 bytes", what);
  }
  Status ReadZigZagVarint(int64_t* v, const char* what) {
    uint64_t u = 0;
    TSDB_RETURN_IF_ERROR(ReadVarint(&u, what));
    *v = ZigZagDecode(u);
    return Status();
  }
  // A varint that must not exceed `limit`.
  Status ReadBoundedVarint(uint64_t* v, uint64_t limit, const char* what) {
    TSDB_RETURN_IF_ERROR(ReadVarint(v, what));
    if (*v > limit) return Corruption("%s is %d, expected at most %d", what, *v, limit);
    return Status();
  }
  Status ReadBytes(size_t n, const uint8_t** out, const char* what) {
    *out = nullptr;
    if (remaining() < n) {
      return Corruption("truncated %s: expected %d bytes, found %d", what, n, remaining());
    }
    *out = pos_;
    pos_ += n;
    return Status();
  }
  Status ExpectEnd(const char* what) const {
    if (pos_ != end_) return Corruption("%d unexpected bytes after %s", remaining(), what);
    return Status();
  }

 private:
  const uint8_t* pos_;
  const uint8_t* end_;
};

}  // namespace tsdb

#endif  // TSDB_CORE_UTIL_CODING_H_
