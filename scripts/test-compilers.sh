#!/usr/bin/env bash
# The builds packagers and other compilers make, with warnings as errors, and
# every test on each: the `release` preset (GCC, CMAKE_BUILD_TYPE=Release,
# -O3: GCC 12 warns there about things -O2 does not show) and the `clang`
# preset (clang 14, Release), the `static` preset (libavala.a; the FFI tests
# need the shared library and are left out there), and a library-only build
# (`library`: no CLI, emulator or tests) configured with doctest, pybind11
# and Python made unfindable, to prove it needs none of them. Python is
# tested by scripts/test.sh.
# usage: scripts/test-compilers.sh [release|clang|static|library...]   (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(release clang static library)
for preset in "${presets[@]}"; do
  echo "== $preset"
  if [ "$preset" = library ]; then
    cmake -S . -B build/library -G Ninja -DCMAKE_BUILD_TYPE=Release -DAVALA_WERROR=ON \
      -DAVALA_BUILD_TESTS=OFF -DAVALA_BUILD_CLI=OFF -DAVALA_BUILD_EMULATOR=OFF \
      -DCMAKE_DISABLE_FIND_PACKAGE_doctest=ON -DCMAKE_DISABLE_FIND_PACKAGE_pybind11=ON \
      -DCMAKE_DISABLE_FIND_PACKAGE_Python=ON -DCMAKE_DISABLE_FIND_PACKAGE_Python3=ON >/dev/null
    cmake --build build/library -j"$(nproc)"
    rm -rf build/library/prefix
    cmake --install build/library --prefix build/library/prefix >/dev/null
    [ ! -e build/library/prefix/bin ] || { echo "library-only install has bin/" >&2; exit 1; }
    [ -e build/library/prefix/lib/libavala.so.0 ] || { echo "library-only install has no lib/libavala.so.0" >&2; exit 1; }
    continue
  fi
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$(nproc)"
  ctest --preset "$preset" -j2
done
