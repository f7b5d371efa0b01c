"""Ctrl-C during a request: the CLI stops the call in flight and exits 130
at once, against a server that never answers (its timeout is 30 s, and
retries would add more)."""

import select
import signal
import socket
import subprocess
import time

from support import clean_env


def test_ctrl_c_stops_a_request_to_a_silent_server_with_130(cli):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # nobody accepts: the request waits in the backlog
    url = "http://127.0.0.1:%d/api/v1" % listener.getsockname()[1]
    env = clean_env(AVALA_BASE_URL=url, AVALA_API_KEY="k", AVALA_ALLOW_INSECURE_BASE_URL="1")
    proc = subprocess.Popen([cli, "projects", "get", "p1"], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        ready, _, _ = select.select([listener], [], [], 30)  # the request is in flight
        assert ready, "the CLI never connected"
        time.sleep(0.05)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        status = proc.wait(timeout=20)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        listener.close()
    err = proc.stderr.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    assert status == 130, err
    assert err.startswith("avala: error: interrupted"), err
    assert took < 2.0
