// Checksums of stored bytes (XXH3-64, seed 0; see block_format.h).
#ifndef TSDB_CORE_UTIL_CHECKSUM_H_
#define TSDB_CORE_UTIL_CHECKSUM_H_

#include <cstddef>
#include <cstdint>

namespace tsdb {

uint64_t Checksum64(const void* data, size_t size);
// A chunk stores the low 32 bits of Checksum64.
inline uint32_t Checksum32(const void* data, size_t size) {
  return static_cast<uint32_t>(Checksum64(data, size));
}

}  // namespace tsdb

#endif  // TSDB_CORE_UTIL_CHECKSUM_H_
