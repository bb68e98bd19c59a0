// Data set generators (descriptions and the reasons for each set:
// bench_data.h).
#include "bench_data.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

namespace tsdb {
namespace bench {
namespace {

// One seed for everything. Each set and chunk mixes in its own index, so
// adding a set leaves the others' numbers unchanged.
constexpr uint64_t kSeed = 0x7473646231ULL;  // "tsdb1"

constexpr double kPi = 3.14159265358979323846;

// Random numbers whose values depend only on the seed: mt19937_64's output
// sequence is fixed by the standard. The conversions below are ours (see
// bench_data.h for why).
class Random {
 public:
  Random(uint64_t set, uint64_t chunk)
      : gen_(kSeed ^ (set * 0x9E3779B97F4A7C15ULL) ^ (chunk * 0xBF58476D1CE4E5B9ULL)) {}

  // Uniform in [0, 1), 53 random bits.
  double Uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }

  // Uniform integer in [lo, hi]. The modulo bias (range / 2^64) is far too
  // small to matter for a benchmark.
  int64_t UniformInt(int64_t lo, int64_t hi) {
    const uint64_t range = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(gen_() % range);
  }

  // Standard normal by Box-Muller. Both outputs of a pair are used, so every
  // two calls cost one log, one sqrt, one sin and one cos.
  double Normal() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - Uniform();  // (0, 1]: log(0) would be -inf
    const double u2 = Uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2 * kPi * u2);
    have_spare_ = true;
    return r * std::cos(2 * kPi * u2);
  }

  // Poisson by Knuth's multiplication method: fine for the small means used
  // here (it costs O(lambda) uniforms).
  int64_t Poisson(double lambda) {
    const double limit = std::exp(-lambda);
    int64_t k = 0;
    double p = Uniform();
    while (p > limit) {
      ++k;
      p *= Uniform();
    }
    return k;
  }

 private:
  std::mt19937_64 gen_;
  bool have_spare_ = false;
  double spare_ = 0;
};

std::vector<double> TsbsCpuChunk(Random* rnd) {
  std::vector<double> out(kChunkValues);
  double state = rnd->Uniform() * 100;
  for (double& v : out) {
    v = std::floor(state);  // the first value is floor(state0)
    state = std::clamp(state + rnd->Normal(), 0.0, 100.0);
  }
  return out;
}

std::vector<double> CounterChunk(Random* rnd) {
  std::vector<double> out(kChunkValues);
  // Series differ in rate (0.5 to 50 events per tick) and in how long they
  // have been counting, as the request counters of different services do.
  const double rate = 0.5 + rnd->Uniform() * 49.5;
  double total = std::floor(rnd->Uniform() * 1e7);
  for (double& v : out) {
    total += static_cast<double>(rnd->Poisson(rate));
    v = total;
  }
  return out;
}

std::vector<double> Gauge2dpChunk(Random* rnd) {
  std::vector<double> out(kChunkValues);
  // A room temperature sampled every 10 s: 15-30 degrees, drifting by a few
  // hundredths per sample. The walk is kept unrounded; only the emitted
  // value is rounded, as a sensor with 0.01 resolution reports it.
  double state = 15 + rnd->Uniform() * 15;
  for (double& v : out) {
    state += rnd->Normal() * 0.05;
    // k / 100.0 is the double nearest the decimal k/100 (IEEE division is
    // correctly rounded), i.e. what parsing "23.17" gives.
    v = std::round(state * 100) / 100.0;
  }
  return out;
}

std::vector<double> RandomChunk(Random* rnd) {
  std::vector<double> out(kChunkValues);
  for (double& v : out) v = rnd->Uniform() * 100;
  return out;
}

std::vector<double> FloatWalkChunk(Random* rnd) {
  std::vector<double> out(kChunkValues);
  // A smooth full-precision signal (a computed rate, say): neighbours share
  // sign, exponent and the top mantissa bits, which is what XOR exploits,
  // and there is no decimal to find. tsdb's Gorilla path should win here.
  double state = rnd->Uniform() * 100;
  for (double& v : out) {
    v = state;
    state += rnd->Normal() * 0.01;
  }
  return out;
}

