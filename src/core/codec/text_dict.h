// kTextDict: the distinct values in first-appearance order (raw, or one zstd
// frame when that is smaller), then one dictionary index per value in a
// packed stream (block_format.h). Label-like columns with few distinct values
// cost a few bits per row; unique values cost about their zstd size.
#ifndef TSDB_CORE_CODEC_TEXT_DICT_H_
#define TSDB_CORE_CODEC_TEXT_DICT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "tsdb/status.h"
#include "util/coding.h"

namespace tsdb {

// A zstd dictionary may expand at most this much when decoded, which bounds
// what a small hostile chunk can make a decoder allocate. The encoder stores
// a dictionary raw when zstd would exceed it.
inline constexpr uint64_t kMaxZstdExpansion = 1024;

void PutTextDict(absl::Span<const std::string_view> values, std::string* out);
// REQUIRES: indices has room for count values.
Status GetTextDict(ByteReader* in, size_t count, std::vector<std::string>* dictionary,
                   uint32_t* indices);
std::string DescribeTextDict(ByteReader in);

}  // namespace tsdb

#endif  // TSDB_CORE_CODEC_TEXT_DICT_H_
