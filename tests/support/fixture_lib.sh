# Shared by the *_fixture.sh scripts (sourced): ephemeral loopback ports,
# waiting for a listener, and running a server in the foreground until killed.

# A port the kernel just handed out on 127.0.0.1 (free now; the caller retries
# if another process takes it before the server binds it).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_listening PID PORT...: true once every port accepts a connection, false
# if PID exits first or 10 s pass.
wait_listening() {
  local pid=$1; shift
  local port
  for _ in $(seq 200); do
    kill -0 "$pid" 2>/dev/null || return 1
    local up=1
    for port in "$@"; do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { up=0; break; }
    done
    [ "$up" = 1 ] && return 0
    sleep 0.05
  done
  return 1
}

# serve_until_killed PID: forwards SIGTERM/SIGINT to the server and waits for
# it, so that killing this script stops the server too.
serve_until_killed() {
  local pid=$1
  trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; exit 0' TERM INT HUP
  wait "$pid"
}
