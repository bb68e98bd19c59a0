// TSBS-like "cpu-only" data generator, written from ../shared/bench/TSBS.md
// (no TSBS code). Writes CSV for COPY ... FROM STDIN (FORMAT csv) on stdout,
// or with --binary COPY's binary format for COPY ... (FORMAT binary); or the
// same data as Prometheus series (scripts/bench_promql.sh).
//
//   tsdb_tsbs_generate [--size XS|S|M|L | --hosts N --hours H] [--seed S]
//                      [--format tags|heap|wide|openmetrics|metrics|samples]
//                      [--binary] [--part K/N] [--count]
//                      [--series-ids FILE] [--ticks all|first|rest]
//
//   --size     XS 100 hosts x 24 h, S 1000 x 24 h, M 4000 x 24 h, L 4000 x 72 h
//              (default XS); --hosts and --hours override either half
//   --format   tags: the tags table, one row per host:
//                id (1-based), hostname, region, datacenter, rack, os, arch,
//                team, service, service_version, service_environment
//              heap: the heap baseline's cpu rows (default):
//                time, tags_id, usage_user .. usage_guest_nice, additional_tags
//                (always empty, i.e. NULL)
//              wide: hostname in the table (the form a tsdb table uses):
//                time, hostname, usage_user .. usage_guest_nice
//              The Prometheus formats hold per host 11 series: the 10 fields
//              as gauges cpu_usage_user .. cpu_usage_guest_nice, and the
//              counter cpu_usage_user_total, the running sum of usage_user
//              (so that rate() has a counter to work on). Labels: __name__,
//              hostname and the 9 tags, named as in the tags table.
//              openmetrics: OpenMetrics text for `promtool tsdb
//                create-blocks-from openmetrics`: per metric family a
//                `# TYPE` line (gauge; the counter's family is typed
//                unknown, since a counter family may not carry the
//                _total suffix in its own name), its samples series by
//                series in time order, timestamps in seconds, `# EOF` last
//              metrics: text rows for COPY tsdb.metrics (labels, time, value)
//                FROM STDIN: labels as a jsonb object, series by series
//              samples: binary rows for COPY tsdb.prom_samples (series_id,
//                time, value) FROM STDIN (FORMAT binary), series by series;
//                needs --series-ids
//   --binary   COPY's binary format (heap and wide only): time as
//              timestamptz, tags_id int4, fields float8, additional_tags NULL
//   --part K/N only hosts whose index % N == K (still epoch-major), so that N
//              sessions can load disjoint parts in parallel
//   --count    print the number of rows the other flags would produce, and
//              nothing else (for openmetrics: samples)
//   --series-ids FILE  (samples) the series ids, one series a line:
//              id TAB metric name TAB hostname, as
//              `SELECT id, metric_name, labels->>'hostname' FROM
//              tsdb.prom_series_labels` prints them; every generated series
//              must be there
//   --ticks    (metrics, samples) all samples (default), only each series'
//              first, or all but the first: load the first through
//              tsdb.metrics, which creates the series, then the rest by id
//
// Determinism: every host has its own std::mt19937_64, seeded from --seed and
// the host index, and draws its tags, then its 10 initial states, then 10
// normal steps per tick, in that order. So a host's rows are the same
// whatever --part or --format selects, and the same on every run: the
// engine's output sequence is fixed by the standard, and the conversions to
// uniform and normal variates below are ours (std::*_distribution are not
// specified bit for bit).
//
// Rows: one per host every 10 s from 2016-01-01T00:00:00Z, epoch-major then
// host order (the Prometheus formats: series-major). Each field starts at
// state0 ~ U[0,100); a row emits floor(state), then state += N(0,1), clamped
// to [0,100]. So the first row of a host holds floor(state0), as in
// bench/bench_data.cc's tsbs_cpu set.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

