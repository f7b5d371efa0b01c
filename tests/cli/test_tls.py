"""Trust and identity from the CLI: --ca-file (and SSL_CERT_FILE) against the
emulator serving HTTPS with a throwaway CA, and a client certificate for a
server that requires one (openssl s_server -Verify 1)."""

import re
import select
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from support import KEY, clean_env, require_binary, stop_emulator, _drain

SUPPORT = Path(__file__).resolve().parents[1] / "support"
PASSPHRASE = "client-pass-7f3a"  # tests/support/make_client_cert.sh


@pytest.fixture(scope="module")
def certs():
    d = Path(tempfile.mkdtemp(prefix="avala-cli-tls-"))
    subprocess.run([SUPPORT / "make_test_certs.sh", d], check=True)
    subprocess.run([SUPPORT / "make_client_cert.sh", d], check=True)
    return d


def _https_url(proc, pattern):
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    line = proc.stdout.readline().decode("utf-8", "replace").strip() if ready else ""
    m = re.search(pattern, line)
    return line, m


@pytest.fixture(scope="module")
def tls_emulator(certs):
    proc = subprocess.Popen(
        [require_binary("AVALA_EMULATOR"), "--port", "0", "--api-key", KEY, "--generate", "projects=7",
         "--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server.key")],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=clean_env())
    line, m = _https_url(proc, r"^https://127\.0\.0\.1:\d+/api/v1$")
    if not m:
        stop_emulator(proc)
        pytest.fail(f"the TLS emulator did not start (got {line!r})")
    threading.Thread(target=_drain, args=(proc.stdout,), daemon=True).start()
    yield line
    stop_emulator(proc)


