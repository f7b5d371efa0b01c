"""The client on the networks users have, against real components: Debian's
tinyproxy (a forward proxy; one requiring Basic credentials) and nginx (TLS
with a throwaway CA, gzip), started on loopback by tests/support. Proxies come
from the environment here (HTTPS_PROXY, http_proxy, NO_PROXY), which every
binding honours because the library reads it; gzip answers are decoded."""

from __future__ import annotations

import os
import socket
import sys
import urllib.parse
from pathlib import Path
from typing import Iterator, List

import pytest

import avala
from conftest import KEY, ROOT, Emulator

sys.path.insert(0, str(ROOT / "tests" / "support"))
from net_fixtures import Info, nginx, tinyproxy  # noqa: E402



@pytest.fixture()
def clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AVALA_ALLOW_INSECURE_BASE_URL", "1")
    return monkeypatch


def carried(proxy: Info) -> List[str]:
    return [line for line in Path(str(proxy["log"])).read_text(errors="replace").splitlines()
            if "users/me/projects" in line or "CONNECT" in line]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_http_through_the_proxy_from_the_environment(emulator: Emulator, proxy: Info,
                                                    clean_proxy_env: pytest.MonkeyPatch) -> None:
    clean_proxy_env.setenv("http_proxy", str(proxy["url"]))
    before = len(carried(proxy))
    with avala.Client(api_key=KEY, base_url=emulator.base_url) as client:
        assert len(client.projects.list(limit=3).items) == 3
    assert len(carried(proxy)) > before  # tinyproxy carried it (absolute form)


def test_no_proxy_bypasses_it(emulator: Emulator, clean_proxy_env: pytest.MonkeyPatch) -> None:
    # A proxy nobody listens on: reaching the emulator proves the bypass.
    clean_proxy_env.setenv("http_proxy", f"http://127.0.0.1:{closed_port()}")
    clean_proxy_env.setenv("NO_PROXY", "localhost,127.0.0.1")
    with avala.Client(api_key=KEY, base_url=emulator.base_url) as client:
        assert len(client.projects.list(limit=2).items) == 2
    clean_proxy_env.delenv("NO_PROXY")
    with avala.Client(api_key=KEY, base_url=emulator.base_url, max_retries=0) as client:
        with pytest.raises(avala.errors.APIConnectionError, match="cannot connect to proxy http://127.0.0.1"):
            client.projects.list(limit=2)


def test_proxy_credentials_are_sent_and_a_refusal_is_a_proxy_error(emulator: Emulator, auth_proxy: Info,
                                                                   clean_proxy_env: pytest.MonkeyPatch) -> None:
    port = auth_proxy["port"]
    clean_proxy_env.setenv("http_proxy", f"http://alice:s3cr%65t@127.0.0.1:{port}")
    with avala.Client(api_key=KEY, base_url=emulator.base_url) as client:
        assert len(client.projects.list(limit=2).items) == 2
    clean_proxy_env.setenv("http_proxy", f"http://127.0.0.1:{port}")
    with avala.Client(api_key=KEY, base_url=emulator.base_url) as client:
        with pytest.raises(avala.errors.ProxyError) as e:
            client.projects.list(limit=2)
    assert "requires credentials" in str(e.value) and e.value.status_code == 407
    clean_proxy_env.setenv("http_proxy", f"http://alice:wrong-pass-3e1@127.0.0.1:{port}")
    with avala.Client(api_key=KEY, base_url=emulator.base_url) as client:
        with pytest.raises(avala.errors.ProxyError) as e:
            client.projects.list(limit=2)
    assert "wrong-pass-3e1" not in str(e.value) and "[redacted]" in str(e.value)


def test_https_through_a_connect_tunnel_to_nginx_in_front_of_the_emulator(
        emulator: Emulator, proxy: Info, tmp_path: Path, clean_proxy_env: pytest.MonkeyPatch) -> None:
    upstream = urllib.parse.urlsplit(emulator.base_url)
    with nginx(tmp_path / "front", upstream=f"http://{upstream.hostname}:{upstream.port}") as front:
        clean_proxy_env.setenv("HTTPS_PROXY", str(proxy["url"]))
        clean_proxy_env.setenv("SSL_CERT_FILE", str(front["ca"]))
        before = len([line for line in carried(proxy) if "CONNECT" in line])
        # localhost: SNI and the certificate check are against the origin's name, not the proxy's.
        with avala.Client(api_key=KEY, base_url=f"https://localhost:{front['https']}/api/v1") as client:
            page = client.projects.list(limit=3)
            assert len(page.items) == 3
        assert len([line for line in carried(proxy) if "CONNECT" in line]) > before


def test_gzip_answers_from_nginx_are_decoded(emulator: Emulator, tmp_path: Path,
                                            clean_proxy_env: pytest.MonkeyPatch) -> None:
    # nginx gzips what it proxies when asked (gzip_proxied any); the client
    # asks, so the page only parses if it was decoded.
    upstream = urllib.parse.urlsplit(emulator.base_url)
    with nginx(tmp_path / "gz", upstream=f"http://{upstream.hostname}:{upstream.port}") as front:
        clean_proxy_env.setenv("SSL_CERT_FILE", str(front["ca"]))
        with avala.Client(api_key=KEY, base_url=f"https://127.0.0.1:{front['https']}/api/v1") as client:
            assert len(client.projects.list(limit=50).items) == 50


