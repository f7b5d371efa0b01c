"""Fault injection (/__emulator/faults): each fault does what it says on the wire.

Wire-level checks use raw sockets, so what the emulator writes is seen byte
for byte, with no client library smoothing it over.
"""
import http.client
import json
import os
import socket
import time

import pytest

from harness import AUTH, KEY, emulator

FAULTS = "/__emulator/faults"
DATASETS = "/api/v1/datasets/"
AGENTS = "/api/v1/agents/"


@pytest.fixture(scope="module")
def emu():
    with emulator() as e:
        yield e


@pytest.fixture(autouse=True)
def _no_rules_left(request):
    yield
    if "emu" in request.fixturenames:
        status, _, _ = request.getfixturevalue("emu").call("DELETE", FAULTS, headers={})
        assert status == 200


def install(emu, **rule):
    rule.setdefault("path", DATASETS)
    status, _, body = emu.call("POST", FAULTS, rule, headers={})
    assert status == 200, body
    return body["id"]


def raw(emu, path=DATASETS + "?limit=1", method="GET", timeout=2.0, body=b""):
    """Sends one request on a fresh socket and reads until EOF, reset or timeout.

    Returns (bytes received, "eof" | "reset" | "timeout")."""
    s = socket.create_connection((emu.host, emu.port), timeout=timeout)
    request = (f"{method} {path} HTTP/1.1\r\nHost: {emu.host}:{emu.port}\r\n"
               f"X-Avala-Api-Key: {KEY}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    data = b""
    try:
        s.sendall(request)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data, "eof"
            data += chunk
    except ConnectionResetError:
        return data, "reset"
    except socket.timeout:
        return data, "timeout"
    finally:
        s.close()


def split(data):
    """(status, headers with lower-case names, body bytes) of raw response bytes."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def normal_body(emu, path=DATASETS + "?limit=1"):
    status, _, _ = emu.call("GET", path)
    assert status == 200
    data, _ = raw(emu, path, timeout=0.5)  # keep-alive: the read times out after the answer
    return split(data)[2]


# --- each fault on the wire ---------------------------------------------------

def test_reset_before_headers_sends_nothing_then_rst(emu):
    install(emu, fault="reset_before_headers")
    assert raw(emu) == (b"", "reset")
    assert emu.call("GET", DATASETS)[0] == 200  # count defaults to 1: the next one is normal


def test_reset_after_headers_sends_the_head_then_rst(emu):
    install(emu, fault="reset_after_headers")
    data, end = raw(emu)
    assert end == "reset"
    status, headers, body = split(data)
    assert status == 200 and int(headers["content-length"]) > 0
    assert data.endswith(b"\r\n\r\n") and body == b""


def test_truncated_body_delivers_half_of_the_declared_length_then_fin(emu):
    expected = normal_body(emu)
    install(emu, fault="truncated_body")
    data, end = raw(emu)
    assert end == "eof"
    _, headers, body = split(data)
    assert int(headers["content-length"]) == len(expected)
    assert body == expected[:len(expected) // 2]


def test_truncated_body_is_an_incomplete_read_for_http_client(emu):
    install(emu, fault="truncated_body")
    conn = emu.connect()
    try:
        conn.request("GET", DATASETS, headers=AUTH)
        resp = conn.getresponse()
        with pytest.raises(http.client.IncompleteRead):
            resp.read()
    finally:
        conn.close()


def test_wrong_content_length_declares_more_and_then_holds_the_connection(emu):
    expected = normal_body(emu)
    install(emu, fault="wrong_content_length")
    started = time.monotonic()
    data, end = raw(emu, timeout=1.0)
    assert end == "timeout" and time.monotonic() - started >= 0.9  # the client hits its deadline
    _, headers, body = split(data)
    assert body == expected and int(headers["content-length"]) == len(expected) + 1024


def test_short_content_length_gives_a_complete_message_of_cut_off_json(emu):
    expected = normal_body(emu)
    install(emu, fault="short_content_length")
    data, end = raw(emu)
    assert end == "eof"
    _, headers, body = split(data)
    assert int(headers["content-length"]) == len(body) == len(expected) // 2
    with pytest.raises(ValueError):
        json.loads(body)


def test_bad_chunked_has_an_invalid_chunk_size_line(emu):
    install(emu, fault="bad_chunked")
    data, end = raw(emu)
    assert end == "eof"
    _, headers, body = split(data)
    assert headers["transfer-encoding"] == "chunked" and "content-length" not in headers
    size_line = body.split(b"\r\n", 1)[0]
    with pytest.raises(ValueError):
        int(size_line, 16)


def test_malformed_json_is_a_200_with_broken_json(emu):
    install(emu, fault="malformed_json")
    conn = emu.connect()
    try:
        conn.request("GET", DATASETS, headers=AUTH)
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    assert resp.status == 200 and body == b'{"results": ['
    with pytest.raises(ValueError):
        json.loads(body)


def test_invalid_utf8_is_a_200_with_bad_bytes_inside_a_string(emu):
    install(emu, fault="invalid_utf8")
    data, _ = raw(emu, timeout=0.5)
    status, headers, body = split(data)
    assert status == 200 and len(body) == int(headers["content-length"])
    assert b"\xff" in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_oversize_body_is_valid_json_of_exactly_the_given_size(emu):
    install(emu, fault="oversize_body", bytes=100_000)
    data, end = raw(emu)
    assert end == "eof"
    status, headers, body = split(data)
    assert status == 200 and int(headers["content-length"]) == len(body) == 100_000
    assert json.loads(body)["results"] == []


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(next(line for line in f if line.startswith("VmRSS:")).split()[1])


def test_oversize_body_of_70_mib_is_streamed_not_built():
    size = 70 * 1024 * 1024
    with emulator() as e:
        install(e, fault="oversize_body", bytes=size)
        before = rss_kib(e.proc.pid)
        s = socket.create_connection((e.host, e.port), timeout=10)
        try:
            s.sendall(f"GET {DATASETS} HTTP/1.1\r\nHost: x\r\nX-Avala-Api-Key: {KEY}\r\n\r\n".encode())
            received, head, peak = 0, b"", before
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                if b"\r\n\r\n" not in head:
                    head += chunk
                received += len(chunk)
                peak = max(peak, rss_kib(e.proc.pid)) if received % (8 << 20) < len(chunk) else peak
        finally:
            s.close()
        head_len = head.index(b"\r\n\r\n") + 4
        assert received - head_len == size
        assert b"Content-Length: %d" % size in head[:head_len]
        assert peak - before < 20 * 1024  # far less than the 70 MiB it sent


def test_client_hanging_up_during_oversize_body_does_not_hurt_the_emulator(emu):
    install(emu, fault="oversize_body", bytes=50 * 1024 * 1024)
    s = socket.create_connection((emu.host, emu.port), timeout=5)
    s.sendall(f"GET {DATASETS} HTTP/1.1\r\nHost: x\r\nX-Avala-Api-Key: {KEY}\r\n\r\n".encode())
    s.recv(65536)
    s.close()  # mid-body
    assert emu.call("GET", DATASETS)[0] == 200


def test_delay_answers_normally_after_the_pause(emu):
    install(emu, fault="delay", ms=400)
    started = time.monotonic()
    status, _, body = emu.call("GET", DATASETS)
    assert time.monotonic() - started >= 0.4
    assert status == 200 and body["results"]


@pytest.mark.parametrize("rule, status, retry_after, body", [
    ({"status": 503, "retry_after": "1"}, 503, "1", {"detail": "Injected fault: HTTP 503."}),
    ({"status": 429, "retry_after": 2}, 429, "2", {"detail": "Injected fault: HTTP 429."}),
    ({"status": 500}, 500, None, {"detail": "Injected fault: HTTP 500."}),
    ({"status": 502, "body": "<html>bad gateway</html>"}, 502, None, "<html>bad gateway</html>"),
    ({"status": 400, "body": {"limit": ["nope"]}}, 400, None, {"limit": ["nope"]}),
])
def test_status_fault(emu, rule, status, retry_after, body):
    install(emu, fault="status", **rule)
    conn = emu.connect()
    try:
        conn.request("GET", DATASETS, headers=AUTH)
        resp = conn.getresponse()
        raw_body = resp.read()
    finally:
        conn.close()
    assert resp.status == status
    assert resp.headers.get("Retry-After") == retry_after
    assert (json.loads(raw_body) if isinstance(body, dict) else raw_body.decode()) == body
    assert resp.headers["X-RateLimit-Limit"] == "100"


def test_redirect_answers_302_with_location(emu):
    install(emu, fault="redirect", location="http://127.0.0.2:1/elsewhere")
    status, headers, _ = emu.call("GET", DATASETS)
    assert status == 302 and headers["Location"] == "http://127.0.0.2:1/elsewhere"
    install(emu, fault="redirect", location="https://x.test/", status=307)
    assert emu.call("GET", DATASETS)[0] == 307


def test_silent_reads_the_request_and_never_answers(emu):
    install(emu, fault="silent")
    started = time.monotonic()
    assert raw(emu, timeout=1.0) == (b"", "timeout")
    assert time.monotonic() - started >= 0.9


def test_trickle_sends_the_normal_response_one_byte_at_a_time(emu):
    path = AGENTS + "no-such-agent/"  # a small answer: a 404 of a few hundred bytes
    install(emu, fault="trickle", interval_ms=5, path=path)
    s = socket.create_connection((emu.host, emu.port), timeout=5)
    try:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nX-Avala-Api-Key: {KEY}\r\n\r\n".encode())
        started, data, reads = time.monotonic(), b"", 0
        while chunk := s.recv(65536):
            data += chunk
            reads += 1
        elapsed = time.monotonic() - started
    finally:
        s.close()
    status, headers, body = split(data)
    assert status == 404 and json.loads(body) == {"detail": "Not found."}
    assert len(body) == int(headers["content-length"])
    assert reads > len(data) // 4  # many small pieces, not one write
    assert elapsed >= len(data) * 0.005 * 0.8


def test_stall_mid_body_sends_half_then_nothing(emu):
    expected = normal_body(emu)
    install(emu, fault="stall_mid_body")
    data, end = raw(emu, timeout=1.0)
    assert end == "timeout"
    _, headers, body = split(data)
    assert int(headers["content-length"]) == len(expected)
    assert body == expected[:len(expected) // 2]


# --- rules --------------------------------------------------------------------

def statuses(emu, n, path=DATASETS, method="GET"):
    return [emu.call(method, path, {} if method == "POST" else None)[0] for _ in range(n)]


def test_nth_and_count_pick_the_faulted_requests(emu):
    install(emu, fault="status", status=500, nth=2, count=2)
    assert statuses(emu, 5) == [200, 500, 500, 200, 200]


def test_count_zero_means_every_request_from_nth_on(emu):
    install(emu, fault="status", status=503, nth=3, count=0)
    assert statuses(emu, 6) == [200, 200, 503, 503, 503, 503]


def test_rules_apply_in_install_order_and_each_counts_every_match(emu):
    install(emu, fault="status", status=503, count=2)
    install(emu, fault="status", status=429, nth=3)
    install(emu, fault="status", status=500)  # shadowed by the first rule
    assert statuses(emu, 4) == [503, 503, 429, 200]


def test_rule_matches_on_method(emu):
    install(emu, fault="status", status=500, method="post", path=AGENTS, count=0)
    assert statuses(emu, 2, AGENTS) == [200, 200]
    assert statuses(emu, 2, AGENTS, "POST") == [500, 500]


def test_trailing_star_matches_a_prefix(emu):
    install(emu, fault="status", status=502, path="/api/v1/agents/*", count=0)
    assert statuses(emu, 1, AGENTS + "x/executions/") == [502]
    assert statuses(emu, 1, AGENTS) == [502]
    assert statuses(emu, 1, DATASETS) == [200]


def test_the_query_is_not_part_of_the_path(emu):
    install(emu, fault="status", status=500)
    assert emu.call("GET", DATASETS + "?limit=1&status=ready")[0] == 500


def test_rules_are_listed_with_their_counters_and_cleared(emu):
    rid = install(emu, fault="status", status=500, nth=2)
    statuses(emu, 3)
    status, _, listed = emu.call("GET", FAULTS, headers={})
    assert status == 200
    [rule] = listed["rules"]
    assert rule["id"] == rid and rule["fault"] == "status" and rule["status"] == 500
    assert (rule["nth"], rule["count"], rule["matched"], rule["hits"]) == (2, 1, 3, 1)
    assert emu.call("DELETE", FAULTS, headers={})[2] == {"deleted": 1}
    assert emu.call("GET", FAULTS, headers={})[2] == {"rules": []}
    assert statuses(emu, 2) == [200, 200]


def test_a_new_rule_counts_from_its_own_installation(emu):
    statuses(emu, 3)
    install(emu, fault="status", status=500)
    assert statuses(emu, 2) == [500, 200]


@pytest.mark.parametrize("rule, field", [
    ({"fault": "explode"}, "fault"),
    ({}, "fault"),
    ({"fault": "status"}, "status"),
    ({"fault": "status", "status": 99}, "status"),
    ({"fault": "delay"}, "ms"),
    ({"fault": "delay", "ms": "soon"}, "ms"),
    ({"fault": "redirect"}, "location"),
    ({"fault": "oversize_body", "bytes": 10}, "bytes"),
    ({"fault": "silent", "nth": 0}, "nth"),
    ({"fault": "silent", "count": -1}, "count"),
    ({"fault": "silent", "path": "api/v1/"}, "path"),
    ({"fault": "silent", "path": None}, "path"),
])
def test_invalid_rules_are_400_naming_the_field(emu, rule, field):
    rule = {"path": DATASETS, **rule}
    if rule["path"] is None:
        del rule["path"]
    status, _, body = emu.call("POST", FAULTS, rule, headers={})
    assert status == 400 and field in body
    assert emu.call("GET", FAULTS, headers={})[2] == {"rules": []}


def test_malformed_rule_json_is_400(emu):
    status, _, body = emu.call("POST", FAULTS, '{"fault": ', headers={})
    assert status == 400 and body["detail"].startswith("JSON parse error")


def test_control_endpoints_are_never_faulted(emu):
    install(emu, fault="reset_before_headers", path="/*", count=0)
    assert emu.call("GET", "/__emulator/stats", headers={})[0] == 200
    assert emu.call("GET", FAULTS, headers={})[0] == 200
    assert raw(emu)[1] == "reset"


def test_stats_count_requests_per_path_including_faulted_ones(emu):
    emu.call("DELETE", "/__emulator/stats", headers={})
    install(emu, fault="reset_before_headers", path=AGENTS, count=2)
    for _ in range(2):
        assert raw(emu, AGENTS)[1] == "reset"
    emu.call("GET", AGENTS)
    emu.call("GET", AGENTS + "?limit=5")
    emu.call("POST", AGENTS, {"name": "x"})
    paths = emu.call("GET", "/__emulator/stats", headers={})[2]["paths"]
    assert paths == {"GET /api/v1/agents/": 4, "POST /api/v1/agents/": 1}


def test_faults_that_replace_the_answer_do_not_run_the_handler(emu):
    before = len(emu.call("GET", AGENTS + "?limit=1000")[2]["results"])
    install(emu, fault="reset_before_headers", path=AGENTS, method="POST")
    assert raw(emu, AGENTS, "POST", body=b'{"name": "lost"}')[1] == "reset"
    install(emu, fault="reset_after_headers", path=AGENTS, method="POST")
    assert raw(emu, AGENTS, "POST", body=b'{"name": "made"}')[1] == "reset"
    names = [a["name"] for a in emu.call("GET", AGENTS + "?limit=1000")[2]["results"]]
    assert len(names) == before + 1 and "made" in names and "lost" not in names


# --- robustness ---------------------------------------------------------------

def test_held_connections_do_not_block_others_on_one_thread():
    with emulator("--threads", "1") as e:
        for fault in ("silent", "stall_mid_body", "wrong_content_length"):
            install(e, fault=fault, path=AGENTS, count=0)
        install(e, fault="trickle", interval_ms=1000, path=DATASETS)
        install(e, fault="delay", ms=5000, path="/api/v1/tasks/")
        held = []
        try:
            for path in (AGENTS, AGENTS, AGENTS, DATASETS, "/api/v1/tasks/"):
                s = socket.create_connection((e.host, e.port), timeout=5)
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nX-Avala-Api-Key: {KEY}\r\n\r\n".encode())
                held.append(s)
            time.sleep(0.2)
            started = time.monotonic()
            status, _, _ = e.call("GET", "/api/v1/users/me/projects/")
            assert status == 200 and time.monotonic() - started < 2.0  # not behind the 5 s delay
        finally:
            for s in held:
                s.close()


def open_fds(pid, after=0.0):
    time.sleep(after)
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_held_connections_are_released_when_clients_give_up():
    with emulator("--threads", "1") as e:
        install(e, fault="silent", count=0)
        install(e, fault="stall_mid_body", path=AGENTS, count=0)
        assert wait_for(lambda: open_fds(e.proc.pid) == open_fds(e.proc.pid, after=0.1))
        baseline = open_fds(e.proc.pid)  # settled: the install connection is gone
        socks = []
        for i in range(20):
            s = socket.create_connection((e.host, e.port), timeout=5)
            path = DATASETS if i % 2 else AGENTS
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nX-Avala-Api-Key: {KEY}\r\n\r\n".encode())
            socks.append(s)
        assert wait_for(lambda: open_fds(e.proc.pid) >= baseline + 20)
        for s in socks:
            s.close()
        assert wait_for(lambda: open_fds(e.proc.pid) <= baseline)
        assert e.proc.poll() is None


def test_every_fault_in_a_row_leaves_the_emulator_healthy(emu):
    rules = [{"fault": f} for f in ("reset_before_headers", "reset_after_headers", "truncated_body",
                                    "short_content_length", "bad_chunked", "malformed_json",
                                    "invalid_utf8")]
    rules += [{"fault": "oversize_body", "bytes": 1000}, {"fault": "delay", "ms": 10},
              {"fault": "status", "status": 504}, {"fault": "redirect", "location": "http://x/"},
              {"fault": "trickle", "interval_ms": 1}]
    for rule in rules:
        install(emu, **rule)
        raw(emu, timeout=1.0)
    assert emu.call("GET", DATASETS)[0] == 200
    assert emu.proc.poll() is None
