"""The fault matrix, from Python: one row per network or server fault the
emulator injects (POST /__emulator/faults), each ending in a correct result
after retries or in the right avala.errors class -- within a bounded time (no
hang), with the attempts counted, and without the API key anywhere: not in
the exception, its attributes or traceback, not in a log record, not on
stdout/stderr, not in repr(client).

The rows and their expectations are those of the C++ matrix
(tests/core/test_faults.cpp), so the core and the binding must agree; the
Python rows also check that the fault really fired as often as the SDK sent
requests (the emulator counts them), so a row cannot pass by missing its fault.
"""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Iterator, Optional, Type

import pytest

import avala
from avala.errors import (
    APIConnectionError,
    APITimeoutError,
    AvalaError,
    DecodeError,
    RateLimitError,
    RedirectError,
    ServerError,
)

from conftest import Emulator, fault_emulator, no_fault_rules_around

# Distinctive, and shaped like none of the secrets libavala redacts by pattern:
# only the rule "the configured key never appears" can keep it out.
KEY = "py-fault-matrix-key-3c8e2a61"
PROJECTS = "/api/v1/users/me/projects/"
AGENTS = "/api/v1/agents/"

# libavala's kind -> the class it must arrive as (exactly that class).
CLASS_OF: Dict[str, Type[AvalaError]] = {
    "network": APIConnectionError,
    "timeout": APITimeoutError,
    "decode": DecodeError,
    "rate_limited": RateLimitError,
    "server": ServerError,
    "redirect": RedirectError,
}


@dataclass(frozen=True)
class Row:
    id: str
    method: str  # GET: client.projects.list(limit=10); POST: client.agents.create(name=...)
    rule: Dict[str, Any]  # the fault rule, without method/path
    max_retries: int
    timeout: float  # seconds, the per-request deadline
    expect: FrozenSet[str]  # acceptable error kinds; empty: success
    requests: int  # what the emulator must see on the route: the error's `attempts`, or the requests to succeed
    max_elapsed: float
    min_elapsed: float = 0.0  # a deadline or Retry-After that must be honoured, not cut short
    status_code: Optional[int] = None  # an HTTP error's status, when the fault sends one


T = 1.5  # per-attempt deadline for the rows that must run into it


def kinds(*names: str) -> FrozenSet[str]:
    return frozenset(names)


OK = kinds()

ROWS = [
    Row("reset-before-headers-once-is-retried", "GET", {"fault": "reset_before_headers", "count": 1}, 2, 5, OK, 2, 4),
    Row("reset-before-headers-always-is-network-after-3-attempts", "GET",
        {"fault": "reset_before_headers", "count": 0}, 2, 5, kinds("network"), 3, 8),
    Row("reset-after-headers-always", "GET", {"fault": "reset_after_headers", "count": 0}, 1, 5, kinds("network"), 2, 6),
    Row("truncated-body-once-is-retried", "GET", {"fault": "truncated_body", "count": 1}, 2, 5, OK, 2, 4),
    Row("truncated-body-always", "GET", {"fault": "truncated_body", "count": 0}, 0, 5, kinds("network"), 1, 3),
    Row("content-length-larger-than-the-body", "GET", {"fault": "wrong_content_length", "count": 0}, 0, T,
        kinds("timeout", "network"), 1, 4),
    Row("content-length-shorter-than-the-json", "GET", {"fault": "short_content_length", "count": 0}, 0, 5,
        kinds("decode"), 1, 3),
    Row("broken-chunked-encoding", "GET", {"fault": "bad_chunked", "count": 0}, 0, 5, kinds("decode", "network"), 1, 3),
    Row("malformed-json-is-not-retried", "GET", {"fault": "malformed_json", "count": 0}, 2, 5, kinds("decode"), 1, 3),
    Row("invalid-utf8", "GET", {"fault": "invalid_utf8", "count": 0}, 0, 5, kinds("decode"), 1, 3),
    Row("body-over-the-64-mib-limit", "GET", {"fault": "oversize_body", "bytes": 70_000_000, "count": 0}, 0, 20,
        kinds("decode"), 1, 20),
    Row("short-delay-within-the-deadline", "GET", {"fault": "delay", "ms": 200, "count": 1}, 0, 5, OK, 1, 3,
        min_elapsed=0.2),
    Row("delay-past-the-deadline", "GET", {"fault": "delay", "ms": 3000, "count": 0}, 0, 0.5, kinds("timeout"), 1, 2,
        min_elapsed=0.45),
    Row("503-twice-then-fine", "GET", {"fault": "status", "status": 503, "count": 2}, 2, 5, OK, 3, 6),
    Row("503-with-retry-after-1-then-fine", "GET", {"fault": "status", "status": 503, "retry_after": "1", "count": 1},
        2, 5, OK, 2, 4, min_elapsed=0.95),
    Row("429-always-is-rate-limited-after-retries", "GET",
        {"fault": "status", "status": 429, "retry_after": "0", "count": 0}, 1, 5, kinds("rate_limited"), 2, 4,
        status_code=429),
    Row("501-is-not-retried", "GET", {"fault": "status", "status": 501, "count": 0}, 2, 5, kinds("server"), 1, 2,
        status_code=501),
    Row("500-on-post-is-not-retried", "POST", {"fault": "status", "status": 500, "count": 0}, 2, 5, kinds("server"),
        1, 2, status_code=500),
    Row("reset-on-post-after-it-was-sent-is-not-retried", "POST", {"fault": "reset_before_headers", "count": 0}, 2, 5,
        kinds("network"), 1, 3),
    Row("redirect-to-another-host-is-refused", "GET",
        {"fault": "redirect", "location": "http://127.0.0.2:9/steal", "count": 0}, 2, 5, kinds("redirect"), 1, 2,
        status_code=302),
    Row("accepts-and-never-answers", "GET", {"fault": "silent", "count": 0}, 0, T, kinds("timeout"), 1, 4,
        min_elapsed=T * 0.95),
    Row("trickles-a-byte-a-second", "GET", {"fault": "trickle", "interval_ms": 1000, "count": 0}, 0, T,
        kinds("timeout"), 1, 4, min_elapsed=T * 0.95),
    Row("stalls-mid-body", "GET", {"fault": "stall_mid_body", "count": 0}, 0, T, kinds("timeout"), 1, 4,
        min_elapsed=T * 0.95),
]

