#!/usr/bin/env bash
# run-all.sh -- reruns every measurement of docs/performance.md "Origin throughput" in one go:
#
#   benchmarks/wire/run-all.sh [OUT_DIR]
#
#  1. builds bare Kestrel (the harness's kestrel-limit; JIT and Native AOT), samples/Echo (JIT and
#     Native AOT, with the linker's map file), the Node reference (serve-grip 2.0) and, when
#     BASELINE_REF is set (e.g. BASELINE_REF=main), samples/Echo at that commit (JIT) for before/after;
#  2. starts them all on free loopback ports (every origin checks Grip-Sig with key `changeme`,
#     iss `pushpin`, except kestrel-limit which checks nothing);
#  3. loads them interleaved with the harness's run.sh (single, batch50, open), every request signed
#     with the token of the current second like Pushpin does (make-sigs.js + rotating-sig.lua),
#     kestrel-limit first so every ratio is "vs bare Kestrel";
#     3b. then each native build against its JIT build loaded at the same moment (side-by-side.sh:
#     bare Kestrel, then Echo; OUT_DIR/side-by-side.md);
#     3c. and again one at a time in ABBA order, with a 95% interval per ratio and the CPU time per
#     request (abba.py; OUT_DIR/abba.md, abba-*.json);
#  4. cold start and memory (coldstart.sh, COLD_RUNS alternating starts of each native binary),
#     binary sizes, the largest contributors in the AOT map (aot-map.py);
#  5. BenchmarkDotNet: the whole request pipeline against the bare echo (PipelineBenchmarks) and
#     generated dispatch against a direct call (DispatchBenchmarks);
#  6. draws OUT_DIR/throughput.png (chart.sh) from the harness output.
#
# Everything it starts, it stops (by PID). Loopback only. About 45 minutes with the defaults on a
# 2-core machine (15 of them step 3c). Env: HARNESS=/work/shared/bench (the load harness), ROUNDS=3 DURATION=6,
# COLD_RUNS=5, BASELINE_REF=, SKIP_BDN=1 to leave out step 5, SKIP_NODE=1 to leave out the Node origin,
# SKIP_SIDE=1 to leave out step 3b, SIDE_ROUNDS=8 SIDE_DURATION=6 for its rounds, SKIP_ABBA=1 to leave
# out step 3c, ABBA_ROUNDS=10 for its rounds.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WIRE="$REPO/benchmarks/wire"
HARNESS="${HARNESS:-/work/shared/bench}"
OUT="${1:-$REPO/artifacts/perf/$(date -u +%Y%m%dT%H%M%SZ)}"
COLD_RUNS="${COLD_RUNS:-5}"
SIDE_ROUNDS="${SIDE_ROUNDS:-8}"
ABBA_ROUNDS="${ABBA_ROUNDS:-10}"
SIDE_DURATION="${SIDE_DURATION:-6}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$OUT/work"
mkdir -p "$WORK"
log() { echo "run-all: $*" >&2; }

[[ -x "$HARNESS/run.sh" ]] || { echo "no load harness at $HARNESS (set HARNESS=...)" >&2; exit 1; }
for tool in wrk curl node dotnet python3; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
done

# A private copy of the harness whose requests carry the token of the current second.
rm -rf "$WORK/harness"
cp -r "$HARNESS" "$WORK/harness"
rm -rf "$WORK/harness/node-origin/node_modules" "$WORK/harness/kestrel-limit/bin" "$WORK/harness/kestrel-limit/obj"
sed -i '/^return M$/d' "$WORK/harness/wrk/common.lua"
cat "$WIRE/rotating-sig.lua" >> "$WORK/harness/wrk/common.lua"
echo 'return M' >> "$WORK/harness/wrk/common.lua"
node "$WIRE/make-sigs.js" 7200 > "$WORK/sigs.txt"
export GRIP_SIGS_FILE="$WORK/sigs.txt"
# The preflight and coldstart.sh send the fixed GRIP_SIG; give them a token of this hour too.
GRIP_SIG="$(sed -n 2p "$WORK/sigs.txt")"
export GRIP_SIG

# ---- 1. build -------------------------------------------------------------------------------
log "building (JIT and Native AOT; a few minutes)"
dotnet build "$WORK/harness/kestrel-limit" -c Release -nologo -v q -o "$WORK/kestrel-limit-jit" > "$WORK/build.log" 2>&1
dotnet publish "$WORK/harness/kestrel-limit" -c Release -r linux-x64 -p:PublishAot=true -nologo -v q -o "$WORK/kestrel-limit-aot" >> "$WORK/build.log" 2>&1
dotnet build "$REPO/samples/Echo" -c Release -nologo -v q -o "$WORK/echo-jit" >> "$WORK/build.log" 2>&1
dotnet publish "$REPO/samples/Echo" -c Release -r linux-x64 -nologo -v q -o "$WORK/echo-aot" \
  -p:IlcGenerateMapFile=true -p:IlcGenerateMstatFile=true >> "$WORK/build.log" 2>&1
