#!/usr/bin/env bash
# Builds the C API reference from capi/include/avala.h with Doxygen
# (docs/Doxyfile) into build/docs/html, and fails on any Doxygen warning: every
# public function, type, field, macro and parameter must be documented.
# usage: scripts/check-docs.sh [OUTPUT_DIR=build/docs]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v doxygen >/dev/null || { echo "check-docs: doxygen is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
out=$(mkdir -p "${1:-build/docs}" && cd "${1:-build/docs}" && pwd)
rm -rf "$out/html" "$out/warnings.log"
version=$(sed -n 's/^#define AVALA_VERSION_STRING "\(.*\)".*/\1/p' capi/include/avala.h)
if ! AVALA_DOCS_OUT="$out" AVALA_DOCS_VERSION="$version" doxygen docs/Doxyfile || [ -s "$out/warnings.log" ]; then
  cat "$out/warnings.log" >&2 2>/dev/null || true
  echo "check-docs: Doxygen warnings in avala.h (see above)" >&2
  exit 1
fi
echo "check-docs: API reference in $out/html/index.html (no warnings)"
