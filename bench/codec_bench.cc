// Codec benchmarks: tsdb's column-chunk codecs against the Gorilla baseline
// (gorilla_baseline.h) on the named data sets of bench_data.h.
//
// Benchmarks are named BM_{Encode,Decode}/<data set>/<codec>. One iteration
// encodes or decodes every chunk of the set (100 chunks of 1000 values).
// User counters:
//   bits_per_value  encoded bits / values, framing included: tsdb's chunk
//                   header and checksum, Gorilla's 2-byte count
//   ns_per_value    CPU time per value
//   items_per_second  values per second
// The label names the codec(s) tsdb chose, so a size can be explained.
//
// Before timing, every benchmark round-trips each chunk once and fails with
// SkipWithError unless the result is bit-exact. A fast codec that loses data
// must not show up as a result.
//
// Fairness notes. tsdb's API allocates a new buffer per encode and per
// decode, and its decoder verifies the chunk checksum. The Gorilla decoder
// writes into a reused vector and has no checksum. The baseline gets the
// cheaper deal, so a ratio in tsdb's favour is not an artefact of setup.
//
// Run: scripts/bench_codecs.sh (builds, runs 5 repetitions, prints a table).
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bench_data.h"
#include "benchmark/benchmark.h"
#include "gorilla_baseline.h"
#include "tsdb/block_format.h"
#include "tsdb/column_chunk.h"
#include "tsdb/status.h"

