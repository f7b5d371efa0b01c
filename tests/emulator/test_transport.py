"""The enforced rate limit (--rate-limit) and HTTPS (--tls-cert/--tls-key)."""
import http.client
import json
import socket
import ssl
import subprocess
import time

import pytest

from harness import AUTH, BINARY, KEY, PROJECTS, emulator, make_certs, path_of, tls_client_context

FAULTS = "/__emulator/faults"


# --- rate limit ---------------------------------------------------------------

def wait_for_fresh_window():
    """Sleeps to just after a whole second, so a short window is not split by a
    second boundary in the middle of a test."""
    time.sleep(1.02 - time.time() % 1.0)


def test_rate_limit_is_enforced_per_window_with_precise_headers():
    with emulator("--rate-limit", "5/2s") as emu:
        wait_for_fresh_window()
        conn = emu.connect()
        try:
            seen = [emu.call("GET", PROJECTS + "?limit=1", conn=conn) for _ in range(5)]
            status, headers, body = emu.call("GET", PROJECTS + "?limit=1", conn=conn)
        finally:
            conn.close()
        assert [s for s, _, _ in seen] == [200] * 5
        assert [h["X-RateLimit-Remaining"] for _, h, _ in seen] == ["4", "3", "2", "1", "0"]
        assert all(h["X-RateLimit-Limit"] == "5" for _, h, _ in seen)
        assert status == 429
        assert body["detail"].startswith("Request was throttled.")
        assert headers["X-RateLimit-Limit"] == "5" and headers["X-RateLimit-Remaining"] == "0"
        reset = int(headers["X-RateLimit-Reset"])
        assert reset == int(seen[0][1]["X-RateLimit-Reset"])
        assert time.time() < reset <= time.time() + 2
        retry_after = int(headers["Retry-After"])
        assert 1 <= retry_after <= 2 and reset - time.time() <= retry_after

        # Waiting exactly until Reset is enough.
        time.sleep(max(0.0, reset - time.time()) + 0.01)
        status, headers, _ = emu.call("GET", PROJECTS)
        assert status == 200 and headers["X-RateLimit-Remaining"] == "4"
        assert int(headers["X-RateLimit-Reset"]) == reset + 2


def test_refused_requests_do_not_run_the_handler():
    with emulator("--rate-limit", "1/60s") as emu:
        assert emu.call("POST", "/api/v1/agents/", {"name": "first"})[0] == 201
        assert emu.call("POST", "/api/v1/agents/", {"name": "second"})[0] == 429
        # The control plane is neither limited nor counted.
        status, _, stats = emu.call("GET", "/__emulator/stats", headers={})
        assert status == 200
        assert stats["paths"] == {"POST /api/v1/agents/": 2}


def test_rate_limit_buckets_are_per_key():
    with emulator("--rate-limit", "2/60s") as emu:
        assert [emu.call("GET", PROJECTS)[0] for _ in range(3)] == [200, 200, 429]
        # Another (wrong) key has its own window: it still gets its 401.
        assert emu.call("GET", PROJECTS, headers={"X-Avala-Api-Key": "other"})[0] == 401


def test_without_the_flag_the_limit_is_only_reported():
    with emulator() as emu:
        conn = emu.connect()
        try:
            answers = [emu.call("GET", PROJECTS + "?limit=1", conn=conn) for _ in range(105)]
        finally:
            conn.close()
        assert {s for s, _, _ in answers} == {200}
        assert answers[-1][1]["X-RateLimit-Limit"] == "100"
        assert answers[-1][1]["X-RateLimit-Remaining"] == "0"
        assert "Retry-After" not in answers[-1][1]


@pytest.mark.parametrize("spec", ["0/1s", "5", "5/0s", "x/1s", "5/s", "5/2m", "-1/2s"])
def test_bad_rate_limit_exits_2(spec):
    proc = subprocess.run([str(BINARY), "--rate-limit", spec], capture_output=True, text=True,
                          timeout=10)
    assert proc.returncode == 2 and "--rate-limit" in proc.stderr


def test_rate_limit_without_the_s_suffix_is_accepted():
    with emulator("--rate-limit", "3/1") as emu:
        assert emu.call("GET", PROJECTS)[1]["X-RateLimit-Limit"] == "3"


# --- TLS ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def tls_emu(certs):
    ctx = tls_client_context(certs / "ca.pem")
    with emulator("--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server.key"),
                  "--generate", "projects=30", ssl_context=ctx) as emu:
        yield emu


def test_tls_prints_an_https_base_url(tls_emu):
    assert tls_emu.base_url.startswith("https://127.0.0.1:")
    assert tls_emu.base_url.endswith("/api/v1")


