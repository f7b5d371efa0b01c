"""Every libavala error kind arrives as the right avala.errors class."""

from __future__ import annotations

import pickle
import socket
from typing import Any, Type

import pytest

import avala
from avala import errors
from avala.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    AvalaError,
    CrossOriginError,
    DecodeError,
    ForbiddenError,
    NotFoundError,
    RateLimitError,
    RedirectError,
    ServerError,
    TLSError,
    ValidationError,
)

from conftest import KEY, Emulator, StubServer


def stub_client(stub: StubServer, **kw: Any) -> avala.Client:
    kw.setdefault("max_retries", 0)
    return avala.Client(KEY, base_url=stub.base_url, **kw)


def test_a_wrong_key_is_an_authentication_error(emulator: Emulator, insecure_ok: None) -> None:
    with avala.Client("not-the-key", base_url=emulator.base_url) as client:
        with pytest.raises(AuthenticationError, match="Invalid API key") as info:
            client.projects.list()
    err = info.value
    assert err.status_code == 401 and err.body == {"detail": "Invalid API key."}
    assert err.kind == "authentication" and err.attempts == 1
    assert isinstance(err, AvalaError) and isinstance(err, PermissionError)


@pytest.mark.parametrize(
    "status, body, cls",
    [
        (400, {"detail": "Invalid input."}, ValidationError),
        (401, {"detail": "Invalid API key."}, AuthenticationError),
        (403, {"detail": "Your plan does not include this."}, ForbiddenError),
        (404, {"detail": "Not found."}, NotFoundError),
        (409, {"detail": "Conflict."}, AvalaError),
        (422, [{"loc": ["body", "project"], "msg": "field required"}], ValidationError),
        (429, {"detail": "Rate limit exceeded."}, RateLimitError),
        (500, {"detail": "Internal server error."}, ServerError),
        (502, "Bad Gateway", ServerError),
        (503, "<html>Service Unavailable</html>", ServerError),
    ],
)
def test_http_statuses_map_to_the_official_classes(stub: StubServer, status: int, body: Any, cls: Type[AvalaError]) -> None:
    stub.respond(status, body, headers=[("Content-Type", "text/plain")] if isinstance(body, str) else None)
    with stub_client(stub) as client:
        with pytest.raises(cls) as info:
            client.projects.get("p1")
    err = info.value
    assert type(err) is cls
    assert err.status_code == status
    if isinstance(body, dict):
        assert str(err) == body["detail"] and err.message == body["detail"]
        assert err.body == body
    if isinstance(body, str):
        assert err.body == body  # a non-JSON body is kept as text
    if status == 422:
        assert isinstance(err, ValidationError) and err.details == body
    if status == 400:
        assert isinstance(err, ValidationError) and err.details == []


def test_field_errors_become_the_message(stub: StubServer) -> None:
    stub.respond(400, {"name": ["This field is required."], "limit": ["Too big.", "Not even."]})
    with stub_client(stub) as client:
        with pytest.raises(ValidationError) as info:
            client.projects.list()
    assert "name: This field is required." in str(info.value)
    assert info.value.body == {"name": ["This field is required."], "limit": ["Too big.", "Not even."]}


def test_rate_limit_error_carries_retry_after(stub: StubServer) -> None:
    stub.respond(429, {"detail": "Slow down."}, headers=[("Retry-After", "30")])
    with stub_client(stub) as client:
        with pytest.raises(RateLimitError) as info:
            client.projects.list()
    assert info.value.retry_after == 30.0 and info.value.status_code == 429
    stub.respond(429, {"detail": "Slow down."})
    with stub_client(stub) as client:
        with pytest.raises(RateLimitError) as info:
            client.projects.list()
    assert info.value.retry_after is None


def test_server_errors_are_retried_up_to_max_retries(stub: StubServer) -> None:
    stub.respond(503, {"detail": "busy"}, headers=[("Retry-After", "0")])
    with stub_client(stub, max_retries=2) as client:
        with pytest.raises(ServerError) as info:
            client.projects.list()
    assert info.value.attempts == 3
    assert len(stub.received) == 3


def test_a_redirect_is_refused_not_followed(stub: StubServer) -> None:
    stub.respond(302, b"", headers=[("Location", "http://127.0.0.1:9/steal")])
    with stub_client(stub) as client:
        with pytest.raises(RedirectError) as info:
            client.projects.list()
    assert info.value.status_code == 302
    assert len(stub.received) == 1


def test_a_body_that_is_not_the_promised_json_is_a_decode_error(stub: StubServer) -> None:
    stub.respond(200, "this is not json", headers=[("Content-Type", "text/plain")])
    with stub_client(stub) as client:
        with pytest.raises(DecodeError):
            client.projects.list()
        with pytest.raises(DecodeError):
            client.request("GET", "/anything")