namespace tsdb {
namespace tsbs {
namespace {

constexpr int kFields = 10;
constexpr int64_t kIntervalSeconds = 10;
constexpr int64_t kStartEpochSeconds = 1451606400;  // 2016-01-01T00:00:00Z

// Tag value sets (TSBS.md). Each region has its own 2 to 4 datacenters.
struct Region {
  const char* name;
  const char* datacenters[4];
  int datacenter_count;
};
constexpr Region kRegions[] = {
    {"us-east-1", {"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"}, 4},
    {"us-west-1", {"us-west-1a", "us-west-1b"}, 2},
    {"us-west-2", {"us-west-2a", "us-west-2b", "us-west-2c"}, 3},
    {"eu-west-1", {"eu-west-1a", "eu-west-1b", "eu-west-1c"}, 3},
    {"eu-central-1", {"eu-central-1a", "eu-central-1b"}, 2},
    {"ap-southeast-1", {"ap-southeast-1a", "ap-southeast-1b"}, 2},
    {"ap-southeast-2", {"ap-southeast-2a", "ap-southeast-2b"}, 2},
    {"ap-northeast-1", {"ap-northeast-1a", "ap-northeast-1c"}, 2},
    {"sa-east-1", {"sa-east-1a", "sa-east-1b", "sa-east-1c"}, 3},
};
constexpr const char* kOs[] = {"Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"};
constexpr const char* kArch[] = {"x64", "x86"};
constexpr const char* kTeam[] = {"SF", "NYC", "LON", "CHI"};
constexpr const char* kEnvironment[] = {"production", "staging", "test"};
constexpr int kRacks = 100;     // "0".."99"
constexpr int kServices = 20;   // "0".."19"
constexpr int kServiceVersions = 2;  // "0", "1"

template <typename T, size_t N>
constexpr int Count(const T (&)[N]) {
  return static_cast<int>(N);
}

// splitmix64's finaliser: spreads (seed, host) over the whole seed space so
// that neighbouring hosts get unrelated engine states.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// One host's random numbers: conversions written here so that the output
// depends on nothing but the seed.
class Random {
 public:
  Random(uint64_t seed, uint64_t host) : gen_(Mix(Mix(seed) ^ host)) {}

  // Uniform in [0, 1), 53 random bits.
  double Uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n). The modulo bias (n / 2^64) is immaterial.
  int UniformIndex(int n) { return static_cast<int>(gen_() % static_cast<uint64_t>(n)); }

  // Standard normal by Box-Muller in Marsaglia's polar form: one log and one
  // sqrt per pair and no sin/cos, which keeps size S well under the time
  // COPY takes. Both outputs of a pair are used.
  double Normal() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * Uniform() - 1.0;
      v = 2.0 * Uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    have_spare_ = true;
    return u * f;
  }

 private:
  std::mt19937_64 gen_;
  bool have_spare_ = false;
  double spare_ = 0;
};

struct Tags {
  int region;
  int datacenter;
  int rack;
  int os;
  int arch;
  int team;
  int service;
  int service_version;
  int environment;
};

// Draws the tags first, in a fixed order; the fields' draws follow.
Tags DrawTags(Random* rnd) {
  Tags t;
  t.region = rnd->UniformIndex(Count(kRegions));
  t.datacenter = rnd->UniformIndex(kRegions[t.region].datacenter_count);
  t.rack = rnd->UniformIndex(kRacks);
  t.os = rnd->UniformIndex(Count(kOs));
  t.arch = rnd->UniformIndex(Count(kArch));
  t.team = rnd->UniformIndex(Count(kTeam));
  t.service = rnd->UniformIndex(kServices);
  t.service_version = rnd->UniformIndex(kServiceVersions);
  t.environment = rnd->UniformIndex(Count(kEnvironment));
  return t;
}

struct Host {
  Host(uint64_t seed, int64_t index) : rnd(seed, static_cast<uint64_t>(index)) {
    tags = DrawTags(&rnd);
    for (double& s : state) s = rnd.Uniform() * 100;
  }
  Random rnd;
  Tags tags;
  double state[kFields];
};

// Buffered stdout: one fwrite per kFlushAt bytes. A row is at most ~300
// bytes, so the slack after kFlushAt is never reached.
class Output {
 public:
  Output() : buf_(kFlushAt + 4096) {}
  ~Output() { Flush(); }

