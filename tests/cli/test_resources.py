"""Tests of the `avala` tool's resource commands against avala-emulator:
tasks, exports (create, wait), agents, quality targets and datasets.

Expected values come from the emulator itself, read and written with urllib
(support.fetch_json): an oracle that shares no code with the client.
"""

import json
import os
import pty
import re
import signal
import subprocess
import tty
import urllib.parse

import pytest

from support import (TIMEOUT, assert_error, emulator_env, fetch_all, fetch_json, next_cursor, start_emulator,
                     stop_emulator)

N_PROJECTS = 12
N_TASKS = 300
N_DATASETS = 40


@pytest.fixture(scope="module")
def emulator():
    proc, url = start_emulator("--generate", f"projects={N_PROJECTS},tasks={N_TASKS},datasets={N_DATASETS}")
    try:
        yield url
    finally:
        stop_emulator(proc)


@pytest.fixture(scope="module")
def env(emulator):
    return emulator_env(emulator)


@pytest.fixture(scope="module")
def server_tasks(emulator):
    items = fetch_all(f"{emulator}/tasks/?limit=1000")
    assert items, "the emulator serves no tasks"
    return items


@pytest.fixture(scope="module")
def busy_project(server_tasks):
    """The project with the most tasks (several pages of them at a small limit)."""
    counts = {}
    for t in server_tasks:
        counts[t["project"]] = counts.get(t["project"], 0) + 1
    project = max(counts, key=counts.get)
    assert counts[project] > 5, counts
    return project


@pytest.fixture(scope="module")
def server_datasets(emulator):
    items = fetch_all(f"{emulator}/datasets/?limit=1000")
    assert items, "the emulator serves no datasets"
    return items


@pytest.fixture(scope="module")
def project_uid(emulator):
    return fetch_json(f"{emulator}/users/me/projects/?limit=1")["results"][0]["uid"]


def requests_served(emulator):
    """The emulator's request count (this request included)."""
    return fetch_json(emulator.removesuffix("/api/v1") + "/__emulator/stats")["requests"]


def ok(r):
    assert r.returncode == 0, f"exit {r.returncode}, stderr: {r.stderr!r}"
    return r


def json_out(r):
    ok(r)
    assert r.stdout.endswith("\n")
    return json.loads(r.stdout)


def table(r):
    """(header words, rows as lists of cells) of a table on stdout. Cells are
    separated by two or more spaces."""
    lines = ok(r).stdout.splitlines()
    split = [re.split(r"\s{2,}", line.rstrip()) for line in lines]
    return split[0], split[1:]


def key_values(r):
    """A `get`-style "key: value" listing as a dict (keys in order)."""
    pairs = [line.split(": ", 1) for line in ok(r).stdout.splitlines()]
    assert all(len(p) == 2 for p in pairs), r.stdout
    return dict(pairs)


# ---- tasks -------------------------------------------------------------------


def test_tasks_of_one_project_across_pages_all_carry_that_project(avala, env, emulator, busy_project):
    expected = fetch_all(f"{emulator}/tasks/?project={busy_project}&limit=1000")
    r = avala("-o", "json", "tasks", "list", "--project", busy_project, "--all", "--limit", "3", env=env)
    items = json_out(r)
    assert len(items) > 3  # more than one page was followed, with the filter kept
    assert all(t["project"] == busy_project for t in items)
    assert items == expected
    assert "next cursor" not in r.stderr


def test_tasks_table_of_one_project_with_all(avala, env, emulator, busy_project):
    expected = fetch_all(f"{emulator}/tasks/?project={busy_project}&limit=1000")
    header, rows = table(avala("tasks", "list", "--project", busy_project, "--all", "--limit", "4", env=env))
    assert header == ["UID", "NAME", "TYPE", "STATUS", "PROJECT", "UPDATED"]
    assert [row[0] for row in rows] == [t["uid"] for t in expected]
    assert all(row[4] == busy_project for row in rows)


