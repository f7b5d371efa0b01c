"""The CLI for daily use: where the API key comes from (a file, stdin, a
profile of the config file), `configure`, `status`, shell completion, -o jsonl
and --with-cursor, messages in CLI terms, the man page.

Each test gets its own config home (XDG_CONFIG_HOME in a tmp_path); the
expected values come from the emulator read directly (the oracle)."""

import collections
import json
import os
import pathlib
import pty
import select
import shutil
import socket
import stat
import subprocess
import termios
import tomllib
import urllib.request

import pytest

from support import (KEY, TIMEOUT, WRONG_KEY, _direct, assert_error, clean_env, emulator_env, fetch_all, fetch_json,
                     start_emulator, stop_emulator)

N_PROJECTS = 40


@pytest.fixture(scope="module")
def emulator():
    proc, url = start_emulator("--generate", f"projects={N_PROJECTS}")
    try:
        yield url
    finally:
        stop_emulator(proc)


@pytest.fixture(scope="module")
def server_uids(emulator):
    return [p["uid"] for p in fetch_all(f"{emulator}/users/me/projects/?limit=100")]


@pytest.fixture
def home(tmp_path):
    """A config home of this test's own; the file is home/avala/config.toml."""
    return tmp_path / "xdg"


def config_file(home):
    return home / "avala" / "config.toml"


def write_config(home, text, mode=0o600):
    path = config_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)
    return path


def bare_env(home, **avala_vars):
    """No key and no base URL in the environment: only what a test gives."""
    return clean_env(XDG_CONFIG_HOME=str(home), AVALA_ALLOW_INSECURE_BASE_URL="1", **avala_vars)


def closed_port_url():
    with socket.socket() as s:  # free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/api/v1"


def listed_uids(r):
    assert r.returncode == 0, r.stderr
    return [p["uid"] for p in json.loads(r.stdout)]


def assert_no_key(r, *keys):
    for k in keys or (KEY, WRONG_KEY):
        assert k not in r.stdout and k not in r.stderr


# ---- the key from a file or stdin -------------------------------------------------


def test_key_from_a_file_with_a_trailing_newline(avala, emulator, server_uids, tmp_path, home):
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")
    r = avala("--api-key-file", str(key_file), "--base-url", emulator, "-o", "json", "projects", "list",
              "--limit", "3", env=bare_env(home))
    assert listed_uids(r) == server_uids[:3]
    assert_no_key(r)


def test_key_file_problems_exit_7_naming_the_file(avala, emulator, tmp_path, home):
    missing = tmp_path / "no-such-key"
    r = avala("--api-key-file", str(missing), "--base-url", emulator, "projects", "list", env=bare_env(home))
    assert_error(r, 7)
    assert str(missing) in r.stderr

    empty = tmp_path / "empty-key"
    empty.write_text("\n")
    r = avala("--api-key-file", str(empty), "--base-url", emulator, "projects", "list", env=bare_env(home))
    assert_error(r, 7)
    assert "empty" in r.stderr


def test_key_and_key_file_together_is_a_usage_error(avala, emulator, tmp_path, home):
    key_file = tmp_path / "key"
    key_file.write_text(KEY)
    r = avala("--api-key", KEY, "--api-key-file", str(key_file), "projects", "list", env=bare_env(home))
    assert_error(r, 2)


def test_key_from_stdin(avala, emulator, server_uids, home):
    r = avala("--api-key", "-", "--base-url", emulator, "-o", "json", "projects", "list", "--limit", "2",
              env=bare_env(home), input=KEY + "\n")
    assert listed_uids(r) == server_uids[:2]
    assert_no_key(r)


def test_empty_stdin_for_the_key_exits_7(avala, emulator, home):
    r = avala("--api-key", "-", "--base-url", emulator, "projects", "list", env=bare_env(home), input="")
    assert_error(r, 7)
    assert "stdin" in r.stderr or "standard input" in r.stderr


def test_a_wrong_key_from_stdin_is_never_shown(avala, emulator, home):
    r = avala("--api-key", "-", "--base-url", emulator, "projects", "list", env=bare_env(home),
              input=WRONG_KEY + "\n")
    assert_error(r, 3)
    assert_no_key(r)


# ---- profiles ------------------------------------------------------------------------


