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
  std::vector<uint64_t> deltas(count - 1);
  TSDB_RETURN_IF_ERROR(GetPacked(in, count - 1, deltas.data(), "deltas"));
  uint64_t acc = U(first);
  out[0] = first;
  for (size_t i = 1; i < count; ++i) {
    acc += U(ZigZagDecode(deltas[i - 1]));
    out[i] = S(acc);
  }
  return Status();
}

void PutIntPlain(absl::Span<const int64_t> values, std::string* out) {
  std::vector<uint64_t> zigzag(values.size());
  for (size_t i = 0; i < values.size(); ++i) zigzag[i] = ZigZagEncode(values[i]);
  PutPacked(zigzag, out);
}

Status GetIntPlain(ByteReader* in, size_t count, int64_t* out) {
  std::vector<uint64_t> zigzag(count);
  TSDB_RETURN_IF_ERROR(GetPacked(in, count, zigzag.data(), "values"));
  for (size_t i = 0; i < count; ++i) out[i] = ZigZagDecode(zigzag[i]);
  return Status();
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
  out[0] = first;
  if (count == 1) return in->ExpectEnd("single value");
  int64_t first_delta;
  TSDB_RETURN_IF_ERROR(in->ReadZigZagVarint(&first_delta, "first delta"));
  std::vector<uint64_t> dods(count - 2);
  TSDB_RETURN_IF_ERROR(GetPacked(in, count - 2, dods.data(), "delta-of-deltas"));
  uint64_t value = U(first) + U(first_delta);
  uint64_t delta = U(first_delta);
  out[1] = S(value);
  for (size_t i = 2; i < count; ++i) {
    delta += U(ZigZagDecode(dods[i - 2]));
    value += delta;
    out[i] = S(value);
  }
  return Status();
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
