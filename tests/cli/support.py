"""Helpers shared by the CLI test modules: starting an emulator, the oracle
(the emulator read and written directly with urllib, sharing no code with the
client), and checks of the CLI's output conventions."""

import json
import os
import pathlib
import re
import select
import subprocess
import tempfile
import threading
import urllib.request

import pytest

KEY = "cli-test-key-5b1e0d9a"
WRONG_KEY = "wrong-key-7d41c2aa90"
ROOT = pathlib.Path(__file__).resolve().parents[2]
ERROR_PREFIX = "avala: error: "
TIMEOUT = 120  # seconds for one CLI run; generous for a loaded machine


def require_binary(var):
    path = os.environ.get(var)
    if not path:
        pytest.fail(f"set {var} to the path of the built binary (see tests/cli/CMakeLists.txt)")
    if not os.access(path, os.X_OK):
        pytest.fail(f"{var}={path} is not an executable file")
    return path


# Where the CLI looks for its config file unless a test says otherwise: an
# empty folder, so the developer's own ~/.config/avala is never read.
NO_CONFIG_HOME = tempfile.mkdtemp(prefix="avala-cli-test-xdg-")


def clean_env(**avala_vars):
    """os.environ without any AVALA_* variable and with an empty config home,
    plus the given variables (None: unset)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVALA_")}
    env["XDG_CONFIG_HOME"] = NO_CONFIG_HOME
    env.update({k: v for k, v in avala_vars.items() if v is not None})
    return env


def emulator_env(base_url):
    """The environment of a CLI run against an emulator: URL, key, http allowed."""
    return clean_env(AVALA_BASE_URL=base_url, AVALA_API_KEY=KEY, AVALA_ALLOW_INSECURE_BASE_URL="1")


def _drain(stream):
    for _ in iter(lambda: stream.read(65536), b""):
        pass


def start_emulator(*extra_args):
    """(process, base URL) of a new emulator on an ephemeral port."""
    exe = require_binary("AVALA_EMULATOR")
    proc = subprocess.Popen(
        [exe, "--port", "0", "--api-key", KEY, *extra_args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        env=clean_env(),
    )
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    line = proc.stdout.readline().decode("utf-8", "replace").strip() if ready else ""
    if not re.fullmatch(r"http://127\.0\.0\.1:\d+/api/v1", line):
        stop_emulator(proc)
        pytest.fail(f"avala-emulator did not print its base URL (got {line!r}, exit {proc.returncode})")
    # Keep reading stdout so a chatty emulator can never block on a full pipe.
    threading.Thread(target=_drain, args=(proc.stdout,), daemon=True).start()
    return proc, line


def stop_emulator(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ---- the oracle ------------------------------------------------------------------

_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


def fetch_json(url, key=KEY, method="GET", body=None):
    data = None if body is None else json.dumps(body).encode()
    headers = {"X-Avala-Api-Key": key, "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    with _direct.open(req, timeout=30) as resp:
        raw = resp.read()
        return json.loads(raw) if raw else None


def fetch_all(url):
    """Every item of a paginated list, following `next`."""
    items = []
    while url:
        page = fetch_json(url)
        items.extend(page["results"])
        url = page["next"]
    return items


# ---- the CLI's conventions -------------------------------------------------------


def assert_error(r, status):
    """Exit `status`, one "avala: error: ..." line first on stderr, nothing on stdout."""
    assert r.returncode == status, f"exit {r.returncode}, stderr: {r.stderr!r}"
    assert r.stderr.startswith(ERROR_PREFIX), r.stderr
    first_line = r.stderr.splitlines()[0]
    assert len(first_line) > len(ERROR_PREFIX) + 3, f"no message: {r.stderr!r}"
    assert r.stdout == ""


NEXT_CURSOR = re.compile(r"^next cursor: (\S+) \(use --cursor (\S+)\)$", re.M)


def next_cursor(stderr):
    m = NEXT_CURSOR.search(stderr)
    assert m, f"no next-cursor hint on stderr: {stderr!r}"
    assert m.group(1) == m.group(2)
    return m.group(1)


def printable(s):
    """What the table shows for server text: control characters become '?'."""
    return "".join("?" if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F else c for c in s)
