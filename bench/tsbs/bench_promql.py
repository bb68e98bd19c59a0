#!/usr/bin/env python3
"""The query half of scripts/bench_promql.sh (standard library only).

Runs each PromQL query of QUERIES against Prometheus's HTTP API (curl) and
against tsdb.promql_query / tsdb.promql_query_range (psql), checks that both
return the same series with the same values, times --runs executions of each
and prints one Markdown table row per query. Exits 1 after the table when a
result differed or a query failed.

Timing, the same on both sides: wall time seen by a client that fetches the
whole result. Prometheus: curl's time_total for a POST to /api/v1/query or
/api/v1/query_range, body discarded (a new local TCP connection per run).
tsdb: psql's \\timing of `SELECT * FROM tsdb.promql_query(...)`, one session
per query, rows fetched into psql and discarded (\\o /dev/null), after one
untimed execution in the same session. Before that, each side's first
execution fetches the result for the comparison (the warm-up).

Samples read: per query, the distinct stored samples the query must look at,
computed from the data's grid (a sample every 10 s per series): series
selected x samples in (first evaluation - window, last evaluation], where
the window is the range of a range selector, or the 5-minute lookback of an
instant selector. A range query's overlapping windows count each sample once
(what storage has to decode), not once per step (what Prometheus's
totalQueryableSamples counts).
"""

import argparse
import csv
import io
import json
import math
import statistics
import subprocess
import sys

START = 1451606400  # 2016-01-01T00:00:00Z, the generator's first sample
INTERVAL = 10  # seconds between samples
LOOKBACK = 300  # Prometheus's default lookback delta (5m), also tsdb's
STEP = 60  # range queries' step, seconds
REL_TOLERANCE = 1e-9

# (name, PromQL, window seconds of its selector or None for an instant
#  selector, hosts selected: 1 or None for all, span of a range query in
#  hours or None for an instant query)
QUERIES = [
    ("rate 1 host", 'rate(cpu_usage_user_total{hostname="host_0"}[5m])', 300, 1, None),
    ("rate 1 host", 'rate(cpu_usage_user_total{hostname="host_0"}[5m])', 300, 1, 1),
    ("rate 1 host", 'rate(cpu_usage_user_total{hostname="host_0"}[5m])', 300, 1, 12),
    ("sum by (hostname) (rate)", "sum by (hostname) (rate(cpu_usage_user_total[5m]))", 300, None, None),
    ("sum by (hostname) (rate)", "sum by (hostname) (rate(cpu_usage_user_total[5m]))", 300, None, 1),
    ("sum by (hostname) (rate)", "sum by (hostname) (rate(cpu_usage_user_total[5m]))", 300, None, 12),
    ("max_over_time 1h", "max_over_time(cpu_usage_user[1h])", 3600, None, None),
    ("max_over_time 12h", "max_over_time(cpu_usage_user[12h])", 43200, None, None),
    ("max_over_time 1h", "max_over_time(cpu_usage_user[1h])", 3600, None, 1),
    ("max_over_time 1h", "max_over_time(cpu_usage_user[1h])", 3600, None, 12),
    ("avg_over_time 12h 1 host", 'avg_over_time(cpu_usage_user{hostname="host_0"}[12h])', 43200, 1, None),
    ("avg_over_time 12h", "avg_over_time(cpu_usage_user[12h])", 43200, None, None),
    ("avg by (region)", "avg by (region) (cpu_usage_idle)", None, None, None),
    ("avg by (region)", "avg by (region) (cpu_usage_idle)", None, None, 1),
    ("avg by (region)", "avg by (region) (cpu_usage_idle)", None, None, 12),
    ("avg by (region)", "avg by (region) (cpu_usage_idle)", None, None, 24),
]


def die(msg):
    print(f"bench_promql.py: {msg}", file=sys.stderr)
    sys.exit(1)


def note(msg):
    print(f"bench_promql.py: {msg}", file=sys.stderr, flush=True)


