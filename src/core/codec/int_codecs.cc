#include "codec/int_codecs.h"

#include <vector>

#include "codec/packed_stream.h"

namespace tsdb {
namespace {

uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }
int64_t S(uint64_t v) { return static_cast<int64_t>(v); }

}  // namespace

void PutIntDelta(absl::Span<const int64_t> values, std::string* out) {
  PutZigZagVarint(out, values[0]);
  std::vector<uint64_t> deltas(values.size() - 1);
  for (size_t i = 1; i < values.size(); ++i) {
    deltas[i - 1] = ZigZagEncode(S(U(values[i]) - U(values[i - 1])));
  }
  PutPacked(deltas, out);
}

Status GetIntDelta(ByteReader* in, size_t count, int64_t* out) {
  int64_t first;
  TSDB_RETURN_IF_ERROR(in->ReadZigZagVarint(&first, "first value"));
  uint64_t acc = U(first);
  *out++ = first;
  return ForEachPacked(in, count - 1, "deltas", [&out, &acc](uint64_t v) {
    acc += U(ZigZagDecode(v));
    *out++ = S(acc);
  });
}

void PutIntPlain(absl::Span<const int64_t> values, std::string* out) {
  std::vector<uint64_t> zigzag(values.size());
  for (size_t i = 0; i < values.size(); ++i) zigzag[i] = ZigZagEncode(values[i]);
  PutPacked(zigzag, out);
}

Status GetIntPlain(ByteReader* in, size_t count, int64_t* out) {
  return ForEachPacked(in, count, "values", [&out](uint64_t v) { *out++ = ZigZagDecode(v); });
}

void PutDeltaOfDelta(absl::Span<const int64_t> values, std::string* out) {
  PutZigZagVarint(out, values[0]);
  if (values.size() == 1) return;
  uint64_t prev_delta = U(values[1]) - U(values[0]);
  PutZigZagVarint(out, S(prev_delta));
  std::vector<uint64_t> dods(values.size() - 2);
  for (size_t i = 2; i < values.size(); ++i) {
    uint64_t delta = U(values[i]) - U(values[i - 1]);
    dods[i - 2] = ZigZagEncode(S(delta - prev_delta));
    prev_delta = delta;
  }
  PutPacked(dods, out);
}

Status GetDeltaOfDelta(ByteReader* in, size_t count, int64_t* out) {
  int64_t first;
  TSDB_RETURN_IF_ERROR(in->ReadZigZagVarint(&first, "first value"));
  *out++ = first;
  if (count == 1) return in->ExpectEnd("single value");
  int64_t first_delta;
  TSDB_RETURN_IF_ERROR(in->ReadZigZagVarint(&first_delta, "first delta"));
  uint64_t value = U(first) + U(first_delta);
  uint64_t delta = U(first_delta);
  *out++ = S(value);
  return ForEachPacked(in, count - 2, "delta-of-deltas", [&out, &value, &delta](uint64_t v) {
    delta += U(ZigZagDecode(v));
    value += delta;
    *out++ = S(value);
  });
}

std::string DescribeIntPayload(Codec codec, ByteReader in) {
  int64_t skip;
  int varints = codec == Codec::kIntDelta ? 1 : codec == Codec::kDeltaOfDelta ? 2 : 0;
  for (int i = 0; i < varints; ++i) {
    if (!in.ReadZigZagVarint(&skip, "").ok()) return "?";
  }
  if (in.remaining() == 0) return "";
  return DescribePacked(in);
}

}  // namespace tsdb
