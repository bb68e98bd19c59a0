// libFuzzer target: the input drives the generation of one column, which
// must survive encode -> decode bit for bit (checksums on), alone as a chunk
// and inside a block next to a time column.
//
// Input layout (anything shorter is padded with zeros):
//   byte 0    column type (% 5: float64, int64, timestamp, text, bool) and,
//             in byte 0 / 5, the value generator
//   byte 1    NULL density: 0 = no null flags at all, 255 = every row NULL,
//             otherwise each row is NULL with probability byte/256
//   byte 2-3  seed of the NULL pattern and of the time column
//   rest      raw material for the values. Generators read it as raw
//             doubles/int64s (so NaN payloads, -0.0, infinities, denormals
//             and int64 extremes arise naturally) or as small numbers,
//             decimals, deltas and repeats so that every codec is chosen.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/block.h"
#include "tsdb/block_format.h"
#include "tsdb/column_chunk.h"

namespace {

using tsdb::ColumnType;
using tsdb::NullFlags;

void Check(bool ok) {
  if (!ok) abort();
}

// Reads the fuzzer's bytes front to back; zeros once they run out.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= uint64_t{Byte()} << (8 * i);
    return v;
  }
  int16_t I16() {
    uint8_t low = Byte();
    return static_cast<int16_t>(low | (Byte() << 8));
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// splitmix64: NULL patterns and times, so they need no input bytes.
uint64_t Mix(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double FromBits(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

uint64_t Bits(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

const uint64_t kSpecialFloats[] = {
    0x7ff8000000000000ULL, 0xfff8000000000000ULL, 0x7ff0000000000002ULL,  // NaNs, stale marker
    0x7ff0000000000001ULL, 0x7ff4000000000000ULL, 0xffffffffffffffffULL,  // signalling, negative
    0x8000000000000000ULL, 0x0000000000000000ULL,                          // -0.0, 0.0
    0x7ff0000000000000ULL, 0xfff0000000000000ULL,                          // +-Inf
    0x0000000000000001ULL, 0x800fffffffffffffULL, 0x0010000000000000ULL,  // denormals, DBL_MIN
    0x7fefffffffffffffULL, 0x43e0000000000000ULL, 0xc3e0000000000000ULL,  // DBL_MAX, +-2^63
};

std::vector<double> MakeFloats(Input* in, int generator) {
  std::vector<double> out;
  double prev = 0;
  while (!in->empty()) {
    double v;
    switch (generator) {
      case 0:
        v = FromBits(in->U64());
        break;
      case 1:  // integers: decimal scale 0
        v = static_cast<int8_t>(in->Byte());
        break;
      case 2:  // two decimal digits
        v = in->I16() / 100.0;
        break;
      case 3:  // a gauge: running sum of halves
        v = prev + static_cast<int8_t>(in->Byte()) * 0.5;
        break;
      case 4:  // Gorilla-friendly: flip a few low mantissa bits
        v = FromBits(Bits(prev == 0 ? 1234.5678 : prev) ^ (uint64_t{in->Byte()} << (in->Byte() % 52)));
        break;
      default: {  // a mix, one selector byte per value
        uint8_t sel = in->Byte();
        switch (sel % 6) {
          case 0: v = prev; break;
          case 1: v = FromBits(in->U64()); break;
          case 2: v = FromBits(kSpecialFloats[(sel / 6) % (sizeof kSpecialFloats / 8)]); break;
          case 3: v = in->I16() / std::pow(10.0, (sel / 6) % 20); break;
          case 4: v = static_cast<int8_t>(in->Byte()); break;
          default: v = prev + static_cast<int8_t>(in->Byte()) * 0.25; break;
        }
      }
    }
    out.push_back(v);
    prev = v;
  }
  return out;
}

std::vector<int64_t> MakeInts(Input* in, int generator) {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> out;
  uint64_t prev = 0;
  uint64_t step = 0;
  while (!in->empty()) {
    uint64_t v;
    switch (generator) {
      case 0:
        v = in->U64();
        break;
      case 1:  // small values: plain packing
        v = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(in->Byte())));
        break;
      case 2:  // a counter: delta packing
        v = prev + in->Byte();
        break;
      case 3:  // regular times with jitter: delta-of-delta
        if (out.empty()) {
          v = in->U64() >> 8;
          step = 1 + in->Byte() * 1000;
        } else {
          v = prev + step + static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(in->Byte()) / 8));
        }
        break;
      default: {  // a mix including the extremes, whose deltas wrap
        uint8_t sel = in->Byte();
        switch (sel % 6) {
          case 0: v = prev; break;
          case 1: v = in->U64(); break;
          case 2: v = static_cast<uint64_t>((sel / 6) % 2 ? hi : lo); break;
          case 3: v = prev + static_cast<uint64_t>(static_cast<int64_t>(in->I16())); break;
          case 4: v = static_cast<uint64_t>(int64_t{static_cast<int8_t>(in->Byte())}); break;
          default: v = prev - in->Byte(); break;
        }
      }
    }
    out.push_back(static_cast<int64_t>(v));
    prev = v;
  }
  return out;
}

