#!/usr/bin/env bash
# Minimal reproduction: Pushpin 1.36 drops WebSocket clients (1006) when it must start many
# WebSocket-over-HTTP requests to the origin at the same moment (docs/scaling.md). A hand-written
# origin (repro/burst.mjs) holds every client's first message and answers all of them at once while
# each client has a second message waiting in Pushpin; "spread" answers the same messages one by one.
#
#   benchmarks/fanout/repro/burst.sh                 # N=600, both modes, Pushpin log level 3 for the proxy
#   N=300 MODES=together benchmarks/fanout/repro/burst.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
N="${N:-600}"
MODES="${MODES:-spread together}"
results="${RESULTS_DIR:-$(mktemp -d /tmp/grip-burst.XXXXXX)}"
mkdir -p "$results"
PUSHPIN_LOG_LEVEL="${PUSHPIN_LOG_LEVEL:-2,pushpin-proxy:3}"
source "$here/lib.sh"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
(cd "$here" && { [ -d node_modules ] || npm ci --no-audit --no-fund >&2; })
for mode in $MODES; do
  dir=$(mktemp -d "$results/$mode.XXXX")
  read -r http_port pub_port origin_port <<<"$(free_ports)"
  pp=$(start_pushpin "$dir" "$http_port" "$pub_port" "$origin_port" "k$RANDOM$RANDOM")
  started+=("$pp")
  wait_port "$pp" "$http_port" 30 || { echo "pushpin did not start" >&2; exit 1; }
  sleep 1
  timeout 120 node "$here/repro/burst.mjs" "$origin_port" "ws://127.0.0.1:$http_port/burst" "$N" "$mode" "$dir/result.json" || true
  cleanup
  # Why Pushpin dropped them: each drop is a "target error" of the WebSocket-over-HTTP side, with
  # no new request to the origin logged for that connection (zhttp client: OUT).
  echo "$mode: $(grep -c 'target error' "$dir"/log/pushpin-proxy.log || true) x 'target error' in pushpin-proxy.log; $(grep -c '"method": "POST"' "$dir"/log/pushpin-proxy.log || true) requests to the origin started" >&2
done
echo "raw results: $results" >&2
