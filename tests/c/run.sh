#!/usr/bin/env bash
# Installs the build into a temporary prefix, compiles tests/c/PROGRAM.c against
# the INSTALLED header and library (found through pkg-config, as a user would)
# with -std=c11 -Wall -Wextra -Werror -pedantic, and runs it.
# usage: run.sh BUILD_DIR SRC_DIR PROGRAM [EXPECTED_COUNT=1000]
# Needs AVALA_BASE_URL, AVALA_API_KEY, AVALA_ALLOW_INSECURE_BASE_URL (see
# tests/with_emulator.sh). Runs with no LD_LIBRARY_PATH and no
# pkg-config --define-prefix: the installed avala.pc must be relocatable, and
# the program finds the library through the rpath a user would give it.
set -euo pipefail
unset LD_LIBRARY_PATH
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd) program=$3 expected=${4:-1000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/avala-c11.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

"${CMAKE:-cmake}" --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log" >&2; exit 1; }

pc=$(find "$prefix" -path '*/pkgconfig/avala.pc' | head -n 1)
[ -n "$pc" ] || { echo "run.sh: no pkgconfig/avala.pc installed under $prefix" >&2; exit 1; }
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
pkgconf=(pkg-config)
# A static libavala.a is linked with its private requirements (OpenSSL, simdjson, libstdc++).
[ -e "$(pkg-config --variable=libdir avala)/libavala.so" ] || pkgconf=(pkg-config --static)
# The .pc must describe the copy we just installed, not the configured prefix
# (it is relocatable: prefix=${pcfiledir}/../..).
includedir=$("${pkgconf[@]}" --variable=includedir avala)
libdir=$("${pkgconf[@]}" --variable=libdir avala)
case "$includedir:$libdir" in
  "$prefix"/*:"$prefix"/*) ;;
  *) echo "run.sh: avala.pc points outside the install prefix (includedir=$includedir libdir=$libdir)" >&2; exit 1 ;;
esac
[ -f "$includedir/avala.h" ] || { echo "run.sh: $includedir/avala.h not installed" >&2; exit 1; }

cc=${CC:-cc}
# Sanitizer builds (the asan preset) need the same flags in the program.
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" 2>/dev/null | head -n 1; }
read -r -a extra_flags <<<"$(cache_value CMAKE_C_FLAGS) $(cache_value CMAKE_EXE_LINKER_FLAGS)"
# The header alone compiles as pedantic C99 and C11.
for std in c99 c11; do
  printf '#include <avala.h>\nint main(void) { return avala_version() == 0; }\n' >"$tmp/header_$std.c"
  # shellcheck disable=SC2046  # pkg-config output is meant to be split
  "$cc" -std=$std -Wall -Wextra -Werror -pedantic "${extra_flags[@]}" -c "$tmp/header_$std.c" -o "$tmp/header_$std.o" \
    $("${pkgconf[@]}" --cflags avala)
done

# shellcheck disable=SC2046  # pkg-config output is meant to be split
"$cc" -std=c11 -Wall -Wextra -Werror -pedantic "${extra_flags[@]}" "$src/tests/c/$program.c" -o "$tmp/$program" \
  $("${pkgconf[@]}" --cflags --libs avala) -Wl,-rpath,"$libdir"

# It must run against the installed copy, not the build tree's (a static
# build has no libavala.so to load).
loaded=$(ldd "$tmp/$program" | awk '/libavala/ { print $3; exit }')
if [ "${pkgconf[*]}" = "pkg-config --static" ]; then
  [ -z "$loaded" ] || { echo "run.sh: $program loads $loaded, but libavala is static" >&2; exit 1; }
elif [ -z "$loaded" ] || [ "$(readlink -f "$(dirname "$loaded")")" != "$(readlink -f "$libdir")" ]; then
  echo "run.sh: $program does not load libavala from $libdir:" >&2
  ldd "$tmp/$program" >&2
  exit 1
fi
"$tmp/$program" "$expected"