def test_default_profile_gives_key_and_base_url(avala, emulator, server_uids, home):
    write_config(home, f'[profiles.default]\napi_key = "{KEY}"\nbase_url = "{emulator}"\n')
    r = avala("-o", "json", "projects", "list", "--limit", "4", env=bare_env(home))
    assert listed_uids(r) == server_uids[:4]
    assert_no_key(r)


def profiles(emulator):
    """default: a wrong key; staging: the right one; broken: a dead base URL."""
    return (f'# comments are fine\n[profiles.default]\napi_key = "{WRONG_KEY}"\nbase_url = "{emulator}"\n\n'
            f'[profiles.staging]\napi_key = "{KEY}"  # trailing comment\nbase_url = "{emulator}"\n\n'
            f'[profiles.broken]\napi_key = "{KEY}"\nbase_url = "{closed_port_url()}"\n')


def test_profile_flag_and_environment_select_a_profile(avala, emulator, server_uids, home):
    write_config(home, profiles(emulator))
    assert_error(avala("projects", "list", env=bare_env(home)), 3)  # "default" holds the wrong key
    assert listed_uids(avala("--profile", "staging", "-o", "json", "projects", "list", "--limit", "2",
                             env=bare_env(home))) == server_uids[:2]
    assert listed_uids(avala("-o", "json", "projects", "list", "--limit", "2",
                             env=bare_env(home, AVALA_PROFILE="staging"))) == server_uids[:2]
    # The flag beats the environment.
    r = avala("--profile", "default", "projects", "list", env=bare_env(home, AVALA_PROFILE="staging"))
    assert_error(r, 3)
    assert_no_key(r)


def test_flag_beats_environment_beats_profile(avala, emulator, server_uids, home):
    write_config(home, profiles(emulator))
    # key: environment over the profile's wrong key
    r = avala("-o", "json", "projects", "list", "--limit", "1", env=bare_env(home, AVALA_API_KEY=KEY))
    assert listed_uids(r) == server_uids[:1]
    # key: profile right, environment wrong: the environment wins
    assert_error(avala("--profile", "staging", "projects", "list", env=bare_env(home, AVALA_API_KEY=WRONG_KEY)), 3)
    # key: the flag over a wrong environment
    r = avala("--api-key", KEY, "-o", "json", "projects", "list", "--limit", "1",
              env=bare_env(home, AVALA_API_KEY=WRONG_KEY))
    assert listed_uids(r) == server_uids[:1]
    # base URL: the profile's is dead; the environment's, then the flag's, win
    r = avala("--profile", "broken", "-o", "json", "projects", "list", "--limit", "1",
              env=bare_env(home, AVALA_BASE_URL=emulator))
    assert listed_uids(r) == server_uids[:1]
    r = avala("--profile", "broken", "--base-url", emulator, "-o", "json", "projects", "list", "--limit", "1",
              env=bare_env(home, AVALA_BASE_URL=closed_port_url()))
    assert listed_uids(r) == server_uids[:1]
    assert_error(avala("--profile", "broken", "--timeout", "5", "projects", "list", env=bare_env(home)), 6)


def test_a_profile_asked_for_must_exist(avala, emulator, home):
    write_config(home, profiles(emulator))
    r = avala("--profile", "prod", "projects", "list", env=bare_env(home, AVALA_API_KEY=KEY, AVALA_BASE_URL=emulator))
    assert_error(r, 7)
    assert "profile 'prod' not found" in r.stderr
    assert "staging" in r.stderr  # the profiles there are named
    r = avala("projects", "list", env=bare_env(home, AVALA_PROFILE="nope"))
    assert_error(r, 7)
    assert "profile 'nope' not found" in r.stderr


def test_a_missing_config_file_and_no_key_says_how_to_give_one(avala, emulator, home):
    r = avala("--base-url", emulator, "projects", "list", env=bare_env(home))
    assert_error(r, 7)
    for hint in ["--api-key", "AVALA_API_KEY", "avala configure"]:
        assert hint in r.stderr
    assert "Pass api_key" not in r.stderr


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o602])
def test_a_key_in_a_file_others_may_access_is_refused(avala, emulator, home, mode):
    path = write_config(home, f'[profiles.default]\napi_key = "{KEY}"\nbase_url = "{emulator}"\n', mode)
    r = avala("projects", "list", env=bare_env(home))
    assert_error(r, 7)
    assert str(path) in r.stderr and "chmod 600" in r.stderr
    assert_no_key(r)


