#!/usr/bin/env bash
# Installs the build into a temporary prefix, then configures, builds and runs
# tests/consumer — a separate CMake project that uses find_package(avala) and
# avala::avala — against that prefix.
# usage: run.sh BUILD_DIR SRC_DIR [EXPECTED_COUNT=1000]
# Needs AVALA_BASE_URL, AVALA_API_KEY, AVALA_ALLOW_INSECURE_BASE_URL (see
# tests/with_emulator.sh). No LD_LIBRARY_PATH: the program finds the installed
# library through the rpath CMake gives programs built against avala::avala.
set -euo pipefail
unset LD_LIBRARY_PATH
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd) expected=${3:-1000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/avala-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

"${CMAKE:-cmake}" --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log" >&2; exit 1; }

# Only the temporary prefix may satisfy find_package (no package registry);
# the compiler and flags are the main build's (sanitizer presets need the same).
compiler_args=()
for var in CMAKE_CXX_COMPILER CMAKE_CXX_FLAGS CMAKE_EXE_LINKER_FLAGS; do
  value=$(sed -n "s/^$var:[A-Z]*=//p" "$build/CMakeCache.txt" 2>/dev/null | head -n 1)
  if [ -n "$value" ]; then compiler_args+=("-D$var=$value"); fi
done
"${CMAKE:-cmake}" -S "$src/tests/consumer" -B "$tmp/build" \
  -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_BUILD_TYPE=Release \
  "${compiler_args[@]}" >"$tmp/configure.log" || { cat "$tmp/configure.log" >&2; exit 1; }
found=$(sed -n 's/^avala_DIR:PATH=//p' "$tmp/build/CMakeCache.txt")
case "$(readlink -f "$found")" in
  "$(readlink -f "$prefix")"/*) echo "consumer: avala package from $found" ;;
  *) echo "run.sh: find_package(avala) found '$found', not the copy installed in $prefix" >&2; exit 1 ;;
esac
"${CMAKE:-cmake}" --build "$tmp/build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
loaded=$(ldd "$tmp/build/avala_consumer" | awk '/libavala/ { print $3; exit }')
if [ -n "$loaded" ]; then  # empty for a static libavala.a
  case "$(readlink -f "$loaded")" in
    "$(readlink -f "$prefix")"/*) ;;
    *) echo "run.sh: avala_consumer loads '$loaded', not the copy installed in $prefix" >&2; exit 1 ;;
  esac
fi

"$tmp/build/avala_consumer" "$expected"
