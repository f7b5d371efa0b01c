#!/usr/bin/env bash
# Builds list_projects against a libavala found through pkg-config (no module
# outside the standard library, no network) and runs it.
# usage: run.sh PKG_CONFIG_DIR [list_projects args...]
#   PKG_CONFIG_DIR: where avala.pc is: $PREFIX/lib/pkgconfig for an install,
#   $BUILD/capi/pkgconfig-uninstalled for a build tree.
# $AVALA_TEST_PRELOAD, when set (sanitizer builds), is preloaded into the
# program only, not into the Go toolchain.
set -euo pipefail
pcdir=$(cd "$1" && pwd); shift
cd "$(dirname "$0")"
export CGO_ENABLED=1 GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
# The library may be outside the loader's path: let the program find it.
export CGO_LDFLAGS="-Wl,-rpath,$(pkg-config --variable=libdir avala)"
out=$(mktemp -d "${TMPDIR:-/tmp}/avala-go.XXXXXX")
trap 'rm -rf "$out"' EXIT
"${GO:-go}" build -o "$out/list_projects" ./list_projects
LD_PRELOAD="${AVALA_TEST_PRELOAD:-${LD_PRELOAD:-}}" "$out/list_projects" "$@"