def test_an_open_file_without_a_key_is_read(avala, emulator, server_uids, home):
    write_config(home, f'[profiles.default]\nbase_url = "{emulator}"\n', 0o644)
    r = avala("-o", "json", "projects", "list", "--limit", "1", env=bare_env(home, AVALA_API_KEY=KEY))
    assert listed_uids(r) == server_uids[:1]


def test_unknown_keys_are_ignored_with_a_warning(avala, emulator, server_uids, home):
    write_config(home, f'editor = "vim"\n[profiles.default]\napi_key = "{KEY}"\nbase_url = "{emulator}"\n'
                       f'colour = "auto"\n[future]\nx = 1\n')
    r = avala("-o", "json", "projects", "list", "--limit", "1", env=bare_env(home))
    assert listed_uids(r) == server_uids[:1]
    for key in ["editor", "colour", "future"]:
        assert f"warning: " in r.stderr and f"'{key}'" in r.stderr
    assert_no_key(r)


@pytest.mark.parametrize("text, wanted", [
    ('[profiles.default\napi_key = "k"\n', "config.toml:1"),
    ('[profiles.default]\napi_key = k\n', "config.toml:2"),
    ('[profiles.default]\napi_key = 5\n', "api_key must be a quoted string"),
    ('[profiles.default]\nbase_url = ["x"]\n', "base_url must be a quoted string"),
    ('profiles = "default"\n', "'profiles' must be a table"),
    ('[profiles]\ndefault = "x"\n', "must be a table"),
])
def test_a_bad_config_file_exits_7_with_where(avala, emulator, home, text, wanted):
    write_config(home, text)
    r = avala("--base-url", emulator, "projects", "list", env=bare_env(home))
    assert_error(r, 7)
    assert wanted in r.stderr, r.stderr


def test_flags_and_environment_need_no_config_file(avala, emulator, server_uids, home):
    write_config(home, "this is not TOML", 0o644)  # never read: nothing would come from it
    r = avala("-o", "json", "projects", "list", "--limit", "1", env=bare_env(home, AVALA_API_KEY=KEY,
                                                                              AVALA_BASE_URL=emulator))
    assert listed_uids(r) == server_uids[:1]


def test_bad_profile_name_is_a_usage_error_or_a_configuration_error(avala, home):
    assert_error(avala("--profile", "a b", "projects", "list", env=bare_env(home)), 2)
    r = avala("projects", "list", env=bare_env(home, AVALA_PROFILE="../x"))
    assert_error(r, 7)
    assert "AVALA_PROFILE" in r.stderr


# ---- configure -----------------------------------------------------------------------


