"""Real network components for tests: nginx (plain, TLS, client-certificate
TLS, gzip) and tinyproxy (open, or requiring Basic auth), each started by its
tests/support/*_fixture.sh script on 127.0.0.1 and ephemeral ports and stopped
when the context manager exits.

    with nginx(tmp_path / "nginx") as web, tinyproxy(tmp_path / "proxy", auth="u:p") as proxy:
        web["https"], web["ca"], proxy["url"] ...

Each yields the key=value pairs its script printed (ports as ints). A
missing server skips the test with the reason (scripts/install-deps.sh
installs both).
"""
from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path
from typing import Dict, Iterator, Optional, Union

import pytest

HERE = Path(__file__).resolve().parent
Info = Dict[str, Union[str, int]]


@contextlib.contextmanager
def _fixture(script: str, directory: Path, *args: str) -> Iterator[Info]:
    directory.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(["bash", str(HERE / script), str(directory), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line:
            proc.wait(timeout=30)
            err = proc.stderr.read() if proc.stderr else ""
            if proc.returncode == 77:
                pytest.skip(err.strip())
            raise RuntimeError(f"{script} printed nothing (exit {proc.returncode}): {err}")
        info: Info = {}
        for pair in line.split():
            key, _, value = pair.partition("=")
            info[key] = int(value) if value.isdigit() else value
        yield info
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def nginx(directory: Path, upstream: Optional[str] = None) -> "contextlib._GeneratorContextManager[Info]":
    """Keys: http, https, mtls (ports), ca, client_cert, client_key, host."""
    return _fixture("nginx_fixture.sh", directory, *(["--upstream", upstream] if upstream else []))


def tinyproxy(directory: Path, auth: Optional[str] = None,
              hosts: Optional[Path] = None) -> "contextlib._GeneratorContextManager[Info]":
    """Keys: port, url (with the credentials when `auth` is "user:pass"), log.
    `hosts`: the proxy's own /etc/hosts (names only it resolves; root only)."""
    args = (["--auth", auth] if auth else []) + (["--hosts", str(hosts)] if hosts else [])
    return _fixture("tinyproxy_fixture.sh", directory, *args)


def have(program: str) -> bool:
    return shutil.which(program) is not None or Path("/usr/sbin", program).exists()
