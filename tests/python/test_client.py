"""Client configuration, lifecycle, rate-limit info and the generic request."""

from __future__ import annotations

import pytest

import avala
from avala.errors import AvalaError, ConfigurationError, ValidationError

from conftest import KEY, Emulator


def test_a_missing_api_key_is_a_value_error_naming_the_variable() -> None:
    with pytest.raises(ValueError, match="No API key") as info:
        avala.Client(base_url="https://api.example.invalid/api/v1")
    assert isinstance(info.value, ConfigurationError)
    assert "AVALA_API_KEY" in str(info.value)


def test_an_empty_api_key_counts_as_missing_like_the_official_sdk() -> None:
    with pytest.raises(ValueError, match="No API key"):
        avala.Client("", base_url="https://api.example.invalid/api/v1")


def test_the_api_key_and_base_url_come_from_the_environment(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, insecure_ok: None
) -> None:
    monkeypatch.setenv("AVALA_API_KEY", KEY)
    monkeypatch.setenv("AVALA_BASE_URL", emulator.base_url + "/")
    with avala.Client() as client:
        assert client.base_url == emulator.base_url  # trailing slash stripped
        assert len(client.projects.list(limit=1)) == 1


def test_an_explicit_key_wins_over_the_environment(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, insecure_ok: None
) -> None:
    monkeypatch.setenv("AVALA_API_KEY", "wrong-key")
    with avala.Client(KEY, base_url=emulator.base_url) as client:
        assert client.projects.list(limit=1).items


def test_the_default_base_url_is_the_public_api() -> None:
    with avala.Client("k") as client:  # nothing is sent by the constructor
        assert client.base_url == "https://api.avala.ai/api/v1"


def test_http_is_refused_for_a_host_other_than_localhost(insecure_ok: None) -> None:
    with pytest.raises(ValueError) as info:
        avala.Client("k", base_url="http://example.com/api/v1")
    assert isinstance(info.value, ConfigurationError)
    assert "https" in str(info.value)


def test_http_localhost_is_refused_without_the_insecure_variable(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="AVALA_ALLOW_INSECURE_BASE_URL"):
        avala.Client(KEY, base_url=emulator.base_url)


def test_a_malformed_base_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        avala.Client("k", base_url="not a url")


@pytest.mark.parametrize("timeout", [0, -1.0, float("nan"), float("inf")])
def test_a_non_positive_or_non_finite_timeout_is_refused(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        avala.Client("k", timeout=timeout)


def test_a_negative_max_retries_is_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        avala.Client("k", max_retries=-1)


def test_wrong_argument_types_are_type_errors() -> None:
    with pytest.raises(TypeError):
        avala.Client(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        avala.Client("k", timeout="30")  # type: ignore[arg-type]


def test_the_key_never_appears_in_the_repr_of_the_client_or_its_parts(client: avala.Client) -> None:
    texts = [repr(client), str(client), repr(client.projects), repr(vars(client)), repr(client.rate_limit_info)]
    for text in texts:
        assert KEY not in text
    assert "127.0.0.1" in repr(client)


def test_the_context_manager_closes_the_client(emulator: Emulator, insecure_ok: None) -> None:
    with avala.Client(KEY, base_url=emulator.base_url) as client:
        assert client.projects.list(limit=1).items
        assert not client.closed
    assert client.closed
    assert "closed" in repr(client)
    with pytest.raises(RuntimeError, match="closed"):
        client.projects.list(limit=1)
    client.close()  # twice is fine


def test_an_iterator_outlives_the_closed_client(emulator: Emulator, insecure_ok: None) -> None:
    client = avala.Client(KEY, base_url=emulator.base_url)
    it = client.projects.iter(limit=100)
    client.close()
    del client
    assert sum(1 for _ in it) == 250


def test_rate_limit_info_is_unknown_before_a_call_and_filled_after(client: avala.Client) -> None:
    assert client.rate_limit_info == {"limit": None, "remaining": None, "reset": None}
    assert client.rate_limit_info.remaining is None
    client.projects.list(limit=1)
    info = client.rate_limit_info
    assert isinstance(info, dict)
    assert set(info) == {"limit", "remaining", "reset"}
    # Strings in the mapping, as the official SDK returns them...
    assert info["limit"] == "100"
    assert all(isinstance(v, str) for v in info.values())
    # ...and integers as attributes.
    assert info.limit == 100
    assert info.remaining is not None and 0 <= info.remaining < 100
    assert info.reset is not None and info.reset > 1_600_000_000
    before = info.remaining
    client.projects.list(limit=1)
    after = client.rate_limit_info.remaining
    assert after is not None and (after < before or after == 0 or after == 99)


def test_request_reaches_any_endpoint_and_parses_json(client: avala.Client) -> None:
    assert client.request("GET", "/__emulator/slow?ms=1") == {"slept_ms": 1}
    assert client.request("GET", "/__emulator/slow", params={"ms": 2}) == {"slept_ms": 2}
    page = client.request("get", "/users/me/projects/", params={"limit": 2})
    assert [p["uid"] for p in page["results"]] == [p.uid for p in client.projects.list(limit=2)]


def test_request_raises_the_mapped_errors(client: avala.Client) -> None:
    with pytest.raises(ValidationError) as info:
        client.request("GET", "/__emulator/slow?ms=abc")
    assert info.value.status_code == 400
    assert isinstance(info.value.body, dict) and "ms" in info.value.body


def test_request_refuses_paths_that_leave_the_api(client: avala.Client) -> None:
    for path in ("https://evil.example/x", "/../admin", "/a/../../b", "no-slash"):
        with pytest.raises(ValueError):
            client.request("GET", path)


def test_keep_alive_connections_are_reused_across_calls(emulator: Emulator, client: avala.Client) -> None:
    before = emulator.stats()
    for _ in range(20):
        client.projects.list(limit=1)
    after = emulator.stats()
    assert after["requests"] - before["requests"] == 20 + 1  # + the second stats call
    assert after["connections_accepted"] - before["connections_accepted"] <= 1 + 1


def test_avala_is_an_alias_of_client_and_the_version_comes_from_the_library() -> None:
    assert avala.Avala is avala.Client
    assert avala.__version__ == avala._avala.version()
    assert issubclass(ConfigurationError, AvalaError)
