"""Black-box tests of avala-emulator over real HTTP (stdlib only): startup,
auth and routing, projects and pagination, data files. See harness.py for how
the emulator is started."""
import base64
import json
import signal
import subprocess
import time
import urllib.parse

import pytest

from harness import AUTH, BINARY, PROJECTS, Emulator, emulator, path_of


@pytest.fixture(scope="module")
def demo():
    with emulator() as emu:
        yield emu


@pytest.fixture(scope="module")
def generated():
    with emulator("--generate", "projects=250") as emu:
        yield emu


# --- startup and command line -------------------------------------------------

def test_first_line_is_the_loopback_base_url(demo):
    assert demo.base_url.startswith("http://127.0.0.1:")
    assert demo.base_url.endswith("/api/v1")
    assert demo.port > 0


@pytest.mark.parametrize("args", [
    ["--bogus"],
    ["--port", "70000"],
    ["--port"],
    ["--generate", "tasks=5"],  # tasks need projects
    ["--generate", "widgets=5"],
    ["--generate", "projects=many"],
    ["--threads", "0"],
    ["--public-url", "ftp://x"],
])
def test_bad_arguments_exit_2_with_a_message(args):
    proc = subprocess.run([str(BINARY), *args], capture_output=True, text=True, timeout=10)
    assert proc.returncode == 2
    assert proc.stderr.strip()
    assert proc.stdout == ""


def test_sigterm_exits_0_promptly_with_an_idle_keepalive_connection():
    emu = Emulator()
    try:
        conn = emu.connect()
        status, _, _ = emu.request(PROJECTS, headers={"X-Avala-Api-Key": "avala-emulator-key"},
                                   conn=conn)
        assert status == 200  # the default demo key works and the connection stays open
        started = time.monotonic()
        emu.proc.send_signal(signal.SIGTERM)
        assert emu.proc.wait(timeout=5) == 0
        assert time.monotonic() - started < 2.0
        conn.close()
    finally:
        emu.stop()


def test_sigint_also_exits_0():
    emu = Emulator()
    try:
        emu.proc.send_signal(signal.SIGINT)
        assert emu.proc.wait(timeout=5) == 0
    finally:
        emu.stop()


def test_api_key_comes_from_the_environment_when_not_given():
    emu = Emulator(env={"AVALA_API_KEY": "from-env"})
    try:
        assert emu.request(PROJECTS, headers={"X-Avala-Api-Key": "from-env"})[0] == 200
        assert emu.request(PROJECTS, headers={"X-Avala-Api-Key": "avala-emulator-key"})[0] == 401
    finally:
        emu.stop()


# --- auth and routing ---------------------------------------------------------

def test_missing_key_is_401(demo):
    status, _, body = demo.request(PROJECTS, headers={})
    assert status == 401
    assert body == {"detail": "Authentication credentials were not provided."}


def test_wrong_key_is_401(demo):
    status, _, body = demo.request(PROJECTS, headers={"X-Avala-Api-Key": "nope"})
    assert status == 401
    assert body == {"detail": "Invalid API key."}


def test_unknown_route_is_404(demo):
    status, _, body = demo.request("/api/v1/no/such/thing/")
    assert (status, body) == (404, {"detail": "Not found."})


def test_wrong_method_is_405(demo):
    status, headers, body = demo.request(PROJECTS, method="POST")
    assert status == 405
    assert body == {"detail": 'Method "POST" not allowed.'}
    assert headers["Allow"] == "GET"


def test_every_response_is_json_with_rate_limit_headers(demo):
    before = time.time()
    _, first, _ = demo.request(PROJECTS)
    _, second, _ = demo.request(PROJECTS)
    _, on_error, _ = demo.request("/api/v1/missing/")
    for headers in (first, second, on_error):
        assert headers["Content-Type"] == "application/json"
        assert headers["X-RateLimit-Limit"] == "100"
        assert 0 <= int(headers["X-RateLimit-Remaining"]) <= 100
        assert before - 1 <= int(headers["X-RateLimit-Reset"]) <= before + 61
    assert int(second["X-RateLimit-Remaining"]) == int(first["X-RateLimit-Remaining"]) - 1


def test_rate_limit_remaining_floors_at_zero(demo):
    conn = demo.connect()
    try:
        for _ in range(110):
            _, headers, _ = demo.request(PROJECTS + "?limit=1", conn=conn)
        assert headers["X-RateLimit-Remaining"] == "0"
    finally:
        conn.close()


def test_keep_alive_reuses_one_connection(demo):
    conn = demo.connect()
    try:
        _, h1, _ = demo.request(PROJECTS, conn=conn)
        _, h2, _ = demo.request(PROJECTS + "?limit=1", conn=conn)
    finally:
        conn.close()
    _, h3, _ = demo.request(PROJECTS)
    assert h1["X-Emulator-Connection"] == h2["X-Emulator-Connection"]
    assert h3["X-Emulator-Connection"] != h1["X-Emulator-Connection"]