def test_configure_from_stdin_saves_a_private_file(avala, emulator, server_uids, home):
    r = avala("--base-url", emulator, "configure", env=bare_env(home), input=KEY + "\n")
    assert r.returncode == 0, r.stderr
    assert_no_key(r)
    path = config_file(home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(home.stat().st_mode) == 0o700  # created by configure too
    saved = tomllib.loads(path.read_text())
    assert saved["profiles"]["default"] == {"api_key": KEY, "base_url": emulator}
    # Then the profile is all a command needs.
    assert listed_uids(avala("-o", "json", "projects", "list", "--limit", "2", env=bare_env(home))) == \
        server_uids[:2]


def test_configure_keeps_other_profiles_and_settings(avala, emulator, home):
    write_config(home, f'[profiles.default]\napi_key = "old"\nbase_url = "{emulator}"\n'
                       f'[profiles.other]\napi_key = "{WRONG_KEY}"\n')
    r = avala("--profile", "staging", "--base-url", emulator, "configure", env=bare_env(home), input=KEY)
    assert r.returncode == 0, r.stderr
    r = avala("configure", env=bare_env(home), input=KEY + "\n")  # default: checked against its base_url
    assert r.returncode == 0, r.stderr
    saved = tomllib.loads(config_file(home).read_text())["profiles"]
    assert saved["default"] == {"api_key": KEY, "base_url": emulator}
    assert saved["other"] == {"api_key": WRONG_KEY}
    assert saved["staging"] == {"api_key": KEY, "base_url": emulator}


def test_configure_refuses_a_key_the_api_refuses_and_saves_nothing(avala, emulator, home):
    r = avala("--base-url", emulator, "configure", env=bare_env(home), input=WRONG_KEY + "\n")
    assert_error(r, 3)
    assert "nothing was saved" in r.stderr
    assert_no_key(r)
    assert not config_file(home).exists()


def test_configure_with_no_verify_sends_nothing(avala, home):
    r = avala("--base-url", closed_port_url(), "configure", "--no-verify", env=bare_env(home),
              input=WRONG_KEY + "\n")
    assert r.returncode == 0, r.stderr
    assert tomllib.loads(config_file(home).read_text())["profiles"]["default"]["api_key"] == WRONG_KEY


def test_configure_without_a_key_on_stdin_exits_7(avala, emulator, home):
    r = avala("--base-url", emulator, "configure", env=bare_env(home))  # stdin is /dev/null
    assert_error(r, 7)
    assert not config_file(home).exists()


def test_configure_tightens_an_open_file(avala, emulator, home):
    path = write_config(home, f'[profiles.default]\napi_key = "old"\n', 0o644)
    r = avala("--base-url", emulator, "configure", env=bare_env(home), input=KEY)
    assert r.returncode == 0, r.stderr
    assert "warning" in r.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_configure_on_a_terminal_asks_without_echo(cli, emulator, home):
    """The key typed at the prompt never appears on the terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI on the pty's slave side
        os.execve(cli, [cli, "--base-url", emulator, "configure"], bare_env(home))
    seen = b""
    try:
        while b"API key" not in seen:  # the prompt, written once echo is off
            ready, _, _ = select.select([fd], [], [], TIMEOUT)
            assert ready, f"no prompt: {seen!r}"
            seen += os.read(fd, 4096)
        os.write(fd, KEY.encode() + b"\n")
        while True:
            ready, _, _ = select.select([fd], [], [], TIMEOUT)
            assert ready, f"no end: {seen!r}"
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    except BaseException:  # a failed assertion: never leave the CLI behind
        os.kill(pid, 9)
        raise
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, seen
    assert KEY.encode() not in seen
    assert b"saved" in seen
    assert tomllib.loads(config_file(home).read_text())["profiles"]["default"]["api_key"] == KEY


def test_ctrl_c_at_the_prompt_gives_the_terminal_its_echo_back(cli, emulator, home):
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(cli, [cli, "--base-url", emulator, "configure"], bare_env(home))
    seen = b""
    try:
        while b"API key" not in seen:
            ready, _, _ = select.select([fd], [], [], TIMEOUT)
            assert ready, f"no prompt: {seen!r}"
            seen += os.read(fd, 4096)
        assert not termios.tcgetattr(fd)[3] & termios.ECHO  # off while the key is typed
        os.write(fd, b"\x03")  # Ctrl-C: SIGINT to the CLI
    except BaseException:
        os.kill(pid, 9)
        raise
    finally:
        _, status = os.waitpid(pid, 0)
    try:
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == 2, status
        assert termios.tcgetattr(fd)[3] & termios.ECHO
    finally:
        os.close(fd)
    assert not config_file(home).exists()


# ---- status ---------------------------------------------------------------------------


def create_export(base_url, polls):
    project = fetch_json(f"{base_url}/users/me/projects/?limit=1")["results"][0]["uid"]
    return fetch_json(f"{base_url}/exports/", method="POST", body={"project": project, "x_emulator_polls": polls})


def test_status_counts_projects_and_exports_in_flight(avala, emulator):
    pending = [create_export(emulator, 1000) for _ in range(2)]
    done = create_export(emulator, 0)
    assert [e["status"] for e in pending] == ["pending", "pending"] and done["status"] == "exported"

    projects = collections.Counter(p["status"] or "none" for p in fetch_all(f"{emulator}/users/me/projects/"))
    exports = collections.Counter(e["status"] or "none" for e in fetch_all(f"{emulator}/exports/"))
    in_flight = exports["pending"] + exports["processing"]
    assert in_flight >= 2

    r = avala("-o", "json", "status", env=emulator_env(emulator))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {
        "projects": {"total": N_PROJECTS, "by_status": dict(projects)},
        "exports": {"total": sum(exports.values()), "in_flight": in_flight, "by_status": dict(exports)},
    }

    r = avala("-o", "jsonl", "status", env=emulator_env(emulator))
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 1 and json.loads(r.stdout)["exports"]["in_flight"] == in_flight

    r = avala("status", env=emulator_env(emulator))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"Projects: {N_PROJECTS}"
    for status, n in projects.items():
        assert any(line.split() == [status, str(n)] for line in lines), (status, n, lines)
    assert f"Exports: {sum(exports.values())} ({in_flight} in flight)" in lines


def test_status_needs_a_key(avala, emulator, home):
    assert_error(avala("--base-url", emulator, "status", env=bare_env(home)), 7)


# ---- -o jsonl and --with-cursor -------------------------------------------------------


def test_jsonl_prints_one_object_per_line(avala, emulator, server_uids):
    r = avala("-o", "jsonl", "projects", "list", "--all", "--limit", "7", env=emulator_env(emulator))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert [json.loads(line)["uid"] for line in lines] == server_uids
    assert json.loads(lines[3]) == fetch_json(f"{emulator}/users/me/projects/{server_uids[3]}/")
    assert "next cursor" not in r.stderr


def test_jsonl_get_is_one_line(avala, emulator, server_uids):
    r = avala("-o", "jsonl", "projects", "get", server_uids[0], env=emulator_env(emulator))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\n") == 1 and json.loads(r.stdout)["uid"] == server_uids[0]


def clear_faults(base_url):
    root = base_url[: base_url.index("/api/v1")]
    _direct.open(urllib.request.Request(root + "/__emulator/faults", method="DELETE"), timeout=10)


def fault(base_url, **rule):
    """Installs one fault rule after clearing the others."""
    clear_faults(base_url)
    root = base_url[: base_url.index("/api/v1")]
    body = json.dumps({"method": "GET", "path": "/api/v1/users/me/projects/", **rule}).encode()
    req = urllib.request.Request(root + "/__emulator/faults", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    _direct.open(req, timeout=10)


def test_jsonl_streams_each_page_as_it_arrives(cli, emulator, server_uids):
    """The second page never comes; the first page's lines are out anyway."""
    fault(emulator, fault="silent", nth=2, count=1)
    proc = subprocess.Popen([cli, "--timeout", "600", "-o", "jsonl", "projects", "list", "--all", "--limit", "5"],
                            env=emulator_env(emulator), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        out = b""
        fd = proc.stdout.fileno()
        while out.count(b"\n") < 5:  # unbuffered reads: select() sees only what is still in the pipe
            ready, _, _ = select.select([fd], [], [], TIMEOUT)
            assert ready, f"the first page was not written while the second was awaited: {out!r}"
            chunk = os.read(fd, 65536)
            assert chunk, f"the CLI ended: {out!r}"
            out += chunk
        assert [json.loads(line)["uid"] for line in out.splitlines()] == server_uids[:5]
        assert proc.poll() is None  # still waiting for page 2: these lines were streamed
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        clear_faults(emulator)


def test_json_with_cursor_wraps_items_and_cursor(avala, emulator, server_uids):
    env = emulator_env(emulator)
    r = avala("-o", "json", "projects", "list", "--limit", "6", "--with-cursor", env=env)
    assert r.returncode == 0, r.stderr
    page = json.loads(r.stdout)
    assert [p["uid"] for p in page["items"]] == server_uids[:6]
    assert page["has_more"] is True and isinstance(page["next_cursor"], str)
    assert "next cursor" not in r.stderr  # it is on stdout instead

    r = avala("-o", "json", "projects", "list", "--limit", "100", "--cursor", page["next_cursor"], "--with-cursor",
              env=env)
    last = json.loads(r.stdout)
    assert [p["uid"] for p in last["items"]] == server_uids[6:]
    assert last["next_cursor"] is None and last["has_more"] is False


def test_jsonl_with_cursor_ends_with_a_cursor_line(avala, emulator, server_uids):
    env = emulator_env(emulator)
    r = avala("-o", "jsonl", "projects", "list", "--limit", "4", "--with-cursor", env=env)
    assert r.returncode == 0, r.stderr
    *items, tail = [json.loads(line) for line in r.stdout.splitlines()]
    assert [p["uid"] for p in items] == server_uids[:4]
    assert set(tail) == {"next_cursor", "has_more"} and tail["has_more"] is True
    r = avala("-o", "jsonl", "projects", "list", "--limit", "4", "--cursor", tail["next_cursor"], env=env)
    assert [json.loads(line)["uid"] for line in r.stdout.splitlines()] == server_uids[4:8]


def test_json_without_with_cursor_is_still_a_plain_array(avala, emulator, server_uids):
    r = avala("-o", "json", "projects", "list", "--limit", "3", env=emulator_env(emulator))
    assert [p["uid"] for p in json.loads(r.stdout)] == server_uids[:3]
    assert "next cursor:" in r.stderr


def test_with_cursor_needs_a_json_format(avala, emulator):
    assert_error(avala("projects", "list", "--with-cursor", env=emulator_env(emulator)), 2)


def test_an_unknown_format_is_a_usage_error(avala, emulator):
    r = avala("-o", "yaml", "projects", "list", env=emulator_env(emulator))
    assert_error(r, 2)
    assert "jsonl" in r.stderr


# ---- messages ---------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["projects", "get", "abc"], "project 'abc' not found"),
    (["tasks", "get", "t-missing"], "task 't-missing' not found"),
    (["exports", "get", "ex-missing"], "export 'ex-missing' not found"),
    (["exports", "wait", "ex-missing"], "export 'ex-missing' not found"),
    (["agents", "get", "ag-missing"], "agent 'ag-missing' not found"),
    (["agents", "delete", "ag-missing"], "agent 'ag-missing' not found"),
    (["agents", "update", "ag-missing", "--name", "x"], "agent 'ag-missing' not found"),
    (["agents", "test", "ag-missing"], "agent 'ag-missing' not found"),
    (["agents", "executions", "ag-missing"], "agent 'ag-missing' not found"),
    (["datasets", "get", "ds-missing"], "dataset 'ds-missing' not found"),
    (["quality-targets", "list", "--project", "p-missing"], "project 'p-missing' not found"),
])
def test_not_found_names_the_resource_and_uid(avala, emulator, args, message):
    r = avala(*args, env=emulator_env(emulator))
    assert_error(r, 4)
    assert r.stderr.splitlines()[0] == "avala: error: " + message


