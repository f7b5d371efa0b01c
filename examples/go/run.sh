#!/usr/bin/env bash
# Builds list_projects against a libavala build tree (no installed copy
# needed, no module outside the standard library, no network) and runs it.
# usage: run.sh INCLUDE_DIR LIB_DIR [list_projects args...]
# $AVALA_TEST_PRELOAD, when set (sanitizer builds), is preloaded into the
# program only, not into the Go toolchain.
set -euo pipefail
include=$1 libdir=$2; shift 2
cd "$(dirname "$0")"
export CGO_ENABLED=1 GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
export CGO_CFLAGS="-I$include" CGO_LDFLAGS="-L$libdir -Wl,-rpath,$libdir"
out=$(mktemp -d "${TMPDIR:-/tmp}/avala-go.XXXXXX")
trap 'rm -rf "$out"' EXIT
"${GO:-go}" build -o "$out/list_projects" ./list_projects
LD_PRELOAD="${AVALA_TEST_PRELOAD:-${LD_PRELOAD:-}}" "$out/list_projects" "$@"