  void Bytes(const char* p, size_t n) {
    std::memcpy(&buf_[len_], p, n);
    len_ += n;
  }
  void Str(std::string_view s) { Bytes(s.data(), s.size()); }
  void Char(char c) { buf_[len_++] = c; }
  void Int(int64_t v) {
    const auto r = std::to_chars(&buf_[len_], &buf_[len_] + 24, v);
    len_ = static_cast<size_t>(r.ptr - buf_.data());
  }
  // 0..100: the fields' only values.
  void Small(int v) {
    if (v >= 100) {
      Bytes("100", 3);
    } else if (v >= 10) {
      buf_[len_] = static_cast<char>('0' + v / 10);
      buf_[len_ + 1] = static_cast<char>('0' + v % 10);
      len_ += 2;
    } else {
      buf_[len_++] = static_cast<char>('0' + v);
    }
  }
  // Big-endian integers, as COPY's binary format has them.
  template <typename T>
  void BigEndian(T v) {
    const uint64_t u = static_cast<uint64_t>(v);
    for (int shift = 8 * (sizeof(T) - 1); shift >= 0; shift -= 8) {
      buf_[len_++] = static_cast<char>((u >> shift) & 0xff);
    }
  }
  void EndBinaryRow() {
    if (len_ >= kFlushAt) Flush();
  }
  void EndRow() {
    buf_[len_++] = '\n';
    if (len_ >= kFlushAt) Flush();
  }
  void Flush() {
    if (len_ > 0 && std::fwrite(buf_.data(), 1, len_, stdout) != len_) {
      std::perror("tsdb_tsbs_generate: write");  // e.g. the reader (psql) failed
      std::exit(1);
    }
    len_ = 0;
  }

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  std::vector<char> buf_;
  size_t len_ = 0;
};

// "YYYY-MM-DD HH:MM:SS+00" for seconds since 1970 (proleptic Gregorian;
// days-to-civil after Howard Hinnant's published algorithm).
std::string FormatTime(int64_t epoch_seconds) {
  const int64_t days = epoch_seconds / 86400;  // the range is all after 1970
  const int64_t secs = epoch_seconds % 86400;
  const int64_t z = days + 719468;
  const int64_t era = z / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char out[64];  // 23 bytes for any year up to 9999
  std::snprintf(out, sizeof out, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld+00",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return out;
}

enum class Format { kTags, kHeap, kWide, kOpenMetrics, kMetrics, kSamples };
enum class Ticks { kAll, kFirst, kRest };

struct Options {
  int64_t hosts = 100;
  int64_t hours = 24;
  uint64_t seed = 1;
  Format format = Format::kHeap;
  int64_t part = 0;
  int64_t parts = 1;
  bool count = false;
  bool binary = false;
  std::string series_ids;  // --series-ids FILE
  Ticks ticks = Ticks::kAll;
};

bool IsProm(Format f) {
  return f == Format::kOpenMetrics || f == Format::kMetrics || f == Format::kSamples;
}

[[noreturn]] void Usage(const std::string& error) {
  std::fprintf(stderr,
               "tsdb_tsbs_generate: %s\n"
               "usage: tsdb_tsbs_generate [--size XS|S|M|L | --hosts N --hours H] [--seed S]\n"
               "                          [--format tags|heap|wide|openmetrics|metrics|samples]\n"
               "                          [--binary] [--part K/N] [--count]\n"
               "                          [--series-ids FILE] [--ticks all|first|rest]\n",
               error.c_str());
  std::exit(2);
}

bool ParseInt(std::string_view s, int64_t* out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  int64_t hosts = -1, hours = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--count") {
      o.count = true;
      continue;
    }
    if (flag == "--binary") {
      o.binary = true;
      continue;
    }
    if (i + 1 >= argc) Usage("missing value after " + std::string(flag));
    const std::string_view value = argv[++i];
    const std::string what = std::string(flag) + " " + std::string(value);
    if (flag == "--size") {
      if (value == "XS") {
        o.hosts = 100, o.hours = 24;
      } else if (value == "S") {
        o.hosts = 1000, o.hours = 24;
      } else if (value == "M") {
        o.hosts = 4000, o.hours = 24;
      } else if (value == "L") {
        o.hosts = 4000, o.hours = 72;
      } else {
        Usage("unknown size in " + what + " (expected XS, S, M or L)");
      }
    } else if (flag == "--hosts") {
      if (!ParseInt(value, &hosts) || hosts < 1 || hosts > 100000000) {
        Usage("bad " + what + " (expected 1..100000000)");
      }
    } else if (flag == "--hours") {
      if (!ParseInt(value, &hours) || hours < 1 || hours > 24 * 366 * 100) {
        Usage("bad " + what + " (expected 1..876000)");
      }
    } else if (flag == "--seed") {
      int64_t seed;
      if (!ParseInt(value, &seed) || seed < 0) Usage("bad " + what + " (expected an integer >= 0)");
      o.seed = static_cast<uint64_t>(seed);
    } else if (flag == "--format") {
      if (value == "tags") {
        o.format = Format::kTags;
      } else if (value == "heap") {
        o.format = Format::kHeap;
      } else if (value == "wide") {
        o.format = Format::kWide;
      } else if (value == "openmetrics") {
        o.format = Format::kOpenMetrics;
      } else if (value == "metrics") {
        o.format = Format::kMetrics;
      } else if (value == "samples") {
        o.format = Format::kSamples;
      } else {
        Usage("unknown format in " + what +
              " (expected tags, heap, wide, openmetrics, metrics or samples)");
      }
    } else if (flag == "--series-ids") {
      o.series_ids = std::string(value);
    } else if (flag == "--ticks") {
      if (value == "all") {
        o.ticks = Ticks::kAll;
      } else if (value == "first") {
        o.ticks = Ticks::kFirst;
      } else if (value == "rest") {
        o.ticks = Ticks::kRest;
      } else {
        Usage("unknown ticks in " + what + " (expected all, first or rest)");
      }
    } else if (flag == "--part") {
      const size_t slash = value.find('/');
      if (slash == std::string_view::npos || !ParseInt(value.substr(0, slash), &o.part) ||
          !ParseInt(value.substr(slash + 1), &o.parts) || o.parts < 1 || o.part < 0 ||
          o.part >= o.parts) {
        Usage("bad " + what + " (expected K/N with 0 <= K < N)");
      }
    } else {
      Usage("unknown flag " + std::string(flag));
    }
  }
  if (hosts > 0) o.hosts = hosts;
  if (hours > 0) o.hours = hours;
  if (o.binary && o.format != Format::kHeap && o.format != Format::kWide) {
    Usage("--binary is for --format heap or wide (samples is always binary)");
  }
  if (o.format == Format::kSamples && o.series_ids.empty() && !o.count) {
    Usage("--format samples needs --series-ids FILE");
  }
  if (o.ticks != Ticks::kAll && o.format != Format::kMetrics && o.format != Format::kSamples) {
    Usage("--ticks is for --format metrics or samples");
  }
  return o;
}