namespace tsdb {
namespace bench {
namespace {

// A chunk of a whole series (both columns), for the Prometheus-style
// comparison where Gorilla interleaves timestamps and values in one stream.
struct SeriesChunk {
  std::vector<int64_t> timestamps;
  std::vector<double> values;
};
using SeriesDataSet = DataSet<SeriesChunk>;

template <typename T>
bool SameBits(const std::vector<T>& a, const std::vector<T>& b) {
  // memcmp, not ==: NaN payloads and -0.0 must survive too.
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// Tallies the codecs tsdb chose over a set's chunks, e.g.
// "decimal/huffman x98 gorilla x2", for the benchmark label.
class CodecTally {
 public:
  void Add(std::string_view chunk) {
    Result<ChunkInfo> info = InspectChunk(chunk);
    if (!info.ok()) {
      ++counts_["uninspectable"];
      return;
    }
    ++counts_[CodecName(info->codec) + PackMode(info->detail)];
  }
  std::string ToString(const char* prefix = "") const {
    std::string out;
    for (const auto& [name, count] : counts_) {
      if (!out.empty()) out += ' ';
      out += prefix + name + " x" + std::to_string(count);
    }
    return out;
  }

 private:
  // The packing mode named in a chunk's detail ("scale=0 exceptions=0
  // deltas=huffman(9 symbols)" -> "/huffman"), since it decides decode
  // speed. The detail is for humans; if its wording changes, only the label
  // gets shorter.
  static std::string PackMode(const std::string& detail) {
    for (const char* mode : {"huffman", "bits", "varint", "zero"}) {
      if (detail.find(mode) != std::string::npos) return std::string("/") + mode;
    }
    return "";
  }

  std::map<std::string, int> counts_;
};

// Each codec is an adapter with the same static interface, so one pair of
// benchmark templates serves all of them:
//   Chunk, Encoded, Decoded      types
//   Encode(chunk, &encoded)      -> Status
//   Decode(encoded, &decoded)    -> Status
//   Equal(chunk, decoded)        bit-exact round trip?
//   Bytes(encoded)               stored size
//   Describe(encoded, &tally)    which codec was used (tsdb only)

struct TsdbFloat {
  using Chunk = std::vector<double>;
  using Encoded = std::string;
  using Decoded = std::vector<double>;
  static Status Encode(const Chunk& chunk, Encoded* out) {
    Result<std::string> r = EncodeFloat64Chunk(chunk);
    if (!r.ok()) return r.status();
    *out = std::move(r).value();
    return Status();
  }
  static Status Decode(const Encoded& in, Decoded* out) {
    Result<Float64Column> r = DecodeFloat64Chunk(in);
    if (!r.ok()) return r.status();
    if (!r->nulls.empty()) return Corruption("decoded chunk has NULLs; none were encoded");
    *out = std::move(r->values);
    return Status();
  }
  static bool Equal(const Chunk& chunk, const Decoded& d) { return SameBits(chunk, d); }
  static size_t Bytes(const Encoded& e) { return e.size(); }
  static void Describe(const Encoded& e, CodecTally* tally) { tally->Add(e); }
};

struct TsdbTimestamp {
  using Chunk = std::vector<int64_t>;
  using Encoded = std::string;
  using Decoded = std::vector<int64_t>;
  static Status Encode(const Chunk& chunk, Encoded* out) {
    Result<std::string> r = EncodeInt64Chunk(chunk, {}, ColumnType::kTimestamp);
    if (!r.ok()) return r.status();
    *out = std::move(r).value();
    return Status();
  }
  static Status Decode(const Encoded& in, Decoded* out) {
    Result<Int64Column> r = DecodeInt64Chunk(in);
    if (!r.ok()) return r.status();
    if (!r->nulls.empty()) return Corruption("decoded chunk has NULLs; none were encoded");
    *out = std::move(r->values);
    return Status();
  }
  static bool Equal(const Chunk& chunk, const Decoded& d) { return SameBits(chunk, d); }
  static size_t Bytes(const Encoded& e) { return e.size(); }
  static void Describe(const Encoded& e, CodecTally* tally) { tally->Add(e); }
};

// A series as tsdb stores it: one timestamp chunk and one value chunk.
struct TsdbSeries {
  using Chunk = SeriesChunk;
  struct Encoded {
    std::string timestamps;
    std::string values;
  };
  using Decoded = SeriesChunk;
  static Status Encode(const Chunk& chunk, Encoded* out) {
    TSDB_RETURN_IF_ERROR(TsdbTimestamp::Encode(chunk.timestamps, &out->timestamps));
    return TsdbFloat::Encode(chunk.values, &out->values);
  }
  static Status Decode(const Encoded& in, Decoded* out) {
    TSDB_RETURN_IF_ERROR(TsdbTimestamp::Decode(in.timestamps, &out->timestamps));
    return TsdbFloat::Decode(in.values, &out->values);
  }
  static bool Equal(const Chunk& chunk, const Decoded& d) {
    return SameBits(chunk.timestamps, d.timestamps) && SameBits(chunk.values, d.values);
  }
  static size_t Bytes(const Encoded& e) { return e.timestamps.size() + e.values.size(); }
  static void Describe(const Encoded& e, CodecTally* tally) {
    // Only the value codec varies between series sets worth labelling.
    tally->Add(e.values);
  }
};

struct GorillaFloat {
  using Chunk = std::vector<double>;
  using Encoded = std::vector<uint8_t>;
  using Decoded = std::vector<double>;
  static Status Encode(const Chunk& chunk, Encoded* out) {
    *out = GorillaEncodeValues(chunk.data(), chunk.size());
    return Status();
  }
  static Status Decode(const Encoded& in, Decoded* out) {
    if (!GorillaDecodeValues(in.data(), in.size(), out)) {
      return Corruption("gorilla value stream of %d bytes did not decode", in.size());
    }
    return Status();
  }
  static bool Equal(const Chunk& chunk, const Decoded& d) { return SameBits(chunk, d); }
  static size_t Bytes(const Encoded& e) { return e.size(); }
  static void Describe(const Encoded&, CodecTally*) {}
};

struct GorillaTimestamp {
  using Chunk = std::vector<int64_t>;
  using Encoded = std::vector<uint8_t>;
  using Decoded = std::vector<int64_t>;
  static Status Encode(const Chunk& chunk, Encoded* out) {
    *out = GorillaEncodeTimestamps(chunk.data(), chunk.size());
    return Status();
  }
  static Status Decode(const Encoded& in, Decoded* out) {
    if (!GorillaDecodeTimestamps(in.data(), in.size(), out)) {
      return Corruption("gorilla timestamp stream of %d bytes did not decode", in.size());
    }
    return Status();
  }
  static bool Equal(const Chunk& chunk, const Decoded& d) { return SameBits(chunk, d); }
  static size_t Bytes(const Encoded& e) { return e.size(); }
  static void Describe(const Encoded&, CodecTally*) {}
};

struct GorillaSeries {
  using Chunk = SeriesChunk;
  using Encoded = std::vector<uint8_t>;
  using Decoded = SeriesChunk;
  static Status Encode(const Chunk& chunk, Encoded* out) {
    *out = GorillaEncodeSeries(chunk.timestamps.data(), chunk.values.data(), chunk.values.size());
    return Status();
  }
  static Status Decode(const Encoded& in, Decoded* out) {
    if (!GorillaDecodeSeries(in.data(), in.size(), &out->timestamps, &out->values)) {
      return Corruption("gorilla series stream of %d bytes did not decode", in.size());
    }
    return Status();
  }
  static bool Equal(const Chunk& chunk, const Decoded& d) { return TsdbSeries::Equal(chunk, d); }
  static size_t Bytes(const Encoded& e) { return e.size(); }
  static void Describe(const Encoded&, CodecTally*) {}
};

size_t ChunkValues(const std::vector<double>& c) { return c.size(); }
size_t ChunkValues(const std::vector<int64_t>& c) { return c.size(); }
size_t ChunkValues(const SeriesChunk& c) { return c.values.size(); }

template <typename Chunk>
size_t ValueCount(const DataSet<Chunk>& set) {
  size_t n = 0;
  for (const Chunk& c : set.chunks) n += ChunkValues(c);
  return n;
}

// Encodes every chunk of the set into *encoded and checks that each decodes
// back bit for bit. On failure, fails the benchmark and returns false.
template <typename Codec>
bool EncodeAndVerify(benchmark::State& state, const DataSet<typename Codec::Chunk>& set,
                     std::vector<typename Codec::Encoded>* encoded) {
  encoded->resize(set.chunks.size());
  size_t bytes = 0;
  CodecTally tally;
  typename Codec::Decoded decoded;
  for (size_t i = 0; i < set.chunks.size(); ++i) {
    Status s = Codec::Encode(set.chunks[i], &(*encoded)[i]);
    if (s.ok()) s = Codec::Decode((*encoded)[i], &decoded);
    if (!s.ok()) {
      state.SkipWithError(("chunk " + std::to_string(i) + ": " + s.ToString()).c_str());
      return false;
    }
    if (!Codec::Equal(set.chunks[i], decoded)) {
      state.SkipWithError(
          ("chunk " + std::to_string(i) + " did not round-trip bit-exactly").c_str());
      return false;
    }
    bytes += Codec::Bytes((*encoded)[i]);
    Codec::Describe((*encoded)[i], &tally);
  }
  const size_t values = ValueCount(set);
  state.counters["bits_per_value"] = 8.0 * static_cast<double>(bytes) / static_cast<double>(values);
  state.SetLabel(tally.ToString());
  return true;
}

void SetSpeedCounters(benchmark::State& state, size_t values_per_iteration) {
  const double values = static_cast<double>(values_per_iteration);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(values_per_iteration));
  // Benchmark's rate counters give values per second. Scaling the count by
  // 1e-9 and inverting turns that into nanoseconds per value.
  state.counters["ns_per_value"] = benchmark::Counter(
      values * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

template <typename Codec>
void BM_Encode(benchmark::State& state, const DataSet<typename Codec::Chunk>* set) {
  std::vector<typename Codec::Encoded> encoded;
  if (!EncodeAndVerify<Codec>(state, *set, &encoded)) return;
  for (auto _ : state) {
    for (size_t i = 0; i < set->chunks.size(); ++i) {
      Status s = Codec::Encode(set->chunks[i], &encoded[i]);
      benchmark::DoNotOptimize(s.ok());
    }
    benchmark::ClobberMemory();
  }
  SetSpeedCounters(state, ValueCount(*set));
}

template <typename Codec>
void BM_Decode(benchmark::State& state, const DataSet<typename Codec::Chunk>* set) {
  std::vector<typename Codec::Encoded> encoded;
  if (!EncodeAndVerify<Codec>(state, *set, &encoded)) return;
  typename Codec::Decoded decoded;
  for (auto _ : state) {
    for (const auto& e : encoded) {
      Status s = Codec::Decode(e, &decoded);
      benchmark::DoNotOptimize(s.ok());
      benchmark::DoNotOptimize(&decoded);  // with its memory clobber: the values count
    }
    benchmark::ClobberMemory();
  }
  SetSpeedCounters(state, ValueCount(*set));
}

// Whole-series sets pair a timestamp set with a value set chunk by chunk.
SeriesDataSet MakeSeriesDataSet(const char* name, const TimestampDataSet& ts,
                                const FloatDataSet& values) {
  SeriesDataSet set;
  set.name = name;
  for (size_t i = 0; i < ts.chunks.size() && i < values.chunks.size(); ++i) {
    set.chunks.push_back(SeriesChunk{ts.chunks[i], values.chunks[i]});
  }
  return set;
}

const std::vector<SeriesDataSet>& SeriesDataSets() {
  static const std::vector<SeriesDataSet>* sets = new std::vector<SeriesDataSet>{
      // TSBS as stored: regular 10 s timestamps, one cpu field.
      MakeSeriesDataSet("tsbs_series", GetTimestampDataSet("ts_regular"),
                        GetFloatDataSet("tsbs_cpu")),
      // A Prometheus-scraped counter: millisecond scrape jitter.
      MakeSeriesDataSet("prom_counter_series", GetTimestampDataSet("ts_ms_jitter"),
                        GetFloatDataSet("counter")),
  };
  return *sets;
}

// The XOR path itself: the chunks of the non-decimal value sets that tsdb's
// encoder puts on Gorilla (the others go raw or decimal), so that decode
// speed on exactly those chunks compares with the baseline's.
const FloatDataSet& XorPathDataSet() {
  static const FloatDataSet* set = [] {
    auto* xor_set = new FloatDataSet;
    xor_set->name = "xor_path";
    for (const char* source : {"float_walk", "random"}) {
      for (const std::vector<double>& chunk : GetFloatDataSet(source).chunks) {
        Result<std::string> encoded = EncodeFloat64Chunk(chunk);
        if (!encoded.ok()) continue;
        Result<ChunkInfo> info = InspectChunk(*encoded);
        if (info.ok() && info->codec == Codec::kFloatGorilla) xor_set->chunks.push_back(chunk);
      }
    }
    return xor_set;
  }();
  return *set;
}

template <typename TsdbCodec, typename GorillaCodec, typename Set>
void RegisterPair(const Set& set) {
  const std::string base = "/" + set.name + "/";
  benchmark::RegisterBenchmark(("BM_Encode" + base + "tsdb").c_str(), BM_Encode<TsdbCodec>, &set);
  benchmark::RegisterBenchmark(("BM_Encode" + base + "gorilla").c_str(), BM_Encode<GorillaCodec>,
                               &set);
  benchmark::RegisterBenchmark(("BM_Decode" + base + "tsdb").c_str(), BM_Decode<TsdbCodec>, &set);
  benchmark::RegisterBenchmark(("BM_Decode" + base + "gorilla").c_str(), BM_Decode<GorillaCodec>,
                               &set);
}

void RegisterAll() {
  for (const FloatDataSet& set : FloatDataSets()) RegisterPair<TsdbFloat, GorillaFloat>(set);
  RegisterPair<TsdbFloat, GorillaFloat>(XorPathDataSet());
  for (const TimestampDataSet& set : TimestampDataSets()) {
    RegisterPair<TsdbTimestamp, GorillaTimestamp>(set);
  }
  for (const SeriesDataSet& set : SeriesDataSets()) RegisterPair<TsdbSeries, GorillaSeries>(set);
}

// As LevelDB's db_bench does: numbers from an unoptimised or assert-enabled
// build are not worth comparing, so say so where the numbers appear. The
// flags are recorded in the JSON context too, for scripts.
void ReportBuild() {
#if defined(__OPTIMIZE__)
  const bool optimized = true;
#else
  const bool optimized = false;
  std::fprintf(stderr, "WARNING: Optimization is disabled: benchmarks unnecessarily slow\n");
#endif
#if defined(NDEBUG)
  const bool assertions = false;
#else
  const bool assertions = true;
  std::fprintf(stderr, "WARNING: Assertions are enabled; benchmarks unnecessarily slow\n");
#endif
  benchmark::AddCustomContext("tsdb_optimized", optimized ? "true" : "false");
  benchmark::AddCustomContext("tsdb_assertions", assertions ? "true" : "false");
  benchmark::AddCustomContext("tsdb_chunk_values", std::to_string(kChunkValues));
  benchmark::AddCustomContext("tsdb_chunks_per_set", std::to_string(kChunksPerDataSet));
}

}  // namespace
}  // namespace bench
}  // namespace tsdb

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  tsdb::bench::ReportBuild();
  tsdb::bench::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