def run(cmd, stdin=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def fmt_time(t):
    """Unix seconds (a multiple of 0.5) as PostgreSQL timestamptz text."""
    return f"to_timestamp({t!r})"


class Query:
    def __init__(self, spec, args):
        self.name, self.promql, self.window, hosts, self.span_hours = spec
        self.series = hosts or args.hosts
        data_end = START + args.hours * 3600  # one step after the last sample
        # Every evaluation 5.5 s after a sample: off the 10 s grid, where
        # Prometheus 2.42's closed windows [t - r, t] and 3.0's left-open ones
        # (t - r, t] select the same samples.
        self.end = data_end - INTERVAL + 5.5
        self.start = self.end if self.span_hours is None else self.end - self.span_hours * 3600
        self.range = self.span_hours is not None
        # rate's windows stay within the data: where a window starts more
        # than 1.1 sample intervals before a counter's first sample,
        # Prometheus 2.42 limits the extrapolation to the zero point before
        # deciding on half an interval, and 2.51+ (prometheus#13725), like
        # tsdb, after it, which gives other values. So on data shorter than
        # the span (--hours), the first step moves up to where its window
        # starts at most 4.5 s before the first sample.
        self.clipped = False
        if self.range and "rate(" in self.promql:
            earliest = START + self.window - (INTERVAL - 5.5)
            if self.start < earliest:
                steps = math.floor((self.end - earliest) / STEP)
                self.start = self.end - steps * STEP
                self.clipped = True
        lo = self.start - (self.window if self.window is not None else LOOKBACK)
        first = max(0, math.floor((lo - START) / INTERVAL) + 1)
        last = min(args.hours * 3600 // INTERVAL - 1, math.floor((self.end - START) / INTERVAL))
        self.samples_read = self.series * max(0, last - first + 1)

    def label(self):
        if self.range:
            span = f"{self.span_hours} h"
            if self.clipped:
                span += f" (clipped to {(self.end - self.start) / 3600:g} h by the data's start)"
            return f"`{self.promql}` range {span}, step {STEP} s"
        return f"`{self.promql}` instant"

    def curl_args(self, url):
        if self.range:
            params = [("start", self.start), ("end", self.end), ("step", STEP)]
            path = "/api/v1/query_range"
        else:
            params = [("time", self.end)]
            path = "/api/v1/query"
        out = ["--data-urlencode", f"query={self.promql}"]
        for k, v in params:
            out += ["--data-urlencode", f"{k}={v}"]
        return url + path, out

    def sql(self):
        q = "$promql$" + self.promql + "$promql$"
        if self.range:
            return (f"SELECT * FROM tsdb.promql_query_range({q}, {fmt_time(self.start)}, "
                    f"{fmt_time(self.end)}, '{STEP} seconds')")
        return f"SELECT * FROM tsdb.promql_query({q}, {fmt_time(self.end)})"


def prom_fetch(q, args):
    url, data = q.curl_args(args.prom_url)
    rc, out, err = run(["curl", "-sS", "--fail-with-body", url] + data)
    if rc != 0:
        raise RuntimeError(f"Prometheus: curl exit {rc}: {err.strip()} {out[:500]}")
    doc = json.loads(out)
    if doc.get("status") != "success":
        raise RuntimeError(f"Prometheus: {doc.get('error')}")
    result = {}
    data = doc["data"]
    for s in data["result"]:
        key = tuple(sorted(s["metric"].items()))
        points = s["values"] if data["resultType"] == "matrix" else [s["value"]]
        for t, v in points:
            result[(key, round(float(t) * 1000))] = float(v)
    return result


def psql_cmd(args):
    return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", args.db]


def tsdb_fetch(q, args):
    sql = (f"COPY (SELECT labels::text, round(extract(epoch FROM time) * 1000), value "
           f"FROM ({q.sql()}) r) TO STDOUT (FORMAT csv)")
    rc, out, err = run(psql_cmd(args) + ["-c", sql])
    if rc != 0:
        raise RuntimeError(f"tsdb: {err.strip()}")
    result = {}
    for labels, t, v in csv.reader(io.StringIO(out)):
        key = tuple(sorted(json.loads(labels).items()))
        result[(key, int(t))] = float(v)
    return result


def same(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return a == b or abs(a - b) <= REL_TOLERANCE * max(abs(a), abs(b))


def compare(prom, tsdb):
    """A list of differences, empty when the results agree."""
    diffs = []
    for k in sorted(prom.keys() - tsdb.keys())[:5]:
        diffs.append(f"only in Prometheus: {dict(k[0])} @ {k[1] / 1000} = {prom[k]!r}")
    for k in sorted(tsdb.keys() - prom.keys())[:5]:
        diffs.append(f"only in tsdb: {dict(k[0])} @ {k[1] / 1000} = {tsdb[k]!r}")
    bad = [k for k in sorted(prom.keys() & tsdb.keys()) if not same(prom[k], tsdb[k])]
    for k in bad[:5]:
        diffs.append(f"value: {dict(k[0])} @ {k[1] / 1000}: Prometheus {prom[k]!r}, tsdb {tsdb[k]!r}")
    n_only = len(prom.keys() ^ tsdb.keys())
    if n_only or bad:
        diffs.append(f"{len(prom)} points from Prometheus, {len(tsdb)} from tsdb; "
                     f"{n_only} on one side only, {len(bad)} values differ")
    return diffs


def prom_times(q, args):
    url, data = q.curl_args(args.prom_url)
    ms = []
    for _ in range(args.runs):
        rc, out, err = run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total}",
                            url] + data)
        code, secs = out.split()
        if rc != 0 or code != "200":
            raise RuntimeError(f"Prometheus: curl exit {rc}, HTTP {code}: {err.strip()}")
        ms.append(float(secs) * 1000)
    return ms


