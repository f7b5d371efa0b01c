"""Against real nginx (Debian's), a reverse proxy in front of the emulator on
127.0.0.1 with `keepalive_timeout 1s`: nginx closes an idle keep-alive
connection after a second, and the next request on it — a POST, which must
never be sent twice — still succeeds, on a fresh connection.

nginx runs in the foreground (no daemon, no master process) with every path
in a temporary directory, and is stopped at teardown. Skipped with a reason
when nginx is not installed (scripts/install-deps.sh installs it)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest

import avala

from conftest import KEY, Emulator

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

CONF = """
daemon off;
master_process off;
worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    keepalive_timeout 1s;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def nginx(emulator: Emulator, tmp_path: Path) -> Iterator[str]:
    if NGINX is None:
        pytest.skip("nginx is not installed (scripts/install-deps.sh installs it)")
    upstream = urllib.parse.urlsplit(emulator.base_url).port
    for _ in range(5):  # an ephemeral port, taken between probing and nginx binding it: try another
        port = _free_port()
        (tmp_path / "nginx.conf").write_text(CONF.format(dir=tmp_path, port=port, upstream=upstream))
        proc = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.02)
        if proc.poll() is None:
            break
    else:
        pytest.fail("nginx did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))
    try:
        yield "http://127.0.0.1:%d/api/v1" % port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_post_after_nginx_closed_the_idle_connection_succeeds(nginx: str, insecure_ok: None) -> None:
    with avala.Client(api_key=KEY, base_url=nginx, max_retries=0) as client:
        project = client.projects.list(limit=1).items[0].uid
        created = []
        for _ in range(5):
            created.append(client.exports.create(project=project).uid)
            time.sleep(1.5)  # nginx's keepalive_timeout (1 s) closes the pooled connection meanwhile
        assert len(set(created)) == 5  # five exports, each created once


def test_a_get_after_nginx_closed_the_idle_connection_succeeds(nginx: str, insecure_ok: None) -> None:
    with avala.Client(api_key=KEY, base_url=nginx, max_retries=0) as client:
        uid = client.projects.list(limit=1).items[0].uid
        for _ in range(3):
            assert client.projects.get(uid).uid == uid
            time.sleep(1.5)
