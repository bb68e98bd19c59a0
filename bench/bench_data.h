// Named, deterministic data sets for the codec benchmarks, each a set of
// 1000-value chunks with one series per chunk (a column chunk never mixes
// series, so neither does the benchmark).
//
// The generators use std::mt19937_64 with fixed seeds. They turn its raw
// 64-bit outputs into numbers themselves: uniform doubles from the top 53
// bits, normals by Box-Muller. The standard distributions are not specified
// bit for bit, so they would give other data, and other sizes, on another
// standard library.
//
// Float data sets:
//   tsbs_cpu    TSBS cpu-only, one field (TSBS.md): state0 ~ U[0,100), each
//               tick state += N(0,1) clamped to [0,100], emitted floor(state)
//   counter     a monotonic counter of whole numbers stored as float8, like a
//               Prometheus *_total series: Poisson increments per tick
//   gauge_2dp   a temperature-like random walk rounded to 0.01 (the decimal
//               path: 23.17 is not exact in binary)
//   random      uniform doubles in [0,100) with all 52 mantissa bits used
//               (nothing to exploit but XOR; the Gorilla path's worst case)
//   float_walk  a full-precision random walk with small steps: XOR finds
//               shared high bits, no decimal scale fits (the Gorilla path's
//               typical case; "random" may fall back to raw)
//   constant    one value repeated
// Timestamp data sets (int64 microseconds since 2000-01-01, Postgres's
// epoch, starting 2016-01-01 as TSBS does):
//   ts_regular     every 10 s exactly
//   ts_jitter      every 10 s, each point off by U{-5000..5000} us
//   ts_ms_jitter   every 10 s, off by U{-5..5} ms (whole milliseconds, as a
//                  Prometheus scrape timestamp stored in microseconds)
//
// Thread safety: the accessors build the sets once (thread-safe static
// initialisation) and return them read-only.
#ifndef TSDB_BENCH_BENCH_DATA_H_
#define TSDB_BENCH_BENCH_DATA_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tsdb {
namespace bench {

// Values per chunk: the chunk size the targets are stated for.
inline constexpr size_t kChunkValues = 1000;
// Chunks (series) per data set, so one lucky series does not decide a result.
inline constexpr size_t kChunksPerDataSet = 100;
// 2016-01-01T00:00:00Z in microseconds since 2000-01-01 (5844 days).
inline constexpr int64_t kTsbsStartMicros = int64_t{5844} * 86400 * 1000000;
// TSBS's sampling interval.
inline constexpr int64_t kIntervalMicros = 10 * 1000000;

// T is one chunk: a vector of values, or a struct of columns.
template <typename T>
struct DataSet {
  std::string name;
  std::vector<T> chunks;  // kChunksPerDataSet chunks of kChunkValues values
};
using FloatDataSet = DataSet<std::vector<double>>;
using TimestampDataSet = DataSet<std::vector<int64_t>>;

// All float data sets, in the order listed above.
const std::vector<FloatDataSet>& FloatDataSets();
// All timestamp data sets, in the order listed above.
const std::vector<TimestampDataSet>& TimestampDataSets();

// The set with that name. REQUIRES: it exists.
const FloatDataSet& GetFloatDataSet(const std::string& name);
const TimestampDataSet& GetTimestampDataSet(const std::string& name);

}  // namespace bench
}  // namespace tsdb

#endif  // TSDB_BENCH_BENCH_DATA_H_
