#!/usr/bin/env bash
# The TypeScript client's tests, as CI runs them (.ci/run calls this after the .NET tests):
# installs the pinned npm packages (package-lock.json), builds samples/PubSub unless GRIP_PUBSUB_DLL
# names a build, then runs every test/*.test.mjs with node's test runner. The live tests start
# their own PubSub sample and Pushpin on free loopback ports; the browser test uses /usr/bin/chromium.
# Prints node's TAP summary ("# pass N", "# fail N"); the exit code is node's.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "grip-ts: installing nodejs and npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "grip-ts: node and npm are required" >&2
    exit 1
  fi
fi

npm ci --no-audit --no-fund --loglevel=error

if [ -z "${GRIP_PUBSUB_DLL:-}" ]; then
  dotnet build ../../samples/PubSub -c Release -nologo -v q
fi

exec node --test --test-concurrency=1 --test-reporter=tap test/*.test.mjs
