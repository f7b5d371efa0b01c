"""Tasks, datasets, exports, agents and quality targets served by avala-emulator."""
import base64
import json
import threading
import time
from collections import Counter

import pytest

from harness import AUTH, PROJECTS, SANITIZED, emulator, path_of, query_of

TASKS = "/api/v1/tasks/"
DATASETS = "/api/v1/datasets/"
EXPORTS = "/api/v1/exports/"
AGENTS = "/api/v1/agents/"
TASK_FIELDS = {"uid", "type", "name", "status", "project", "created_at", "updated_at"}
DATASET_FIELDS = {"uid", "name", "slug", "item_count", "status", "data_type", "is_sequence",
                  "visibility", "created_at", "updated_at"}


def gen_uid(variant, n):
    """The uid of the n-th generated object: projects 8000, tasks 9000, datasets a000."""
    return f"00000000-0000-4000-{variant}-{n:012x}"


def targets_of(project):
    return f"/api/v1/projects/{project}/quality-targets/"


@pytest.fixture(scope="module")
def demo():
    with emulator() as emu:
        yield emu


@pytest.fixture(scope="module")
def generated():
    with emulator("--generate", "projects=7,tasks=1000,datasets=60") as emu:
        yield emu


@pytest.fixture(scope="module")
def demo_project(demo):
    """The first demo project (active; tasks: 2 completed, in progress, pending, rejected)."""
    return demo.get(PROJECTS + "?limit=1")["results"][0]["uid"]


# --- tasks --------------------------------------------------------------------