@pytest.fixture(scope="module")
def mtls_server(certs):
    proc = subprocess.Popen(
        ["openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", str(certs / "server.pem"), "-key",
         str(certs / "server.key"), "-CAfile", str(certs / "ca.pem"), "-Verify", "1", "-www"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    # Line by line (s_server writes a line or two first); never select() on a
    # buffered pipe, whose buffer may already hold the line.
    for _ in range(20):
        line = proc.stdout.readline().decode("utf-8", "replace").strip()
        m = re.search(r"^ACCEPT 127\.0\.0\.1:(\d+)$", line)
        if m or not line:
            break
    if not m:
        stop_emulator(proc)
        pytest.fail("openssl s_server did not start")
    threading.Thread(target=_drain, args=(proc.stdout,), daemon=True).start()
    yield f"https://127.0.0.1:{m.group(1)}/api/v1"
    stop_emulator(proc)


def test_an_unknown_ca_is_refused_and_ca_file_trusts_it(avala, tls_emulator, certs):
    env = clean_env(AVALA_API_KEY=KEY)
    r = avala("--base-url", tls_emulator, "--max-retries", "0", "projects", "list", env=env)
    assert r.returncode == 6, r.stderr
    assert "certificate verification failed" in r.stderr
    r = avala("--base-url", tls_emulator, "--ca-file", str(certs / "ca.pem"), "-o", "json", "projects", "list",
              env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count('"uid"') == 7


def test_ssl_cert_file_is_the_trust_store_when_no_flag_is_given(avala, tls_emulator, certs):
    env = clean_env(AVALA_API_KEY=KEY, SSL_CERT_FILE=str(certs / "ca.pem"))
    r = avala("--base-url", tls_emulator, "-o", "json", "projects", "list", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count('"uid"') == 7


def test_a_required_client_certificate_missing_given_and_encrypted(avala, mtls_server, certs):
    env = clean_env(AVALA_API_KEY=KEY)
    base = ["--base-url", mtls_server, "--ca-file", str(certs / "ca.pem"), "--max-retries", "2"]
    r = avala(*base, "projects", "list", env=env)
    assert r.returncode == 6, r.stderr
    assert "client certificate" in r.stderr
    # With the certificate the handshake succeeds: s_server's HTML page is then not a page of projects.
    cert = ["--client-cert", str(certs / "client.pem"), "--client-key", str(certs / "client.key")]
    r = avala(*base, *cert, "projects", "list", env=env)
    assert r.returncode == 5 and "response is not a JSON object" in r.stderr, r.stderr
    enc = ["--client-cert", str(certs / "client.pem"), "--client-key", str(certs / "client-enc.key")]
    r = avala(*base, *enc, "projects", "list", env=clean_env(AVALA_API_KEY=KEY, AVALA_CLIENT_KEY_PASSWORD=PASSPHRASE))
    assert r.returncode == 5 and "response is not a JSON object" in r.stderr, r.stderr
    r = avala(*base, *enc, "projects", "list", env=clean_env(AVALA_API_KEY=KEY, AVALA_CLIENT_KEY_PASSWORD="wrong-7c1"))
    assert r.returncode == 7, r.stderr
    assert "client-enc.key" in r.stderr and "wrong-7c1" not in r.stderr


def test_client_key_without_client_cert_is_a_usage_error(avala, certs):
    r = avala("--client-key", str(certs / "client.key"), "projects", "list", env=clean_env(AVALA_API_KEY=KEY))
    assert r.returncode == 2
    assert "--client-key needs --client-cert" in r.stderr


def test_proxy_flag_and_environment(avala, certs):
    """--proxy through real tinyproxy; the environment's proxy; --noproxy; a
    refusal is exit 6 with the password redacted."""
    import sys
    sys.path.insert(0, str(SUPPORT))
    from net_fixtures import tinyproxy  # the shared fixture scripts
    from support import start_emulator

    emu, url = start_emulator("--generate", "projects=4")
    try:
        with tinyproxy(Path(tempfile.mkdtemp(prefix="avala-cli-proxy-"))) as proxy, \
                tinyproxy(Path(tempfile.mkdtemp(prefix="avala-cli-proxy-auth-")), auth="alice:s3cret") as auth:
            env = clean_env(AVALA_API_KEY=KEY, AVALA_ALLOW_INSECURE_BASE_URL="1")
            log = Path(str(proxy["log"]))
            before = log.read_text(errors="replace").count("users/me/projects")
            r = avala("--base-url", url, "--proxy", str(proxy["url"]), "-o", "json", "projects", "list", env=env)
            assert r.returncode == 0, r.stderr
            assert r.stdout.count('"uid"') == 4
            assert log.read_text(errors="replace").count("users/me/projects") > before
            # The environment's proxy, bypassed by --noproxy.
            dead = clean_env(AVALA_API_KEY=KEY, AVALA_ALLOW_INSECURE_BASE_URL="1", http_proxy="http://127.0.0.1:9")
            assert avala("--base-url", url, "--max-retries", "0", "projects", "list", env=dead).returncode == 6
            assert avala("--base-url", url, "--noproxy", "127.0.0.1", "projects", "list", env=dead).returncode == 0
            # A refusal by the proxy: exit 6, the proxy named, the password never shown.
            r = avala("--base-url", url, "--proxy", f"http://alice:wrong-4f2@127.0.0.1:{auth['port']}",
                      "projects", "list", env=env)
            assert r.returncode == 6, r.stderr
            assert "rejected the proxy credentials" in r.stderr and "wrong-4f2" not in r.stderr
    finally:
        stop_emulator(emu)


def test_https_through_the_proxy_to_a_name_only_it_resolves(avala, tmp_path):
    import os
    import sys
    sys.path.insert(0, str(SUPPORT))
    from net_fixtures import nginx, tinyproxy
    from support import start_emulator

    if os.geteuid() != 0:
        pytest.skip("needs root (the proxy gets a mount namespace of its own)")
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n127.0.0.1 api.avala.test\n")
    emu, url = start_emulator("--generate", "projects=5")
    try:
        upstream = url[: url.index("/api/v1")]
        with nginx(tmp_path / "web", upstream=upstream) as web, tinyproxy(tmp_path / "proxy", hosts=hosts) as proxy:
            origin = f"https://api.avala.test:{web['https']}/api/v1"
            env = clean_env(AVALA_API_KEY=KEY)
            r = avala("--base-url", origin, "--ca-file", str(web["ca"]), "--max-retries", "0", "projects", "list",
                      env=env)
            assert r.returncode == 6 and "cannot resolve" in r.stderr, r.stderr
            r = avala("--base-url", origin, "--ca-file", str(web["ca"]), "--proxy", str(proxy["url"]), "-o", "json",
                      "projects", "list", env=env)
            assert r.returncode == 0, r.stderr
            assert r.stdout.count('"uid"') == 5
    finally:
        stop_emulator(emu)
