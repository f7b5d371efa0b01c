#!/usr/bin/env bash
# Compares the ABI of a built libavala.so with the stored baseline
# abi/<SONAME>.abi (libabigail's abidiff, Debian's abigail-tools). Only what
# avala.h declares counts (--headers-dir). abidiff's exit code is a bit set:
# 1 error, 2 usage error, 4 ABI changed, 8 incompatible change. Additions (4)
# pass and are listed; a removal or an incompatible change (8) fails, unless
# the SONAME was bumped: a new ABI major has no baseline yet, and this script
# says how to store one.
# The library needs debug info (the default preset is RelWithDebInfo).
# usage: scripts/check-abi.sh [LIBRARY=build/default/capi/libavala.so.0]
#        scripts/check-abi.sh --update [LIBRARY]   # (re)write abi/<SONAME>.abi
set -euo pipefail
cd "$(dirname "$0")/.."
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
lib=${1:-build/default/capi/libavala.so.0}
for tool in abidw abidiff readelf; do
  command -v $tool >/dev/null || { echo "check-abi: $tool is missing (scripts/install-deps.sh installs abigail-tools)" >&2; exit 1; }
done
[ -f "$lib" ] || { echo "check-abi: no library at $lib (build it first: scripts/build.sh)" >&2; exit 1; }
readelf -S "$lib" | grep -q '\.debug_info' || { echo "check-abi: $lib has no debug info (use a RelWithDebInfo or Debug build)" >&2; exit 1; }
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ -n "$soname" ] || { echo "check-abi: $lib has no SONAME" >&2; exit 1; }
baseline=abi/$soname.abi
# The public ABI only: the functions libavala exports and the types avala.h
# declares, without source locations or build paths (the file changes only
# when the ABI does).
dump() {
  abidw --headers-dir capi/include --drop-private-types --exported-interfaces-only \
        --no-corpus-path --no-comp-dir-path --no-show-locs --no-elf-needed --type-id-style hash \
        --out-file "$1" "$lib"
}

if [ $update = 1 ]; then
  mkdir -p abi
  dump "$baseline"
  echo "check-abi: wrote $baseline from $lib"
  exit 0
fi

if [ ! -f "$baseline" ]; then
  older=$(ls abi/*.abi 2>/dev/null | tr '\n' ' ')
  if [ -n "$older" ]; then
    echo "check-abi: $soname is a new ABI major (baselines: $older); nothing to compare with." >&2
    echo "check-abi: store its baseline with: scripts/check-abi.sh --update $lib" >&2
    exit 0
  fi
  echo "check-abi: no baseline $baseline (scripts/check-abi.sh --update $lib writes it)" >&2
  exit 1
fi

# Both sides as abidw XML (abidiff of an XML baseline against the binary
# with --headers-dir2 silently filters changes to public types).
mkdir -p build/abi
current=build/abi/$soname.abi
dump "$current"
report=build/abi/report.txt
set +e
abidiff --no-show-locs "$baseline" "$current" >"$report" 2>&1
rc=$?
set -e
if (( rc & 3 )); then
  cat "$report" >&2
  echo "check-abi: abidiff failed (exit $rc)" >&2
  exit 1
fi
if (( rc & 8 )); then
  cat "$report" >&2
  echo "check-abi: INCOMPATIBLE change to the ABI of $soname (see above). Undo it, or bump the ABI" \
       "major (AVALA_ABI_MAJOR in CMakeLists.txt, the SONAME) and store a new baseline." >&2
  exit 1
fi
if (( rc & 4 )); then
  # Additions, and changes abidiff cannot call incompatible on its own (a
  # versioned options struct that grew a field at its end, which the ABI
  # rules allow; but also a changed member type): read the report.
  cat "$report"
  echo "check-abi: the ABI of $soname changed without an incompatible change (see above: additions," \
       "or type changes to review). When releasing, refresh the baseline: scripts/check-abi.sh --update"
  exit 0
fi
echo "check-abi: $lib has the ABI of $baseline"
