#!/usr/bin/env bash
# Installs missing Debian packages, then configures and builds the default preset.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# Let ccache hit across checkouts (CI builds a fresh clone in another folder).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)"