FAULT_NAMES = {
    "reset_before_headers", "reset_after_headers", "truncated_body", "wrong_content_length", "short_content_length",
    "bad_chunked", "malformed_json", "invalid_utf8", "oversize_body", "delay", "status", "redirect", "silent",
    "trickle", "stall_mid_body",
}


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    yield from fault_emulator(50, KEY)


@pytest.fixture(autouse=True)
def no_rules_left(emu: Emulator) -> Iterator[None]:
    yield from no_fault_rules_around(emu)


def test_every_fault_the_emulator_offers_has_a_row() -> None:
    assert {row.rule["fault"] for row in ROWS} == FAULT_NAMES


def secret_free(text: str, where: str) -> None:
    assert KEY not in text, f"the API key leaked into {where}"


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_fault(
    row: Row,
    emu: Emulator,
    insecure_ok: None,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="avala")
    emu.add_fault(method=row.method, path=PROJECTS if row.method == "GET" else AGENTS, **row.rule)

    client = avala.Client(api_key=KEY, base_url=emu.base_url, timeout=row.timeout, max_retries=row.max_retries)
    error: Optional[AvalaError] = None
    start = time.monotonic()
    try:
        if row.method == "GET":
            page = client.projects.list(limit=10)
            assert len(page.items) == 10 and all(p.uid and p.name for p in page.items)
            assert page.has_more and page.next_cursor
        else:
            agent = client.agents.create(name="fault-bot")
            assert agent.name == "fault-bot" and agent.uid
    except AvalaError as e:
        error = e
    elapsed = time.monotonic() - start

    # Bounded: no hang, and a deadline or Retry-After is not cut short.
    assert row.min_elapsed <= elapsed <= row.max_elapsed, f"took {elapsed:.2f} s"

    # The outcome.
    if not row.expect:
        assert error is None, f"expected success, got {error!r}"
    else:
        assert error is not None, "expected an error, the call succeeded"
        assert error.kind in row.expect, repr(error)
        assert type(error) is CLASS_OF[str(error.kind)], repr(error)
        assert error.message and str(error) == error.message
        assert error.status_code == row.status_code
        if isinstance(error, RateLimitError):
            assert error.retry_after == 0.0

    # The key, nowhere.
    if error is not None:
        secret_free(str(error), "str(exc)")
        secret_free(repr(error), "repr(exc)")
        secret_free(str(error.message), "exc.message")
        secret_free(repr(error.body), "exc.body")
        secret_free(repr(error.args), "exc.args")
        secret_free(repr(vars(error)), "the exception's attributes")
        secret_free("".join(traceback.format_exception(type(error), error, error.__traceback__)), "the traceback")
    secret_free(caplog.text, "the log")
    secret_free(repr([r.__dict__ for r in caplog.records]), "the log records")
    out, err = capfd.readouterr()
    secret_free(out + err, "stdout/stderr")
    secret_free(repr(client) + str(client) + repr(client.rate_limit_info), "repr(client)")
    client.close()
    print(f"{row.id}: {error.kind if error else 'ok'} after {elapsed * 1000:.0f} ms"
          + (f", attempts {error.attempts}" if error else ""))

    # The fault fired on every request the SDK sent, and the SDK sent exactly
    # as many as the row says (for an error, as many as it reports).
    (rule,) = emu.fault_rules()
    count = row.rule["count"]
    assert rule["matched"] == row.requests, rule
    assert rule["hits"] == (row.requests if count == 0 else min(count, row.requests)), rule
    if error is not None:
        assert error.attempts == row.requests, repr(error)