void WriteTags(const Options& o, const std::vector<int64_t>& indices, Output* out) {
  for (const int64_t h : indices) {
    Random rnd(o.seed, static_cast<uint64_t>(h));
    const Tags t = DrawTags(&rnd);
    const Region& region = kRegions[t.region];
    out->Int(h + 1);
    out->Str(",host_");
    out->Int(h);
    out->Char(',');
    out->Str(region.name);
    out->Char(',');
    out->Str(region.datacenters[t.datacenter]);
    out->Char(',');
    out->Int(t.rack);
    out->Char(',');
    out->Str(kOs[t.os]);
    out->Char(',');
    out->Str(kArch[t.arch]);
    out->Char(',');
    out->Str(kTeam[t.team]);
    out->Char(',');
    out->Int(t.service);
    out->Char(',');
    out->Int(t.service_version);
    out->Char(',');
    out->Str(kEnvironment[t.environment]);
    out->EndRow();
  }
}

// COPY's binary format (the COPY documentation, "Binary Format"): a header,
// per row a field count and (length, bytes) per field, -1 for NULL, then -1.
constexpr char kBinarySignature[] = "PGCOPY\n\377\r\n";  // and a NUL: 11 bytes
constexpr int64_t kPostgresEpochOffsetSeconds = 946684800;  // 2000-01-01 - 1970-01-01

