#!/usr/bin/env bash
# The main job, from a fresh machine: set everything up, start avala-emulator
# on a free loopback port, and list its projects with the avala CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
bin=build/default
key=avala-demo-key
out=$(mktemp)
"$bin/emulator/avala-emulator" --port 0 --api-key "$key" >"$out" &
emu=$!
trap 'kill $emu 2>/dev/null; wait $emu 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 1 100); do [ -s "$out" ] && break; sleep 0.05; done
url=$(head -n1 "$out")
echo "avala-emulator is serving $url"
echo "\$ avala --base-url $url projects list"
AVALA_API_KEY=$key AVALA_ALLOW_INSECURE_BASE_URL=1 "$bin/cli/avala" --base-url "$url" projects list