def test_tasks_filtered_by_project_and_status(avala, env, emulator, busy_project, server_tasks):
    status = next(t["status"] for t in server_tasks if t["project"] == busy_project)
    expected = fetch_all(f"{emulator}/tasks/?project={busy_project}&status={status}&limit=1000")
    items = json_out(avala("-o", "json", "tasks", "list", "--project", busy_project, "--status", status, "--all",
                           env=env))
    assert items == expected
    assert all(t["project"] == busy_project and t["status"] == status for t in items)


def test_tasks_one_page_then_the_next_by_cursor(avala, env, server_tasks):
    first = avala("-o", "json", "tasks", "list", "--limit", "5", env=env)
    assert [t["uid"] for t in json_out(first)] == [t["uid"] for t in server_tasks[:5]]
    second = avala("-o", "json", "tasks", "list", "--limit", "5", "--cursor", next_cursor(first.stderr), env=env)
    assert [t["uid"] for t in json_out(second)] == [t["uid"] for t in server_tasks[5:10]]


def test_task_get_as_json_and_as_table(avala, env, emulator, server_tasks):
    uid = server_tasks[17]["uid"]
    expected = fetch_json(f"{emulator}/tasks/{uid}/")
    assert json_out(avala("-o", "json", "tasks", "get", uid, env=env)) == expected
    kv = key_values(avala("tasks", "get", uid, env=env))
    assert list(kv)[:7] == ["uid", "name", "type", "status", "project", "created_at", "updated_at"]
    assert sorted(kv) == sorted(expected)
    assert kv["uid"] == uid and kv["project"] == expected["project"]


def test_unknown_task_exits_4(avala, env):
    assert_error(avala("tasks", "get", "no-such-task", env=env), 4)


# ---- datasets ------------------------------------------------------------------


@pytest.mark.parametrize("option,field", [("--data-type", "data_type"), ("--status", "status"),
                                          ("--visibility", "visibility"), ("--name", "name")])
def test_datasets_filtered(avala, env, emulator, server_datasets, option, field):
    value = next(d[field] for d in server_datasets if d.get(field))
    expected = fetch_all(f"{emulator}/datasets/?{urllib.parse.urlencode({field: value})}&limit=1000")
    assert expected
    items = json_out(avala("-o", "json", "datasets", "list", option, value, "--all", "--limit", "2", env=env))
    assert items == expected
    if field != "name":  # name may match loosely on the server; the others are exact
        assert all(d[field] == value for d in items)


def test_datasets_table_and_get(avala, env, emulator, server_datasets):
    header, rows = table(avala("datasets", "list", "--limit", "4", env=env))
    assert header == ["UID", "NAME", "DATA_TYPE", "STATUS", "ITEMS", "UPDATED"]
    assert [row[0] for row in rows] == [d["uid"] for d in server_datasets[:4]]
    uid = server_datasets[3]["uid"]
    expected = fetch_json(f"{emulator}/datasets/{uid}/")
    assert json_out(avala("-o", "json", "datasets", "get", uid, env=env)) == expected
    kv = key_values(avala("datasets", "get", uid, env=env))
    assert kv["uid"] == uid and kv["item_count"] == str(expected["item_count"])


# ---- exports -------------------------------------------------------------------

STATUS_LINE = re.compile(r"^export (\S+): (\S+) \((\d+\.\d) s\)$")

# The emulator's export knobs: every GET advances an export one step; it stays
# "exporting" until the x_emulator_polls-th GET, then ends "exported", or
# "failed" with x_emulator_fail.
FAIL_KNOB = {"x_emulator_fail": True}
SLOW_KNOB = {"x_emulator_polls": 1000}  # the most it takes: minutes of polls


def create_export(emulator, **body):
    """An export made directly on the emulator (so tests can use its knobs)."""
    return fetch_json(f"{emulator}/exports/", method="POST", body=body)


