#!/usr/bin/env bash
# Builds the `bench` preset (Release, build/bench) and runs every benchmark
# side by side: bench/run.py starts its own emulators on 127.0.0.1, prints the
# table of ratios and rewrites the generated part of bench/RESULTS.md.
# Arguments go to bench/run.py (e.g. --rounds 3, --only pagination,latency).
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
# Other builds share this machine: configure and compile under the shared lock.
flock /tmp/avala-build.lock cmake --preset bench >/dev/null
flock /tmp/avala-build.lock cmake --build --preset bench -j"$(nproc)"

# run.py stops its emulators on SIGTERM too; make sure it gets one if we die.
runner=
stop_runner() {
  local rc=$?
  if [[ -n "$runner" ]]; then kill "$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true; fi
  exit "$rc"
}
trap stop_runner EXIT
/usr/bin/python3 bench/run.py "$@" &
runner=$!
wait "$runner"