def test_tls_serves_verified_https_with_https_links(tls_emu):
    page = tls_emu.get(PROJECTS + "?limit=10")
    assert len(page["results"]) == 10
    assert page["next"].startswith(tls_emu.base_url + "/users/me/projects/?cursor=")
    second = tls_emu.get(path_of(page["next"]))
    assert second["previous"].startswith("https://")


def test_tls_keeps_connections_alive(tls_emu):
    conn = tls_emu.connect()
    try:
        _, h1, _ = tls_emu.call("GET", PROJECTS + "?limit=1", conn=conn)
        _, h2, _ = tls_emu.call("GET", PROJECTS + "?limit=2", conn=conn)
    finally:
        conn.close()
    assert h1["X-Emulator-Connection"] == h2["X-Emulator-Connection"]


def test_tls_export_download_url_is_https(tls_emu):
    project = tls_emu.get(PROJECTS + "?limit=1")["results"][0]["uid"]
    status, _, export = tls_emu.call("POST", "/api/v1/exports/",
                                     {"project": project, "x_emulator_polls": 1})
    assert status == 201
    done = tls_emu.get(f"/api/v1/exports/{export['uid']}/")
    assert done["download_url"].startswith(tls_emu.base_url + "/__emulator/downloads/")


def test_tls_certificate_is_checked_by_the_client(tls_emu):
    ctx = ssl.create_default_context()  # the system store does not know our test CA
    conn = http.client.HTTPSConnection(tls_emu.host, tls_emu.port, timeout=5, context=ctx)
    try:
        with pytest.raises(ssl.SSLCertVerificationError):
            conn.request("GET", PROJECTS, headers=AUTH)
    finally:
        conn.close()


def test_plain_http_to_the_tls_port_gets_no_http_answer(tls_emu):
    s = socket.create_connection((tls_emu.host, tls_emu.port), timeout=5)
    try:
        s.sendall(f"GET {PROJECTS} HTTP/1.1\r\nHost: x\r\nX-Avala-Api-Key: {KEY}\r\n\r\n".encode())
        data = b""
        try:
            while chunk := s.recv(4096):
                data += chunk
        except ConnectionResetError:
            pass
    finally:
        s.close()
    assert not data.startswith(b"HTTP/")


def test_faults_work_over_tls(tls_emu):
    try:
        tls_emu.call("POST", FAULTS, {"path": PROJECTS, "fault": "truncated_body"}, headers={})
        conn = tls_emu.connect()
        try:
            conn.request("GET", PROJECTS, headers=AUTH)
            resp = conn.getresponse()
            with pytest.raises((http.client.IncompleteRead, ssl.SSLError)):
                resp.read()
        finally:
            conn.close()

        tls_emu.call("POST", FAULTS, {"path": PROJECTS, "fault": "reset_before_headers"}, headers={})
        conn = tls_emu.connect()
        try:
            with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected, ssl.SSLError)):
                conn.request("GET", PROJECTS, headers=AUTH)
                conn.getresponse()
        finally:
            conn.close()
        assert tls_emu.call("GET", PROJECTS)[0] == 200
    finally:
        tls_emu.call("DELETE", FAULTS, headers={})


def test_tls_connection_close_ends_promptly_even_if_the_client_stays_quiet(tls_emu, certs):
    ctx = tls_client_context(certs / "ca.pem")
    raw = socket.create_connection((tls_emu.host, tls_emu.port), timeout=5)
    s = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
    try:
        s.sendall(f"GET {PROJECTS}?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                  f"X-Avala-Api-Key: {KEY}\r\n\r\n".encode())
        started, data = time.monotonic(), b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except (ssl.SSLError, ConnectionResetError):
            pass
        assert time.monotonic() - started < 3
        head, _, body = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["results"]
    finally:
        s.close()


@pytest.mark.parametrize("args", [
    ["--tls-cert", "/nonexistent.pem"],
    ["--tls-key", "/nonexistent.key"],
])
def test_tls_flags_go_together(args):
    proc = subprocess.run([str(BINARY), *args], capture_output=True, text=True, timeout=10)
    assert proc.returncode == 2 and "--tls-cert and --tls-key" in proc.stderr


def test_unreadable_tls_files_exit_2(tmp_path, certs):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    for cert, key in ((tmp_path / "missing.pem", certs / "server.key"), (bad, certs / "server.key"),
                      (certs / "server.pem", bad)):
        proc = subprocess.run([str(BINARY), "--port", "0", "--tls-cert", str(cert), "--tls-key", str(key)],
                              capture_output=True, text=True, timeout=10)
        assert proc.returncode == 2 and "TLS" in proc.stderr and proc.stdout == ""


def test_help_documents_the_new_flags():
    proc = subprocess.run([str(BINARY), "--help"], capture_output=True, text=True, timeout=10)
    assert proc.returncode == 0
    for flag in ("--rate-limit", "--tls-cert", "--tls-key", "TLS", "/__emulator/faults"):
        assert flag in proc.stdout
