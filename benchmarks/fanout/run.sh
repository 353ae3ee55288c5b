#!/usr/bin/env bash
# Fan-out load harness (docs/performance.md): N clients x M messages through a real Pushpin 1.36
# against samples/Chat (JIT build and Native AOT binary) and the Node reference chat, interleaved
# in one run. Each run gets a fresh Pushpin and a fresh origin on free loopback ports; the script
# stops them (only the PIDs it started) and prints one table.
#
#   benchmarks/fanout/run.sh                      # 200 500 1000 clients x 5 messages, jit aot node
#   CLIENTS="20" MESSAGES=2 benchmarks/fanout/run.sh
#
# Env: CLIENTS ("200 500 1000"), SHAPES ("burst"; "burst paced" runs both per size: burst = MESSAGES per
# client within SPREAD_MS, far more than one Pushpin delivers in that time; paced = PACED_MESSAGES per
# client ("200:5 500:2 1000:1") spread so that PACED_RATE (5000) deliveries per second are asked of
# Pushpin, within its capacity here), MESSAGES (5), WARMUP ("2 1": clients and messages before measuring), SPREAD_MS (5000: each client's messages are sent at
# random moments in this window), SIDES ("jit aot node"; also r2r: the JIT build published with ReadyToRun; jit-tiered, jit-tiered-nopgo: the
# JIT build with the runtime's tiered compilation; jit-nocoalesce, aot-nocoalesce), SETTLE_MS (30000: stop waiting when nothing
# arrives for this long), MAX_RUN_S (600: hard bound per run), AOT_DIR (reuse a published binary),
# RESULTS_DIR (default: a new /tmp/grip-fanout.*), CHAT_ARGS (extra args for samples/Chat, e.g.
# --Grip:Publisher:Coalesce=false), PROFILE (counters | trace: dotnet-counters / dotnet-trace on the .NET
# origins during the measured window, files in the run's folder), PUSHPIN_LOG_LEVEL (e.g. "2,pushpin-proxy:3"),
# PUSHPIN_MESSAGE_RATE / PUSHPIN_MESSAGE_HWM (Pushpin's [handler]
# message_rate and message_hwm; unset = Pushpin's defaults 2500 and 25000: every item x subscriber
# is one rate-limited delivery, and past the high-water mark Pushpin drops deliveries, logging
# "exceeded publish hwm"; the table counts those lines).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="${REPO:-$(cd "$here/../.." && pwd)}"
CLIENTS="${CLIENTS:-200 500 1000}"
MESSAGES="${MESSAGES:-5}"
SPREAD_MS="${SPREAD_MS:-5000}"
SHAPES="${SHAPES:-burst}"
PACED_RATE="${PACED_RATE:-5000}"
PACED_MESSAGES="${PACED_MESSAGES:-200:5 500:2 1000:1}"
R2R_PUBLISH_ARGS="${R2R_PUBLISH_ARGS:--p:PublishReadyToRun=true}"
SIDES="${SIDES:-jit aot node}"
SETTLE_MS="${SETTLE_MS:-30000}"
MAX_RUN_S="${MAX_RUN_S:-600}"
CHAT_ARGS="${CHAT_ARGS:-}"
results="${RESULTS_DIR:-$(mktemp -d /tmp/grip-fanout.XXXXXX)}"
mkdir -p "$results"
tick=$(getconf CLK_TCK)

command -v pushpin >/dev/null || { echo "pushpin is not installed (apt-get install pushpin)" >&2; exit 1; }
command -v node >/dev/null || { echo "node is not installed" >&2; exit 1; }

# Everything this script starts, and how to stop exactly those: lib.sh.
source "$here/lib.sh"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

