"""The configured API key never shows: not in an error (its str, repr, message,
body, details, args, attributes or traceback), even when the server echoes it
back in a 4xx/5xx body; not in the repr/str of clients, resources, pages,
models or rate-limit info; and not in anything `python -X dev` prints
(warnings, asyncio debug output, uncaught tracebacks, logs at DEBUG).

The key is distinctive and shaped like none of the secrets libavala redacts
by pattern, so only the rule "the configured key is redacted" keeps it out.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import traceback
from pathlib import Path
from typing import Any, Iterator, List, Type

import pytest

import avala
from avala.errors import (
    AuthenticationError,
    AvalaError,
    ForbiddenError,
    NotFoundError,
    RateLimitError,
    ServerError,
    ValidationError,
)

from conftest import Emulator, fault_emulator, no_fault_rules_around

KEY = "py-secret-key-b71f40de"
PROJECTS = "/api/v1/users/me/projects/"
AGENTS = "/api/v1/agents/"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    yield from fault_emulator(30, KEY)


@pytest.fixture(autouse=True)
def no_rules_left(emu: Emulator) -> Iterator[None]:
    yield from no_fault_rules_around(emu)


def texts_of(err: BaseException) -> List[str]:
    """Everything about an exception a program might print or log."""
    texts = [str(err), repr(err), repr(err.args), repr(vars(err)),
             "".join(traceback.format_exception(type(err), err, err.__traceback__))]
    if isinstance(err, AvalaError):
        texts += [str(err.message), repr(err.body), json.dumps(err.body, default=str)]
    if isinstance(err, ValidationError):
        texts.append(repr(err.details))
    return texts


def assert_no_key(texts: List[str]) -> None:
    for text in texts:
        assert KEY not in text, f"the API key leaked: {text[:300]!r}"


def echo_json(status: int) -> Any:
    """A body that echoes the key in every place a server might."""
    if status == 422:
        return [{"loc": ["header", "x-avala-api-key"], "msg": f"key {KEY} is not valid", "input": KEY}]
    return {
        "detail": f"Invalid API key {KEY}.",
        "echo": f"you sent X-Avala-Api-Key: {KEY}",
        "api_key": KEY,
        "headers": {"X-Avala-Api-Key": KEY},
        "error": {"code": "bad_key", "message": f"bad key <{KEY}>", "details": [KEY, f"prefix{KEY}suffix"]},
    }


@pytest.mark.parametrize(
    "status, cls",
    [
        (400, ValidationError),
        (401, AuthenticationError),
        (403, ForbiddenError),
        (404, NotFoundError),
        (409, AvalaError),
        (422, ValidationError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_a_4xx_or_5xx_body_echoing_the_key_never_shows_it(
    emu: Emulator, insecure_ok: None, status: int, cls: Type[AvalaError]
) -> None:
    body = echo_json(status)
    emu.add_fault(method="GET", path=PROJECTS, count=0, fault="status", status=status, body=json.dumps(body))
    with avala.Client(api_key=KEY, base_url=emu.base_url, max_retries=0) as client:
        with pytest.raises(cls) as info:
            client.projects.list(limit=5)
        err = info.value
        assert type(err) is cls and err.status_code == status
        # The rest of the answer survives redaction: the body is still the server's.
        if status == 422:
            assert isinstance(err, ValidationError) and len(err.details) == 1
            assert isinstance(err.body, list) and err.body[0]["loc"] == ["header", "x-avala-api-key"]
        else:
            assert isinstance(err.body, dict) and err.body["error"]["code"] == "bad_key"
            assert str(err).startswith("Invalid API key")
        assert "[redacted]" in json.dumps(err.body)  # the echo arrived, and was redacted
        assert_no_key(texts_of(err) + [repr(client), repr(client.rate_limit_info)])


def test_a_text_body_echoing_the_key_never_shows_it(emu: Emulator, insecure_ok: None) -> None:
    emu.add_fault(method="POST", path=AGENTS, count=0, fault="status", status=502,
                  body=f"<html>upstream rejected key={KEY} ({KEY})</html>")
    with avala.Client(api_key=KEY, base_url=emu.base_url, max_retries=0) as client:
        with pytest.raises(ServerError) as info:
            client.agents.create(name="echo-bot")
    err = info.value
    assert isinstance(err.body, str) and "upstream rejected key=[redacted]" in err.body
    assert_no_key(texts_of(err))


def test_a_wrong_key_is_an_authentication_error_that_does_not_show_it(emu: Emulator, insecure_ok: None) -> None:
    wrong = "py-wrong-key-6a2e19fc"
    with avala.Client(api_key=wrong, base_url=emu.base_url) as client:
        with pytest.raises(AuthenticationError) as info:
            client.projects.list()
        assert info.value.attempts == 1  # a 401 is not retried
        for text in texts_of(info.value) + [repr(client)]:
            assert wrong not in text


def test_a_401_echoing_the_key_from_the_async_client_never_shows_it(emu: Emulator, insecure_ok: None) -> None:
    emu.add_fault(method="GET", path=PROJECTS, count=0, fault="status", status=401, body=json.dumps(echo_json(401)))

    async def run() -> AvalaError:
        async with avala.AsyncClient(api_key=KEY, base_url=emu.base_url) as client:
            assert_no_key([repr(client), str(client), repr(client.projects), repr(vars(client))])
            try:
                await client.projects.list()
            except AvalaError as e:
                return e
        raise AssertionError("no error")

    err = asyncio.run(run())
    assert isinstance(err, AuthenticationError)
    assert_no_key(texts_of(err))


def test_clients_resources_pages_and_models_never_show_the_key(emu: Emulator, insecure_ok: None) -> None:
    client = avala.Client(api_key=KEY, base_url=emu.base_url)
    aclient = avala.AsyncClient(api_key=KEY, base_url=emu.base_url)
    page = client.projects.list(limit=5)
    project = client.projects.get(page.items[0].uid)
    agent = client.agents.create(name="repr-bot", events=["task.completed"])
    agents = client.agents.list(limit=5)
    tasks = client.tasks.list(limit=5)
    it = client.projects.iter(limit=2)
    next(it)
    things: List[Any] = [
        client, aclient, client.projects, client.agents, client.tasks, client.exports, client.quality_targets,
        client.datasets, aclient.projects, aclient.agents, page, project, agent, agents, tasks, it,
        client.rate_limit_info, vars(client), vars(aclient), project.to_dict(), agent.to_dict(),
    ]
    texts = [repr(t) for t in things] + [str(t) for t in things] + [f"{t}" for t in things]
    assert_no_key(texts)
    assert "127.0.0.1" in repr(client) and "127.0.0.1" in repr(aclient)  # the reprs do say something
    client.close()
    asyncio.run(aclient.close())
    assert_no_key([repr(client), repr(aclient)])


DEV_SCRIPT = textwrap.dedent(
    """
    import asyncio, gc, logging, traceback, warnings
    import avala

    logging.basicConfig(level=logging.DEBUG)
    logging.getLogger("avala").setLevel(logging.DEBUG)
    warnings.simplefilter("always")

    client = avala.Client(max_retries=0)  # key and base URL from the environment
    print(repr(client), client.rate_limit_info)
    page = client.projects.list(limit=3)
    print(page, client.rate_limit_info)
    for call in (lambda: client.projects.list(limit=3), lambda: client.agents.create(name="dev-bot")):
        try:
            call()
        except avala.errors.AvalaError as e:
            traceback.print_exc()
            logging.getLogger("avala.test").exception("call failed: %s %r %r", e, e, e.body)
            warnings.warn(f"the call failed: {e!r}", RuntimeWarning)

    async def main():
        async with avala.AsyncClient(max_retries=0) as ac:
            print(repr(ac), await ac.projects.list(limit=2))
            await ac.projects.list(limit=2)  # the 401 fault's second hit
    try:
        asyncio.run(main(), debug=True)
    except avala.errors.AuthenticationError:
        traceback.print_exc()

    leaked = avala.Client(max_retries=0)  # never closed: left to the collector
    leaked_iter = leaked.projects.iter(limit=1)
    del leaked
    gc.collect()
    print("dev-run-complete", flush=True)
    client.projects.list(limit=3)  # uncaught: Python prints the traceback and exits 1
    """
)


def test_python_dev_mode_output_never_shows_the_key(emu: Emulator, tmp_path: Path) -> None:
    # GET projects: 1st fine, 2nd a 401 echoing the key, 3rd fine (async),
    # 4th a 401 again, then fine; the final list hits the rule once more.
    emu.add_fault(method="GET", path=PROJECTS, nth=2, count=1, fault="status", status=401,
                  body=json.dumps(echo_json(401)))
    emu.add_fault(method="GET", path=PROJECTS, nth=4, count=0, fault="status", status=401,
                  body=json.dumps(echo_json(401)))
    emu.add_fault(method="POST", path=AGENTS, count=0, fault="status", status=500, body=json.dumps(echo_json(500)))
    script = tmp_path / "dev_run.py"
    script.write_text(DEV_SCRIPT)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVALA_")}
    env.update(
        AVALA_API_KEY=KEY,
        AVALA_BASE_URL=emu.base_url,
        AVALA_ALLOW_INSECURE_BASE_URL="1",
        PYTHONPATH=os.pathsep.join([os.path.dirname(os.path.dirname(avala.__file__)), env.get("PYTHONPATH", "")]),
    )
    run = subprocess.run([sys.executable, "-X", "dev", "-W", "always", str(script)], env=env,
                         capture_output=True, text=True, timeout=60)
    output = run.stdout + run.stderr
    # It ran to the end and said plenty: reprs, tracebacks, log records, warnings.
    assert "dev-run-complete" in run.stdout, output
    assert run.returncode == 1 and "AuthenticationError" in run.stderr.splitlines()[-1], output
    assert "ServerError" in run.stderr and "RuntimeWarning" in run.stderr and "call failed" in run.stderr
    assert "AsyncClient" in run.stdout and "Project(" in run.stdout
    assert "Invalid API key [redacted]" in run.stderr  # the server did echo the key
    assert KEY not in output, output
