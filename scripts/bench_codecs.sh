#!/usr/bin/env bash
# Codec benchmarks: tsdb's column-chunk codecs vs the Gorilla baseline
# (bench/codec_bench.cc). Builds build/release, runs every benchmark
# $REPETITIONS times (median reported) and prints a Markdown table plus a
# check of the codec targets.
#
# Usage: scripts/bench_codecs.sh [extra benchmark flags, e.g.
#        --benchmark_filter=tsbs --benchmark_min_time=0.2]
# Environment: BUILD_DIR (default build/release), JOBS (default 2),
#        REPETITIONS (default 5), JSON_OUT (keep the raw JSON there).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build/release}
jobs=${JOBS:-2}
repetitions=${REPETITIONS:-5}

cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j"$jobs" --target tsdb_codec_bench >&2

json=${JSON_OUT:-$(mktemp)}
[[ -n ${JSON_OUT:-} ]] || trap 'rm -f "$json"' EXIT

command=("$build_dir/tsdb_codec_bench" --benchmark_format=json
         --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true "$@")
echo "running: ${command[*]#"$root/"}" >&2
"${command[@]}" >"$json"

python3 - "$json" "$repetitions" <<'PY'
import json
import sys

path, repetitions = sys.argv[1], sys.argv[2]
with open(path) as f:
    doc = json.load(f)
ctx = doc.get("context", {})

# The numbers are only worth comparing from an optimised, assert-free build
# (LevelDB's db_bench warns the same way).
if ctx.get("tsdb_optimized") != "true":
    print("WARNING: Optimization is disabled: benchmarks unnecessarily slow")
if ctx.get("tsdb_assertions") == "true":
    print("WARNING: Assertions are enabled; benchmarks unnecessarily slow")
if ctx.get("cpu_scaling_enabled"):
    print("WARNING: CPU scaling is enabled: timings may be noisy")
if ctx.get("library_build_type") == "debug":
    # Only the benchmark loop itself is affected, a few ns per iteration of
    # 100,000 values; the codecs are built by us.
    print("note: libbenchmark was built as debug (harness overhead only)")

# results[(op, set, codec)] = median run
results, errors = {}, []
for b in doc["benchmarks"]:
    parts = b["run_name"].split("/")
    if len(parts) != 3:
        continue
    if b.get("error_occurred"):
        errors.append("%s: %s" % (b["run_name"], b.get("error_message", "")))
        continue
    if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
        continue
    results[tuple(parts)] = b

def get(op, name, codec, key):
    b = results.get((op, name, codec))
    return None if b is None else b.get(key)

def fmt(v, spec):
    return "n/a" if v is None else format(v, spec)

def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b

sets = []
for b in doc["benchmarks"]:
    parts = b["run_name"].split("/")
    if len(parts) == 3 and parts[1] not in sets:
        sets.append(parts[1])

print()
print("Median of %s repetitions; %s chunks x %s values per data set; %s CPUs at %s MHz, %s."
      % (repetitions, ctx.get("tsdb_chunks_per_set", "?"), ctx.get("tsdb_chunk_values", "?"),
         ctx.get("num_cpus", "?"), ctx.get("mhz_per_cpu", "?"), ctx.get("date", "")))
print("bits/value includes framing (tsdb chunk header + checksum, Gorilla 2-byte count); "
      "*_series rows count bits per sample (timestamp + value).")
print()
print("| data set | tsdb codec | tsdb bits/value | Gorilla bits/value | size ratio (tsdb/gorilla) "
      "| tsdb encode ns/value | tsdb decode ns/value | tsdb decode Mvalues/s "
      "| decode speed ratio vs gorilla | Gorilla encode ns/value | Gorilla decode ns/value |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for name in sets:
    tb = get("BM_Encode", name, "tsdb", "bits_per_value")
    gb = get("BM_Encode", name, "gorilla", "bits_per_value")
    te = get("BM_Encode", name, "tsdb", "ns_per_value")
    td = get("BM_Decode", name, "tsdb", "ns_per_value")
    ge = get("BM_Encode", name, "gorilla", "ns_per_value")
    gd = get("BM_Decode", name, "gorilla", "ns_per_value")
    label = get("BM_Encode", name, "tsdb", "label") or ""
    mvs = None if td is None or td == 0 else 1e3 / td
    print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        name, label, fmt(tb, ".3f"), fmt(gb, ".3f"), fmt(ratio(tb, gb), ".3f"),
        fmt(te, ".2f"), fmt(td, ".3f"), fmt(mvs, ".0f"), fmt(ratio(gd, td), ".2f") + "x",
        fmt(ge, ".2f"), fmt(gd, ".2f")))

for e in errors:
    print("ERROR " + e)

# The product's codec targets. A miss is reported with its distance; it is
# feedback for the codec, not a reason to fail this script.
print()
print("Targets:")
def check(desc, value, target, higher_is_better, unit):
    if value is None:
        print("- %s: NOT MEASURED" % desc)
        return
    ok = value >= target if higher_is_better else value <= target
    if ok:
        print("- %s: met (%.3f %s, target %s %.3f)" % (
            desc, value, unit, ">=" if higher_is_better else "<=", target))
    else:
        print("- %s: MISSED by %.3f %s (%.1f%%): %.3f %s, target %s %.3f" % (
            desc, abs(value - target), unit, 100 * abs(value - target) / target, value, unit,
            ">=" if higher_is_better else "<=", target))

check("tsbs_cpu size", get("BM_Encode", "tsbs_cpu", "tsdb", "bits_per_value"), 2.5, False,
      "bits/value")
check("ts_regular size", get("BM_Encode", "ts_regular", "tsdb", "bits_per_value"), 0.2, False,
      "bits/timestamp")
td = get("BM_Decode", "tsbs_cpu", "tsdb", "ns_per_value")
check("tsbs_cpu decode speed", None if not td else 1e3 / td, 300, True, "Mvalues/s")
# The XOR path: xor_path holds exactly the chunks tsdb encodes with Gorilla
# ("random" is mostly stored raw, float_walk partly decimal).
check("xor_path decode speed vs Gorilla",
      ratio(get("BM_Decode", "xor_path", "gorilla", "ns_per_value"),
            get("BM_Decode", "xor_path", "tsdb", "ns_per_value")), 1.0, True, "x Gorilla")
PY