def test_the_key_never_appears_in_errors_even_when_the_server_echoes_it(stub: StubServer) -> None:
    stub.respond(
        400,
        {"detail": f"bad key {KEY}", "api_key": KEY, "note": f"X-Avala-Api-Key: {KEY}"},
        headers=[("Retry-After", "1")],
    )
    with stub_client(stub) as client:
        with pytest.raises(ValidationError) as info:
            client.projects.list()
    err = info.value
    for text in (str(err), repr(err), repr(err.body), repr(err.args), repr(err.details), repr(vars(err))):
        assert KEY not in text
    # ...while the key was really sent, in the header only.
    method, path, headers = stub.received[-1]
    assert headers.get("X-Avala-Api-Key") == KEY and KEY not in path


def test_the_user_agent_names_python(stub: StubServer) -> None:
    with stub_client(stub) as client:
        client.request("GET", "/x")
    ua = stub.received[-1][2].get("User-Agent", "")
    assert ua.startswith("avala-cpp/") and "python/3." in ua


def test_the_contract_headers_are_sent(stub: StubServer) -> None:
    with stub_client(stub) as client:
        client.request("GET", "/x")
        method, _, headers = stub.received[-1]
        assert method == "GET"
        assert headers.get("Accept") == "application/json"
        assert "Content-Type" not in headers  # no body, no content type
        client.request("POST", "/x", json={"a": 1})
        method, _, headers = stub.received[-1]
        assert method == "POST"
        assert headers.get("Content-Type") == "application/json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_a_refused_connection_is_an_api_connection_error(insecure_ok: None) -> None:
    with avala.Client(KEY, base_url=f"http://127.0.0.1:{free_port()}/api/v1", max_retries=0) as client:
        with pytest.raises(APIConnectionError) as info:
            client.projects.list()
    err = info.value
    assert isinstance(err, ConnectionError) and isinstance(err, AvalaError)
    assert not isinstance(err, TimeoutError)
    assert err.status_code is None and err.kind == "network"
    assert KEY not in repr(err) + str(err)


def test_a_missed_deadline_is_an_api_timeout_error(emulator: Emulator, insecure_ok: None) -> None:
    with avala.Client(KEY, base_url=emulator.base_url, timeout=0.2, max_retries=0) as client:
        with pytest.raises(APITimeoutError) as info:
            client.request("GET", "/__emulator/slow?ms=3000")
    err = info.value
    assert isinstance(err, TimeoutError) and isinstance(err, APIConnectionError)
    assert err.kind == "timeout" and err.status_code is None


def test_tls_to_a_plain_http_server_is_a_tls_error(stub: StubServer) -> None:
    with avala.Client(KEY, base_url=f"https://127.0.0.1:{stub.port}/api/v1", max_retries=0, timeout=5) as client:
        with pytest.raises(APIConnectionError) as info:
            client.projects.list()
    assert isinstance(info.value, TLSError), repr(info.value)


def test_a_next_link_to_another_origin_is_not_followed(insecure_ok: None) -> None:
    emu = Emulator("--generate", "projects=30", "--public-url", "http://localhost:9/api/v1")
    try:
        with avala.Client(KEY, base_url=emu.base_url) as client:
            page = client.projects.list(limit=10)
            assert page.has_more and page.next_cursor  # a single page is fine
            it = client.projects.iter(limit=10)
            got = [next(it) for _ in range(10)]
            assert len(got) == 10
            with pytest.raises(CrossOriginError):
                next(it)
    finally:
        emu.stop()


def test_errors_pickle_with_their_attributes() -> None:
    err = RateLimitError("slow", 429, {"detail": "slow"}, retry_after=2.5)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is RateLimitError
    assert (back.message, back.status_code, back.body, back.retry_after) == ("slow", 429, {"detail": "slow"}, 2.5)


def test_the_hierarchy_inherits_helpful_builtins() -> None:
    assert issubclass(NotFoundError, LookupError)
    assert issubclass(ValidationError, ValueError)
    assert issubclass(errors.InvalidArgumentError, ValueError)
    assert issubclass(errors.ConfigurationError, ValueError)
    assert issubclass(ForbiddenError, PermissionError)
    assert issubclass(APITimeoutError, TimeoutError)
    assert issubclass(APIConnectionError, ConnectionError)
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), AvalaError)
    # The official constructor signature still works.
    e = AvalaError("boom", 418, {"x": 1})
    assert (str(e), e.status_code, e.body) == ("boom", 418, {"x": 1})
    assert ValidationError("bad").details == [] and ValidationError("bad").status_code == 400
