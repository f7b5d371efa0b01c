#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for SECONDS
# (default 20). New inputs go to a scratch directory; the seed corpora in
# tests/fuzz/corpus are read, never written. A crash leaves its input in
# build/fuzz/artifacts/ and fails the script.
# usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(page cursor error_body redact path proxy inflate)
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
mkdir -p build/fuzz/artifacts
for t in "${targets[@]}"; do
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/avala-fuzz-$t.XXXXXX")
  echo "== fuzz_$t for ${seconds}s"
  if ! build/fuzz/tests/fuzz/fuzz_"$t" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix=build/fuzz/artifacts/"$t"- -max_len=65536 \
      "$scratch" tests/fuzz/corpus/"$t" 2>build/fuzz/fuzz_"$t".log; then
    tail -n 60 build/fuzz/fuzz_"$t".log >&2
    rm -rf "$scratch"
    echo "fuzz_$t FAILED; the input is in build/fuzz/artifacts/" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|Done [0-9]+ runs" build/fuzz/fuzz_"$t".log | tail -n 2 || true
  rm -rf "$scratch"
done
