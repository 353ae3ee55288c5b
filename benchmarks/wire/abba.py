#!/usr/bin/env python3
"""abba.py -- two origins, one at a time in ABBA order, the ratio per round with a 95% interval.

    benchmarks/wire/abba.py WRK_DIR NAME_A=URL_A[@PID_A] NAME_B=URL_B[@PID_B] [--json OUT]

Why a third method next to the harness (run.sh: interleaved, medians of a few rounds) and
side-by-side.sh (both loaded at once): on this shared 2-core machine the throughput of one origin
drifts by 10-30% within minutes, more than the difference between, say, a Native AOT build and a JIT
build. Here each round loads A, B, B, A (the next round B, A, A, B) for LOAD_SECONDS each, with the
harness's wrk settings (-t2 -c32), so a drift that is linear over a round cancels out and each origin
has the whole machine while it is measured. The ratio B/A is taken per round; the table gives the
median over the rounds, a 95% interval for that median (percentile bootstrap, 4,000 resamples, fixed
seed: the same rows give the same interval), and in how many rounds B was at least as fast as A.

With @PID the origin's CPU time per request is measured too (utime + stime of /proc/PID/stat over
each load): the ratio A/B of CPU per request is the throughput ratio an origin would reach on a machine
with nothing else running, and it is less exposed to other tenants than requests/s.

WRK_DIR holds the harness's wrk scripts (single.lua, batch50.lua, open.lua). Loopback only; bounded:
ROUNDS <= 40, LOAD_SECONDS <= 30, CONNS <= 256. Env: ROUNDS=12 LOAD_SECONDS=3 CONNS=32 THREADS=2
SCENARIOS="single batch50 open". Prints a markdown table; --json OUT also writes every round.
"""
import json
import os
import random
import re
import statistics
import subprocess
import sys

LOOPBACK = re.compile(r"^http://127\.\d+\.\d+\.\d+:\d+/")


def fail(message):
    print(f"abba.py: {message}", file=sys.stderr)
    sys.exit(2)


def parse_target(arg):
    name, sep, rest = arg.partition("=")
    if not sep or not name:
        fail(f"expected NAME=URL[@PID], got {arg!r}")
    url, _, pid = rest.partition("@")
    if not LOOPBACK.match(url):
        fail(f"not a loopback URL: {url}")
    if pid and not pid.isdigit():
        fail(f"not a PID: {pid}")
    return name, url, int(pid) if pid else None


def cpu_ticks(pid):
    # Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


TICKS = os.sysconf("SC_CLK_TCK")


def load(target, script, seconds, threads, conns):
    """One wrk run against one origin: (requests/s, CPU microseconds per request or None)."""
    _, url, pid = target
    before = cpu_ticks(pid) if pid else None
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--timeout", "2s", "-s", script, url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=seconds + 30, check=False).stdout
    after = cpu_ticks(pid) if pid else None
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    rps = float(m.group(1)) if m else 0.0
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        fail(f"{url} answered {errors.group(1)} requests with an error status: is it the right origin?")
    if rps <= 0:
        fail(f"{url} answered nothing in {seconds} s: is it running? wrk said: {out.strip()[-300:]}")
    cpu = (after - before) / TICKS / (rps * seconds) * 1e6 if pid and rps > 0 else None
    return rps, cpu


def median_interval(values, rng):
    medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(4000))
    return medians[100], medians[3899]


def main(argv):
    args = list(argv)
    json_out = None
    if "--json" in args:
        i = args.index("--json")
        if i + 1 >= len(args):
            fail("--json needs a file name")
        json_out = args[i + 1]
        del args[i:i + 2]
    if len(args) != 3:
        fail("usage: abba.py WRK_DIR NAME_A=URL_A[@PID_A] NAME_B=URL_B[@PID_B] [--json OUT]")
    wrk_dir = args[0]
    a, b = parse_target(args[1]), parse_target(args[2])
    rounds = int(os.environ.get("ROUNDS", "12"))
    seconds = int(os.environ.get("LOAD_SECONDS", "3"))
    conns = int(os.environ.get("CONNS", "32"))
    threads = int(os.environ.get("THREADS", "2"))
    scenarios = os.environ.get("SCENARIOS", "single batch50 open").split()
    if not (1 <= rounds <= 40 and 1 <= seconds <= 30 and 1 <= conns <= 256 and 1 <= threads <= conns):
        fail("limits: 1 <= ROUNDS <= 40, 1 <= LOAD_SECONDS <= 30, 1 <= CONNS <= 256, 1 <= THREADS <= CONNS")
    with_cpu = a[2] is not None and b[2] is not None

    header = f"| scenario | {a[0]} req/s | {b[0]} req/s | {b[0]} / {a[0]}: median | 95% interval | rounds {b[0]} >= {a[0]} |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if with_cpu:
        header += f" CPU/request {a[0]} | {b[0]} | {a[0]} / {b[0]} CPU: median | 95% interval |"
        rule += "---:|---:|---:|---:|"
    print(f"{rounds} rounds of A B B A / B A A B, {seconds} s each, wrk -t{threads} -c{conns}\n")
    print(header)
    print(rule, flush=True)
    report = {"rounds": rounds, "seconds": seconds, "conns": conns, "threads": threads, "a": a[0], "b": b[0], "scenarios": {}}
    for scenario in scenarios:
        script = os.path.join(wrk_dir, f"{scenario}.lua")
        if not os.path.isfile(script):
            fail(f"no wrk script {script}")
        for target in (a, b, a, b):  # warm-up: the JIT tiers up, pools fill
            load(target, script, 2, threads, conns)
        rows = []
        for r in range(rounds):
            order = (a, b, b, a) if r % 2 == 0 else (b, a, a, b)
            got = {a[0]: [], b[0]: []}
            for target in order:
                got[target[0]].append(load(target, script, seconds, threads, conns))
            rps_a = statistics.mean(x for x, _ in got[a[0]])
            rps_b = statistics.mean(x for x, _ in got[b[0]])
            row = {"a": rps_a, "b": rps_b, "ratio": rps_b / rps_a if rps_a > 0 else 0.0}
            if with_cpu:
                row["cpu_a"] = statistics.mean(c for _, c in got[a[0]])
                row["cpu_b"] = statistics.mean(c for _, c in got[b[0]])
                row["cpu_ratio"] = row["cpu_a"] / row["cpu_b"]
            rows.append(row)
        rng = random.Random(18)
        ratios = [row["ratio"] for row in rows]
        lo, hi = median_interval(ratios, rng)
        line = (f"| {scenario} | {statistics.median(r['a'] for r in rows):,.0f} | {statistics.median(r['b'] for r in rows):,.0f} | "
                f"**{statistics.median(ratios):.3f}** | {lo:.3f}-{hi:.3f} | {sum(1 for x in ratios if x >= 1)}/{rounds} |")
        summary = {"median": statistics.median(ratios), "interval": [lo, hi], "rows": rows}
        if with_cpu:
            cpu_ratios = [row["cpu_ratio"] for row in rows]
            clo, chi = median_interval(cpu_ratios, rng)
            line += (f" {statistics.median(r['cpu_a'] for r in rows):.1f} µs | {statistics.median(r['cpu_b'] for r in rows):.1f} µs | "
                     f"**{statistics.median(cpu_ratios):.3f}** | {clo:.3f}-{chi:.3f} |")
            summary.update(cpu_median=statistics.median(cpu_ratios), cpu_interval=[clo, chi])
        report["scenarios"][scenario] = summary
        print(line, flush=True)
    if json_out:
        with open(json_out, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