if [[ -n "${BASELINE_REF:-}" ]]; then
  rm -rf "$WORK/baseline-src"
  mkdir -p "$WORK/baseline-src"
  git -C "$REPO" archive "$BASELINE_REF" | tar -x -C "$WORK/baseline-src"
  dotnet build "$WORK/baseline-src/samples/Echo" -c Release -nologo -v q -o "$WORK/echo-baseline" >> "$WORK/build.log" 2>&1
fi
if [[ -z "${SKIP_NODE:-}" ]]; then
  (cd "$WORK/harness/node-origin" && npm ci --silent > /dev/null 2>&1 || npm install --silent > /dev/null 2>&1)
fi

# ---- 2. start -------------------------------------------------------------------------------
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
GRIP_URL_VALUE='http://127.0.0.1:5561/?iss=pushpin&key=changeme&verify-iss=pushpin'
start() { # name port command...
  local name="$1" port="$2"; shift 2
  setsid env GRIP_URL="$GRIP_URL_VALUE" Logging__LogLevel__Default=Warning PORT="$port" "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
}
wait_ready() { # url
  for _ in $(seq 1 200); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -X POST "$1" -H 'Content-Type: application/websocket-events' \
      -H 'Accept: application/websocket-events' -H 'Connection-Id: ready-1' -H "Grip-Sig: $GRIP_SIG" --data-binary $'OPEN\r\n' || true)"
    [[ "$code" == 200 ]] && return 0
    sleep 0.1
  done
  echo "$1 did not answer 200" >&2; return 1
}

TARGETS=()
p=$(free_port); start kestrel-limit "$p" dotnet "$WORK/kestrel-limit-jit/kestrel-limit.dll" --urls "http://127.0.0.1:$p"
TARGETS+=("kestrel-limit=http://127.0.0.1:$p/api/websocket")
p=$(free_port); start echo-jit "$p" dotnet "$WORK/echo-jit/Echo.dll" --urls "http://127.0.0.1:$p"
TARGETS+=("echo-jit=http://127.0.0.1:$p/api/websocket")
p=$(free_port); start echo-aot "$p" "$WORK/echo-aot/Echo" --urls "http://127.0.0.1:$p"
TARGETS+=("echo-aot=http://127.0.0.1:$p/api/websocket")
if [[ -n "${BASELINE_REF:-}" ]]; then
  p=$(free_port); start echo-baseline "$p" dotnet "$WORK/echo-baseline/Echo.dll" --urls "http://127.0.0.1:$p"
  TARGETS+=("echo-$BASELINE_REF=http://127.0.0.1:$p/api/websocket")
fi
if [[ -z "${SKIP_NODE:-}" ]]; then
  p=$(free_port); start node "$p" node "$WORK/harness/node-origin/server.js"
  TARGETS+=("node-origin=http://127.0.0.1:$p/api/websocket")
fi
for t in "${TARGETS[@]}"; do wait_ready "${t#*=}"; done

