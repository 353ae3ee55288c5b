#!/usr/bin/env bash
# chart.sh RAW_TSV OUT_PNG -- draws the harness output (run.sh's raw.tsv) as a PNG: median
# requests/s and median p99 latency per scenario, one bar per origin, in run order (bare Kestrel
# first). Needs gnuplot (Debian: apt-get install gnuplot-nox).
set -euo pipefail
RAW="$1"; PNG="$2"
command -v gnuplot >/dev/null || { echo "gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
DATA="$(mktemp)"; trap 'rm -f "$DATA"' EXIT

# scenario x target table of medians: "scenario rps(t0) rps(t1) ... p99(t0) p99(t1) ..."
python3 - "$RAW" > "$DATA" <<'PY'
import sys, statistics, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
targets = {}
scen = []
rps = collections.defaultdict(list); p99 = collections.defaultdict(list)
for s, i, name, rnd, r, p, err, epr in rows:
    targets[int(i)] = name
    if s not in scen: scen.append(s)
    rps[(s, int(i))].append(float(r)); p99[(s, int(i))].append(float(p))
order = sorted(targets)
print("scenario " + " ".join(f'"{targets[i]}"' for i in order) + " " + " ".join(f'"{targets[i]} p99"' for i in order))
for s in scen:
    print(s + " " + " ".join(f"{statistics.median(rps[(s, i)]):.0f}" for i in order)
          + " " + " ".join(f"{statistics.median(p99[(s, i)]):.2f}" for i in order))
PY
n=$(( ($(sed -n 2p "$DATA" | wc -w) - 1) / 2 ))

gnuplot <<GP
set terminal png size 1200,520 font ",11"
set output "$PNG"
set multiplot layout 1,2 title "GRIP WebSocket-over-HTTP origins: medians of interleaved wrk rounds (loopback, 2 cores shared)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key below autotitle columnhead
set grid ytics
set yrange [0:*]
set title "requests/s (higher is better)"
plot for [c=2:$((n + 1))] "$DATA" using c:xtic(1)
set title "p99 latency, ms (lower is better)"
plot for [c=$((n + 2)):$((2 * n + 1))] "$DATA" using c:xtic(1)
unset multiplot
GP
echo "chart: $PNG"
