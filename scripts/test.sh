#!/usr/bin/env bash
# Builds everything and runs every test: C++ (doctest), the C11 program, the
# installed-package consumer, the CLI, the emulator and the Python package.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
ctest --preset default -j2
