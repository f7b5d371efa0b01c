"""Starting avala-emulator and talking to it over HTTP (stdlib only).

The binary comes from $AVALA_EMULATOR (default build/default/emulator/avala-emulator,
relative to the repository root). Every process started here is stopped by
its context manager.
"""
import contextlib
import http.client
import json
import mmap
import os
import ssl
import subprocess
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("AVALA_EMULATOR", ROOT / "build/default/emulator/avala-emulator"))
KEY = "test-key-123"


def _is_sanitized(binary):
    """True for an ASan/TSan build (the CI runs this suite against those too):
    it is many times slower, so tests skip their timing bounds for it."""
    try:
        with open(binary, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            return m.find(b"__asan_init") >= 0 or m.find(b"__tsan_init") >= 0
    except (OSError, ValueError):
        return False


SANITIZED = _is_sanitized(BINARY)
AUTH = {"X-Avala-Api-Key": KEY}
PROJECTS = "/api/v1/users/me/projects/"


class Emulator:
    """A running emulator: its process, base URL and host/port."""

    def __init__(self, *args, env=None, ssl_context=None):
        full_env = dict(os.environ)
        full_env.pop("AVALA_API_KEY", None)
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [str(BINARY), "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, text=True)
        self.base_url = self.proc.stdout.readline().strip()
        if not self.base_url:
            self.stop()
            raise RuntimeError(f"emulator printed no URL: {self.proc.stderr.read()}")
        parsed = urllib.parse.urlsplit(self.base_url)
        self.host, self.port = parsed.hostname, parsed.port
        self.ssl_context = ssl_context

    def connect(self, timeout=10):
        if self.ssl_context is not None:
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout,
                                               context=self.ssl_context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def call(self, method, path, body=None, headers=None, conn=None):
        """One request; returns (status, headers, decoded JSON body or None when empty).

        `body` may be a dict/list (sent as JSON), str or bytes (sent as is)."""
        own = conn is None
        conn = conn or self.connect()
        try:
            if body is not None and not isinstance(body, (str, bytes)):
                body = json.dumps(body)
            hdrs = dict(AUTH if headers is None else headers)
            if body is not None:
                hdrs.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            raw = resp.read()
            return resp.status, resp.headers, json.loads(raw) if raw else None
        finally:
            if own:
                conn.close()

    def request(self, path, headers=None, method="GET", conn=None):
        """GET (or `method`) without a body; returns (status, headers, JSON body)."""
        return self.call(method, path, headers=headers, conn=conn)

    def get(self, path):
        """The JSON body of a GET that must answer 200."""
        status, _, body = self.call("GET", path)
        assert status == 200, (path, status, body)
        return body

    def all_pages(self, path):
        """Every item of a list, following `next` links; returns (items, pages)."""
        items, pages = [], 0
        while path:
            page = self.get(path)
            items += page["results"]
            pages += 1
            path = path_of(page["next"]) if page["next"] else None
        return items, pages

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()


@contextlib.contextmanager
def emulator(*args, **kwargs):
    emu = Emulator("--api-key", KEY, *args, **kwargs)
    try:
        yield emu
    finally:
        emu.stop()


def path_of(url):
    """Path and query of an absolute link."""
    parts = urllib.parse.urlsplit(url)
    return parts.path + "?" + parts.query


def query_of(url):
    """The query parameters of a link, as a dict of single values."""
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}


def make_certs(directory):
    """A throwaway CA and a 127.0.0.1 server certificate (tests/support/make_test_certs.sh)."""
    subprocess.run(["bash", str(ROOT / "tests/support/make_test_certs.sh"), str(directory)],
                   check=True, timeout=60)
    return Path(directory)


def tls_client_context(ca_file):
    ctx = ssl.create_default_context(cafile=str(ca_file))
    return ctx