def test_not_found_in_a_project_names_both(avala, emulator, server_uids):
    r = avala("quality-targets", "get", "qt-missing", "--project", server_uids[0], env=emulator_env(emulator))
    assert_error(r, 4)
    assert f"quality target 'qt-missing' not found in project '{server_uids[0]}'" in r.stderr


# ---- completion -------------------------------------------------------------------------


def bash_complete(cli, *words):
    """COMPREPLY for the command line `words` (the last one being completed)."""
    script = subprocess.run([cli, "completion", "bash"], capture_output=True, text=True, check=True,
                            env=clean_env()).stdout
    line = " ".join("''" if w == "" else w for w in words)
    program = (f'{script}\nCOMP_WORDS=(avala {line}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); '
               'COMPREPLY=(); _avala; printf "%s\\n" "${COMPREPLY[@]}"\n')
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], capture_output=True, text=True,
                       timeout=TIMEOUT, env=clean_env())
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return [w for w in r.stdout.splitlines() if w]


def top_level_names(cli):
    """The command names as the help lists them (the first word of each row)."""
    r = subprocess.run([cli, "--help"], capture_output=True, text=True, check=True, env=clean_env())
    section = r.stdout.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return {line.split()[0] for line in section.splitlines()}


def test_bash_completes_command_names(cli):
    names = top_level_names(cli)
    assert {"projects", "status", "configure", "completion"} <= names
    assert set(bash_complete(cli, "")) == names | {"help"}
    assert bash_complete(cli, "pro") == ["projects"]
    assert bash_complete(cli, "st") == ["status"]
    assert bash_complete(cli, "quality-targets", "ev") == ["evaluate"]
    assert set(bash_complete(cli, "projects", "")) == {"list", "get"}
    assert bash_complete(cli, "completion", "") == ["bash", "zsh", "fish"]