void WriteBinaryRows(const Options& o, const std::vector<int64_t>& indices, Output* out) {
  out->Bytes(kBinarySignature, 11);
  out->BigEndian<int32_t>(0);  // flags
  out->BigEndian<int32_t>(0);  // header extension length
  std::vector<Host> hosts;
  hosts.reserve(indices.size());
  std::vector<std::string> hostnames;
  for (const int64_t h : indices) {
    hosts.emplace_back(o.seed, h);
    hostnames.push_back("host_" + std::to_string(h));
  }
  const bool heap = o.format == Format::kHeap;
  const int64_t ticks = o.hours * 3600 / kIntervalSeconds;
  for (int64_t tick = 0; tick < ticks; ++tick) {
    const int64_t micros =
        (kStartEpochSeconds + tick * kIntervalSeconds - kPostgresEpochOffsetSeconds) * 1000000;
    for (size_t i = 0; i < hosts.size(); ++i) {
      Host& host = hosts[i];
      out->BigEndian<int16_t>(static_cast<int16_t>(2 + kFields + (heap ? 1 : 0)));
      out->BigEndian<int32_t>(8);
      out->BigEndian<int64_t>(micros);
      if (heap) {
        out->BigEndian<int32_t>(4);
        out->BigEndian<int32_t>(static_cast<int32_t>(indices[i] + 1));
      } else {
        out->BigEndian<int32_t>(static_cast<int32_t>(hostnames[i].size()));
        out->Str(hostnames[i]);
      }
      for (int f = 0; f < kFields; ++f) {
        const double value = std::floor(host.state[f]);
        uint64_t bits;
        std::memcpy(&bits, &value, 8);
        out->BigEndian<int32_t>(8);
        out->BigEndian<uint64_t>(bits);
        host.state[f] = std::clamp(host.state[f] + host.rnd.Normal(), 0.0, 100.0);
      }
      if (heap) out->BigEndian<int32_t>(-1);  // additional_tags: NULL
      out->EndBinaryRow();
    }
  }
  out->BigEndian<int16_t>(-1);
}

void WriteRows(const Options& o, const std::vector<int64_t>& indices, Output* out) {
  std::vector<Host> hosts;
  hosts.reserve(indices.size());
  // Per host, the part of a row before the fields: ",<tags_id>," or
  // ",host_<i>,".
  std::vector<std::string> keys;
  keys.reserve(indices.size());
  for (const int64_t h : indices) {
    hosts.emplace_back(o.seed, h);
    keys.push_back(o.format == Format::kHeap ? "," + std::to_string(h + 1) + ","
                                             : ",host_" + std::to_string(h) + ",");
  }
  const int64_t ticks = o.hours * 3600 / kIntervalSeconds;
  for (int64_t tick = 0; tick < ticks; ++tick) {
    const std::string time = FormatTime(kStartEpochSeconds + tick * kIntervalSeconds);
    for (size_t i = 0; i < hosts.size(); ++i) {
      Host& host = hosts[i];
      out->Str(time);
      out->Str(keys[i]);
      for (int f = 0; f < kFields; ++f) {
        if (f > 0) out->Char(',');
        out->Small(static_cast<int>(host.state[f]));  // floor: state >= 0
        host.state[f] = std::clamp(host.state[f] + host.rnd.Normal(), 0.0, 100.0);
      }
      if (o.format == Format::kHeap) out->Char(',');  // additional_tags: NULL
      out->EndRow();
    }
  }
}

// --- Prometheus series (scripts/bench_promql.sh) ----------------------------

// The series of a host: the 10 fields as gauges, then the counter.
constexpr int kPromSeries = kFields + 1;
constexpr const char* kPromMetrics[kPromSeries] = {
    "cpu_usage_user",   "cpu_usage_system", "cpu_usage_idle",       "cpu_usage_nice",
    "cpu_usage_iowait", "cpu_usage_irq",    "cpu_usage_softirq",    "cpu_usage_steal",
    "cpu_usage_guest",  "cpu_usage_guest_nice", "cpu_usage_user_total"};
constexpr int kCounterSource = 0;  // cpu_usage_user_total sums usage_user

// A host's values of series `series` (index into kPromMetrics), one per tick:
// the same draws as WriteRows makes, so the same numbers as the heap rows.
void HostSeriesValues(const Options& o, int64_t h, int series, int64_t ticks,
                      std::vector<double>* out) {
  Host host(o.seed, h);
  const int field = series < kFields ? series : kCounterSource;
  out->resize(static_cast<size_t>(ticks));
  double sum = 0;
  for (int64_t tick = 0; tick < ticks; ++tick) {
    for (int f = 0; f < kFields; ++f) {
      if (f == field) {
        const double v = std::floor(host.state[f]);
        sum += v;  // integers below 2^53: exact
        (*out)[static_cast<size_t>(tick)] = series < kFields ? v : sum;
      }
      host.state[f] = std::clamp(host.state[f] + host.rnd.Normal(), 0.0, 100.0);
    }
  }
}

