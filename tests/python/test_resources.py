"""client.tasks, exports, agents, quality_targets and datasets against the
emulator: every call, filters that hold across pages, the export lifecycle,
validation errors, 404s, partial updates, and async variants."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from datetime import datetime
from typing import Any, Iterator, List, Tuple

import pytest

import avala
from avala import (
    Agent,
    AgentExecution,
    CursorPage,
    Dataset,
    Export,
    QualityTarget,
    QualityTargetEvaluation,
    Task,
)
from avala.errors import APITimeoutError, InvalidArgumentError, NotFoundError, ValidationError

from conftest import KEY, ROOT, Emulator

PROJECTS, TASKS, DATASETS = 20, 400, 30
PER_PROJECT = TASKS // PROJECTS
DATA_TYPES = ("image", "video", "lidar", "mcap")


def project_uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012x}"


def dataset_uid(n: int) -> str:
    return f"00000000-0000-4000-a000-{n:012x}"


P1, P2, P_EMPTY = project_uid(1), project_uid(2), "00000000-0000-4000-8000-0000000fffff"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """Generated projects, tasks spread over them, datasets; exports, agents
    and quality targets are created by the tests themselves."""
    e = Emulator("--generate", f"projects={PROJECTS},tasks={TASKS},datasets={DATASETS}")
    try:
        yield e
    finally:
        e.stop()


@pytest.fixture
def c(emu: Emulator, insecure_ok: None) -> Iterator[avala.Client]:
    with avala.Client(KEY, base_url=emu.base_url) as client:
        yield client


def requests_sent(emu: Emulator) -> int:
    return emu.stats()["requests"]


# ---- tasks -------------------------------------------------------------------


def test_tasks_list_returns_a_page_of_typed_tasks(c: avala.Client) -> None:
    page = c.tasks.list(limit=7)
    assert isinstance(page, CursorPage) and len(page) == 7 and page.has_more and page.next_cursor
    task = page.items[0]
    assert isinstance(task, Task)
    assert task.uid == "00000000-0000-4000-9000-000000000001"
    assert task.project == P1 and task.name == "Task 0000001"
    assert task.status in {"pending", "in_progress", "completed", "rejected"}
    assert task.type in {"image-annotation", "video-annotation", "point-cloud-annotation", "point-cloud-objects"}
    assert isinstance(task.created_at, datetime) and task.created_at.tzinfo is not None
    assert task.extra == {}


def test_all_tasks_of_one_project_with_a_small_page_size(emu: Emulator, c: avala.Client) -> None:
    before = requests_sent(emu)
    tasks = list(c.tasks.iter(project=P2, limit=3))
    assert len(tasks) == PER_PROJECT and len({t.uid for t in tasks}) == PER_PROJECT
    assert all(t.project == P2 for t in tasks)
    # one request per page (7 pages of 3 for 20 tasks), plus the stats call
    assert requests_sent(emu) - before == -(-PER_PROJECT // 3) + 1


def test_the_filters_hold_when_following_next_cursor_by_hand(c: avala.Client) -> None:
    seen: List[Task] = []
    page = c.tasks.list(project=P1, status="completed", limit=2)
    while True:
        seen.extend(page)
        if not page.has_more:
            break
        page = c.tasks.list(project=P1, status="completed", limit=2, cursor=page.next_cursor)
    assert seen and all(t.project == P1 and t.status == "completed" for t in seen)
    everything = list(c.tasks.iter(project=P1))
    assert [t.uid for t in seen] == [t.uid for t in everything if t.status == "completed"]


def test_tasks_by_status_across_all_projects(c: avala.Client) -> None:
    pending = list(c.tasks.iter(status="pending", limit=50))
    assert pending and all(t.status == "pending" for t in pending)
    assert len({t.project for t in pending}) > 1
    assert c.tasks.list(project=P_EMPTY).items == []


def test_task_get_matches_the_listed_task(c: avala.Client) -> None:
    listed = c.tasks.list(project=P1, limit=5).items[4]
    assert c.tasks.get(listed.uid) == listed
    with pytest.raises(NotFoundError) as info:
        c.tasks.get("00000000-0000-4000-9000-0000000fffff")
    assert info.value.status_code == 404


# ---- datasets ------------------------------------------------------------------


def test_datasets_by_type_every_page(c: avala.Client) -> None:
    images = list(c.datasets.iter(data_type="image", limit=2))
    assert len(images) == len(range(1, DATASETS + 1, len(DATA_TYPES)))
    for d in images:
        assert isinstance(d, Dataset)
        assert d.data_type == "image" and d.is_sequence is False
        assert d.slug.startswith("dataset-") and isinstance(d.item_count, int)
    lidar = c.datasets.list(data_type="lidar", visibility="public")
    assert lidar.items and all(d.data_type == "lidar" and d.visibility == "public" for d in lidar)  # type: ignore[attr-defined]


def test_datasets_by_name_status_and_get(c: avala.Client) -> None:
    (seventh,) = c.datasets.list(name="dataset 000007").items  # case-insensitive contains
    assert seventh.uid == dataset_uid(7) and seventh.name == "Dataset 000007"
    assert c.datasets.get(seventh.uid) == seventh
    assert all(d.status == "processing" for d in c.datasets.iter(status="processing"))
    assert seventh.created_at is not None and seventh.updated_at is not None
    assert seventh.updated_at > seventh.created_at
    with pytest.raises(NotFoundError):
        c.datasets.get(dataset_uid(999))


# ---- exports -------------------------------------------------------------------


def test_the_full_export_flow(emu: Emulator, c: avala.Client) -> None:
    export = c.exports.create(project=P1)
    assert isinstance(export, Export) and export.status == "pending" and export.download_url is None

    polls: List[Tuple[str, float]] = []
    done = c.exports.wait(export.uid, interval=0.5, on_progress=lambda e, s: polls.append((e.status or "", s)))
    assert done.uid == export.uid and done.status == "exported"
    assert done.download_url and done.download_url.startswith(emu.base_url)
    assert done.updated_at is not None and done.created_at is not None
    # the emulator finishes an export on its second GET: two polls, half a second apart
    assert [status for status, _ in polls] == ["exporting", "exported"]
    assert 0 <= polls[0][1] < polls[1][1] and polls[1][1] >= 0.5
    with urllib.request.urlopen(done.download_url, timeout=5) as r:
        assert json.loads(r.read()) == {"export": done.uid, "project": P1, "dataset": None, "task_count": PER_PROJECT}
    assert c.exports.get(export.uid) == done
    assert done.uid in {e.uid for e in c.exports.iter(limit=1)}


def test_an_export_of_a_dataset(c: avala.Client) -> None:
    export = c.exports.wait(c.exports.create(dataset=dataset_uid(3)).uid)
    assert export.status == "exported" and export.dataset == dataset_uid(3)  # type: ignore[attr-defined]


def test_a_failing_export_is_returned_with_status_failed(c: avala.Client) -> None:
    # The emulator's knob travels in the body, which exports.create does not send:
    # create through the generic request, then wait as usual.
    uid = c.request("POST", "/exports/", json={"project": P1, "x_emulator_fail": True})["uid"]
    export = c.exports.wait(uid, interval=0.5)
    assert export.status == "failed" and export.download_url is None


def test_a_wait_on_a_slow_export_times_out_naming_the_last_status(c: avala.Client) -> None:
    uid = c.request("POST", "/exports/", json={"project": P1, "x_emulator_polls": 1000})["uid"]
    t0 = time.monotonic()
    with pytest.raises(APITimeoutError) as info:
        c.exports.wait(uid, interval=0.5, timeout=1.2)
    assert 1.0 <= time.monotonic() - t0 < 3.0
    assert "exporting" in str(info.value) and isinstance(info.value, TimeoutError)
    assert c.exports.get(uid).status == "exporting"


def test_export_errors(emu: Emulator, c: avala.Client) -> None:
    with pytest.raises(ValidationError) as info:
        c.exports.create(project=P_EMPTY)
    err = info.value
    assert err.status_code == 400 and isinstance(err.body, dict) and "project" in err.body
    assert str(err).startswith("project: ")
    with pytest.raises(NotFoundError):
        c.exports.get("00000000-0000-4000-0000-000000000000")
    before = requests_sent(emu)
    with pytest.raises(InvalidArgumentError):
        c.exports.create()
    with pytest.raises(ValueError):
        c.exports.wait("x", interval=-1)
    assert requests_sent(emu) == before + 1  # nothing sent but the stats call


# ---- agents --------------------------------------------------------------------


def make_agent(c: avala.Client, **kw: Any) -> Agent:
    fields: dict = dict(name="qa-bot", events=["task.completed", "export.failed"],
                        callback_url="https://example.com/hook", project=P1, description="checks results")
    fields.update(kw)
    return c.agents.create(**fields)


def test_agent_create_get_and_defaults(c: avala.Client) -> None:
    agent = make_agent(c)
    assert isinstance(agent, Agent)
    assert agent.name == "qa-bot" and agent.events == ["task.completed", "export.failed"]
    assert agent.is_active is True and agent.task_types == [] and agent.project == P1
    assert agent.callback_url == "https://example.com/hook"
    assert agent.secret and agent.secret.startswith("whsec_")
    assert agent.execution_stats == {"total": 0, "completed": 0, "failed": 0}
    assert agent.secret not in repr(agent) and agent.secret not in str(agent)
    assert c.agents.get(agent.uid) == agent
    assert agent.uid in {a.uid for a in c.agents.iter(limit=1)}
    assert agent.uid in {a.uid for a in c.agents.list(limit=100)}


def test_agent_update_changes_only_the_given_fields(c: avala.Client) -> None:
    agent = make_agent(c)
    updated = c.agents.update(agent.uid, is_active=False)
    assert updated.is_active is False
    for field in ("name", "description", "events", "callback_url", "project", "secret", "created_at"):
        assert getattr(updated, field) == getattr(agent, field), field
    again = c.agents.update(agent.uid, events=["result.submitted"], description="renamed")
    assert again.events == ["result.submitted"] and again.description == "renamed"
    assert again.is_active is False  # from the first update, not reset
    assert c.agents.get(agent.uid) == again


def test_agent_test_and_executions(c: avala.Client) -> None:
    agent = make_agent(c)
    assert c.agents.list_executions(agent.uid).items == []
    answer = c.agents.test(agent.uid)
    assert isinstance(answer, dict) and answer["success"] is True
    c.agents.test(agent.uid)
    page = c.agents.list_executions(agent.uid, limit=1)
    assert len(page) == 1 and page.has_more
    runs = list(c.agents.iter_executions(agent.uid, limit=1))
    assert len(runs) == 2 and runs[0].uid == answer["execution"]
    run = runs[0]
    assert isinstance(run, AgentExecution)
    assert run.registration == agent.uid and run.event_type == "test" and run.status == "completed"
    assert run.event_payload == {"event": "test", "agent": agent.uid}
    assert run.response_payload == {"status_code": 200} and run.error_message is None
    assert run.started_at is not None and run.completed_at is not None
    assert c.agents.get(agent.uid).execution_stats == {"total": 2, "completed": 2, "failed": 0}


def test_agent_delete_then_get_is_not_found(c: avala.Client) -> None:
    agent = make_agent(c)
    c.agents.test(agent.uid)
    assert c.agents.delete(agent.uid) is None
    for call in (lambda: c.agents.get(agent.uid), lambda: c.agents.delete(agent.uid),
                 lambda: c.agents.list_executions(agent.uid), lambda: c.agents.test(agent.uid),
                 lambda: c.agents.update(agent.uid, name="x")):
        with pytest.raises(NotFoundError):
            call()
    assert agent.uid not in {a.uid for a in c.agents.iter()}


def test_agent_field_errors_are_validation_errors(emu: Emulator, c: avala.Client) -> None:
    with pytest.raises(ValidationError) as info:
        c.agents.create(name="bot", events=["task.exploded"])
    err = info.value
    assert err.status_code == 400 and isinstance(err, ValueError)
    assert isinstance(err.body, dict) and list(err.body) == ["events"] and err.body["events"]
    assert str(err).startswith("events: ")
    with pytest.raises(ValidationError) as info:
        c.agents.create(name="", callback_url="not a url")
    assert isinstance(info.value.body, dict) and set(info.value.body) == {"name", "callback_url"}
    with pytest.raises(ValidationError, match="project"):
        c.agents.create(name="bot", project=P_EMPTY)
    # refused before sending: a missing required argument, a wrong type
    before = requests_sent(emu)
    with pytest.raises(TypeError):
        c.agents.create(events=["task.completed"])  # type: ignore[call-arg]
    with pytest.raises(InvalidArgumentError):
        c.agents.create(name="bot", is_active="yes")  # type: ignore[arg-type]
    assert requests_sent(emu) == before + 1


# ---- quality targets -------------------------------------------------------------


def completion_rate(c: avala.Client, project: str) -> float:
    tasks = list(c.tasks.iter(project=project))
    return sum(t.status == "completed" for t in tasks) / len(tasks)


def test_quality_target_crud_and_defaults(c: avala.Client) -> None:
    target = c.quality_targets.create(P1, name="completion", metric="completion_rate", threshold=0.5)
    assert isinstance(target, QualityTarget)
    assert (target.name, target.metric, target.threshold) == ("completion", "completion_rate", 0.5)
    assert target.operator == "gte" and target.severity == "warning"
    assert (target.is_active, target.notify_webhook, target.is_breached) == (True, True, False)
    assert target.breach_count == 0 and target.notify_emails == [] and target.last_value is None
    assert target.last_evaluated_at is None and target.created_at is not None
    assert c.quality_targets.get(P1, target.uid) == target
    assert target.uid in {t.uid for t in c.quality_targets.list(P1, limit=100)}
    assert target.uid in {t.uid for t in c.quality_targets.iter(P1, limit=1)}
    assert target.uid not in {t.uid for t in c.quality_targets.iter(P2)}  # scoped by project
    with pytest.raises(NotFoundError):
        c.quality_targets.get(P2, target.uid)

    updated = c.quality_targets.update(P1, target.uid, threshold=0.25, notify_emails=["qa@example.com"])
    assert updated.threshold == 0.25 and updated.notify_emails == ["qa@example.com"]
    for field in ("name", "metric", "operator", "severity", "is_active", "notify_webhook"):
        assert getattr(updated, field) == getattr(target, field), field

    assert c.quality_targets.delete(P1, target.uid) is None
    with pytest.raises(NotFoundError):
        c.quality_targets.get(P1, target.uid)
    with pytest.raises(NotFoundError):
        c.quality_targets.delete(P1, target.uid)


def test_evaluate_reports_each_active_target(c: avala.Client) -> None:
    rate = completion_rate(c, P2)
    met = c.quality_targets.create(P2, name="low bar", metric="completion_rate", threshold=0.0,
                                   operator="gte", severity="info")
    missed = c.quality_targets.create(P2, name="impossible", metric="completion_rate", threshold=1.5,
                                      operator="gte", severity="critical", notify_emails=["qa@example.com"])
    off = c.quality_targets.create(P2, name="off", metric="task_count", threshold=1, is_active=False)
    results = c.quality_targets.evaluate(P2)
    assert all(isinstance(r, QualityTargetEvaluation) for r in results)
    by_uid = {r.uid: r for r in results}
    assert off.uid not in by_uid  # inactive targets are skipped
    assert by_uid[met.uid].is_breached is False and by_uid[met.uid].current_value == pytest.approx(rate)
    low = by_uid[missed.uid]
    assert low.is_breached is True and low.severity == "critical" and low.threshold == 1.5
    assert (low.name, low.metric, low.operator) == ("impossible", "completion_rate", "gte")
    after = c.quality_targets.get(P2, missed.uid)
    assert after.is_breached and after.breach_count == 1 and after.last_value == pytest.approx(rate)
    assert after.last_evaluated_at is not None and after.last_breached_at is not None
    c.quality_targets.evaluate(P2)
    assert c.quality_targets.get(P2, missed.uid).breach_count == 2
    assert c.quality_targets.get(P2, met.uid).breach_count == 0


def test_quality_target_errors(emu: Emulator, c: avala.Client) -> None:
    with pytest.raises(NotFoundError):
        c.quality_targets.evaluate(P_EMPTY)
    with pytest.raises(NotFoundError):
        c.quality_targets.list(P_EMPTY)
    with pytest.raises(ValidationError) as info:
        c.quality_targets.create(P1, name="x", metric="completion_rate", threshold=0.5, operator="about")
    assert isinstance(info.value.body, dict) and "operator" in info.value.body
    before = requests_sent(emu)
    with pytest.raises(TypeError):
        c.quality_targets.create(P1, name="x", metric="completion_rate")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        c.quality_targets.update(P1)  # type: ignore[call-arg]
    assert requests_sent(emu) == before + 1


# ---- async -------------------------------------------------------------------------


def test_async_tasks_and_datasets(emu: Emulator, insecure_ok: None) -> None:
    async def main() -> Tuple[List[Task], CursorPage[Dataset], Task]:
        async with avala.AsyncClient(KEY, base_url=emu.base_url) as client:
            tasks = [t async for t in client.tasks.iter(project=P1, limit=4)]
            page, one = await asyncio.gather(client.datasets.list(data_type="video"), client.tasks.get(tasks[0].uid))
            return tasks, page, one

    tasks, page, one = asyncio.run(main())
    assert len(tasks) == PER_PROJECT and all(t.project == P1 for t in tasks)
    assert one == tasks[0]
    assert page.items and all(d.data_type == "video" for d in page)


def test_async_export_flow_and_failures(emu: Emulator, insecure_ok: None) -> None:
    async def main() -> Tuple[Export, List[float]]:
        async with avala.AsyncClient(KEY, base_url=emu.base_url) as client:
            polls: List[float] = []
            created = await client.exports.create(project=P2)
            done = await client.exports.wait(created.uid, interval=0.5, on_progress=lambda e, s: polls.append(s))
            with pytest.raises(NotFoundError):
                await client.exports.get("00000000-0000-4000-0000-000000000000")
            slow = await client.request("POST", "/exports/", json={"project": P2, "x_emulator_polls": 1000})
            with pytest.raises(APITimeoutError, match="exporting"):
                await client.exports.wait(slow["uid"], timeout=0.6)
            return done, polls

    done, polls = asyncio.run(main())
    assert done.status == "exported" and done.download_url
    assert len(polls) == 2


def test_async_agents_and_quality_targets(emu: Emulator, insecure_ok: None) -> None:
    async def main() -> None:
        async with avala.AsyncClient(KEY, base_url=emu.base_url) as client:
            agent = await client.agents.create(name="async-bot", events=["task.completed"])
            agent = await client.agents.update(agent.uid, description="from asyncio")
            assert agent.events == ["task.completed"] and agent.description == "from asyncio"
            assert (await client.agents.test(agent.uid))["success"] is True
            runs = await client.agents.list_executions(agent.uid)
            assert [r.event_type for r in runs] == ["test"]
            assert [a.uid async for a in client.agents.iter() if a.uid == agent.uid] == [agent.uid]
            await client.agents.delete(agent.uid)
            with pytest.raises(NotFoundError):
                await client.agents.get(agent.uid)
            with pytest.raises(ValidationError):
                await client.agents.create(name="bot", events=["nope"])

            target = await client.quality_targets.create(P1, name="tasks", metric="task_count", threshold=5)
            target = await client.quality_targets.update(P1, target.uid, severity="critical")
            assert target.metric == "task_count" and target.severity == "critical"
            results = await client.quality_targets.evaluate(P1)
            mine = [r for r in results if r.uid == target.uid]
            assert mine and mine[0].current_value == PER_PROJECT and mine[0].is_breached is False
            assert target.uid in [t.uid for t in await client.quality_targets.list(P1)]
            await client.quality_targets.delete(P1, target.uid)
            with pytest.raises(NotFoundError):
                await client.quality_targets.get(P1, target.uid)

    asyncio.run(main())


# ---- the README's example ------------------------------------------------------------


def test_the_readme_python_resource_example_runs(emu: Emulator, insecure_ok: None, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "client.exports.wait" in b]
    assert len(blocks) == 1, "README lost its Python resources example"
    monkeypatch.setenv("AVALA_API_KEY", KEY)
    monkeypatch.setenv("AVALA_BASE_URL", emu.base_url)
    exec(compile(blocks[0], "README.md", "exec"), {"__name__": "readme_example"})
    out = capsys.readouterr().out
    assert "exported" in out and "/__emulator/downloads/" in out
    assert "qa-bot" in out and "whsec_" not in out
    assert "accuracy >= 0.9" in out and "dataset-" in out
