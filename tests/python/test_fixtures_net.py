"""The network fixtures themselves (tests/support/net_fixtures.py), checked
with Debian's curl so that a later client test can trust them: curl through
tinyproxy to nginx over https (a CONNECT tunnel) and http (absolute form), a
407 from the proxy that wants credentials (and tinyproxy's 401 for wrong
ones), gzip from nginx, and nginx's
client-certificate server refusing a client without one.

These test the fixtures, not libavala: the client does not use proxies or
gzip yet (see the README, "Networks (in progress)")."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from conftest import KEY, ROOT, Emulator

sys.path.insert(0, str(ROOT / "tests" / "support"))
from net_fixtures import Info, have, nginx, tinyproxy  # noqa: E402

pytestmark = pytest.mark.skipif(not have("curl"), reason="curl is not installed (scripts/install-deps.sh)")

CREDENTIALS = "alice:s3cr%65t"  # "s3cret", percent-encoded as a proxy URL may be


def curl(*args: str) -> Tuple[int, bytes, str]:
    """(exit code, stdout, stderr) of curl with no proxy from the environment."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    p = subprocess.run(["curl", "-sS", "--max-time", "20", *args], capture_output=True, env=env, timeout=60)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def status_of(*args: str) -> int:
    code, out, err = curl("-o", "/dev/null", "-w", "%{http_code}", *args)
    return int(out or 0)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Info]:
    with nginx(tmp_path_factory.mktemp("nginx")) as info:
        yield info


def log_lines(proxy: Info) -> List[str]:
    return Path(str(proxy["log"])).read_text(errors="replace").splitlines()


def test_https_nginx_verifies_against_the_throwaway_ca_by_name_and_by_ip(web: Info) -> None:
    code, out, err = curl("--cacert", str(web["ca"]), "--resolve", f"api.avala.test:{web['https']}:127.0.0.1",
                          f"https://api.avala.test:{web['https']}/status")
    assert code == 0 and json.loads(out) == {"ok": True}, err
    code, out, err = curl("--cacert", str(web["ca"]), f"https://127.0.0.1:{web['https']}/status")
    assert code == 0 and json.loads(out) == {"ok": True}, err
    code, _, err = curl(f"https://127.0.0.1:{web['https']}/status")  # not in the system store
    assert code == 60, err  # curl: peer certificate cannot be authenticated


def test_nginx_gzips_json_when_asked(web: Info, tmp_path: Path) -> None:
    headers = tmp_path / "headers"
    code, body, err = curl("-H", "Accept-Encoding: gzip", "-D", str(headers), f"http://127.0.0.1:{web['http']}/data.json")
    assert code == 0, err
    head = headers.read_text().lower()
    assert "content-encoding: gzip" in head
    data = json.loads(gzip.decompress(body))
    assert len(data["results"]) == 2500 and len(body) < len(json.dumps(data)) // 4
    code, body, _ = curl(f"http://127.0.0.1:{web['http']}/data.json")  # not asked: not compressed
    assert len(json.loads(body)["results"]) == 2500


def test_https_through_the_proxy_is_a_connect_tunnel(web: Info, proxy: Info) -> None:
    code, out, err = curl("-x", str(proxy["url"]), "--cacert", str(web["ca"]), f"https://127.0.0.1:{web['https']}/status")
    assert code == 0 and json.loads(out) == {"ok": True}, err
    assert any(f"CONNECT 127.0.0.1:{web['https']} HTTP/1.1" in line for line in log_lines(proxy))


def test_http_through_the_proxy_is_an_absolute_form_request(web: Info, proxy: Info) -> None:
    code, out, err = curl("-x", str(proxy["url"]), f"http://127.0.0.1:{web['http']}/status")
    assert code == 0 and json.loads(out) == {"ok": True}, err
    assert any(f"GET http://127.0.0.1:{web['http']}/status HTTP/1.1" in line for line in log_lines(proxy))


def test_the_auth_proxy_answers_407_without_credentials(web: Info, auth_proxy: Info) -> None:
    plain = f"http://127.0.0.1:{web['http']}/status"
    tls = f"https://127.0.0.1:{web['https']}/status"
    assert status_of("-x", f"http://127.0.0.1:{auth_proxy['port']}", plain) == 407
    code, _, err = curl("-x", f"http://127.0.0.1:{auth_proxy['port']}", "--cacert", str(web["ca"]), tls)
    assert code == 56 and "response 407" in err, err  # CONNECT refused


def test_the_auth_proxy_answers_401_not_407_to_wrong_credentials(web: Info, auth_proxy: Info) -> None:
    # tinyproxy 1.11's own answer (with WWW-Authenticate), on CONNECT too. A
    # client must not mistake it for the origin's 401 on a plain-http request.
    wrong = f"http://alice:wrong@127.0.0.1:{auth_proxy['port']}"
    assert status_of("-x", wrong, f"http://127.0.0.1:{web['http']}/status") == 401
    code, _, err = curl("-x", wrong, "--cacert", str(web["ca"]), f"https://127.0.0.1:{web['https']}/status")
    assert code == 56 and "response 401" in err, err


def test_the_auth_proxy_carries_requests_with_basic_credentials(web: Info, auth_proxy: Info) -> None:
    url = f"http://{CREDENTIALS}@127.0.0.1:{auth_proxy['port']}"
    assert status_of("-x", url, f"http://127.0.0.1:{web['http']}/status") == 200
    code, out, err = curl("-x", url, "--cacert", str(web["ca"]), f"https://127.0.0.1:{web['https']}/status")
    assert code == 0 and json.loads(out) == {"ok": True}, err


def test_the_mtls_server_refuses_a_client_without_a_certificate(web: Info) -> None:
    url = f"https://127.0.0.1:{web['mtls']}/status"
    code, out, err = curl("--cacert", str(web["ca"]), "-w", "%{http_code}", url)
    assert code == 0 and out.endswith(b"400") and b"No required SSL certificate was sent" in out, err
    code, out, err = curl("--cacert", str(web["ca"]), "--cert", str(web["client_cert"]),
                          "--key", str(web["client_key"]), url)
    assert code == 0 and json.loads(out) == {"ok": True}, err


def test_the_emulator_behind_nginx_tls_and_the_proxy(emulator: Emulator, proxy: Info, tmp_path: Path) -> None:
    # The chain the client will be pointed at: proxy -> nginx (TLS, gzip) -> emulator.
    upstream = urllib.parse.urlsplit(emulator.base_url)
    with nginx(tmp_path / "front", upstream=f"http://{upstream.hostname}:{upstream.port}") as front:
        code, body, err = curl("-x", str(proxy["url"]), "--cacert", str(front["ca"]), "--compressed",
                               "-H", f"X-Avala-Api-Key: {KEY}",
                               f"https://127.0.0.1:{front['https']}/api/v1/users/me/projects/?limit=3")
        assert code == 0, err
        assert len(json.loads(body)["results"]) == 3
