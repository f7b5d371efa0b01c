#!/usr/bin/env bash
# CTest fixture around a *_fixture.sh script (which prints one line of
# key=value pairs, then serves in the foreground until killed).
# usage: net_fixture_ctl.sh start STATE_DIR SCRIPT [script args...]
#        net_fixture_ctl.sh stop  STATE_DIR
# start runs SCRIPT STATE_DIR/files ARGS in the background and writes its line
# to STATE_DIR/info (e.g. "http=41233 https=40111 ... ca=..."), its pid to
# STATE_DIR/pid. Tests read STATE_DIR/info.
set -euo pipefail
cmd=$1 dir=$2; shift 2
case "$cmd" in
  start)
    script=$1; shift
    mkdir -p "$dir"
    rm -f "$dir/info" "$dir/pid" "$dir/stdout" "$dir/stderr"
    bash "$script" "$dir/files" "$@" >"$dir/stdout" 2>"$dir/stderr" &
    echo $! >"$dir/pid"
    for _ in $(seq 1 400); do
      if grep -q . "$dir/stdout" 2>/dev/null; then head -n1 "$dir/stdout" >"$dir/info"; cat "$dir/info"; exit 0; fi
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || { cat "$dir/stderr" >&2; wait "$(cat "$dir/pid")" || exit $?; exit 1; }
      sleep 0.05
    done
    echo "$script printed nothing within 20 s" >&2; exit 1 ;;
  stop)
    [ -f "$dir/pid" ] || exit 0
    pid=$(cat "$dir/pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { rm -f "$dir/pid"; exit 0; }; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
    echo "$dir: the fixture ignored SIGTERM for 5 s" >&2; exit 1 ;;
  *) echo "usage: $0 start|stop DIR ..." >&2; exit 2 ;;
esac
