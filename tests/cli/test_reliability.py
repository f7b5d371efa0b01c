"""The CLI's reliability flags: --max-retries and --rate-limit, against an
emulator with fault injection (POST /__emulator/faults) and an enforced
rate-limit window."""

import json
import time
import urllib.request

import pytest

from support import _direct, KEY, assert_error, emulator_env, start_emulator, stop_emulator


@pytest.fixture(scope="module")
def emulator():
    proc, url = start_emulator("--generate", "projects=30")
    yield url
    stop_emulator(proc)


def fault(base_url, **rule):
    """Installs one fault rule after clearing the others (the oracle talks to
    the emulator directly, not through the CLI)."""
    root = base_url[: base_url.index("/api/v1")]
    _direct.open(urllib.request.Request(root + "/__emulator/faults", method="DELETE"), timeout=10)
    body = json.dumps({"method": "GET", "path": "/api/v1/users/me/projects/", **rule}).encode()
    req = urllib.request.Request(root + "/__emulator/faults", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    _direct.open(req, timeout=10)


def test_a_transient_503_is_retried_by_default(avala, emulator):
    fault(emulator, fault="status", status=503, count=1)
    r = avala("-o", "json", "projects", "list", "--limit", "5", env=emulator_env(emulator))
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 5


def test_max_retries_0_surfaces_the_first_503(avala, emulator):
    fault(emulator, fault="status", status=503, count=1)
    r = avala("--max-retries", "0", "projects", "list", "--limit", "5", env=emulator_env(emulator))
    assert_error(r, 5)
    assert KEY not in r.stderr and KEY not in r.stdout


@pytest.mark.parametrize("bad", ["-1", "1.5", "x", "101"])
def test_max_retries_must_be_a_small_whole_number(avala, emulator, bad):
    r = avala("--max-retries", bad, "projects", "list", env=emulator_env(emulator))
    assert_error(r, 2)
    assert "--max-retries" in r.stderr


def test_rate_limit_waits_for_the_window_instead_of_failing(avala):
    proc, url = start_emulator("--generate", "projects=12", "--rate-limit", "5/1s")
    try:
        env = emulator_env(url)
        walk = ("-o", "json", "projects", "list", "--all", "--limit", "1")  # 12 requests in one run
        # Without the limiter the walk overruns the 5-per-second window.
        r = avala("--max-retries", "0", *walk, env=env)
        assert r.returncode == 5, r.stderr
        assert "throttled" in r.stderr.lower() or "retry after" in r.stderr
        time.sleep(1.1)  # a fresh window
        # With it, the same walk waits for each new window and never sees a 429.
        r = avala("--rate-limit", "--max-retries", "0", *walk, env=env)
        assert r.returncode == 0, r.stderr
        assert len(json.loads(r.stdout)) == 12
    finally:
        stop_emulator(proc)
