"""Fixtures for the Python package's tests.

Which `avala` is tested: $AVALA_PYTHONPATH if set, else the package staged by
a CMake build in build/py/python (cmake --build build/py --target avala_python),
else whatever `import avala` finds (an installed wheel).

The emulator binary: $AVALA_EMULATOR, else the first of build/{default,emu,py,dev}/
emulator/avala-emulator that exists. Every emulator is started on an
ephemeral 127.0.0.1 port and stopped at teardown. Nothing global is set:
clients get base_url/api_key explicitly, and the one environment variable
libavala needs for http://127.0.0.1 (AVALA_ALLOW_INSECURE_BASE_URL) is set
per test with monkeypatch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "emulator-test-key-7f3a9c"


def _import_path() -> Optional[str]:
    explicit = os.environ.get("AVALA_PYTHONPATH")
    if explicit:
        return explicit
    staged = ROOT / "build" / "py" / "python"
    return str(staged) if (staged / "avala" / "__init__.py").exists() else None


_path = _import_path()
if _path:
    sys.path.insert(0, _path)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds or installs the package (about a minute at most)")


def emulator_binary() -> Path:
    explicit = os.environ.get("AVALA_EMULATOR")
    if explicit:
        return Path(explicit)
    for build in ("default", "emu", "py", "dev"):
        candidate = ROOT / "build" / build / "emulator" / "avala-emulator"
        if candidate.is_file():
            return candidate
    return ROOT / "build" / "default" / "emulator" / "avala-emulator"


class Emulator:
    """A running avala-emulator: its process, base URL and origin. ``key`` is
    the one API key it accepts (tests that look for a leaked key use their own)."""

    def __init__(self, *args: str, key: str = KEY) -> None:
        binary = emulator_binary()
        if not binary.is_file():
            pytest.fail(f"emulator binary not found at {binary}; build it or set AVALA_EMULATOR")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AVALA_")}
        self.proc = subprocess.Popen(
            [str(binary), "--port", "0", "--api-key", key, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()
        if not self.base_url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"emulator printed no URL: {self.base_url!r}")
        parsed = urllib.parse.urlsplit(self.base_url)
        self.origin = f"{parsed.scheme}://{parsed.netloc}"

    def stats(self) -> Dict[str, int]:
        """Connections accepted and requests served so far (emulator-only route)."""
        with urllib.request.urlopen(self.origin + "/__emulator/stats", timeout=5) as r:
            data: Dict[str, int] = json.loads(r.read())
        # The stats call itself is one connection and one request.
        return data

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.origin + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read() or b"null")

    def add_fault(self, **rule: Any) -> int:
        """Installs a fault rule (POST /__emulator/faults, no key needed) and
        returns its id. Rules are global to this emulator."""
        answer: Dict[str, int] = self._control("POST", "/__emulator/faults", rule)
        return answer["id"]

    def fault_rules(self) -> List[Dict[str, Any]]:
        """The installed rules, each with how many requests it "matched" and "hits" (faulted)."""
        rules: List[Dict[str, Any]] = self._control("GET", "/__emulator/faults")["rules"]
        return rules

    def clear_faults(self) -> None:
        self._control("DELETE", "/__emulator/faults")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def fault_emulator(projects: int, key: str) -> Iterator[Emulator]:
    """For a module-scoped fixture: an emulator of its own (fault rules are
    global to an emulator), stopped afterwards."""
    emu = Emulator("--generate", f"projects={projects}", key=key)
    try:
        yield emu
    finally:
        emu.stop()


def no_fault_rules_around(emu: Emulator) -> Iterator[None]:
    """For an autouse fixture: no fault rule before or after each test."""
    emu.clear_faults()
    yield
    emu.clear_faults()


class Ticker:
    """A Python thread counting 10 ms ticks while the block runs: a call
    that holds the GIL would leave it at ~0."""

    def __init__(self) -> None:
        self.ticks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.ticks += 1
            time.sleep(0.01)

    def __enter__(self) -> "Ticker":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """250 generated projects."""
    emu = Emulator("--generate", "projects=250")
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="session")
def demo_emulator() -> Iterator[Emulator]:
    """The demo seed: a few projects covering every status."""
    emu = Emulator()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own Avala configuration."""
    for name in ("AVALA_API_KEY", "AVALA_BASE_URL", "AVALA_ALLOW_INSECURE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def insecure_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    """libavala accepts http://127.0.0.1 only with this set."""
    monkeypatch.setenv("AVALA_ALLOW_INSECURE_BASE_URL", "1")


@pytest.fixture
def client(emulator: Emulator, insecure_ok: None) -> Iterator[Any]:
    import avala

    c = avala.Client(KEY, base_url=emulator.base_url)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def demo_client(demo_emulator: Emulator, insecure_ok: None) -> Iterator[Any]:
    import avala

    c = avala.Client(KEY, base_url=demo_emulator.base_url)
    try:
        yield c
    finally:
        c.close()


# ---- a scripted HTTP server for answers the emulator does not give --------


class StubServer:
    """Answers every request with the scripted (status, body, headers) and
    records what it received. Loopback only."""

    def __init__(self) -> None:
        self.status = 200
        self.body: bytes = b"{}"
        self.headers: List[Tuple[str, str]] = []
        self.received: List[Tuple[str, str, Dict[str, str]]] = []
        self.bodies: List[bytes] = []  # the request bodies, in step with `received`
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                stub.bodies.append(self.rfile.read(length) if length else b"")
                stub.received.append((self.command, self.path, dict(self.headers)))
                self.send_response(stub.status)
                for name, value in stub.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(stub.body)))
                self.end_headers()
                self.wfile.write(stub.body)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/api/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def respond(self, status: int, body: Any = None, headers: Optional[List[Tuple[str, str]]] = None) -> None:
        self.status = status
        if isinstance(body, bytes):
            self.body = body
        elif isinstance(body, str):
            self.body = body.encode()
        else:
            self.body = json.dumps(body).encode() if body is not None else b""
        self.headers = list(headers or [])
        if not any(name.lower() == "content-type" for name, _ in self.headers) and body is not None:
            self.headers.append(("Content-Type", "application/json"))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def stub_server() -> Iterator[StubServer]:
    stub = StubServer()
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture
def stub(stub_server: StubServer, insecure_ok: None) -> StubServer:
    stub_server.received.clear()
    stub_server.bodies.clear()
    stub_server.respond(200, {})
    return stub_server


# ---- real network components (tests/support/net_fixtures.py) -----------------

TINYPROXY_AUTH = "alice:s3cret"  # tinyproxy takes letters and digits only


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """A real forward proxy (tinyproxy) on loopback: port, url, log."""
    sys.path.insert(0, str(ROOT / "tests" / "support"))
    from net_fixtures import tinyproxy

    with tinyproxy(tmp_path_factory.mktemp("tinyproxy")) as info:
        yield info


@pytest.fixture(scope="module")
def auth_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """The same, requiring Basic credentials (TINYPROXY_AUTH)."""
    sys.path.insert(0, str(ROOT / "tests" / "support"))
    from net_fixtures import tinyproxy

    with tinyproxy(tmp_path_factory.mktemp("tinyproxy-auth"), auth=TINYPROXY_AUTH) as info:
        yield info
