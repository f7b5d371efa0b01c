#!/usr/bin/env bash
# Runs a command with $AVALA_TEST_PRELOAD (the ASan runtime in sanitizer
# builds, see ffi_host.cmake) preloaded; without it, just runs the command.
set -euo pipefail
if [ -n "${AVALA_TEST_PRELOAD:-}" ]; then
  export LD_PRELOAD="$AVALA_TEST_PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}"
fi
exec "$@"