std::vector<double> ConstantChunk(Random* rnd) {
  // A full-precision constant, so no codec wins by treating it as a decimal.
  return std::vector<double>(kChunkValues, rnd->Uniform() * 100);
}

// Chunk c of a series covers [start + c * 1000 * 10 s, ...), so the chunks
// of a set are consecutive in time like the blocks of one series.
int64_t ChunkStart(size_t chunk) {
  return kTsbsStartMicros + static_cast<int64_t>(chunk * kChunkValues) * kIntervalMicros;
}

std::vector<int64_t> TsRegularChunk(Random*, size_t chunk) {
  std::vector<int64_t> out(kChunkValues);
  const int64_t start = ChunkStart(chunk);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = start + static_cast<int64_t>(i) * kIntervalMicros;
  return out;
}

// Jitter is added to each nominal time (not accumulated), as a scraper on a
// fixed schedule produces: late and early samples alternate at random.
std::vector<int64_t> JitteredChunk(Random* rnd, size_t chunk, int64_t max_jitter,
                                   int64_t resolution) {
  std::vector<int64_t> out(kChunkValues);
  const int64_t start = ChunkStart(chunk);
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t jitter = rnd->UniformInt(-max_jitter, max_jitter) * resolution;
    out[i] = start + static_cast<int64_t>(i) * kIntervalMicros + jitter;
  }
  return out;
}

template <typename T, typename Gen>
DataSet<std::vector<T>> Build(const char* name, uint64_t set_index, Gen gen) {
  DataSet<std::vector<T>> set;
  set.name = name;
  set.chunks.reserve(kChunksPerDataSet);
  for (size_t c = 0; c < kChunksPerDataSet; ++c) {
    Random rnd(set_index, c);
    set.chunks.push_back(gen(&rnd, c));
  }
  return set;
}

std::vector<FloatDataSet> BuildFloatDataSets() {
  std::vector<FloatDataSet> sets;
  auto add = [&sets](const char* name, std::vector<double> (*gen)(Random*)) {
    sets.push_back(
        Build<double>(name, sets.size() + 1, [gen](Random* rnd, size_t) { return gen(rnd); }));
  };
  add("tsbs_cpu", TsbsCpuChunk);
  add("counter", CounterChunk);
  add("gauge_2dp", Gauge2dpChunk);
  add("random", RandomChunk);
  add("float_walk", FloatWalkChunk);
  add("constant", ConstantChunk);
  return sets;
}

std::vector<TimestampDataSet> BuildTimestampDataSets() {
  std::vector<TimestampDataSet> sets;
  // Set indexes continue after the float sets' so no two sets share a seed.
  sets.push_back(Build<int64_t>("ts_regular", 101, TsRegularChunk));
  sets.push_back(Build<int64_t>(
      "ts_jitter", 102, [](Random* rnd, size_t c) { return JitteredChunk(rnd, c, 5000, 1); }));
  sets.push_back(Build<int64_t>(
      "ts_ms_jitter", 103, [](Random* rnd, size_t c) { return JitteredChunk(rnd, c, 5, 1000); }));
  return sets;
}

template <typename Set>
const Set& Find(const std::vector<Set>& sets, const std::string& name) {
  for (const Set& s : sets) {
    if (s.name == name) return s;
  }
  std::abort();  // a typo in a benchmark, not a condition to handle
}

}  // namespace

const std::vector<FloatDataSet>& FloatDataSets() {
  static const std::vector<FloatDataSet>* sets =
      new std::vector<FloatDataSet>(BuildFloatDataSets());
  return *sets;
}

const std::vector<TimestampDataSet>& TimestampDataSets() {
  static const std::vector<TimestampDataSet>* sets =
      new std::vector<TimestampDataSet>(BuildTimestampDataSets());
  return *sets;
}

const FloatDataSet& GetFloatDataSet(const std::string& name) { return Find(FloatDataSets(), name); }

const TimestampDataSet& GetTimestampDataSet(const std::string& name) {
  return Find(TimestampDataSets(), name);
}

}  // namespace bench
}  // namespace tsdb
