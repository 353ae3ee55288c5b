#!/usr/bin/env bash
# Builds and runs the fuzz harness (docs/reliability.md#fuzzing). Loopback-free, bounded, stops by itself.
#
#   tests/Grip.Fuzz/run.sh                      replay the corpus, then 10,000,000 inputs (the recorded run)
#   tests/Grip.Fuzz/run.sh replay               only replay the committed corpus
#   tests/Grip.Fuzz/run.sh fuzz --seconds 30    a short run (any harness arguments; see Program.cs)
#
# A failing input is written to $FUZZ_FINDINGS (default /tmp/grip-fuzz-findings) with its message;
# copy it under tests/Grip.Fuzz/corpus/<target>/regressions/ once fixed, so every later replay runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build tests/Grip.Fuzz -c Release -v quiet -nologo >/dev/null
dll=tests/Grip.Fuzz/bin/Release/net10.0/Grip.Fuzz.dll
if [ $# -eq 0 ]; then
  set -- fuzz --inputs 10000000
fi
cmd=$1; shift
exec dotnet "$dll" "$cmd" --corpus tests/Grip.Fuzz/corpus --findings "${FUZZ_FINDINGS:-/tmp/grip-fuzz-findings}" "$@"
