#!/usr/bin/env bash
# side-by-side.sh WRK_DIR NAME_A=URL_A NAME_B=URL_B -- two origins loaded at the same moment.
#
# On a shared machine the rounds of one target in the interleaved harness (run.sh) spread by 10-30%,
# more than the difference between, say, a Native AOT and a JIT build. Here both origins get one wrk
# each (-t1 -cCONNS) for the same DURATION seconds, so whatever else the machine does hits both; the
# ratio B/A is taken per round and reported as the median and the range over ROUNDS rounds, per
# scenario. Prints a markdown table. WRK_DIR holds the harness's wrk scripts (single.lua,
# batch50.lua, open.lua; run-all.sh passes its copy, whose requests carry the token of the current
# second). Env: ROUNDS=8 (<= 20) DURATION=6 (<= 60) CONNS=16 (<= 256) SCENARIOS="single batch50 open".
# Loopback only: both URLs must be http://127.x.x.x.
set -euo pipefail
WRK_DIR="$1"; A="$2"; B="$3"
ROUNDS="${ROUNDS:-8}"; DURATION="${DURATION:-6}"; CONNS="${CONNS:-16}"
(( ROUNDS <= 20 && DURATION <= 60 && CONNS <= 256 )) || { echo "limits: ROUNDS<=20 DURATION<=60 CONNS<=256" >&2; exit 2; }
name_a="${A%%=*}"; url_a="${A#*=}"; name_b="${B%%=*}"; url_b="${B#*=}"
for u in "$url_a" "$url_b"; do
  [[ "$u" =~ ^http://127\.[0-9]+\.[0-9]+\.[0-9]+: ]] || { echo "not a loopback URL: $u" >&2; exit 2; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Both at once; returns when both wrk runs have ended (waits for these two, not the caller's origins).
both() { # seconds out_a out_b script
  wrk -t1 -c"$CONNS" -d"$1s" --timeout 2s -s "$4" "$url_a" > "$2" 2>&1 & local pa=$!
  wrk -t1 -c"$CONNS" -d"$1s" --timeout 2s -s "$4" "$url_b" > "$3" 2>&1 & local pb=$!
  wait "$pa" "$pb" || true
}
rps() { grep -oP 'Requests/sec:\s+\K[\d.]+' "$1" || echo 0; }

echo "| scenario | $name_a req/s (median) | $name_b req/s (median) | $name_b / $name_a per round: median | min | max |"
echo "|---|---:|---:|---:|---:|---:|"
for s in ${SCENARIOS:-single batch50 open}; do
  script="$WRK_DIR/$s.lua"
  [[ -f "$script" ]] || { echo "no wrk script $script" >&2; exit 2; }
  both 3 /dev/null /dev/null "$script"   # warm-up
  : > "$tmp/$s"
  for _ in $(seq 1 "$ROUNDS"); do
    both "$DURATION" "$tmp/a" "$tmp/b" "$script"
    echo "$(rps "$tmp/a") $(rps "$tmp/b")" >> "$tmp/$s"
  done
  python3 - "$s" "$tmp/$s" <<'PY'
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
ratios = [b / a for a, b in rows if a > 0]
if not ratios:
    print(f"| {sys.argv[1]} | - | - | no answers | | |")
else:
    print(f"| {sys.argv[1]} | {statistics.median(a for a, _ in rows):,.0f} | {statistics.median(b for _, b in rows):,.0f} | "
          f"**{statistics.median(ratios):.2f}** | {min(ratios):.2f} | {max(ratios):.2f} |")
PY
done