def test_export_create_then_wait_until_exported(avala, env, emulator, project_uid):
    created = json_out(avala("-o", "json", "exports", "create", "--project", project_uid, env=env))
    uid = created["uid"]
    assert created["status"] not in ("exported", "failed")

    r = avala("-o", "json", "exports", "wait", uid, "--interval", "0.5", env=env)  # stderr is a pipe
    final = json_out(r)
    assert final["uid"] == uid and final["status"] == "exported"
    assert final == fetch_json(f"{emulator}/exports/{uid}/")

    # Plain lines, one per status change, ending with "exported".
    lines = r.stderr.splitlines()
    matches = [STATUS_LINE.match(line) for line in lines]
    assert all(matches), lines
    statuses = [m.group(2) for m in matches]
    assert all(m.group(1) == uid for m in matches)
    assert statuses[-1] == "exported"
    assert all(a != b for a, b in zip(statuses, statuses[1:])), statuses
    assert "\r" not in r.stderr and "\x1b" not in r.stderr

    assert uid in [e["uid"] for e in json_out(avala("-o", "json", "exports", "list", "--all", env=env))]


def test_piped_progress_is_one_line_per_status_change_not_per_poll(avala, env, emulator, project_uid):
    uid = create_export(emulator, project=project_uid, x_emulator_polls=5)["uid"]  # 5 polls
    r = avala("exports", "wait", uid, "--interval", "0.5", env=env)
    ok(r)
    statuses = [STATUS_LINE.match(line).group(2) for line in r.stderr.splitlines()]
    assert statuses == ["exporting", "exported"]
    assert "status: exported" in r.stdout


def test_export_of_a_dataset_as_table(avala, env, server_datasets):
    kv = key_values(avala("exports", "create", "--dataset", server_datasets[0]["uid"], env=env))
    assert list(kv)[:5] == ["uid", "status", "download_url", "created_at", "updated_at"]
    header, rows = table(avala("exports", "list", "--all", env=env))
    assert header == ["UID", "STATUS", "CREATED", "UPDATED", "DOWNLOAD_URL"]
    assert kv["uid"] in [row[0] for row in rows]
    assert key_values(avala("exports", "get", kv["uid"], env=env))["uid"] == kv["uid"]


def test_failed_export_exits_8_after_printing_it(avala, env, emulator, project_uid):
    uid = create_export(emulator, **FAIL_KNOB, project=project_uid)["uid"]
    r = avala("-o", "json", "exports", "wait", uid, "--interval", "0.5", env=env)
    assert r.returncode == 8, r.stderr
    assert json.loads(r.stdout)["status"] == "failed"
    assert f"avala: error: export {uid} failed" in r.stderr


def test_wait_timeout_exits_6_naming_the_last_status(avala, env, emulator, project_uid):
    uid = create_export(emulator, **SLOW_KNOB, project=project_uid)["uid"]
    r = avala("exports", "wait", uid, "--interval", "0.5", "--timeout", "1", env=env)
    assert r.returncode == 6, r.stderr
    assert r.stdout == ""
    error = [line for line in r.stderr.splitlines() if line.startswith("avala: error: ")]
    assert len(error) == 1 and re.search(r"pending|exporting", error[0]), r.stderr


