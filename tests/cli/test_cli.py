"""Tests of the `avala` command-line tool against avala-emulator.

Run: AVALA_CLI=/path/to/avala AVALA_EMULATOR=/path/to/avala-emulator \
         /usr/bin/python3 -m pytest -q tests/cli

This module covers projects and what every command shares (errors, exit
codes, options, help, broken pipes); test_resources.py the other resources.
It starts its own emulator (1000 generated projects) and, for the
table-rendering test, a second one serving the demo seed. Expected values come
from the emulator itself, read with urllib: an oracle that shares no code with
the client. The CLI always runs with a clean environment: the developer's own
AVALA_* variables are never inherited.
"""

import json
import re
import socket
import subprocess

import pytest

from support import (KEY, ROOT, TIMEOUT, WRONG_KEY, assert_error, clean_env, emulator_env, fetch_all,
                     fetch_json, next_cursor, printable, start_emulator, stop_emulator)

N_PROJECTS = 1000


@pytest.fixture(scope="module")
def emulator():
    proc, url = start_emulator("--generate", f"projects={N_PROJECTS}")
    try:
        yield url
    finally:
        stop_emulator(proc)


@pytest.fixture(scope="module")
def demo_emulator():
    proc, url = start_emulator()  # no --generate: the demo seed, every status
    try:
        yield url
    finally:
        stop_emulator(proc)


# ---- the oracle: the emulator read directly ---------------------------------


def server_projects_of(base_url):
    return fetch_all(f"{base_url}/users/me/projects/?limit=1000")


@pytest.fixture(scope="module")
def server_projects(emulator):
    items = server_projects_of(emulator)
    assert len(items) == N_PROJECTS
    return items


@pytest.fixture(scope="module")
def server_uids(server_projects):
    return [p["uid"] for p in server_projects]


# ---- running the CLI ----------------------------------------------------------


@pytest.fixture(scope="module")
def env(emulator):
    return emulator_env(emulator)


# ---- projects list -------------------------------------------------------------


