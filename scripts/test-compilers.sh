#!/usr/bin/env bash
# The builds packagers and other compilers make, with warnings as errors, and
# every test on each: the `release` preset (GCC, CMAKE_BUILD_TYPE=Release,
# -O3: GCC 12 warns there about things -O2 does not show) and the `clang`
# preset (clang 14, Release). Python is tested by scripts/test.sh.
# usage: scripts/test-compilers.sh [PRESET...]   (default: release clang)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(release clang)
for preset in "${presets[@]}"; do
  echo "== $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$(nproc)"
  ctest --preset "$preset" -j2
done