// A host's labels other than __name__, in name order: (name, value).
std::vector<std::pair<std::string, std::string>> HostLabels(const Options& o, int64_t h) {
  Random rnd(o.seed, static_cast<uint64_t>(h));
  const Tags t = DrawTags(&rnd);
  const Region& region = kRegions[t.region];
  return {{"arch", kArch[t.arch]},
          {"datacenter", region.datacenters[t.datacenter]},
          {"hostname", "host_" + std::to_string(h)},
          {"os", kOs[t.os]},
          {"rack", std::to_string(t.rack)},
          {"region", region.name},
          {"service", std::to_string(t.service)},
          {"service_environment", kEnvironment[t.environment]},
          {"service_version", std::to_string(t.service_version)},
          {"team", kTeam[t.team]}};
}

// A float8 as the shortest text that reads back to it (std::to_chars).
void Double(double v, Output* out) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->Bytes(buf, static_cast<size_t>(r.ptr - buf));
}

// Family by family (OpenMetrics forbids interleaving them), series by
// series, time order within a series.
void WriteOpenMetrics(const Options& o, const std::vector<int64_t>& indices, Output* out) {
  const int64_t ticks = o.hours * 3600 / kIntervalSeconds;
  std::vector<double> values;
  for (int s = 0; s < kPromSeries; ++s) {
    out->Str("# TYPE ");
    out->Str(kPromMetrics[s]);
    out->Str(s < kFields ? " gauge" : " unknown");
    out->EndRow();
    for (const int64_t h : indices) {
      std::string prefix = kPromMetrics[s];
      char sep = '{';
      for (const auto& [name, value] : HostLabels(o, h)) {
        prefix += sep + name + "=\"" + value + "\"";
        sep = ',';
      }
      prefix += "} ";
      HostSeriesValues(o, h, s, ticks, &values);
      for (int64_t tick = 0; tick < ticks; ++tick) {
        out->Str(prefix);
        Double(values[static_cast<size_t>(tick)], out);
        out->Char(' ');
        out->Int(kStartEpochSeconds + tick * kIntervalSeconds);
        out->EndRow();
      }
    }
  }
  out->Str("# EOF");
  out->EndRow();
}

// The ticks --ticks selects: [*begin, *end).
void TickRange(const Options& o, int64_t* begin, int64_t* end) {
  const int64_t ticks = o.hours * 3600 / kIntervalSeconds;
  *begin = o.ticks == Ticks::kRest ? 1 : 0;
  *end = o.ticks == Ticks::kFirst ? std::min<int64_t>(1, ticks) : ticks;
}

// Text rows for COPY tsdb.metrics FROM STDIN: jsonb labels, time, value.
// The labels hold no tab, newline or backslash, so need no escaping.
void WriteMetrics(const Options& o, const std::vector<int64_t>& indices, Output* out) {
  int64_t begin, end;
  TickRange(o, &begin, &end);
  const int64_t ticks = o.hours * 3600 / kIntervalSeconds;
  std::vector<std::string> times;
  for (int64_t tick = begin; tick < end; ++tick) {
    times.push_back(FormatTime(kStartEpochSeconds + tick * kIntervalSeconds));
  }
  std::vector<double> values;
  for (const int64_t h : indices) {
    const auto labels = HostLabels(o, h);
    for (int s = 0; s < kPromSeries; ++s) {
      std::string prefix = std::string("{\"__name__\": \"") + kPromMetrics[s] + "\"";
      for (const auto& [name, value] : labels) prefix += ", \"" + name + "\": \"" + value + "\"";
      prefix += "}\t";
      HostSeriesValues(o, h, s, ticks, &values);
      for (int64_t tick = begin; tick < end; ++tick) {
        out->Str(prefix);
        out->Str(times[static_cast<size_t>(tick - begin)]);
        out->Char('\t');
        Double(values[static_cast<size_t>(tick)], out);
        out->EndRow();
      }
    }
  }
}

