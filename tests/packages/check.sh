#!/usr/bin/env bash
# Checks what CPack made (scripts/package.sh): each Debian package holds what
# it should and depends on what it should, the runtime package's name carries
# the library's SONAME, apt can resolve the three together, and — unpacked
# side by side with dpkg -x, as the tarball is — bin/avala runs and a C
# program builds through pkg-config and runs, with no LD_LIBRARY_PATH.
# --install also installs the debs with apt (root), builds and runs the same
# program against /usr, and removes them again (for throwaway CI machines).
# usage: tests/packages/check.sh PACKAGES_DIR [--install]
set -euo pipefail
dir=$(cd "$1" && pwd) install=${2:-}
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/avala-packages.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset LD_LIBRARY_PATH PKG_CONFIG_PATH
fail() { echo "packages: $*" >&2; exit 1; }
one() {  # the one file matching a glob in $dir
  local f; f=$(cd "$dir" && ls $1 2>/dev/null) || true
  [ "$(printf '%s\n' "$f" | grep -c .)" = 1 ] || fail "expected one $1 in $dir, found: ${f:-none}"
  echo "$dir/$f"
}
runtime=$(one 'libavala[0-9]*_*.deb') dev=$(one 'libavala-dev_*.deb') tools=$(one 'avala-tools_*.deb')
tarball=$(one 'avala-*.tar.gz')
version=$(dpkg-deb -f "$runtime" Version)
field() { dpkg-deb -f "$1" "$2"; }
contents() { dpkg-deb -c "$1" | awk '{ print $6 }' | sed 's|^\./|/|'; }
has() { contents "$1" | grep -qx "$2" || fail "$(basename "$1") lacks $2"; }
lacks() { ! contents "$1" | grep -q "$2" || fail "$(basename "$1") holds $2: $(contents "$1" | grep "$2" | head -n 3)"; }

# libavalaN: the library only, N = its SONAME's number.
pkg=$(field "$runtime" Package)
dpkg -x "$runtime" "$tmp/runtime"
lib=$(find "$tmp/runtime" -name 'libavala.so.*.*' -type f | head -n 1)
[ -n "$lib" ] || fail "$pkg holds no libavala.so.N.x.y"
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$pkg" = "libavala${soname#libavala.so.}" ] || fail "runtime package $pkg does not carry the SONAME $soname"
has "$runtime" "/usr/lib/$soname"
lacks "$runtime" '/usr/include/\|/usr/bin/\|pkgconfig\|/cmake/\|libavala\.so$'
deps=$(field "$runtime" Depends)
for d in libssl3 libsimdjson zlib1g libstdc++6 libc6; do
  case "$deps" in *"$d"*) ;; *) fail "$pkg Depends lacks $d: $deps" ;; esac
done
dpkg-deb --ctrl-tarfile "$runtime" | tar -t | grep -q shlibs || fail "$pkg has no shlibs file"

# libavala-dev: headers, the link-time symlink, avala.pc, the CMake package.
for f in /usr/include/avala.h /usr/include/avala.hpp /usr/lib/libavala.so /usr/lib/pkgconfig/avala.pc \
         /usr/lib/cmake/avala/avalaConfig.cmake /usr/lib/cmake/avala/avalaConfigVersion.cmake \
         /usr/lib/cmake/avala/avalaTargets.cmake; do has "$dev" "$f"; done
lacks "$dev" "/usr/bin/\|libavala\.so\.[0-9]"
case "$(field "$dev" Depends)" in *"$pkg (= $version)"*) ;; *) fail "libavala-dev must depend on $pkg (= $version): $(field "$dev" Depends)" ;; esac

# avala-tools: the two programs.
has "$tools" /usr/bin/avala
has "$tools" /usr/bin/avala-emulator
lacks "$tools" '/usr/include/\|libavala\.so'
case "$(field "$tools" Depends)" in *"$pkg (= $version)"*) ;; *) fail "avala-tools must depend on $pkg (= $version)" ;; esac

# apt resolves the three together (a simulation: nothing is installed).
apt-get install -s -qq "$runtime" "$dev" "$tools" >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; fail "apt cannot install the packages"; }

# A program built the way the README says, against a tree (and a prefix) that is not /usr.
build_and_run() {  # ROOT_PREFIX
  local prefix=$1 pcdir
  pcdir=$(find "$prefix" -path '*/pkgconfig/avala.pc' -printf '%h\n' | head -n 1)
  printf '#include <avala.h>\n#include <stdio.h>\n#include <string.h>\nint main(void) { puts(avala_version());\n  return strcmp(avala_version(), AVALA_VERSION_STRING) != 0; }\n' >"$tmp/version.c"
  # shellcheck disable=SC2046
  cc -std=c11 -Wall -Wextra -Werror -pedantic "$tmp/version.c" -o "$tmp/version" \
    $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs avala) \
    -Wl,-rpath,"$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=libdir avala)"
  [ "$("$tmp/version")" = "$version" ] || fail "the program built against $prefix printed $("$tmp/version")"
  "$prefix/bin/avala" --help >/dev/null || fail "$prefix/bin/avala --help failed"
}
for deb in "$runtime" "$dev" "$tools"; do dpkg -x "$deb" "$tmp/root"; done
build_and_run "$tmp/root/usr"
mkdir -p "$tmp/tgz" && tar -xzf "$tarball" -C "$tmp/tgz"
build_and_run "$(find "$tmp/tgz" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
echo "packages: $(basename "$runtime") $(basename "$dev") $(basename "$tools") and $(basename "$tarball") hold what they should"

if [ "$install" = --install ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$runtime" "$dev" "$tools" >/dev/null
  remove() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -qq "$pkg" libavala-dev avala-tools >/dev/null; }
  trap 'remove; rm -rf "$tmp"' EXIT
  # shellcheck disable=SC2046
  cc -std=c11 -Wall -Wextra -Werror -pedantic "$src/tests/c/list_projects.c" -o "$tmp/list_projects" \
    $(pkg-config --cflags --libs avala)
  # The loader may name it through /lib (a link to /usr/lib on merged-/usr systems): compare real paths.
  loaded=$(ldd "$tmp/list_projects" | awk -v so="$soname" '$1 == so { print $3; exit }')
  [ -n "$loaded" ] && [ "$(readlink -f "$loaded")" = "$(readlink -f "/usr/lib/$soname")" ] \
    || fail "the installed program does not load /usr/lib/$soname (it loads ${loaded:-nothing})"
  avala --help >/dev/null
  echo "packages: apt install works; tests/c/list_projects.c builds against the installed packages"
fi