def test_connection_close_is_honoured(demo):
    conn = demo.connect()
    try:
        status, headers, _ = demo.request(PROJECTS, headers={**AUTH, "Connection": "close"},
                                          conn=conn)
        assert status == 200
        assert headers["Connection"].lower() == "close"
    finally:
        conn.close()


def test_stats_count_connections_and_requests(demo):
    _, _, before = demo.request("/__emulator/stats", headers={})
    demo.request(PROJECTS)
    _, _, after = demo.request("/__emulator/stats", headers={})
    assert after["connections_accepted"] == before["connections_accepted"] + 2
    assert after["requests"] == before["requests"] + 2


def test_slow_endpoint_does_not_block_other_connections():
    # One io thread: a sleeping request must still not hold it.
    with emulator("--threads", "1") as emu:
        slow = emu.connect()
        try:
            started = time.monotonic()
            slow.request("GET", "/api/v1/__emulator/slow?ms=800", headers=AUTH)
            status, _, _ = emu.request(PROJECTS + "?limit=1")
            assert status == 200
            assert time.monotonic() - started < 0.6
            resp = slow.getresponse()
            assert json.loads(resp.read()) == {"slept_ms": 800}
            assert time.monotonic() - started >= 0.8
        finally:
            slow.close()


# --- projects -----------------------------------------------------------------

def test_demo_seed_is_believable(demo):
    status, _, page = demo.request(PROJECTS)
    assert status == 200
    projects = page["results"]
    assert 12 <= len(projects) <= 18
    assert page["next"] is None and page["previous"] is None
    statuses = {p["status"] for p in projects}
    assert statuses == {"active", "completed", "paused", "archived", "pending-approval", "canceled"}
    for p in projects:
        for field in ("uid", "name", "status", "created_at", "updated_at", "task_type",
                      "is_active", "visibility", "is_imported", "owner_name",
                      "short_description", "industry_icon"):
            assert field in p
        assert time.strptime(p["created_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert any(p["name"] == "Warehouse forklift detection" for p in projects)
    assert len({p["uid"] for p in projects}) == len(projects)


def test_pagination_returns_every_project_once_following_next(generated):
    seen, pages = [], 0
    path = PROJECTS + "?limit=37"
    while path:
        status, _, page = generated.request(path)
        assert status == 200
        assert len(page["results"]) <= 37
        seen += [p["uid"] for p in page["results"]]
        pages += 1
        if page["next"]:
            assert page["next"].startswith(generated.base_url + "/users/me/projects/?")
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(page["next"]).query)
            assert query["limit"] == ["37"] and "cursor" in query
            path = path_of(page["next"])
        else:
            path = None
    assert pages == 7  # ceil(250 / 37)
    assert len(seen) == 250 and len(set(seen)) == 250
    assert seen[0] == "00000000-0000-4000-8000-000000000001"
    assert seen == sorted(seen)  # seed order is stable and index-ordered


def test_previous_links_walk_back(generated):
    _, _, first = generated.request(PROJECTS + "?limit=40")
    assert first["previous"] is None
    _, _, second = generated.request(path_of(first["next"]))
    _, _, third = generated.request(path_of(second["next"]))
    _, _, back = generated.request(path_of(third["previous"]))
    assert back == second
    _, _, back_to_first = generated.request(path_of(second["previous"]))
    assert back_to_first["results"] == first["results"]


def test_last_page_has_no_next(generated):
    _, _, page = generated.request(PROJECTS + "?limit=1000")
    assert len(page["results"]) == 250
    assert page["next"] is None and page["previous"] is None


def test_generated_projects_are_deterministic(generated):
    _, _, page = generated.request(PROJECTS + "?limit=6")
    first = page["results"][0]
    assert first["name"] == "Project 000001"
    assert [p["status"] for p in page["results"]] == [
        "active", "completed", "paused", "archived", "pending-approval", "canceled"]
    times = [p["created_at"] for p in page["results"]]
    assert times == sorted(times) and len(set(times)) == 6


def test_path_without_trailing_slash_is_accepted(generated):
    status, _, page = generated.request("/api/v1/users/me/projects?limit=5")
    assert status == 200 and len(page["results"]) == 5
    assert "/users/me/projects/?" in page["next"]


@pytest.mark.parametrize("limit, message", [
    ("0", "Ensure this value is between 1 and 1000."),
    ("1001", "Ensure this value is between 1 and 1000."),
    ("-3", "Ensure this value is between 1 and 1000."),
    ("abc", "A valid integer is required."),
    ("", "A valid integer is required."),
])
def test_invalid_limit_is_400(generated, limit, message):
    status, _, body = generated.request(PROJECTS + "?limit=" + limit)
    assert (status, body) == (400, {"limit": [message]})


def test_limit_bounds_are_accepted(generated):
    assert len(generated.request(PROJECTS + "?limit=1")[2]["results"]) == 1
    assert len(generated.request(PROJECTS + "?limit=1000")[2]["results"]) == 250


def test_default_limit_is_100(generated):
    _, _, page = generated.request(PROJECTS)
    assert len(page["results"]) == 100
    assert "limit=100" in page["next"]


def good_cursor(emu):
    _, _, page = emu.request(PROJECTS + "?limit=10")
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page["next"]).query)["cursor"][0]