def test_bash_completes_options_and_their_values(cli):
    assert bash_complete(cli, "projects", "list", "--wi") == ["--with-cursor"]
    assert bash_complete(cli, "tasks", "list", "--project", "P", "--st") == ["--status"]
    assert set(bash_complete(cli, "-o", "")) == {"table", "json", "jsonl"}
    assert bash_complete(cli, "--api-key", "K", "-o", "json", "ta") == ["tasks"]  # option values are skipped
    assert "--profile" in bash_complete(cli, "status", "--")
    assert bash_complete(cli, "help", "exports", "w") == ["wait"]


def test_zsh_and_fish_scripts_cover_every_command(cli):
    names = top_level_names(cli)
    for shell in ["zsh", "fish"]:
        r = subprocess.run([cli, "completion", shell], capture_output=True, text=True, env=clean_env())
        assert r.returncode == 0, r.stderr
        options = {"--with-cursor", "--api-key-file"}
        if shell == "fish":  # complete -l NAME
            options = {"-l " + o[2:] for o in options}
        for name in names | options | {"jsonl"}:
            assert name in r.stdout, (shell, name)
        if shutil.which(shell):  # parse it when the shell is installed
            check = ["zsh", "-n"] if shell == "zsh" else ["fish", "--no-execute"]
            p = subprocess.run(check, input=r.stdout, capture_output=True, text=True, timeout=TIMEOUT)
            assert p.returncode == 0, p.stderr


