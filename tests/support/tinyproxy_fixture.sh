#!/usr/bin/env bash
# A real forward proxy (Debian's tinyproxy 1.11) for network tests, on
# 127.0.0.1 and an ephemeral port, with its files in DIR. It takes clients
# from 127.0.0.1 only, forwards plain http (absolute-form requests) and
# tunnels CONNECT to any port (no ConnectPort line), loopback included. With
# --auth USER:PASS (letters and digits: tinyproxy's config grammar) it
# requires Basic proxy credentials and answers 407 without them. Its log (DIR/tinyproxy.log) shows each request it carried.
#
# usage: tinyproxy_fixture.sh DIR [--auth USER:PASS] [--hosts FILE]
# Prints one line once it accepts connections, then runs in the foreground
# until killed (SIGTERM stops tinyproxy too):
#   port=P url=http://[USER:PASS@]127.0.0.1:P log=DIR/tinyproxy.log
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/fixture_lib.sh"
dir=$(mkdir -p "$1" && cd "$1" && pwd); shift
auth=""
hosts=""
while [ $# -gt 0 ]; do
  case $1 in
    --auth) auth=$2; shift 2 ;;
    # --hosts FILE: tinyproxy resolves names with FILE as its /etc/hosts, in a
    # mount namespace of its own (root only), so a test can name an origin
    # that only the proxy can reach.
    --hosts) hosts=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    *) echo "tinyproxy_fixture: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -n "$hosts" ] && ! unshare -m true 2>/dev/null; then
  echo "tinyproxy_fixture: --hosts needs a mount namespace (unshare -m, as root)" >&2; exit 77
fi
tinyproxy=$(command -v tinyproxy || echo /usr/bin/tinyproxy)
[ -x "$tinyproxy" ] || { echo "tinyproxy_fixture: tinyproxy is not installed (scripts/install-deps.sh installs it)" >&2; exit 77; }

for attempt in 1 2 3 4 5; do
  port=$(free_port)
  {
    echo "Port $port"
    echo "Listen 127.0.0.1"
    echo "Allow 127.0.0.1"
    echo "Timeout 60"
    echo "MaxClients 64"
    echo "LogLevel Info"
    echo "LogFile \"$dir/tinyproxy.log\""
    echo "PidFile \"$dir/tinyproxy.pid\""
    echo "DisableViaHeader Yes"
    echo "XTinyproxy No"
    [ -n "$auth" ] && echo "BasicAuth ${auth%%:*} ${auth#*:}"
  } >"$dir/tinyproxy.conf"
  if [ -n "$hosts" ]; then
    unshare -m sh -c 'mount --bind "$1" /etc/hosts && exec "$2" -d -c "$3"' sh "$hosts" "$tinyproxy" \
      "$dir/tinyproxy.conf" >>"$dir/output.log" 2>&1 &
  else
    "$tinyproxy" -d -c "$dir/tinyproxy.conf" >>"$dir/output.log" 2>&1 &
  fi
  pid=$!
  if wait_listening "$pid" "$port"; then
    echo "port=$port url=http://${auth:+$auth@}127.0.0.1:$port log=$dir/tinyproxy.log"
    serve_until_killed "$pid"
    exit $?
  fi
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
done
echo "tinyproxy_fixture: tinyproxy did not start: $(tail -3 "$dir/output.log")" >&2
exit 1