def tsdb_times(q, args):
    # One more execution than timed: the session's first warms its caches
    # (catalog, the library's per-backend state), as a pooled connection
    # would have them.
    script = "\\timing on\n\\o /dev/null\n" + (q.sql() + ";\n") * (args.runs + 1)
    rc, out, err = run(psql_cmd(args), stdin=script)
    if rc != 0:
        raise RuntimeError(f"tsdb: {err.strip()}")
    ms = [float(line.split()[1]) for line in out.splitlines() if line.startswith("Time: ")]
    if len(ms) != args.runs + 1:
        raise RuntimeError(f"tsdb: expected {args.runs + 1} timings from psql, got: {out!r}")
    return ms[1:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--prom-url", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--hosts", type=int, required=True)
    ap.add_argument("--hours", type=int, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="", help="run only queries whose label contains this")
    args = ap.parse_args()

    failures = []
    rows = []
    for spec in QUERIES:
        q = Query(spec, args)
        if args.only and args.only not in q.label():
            continue
        note(f"{q.label()}: {q.samples_read} samples")
        row = {"q": q, "prom": None, "tsdb": None, "status": ""}
        try:
            prom = prom_fetch(q, args)
            row["points"] = len(prom)
            row["prom"] = statistics.median(prom_times(q, args))
        except RuntimeError as e:
            failures.append(f"{q.label()}: {e}")
            row["status"] = "Prometheus error"
            rows.append(row)
            continue
        try:
            tsdb = tsdb_fetch(q, args)
            diffs = compare(prom, tsdb)
            if diffs:
                failures.append(f"{q.label()}: results differ:\n  " + "\n  ".join(diffs))
                row["status"] = "**MISMATCH**"
            row["tsdb"] = statistics.median(tsdb_times(q, args))
        except RuntimeError as e:
            failures.append(f"{q.label()}: {e}")
            row["status"] = "**tsdb error**"
        rows.append(row)

    print("| query | samples read | result points | Prometheus ms | tsdb ms | tsdb/Prometheus "
          "| tsdb ms per M samples | Prometheus ms per M samples |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        q = r["q"]
        m = q.samples_read / 1e6
        p = f"{r['prom']:.2f}" if r["prom"] is not None else "-"
        t = f"{r['tsdb']:.2f}" if r["tsdb"] is not None else "-"
        ratio = f"{r['tsdb'] / r['prom']:.2f}" if r["tsdb"] is not None and r["prom"] else "-"
        t_per = f"{r['tsdb'] / m:.1f}" if r["tsdb"] is not None and m else "-"
        p_per = f"{r['prom'] / m:.1f}" if r["prom"] is not None and m else "-"
        status = f" {r['status']}" if r["status"] else ""
        print(f"| {q.label()}{status} | {q.samples_read:,} | {r.get('points', 0):,} | {p} | {t} "
              f"| {ratio} | {t_per} | {p_per} |")
    # The targets: faster than Prometheus on every query, and at most
    # 10 ms per million samples read (per core: a query runs in one backend).
    # The second only where reading dominates (>= 100,000 samples); below,
    # fixed per-query costs do.
    timed = [r for r in rows if r["tsdb"] is not None and r["prom"] is not None]
    slower = [r["q"].label() for r in timed if r["tsdb"] >= r["prom"]]
    big = [r for r in timed if r["q"].samples_read >= 100000]
    over = [r["q"].label() for r in big if r["tsdb"] / (r["q"].samples_read / 1e6) > 10]
    print()
    print(f"Targets: faster than Prometheus on {len(timed) - len(slower)} of {len(timed)} queries"
          + (f" (not on {', '.join(slower)})" if slower else "") + "; <= 10 ms per million samples read on "
          f"{len(big) - len(over)} of the {len(big)} queries reading >= 100,000 samples"
          + (f" (not on {', '.join(over)})" if over else "") + ".")
    if failures:
        print(file=sys.stderr)
        for f in failures:
            print(f"bench_promql.py: FAILED {f}", file=sys.stderr)
        print(f"\n**{len(failures)} of {len(rows)} queries failed or differed** (see stderr).")
        sys.exit(1)
    print(f"\nEvery result equal between Prometheus and tsdb ({len(rows)} queries: same series, "
          f"same timestamps, values within a relative {REL_TOLERANCE}).")


if __name__ == "__main__":
    main()
