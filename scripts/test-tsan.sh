#!/usr/bin/env bash
# The concurrency tests (label `concurrency`) built with ThreadSanitizer:
# libavala, the emulator and the tests all instrumented.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j"$(nproc)" --target capi_concurrency_tests avala-emulator
ctest --preset tsan -j2
