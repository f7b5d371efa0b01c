#!/usr/bin/env bash
# Builds the release preset (GCC Release, warnings as errors; build/release)
# and packages it with CPack into build/release/packages: the Debian packages
# libavala0, libavala-dev and avala-tools and a relocatable tarball; then
# checks them (tests/packages/check.sh). --install also installs the debs with
# apt, builds the C test program against them and removes them (CI machines).
# usage: scripts/package.sh [--install]
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
rm -rf build/release/packages
cpack --config build/release/CPackConfig.cmake -B build/release/packages >build/release/cpack.log 2>&1 \
  || { cat build/release/cpack.log >&2; exit 1; }
rm -rf build/release/packages/_CPack_Packages
ls -l build/release/packages
tests/packages/check.sh build/release/packages "$@"
