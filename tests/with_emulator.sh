#!/usr/bin/env bash
# Runs a command with AVALA_BASE_URL/AVALA_API_KEY pointing at the fixture emulator.
# usage: with_emulator.sh STATE_DIR API_KEY command [args...]
set -euo pipefail
dir=$1 key=$2; shift 2
AVALA_BASE_URL=$(cat "$dir/url")
export AVALA_BASE_URL AVALA_API_KEY="$key" AVALA_ALLOW_INSECURE_BASE_URL=1
exec "$@"