def test_list_all_as_json_prints_every_project_exactly_once(avala, env, server_projects):
    r = avala("-o", "json", "projects", "list", "--all", "--limit", "37", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("\n")
    items = json.loads(r.stdout)
    assert isinstance(items, list)
    uids = [p["uid"] for p in items]
    assert len(uids) == N_PROJECTS
    assert len(set(uids)) == N_PROJECTS
    assert items == server_projects  # every object exactly as the API returned it, in order
    assert "next cursor" not in r.stderr


def test_one_page_with_limit_5_has_5_projects_and_a_cursor_hint(avala, env, server_uids):
    r = avala("-o", "json", "projects", "list", "--limit", "5", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("\n")
    items = json.loads(r.stdout)
    assert [p["uid"] for p in items] == server_uids[:5]
    next_cursor(r.stderr)


def test_cursor_from_a_page_continues_with_the_next_page(avala, env, server_uids):
    first = avala("-o", "json", "projects", "list", "--limit", "5", env=env)
    assert first.returncode == 0, first.stderr
    cursor = next_cursor(first.stderr)

    second = avala("-o", "json", "projects", "list", "--limit", "5", "--cursor", cursor, env=env)
    assert second.returncode == 0, second.stderr
    assert [p["uid"] for p in json.loads(second.stdout)] == server_uids[5:10]
    assert next_cursor(second.stderr) != cursor


def test_all_from_a_cursor_lists_the_rest(avala, env, server_uids):
    first = avala("-o", "json", "projects", "list", "--limit", "5", env=env)
    cursor = next_cursor(first.stderr)
    rest = avala("-o", "json", "projects", "list", "--all", "--limit", "100", "--cursor", cursor, env=env)
    assert rest.returncode == 0, rest.stderr
    assert [p["uid"] for p in json.loads(rest.stdout)] == server_uids[5:]


def test_last_page_has_no_cursor_hint(avala, env, server_uids):
    r = avala("-o", "json", "projects", "list", "--limit", "1000", env=env)
    assert r.returncode == 0, r.stderr
    assert [p["uid"] for p in json.loads(r.stdout)] == server_uids
    assert "next cursor" not in r.stderr


def test_table_has_a_header_and_one_row_per_project(avala, env, server_projects):
    r = avala("projects", "list", "--limit", "5", env=env)  # table is the default
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["UID", "NAME", "STATUS", "UPDATED"]
    assert len(lines) == 1 + 5
    for line, p in zip(lines[1:], server_projects[:5]):
        assert line.startswith(p["uid"] + " ")
        assert p["name"] in line
        assert (p["status"] or "-") in line
        assert line.rstrip().endswith(p["updated_at"] or "-")
    # Columns are aligned: NAME starts at the same offset on every line.
    name_col = lines[0].index("NAME")
    assert all(line[name_col:].startswith(p["name"]) for line, p in zip(lines[1:], server_projects))
    next_cursor(r.stderr)


def test_table_with_all_lists_every_project(avala, env, server_uids):
    r = avala("-o", "table", "projects", "list", "--all", "--limit", "250", env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["UID", "NAME", "STATUS", "UPDATED"]
    assert [line.split()[0] for line in lines[1:]] == server_uids


def test_table_shows_demo_projects_with_long_names_cut(avala, demo_emulator):
    projects = server_projects_of(demo_emulator)
    assert projects, "the demo seed is empty"
    env = clean_env(AVALA_BASE_URL=demo_emulator, AVALA_API_KEY=KEY, AVALA_ALLOW_INSECURE_BASE_URL="1")
    r = avala("projects", "list", "--all", env=env)
    assert r.returncode == 0, r.stderr
    rows = r.stdout.splitlines()[1:]
    assert len(rows) == len(projects)
    for row, p in zip(rows, projects):
        name = printable(p["name"])
        shown = name if len(name) <= 40 else name[:39] + "\u2026"
        assert row.startswith(p["uid"] + " "), row
        assert shown in row, (shown, row)
        status = printable(p["status"]) if p["status"] is not None else "-"
        assert f"  {status}  " in row, (status, row)


# ---- projects get -------------------------------------------------------------


def test_get_as_json_prints_the_object(avala, env, emulator, server_uids):
    uid = server_uids[123]
    r = avala("-o", "json", "projects", "get", uid, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("\n")
    obj = json.loads(r.stdout)
    assert obj["uid"] == uid
    assert obj == fetch_json(f"{emulator}/users/me/projects/{uid}/")


def test_get_as_table_prints_key_value_lines(avala, env, emulator, server_uids):
    uid = server_uids[7]
    expected = fetch_json(f"{emulator}/users/me/projects/{uid}/")
    r = avala("projects", "get", uid, env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    keys = [line.split(": ", 1)[0] for line in lines]
    assert keys[:5] == ["uid", "name", "status", "created_at", "updated_at"]
    assert sorted(keys) == sorted(expected)  # every field, each once
    assert f"uid: {uid}" in lines
    for key, value in expected.items():
        if isinstance(value, str):
            assert f"{key}: {printable(value)}" in lines
        elif value is None:
            assert f"{key}: -" in lines
        elif isinstance(value, bool):
            assert f"{key}: {'true' if value else 'false'}" in lines


def test_global_options_work_after_the_command_and_flags_beat_environment(avala, emulator, server_uids):
    env = clean_env(AVALA_API_KEY=WRONG_KEY, AVALA_BASE_URL="https://example.invalid/api/v1",
                    AVALA_ALLOW_INSECURE_BASE_URL="1")
    r = avala("projects", "list", "--limit", "2", "--output=json", "--api-key", KEY, "--base-url", emulator,
              "--timeout", "20", env=env)
    assert r.returncode == 0, r.stderr
    assert [p["uid"] for p in json.loads(r.stdout)] == server_uids[:2]


# ---- errors and exit codes ----------------------------------------------------


def test_wrong_key_exits_3_and_never_shows_a_key(avala, env):
    r = avala("projects", "list", env={**env, "AVALA_API_KEY": WRONG_KEY})
    assert_error(r, 3)
    assert WRONG_KEY not in r.stderr and KEY not in r.stderr

    r = avala("--api-key", WRONG_KEY, "-o", "json", "projects", "get", "whatever", env=env)
    assert_error(r, 3)
    assert WRONG_KEY not in r.stderr and KEY not in r.stderr


def test_unknown_uid_exits_4(avala, env):
    assert_error(avala("projects", "get", "00000000-0000-4000-8000-fffffffffffe", env=env), 4)
    assert_error(avala("-o", "json", "projects", "get", "no-such-project", env=env), 4)


@pytest.mark.parametrize("uid", ["../admin", "..", ".", "a/b", "a\\b", "%2e%2e", "%2F", "", "a\nb"])
def test_unsafe_uid_is_refused_as_a_usage_error(avala, env, uid):
    r = avala("projects", "get", uid, env=env)
    assert_error(r, 2)
    assert "Traceback" not in r.stderr and "terminate called" not in r.stderr


def test_unreachable_base_url_exits_6(avala):
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = clean_env(AVALA_BASE_URL=f"http://127.0.0.1:{port}/api/v1", AVALA_API_KEY=KEY,
                    AVALA_ALLOW_INSECURE_BASE_URL="1")
    assert_error(avala("--timeout", "5", "projects", "list", env=env), 6)


@pytest.mark.parametrize("allow", [None, "0", "no"])
def test_http_base_url_without_permission_exits_7(avala, emulator, allow):
    env = clean_env(AVALA_BASE_URL=emulator, AVALA_API_KEY=KEY, AVALA_ALLOW_INSECURE_BASE_URL=allow)
    assert_error(avala("projects", "list", env=env), 7)


def test_http_base_url_to_another_host_exits_7_even_when_allowed(avala):
    env = clean_env(AVALA_API_KEY=KEY, AVALA_ALLOW_INSECURE_BASE_URL="1")
    assert_error(avala("--base-url", "http://example.com/api/v1", "projects", "list", env=env), 7)


def test_missing_key_exits_7(avala, emulator):
    env = clean_env(AVALA_BASE_URL=emulator, AVALA_ALLOW_INSECURE_BASE_URL="1")
    assert_error(avala("projects", "list", env=env), 7)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate"],
        ["projects"],
        ["projects", "frobnicate"],
        ["projects", "list", "--bogus"],
        ["--bogus", "projects", "list"],
        ["projects", "list", "extra"],
        ["projects", "get"],
        ["projects", "get", "a", "b"],
        ["projects", "list", "--limit"],
        ["projects", "list", "--limit", "abc"],
        ["projects", "list", "--limit", "0"],
        ["projects", "list", "--limit", "-5"],
        ["projects", "list", "--limit", "99999999999"],
        ["projects", "list", "--all=yes"],
        ["-o", "yaml", "projects", "list"],
        ["--timeout", "-1", "projects", "list"],
        ["--timeout", "soon", "projects", "list"],
        ["--timeout", "nan", "projects", "list"],
    ],
    ids=lambda a: " ".join(a) or "no-args",
)
def test_bad_command_line_exits_2(avala, env, args):
    assert_error(avala(*args, env=env), 2)


def test_version_prints_the_library_version(avala):
    header = (ROOT / "capi" / "include" / "avala.h").read_text()
    version = re.search(r'#define AVALA_VERSION_STRING "([^"]+)"', header).group(1)
    r = avala("--version", env=clean_env())
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"avala {version}\n"


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["help"]])
def test_help_lists_commands_and_exit_codes_without_needing_a_key(avala, args):
    r = avala(*args, env=clean_env())
    assert r.returncode == 0, r.stderr
    for text in ["projects list", "projects get", "--api-key", "--base-url", "--timeout", "--output",
                 "AVALA_API_KEY", "Exit status"]:
        assert text in r.stdout
    for status in range(8):
        assert re.search(rf"^  {status}  \S", r.stdout, re.M), f"exit status {status} is not documented"


@pytest.mark.parametrize("args", [["projects", "list", "--help"], ["help", "projects", "list"]])
def test_command_help_lists_its_options(avala, args):
    r = avala(*args, env=clean_env())
    assert r.returncode == 0, r.stderr
    for text in ["--limit", "--cursor", "--all", "--output"]:
        assert text in r.stdout


def test_get_help_names_its_argument(avala):
    r = avala("projects", "get", "--help", env=clean_env())
    assert r.returncode == 0, r.stderr
    assert "projects get UID" in r.stdout


@pytest.mark.parametrize("output", ["json", "table"])
@pytest.mark.parametrize("read_first_line", [True, False], ids=["after-first-line", "before-any-output"])
def test_closed_pipe_stops_quietly(cli, env, output, read_first_line):
    proc = subprocess.Popen(
        [cli, "-o", output, "projects", "list", "--all", "--limit", "50"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        if read_first_line:  # like `| head -n 1`
            first = proc.stdout.readline()
            assert first.startswith(b"[" if output == "json" else b"UID"), first
        # Nobody reads any more. The listing does not fit in the pipe (and in
        # the second case nothing can be written at all), so the CLI meets EPIPE.
        proc.stdout.close()
        status = proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    assert status == 0, f"exit {status} (negative: killed by a signal), stderr: {stderr!r}"
    assert stderr == ""