def test_terminal_progress_is_one_line_rewritten_in_place(cli, env, emulator, project_uid):
    uid = create_export(emulator, project=project_uid, x_emulator_polls=4)["uid"]
    master, slave = pty.openpty()
    tty.setraw(slave)  # no "\n" -> "\r\n" translation: what we read is what was written
    try:
        proc = subprocess.Popen([cli, "exports", "wait", uid, "--interval", "0.5"], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the CLI closed its end
                break
            if not chunk:
                break
            shown += chunk
        stdout = proc.stdout.read().decode()
        assert proc.wait(timeout=TIMEOUT) == 0, shown
    finally:
        os.close(master)
    text = shown.decode()
    rewrites = text.split("\r\x1b[K")
    assert rewrites[0] == ""  # every update starts by returning to the line's start
    assert len(rewrites) - 1 == 4, text  # one rewrite per poll
    assert text.count("\n") == 1 and text.endswith("\n"), text  # one line in the end
    assert all(STATUS_LINE.match(r.rstrip("\n")) for r in rewrites[1:]), rewrites
    assert rewrites[-1].startswith(f"export {uid}: exported (")
    assert "status: exported" in stdout


def test_ctrl_c_stops_the_wait_with_130(cli, env, emulator, project_uid):
    uid = create_export(emulator, **SLOW_KNOB, project=project_uid)["uid"]
    proc = subprocess.Popen([cli, "exports", "wait", uid, "--interval", "0.5"], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        first = proc.stderr.readline().decode()  # the first status: the wait is under way
        assert STATUS_LINE.match(first.rstrip("\n")), first
        proc.send_signal(signal.SIGINT)
        status = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    rest = proc.stderr.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    assert status == 130, rest
    assert rest.startswith("avala: error: interrupted"), rest


@pytest.mark.parametrize("args", [["exports", "create"],
                                  ["exports", "create", "--project", "p", "--dataset", "d"]],
                         ids=["neither", "both"])
def test_export_create_needs_exactly_one_source(avala, env, args):
    assert_error(avala(*args, env=env), 2)


# ---- agents --------------------------------------------------------------------


def agent_of(emulator, uid):
    return fetch_json(f"{emulator}/agents/{uid}/")


def test_agent_create_update_delete(avala, env, emulator):
    created = json_out(avala("-o", "json", "agents", "create", "--name", "qa-bot", "--event", "task.completed",
                             "--event", "result.submitted", "--callback-url", "https://example.com/hook",
                             "--description", "first", env=env))
    uid = created["uid"]
    server = agent_of(emulator, uid)
    assert server["name"] == "qa-bot"
    assert server["events"] == ["task.completed", "result.submitted"]
    assert server["callback_url"] == "https://example.com/hook"
    assert server["is_active"] is True
    assert created == (server | {"secret": "[redacted]"} if server.get("secret") else server)

    # Only the given fields change.
    updated = json_out(avala("-o", "json", "agents", "update", uid, "--description", "second", "--inactive",
                             env=env))
    after = agent_of(emulator, uid)
    assert after["description"] == "second" and after["is_active"] is False
    for field in ("name", "events", "callback_url", "project", "task_types"):
        assert after[field] == server[field], field
    assert updated["description"] == "second"

    kv = key_values(avala("agents", "update", uid, "--event", "export.completed", env=env))
    assert kv["events"] == "export.completed"
    assert agent_of(emulator, uid)["description"] == "second"

    r = ok(avala("agents", "delete", uid, env=env))
    assert r.stdout == f"deleted agent {uid}\n"
    assert_error(avala("agents", "get", uid, env=env), 4)


def test_agent_secret_is_redacted_unless_asked_for(avala, env, emulator):
    uid = json_out(avala("-o", "json", "agents", "create", "--name", "secretive", env=env))["uid"]
    secret = agent_of(emulator, uid).get("secret")
    assert secret, "the emulator gives every agent a secret; without one this test proves nothing"
    for args in (["agents", "get", uid], ["-o", "json", "agents", "get", uid], ["agents", "list", "--all"],
                 ["-o", "json", "agents", "list", "--all"]):
        r = ok(avala(*args, env=env))
        assert secret not in r.stdout, args
    assert "secret: [redacted]" in ok(avala("agents", "get", uid, env=env)).stdout
    assert json_out(avala("-o", "json", "agents", "get", uid, env=env))["secret"] == "[redacted]"
    assert json_out(avala("-o", "json", "agents", "get", uid, "--show-secret", env=env))["secret"] == secret


def test_agent_list_table(avala, env):
    uid = json_out(avala("-o", "json", "agents", "create", "--name", "listed", "--event", "task.completed",
                         env=env))["uid"]
    header, rows = table(avala("agents", "list", "--all", env=env))
    assert header == ["UID", "NAME", "ACTIVE", "EVENTS", "PROJECT", "UPDATED"]
    row = next(row for row in rows if row[0] == uid)
    assert row[1:4] == ["listed", "true", "task.completed"]


def test_agent_test_then_executions(avala, env, emulator):
    uid = json_out(avala("-o", "json", "agents", "create", "--name", "tested", "--event", "task.completed",
                         "--callback-url", "https://example.com/hook", env=env))["uid"]
    answer = json_out(avala("-o", "json", "agents", "test", uid, env=env))
    assert isinstance(answer, dict) and answer
    ok(avala("agents", "test", uid, env=env))

    expected = fetch_all(f"{emulator}/agents/{uid}/executions/")
    assert expected, "testing an agent recorded no execution"
    assert json_out(avala("-o", "json", "agents", "executions", uid, "--all", "--limit", "1", env=env)) == expected
    header, rows = table(avala("agents", "executions", uid, env=env))
    assert header == ["UID", "EVENT", "STATUS", "ACTION", "TASK", "STARTED", "COMPLETED"]
    assert [row[0] for row in rows] == [e["uid"] for e in expected]


@pytest.mark.parametrize("args", [
    ["agents", "create"],                                      # no --name
    ["agents", "create", "--name", "x", "--active", "--inactive"],
    ["agents", "update", "some-agent"],                        # nothing to change
    ["agents", "update", "some-agent", "--name"],              # no value
], ids=["create-without-name", "active-and-inactive", "update-nothing", "missing-value"])
def test_agent_usage_errors_exit_2(avala, env, args):
    assert_error(avala(*args, env=env), 2)


# ---- quality targets ---------------------------------------------------------------


def test_quality_target_create_evaluate_update_delete(avala, env, emulator, project_uid):
    base = f"{emulator}/projects/{project_uid}/quality-targets"
    kv = key_values(avala("quality-targets", "create", "--project", project_uid, "--name", "accuracy",
                          "--metric", "accuracy", "--threshold", "0.9", "--notify-email", "a@example.com",
                          "--notify-email", "b@example.com", "--no-notify-webhook", env=env))
    uid = kv["uid"]
    server = fetch_json(f"{base}/{uid}/")
    assert server["name"] == "accuracy" and server["metric"] == "accuracy" and server["threshold"] == 0.9
    assert server["notify_emails"] == ["a@example.com", "b@example.com"] and server["notify_webhook"] is False
    assert kv["threshold"] == "0.9"

    assert json_out(avala("-o", "json", "quality-targets", "get", uid, "--project", project_uid, env=env)) == server
    listed = json_out(avala("-o", "json", "quality-targets", "list", "--project", project_uid, "--all", env=env))
    assert uid in [t["uid"] for t in listed]
    header, rows = table(avala("quality-targets", "list", "--project", project_uid, env=env))
    assert header[:4] == ["UID", "NAME", "METRIC", "OPERATOR"]
    assert uid in [row[0] for row in rows]

    evaluations = json_out(avala("-o", "json", "quality-targets", "evaluate", "--project", project_uid, env=env))
    assert isinstance(evaluations, list)
    assert uid in [e["uid"] for e in evaluations]
    header, rows = table(avala("quality-targets", "evaluate", "--project", project_uid, env=env))
    assert header == ["UID", "NAME", "METRIC", "OPERATOR", "THRESHOLD", "CURRENT", "BREACHED", "SEVERITY"]
    assert uid in [row[0] for row in rows]

    updated = json_out(avala("-o", "json", "quality-targets", "update", uid, "--project", project_uid,
                             "--threshold", "0.75", env=env))
    assert updated["threshold"] == 0.75
    after = fetch_json(f"{base}/{uid}/")
    assert after["threshold"] == 0.75
    for field in ("name", "metric", "operator", "severity", "notify_emails", "notify_webhook", "is_active"):
        assert after[field] == server[field], field

    assert ok(avala("quality-targets", "delete", uid, "--project", project_uid, env=env)).stdout == \
        f"deleted quality target {uid}\n"
    assert_error(avala("quality-targets", "get", uid, "--project", project_uid, env=env), 4)


@pytest.mark.parametrize("args", [
    ["quality-targets", "list"],
    ["quality-targets", "evaluate"],
    ["quality-targets", "get", "qt"],
    ["quality-targets", "create", "--project", "p", "--name", "n", "--metric", "m"],  # no --threshold
    ["quality-targets", "create", "--project", "p", "--name", "n", "--metric", "m", "--threshold", "high"],
    ["quality-targets", "update", "qt", "--project", "p", "--notify-webhook", "--no-notify-webhook"],
], ids=["list-without-project", "evaluate-without-project", "get-without-project", "create-without-threshold",
        "threshold-not-a-number", "notify-both-ways"])
def test_quality_target_usage_errors_exit_2(avala, env, args):
    assert_error(avala(*args, env=env), 2)


# ---- what every resource shares ------------------------------------------------------

UNSAFE = "../admin"


@pytest.mark.parametrize("args", [
    ["tasks", "get", UNSAFE],
    ["exports", "get", UNSAFE],
    ["exports", "wait", UNSAFE],
    ["agents", "get", UNSAFE],
    ["agents", "update", UNSAFE, "--name", "x"],
    ["agents", "delete", UNSAFE],
    ["agents", "executions", UNSAFE],
    ["agents", "test", UNSAFE],
    ["quality-targets", "list", "--project", UNSAFE],
    ["quality-targets", "get", "qt", "--project", UNSAFE],
    ["quality-targets", "get", UNSAFE, "--project", "p"],
    ["quality-targets", "delete", UNSAFE, "--project", "p"],
    ["quality-targets", "evaluate", "--project", UNSAFE],
    ["datasets", "get", UNSAFE],
], ids=lambda a: " ".join(a))
def test_unsafe_uid_in_a_path_exits_2_and_sends_nothing(avala, env, emulator, args):
    # Only ids that go into a URL path are refused; a uid in a JSON body
    # (exports create --project) is the server's to judge.
    before = requests_served(emulator)
    assert_error(avala(*args, env=env), 2)
    assert requests_served(emulator) == before + 1  # only this second look at the counter


@pytest.mark.parametrize("args", [
    ["tasks", "list"], ["exports", "list"], ["agents", "list"], ["datasets", "list"],
    ["quality-targets", "list", "--project", "p"], ["agents", "executions", "a"],
])
def test_every_list_rejects_a_bad_limit(avala, env, args):
    assert_error(avala(*args, "--limit", "0", env=env), 2)


def test_wait_rejects_bad_interval_and_timeout(avala, env):
    assert_error(avala("exports", "wait", "ex", "--interval", "0", env=env), 2)
    assert_error(avala("exports", "wait", "ex", "--timeout", "-1", env=env), 2)


def test_help_lists_every_command(avala, env):
    r = ok(avala("--help", env=env))
    for command in ["tasks list", "tasks get UID", "exports create", "exports wait UID", "agents create",
                    "agents update UID", "agents delete UID", "agents executions UID", "agents test UID",
                    "quality-targets evaluate", "quality-targets update UID", "datasets list", "datasets get UID"]:
        assert command in r.stdout, command
    assert re.search(r"^  8  \S", r.stdout, re.M) and re.search(r"^  130  \S", r.stdout, re.M)


@pytest.mark.parametrize("group,commands", [
    ("tasks", ["list", "get"]),
    ("exports", ["list", "get", "create", "wait"]),
    ("agents", ["list", "get", "create", "update", "delete", "executions", "test"]),
    ("quality-targets", ["list", "get", "create", "update", "delete", "evaluate"]),
    ("datasets", ["list", "get"]),
])
def test_group_help_lists_its_commands(avala, env, group, commands):
    r = ok(avala(group, "--help", env=env))
    for c in commands:
        assert f"  {group} {c}" in r.stdout, c


@pytest.mark.parametrize("args,options", [
    (["tasks", "list"], ["--project", "--status", "--limit", "--cursor", "--all"]),
    (["datasets", "list"], ["--data-type", "--name", "--status", "--visibility", "--all"]),
    (["exports", "wait"], ["--interval", "--timeout"]),
    (["agents", "create"], ["--name", "--event", "--description", "--callback-url", "--project", "--task-type",
                            "--active", "--inactive", "--show-secret"]),
    (["quality-targets", "create"], ["--project", "--name", "--metric", "--threshold", "--operator", "--severity",
                                     "--notify-webhook", "--no-notify-webhook", "--notify-email"]),
])
def test_command_help_lists_its_options(avala, env, args, options):
    r = ok(avala(*args, "--help", env=env))
    for o in options:
        assert o in r.stdout, o


def test_wait_timeout_option_is_the_waits_after_the_command(avala, env, emulator, project_uid):
    # Before the command --timeout is the per-request deadline; after it, the wait's.
    uid = create_export(emulator, project=project_uid)["uid"]
    r = avala("--timeout", "20", "-o", "json", "exports", "wait", uid, "--interval", "0.5", "--timeout", "60",
              env=env)
    assert json_out(r)["status"] == "exported"