@pytest.mark.parametrize("tamper", [
    lambda c: "garbage!",
    lambda c: c + "x",
    lambda c: c[:-1],
    lambda c: "",
    lambda c: base64.urlsafe_b64encode(b"o=99999").decode().rstrip("="),
    lambda c: base64.urlsafe_b64encode(b"offset=10").decode().rstrip("="),
])
def test_invalid_cursor_is_400(generated, tamper):
    cursor = urllib.parse.quote(tamper(good_cursor(generated)), safe="")
    status, _, body = generated.request(PROJECTS + "?cursor=" + cursor)
    assert (status, body) == (400, {"detail": "Invalid cursor"})


def test_get_project_by_uid(generated):
    uid = "00000000-0000-4000-8000-0000000000" + format(42, "02x")
    status, _, project = generated.request(PROJECTS + uid + "/")
    assert status == 200
    assert project["uid"] == uid and project["name"] == "Project 000042"
    assert generated.request(PROJECTS + uid)[2] == project  # no trailing slash


def test_get_matches_the_listed_object(demo):
    _, _, page = demo.request(PROJECTS + "?limit=3")
    listed = page["results"][2]
    assert demo.request(PROJECTS + listed["uid"] + "/")[2] == listed


def test_unknown_uid_is_404(generated):
    status, _, body = generated.request(PROJECTS + "00000000-0000-4000-8000-999999999999/")
    assert (status, body) == (404, {"detail": "Not found."})


def test_get_requires_auth(generated):
    status, _, _ = generated.request(PROJECTS + "00000000-0000-4000-8000-000000000001/",
                                     headers={})
    assert status == 401


# --- links, data files --------------------------------------------------------

def test_next_uses_the_host_header(generated):
    status, _, page = generated.request(
        PROJECTS + "?limit=10", headers={**AUTH, "Host": "api.example.test:8443"})
    assert status == 200
    assert page["next"].startswith("http://api.example.test:8443/api/v1/users/me/projects/?cursor=")


def test_public_url_changes_the_origin_of_links():
    with emulator("--generate", "projects=30", "--public-url", "http://elsewhere.test:9/api/v1/") as emu:
        _, _, first = emu.request(PROJECTS + "?limit=10")
        assert first["next"].startswith("http://elsewhere.test:9/api/v1/users/me/projects/?cursor=")
        _, _, second = emu.request(path_of(first["next"]))
        assert second["previous"].startswith("http://elsewhere.test:9/api/v1/users/me/projects/?")


def test_data_file_replaces_the_seed(tmp_path):
    data = {"projects": [
        {"uid": "p-1", "name": "One", "status": "active", "custom": {"nested": [1, 2]}},
        {"uid": "p-2", "name": "Two \u00e9\"quoted\"", "status": "some-new-status"},
    ]}
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    with emulator("--data", str(path)) as emu:
        _, _, page = emu.request(PROJECTS)
        assert page == {"results": data["projects"], "next": None, "previous": None}
        assert emu.request(PROJECTS + "p-2/")[2] == data["projects"][1]


def test_empty_data_file_serves_an_empty_collection(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text('{"projects": []}')
    with emulator("--data", str(path)) as emu:
        assert emu.request(PROJECTS)[2] == {"results": [], "next": None, "previous": None}


@pytest.mark.parametrize("content", [
    "not json",
    "[]",
    '{"projects": {}}',
    '{"projects": [{"name": "no uid"}]}',
    '{"projects": [{"uid": 7}]}',
    '{"projects": [{"uid": "a"}, {"uid": "a"}]}',
    '{"projcts": []}',
])
def test_invalid_data_file_exits_2(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    proc = subprocess.run([str(BINARY), "--data", str(path)], capture_output=True, text=True,
                          timeout=10)
    assert proc.returncode == 2
    assert str(path) in proc.stderr


def test_missing_data_file_exits_2(tmp_path):
    proc = subprocess.run([str(BINARY), "--data", str(tmp_path / "absent.json")],
                          capture_output=True, text=True, timeout=10)
    assert proc.returncode == 2 and "absent.json" in proc.stderr