def test_demo_seed_has_a_few_tasks_per_project_in_a_mix_of_statuses(demo):
    tasks, _ = demo.all_pages(TASKS)
    projects, _ = demo.all_pages(PROJECTS)
    per_project = Counter(t["project"] for t in tasks)
    assert set(per_project) == {p["uid"] for p in projects}
    assert all(3 <= n <= 6 for n in per_project.values())
    assert {t["status"] for t in tasks} == {"pending", "in_progress", "completed", "rejected"}
    for t in tasks:
        assert TASK_FIELDS <= set(t)
        assert time.strptime(t["created_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert len({t["uid"] for t in tasks}) == len(tasks)


def test_demo_seed_has_datasets_and_nothing_created_yet(demo):
    datasets, _ = demo.all_pages(DATASETS)
    assert 2 <= len(datasets) <= 5
    for d in datasets:
        assert DATASET_FIELDS <= set(d)
    for path in (EXPORTS, AGENTS):
        assert demo.get(path) == {"results": [], "next": None, "previous": None}


def test_get_task_matches_the_listed_one(demo):
    listed = demo.get(TASKS + "?limit=4")["results"][3]
    assert demo.get(TASKS + listed["uid"] + "/") == listed


def test_generated_tasks_are_spread_round_robin_over_projects(generated):
    tasks, pages = generated.all_pages(TASKS + "?limit=100")
    assert pages == 10 and len(tasks) == 1000
    assert [t["uid"] for t in tasks[:2]] == [gen_uid("9000", 1), gen_uid("9000", 2)]
    assert tasks[0]["project"] == gen_uid("8000", 1) and tasks[7]["project"] == gen_uid("8000", 1)
    assert tasks[1]["project"] == gen_uid("8000", 2)
    counts = Counter(t["project"] for t in tasks)
    assert sorted(counts.values()) == [142] + [143] * 6
    statuses = Counter(t["status"] for t in tasks)
    assert set(statuses) == {"pending", "in_progress", "completed", "rejected"}
    assert statuses["completed"] > statuses["rejected"] > 0


@pytest.mark.parametrize("query", [
    {"project": gen_uid("8000", 3)},
    {"status": "rejected"},
    {"project": gen_uid("8000", 5), "status": "completed"},
])
def test_filters_select_exactly_and_survive_page_following(generated, query):
    everything, _ = generated.all_pages(TASKS + "?limit=1000")
    expected = [t for t in everything if all(t[k] == v for k, v in query.items())]
    path = TASKS + "?limit=13&" + "&".join(f"{k}={v}" for k, v in query.items())
    seen = []
    while path:
        page = generated.get(path)
        seen += page["results"]
        if page["next"]:
            carried = query_of(page["next"])
            assert carried["limit"] == "13" and "cursor" in carried
            assert {k: carried[k] for k in query} == query
            path = path_of(page["next"])
        else:
            path = None
    assert seen == expected and len(expected) > 13


def test_previous_link_of_a_filtered_list_carries_the_filter(generated):
    first = generated.get(TASKS + "?status=pending&limit=5")
    second = generated.get(path_of(first["next"]))
    assert query_of(second["previous"])["status"] == "pending"
    assert generated.get(path_of(second["previous"]))["results"] == first["results"]


@pytest.mark.parametrize("query", ["project=no-such-project", "status=exploded",
                                   "project=no-such-project&status=completed"])
def test_filter_matching_nothing_is_an_empty_page(generated, query):
    assert generated.get(TASKS + "?" + query) == {"results": [], "next": None, "previous": None}


def test_empty_filter_value_means_unfiltered(generated):
    assert len(generated.get(TASKS + "?status=&limit=1000")["results"]) == 1000


def test_unknown_task_is_404(generated):
    status, _, body = generated.request(TASKS + gen_uid("9000", 5000) + "/")
    assert (status, body) == (404, {"detail": "Not found."})


def test_a_million_tasks_start_fast_and_deep_filtered_pages_stay_fast():
    started = time.monotonic()
    with emulator("--generate", "projects=100,tasks=1000000") as emu:
        # Generous bound: the machine may be busy; alone it takes about a second.
        assert SANITIZED or time.monotonic() - started < 6.0
        project = gen_uid("8000", 42)
        first = emu.get(TASKS + f"?project={project}&limit=100")
        assert len(first["results"]) == 100
        assert {t["project"] for t in first["results"]} == {project}
        # Deep pages through forged cursors: the last of the project's 10,000
        # tasks, one deep inside project+status, one deep in the whole list.
        def cursor(offset):
            return base64.urlsafe_b64encode(b"o=%d" % offset).decode().rstrip("=")
        started = time.monotonic()
        last = emu.get(TASKS + f"?project={project}&limit=100&cursor={cursor(9900)}")
        done = emu.get(TASKS + f"?project={project}&status=completed&limit=100&cursor={cursor(3000)}")
        whole = emu.get(TASKS + f"?limit=1000&cursor={cursor(999500)}")
        assert SANITIZED or time.monotonic() - started < 1.0
        assert len(last["results"]) == 100 and last["next"] is None
        assert last["results"][-1]["uid"] == gen_uid("9000", 999942)
        assert len(done["results"]) == 100
        assert {(t["project"], t["status"]) for t in done["results"]} == {(project, "completed")}
        assert len(whole["results"]) == 500 and whole["next"] is None
        assert whole["results"][-1]["uid"] == gen_uid("9000", 1000000)


# --- datasets -----------------------------------------------------------------

@pytest.mark.parametrize("query, check", [
    ("data_type=lidar", lambda d: d["data_type"] == "lidar"),
    ("status=ready", lambda d: d["status"] == "ready"),
    ("visibility=public", lambda d: d["visibility"] == "public"),
    ("data_type=video&visibility=public", lambda d: d["data_type"] == "video" and d["visibility"] == "public"),
    ("name=ASET%200000", lambda d: "aset 0000" in d["name"].lower()),
    ("name=set%2000001&status=ready", lambda d: "set 00001" in d["name"] and d["status"] == "ready"),
])
def test_dataset_filters(generated, query, check):
    everything, _ = generated.all_pages(DATASETS)
    assert len(everything) == 60
    expected = [d for d in everything if check(d)]
    got, _ = generated.all_pages(DATASETS + "?limit=4&" + query)
    assert got == expected and expected


def test_dataset_name_filter_is_a_case_insensitive_substring(demo):
    names = [d["name"] for d in demo.get(DATASETS + "?name=LIDAR")["results"]]
    assert names == ["Urban lidar sweeps"]


def test_generated_datasets_have_every_field(generated):
    d = generated.get(DATASETS + gen_uid("a000", 2) + "/")
    assert set(d) == DATASET_FIELDS
    assert d["name"] == "Dataset 000002" and d["slug"] == "dataset-000002"
    assert isinstance(d["item_count"], int) and isinstance(d["is_sequence"], bool)


def test_unknown_dataset_is_404(generated):
    assert generated.request(DATASETS + "nope/")[0] == 404


def test_data_file_holds_tasks_and_datasets(tmp_path):
    data = {
        "projects": [{"uid": "p1", "name": "P"}],
        "tasks": [{"uid": "t1", "project": "p1", "status": "completed", "extra": [1]},
                  {"uid": "t2", "project": "p1", "status": "pending"},
                  {"uid": "t3", "project": "p2", "status": 7}],
        "datasets": [{"uid": "d1", "name": "Alpha Set", "data_type": "image"}],
    }
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    with emulator("--data", str(path)) as emu:
        assert emu.get(TASKS)["results"] == data["tasks"]
        assert emu.get(TASKS + "?project=p1&status=completed")["results"] == data["tasks"][:1]
        assert emu.get(TASKS + "?status=7")["results"] == []  # non-string fields never match
        assert emu.get(DATASETS + "?name=alpha")["results"] == data["datasets"]
        assert emu.get(TASKS + "t3/") == data["tasks"][2]


# --- exports ------------------------------------------------------------------

def create(emu, path, body):
    status, _, created = emu.call("POST", path, body)
    assert status == 201, (status, created)
    return created


def test_export_advances_one_step_per_get_then_stays_exported(demo, demo_project):
    export = create(demo, EXPORTS, {"project": demo_project})
    assert export["status"] == "pending" and export["download_url"] is None
    assert {"uid", "status", "download_url", "created_at", "updated_at"} <= set(export)
    url = EXPORTS + export["uid"] + "/"
    assert demo.get(url)["status"] == "exporting"
    done = demo.get(url)
    assert done["status"] == "exported"
    assert done["download_url"] == f"{demo.base_url}/__emulator/downloads/{export['uid']}.json"
    assert demo.get(url) == done
    status, _, file = demo.call("GET", path_of(done["download_url"]), headers={})
    assert status == 200 and file["export"] == export["uid"] and file["task_count"] == 5
    assert export["uid"] in [e["uid"] for e in demo.all_pages(EXPORTS)[0]]


def test_export_of_a_dataset(demo):
    dataset = demo.get(DATASETS)["results"][0]["uid"]
    export = create(demo, EXPORTS, {"dataset": dataset, "x_emulator_polls": 1})
    assert export["dataset"] == dataset and export["project"] is None
    assert demo.get(EXPORTS + export["uid"] + "/")["status"] == "exported"


def test_export_failure_is_scriptable(demo, demo_project):
    export = create(demo, EXPORTS, {"project": demo_project, "x_emulator_fail": True})
    assert "x_emulator_fail" not in export
    url = EXPORTS + export["uid"] + "/"
    assert [demo.get(url)["status"] for _ in range(3)] == ["exporting", "failed", "failed"]
    assert demo.get(url)["download_url"] is None


def test_slow_export_for_wait_timeouts(demo, demo_project):
    export = create(demo, EXPORTS, {"project": demo_project, "x_emulator_polls": 5})
    url = EXPORTS + export["uid"] + "/"
    assert [demo.get(url)["status"] for _ in range(5)] == ["exporting"] * 4 + ["exported"]


def test_export_with_zero_polls_is_created_terminal(demo, demo_project):
    assert create(demo, EXPORTS, {"project": demo_project, "x_emulator_polls": 0})["status"] == "exported"


@pytest.mark.parametrize("body, errors", [
    ({}, {"project": ["This field is required."]}),
    ({"project": None, "dataset": None}, {"project": ["This field is required."]}),
    ({"project": "nope"}, {"project": ["Object with uid=nope does not exist."]}),
    ({"dataset": "nope"}, {"dataset": ["Object with uid=nope does not exist."]}),
    ({"project": 5}, {"project": ["Incorrect type. Expected pk value, received int."]}),
    ({"project": "PROJECT", "x_emulator_polls": -1},
     {"x_emulator_polls": ["Ensure this value is greater than or equal to 0."]}),
    ({"project": "PROJECT", "x_emulator_fail": "yes"}, {"x_emulator_fail": ["Must be a valid boolean."]}),
])
def test_invalid_export_requests_are_400_with_field_errors(demo, demo_project, body, errors):
    body = {k: demo_project if v == "PROJECT" else v for k, v in body.items()}
    status, _, answer = demo.call("POST", EXPORTS, body)
    assert (status, answer) == (400, errors)


def test_export_needs_exactly_one_source(demo, demo_project):
    dataset = demo.get(DATASETS)["results"][0]["uid"]
    status, _, answer = demo.call("POST", EXPORTS, {"project": demo_project, "dataset": dataset})
    assert status == 400 and list(answer) == ["non_field_errors"]


def test_unknown_export_is_404(demo):
    assert demo.request(EXPORTS + "nope/")[0] == 404


@pytest.mark.parametrize("body, answer", [
    ('{"project": ', {"detail": None}),
    ("[1, 2]", {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    ('"text"', {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}),
])
@pytest.mark.parametrize("path", [EXPORTS, AGENTS])
def test_bad_json_bodies_are_400(demo, path, body, answer):
    status, _, got = demo.call("POST", path, body)
    assert status == 400
    if answer == {"detail": None}:
        assert got["detail"].startswith("JSON parse error")
    else:
        assert got == answer


# --- agents -------------------------------------------------------------------

def test_agent_create_fills_defaults(demo):
    agent = create(demo, AGENTS, {"name": "Labeler bot"})
    assert agent["name"] == "Labeler bot"
    assert agent["events"] == [] and agent["is_active"] is True and agent["task_types"] == []
    assert agent["description"] is None and agent["callback_url"] is None and agent["project"] is None
    assert agent["secret"] and agent["execution_stats"] == {"total": 0, "completed": 0, "failed": 0}
    assert agent["created_at"] == agent["updated_at"]
    assert demo.get(AGENTS + agent["uid"] + "/") == agent


def test_agent_create_keeps_every_given_field(demo, demo_project):
    body = {"name": "Reviewer", "description": "Checks results", "events": ["result.submitted", "task.completed"],
            "callback_url": "https://hooks.example.test/avala", "is_active": False,
            "project": demo_project, "task_types": ["image-annotation"], "unknown_field": 1,
            "secret": "mine"}
    agent = create(demo, AGENTS, body)
    for key in ("name", "description", "events", "callback_url", "is_active", "project", "task_types"):
        assert agent[key] == body[key]
    assert "unknown_field" not in agent and agent["secret"] != "mine"  # ignored, as DRF does


@pytest.mark.parametrize("body, errors", [
    ({}, {"name": ["This field is required."]}),
    ({"name": "  "}, {"name": ["This field may not be blank."]}),
    ({"name": 3}, {"name": ["Not a valid string."]}),
    ({"name": "a", "events": "task.completed"},
     {"events": ['Expected a list of items but got type "str".']}),
    ({"name": "a", "events": ["task.exploded"]}, {"events": ['"task.exploded" is not a valid choice.']}),
    ({"name": "a", "events": [1]}, {"events": ["Not a valid string."]}),
    ({"name": "a", "is_active": "yes"}, {"is_active": ["Must be a valid boolean."]}),
    ({"name": "a", "callback_url": "ftp://x"}, {"callback_url": ["Enter a valid URL."]}),
    ({"name": "a", "project": "nope"}, {"project": ["Object with uid=nope does not exist."]}),
    ({"name": "a", "task_types": [None]}, {"task_types": ["Not a valid string."]}),
    ({"is_active": 1}, {"name": ["This field is required."], "is_active": ["Must be a valid boolean."]}),
])
def test_invalid_agents_are_400_with_field_errors(demo, body, errors):
    status, _, answer = demo.call("POST", AGENTS, body)
    assert (status, answer) == (400, errors)


def test_agent_patch_changes_only_the_given_fields(demo):
    agent = create(demo, AGENTS, {"name": "Before", "events": ["export.completed"]})
    url = AGENTS + agent["uid"] + "/"
    status, _, patched = demo.call("PATCH", url, {"name": "After", "bogus": True})
    assert status == 200
    assert patched["name"] == "After"
    assert {k: v for k, v in patched.items() if k not in ("name", "updated_at")} == \
        {k: v for k, v in agent.items() if k not in ("name", "updated_at")}
    assert demo.get(url) == patched
    status, _, answer = demo.call("PATCH", url, {"events": "all"})
    assert status == 400 and "events" in answer
    assert demo.get(url)["events"] == ["export.completed"]


def test_agent_delete_is_204_then_404(demo):
    agent = create(demo, AGENTS, {"name": "Short-lived"})
    url = AGENTS + agent["uid"] + "/"
    conn = demo.connect()
    try:
        conn.request("DELETE", url, headers=AUTH)
        resp = conn.getresponse()
        assert resp.status == 204 and resp.read() == b""
    finally:
        conn.close()
    assert demo.request(url)[0] == 404
    assert demo.request(url, method="DELETE")[0] == 404
    assert demo.call("PATCH", url, {"name": "x"})[0] == 404
    assert demo.request(url + "executions/")[0] == 404
    assert demo.call("POST", url + "test/", {})[0] == 404


def test_agent_test_records_executions(demo):
    agent = create(demo, AGENTS, {"name": "Tested"})
    url = AGENTS + agent["uid"] + "/"
    assert demo.get(url + "executions/") == {"results": [], "next": None, "previous": None}
    for _ in range(3):
        status, _, answer = demo.call("POST", url + "test/", {})
        assert status == 200 and answer["success"] is True
    page = demo.get(url + "executions/?limit=2")
    assert len(page["results"]) == 2 and page["next"]
    executions, _ = demo.all_pages(url + "executions/?limit=2")
    assert len(executions) == 3 and answer["execution"] == executions[-1]["uid"]
    for e in executions:
        assert set(e) == {"uid", "registration", "event_type", "task", "result", "status", "action",
                          "event_payload", "response_payload", "error_message", "started_at",
                          "completed_at", "created_at", "updated_at"}
        assert e["registration"] == agent["uid"] and e["event_type"] == "test"
    assert demo.get(url)["execution_stats"]["total"] == 3


def test_executions_belong_to_their_agent(demo):
    a = create(demo, AGENTS, {"name": "A"})
    b = create(demo, AGENTS, {"name": "B"})
    demo.call("POST", AGENTS + a["uid"] + "/test/", {})
    assert len(demo.get(AGENTS + a["uid"] + "/executions/")["results"]) == 1
    assert demo.get(AGENTS + b["uid"] + "/executions/")["results"] == []


# --- quality targets ----------------------------------------------------------

def test_quality_target_defaults(demo, demo_project):
    target = create(demo, targets_of(demo_project), {"name": "Completion", "metric": "completion_rate",
                                                     "threshold": 0.9})
    assert target["operator"] == "gte" and target["severity"] == "warning"
    assert target["is_active"] is True and target["notify_webhook"] is True
    assert target["notify_emails"] == []
    assert target["last_evaluated_at"] is None and target["last_value"] is None
    assert target["is_breached"] is False and target["breach_count"] == 0
    assert target["last_breached_at"] is None
    assert demo.get(targets_of(demo_project) + target["uid"] + "/") == target


@pytest.mark.parametrize("body, errors", [
    ({}, {"name": ["This field is required."], "metric": ["This field is required."],
          "threshold": ["This field is required."]}),
    ({"name": "n", "metric": "m", "threshold": "high"}, {"threshold": ["A valid number is required."]}),
    ({"name": "n", "metric": "m", "threshold": True}, {"threshold": ["A valid number is required."]}),
    ({"name": "n", "metric": "m", "threshold": 1, "operator": "above"},
     {"operator": ['"above" is not a valid choice.']}),
    ({"name": "n", "metric": "m", "threshold": 1, "severity": "apocalyptic"},
     {"severity": ['"apocalyptic" is not a valid choice.']}),
    ({"name": "n", "metric": "m", "threshold": 1, "notify_emails": "a@b.c"},
     {"notify_emails": ['Expected a list of items but got type "str".']}),
])
def test_invalid_quality_targets_are_400(demo, demo_project, body, errors):
    status, _, answer = demo.call("POST", targets_of(demo_project), body)
    assert (status, answer) == (400, errors)


def test_quality_targets_are_scoped_to_their_project(demo):
    projects = [p["uid"] for p in demo.get(PROJECTS + "?limit=2")["results"]]
    target = create(demo, targets_of(projects[1]), {"name": "x", "metric": "task_count", "threshold": 1})
    other = targets_of(projects[0]) + target["uid"] + "/"
    assert demo.request(other)[0] == 404
    assert demo.call("PATCH", other, {"name": "y"})[0] == 404
    assert demo.request(other, method="DELETE")[0] == 404
    assert target["uid"] not in [t["uid"] for t in demo.get(targets_of(projects[0]))["results"]]
    assert target["uid"] in [t["uid"] for t in demo.get(targets_of(projects[1]))["results"]]


@pytest.mark.parametrize("method, suffix", [("GET", ""), ("POST", ""), ("POST", "evaluate/"),
                                            ("GET", "some-uid/")])
def test_quality_targets_of_an_unknown_project_are_404(demo, method, suffix):
    status, _, body = demo.call(method, targets_of("no-such-project") + suffix,
                                {"name": "n", "metric": "m", "threshold": 1} if method == "POST" else None)
    assert (status, body) == (404, {"detail": "Not found."})


def test_quality_target_patch_and_delete(demo, demo_project):
    target = create(demo, targets_of(demo_project), {"name": "T", "metric": "task_count", "threshold": 3})
    url = targets_of(demo_project) + target["uid"] + "/"
    status, _, patched = demo.call("PATCH", url, {"threshold": 10, "operator": "lt"})
    assert status == 200 and patched["threshold"] == 10 and patched["operator"] == "lt"
    assert patched["name"] == "T" and patched["metric"] == "task_count"
    assert demo.call("PATCH", url, {"threshold": "x"})[0] == 400
    assert demo.request(url, method="DELETE")[:1] == (204,)
    assert demo.request(url)[0] == 404


def test_evaluate_computes_current_values_from_the_projects_tasks():
    # A fresh emulator: this test owns every target of the project.
    with emulator() as emu:
        project = emu.get(PROJECTS + "?limit=1")["results"][0]["uid"]
        tasks = emu.get(TASKS + f"?project={project}")["results"]
        done = sum(t["status"] == "completed" for t in tasks) / len(tasks)
        rejected = sum(t["status"] == "rejected" for t in tasks) / len(tasks)
        url = targets_of(project)
        specs = [
            {"name": "Completion", "metric": "completion_rate", "threshold": 0.9},  # breached
            {"name": "Rejections", "metric": "rejection_rate", "threshold": 0.5, "operator": "lte",
             "severity": "critical"},
            {"name": "Volume", "metric": "task_count", "threshold": len(tasks), "operator": "eq"},
            {"name": "Mystery", "metric": "vibes", "threshold": 1},
            {"name": "Off", "metric": "task_count", "threshold": 1000, "is_active": False},
        ]
        made = [create(emu, url, s) for s in specs]
        status, _, evaluations = emu.call("POST", url + "evaluate/", {})
        assert status == 200 and isinstance(evaluations, list)
        by_name = {e["name"]: e for e in evaluations}
        assert set(by_name) == {"Completion", "Rejections", "Volume", "Mystery"}  # inactive skipped
        for e in evaluations:
            assert set(e) == {"uid", "name", "metric", "threshold", "operator", "current_value",
                              "is_breached", "severity"}
        assert by_name["Completion"]["current_value"] == pytest.approx(done)
        assert by_name["Completion"]["is_breached"] is True
        assert by_name["Rejections"]["current_value"] == pytest.approx(rejected)
        assert by_name["Rejections"]["is_breached"] is False
        assert by_name["Rejections"]["severity"] == "critical"
        assert by_name["Volume"]["current_value"] == len(tasks) and not by_name["Volume"]["is_breached"]
        assert by_name["Mystery"]["current_value"] is None and not by_name["Mystery"]["is_breached"]

        completion = emu.get(url + made[0]["uid"] + "/")
        assert completion["last_value"] == pytest.approx(done)
        assert completion["is_breached"] is True and completion["breach_count"] == 1
        assert completion["last_evaluated_at"] and completion["last_breached_at"]
        assert emu.get(url + made[1]["uid"] + "/")["breach_count"] == 0
        assert emu.get(url + made[4]["uid"] + "/")["last_evaluated_at"] is None

        emu.call("POST", url + "evaluate/", None)
        assert emu.get(url + made[0]["uid"] + "/")["breach_count"] == 2


def test_evaluate_with_no_targets_is_an_empty_array(demo):
    project = demo.get(PROJECTS + "?limit=1&cursor=" + query_of(
        demo.get(PROJECTS + "?limit=5")["next"])["cursor"])["results"][0]["uid"]
    status, _, body = demo.call("POST", targets_of(project) + "evaluate/")
    assert (status, body) == (200, [])


# --- shared behaviour ---------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("GET", TASKS), ("GET", TASKS + "x/"), ("GET", DATASETS), ("GET", DATASETS + "x/"),
    ("GET", EXPORTS), ("POST", EXPORTS), ("GET", EXPORTS + "x/"),
    ("GET", AGENTS), ("POST", AGENTS), ("GET", AGENTS + "x/"), ("PATCH", AGENTS + "x/"),
    ("DELETE", AGENTS + "x/"), ("GET", AGENTS + "x/executions/"), ("POST", AGENTS + "x/test/"),
    ("GET", targets_of("p")), ("POST", targets_of("p") + "evaluate/"),
])
def test_every_resource_route_needs_the_key(demo, method, path):
    status, _, body = demo.call(method, path, headers={})
    assert (status, body) == (401, {"detail": "Authentication credentials were not provided."})


def test_wrong_method_on_a_resource_is_405(demo):
    status, headers, _ = demo.call("DELETE", TASKS)
    assert status == 405 and headers["Allow"] == "GET"
    status, headers, _ = demo.call("PUT", AGENTS + "x/", {})
    assert status == 405 and headers["Allow"] == "GET, PATCH, DELETE"


def test_concurrent_creates_get_distinct_uids():
    with emulator("--threads", "4") as emu:
        uids, lock = [], threading.Lock()

        def worker():
            for _ in range(20):
                agent = create(emu, AGENTS, {"name": "parallel"})
                with lock:
                    uids.append(agent["uid"])

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(uids)) == 80
        assert len(emu.all_pages(AGENTS)[0]) == 80


def test_created_uids_are_the_same_on_every_run():
    def first_agent():
        with emulator() as emu:
            return create(emu, AGENTS, {"name": "same"})["uid"]
    assert first_agent() == first_agent()
