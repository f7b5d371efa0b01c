#!/usr/bin/env bash
# The C++ suites (unit, integration, C11, consumer, CLI, emulator) built with
# AddressSanitizer + UndefinedBehaviorSanitizer, leak checking on.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset asan -DAVALA_BUILD_PYTHON=OFF >/dev/null
cmake --build --preset asan -j"$(nproc)"
ctest --preset asan -j2
