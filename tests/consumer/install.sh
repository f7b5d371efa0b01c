#!/usr/bin/env bash
# Installs the build into a temporary prefix, MOVES the prefix elsewhere (a
# user's ~/.local, an unpacked tarball), and checks that what it holds still
# describes and finds itself, with no LD_LIBRARY_PATH and no --define-prefix:
#  * bin/avala --help runs (RUNPATH $ORIGIN/../<libdir> finds the library);
#  * avala.pc's prefix, libdir and includedir are the moved prefix's;
#  * the CMake package's imported target points into the moved prefix.
# usage: install.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/avala-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset LD_LIBRARY_PATH PKG_CONFIG_PATH
fail() { echo "install.sh: $*" >&2; exit 1; }

"${CMAKE:-cmake}" --install "$build" --prefix "$tmp/staged" >"$tmp/install.log" || { cat "$tmp/install.log" >&2; exit 1; }
mv "$tmp/staged" "$tmp/moved"
prefix=$(readlink -f "$tmp/moved")

pc=$(find "$prefix" -path '*/pkgconfig/avala.pc' | head -n 1)
[ -n "$pc" ] || fail "no pkgconfig/avala.pc under $prefix"
export PKG_CONFIG_PATH=${pc%/avala.pc}
grep -q '^prefix=\${pcfiledir}' "$pc" || fail "avala.pc does not locate itself: $(grep '^prefix=' "$pc")"
for var in prefix libdir includedir; do
  value=$(readlink -f "$(pkg-config --variable=$var avala)")
  case "$value" in "$prefix"|"$prefix"/*) ;; *) fail "avala.pc: $var=$value is outside $prefix" ;; esac
done
[ -f "$(pkg-config --variable=includedir avala)/avala.h" ] || fail "avala.h is not where avala.pc says"
libdir=$(readlink -f "$(pkg-config --variable=libdir avala)")
static=0
[ -e "$libdir/libavala.so" ] || static=1
if [ $static = 1 ]; then
  [ -f "$libdir/libavala.a" ] || fail "neither libavala.so nor libavala.a in $libdir"
  pkg-config --static --libs avala | grep -q -- '-lssl' || fail "pkg-config --static gives no OpenSSL: $(pkg-config --static --libs avala)"
else
  # A shared libavala drags in no private build dependencies.
  ! grep -qE '^(Requires|Libs)\.private' "$pc" || fail "avala.pc of a shared build has private requirements"
fi

# The CMake package: every path it names is inside the moved prefix.
targets=$(find "$prefix" -name 'avalaTargets-*.cmake' | head -n 1)
[ -n "$targets" ] || fail "no avalaTargets-<config>.cmake installed"

if [ -x "$prefix/bin/avala" ]; then
  if [ $static = 0 ]; then
    runpath=$(readelf -d "$prefix/bin/avala" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
    case "$runpath" in '$ORIGIN/../'*) ;; *) fail "bin/avala has RUNPATH '$runpath', not \$ORIGIN/../<libdir>" ;; esac
    loaded=$(ldd "$prefix/bin/avala" | awk '/libavala/ { print $3; exit }')
    [ "$(readlink -f "$(dirname "$loaded")")" = "$libdir" ] || fail "bin/avala loads libavala from '$loaded', not $libdir"
  fi
  "$prefix/bin/avala" --help >"$tmp/help.txt" || fail "bin/avala --help exited $?"
  grep -q projects "$tmp/help.txt" || fail "bin/avala --help does not mention projects"
  echo "install: $prefix/bin/avala --help runs with no LD_LIBRARY_PATH"
fi
echo "install: avala.pc and the CMake package describe the moved prefix $prefix"