std::vector<std::string> MakeTexts(Input* in, int generator) {
  std::vector<std::string> out;
  while (!in->empty()) {
    uint8_t sel = in->Byte();
    if (generator % 2 == 0 && sel < 0x80 && !out.empty()) {
      out.push_back(out[sel % out.size()]);  // repeats: small dictionaries
      continue;
    }
    size_t len = generator >= 4 ? in->Byte() : sel % 16;
    std::string s;
    for (size_t i = 0; i < len && !in->empty(); i++) s.push_back(static_cast<char>(in->Byte()));
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<uint8_t> MakeBools(Input* in, int generator) {
  std::vector<uint8_t> out;
  while (!in->empty()) {
    uint8_t b = in->Byte();
    if (generator % 2 == 0) {
      for (int i = 0; i < 8; i++) out.push_back((b >> i) & 1);
    } else {
      out.push_back(b);  // any non-zero byte is true
    }
  }
  return out;
}

NullFlags MakeNulls(size_t n, uint8_t density, uint64_t* seed) {
  NullFlags nulls;
  if (density == 0) return nulls;
  nulls.resize(n);
  for (size_t i = 0; i < n; i++) nulls[i] = density == 255 || (Mix(seed) & 0xff) < density;
  return nulls;
}

bool RowIsNull(const NullFlags& nulls, size_t row) { return !nulls.empty() && nulls[row] != 0; }

size_t CountNulls(const NullFlags& nulls) {
  size_t n = 0;
  for (uint8_t f : nulls) n += f != 0;
  return n;
}

template <typename T>
void CheckRows(const std::vector<T>& want, const NullFlags& nulls, const tsdb::Column<T>& got) {
  Check(got.values.size() == want.size());
  Check(got.nulls.empty() || got.nulls.size() == want.size());
  for (size_t i = 0; i < want.size(); i++) {
    bool null = RowIsNull(nulls, i);
    Check(got.IsNull(i) == null);
    T expected = null ? T{} : want[i];
    Check(std::memcmp(&got.values[i], &expected, sizeof(T)) == 0);
  }
}

void CheckText(const std::vector<std::string>& want, const NullFlags& nulls,
               const tsdb::TextColumn& got) {
  Check(got.indices.size() == want.size());
  Check(got.nulls.empty() || got.nulls.size() == want.size());
  for (size_t i = 0; i < want.size(); i++) {
    bool null = RowIsNull(nulls, i);
    Check(got.IsNull(i) == null);
    if (null) {
      Check(got.indices[i] == 0);
    } else {
      Check(got.indices[i] < got.dictionary.size());
      Check(got.Value(i) == want[i]);
    }
  }
}

void CheckInfo(const std::string& chunk, ColumnType type, size_t rows, const NullFlags& nulls) {
  tsdb::Result<tsdb::ChunkInfo> info = tsdb::InspectChunk(chunk);
  Check(info.ok());
  Check(info->type == type);
  Check(info->row_count == rows);
  Check(info->null_count == CountNulls(nulls));
  Check(info->bytes == chunk.size());
}

// Postgres's float order: NaN above +Inf; -0.0 == 0.0.
bool FloatLess(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return a < b;
}

bool SameFloat(double got, double want) {
  return std::isnan(want) ? std::isnan(got) : got == want;
}

void CheckFloatMinMax(const tsdb::BlockColumnMeta& meta, const std::vector<double>& values,
                      const NullFlags& nulls) {
  if (!meta.has_min_max) return;
  bool any = false;
  double lo = 0, hi = 0;
  for (size_t i = 0; i < values.size(); i++) {
    if (RowIsNull(nulls, i)) continue;
    if (!any || FloatLess(values[i], lo)) lo = values[i];
    if (!any || FloatLess(hi, values[i])) hi = values[i];
    any = true;
  }
  Check(any);
  Check(SameFloat(meta.min_float, lo));
  Check(SameFloat(meta.max_float, hi));
}

template <typename T>
void CheckIntMinMax(const tsdb::BlockColumnMeta& meta, const std::vector<T>& values,
                    const NullFlags& nulls) {
  if (!meta.has_min_max) return;
  bool any = false;
  int64_t lo = 0, hi = 0;
  for (size_t i = 0; i < values.size(); i++) {
    if (RowIsNull(nulls, i)) continue;
    int64_t v = values[i];
    if (!any || v < lo) lo = v;
    if (!any || v > hi) hi = v;
    any = true;
  }
  Check(any);
  Check(meta.min_int == lo);
  Check(meta.max_int == hi);
}

// Times for the block's time column: regular, with duplicates and steps
// back now and then (blocks need not be sorted).
std::vector<int64_t> MakeTimes(size_t n, uint64_t* seed) {
  std::vector<int64_t> times(n);
  int64_t t = static_cast<int64_t>(Mix(seed) >> 12) - (int64_t{1} << 50);
  for (size_t i = 0; i < n; i++) {
    uint64_t r = Mix(seed);
    t += r % 16 == 0 ? -static_cast<int64_t>(r % 100000) : 15'000'000 + static_cast<int64_t>(r % 64);
    times[i] = t;
  }
  return times;
}

tsdb::BlockReader OpenBlock(tsdb::BlockBuilder* builder, std::string* bytes,
                            const std::vector<int64_t>& times, ColumnType type, size_t nulls) {
  tsdb::Result<std::string> block = builder->Finish();
  Check(block.ok());
  *bytes = *std::move(block);
  tsdb::Result<tsdb::BlockReader> reader = tsdb::BlockReader::Open(*bytes);
  Check(reader.ok());
  Check(reader->row_count() == times.size());
  Check(reader->column_count() == 2);
  Check(reader->has_time() && reader->time_column() == 0);
  int64_t lo = times[0], hi = times[0];
  for (int64_t t : times) {
    lo = t < lo ? t : lo;
    hi = t > hi ? t : hi;
  }
  Check(reader->min_time() == lo && reader->max_time() == hi);
  Check(reader->column(0).type == ColumnType::kTimestamp);
  Check(reader->column(0).null_count == 0);
  Check(reader->column(1).type == type);
  Check(reader->column(1).null_count == nulls);
  tsdb::Result<tsdb::Int64Column> time_col = reader->DecodeInt64(0);
  Check(time_col.ok());
  CheckRows(times, {}, *time_col);
  return *std::move(reader);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  uint8_t selector = in.Byte();
  int type = selector % 5;
  int generator = (selector / 5) % 8;
  uint8_t density = in.Byte();
  uint64_t seed = in.Byte();
  seed |= uint64_t{in.Byte()} << 8;

  tsdb::BlockBuilder builder(0);
  std::string block;
  size_t n = 0;
  NullFlags nulls;
  std::vector<int64_t> times;
  switch (type) {
    case 0: {
      std::vector<double> values = MakeFloats(&in, generator);
      n = values.size();
      nulls = MakeNulls(n, density, &seed);
      tsdb::Result<std::string> chunk = tsdb::EncodeFloat64Chunk(values, nulls);
      Check(chunk.ok());
      CheckInfo(*chunk, ColumnType::kFloat64, n, nulls);
      tsdb::Result<tsdb::Float64Column> col = tsdb::DecodeFloat64Chunk(*chunk);
      Check(col.ok());
      // Compare as bits: NaN payloads and the sign of zero must survive.
      std::vector<uint64_t> want(n);
      for (size_t i = 0; i < n; i++) want[i] = Bits(values[i]);
      tsdb::Column<uint64_t> got;
      for (double d : col->values) got.values.push_back(Bits(d));
      got.nulls = col->nulls;
      CheckRows(want, nulls, got);
      if (n == 0) break;
      times = MakeTimes(n, &seed);
      builder = tsdb::BlockBuilder(n);
      Check(builder.AddTime(times).ok());
      Check(builder.AddFloat64(values, nulls).ok());
      tsdb::BlockReader reader = OpenBlock(&builder, &block, times, ColumnType::kFloat64, CountNulls(nulls));
      tsdb::Result<tsdb::Float64Column> col2 = reader.DecodeFloat64(1);
      Check(col2.ok());
      Check(col2->values.size() == n &&
            std::memcmp(col2->values.data(), col->values.data(), n * sizeof(double)) == 0);
      for (size_t i = 0; i < n; i++) Check(col2->IsNull(i) == RowIsNull(nulls, i));
      CheckFloatMinMax(reader.column(1), values, nulls);
      break;
    }
    case 1:
    case 2: {
      ColumnType column_type = type == 1 ? ColumnType::kInt64 : ColumnType::kTimestamp;
      std::vector<int64_t> values = MakeInts(&in, generator);
      n = values.size();
      nulls = MakeNulls(n, density, &seed);
      tsdb::Result<std::string> chunk = tsdb::EncodeInt64Chunk(values, nulls, column_type);
      Check(chunk.ok());
      CheckInfo(*chunk, column_type, n, nulls);
      tsdb::Result<tsdb::Int64Column> col = tsdb::DecodeInt64Chunk(*chunk);
      Check(col.ok());
      CheckRows(values, nulls, *col);
      if (n == 0) break;
      // With no NULLs a timestamp column can be the time column itself.
      times = column_type == ColumnType::kTimestamp && nulls.empty() ? values : MakeTimes(n, &seed);
      builder = tsdb::BlockBuilder(n);
      Check(builder.AddTime(times).ok());
      Check(builder.AddInt64(values, nulls).ok());
      // BlockBuilder::AddInt64 stores kInt64; the time column is kTimestamp.
      tsdb::BlockReader reader =
          OpenBlock(&builder, &block, times, ColumnType::kInt64, CountNulls(nulls));
      tsdb::Result<tsdb::Int64Column> col2 = reader.DecodeInt64(1);
      Check(col2.ok());
      CheckRows(values, nulls, *col2);
      CheckIntMinMax(reader.column(1), values, nulls);
      break;
    }
    case 3: {
      std::vector<std::string> values = MakeTexts(&in, generator);
      std::vector<std::string_view> views(values.begin(), values.end());
      n = values.size();
      nulls = MakeNulls(n, density, &seed);
      tsdb::Result<std::string> chunk = tsdb::EncodeTextChunk(views, nulls);
      Check(chunk.ok());
      CheckInfo(*chunk, ColumnType::kText, n, nulls);
      tsdb::Result<tsdb::TextColumn> col = tsdb::DecodeTextChunk(*chunk);
      Check(col.ok());
      CheckText(values, nulls, *col);
      if (n == 0) break;
      times = MakeTimes(n, &seed);
      builder = tsdb::BlockBuilder(n);
      Check(builder.AddTime(times).ok());
      Check(builder.AddText(views, nulls).ok());
      tsdb::BlockReader reader = OpenBlock(&builder, &block, times, ColumnType::kText, CountNulls(nulls));
      Check(!reader.column(1).has_min_max);
      tsdb::Result<tsdb::TextColumn> col2 = reader.DecodeText(1);
      Check(col2.ok());
      CheckText(values, nulls, *col2);
      break;
    }
    default: {
      std::vector<uint8_t> values = MakeBools(&in, generator);
      n = values.size();
      nulls = MakeNulls(n, density, &seed);
      tsdb::Result<std::string> chunk = tsdb::EncodeBoolChunk(values, nulls);
      Check(chunk.ok());
      CheckInfo(*chunk, ColumnType::kBool, n, nulls);
      tsdb::Result<tsdb::BoolColumn> col = tsdb::DecodeBoolChunk(*chunk);
      Check(col.ok());
      std::vector<uint8_t> want(n);
      for (size_t i = 0; i < n; i++) want[i] = values[i] != 0;
      CheckRows(want, nulls, *col);
      if (n == 0) break;
      times = MakeTimes(n, &seed);
      builder = tsdb::BlockBuilder(n);
      Check(builder.AddTime(times).ok());
      Check(builder.AddBool(values, nulls).ok());
      tsdb::BlockReader reader = OpenBlock(&builder, &block, times, ColumnType::kBool, CountNulls(nulls));
      tsdb::Result<tsdb::BoolColumn> col2 = reader.DecodeBool(1);
      Check(col2.ok());
      CheckRows(want, nulls, *col2);
      CheckIntMinMax(reader.column(1), want, nulls);
      break;
    }
  }
  // An all-NULL column has no min and max.
  if (!block.empty() && n > 0 && CountNulls(nulls) == n) {
    tsdb::Result<tsdb::BlockReader> reader = tsdb::BlockReader::Open(block);
    Check(reader.ok() && !reader->column(1).has_min_max);
  }
  return 0;
}
