#include "codec/text_dict.h"

#include <zstd.h>

#include "absl/container/flat_hash_map.h"
#include "codec/packed_stream.h"

namespace tsdb {
namespace {

enum DictionaryMode : uint8_t { kDictRaw = 0, kDictZstd = 1 };
constexpr int kZstdLevel = 3;
// No decoded dictionary may exceed this, whatever its compressed size.
constexpr uint64_t kMaxDictionaryBytes = uint64_t{1} << 30;

uint64_t MaxRawSize(uint64_t compressed) { return compressed * kMaxZstdExpansion + 4096; }

}  // namespace

void PutTextDict(absl::Span<const std::string_view> values, std::string* out) {
  absl::flat_hash_map<std::string_view, uint32_t> ids;
  std::vector<uint64_t> indices(values.size());
  std::string raw;
  for (size_t i = 0; i < values.size(); ++i) {
    auto [it, inserted] = ids.try_emplace(values[i], static_cast<uint32_t>(ids.size()));
    if (inserted) {
      PutVarint(&raw, values[i].size());
      raw.append(values[i]);
    }
    indices[i] = it->second;
  }
  PutVarint(out, ids.size());

  std::string compressed(ZSTD_compressBound(raw.size()), '\0');
  size_t n = ZSTD_compress(compressed.data(), compressed.size(), raw.data(), raw.size(), kZstdLevel);
  bool use_zstd = !ZSTD_isError(n) && n + VarintLength(n) < raw.size() && raw.size() <= MaxRawSize(n);
  out->push_back(static_cast<char>(use_zstd ? kDictZstd : kDictRaw));
  PutVarint(out, raw.size());
  if (use_zstd) {
    PutVarint(out, n);
    out->append(compressed.data(), n);
  } else {
    out->append(raw);
  }
  PutPacked(indices, out);
}

Status GetTextDict(ByteReader* in, size_t count, std::vector<std::string>* dictionary,
                   uint32_t* indices) {
  uint64_t size;
  TSDB_RETURN_IF_ERROR(in->ReadVarint(&size, "dictionary size"));
  if (size < 1 || size > count) {
    return Corruption("dictionary size is %d, expected 1..%d (the value count)", size, count);
  }
  uint8_t mode;
  TSDB_RETURN_IF_ERROR(in->ReadByte(&mode, "dictionary mode"));
  uint64_t raw_size;
  TSDB_RETURN_IF_ERROR(in->ReadBoundedVarint(&raw_size, kMaxDictionaryBytes, "dictionary bytes"));
  // Each entry takes at least its one-byte length: check before allocating.
  if (size > raw_size) {
    return Corruption("dictionary of %d entries cannot fit in %d bytes", size, raw_size);
  }
  std::string decompressed;
  const uint8_t* raw;
  if (mode == kDictRaw) {
    TSDB_RETURN_IF_ERROR(in->ReadBytes(raw_size, &raw, "dictionary"));
  } else if (mode == kDictZstd) {
    uint64_t compressed_size;
    TSDB_RETURN_IF_ERROR(in->ReadVarint(&compressed_size, "compressed dictionary size"));
    const uint8_t* frame;
    TSDB_RETURN_IF_ERROR(in->ReadBytes(compressed_size, &frame, "compressed dictionary"));
    if (raw_size > MaxRawSize(compressed_size)) {
      return Corruption("dictionary claims %d bytes from a %d-byte zstd frame, more than %dx",
                        raw_size, compressed_size, kMaxZstdExpansion);
    }
    decompressed.resize(raw_size);
    size_t n = ZSTD_decompress(decompressed.data(), raw_size, frame, compressed_size);
    if (ZSTD_isError(n)) {
      return Corruption("compressed dictionary is not a valid zstd frame: %s",
                        ZSTD_getErrorName(n));
    }
    if (n != raw_size) {
      return Corruption("compressed dictionary holds %d bytes, expected %d", n, raw_size);
    }
    raw = reinterpret_cast<const uint8_t*>(decompressed.data());
  } else {
    return Corruption("unknown dictionary mode %d", mode);
  }

  ByteReader entries(raw, raw_size);
  dictionary->clear();
  dictionary->reserve(size);
  for (uint64_t i = 0; i < size; ++i) {
    uint64_t len;
    TSDB_RETURN_IF_ERROR(entries.ReadVarint(&len, "dictionary entry length"));
    const uint8_t* bytes;
    TSDB_RETURN_IF_ERROR(entries.ReadBytes(len, &bytes, "dictionary entry"));
    dictionary->emplace_back(reinterpret_cast<const char*>(bytes), len);
  }
  TSDB_RETURN_IF_ERROR(entries.ExpectEnd("the dictionary entries"));

  size_t i = 0;
  uint64_t bad_index = 0;
  size_t bad_row = SIZE_MAX;
  TSDB_RETURN_IF_ERROR(ForEachPacked(in, count, "dictionary indices", [&](uint64_t v) {
    if (v >= size && bad_row == SIZE_MAX) {
      bad_row = i;
      bad_index = v;
    }
    indices[i++] = v < size ? static_cast<uint32_t>(v) : 0;
  }));
  if (bad_row != SIZE_MAX) {
    return Corruption("dictionary index %d at value %d, expected less than %d", bad_index, bad_row,
                      size);
  }
  return Status();
}

std::string DescribeTextDict(ByteReader in) {
  uint64_t size = 0, raw_size = 0, compressed = 0;
  uint8_t mode = 0;
  if (!in.ReadVarint(&size, "").ok() || !in.ReadByte(&mode, "").ok() ||
      !in.ReadVarint(&raw_size, "").ok()) {
    return "?";
  }
  const uint8_t* skip;
  if (mode == kDictZstd) {
    if (!in.ReadVarint(&compressed, "").ok() || !in.ReadBytes(compressed, &skip, "").ok()) return "?";
    return absl::StrFormat("dictionary=%d zstd(%d->%d bytes) indices=%s", size, raw_size,
                           compressed, DescribePacked(in));
  }
  if (!in.ReadBytes(raw_size, &skip, "").ok()) return "?";
  return absl::StrFormat("dictionary=%d raw(%d bytes) indices=%s", size, raw_size,
                         DescribePacked(in));
}

}  // namespace tsdb