// --series-ids: "metric\thostname" -> id.
std::unordered_map<std::string, int64_t> ReadSeriesIds(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) {
    std::perror(("tsdb_tsbs_generate: " + path).c_str());
    std::exit(1);
  }
  std::unordered_map<std::string, int64_t> ids;
  char line[1024];
  int64_t lineno = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    ++lineno;
    std::string_view l(line);
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.remove_suffix(1);
    if (l.empty()) continue;
    const size_t tab = l.find('\t');
    int64_t id;
    if (tab == std::string_view::npos || !ParseInt(l.substr(0, tab), &id)) {
      std::fprintf(stderr,
                   "tsdb_tsbs_generate: %s line %lld: expected id TAB metric TAB hostname, "
                   "found \"%.*s\"\n",
                   path.c_str(), static_cast<long long>(lineno), static_cast<int>(l.size()),
                   l.data());
      std::exit(1);
    }
    ids[std::string(l.substr(tab + 1))] = id;
  }
  std::fclose(f);
  return ids;
}

// Binary rows for COPY tsdb.prom_samples (series_id, time, value).
void WriteSamples(const Options& o, const std::vector<int64_t>& indices, Output* out) {
  const auto ids = ReadSeriesIds(o.series_ids);
  int64_t begin, end;
  TickRange(o, &begin, &end);
  const int64_t ticks = o.hours * 3600 / kIntervalSeconds;
  out->Bytes(kBinarySignature, 11);
  out->BigEndian<int32_t>(0);  // flags
  out->BigEndian<int32_t>(0);  // header extension length
  std::vector<double> values;
  for (const int64_t h : indices) {
    for (int s = 0; s < kPromSeries; ++s) {
      const std::string key = std::string(kPromMetrics[s]) + "\thost_" + std::to_string(h);
      const auto it = ids.find(key);
      if (it == ids.end()) {
        std::fprintf(stderr, "tsdb_tsbs_generate: no series id for %s host_%lld in %s\n",
                     kPromMetrics[s], static_cast<long long>(h), o.series_ids.c_str());
        std::exit(1);
      }
      HostSeriesValues(o, h, s, ticks, &values);
      for (int64_t tick = begin; tick < end; ++tick) {
        out->BigEndian<int16_t>(3);
        out->BigEndian<int32_t>(8);
        out->BigEndian<int64_t>(it->second);
        out->BigEndian<int32_t>(8);
        out->BigEndian<int64_t>(
            (kStartEpochSeconds + tick * kIntervalSeconds - kPostgresEpochOffsetSeconds) * 1000000);
        uint64_t bits;
        std::memcpy(&bits, &values[static_cast<size_t>(tick)], 8);
        out->BigEndian<int32_t>(8);
        out->BigEndian<uint64_t>(bits);
        out->EndBinaryRow();
      }
    }
  }
  out->BigEndian<int16_t>(-1);
}

int Main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  std::vector<int64_t> indices;
  for (int64_t h = o.part; h < o.hosts; h += o.parts) indices.push_back(h);
  if (o.count) {
    int64_t per_host = o.format == Format::kTags ? 1 : o.hours * 3600 / kIntervalSeconds;
    if (IsProm(o.format)) {
      int64_t begin = 0, end = per_host;
      if (o.format != Format::kOpenMetrics) TickRange(o, &begin, &end);
      per_host = kPromSeries * (end - begin);
    }
    std::printf("%lld\n", static_cast<long long>(per_host * static_cast<int64_t>(indices.size())));
    return 0;
  }
  Output out;
  if (o.format == Format::kTags) {
    WriteTags(o, indices, &out);
  } else if (o.format == Format::kOpenMetrics) {
    WriteOpenMetrics(o, indices, &out);
  } else if (o.format == Format::kMetrics) {
    WriteMetrics(o, indices, &out);
  } else if (o.format == Format::kSamples) {
    WriteSamples(o, indices, &out);
  } else if (o.binary) {
    WriteBinaryRows(o, indices, &out);
  } else {
    WriteRows(o, indices, &out);
  }
  out.Flush();
  if (std::fflush(stdout) != 0) {
    std::perror("tsdb_tsbs_generate: write");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace tsbs
}  // namespace tsdb

int main(int argc, char** argv) { return tsdb::tsbs::Main(argc, argv); }
