// Writes the seed corpus of each fuzz target: <dir>/<target>/<name>.
//
//   rm -rf test/fuzz/corpus && build/release/tsdb_make_corpus test/fuzz/corpus
//
// (Files are overwritten, never deleted: clear the directory first so a
// renamed seed does not linger.)
//
// fuzz_chunk_decode gets valid chunks of every codec and packing mode (the
// data below is shaped so the encoder picks each one; the table printed at
// the end shows what it picked), fuzz_block_decode gets valid blocks, and
// fuzz_promql_lex gets PromQL queries (valid, and each ending in an error),
// fuzz_promql_parse and fuzz_promql_eval whole expressions, fuzz_promql_script
// promqltest scripts.
// fuzz_roundtrip gets generator inputs for every type and generator (the
// input layout is described in fuzz_roundtrip.cc). Seeds are deterministic:
// re-running the tool rewrites the same bytes. Exits 1 when a codec ends up
// without a seed, so a change in the encoder's choices does not silently
// shrink the corpus.
#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/block.h"
#include "tsdb/block_format.h"
#include "tsdb/column_chunk.h"

namespace tsdb {
namespace {

bool MakeDir(const std::string& path) {
  return mkdir(path.c_str(), 0755) == 0 || errno == EEXIST;
}

bool WriteFile(const std::string& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = std::fclose(f) == 0 && ok;
  return ok;
}

double FromBits(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

class CorpusWriter {
 public:
  explicit CorpusWriter(std::string dir) : dir_(std::move(dir)) {}

  bool Start(const std::string& target) {
    target_ = target;
    return MakeDir(dir_) && MakeDir(dir_ + "/" + target);
  }

  void Add(const std::string& name, const Result<std::string>& bytes) {
    if (!bytes.ok()) {
      std::fprintf(stderr, "%s/%s: %s\n", target_.c_str(), name.c_str(),
                   std::string(bytes.status().message()).c_str());
      ok_ = false;
      return;
    }
    ok_ = WriteFile(dir_ + "/" + target_ + "/" + name, *bytes) && ok_;
    files_++;
    total_bytes_ += bytes->size();
  }

  bool ok() const { return ok_; }
  int files() const { return files_; }
  size_t total_bytes() const { return total_bytes_; }

 private:
  std::string dir_;
  std::string target_;
  bool ok_ = true;
  int files_ = 0;
  size_t total_bytes_ = 0;
};

// ---- chunk seeds ----

NullFlags EveryNth(size_t n, size_t every) {
  NullFlags nulls(n, 0);
  for (size_t i = 0; i < n; i += every) nulls[i] = 1;
  return nulls;
}

struct ChunkSeed {
  std::string name;
  Result<std::string> bytes;
};

std::vector<ChunkSeed> ChunkSeeds() {
  std::mt19937_64 rng(20240601);
  std::vector<ChunkSeed> seeds;
  const auto add = [&](std::string name, Result<std::string> bytes) {
    seeds.push_back({std::move(name), std::move(bytes)});
  };
  const size_t n = 200;

  // float64
  std::vector<double> decimal, integral, gorilla, raw, walk, specials;
  double level = 20.0;
  for (size_t i = 0; i < n; i++) {
    level += static_cast<double>(static_cast<int>(rng() % 21) - 10) / 100.0;
    decimal.push_back(std::round(level * 100.0) / 100.0);
    integral.push_back(static_cast<double>(rng() % 100));
    gorilla.push_back((i / 10) % 2 ? 1.0 / 3.0 : 2.0 / 3.0);
    raw.push_back(FromBits(rng()));
    walk.push_back(std::sin(static_cast<double>(i) / 10.0));
  }
  for (uint64_t bits : {0x7ff8000000000000ULL, 0x7ff0000000000002ULL, 0xfff8000000000000ULL,
                        0x7ff0000000000001ULL, 0x8000000000000000ULL, 0x7ff0000000000000ULL,
                        0xfff0000000000000ULL, 0x0000000000000001ULL, 0x7fefffffffffffffULL}) {
    specials.push_back(FromBits(bits));
  }
  std::vector<double> decimal_stale = decimal;
  for (size_t i = 3; i < n; i += 40) decimal_stale[i] = FromBits(0x7ff0000000000002ULL);
  add("float_empty", EncodeFloat64Chunk({}));
  add("float_one", EncodeFloat64Chunk({3.25}));
  add("float_decimal", EncodeFloat64Chunk(decimal));
  add("float_decimal_nulls", EncodeFloat64Chunk(decimal, EveryNth(n, 5)));
  add("float_decimal_stale", EncodeFloat64Chunk(decimal_stale));
  add("float_integral", EncodeFloat64Chunk(integral));
  add("float_gorilla", EncodeFloat64Chunk(gorilla));
  add("float_gorilla_nulls", EncodeFloat64Chunk(gorilla, EveryNth(n, 7)));
  add("float_sine", EncodeFloat64Chunk(walk));
  add("float_raw", EncodeFloat64Chunk(std::vector<double>(raw.begin(), raw.begin() + 20)));
  add("float_specials", EncodeFloat64Chunk(specials));
  add("float_constant", EncodeFloat64Chunk(std::vector<double>(n, 42.5)));
  add("float_constant_stale",
      EncodeFloat64Chunk(std::vector<double>(10, FromBits(0x7ff0000000000002ULL))));
  add("float_all_null", EncodeFloat64Chunk(std::vector<double>(9, 0), NullFlags(9, 1)));

  // int64 and timestamp
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> counter, small, skewed, skewed_small, wide, extremes, regular, jittered;
  int64_t c = 1000;
  const int64_t t0 = 789'000'000'000'000;
  for (size_t i = 0; i < n; i++) {
    c += static_cast<int64_t>(rng() % 1000);
    counter.push_back(c);
    small.push_back(static_cast<int64_t>(rng() % 16) - 8);
    // Mostly tiny values with a long tail: Huffman with escapes.
    uint64_t r = rng();
    skewed.push_back(r % 8 == 0 ? static_cast<int64_t>(r % 5000) : static_cast<int64_t>(r % 3));
    skewed_small.push_back(r % 8 == 0 ? static_cast<int64_t>(r % 200) : static_cast<int64_t>(r % 3));
    wide.push_back(static_cast<int64_t>(rng() >> (rng() % 64)));
    extremes.push_back(i % 3 == 0 ? lo : i % 3 == 1 ? hi : 0);
    regular.push_back(t0 + static_cast<int64_t>(i) * 15'000'000);
    jittered.push_back(t0 + static_cast<int64_t>(i) * 15'000'000 +
                       static_cast<int64_t>(rng() % 2001) - 1000);
  }
  add("int_empty", EncodeInt64Chunk({}));
  add("int_one", EncodeInt64Chunk({-42}));
  add("int_two", EncodeInt64Chunk({lo, hi}));
  add("int_counter", EncodeInt64Chunk(counter));
  add("int_counter_nulls", EncodeInt64Chunk(counter, EveryNth(n, 6)));
  add("int_small", EncodeInt64Chunk(small));
  add("int_skewed", EncodeInt64Chunk(skewed));
  add("int_skewed_small", EncodeInt64Chunk(skewed_small));
  add("int_wide", EncodeInt64Chunk(wide));
  add("int_extremes", EncodeInt64Chunk(extremes));
  add("int_constant", EncodeInt64Chunk(std::vector<int64_t>(n, 7)));
  add("int_all_null", EncodeInt64Chunk(std::vector<int64_t>(5, 0), NullFlags(5, 1)));
  add("ts_regular", EncodeInt64Chunk(regular, {}, ColumnType::kTimestamp));
  add("ts_regular_nulls", EncodeInt64Chunk(regular, EveryNth(n, 9), ColumnType::kTimestamp));
  add("ts_jittered", EncodeInt64Chunk(jittered, {}, ColumnType::kTimestamp));
  add("ts_one", EncodeInt64Chunk({t0}, {}, ColumnType::kTimestamp));

  // text
  std::vector<std::string> hosts, many, odd;
  for (size_t i = 0; i < n; i++) hosts.push_back("host_" + std::to_string(rng() % 5));
  for (size_t i = 0; i < 300; i++) many.push_back("s" + std::to_string(i * 7 % 300));
  odd = {"", std::string("a\0b", 3), "", "\xff\xfe", "long-" + std::string(300, 'x'), ""};
  const auto text = [](const std::vector<std::string>& values, NullFlags nulls = {}) {
    std::vector<std::string_view> views(values.begin(), values.end());
    return EncodeTextChunk(views, nulls);
  };
  add("text_empty", text({}));
  add("text_one", text({"cpu"}));
  add("text_small_dict", text(hosts));
  add("text_small_dict_nulls", text(hosts, EveryNth(n, 4)));
  add("text_large_dict", text(many));
  add("text_odd_bytes", text(odd));
  add("text_all_null", text({"", ""}, NullFlags(2, 1)));

  // bool
  std::vector<uint8_t> bools;
  for (size_t i = 0; i < 37; i++) bools.push_back(rng() % 3 == 0);
  add("bool_empty", EncodeBoolChunk({}));
  add("bool_one", EncodeBoolChunk({1}));
  add("bool_bitmap", EncodeBoolChunk(bools));
  add("bool_bitmap_nulls", EncodeBoolChunk(bools, EveryNth(bools.size(), 3)));
  add("bool_all_null", EncodeBoolChunk({1, 0, 1}, NullFlags(3, 1)));
  return seeds;
}

// ---- block seeds ----

Result<std::string> TimeAndFloatBlock() {
  BlockBuilder b(100);
  std::vector<int64_t> times;
  std::vector<double> values;
  for (int i = 0; i < 100; i++) {
    times.push_back(789'000'000'000'000 + i * 10'000'000LL);
    values.push_back(50.0 + (i % 7) * 0.5);
  }
  TSDB_RETURN_IF_ERROR(b.AddTime(times));
  TSDB_RETURN_IF_ERROR(b.AddFloat64(values));
  return b.Finish();
}

Result<std::string> EveryTypeBlock(bool with_nulls) {
  const size_t n = 50;
  BlockBuilder b(n);
  std::vector<int64_t> times, ints;
  std::vector<double> floats;
  std::vector<std::string_view> texts;
  std::vector<uint8_t> bools;
  const char* hosts[] = {"a", "bb", "", "dddd"};
  for (size_t i = 0; i < n; i++) {
    times.push_back(static_cast<int64_t>(i) * 1'000'000 + static_cast<int64_t>(i % 3));
    ints.push_back(static_cast<int64_t>(i * i));
    floats.push_back(i % 11 == 0 ? FromBits(0x7ff0000000000002ULL) : i * 0.25);
    texts.push_back(hosts[i % 4]);
    bools.push_back(i % 2);
  }
  NullFlags nulls = with_nulls ? EveryNth(n, 4) : NullFlags{};
  TSDB_RETURN_IF_ERROR(b.AddFloat64(floats, nulls));
  TSDB_RETURN_IF_ERROR(b.AddTime(times));
  TSDB_RETURN_IF_ERROR(b.AddInt64(ints, nulls));
  TSDB_RETURN_IF_ERROR(b.AddText(texts, nulls));
  TSDB_RETURN_IF_ERROR(b.AddBool(bools, nulls));
  return b.Finish();
}

Result<std::string> OneRowBlock() {
  BlockBuilder b(1);
  TSDB_RETURN_IF_ERROR(b.AddTime(std::vector<int64_t>{0}));
  TSDB_RETURN_IF_ERROR(b.AddFloat64(std::vector<double>{-0.0}));
  return b.Finish();
}

Result<std::string> NoTimeBlock() {
  BlockBuilder b(3);
  TSDB_RETURN_IF_ERROR(b.AddInt64(std::vector<int64_t>{1, 2, 3}));
  TSDB_RETURN_IF_ERROR(b.AddBool(std::vector<uint8_t>{1, 0, 1}));
  return b.Finish();
}

Result<std::string> AllNullColumnsBlock() {
  BlockBuilder b(4);
  TSDB_RETURN_IF_ERROR(b.AddTime(std::vector<int64_t>{40, 30, 20, 10}));  // unsorted
  TSDB_RETURN_IF_ERROR(b.AddFloat64(std::vector<double>(4, 0), NullFlags(4, 1)));
  std::vector<std::string_view> texts(4);
  TSDB_RETURN_IF_ERROR(b.AddText(texts, NullFlags(4, 1)));
  TSDB_RETURN_IF_ERROR(b.AddBool(std::vector<uint8_t>(4, 0), NullFlags(4, 1)));
  return b.Finish();
}

Result<std::string> ExtremeTimesBlock() {
  BlockBuilder b(3);
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  TSDB_RETURN_IF_ERROR(b.AddTime(std::vector<int64_t>{hi, lo, 0}));
  TSDB_RETURN_IF_ERROR(b.AddInt64(std::vector<int64_t>{lo, hi, lo}));
  return b.Finish();
}

Result<std::string> WideBlock() {
  BlockBuilder b(8);
  std::vector<int64_t> times;
  for (int i = 0; i < 8; i++) times.push_back(i);
  TSDB_RETURN_IF_ERROR(b.AddTime(times));
  for (int c = 0; c < 20; c++) {
    std::vector<double> values(8, c * 1.5);
    if (c % 2) values[c % 8] = c;
    TSDB_RETURN_IF_ERROR(b.AddFloat64(values));
  }
  return b.Finish();
}

// Time plus one column of each codec (the chunk seeds' data, cut to 64
// rows so blocks stay small).
std::vector<ChunkSeed> SingleColumnBlocks() {
  std::mt19937_64 rng(11);
  const size_t n = 64;
  std::vector<int64_t> times(n), counter(n), small(n), regular(n);
  std::vector<double> decimal(n), gorilla(n), raw(n);
  std::vector<std::string> hosts(n), many(n);
  std::vector<uint8_t> bools(n);
  for (size_t i = 0; i < n; i++) {
    times[i] = static_cast<int64_t>(i) * 60'000'000 + static_cast<int64_t>(rng() % 1000);
    counter[i] = 5000 + static_cast<int64_t>(i * 700 + rng() % 600);
    small[i] = static_cast<int64_t>(rng() % 16) - 8;
    regular[i] = static_cast<int64_t>(i) * 1000;
    decimal[i] = static_cast<double>(2000 + rng() % 50) / 100.0;
    gorilla[i] = (i / 8) % 2 ? 1.0 / 3.0 : 2.0 / 3.0;
    raw[i] = FromBits(rng());
    hosts[i] = "host_" + std::to_string(rng() % 4);
    many[i] = "s" + std::to_string(i);
    bools[i] = rng() % 2;
  }
  std::vector<ChunkSeed> out;
  const auto block = [&](std::string name, const std::function<Status(BlockBuilder*)>& add) {
    BlockBuilder b(n);
    Status s = b.AddTime(times);
    if (s.ok()) s = add(&b);
    out.push_back({std::move(name), s.ok() ? b.Finish() : Result<std::string>(s)});
  };
  const auto views = [](const std::vector<std::string>& v) {
    return std::vector<std::string_view>(v.begin(), v.end());
  };
  block("float_decimal", [&](BlockBuilder* b) { return b->AddFloat64(decimal); });
  block("float_decimal_nulls", [&](BlockBuilder* b) { return b->AddFloat64(decimal, EveryNth(n, 3)); });
  block("float_gorilla", [&](BlockBuilder* b) { return b->AddFloat64(gorilla); });
  block("float_raw", [&](BlockBuilder* b) { return b->AddFloat64(raw); });
  block("float_constant", [&](BlockBuilder* b) { return b->AddFloat64(std::vector<double>(n, 1.5)); });
  block("int_delta", [&](BlockBuilder* b) { return b->AddInt64(counter); });
  block("int_plain", [&](BlockBuilder* b) { return b->AddInt64(small); });
  block("int_dod", [&](BlockBuilder* b) { return b->AddInt64(regular); });
  block("int_constant_nulls", [&](BlockBuilder* b) {
    return b->AddInt64(std::vector<int64_t>(n, -3), EveryNth(n, 2));
  });
  block("text_small_dict", [&](BlockBuilder* b) { return b->AddText(views(hosts)); });
  block("text_distinct_nulls", [&](BlockBuilder* b) { return b->AddText(views(many), EveryNth(n, 5)); });
  block("bool_bitmap", [&](BlockBuilder* b) { return b->AddBool(bools); });
  block("bool_bitmap_nulls", [&](BlockBuilder* b) { return b->AddBool(bools, EveryNth(n, 7)); });
  block("time_twice_as_int", [&](BlockBuilder* b) { return b->AddInt64(times); });
  return out;
}

// ---- roundtrip seeds (layout in fuzz_roundtrip.cc) ----

std::string RoundTripSeed(int type, int generator, uint8_t density, std::mt19937_64* rng) {
  std::string out;
  out.push_back(static_cast<char>(type + 5 * generator));
  out.push_back(static_cast<char>(density));
  out.push_back(static_cast<char>((*rng)()));
  out.push_back(static_cast<char>((*rng)()));
  size_t len = 64 + (*rng)() % 192;
  for (size_t i = 0; i < len; i++) {
    uint64_t r = (*rng)();
    // Mostly small bytes (small ints, short strings, repeats), some raw.
    out.push_back(static_cast<char>(r % 4 == 0 ? r >> 8 : (r >> 8) % 16));
  }
  return out;
}

}  // namespace
}  // namespace tsdb

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
    return 2;
  }
  using namespace tsdb;
  CorpusWriter out(argv[1]);

  if (!out.Start("fuzz_chunk_decode")) return 1;
  std::set<Codec> codecs;
  std::printf("%-24s %-16s %6s  %s\n", "chunk seed", "codec", "bytes", "detail");
  for (const ChunkSeed& seed : ChunkSeeds()) {
    out.Add(seed.name, seed.bytes);
    if (!seed.bytes.ok()) continue;
    Result<ChunkInfo> info = InspectChunk(*seed.bytes);
    if (!info.ok()) {
      std::fprintf(stderr, "%s does not inspect: %s\n", seed.name.c_str(),
                   std::string(info.status().message()).c_str());
      return 1;
    }
    codecs.insert(info->codec);
    std::printf("%-24s %-16s %6zu  %s\n", seed.name.c_str(), CodecName(info->codec),
                seed.bytes->size(), info->detail.c_str());
  }

  if (!out.Start("fuzz_block_decode")) return 1;
  out.Add("time_float", TimeAndFloatBlock());
  out.Add("every_type", EveryTypeBlock(false));
  out.Add("every_type_nulls", EveryTypeBlock(true));
  out.Add("one_row", OneRowBlock());
  out.Add("no_time", NoTimeBlock());
  out.Add("all_null_columns", AllNullColumnsBlock());
  out.Add("extreme_times", ExtremeTimesBlock());
  out.Add("wide", WideBlock());
  for (const ChunkSeed& seed : SingleColumnBlocks()) out.Add("time_" + seed.name, seed.bytes);

  if (!out.Start("fuzz_roundtrip")) return 1;
  std::mt19937_64 rng(7);
  const char* types[] = {"float", "int", "ts", "text", "bool"};
  const uint8_t densities[] = {0, 40, 255, 128};
  for (int type = 0; type < 5; type++) {
    for (int generator = 0; generator < 8; generator++) {
      uint8_t density = densities[(type + generator) % 4];
      out.Add(std::string(types[type]) + "_gen" + std::to_string(generator) + "_nulls" +
                  std::to_string(density),
              RoundTripSeed(type, generator, density, &rng));
    }
  }
  // Short inputs: empty and one-value columns.
  out.Add("empty", std::string());
  out.Add("float_one", std::string("\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\xf0\x7f", 12));

  // PromQL text for the lexer: every token kind, nesting, escapes, comments,
  // duration expressions, and inputs that end in each kind of error.
  if (!out.Start("fuzz_promql_lex")) return 1;
  const char* queries[] = {
      "sum by (job) (rate(http_requests_total{job=\"api\",code=~\"5..\"}[5m]))",
      "histogram_quantile(0.9, sum without (instance) (rate(x_bucket[1h:5m] offset -5m @ start())))",
      "a + on(b) group_left(c) d > bool 1e-3 and e or f unless g ^ atan2 0x1F",
      "topk(3, x) / ignoring(y) group_right count_values(\"v\", z) != -Inf",
      "x[5m+1m] x[step()*2] x[range()] x[min(5m, step())] x[ 1h : ] @ end()",
      "{__name__=~\"job:.*\", a!=`raw`, b!~'\\x41\\u00e9\\U0001F600\\101'} # comment\n* 2",
      "limitk(2, x) limit_ratio(0.5, y) quantile(0.5, z) fill(0) fill_left(1) smoothed anchored",
      "1_000.000_1 .5 5. 1y2w3d4h5m6s7ms NaN inf",
      "sum(x", "x)", "x[5m", "{a=\"b\"", "\"\\q\"", "1.2.3", "x[:5m]", "a =~ b", "`raw",
  };
  for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); ++i) {
    out.Add("query" + std::to_string(i), queries[i]);
  }

  // Whole queries for the parser: every node kind, modifier and operator.
  if (!out.Start("fuzz_promql_parse")) return 1;
  const char* expressions[] = {
      "sum by (job) (rate(http_requests_total{job=\"api\",code=~\"5..\"}[5m]))",
      "histogram_quantile(0.9, sum without (instance) (rate(x_bucket[1h:5m] offset -5m @ start())))",
      "a + on(b) group_left(c) d > bool 1e-3 and e or f unless g ^ 2 atan2 0x1F",
      "topk(3, x) / ignoring(y) group_right count_values(\"v\", z) != -Inf",
      "count_over_time(x[5m+1m]) + count_over_time(x[step()*2]) + x offset min_of(step(), 1s)",
      "{__name__=~\"job:.*\", a!=`raw`, b!~'\\x41\\u00e9'} * -(2 ^ -x)",
      "limitk(2, x) or limit_ratio(0.5, y) or quantile(0.5, z) or a + fill_left(1) fill_right(2) b",
      "increase(x[1m] anchored) + rate(y[1m] smoothed) + x @ 100 offset 1h30m",
      "label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\") + vector(time()) - scalar(sum(x))",
      "max_over_time(deriv(rate(x[1m])[5m:])[10m:30s]) and absent(nonexistent{job=\"x\"})",
      "sum(x) by (a, \"b.c\") + sum without () (y)", "1 > bool 2", "((x))", "-1", "\"str\"",
      "sum(x", "rate(x)", "x offset 1m offset 2m", "{}", "1 and 2", "x[5m][5m]",
  };
  for (size_t i = 0; i < sizeof(expressions) / sizeof(expressions[0]); ++i) {
    out.Add("expr" + std::to_string(i), expressions[i]);
  }

  // The evaluator gets the parser's expressions and some of every node kind
  // over the target's own small data set (a, b, c_total, d_bucket).
  if (!out.Start("fuzz_promql_eval")) return 1;
  for (size_t i = 0; i < sizeof(expressions) / sizeof(expressions[0]); ++i) {
    out.Add("expr" + std::to_string(i), expressions[i]);
  }
  const char* evals[] = {
      "rate(c_total[1m])", "sum by (job) (a)", "histogram_quantile(0.9, d_bucket)", "a[5m:30s]",
      "max_over_time(a[2m])", "topk(2, a)", "label_replace(a, \"x\", \"$1\", \"job\", \"(.*)\")",
      "a + on(i) group_left b", "sort_desc(b)", "count_values(\"v\", a)", "absent(nope)",
      "predict_linear(a[5m], 60)", "quantile_over_time(0.5, a[5m])", "a offset 1m @ 100",
      "deriv(a[5m:1m])",
  };
  for (size_t i = 0; i < sizeof(evals) / sizeof(evals[0]); ++i) {
    out.Add("eval" + std::to_string(i), evals[i]);
  }

  // promqltest scripts: loads of every value form, evals of both kinds.
  if (!out.Start("fuzz_promql_script")) return 1;
  out.Add("load", "load 5m\n  x{a=\"b\"} 0+10x3 _ 1 stale -1-1x2 _x2 Inf\n  {__name__=\"y\"} 1x2\n");
  out.Add("eval_instant",
          "load 1m\n  x 1 2 3\n\neval instant at 2m x\n  x 3\n\neval instant at 0 1 + 1\n  2\n");
  out.Add("eval_range",
          "load 1m\n  x 1 2 3\n\neval range from 0 to 2m step 1m x * 2\n  {} 2 4 6\n");
  out.Add("expects",
          "eval instant at 1m y\n  expect fail msg: some error\n  expect warn regex: a.*\n"
          "\neval_ordered instant at 0 sort(x)\n  expect no_info\n\nclear\n");
  out.Add("histograms", "load 5m\n  h {{schema:0 sum:1 count:2 buckets:[1 2]}}x2\n");
  out.Add("start_timestamps", "load 10s\n  s@st _ 1ms -1s\n  s _ 10 20\n");

  bool all_codecs = true;
  for (uint8_t id = static_cast<uint8_t>(Codec::kAllNull);
       id <= static_cast<uint8_t>(Codec::kBoolBitmap); id++) {
    if (codecs.count(static_cast<Codec>(id)) == 0) {
      std::fprintf(stderr, "no chunk seed uses codec %s\n", CodecName(static_cast<Codec>(id)));
      all_codecs = false;
    }
  }
  std::printf("%d files, %zu bytes\n", out.files(), out.total_bytes());
  return out.ok() && all_codecs ? 0 : 1;
}