echo "== building (results in $results)" >&2
(cd "$here" && { [ -d node_modules ] || npm ci --no-audit --no-fund >&2; })
# Built into the results folder: a snapshot that later edits of the work tree cannot change mid-run.
dotnet build "$repo/samples/Chat" -c Release -v quiet -nologo -o "$results/jit" >&2
jit_dll="$results/jit/Chat.dll"
if [[ " $SIDES " == *" aot"* ]]; then
  if [ -z "${AOT_DIR:-}" ]; then
    AOT_DIR="$results/aot"
    dotnet publish "$repo/samples/Chat" -c Release -r linux-x64 -o "$AOT_DIR" -v quiet -nologo >&2
  fi
  test -x "$AOT_DIR/Chat" || { echo "no native Chat at $AOT_DIR/Chat" >&2; exit 1; }
fi
# "r2r": the JIT deployment a production service would ship: framework-dependent, every assembly of
# the app (samples/Chat, Grip.*, IdentityModel) precompiled with ReadyToRun (the framework's own
# assemblies are already), with Chat.csproj's runtime settings (tiered compilation off: precompiled
# code is used as it is, and what was not precompiled is compiled once, optimized).
# R2R_PUBLISH_ARGS changes the MSBuild properties (e.g. add -p:TieredCompilation=true).
if [[ " $SIDES " == *" r2r"* ]]; then
  if [ -z "${R2R_DIR:-}" ]; then
    R2R_DIR="$results/r2r"
    # shellcheck disable=SC2086 # R2R_PUBLISH_ARGS is a list of MSBuild properties.
    dotnet publish "$repo/samples/Chat" -c Release -r linux-x64 --self-contained false -p:PublishAot=false $R2R_PUBLISH_ARGS -o "$R2R_DIR" -v quiet -nologo >&2
  fi
  test -f "$R2R_DIR/Chat.dll" || { echo "no ReadyToRun Chat at $R2R_DIR/Chat.dll" >&2; exit 1; }
fi


# "-nocoalesce" sides: the same binary with one request per publish (to measure what coalescing does).
side_args() { case $1 in *-nocoalesce) echo "--Grip:Publisher:Coalesce=false" ;; esac; }
# "jit-tiered": the same JIT build with the runtime's default tiered compilation instead of
# Chat.csproj's TieredCompilation=false (the environment variable overrides Chat.runtimeconfig.json):
# a quick first compile, call counting, and hot methods recompiled with (tiered PGO) instrumentation,
# then optimized. "jit-tiered-nopgo": the same without the instrumented step.
side_env() { case $1 in jit-tiered) echo "DOTNET_TieredCompilation=1" ;; jit-tiered-nopgo) echo "DOTNET_TieredCompilation=1 DOTNET_TieredPGO=0" ;; esac; }

