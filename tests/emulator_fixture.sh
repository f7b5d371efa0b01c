#!/usr/bin/env bash
# CTest fixture: start|stop an avala-emulator on an ephemeral loopback port.
# usage: emulator_fixture.sh start STATE_DIR EMULATOR_BIN [emulator args...]
#        emulator_fixture.sh stop  STATE_DIR
# start writes STATE_DIR/url (the base URL) and STATE_DIR/pid.
set -euo pipefail
cmd=$1 dir=$2; shift 2
case "$cmd" in
  start)
    bin=$1; shift
    mkdir -p "$dir"
    rm -f "$dir/url" "$dir/pid" "$dir/stdout" "$dir/stderr"
    "$bin" --port 0 "$@" >"$dir/stdout" 2>"$dir/stderr" &
    echo $! >"$dir/pid"
    for _ in $(seq 1 100); do
      if [ -s "$dir/stdout" ] && grep -q . "$dir/stdout"; then head -n1 "$dir/stdout" >"$dir/url"; echo "emulator at $(cat "$dir/url")"; exit 0; fi
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || { cat "$dir/stderr" >&2; exit 1; }
      sleep 0.05
    done
    echo "emulator did not print its URL within 5 s" >&2; exit 1 ;;
  stop)
    [ -f "$dir/pid" ] || exit 0
    pid=$(cat "$dir/pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { rm -f "$dir/pid"; exit 0; }; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
    echo "emulator ignored SIGTERM for 5 s" >&2; exit 1 ;;
  *) echo "usage: $0 start|stop DIR ..." >&2; exit 2 ;;
esac