# ---- 3. load --------------------------------------------------------------------------------
log "load: ${TARGETS[*]}"
{ echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"; } > "$OUT/load.txt"
RESULTS_DIR="$OUT/wrk" "$WORK/harness/run.sh" "${TARGETS[@]}" > "$OUT/throughput.md"
{ echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"; } >> "$OUT/load.txt"
cleanup
PIDS=()

# Steps 3b and 3c: bare Kestrel and Echo, each as a JIT and a native build, started afresh (the load
# step's own origins are stopped, and bare native Kestrel is not among them). Fills URL[name] and
# PID[name]; setsid and env exec the command, so the PID is the origin's own (abba.py reads its CPU time).
declare -A URL=() PID=()
start_builds() { # log-prefix
  URL=(); PID=()
  local spec name p
  for spec in "kl-jit=dotnet $WORK/kestrel-limit-jit/kestrel-limit.dll" "kl-aot=$WORK/kestrel-limit-aot/kestrel-limit" \
              "echo-jit=dotnet $WORK/echo-jit/Echo.dll" "echo-aot=$WORK/echo-aot/Echo"; do
    name="${spec%%=*}"; p=$(free_port)
    # shellcheck disable=SC2086 # the command is words on purpose
    start "$1-$name" "$p" ${spec#*=} --urls "http://127.0.0.1:$p"
    URL[$name]="http://127.0.0.1:$p/api/websocket"; PID[$name]="${PIDS[-1]}"
  done
  for name in "${!URL[@]}"; do wait_ready "${URL[$name]}"; done
}

# ---- 3b. side by side: each native build against its JIT build, both loaded at the same moment ----
if [[ -z "${SKIP_SIDE:-}" ]]; then
  log "side by side (native against JIT, bare Kestrel and Echo)"
  start_builds side
  {
    echo "bare Kestrel, native / JIT:"; echo
    ROUNDS="$SIDE_ROUNDS" DURATION="$SIDE_DURATION" "$WIRE/side-by-side.sh" "$WORK/harness/wrk" "kestrel-jit=${URL[kl-jit]}" "kestrel-aot=${URL[kl-aot]}"
    echo; echo "samples/Echo, native / JIT:"; echo
    ROUNDS="$SIDE_ROUNDS" DURATION="$SIDE_DURATION" "$WIRE/side-by-side.sh" "$WORK/harness/wrk" "echo-jit=${URL[echo-jit]}" "echo-aot=${URL[echo-aot]}"
  } > "$OUT/side-by-side.md"
  cleanup
  PIDS=()
fi

# ---- 3c. ABBA: each native build against its JIT build, one at a time, with a 95% interval ------
if [[ -z "${SKIP_ABBA:-}" ]]; then
  log "ABBA rounds (native against JIT, bare Kestrel and Echo; $ABBA_ROUNDS rounds)"
  start_builds abba
  {
    echo "bare Kestrel, native / JIT:"; echo
    ROUNDS="$ABBA_ROUNDS" python3 "$WIRE/abba.py" "$WORK/harness/wrk" "kestrel-jit=${URL[kl-jit]}@${PID[kl-jit]}" "kestrel-aot=${URL[kl-aot]}@${PID[kl-aot]}" --json "$OUT/abba-kestrel.json"
    echo; echo "samples/Echo, native / JIT:"; echo
    ROUNDS="$ABBA_ROUNDS" python3 "$WIRE/abba.py" "$WORK/harness/wrk" "echo-jit=${URL[echo-jit]}@${PID[echo-jit]}" "echo-aot=${URL[echo-aot]}@${PID[echo-aot]}" --json "$OUT/abba-echo.json"
  } > "$OUT/abba.md"
  cleanup
  PIDS=()
fi

# ---- 4. cold start, memory, size ------------------------------------------------------------
log "cold start ($COLD_RUNS alternating starts each)"
# A token valid for the next hour (the ones of sigs.txt die an hour after the run started).
GRIP_SIG="$(node "$WORK/harness/wrk/make-sig.js" changeme pushpin $(( $(date +%s) + 3600 )))"
export GRIP_SIG
: > "$OUT/coldstart.txt"
for run in $(seq 1 "$COLD_RUNS"); do
  for app in kestrel-limit-aot/kestrel-limit echo-aot/Echo; do
    p=$(free_port)
    echo "## $app run $run" >> "$OUT/coldstart.txt"
    # The same logging as under load (kestrel-limit sets Warning in code; samples/Echo has no
    # appsettings.json, so it would log four Information lines per request and grow its RSS with them).
    GRIP_URL="$GRIP_URL_VALUE" Logging__LogLevel__Default=Warning "$WORK/harness/coldstart.sh" "$WORK/$app --urls http://127.0.0.1:$p" "http://127.0.0.1:$p/api/websocket" >> "$OUT/coldstart.txt" 2>&1 || true
  done
done
{
  echo "| binary | bytes | MiB |"
  echo "|---|---:|---:|"
  for f in kestrel-limit-aot/kestrel-limit echo-aot/Echo; do
    b=$(stat -c %s "$WORK/$f"); echo "| $f | $b | $(awk -v b="$b" 'BEGIN{printf "%.1f", b/1048576}') |"
  done
} > "$OUT/size.md"
map="$REPO/samples/Echo/obj/Release/net10.0/linux-x64/native/Echo.map.xml"
if [[ -s "$map" ]]; then python3 "$WIRE/aot-map.py" "$map" > "$OUT/aot-map.md"; else log "no AOT map file at $map"; fi

# ---- 5. BenchmarkDotNet ---------------------------------------------------------------------
if [[ -z "${SKIP_BDN:-}" ]]; then
  log "BenchmarkDotNet (in-process)"
  dotnet build "$REPO/benchmarks/Grip.Benchmarks" -c Release -nologo -v q > "$WORK/bdn-build.log" 2>&1
  (cd "$OUT" && dotnet "$REPO/benchmarks/Grip.Benchmarks/bin/Release/net10.0/Grip.Benchmarks.dll" \
    --filter '*PipelineBenchmarks*' '*DispatchBenchmarks*' --inProcess --warmupCount 5 --iterationCount 15 \
    --artifacts "$OUT/bdn" > "$OUT/bdn.log" 2>&1) || log "BenchmarkDotNet failed (see bdn.log)"
fi

# ---- 6. chart -------------------------------------------------------------------------------
"$WIRE/chart.sh" "$OUT/wrk/raw.tsv" "$OUT/throughput.png" || log "no chart (gnuplot missing?)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
log "done: $OUT (throughput.md, throughput.png, side-by-side.md, abba.md, coldstart.txt, size.md, aot-map.md, bdn/)"
