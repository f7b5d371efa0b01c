#!/usr/bin/env bash
# Installs the Debian packages libavala needs, only those missing, then the
# Node package's npm dependencies (bindings/node: npm ci). Idempotent and quiet.
set -euo pipefail
pkgs=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev openssl libsimdjson-dev
  libtomlplusplus-dev zsh fish
  doctest-dev pybind11-dev python3 python3-dev python3-pytest python3-venv python3-pip
  python3-setuptools python3-wheel python3-mypy
  clang libclang-rt-14-dev wrk nginx-light tinyproxy curl zlib1g-dev
  golang-go
  doxygen abigail-tools file
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js: Debian's only when there is no node at all (a newer one, e.g.
# NodeSource's, brings its own npm and must not be replaced).
if ! command -v node >/dev/null; then
  missing+=(nodejs npm)
elif ! command -v npm >/dev/null; then
  missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  # Packages that are servers (nginx, tinyproxy, for the tests) must not start a system
  # service listening on every interface: policy-rc.d says no while we install.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod +x "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: all Debian packages present"
fi

# bindings/node: koffi (and typescript for the typings test), exactly as
# package-lock.json pins them. Skipped while the lock file is unchanged.
node_dir="$(cd "$(dirname "$0")/.." && pwd)/bindings/node"
stamp="$node_dir/node_modules/.avala-npm-ci"
want=$(sha256sum "$node_dir/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "install-deps: npm ci in bindings/node"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" >"$stamp"
else
  echo "install-deps: bindings/node dependencies up to date"
fi