run_one() { # side clients shape messages spread_ms
  local side=$1 n=$2 shape=$3 msgs=$4 spread=$5
  local dir; dir=$(mktemp -d "$results/run-$shape-$side-$n.XXXX")
  local http_port pub_port origin_port key="k$RANDOM$RANDOM"
  read -r http_port pub_port origin_port <<<"$(free_ports)"
  local pp; pp=$(start_pushpin "$dir" "$http_port" "$pub_port" "$origin_port" "$key")
  started+=("$pp")
  local grip_url="http://127.0.0.1:$pub_port/?iss=pushpin&key=$key"
  local origin
  case $side in
    jit|jit-nocoalesce|jit-tiered|jit-tiered-nopgo) env GRIP_URL="$grip_url" $(side_env "$side") dotnet "$jit_dll" --urls "http://127.0.0.1:$origin_port" --Logging:LogLevel:Default=Warning $CHAT_ARGS $(side_args "$side") >"$dir/origin.out" 2>&1 & origin=$! ;;
    r2r) GRIP_URL="$grip_url" dotnet "$R2R_DIR/Chat.dll" --urls "http://127.0.0.1:$origin_port" --Logging:LogLevel:Default=Warning $CHAT_ARGS >"$dir/origin.out" 2>&1 & origin=$! ;;
    aot|aot-nocoalesce) GRIP_URL="$grip_url" "$AOT_DIR/Chat" --urls "http://127.0.0.1:$origin_port" --Logging:LogLevel:Default=Warning $CHAT_ARGS $(side_args "$side") >"$dir/origin.out" 2>&1 & origin=$! ;;
    node) PORT=$origin_port GRIP_CONTROL="http://127.0.0.1:$pub_port/" GRIP_KEY="$key" node "$here/chat.mjs" >"$dir/origin.out" 2>&1 & origin=$! ;;
  esac
  started+=("$origin")
  wait_port "$origin" "$origin_port" 30 || { echo "origin $side did not start: $(tail -5 "$dir/origin.out")" >&2; cleanup; return 1; }
  wait_port "$pp" "$http_port" 30 && wait_port "$pp" "$pub_port" 30 || { echo "pushpin did not start: $(tail -5 "$dir/pushpin.out")" >&2; cleanup; return 1; }
  sleep 1
  # Still ours: a port taken by someone else in the meantime shows up as our process having died.
  kill -0 "$origin" 2>/dev/null && kill -0 "$pp" 2>/dev/null || { echo "origin or pushpin exited" >&2; cleanup; return 1; }
  # Warm-up (WARMUP="clients messages", default "2 1": the first request's costs stay out of the
  # measured window; a longer one also moves JIT tier-up out of it, for every side alike).
  read -r wc wm <<<"${WARMUP:-2 1}"
  timeout 120 node "$here/load.js" "ws://127.0.0.1:$http_port/api/chat" "$wc" "$wm" 1000 "$dir/warmup.json" 3000 100000 >/dev/null 2>&1 || true
  local load_before c0 p0 c1 p1
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  c0=$(cpu_ticks "$origin"); p0=$(tree_ticks "$pp")
  # In the background and waited for, so that an interrupt stops it at once (traps run during wait).
  # load.js stops itself 30 s before MAX_RUN_S and writes its result: with a 10 s margin, at load 70 the
  # outer timeout once stopped it before it had written anything (jit-tiered at 1,000 clients, 2026-12-05).
  timeout "$MAX_RUN_S" node "$here/load.js" "ws://127.0.0.1:$http_port/api/chat" "$n" "$msgs" "$spread" "$dir/result.json" "$SETTLE_MS" $(( (MAX_RUN_S - 30) * 1000 )) >/dev/null 2>"$dir/load.err" &
  local load_pid=$!
  started+=("$load_pid")
  # PROFILE (.NET sides only, outside the measured numbers' comparison): "counters" records the
  # runtime's counters (JIT time, methods jitted, GC) every second; "trace" a CPU-sampling trace.
  local prof_pid=""
  if [ -n "${PROFILE:-}" ] && [[ $side != node ]]; then
    case $PROFILE in
      counters) dotnet-counters collect -p "$origin" --format csv -o "$dir/counters.csv" --refresh-interval 1 --counters System.Runtime >"$dir/profile.out" 2>&1 & prof_pid=$! ;;
      trace) dotnet-trace collect -p "$origin" --profile dotnet-sampled-thread-time -o "$dir/origin.nettrace" >"$dir/profile.out" 2>&1 & prof_pid=$! ;;
    esac
    started+=("$prof_pid")
  fi
  wait "$load_pid" || echo "load client for $side/$n ended with $?" >&2
  c1=$(cpu_ticks "$origin"); p1=$(tree_ticks "$pp")
  if [ -n "$prof_pid" ]; then kill -INT "$prof_pid" 2>/dev/null || true; for _ in $(seq 1 100); do kill -0 "$prof_pid" 2>/dev/null || break; sleep 0.1; done; fi
  local rss; rss=$(peak_rss_kb "$origin")
  local load_after; load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  local alive=yes; kill -0 "$origin" 2>/dev/null || alive=no
  cleanup
  local hwm_drops; hwm_drops=$(cat "$dir"/log/*.log "$dir/pushpin.out" 2>/dev/null | grep -c "exceeded publish hwm" || true)
  node -e '
    const r = require(process.argv[1]);
    const [side, n, shape, oc, pc, rss, lb, la, alive, hwm, total] = process.argv.slice(2);
    const deliveries = r.recvTotal;
    const cpuMs = +oc, perK = deliveries ? cpuMs / (deliveries / 1000) : null;
    const closes = Object.entries(r.closes).map(([k, v]) => `${v}x${k}`).join(" ") || "0";
    const lost = r.lostAmongOpen ?? r.lost;
    const never = r.neverDeliveredFromOpen === undefined ? "-" : `${r.neverDeliveredFromOpen}/${r.neverDeliveredFromClosed}`;
    console.log("| " + [side, n, shape, `${r.uniqueDelivered}/${r.expectedDeliveries}`, lost, never, r.dup, `${r.toldNotDelivered}/${r.toldUnknown}`, closes,
      `${r.p50} / ${r.p99}`, `${r.p50All ?? "never"} / ${r.p99All ?? "never"}`, (cpuMs/1000).toFixed(2), (+total/1000).toFixed(2), perK === null ? "-" : perK.toFixed(2), (+rss/1024).toFixed(1),
      (+pc/1000).toFixed(1), hwm, `${lb} -> ${la}`, alive, (r.wallMs/1000).toFixed(1)].join(" | ") + " |");
  ' "$dir/result.json" "$side" "$n" "$shape ${msgs}x$((spread / 1000))s" "$(( (c1 - c0) * 1000 / tick ))" "$(( (p1 - p0) * 1000 / tick ))" "$rss" "$load_before" "$load_after" "$alive" "$hwm_drops" "$(( c1 * 1000 / tick ))" | tee -a "$results/table.txt"
}

echo "| origin | clients | shape (messages per client x window) | delivered (unique/expected, open clients) | lost among open | reached no one (open/closed senders) | duplicates | sender told (failed/unknown) | closed (count x code) | p50 / p99 ms (delivered) | p50 / p99 ms (all expected; never = not reached) | origin CPU s | origin CPU s since its start (start-up and warm-up included) | origin CPU ms per 1,000 deliveries | origin peak RSS MiB | Pushpin CPU s | Pushpin hwm drops | load avg before -> after | origin alive | wall s |" | tee "$results/table.txt"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" | tee -a "$results/table.txt"
echo "Pushpin [handler] message_rate=${PUSHPIN_MESSAGE_RATE:-default} message_hwm=${PUSHPIN_MESSAGE_HWM:-default}; shapes: $SHAPES (burst: $MESSAGES messages per client within $SPREAD_MS ms; paced: ${PACED_MESSAGES} messages per client at $PACED_RATE deliveries/s in all); warm-up ${WARMUP:-2 1} (clients messages); $(nproc) cores" | tee "$results/setup.txt" >&2
# paced: the window that offers PACED_RATE deliveries per second (n clients x m messages reach n clients).
paced_messages() { local n=$1 entry; for entry in $PACED_MESSAGES; do [ "${entry%%:*}" = "$n" ] && { echo "${entry#*:}"; return; }; done; echo 1; }
round=0
for n in $CLIENTS; do
  for shape in $SHAPES; do
    case $shape in
      burst) msgs=$MESSAGES; spread=$SPREAD_MS ;;
      paced) msgs=$(paced_messages "$n"); spread=$(( n * n * msgs * 1000 / PACED_RATE )) ;;
      *) echo "unknown shape $shape" >&2; exit 2 ;;
    esac
    # Rotate the order of the sides per size and shape so that drift on the shared machine hits each alike.
    read -r -a sides <<<"$SIDES"
    k=$(( round % ${#sides[@]} ))
    ordered=("${sides[@]:k}" "${sides[@]:0:k}")
    for side in "${ordered[@]}"; do
      run_one "$side" "$n" "$shape" "$msgs" "$spread" || { echo "| $side | $n | $shape | run failed (see $results) |" | tee -a "$results/table.txt"; cleanup; }
    done
    round=$((round + 1))
  done
done
echo >&2
cat "$results/table.txt" >&2
echo "raw results: $results" >&2
