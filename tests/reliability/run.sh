#!/usr/bin/env bash
# The attack, fault and soak record of docs/reliability.md. Loopback only, bounded, stops by itself.
#
#   tests/reliability/run.sh                      every scenario (soak: 300 connections, 120 s)
#   tests/reliability/run.sh jwt meta bodies      some scenarios
#   tests/reliability/run.sh soak --connections 300 --seconds 120
#
# Needs pushpin (apt-get install -y pushpin) and the .NET SDK. Builds samples/Echo and the runner
# (tests/Grip.Reliability) in Release first.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v pushpin >/dev/null || { echo "run.sh: pushpin is not installed (apt-get install -y pushpin)" >&2; exit 2; }
dotnet build tests/Grip.Reliability -c Release -v quiet -nologo >/dev/null
exec dotnet tests/Grip.Reliability/bin/Release/net10.0/Grip.Reliability.dll "$@"