def script_of(cli, shell):
    return subprocess.run([cli, "completion", shell], capture_output=True, text=True, check=True,
                          env=clean_env()).stdout


@pytest.mark.skipif(not shutil.which("fish"), reason="fish is not installed")
def test_fish_completes_command_names_and_options(cli, tmp_path):
    script = tmp_path / "avala.fish"
    script.write_text(script_of(cli, "fish"))

    def complete(line):
        r = subprocess.run(["fish", "--no-config", "-c", f"source {script}; complete -C '{line}'"],
                           capture_output=True, text=True, timeout=TIMEOUT, env=clean_env())
        assert r.returncode == 0 and r.stderr == "", r.stderr
        return sorted(row.split("\t")[0] for row in r.stdout.splitlines())

    assert complete("avala pro") == ["projects"]
    assert complete("avala projects ") == ["get", "list"]
    assert complete("avala projects list --wi") == ["--with-cursor"]
    assert complete("avala -o ") == ["json", "jsonl", "table"]


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")
def test_zsh_completes_command_names_and_options(cli):
    """_avala run with the completion system's builtins replaced by stubs
    that print what would be offered."""
    stubs = (
        'compadd() { while [[ $1 != -- ]]; do shift; done; shift; print -l -- "$@"; }\n'
        '_describe() { local name=${@[-1]}; print -l -- ${${(P)name}%%:*}; }\n'
        '_files() { print FILES; }\ncompdef() { :; }\n'
    )

    def complete(*words):
        program = stubs + script_of(cli, "zsh") + f"\nwords=(avala {' '.join(repr(w) for w in words)})\n" \
            "CURRENT=${#words}\n_avala\n"
        r = subprocess.run(["zsh", "-f", "-c", program], capture_output=True, text=True, timeout=TIMEOUT,
                           env=clean_env())
        assert r.returncode == 0 and r.stderr == "", r.stderr
        return sorted(w for w in r.stdout.splitlines() if w)

    # Every top-level word (zsh itself, not the stub, keeps those matching "pro").
    assert complete("pro") == sorted(top_level_names(cli) | {"help"})
    assert complete("projects", "") == ["get", "list"]
    assert "--with-cursor" in complete("projects", "list", "--w")
    assert complete("-o", "") == ["json", "jsonl", "table"]
    assert complete("completion", "") == ["bash", "fish", "zsh"]
    assert complete("--api-key-file", "") == ["FILES"]


def test_completion_needs_a_known_shell(avala):
    assert_error(avala("completion", env=clean_env()), 2)
    assert_error(avala("completion", "tcsh", env=clean_env()), 2)


# ---- help and the man page ------------------------------------------------------------


def test_help_documents_the_new_options_and_the_config_file(avala):
    r = avala("--help", env=clean_env())
    assert r.returncode == 0, r.stderr
    for text in ["--api-key-file", "--profile", "AVALA_PROFILE", "XDG_CONFIG_HOME", "config.toml", "jsonl",
                 "configure", "status", "completion SHELL"]:
        assert text in r.stdout, text
    r = avala("help", "completion", env=clean_env())
    assert r.returncode == 0 and "bash zsh fish" in r.stdout


def test_man_page_is_roff_with_every_command(avala, cli):
    r = avala("help", "--man", env=clean_env())
    assert r.returncode == 0, r.stderr
    page = r.stdout
    assert ".TH AVALA 1" in page and ".SH NAME" in page and ".SH EXIT STATUS" in page
    for sub in ["projects list", "exports wait UID", "status", "configure", "completion SHELL"]:
        assert f'.SS "{sub.replace("-", chr(92) + "-")}"' in page, sub
    assert "\\-\\-api\\-key\\-file" in page
    if shutil.which("groff"):
        g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=page, capture_output=True, text=True,
                           timeout=TIMEOUT)
        assert g.returncode == 0 and g.stderr == "", g.stderr
    built = pathlib.Path(cli).parent / "avala.1"  # the build step's output, installed to man1
    assert built.read_text() == page