def test_explicit_options_win_over_the_environment(emulator: Emulator, proxy: Info,
                                                  clean_proxy_env: pytest.MonkeyPatch) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    clean_proxy_env.setenv("http_proxy", dead)
    # The explicit proxy wins over the environment's (dead) one.
    with avala.Client(api_key=KEY, base_url=emulator.base_url, proxy=str(proxy["url"])) as client:
        assert len(client.projects.list(limit=2).items) == 2
    # trust_env=False: the variables are ignored, the connection is direct.
    with avala.Client(api_key=KEY, base_url=emulator.base_url, trust_env=False) as client:
        assert len(client.projects.list(limit=2).items) == 2
    # proxy="" means no proxy at all; no_proxy= bypasses the environment's.
    with avala.Client(api_key=KEY, base_url=emulator.base_url, proxy="") as client:
        assert len(client.projects.list(limit=2).items) == 2
    with avala.Client(api_key=KEY, base_url=emulator.base_url, no_proxy="127.0.0.1") as client:
        assert len(client.projects.list(limit=2).items) == 2
    # Credentials in a proxy URL never show: not in a repr, not in an error.
    with avala.Client(api_key=KEY, base_url=emulator.base_url, max_retries=0,
                      proxy=f"http://bob:hunter2-9a7@127.0.0.1:{closed_port()}") as client:
        assert "hunter2-9a7" not in repr(client)
        with pytest.raises(avala.errors.APIConnectionError) as e:
            client.projects.list(limit=2)
        assert "hunter2-9a7" not in str(e.value) and "bob:[redacted]@" in str(e.value)
    with pytest.raises(avala.errors.ConfigurationError, match="proxy"):
        avala.Client(api_key=KEY, base_url=emulator.base_url, proxy="socks5://127.0.0.1:1")


def test_ca_file_and_a_client_certificate_as_options(tmp_path: Path, clean_proxy_env: pytest.MonkeyPatch) -> None:
    with nginx(tmp_path / "mtls") as web:
        status = f"https://127.0.0.1:{web['https']}/api/v1"
        with avala.Client(api_key=KEY, base_url=status, max_retries=0) as client:
            with pytest.raises(avala.errors.TLSError, match="certificate verification failed"):
                client.request("GET", "/status")
        with avala.Client(api_key=KEY, base_url=status, ca_file=str(web["ca"])) as client:
            with pytest.raises(avala.errors.NotFoundError):  # the TLS is right: nginx answers 404 under /api/v1
                client.request("GET", "/status")
        mtls = f"https://127.0.0.1:{web['mtls']}/api/v1"
        with avala.Client(api_key=KEY, base_url=mtls, ca_file=str(web["ca"]), max_retries=2) as client:
            with pytest.raises(avala.errors.TLSError, match="client certificate"):
                client.request("GET", "/status")
        with avala.Client(api_key=KEY, base_url=mtls, ca_file=str(web["ca"]), client_cert=str(web["client_cert"]),
                          client_key=str(web["client_key"])) as client:
            with pytest.raises(avala.errors.NotFoundError):  # past the certificate check
                client.request("GET", "/status")


def test_an_https_origin_whose_name_only_the_proxy_can_resolve(emulator: Emulator, tmp_path: Path,
                                                             clean_proxy_env: pytest.MonkeyPatch) -> None:
    # api.avala.test resolves in the proxy's mount namespace only (its own
    # /etc/hosts): reaching it proves the name went to the proxy in the CONNECT,
    # and the certificate was checked against that name inside the tunnel.
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n127.0.0.1 api.avala.test\n")
    upstream = urllib.parse.urlsplit(emulator.base_url)
    with nginx(tmp_path / "web", upstream=f"http://{upstream.hostname}:{upstream.port}") as web, \
            tinyproxy(tmp_path / "proxy", hosts=hosts) as proxy:
        clean_proxy_env.setenv("SSL_CERT_FILE", str(web["ca"]))
        origin = f"https://api.avala.test:{web['https']}/api/v1"
        with avala.Client(api_key=KEY, base_url=origin, max_retries=0, trust_env=False) as direct:
            with pytest.raises(avala.errors.APIConnectionError, match="cannot resolve"):
                direct.projects.list(limit=1)
        clean_proxy_env.setenv("HTTPS_PROXY", str(proxy["url"]))
        with avala.Client(api_key=KEY, base_url=origin) as client:
            assert len(client.projects.list(limit=3).items) == 3
        clean_proxy_env.setenv("NO_PROXY", ".avala.test")
        with avala.Client(api_key=KEY, base_url=origin, max_retries=0) as bypassed:
            with pytest.raises(avala.errors.APIConnectionError, match="cannot resolve"):
                bypassed.projects.list(limit=1)
