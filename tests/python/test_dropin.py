"""Code written for the official avala SDK runs unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import avala

from conftest import KEY, Emulator

# Written against the official SDK's documented API only: configuration from
# the environment, CursorPage, Project, the error classes and their attributes.
OFFICIAL_STYLE = textwrap.dedent(
    """
    from avala import Client
    from avala.errors import AvalaError, NotFoundError, AuthenticationError
    from avala._pagination import CursorPage
    from avala.types import Project
    from avala.types.project import Project as P2

    client = Client()
    page = client.projects.list(limit=100)
    assert isinstance(page, CursorPage)
    uids = [p.uid for p in page.items]
    while page.has_more:
        page = client.projects.list(cursor=page.next_cursor, limit=100)
        uids.extend(p.uid for p in page)
    assert len(uids) == len(set(uids)) == 250, len(uids)

    project = client.projects.get(uids[0])
    assert isinstance(project, Project) and P2 is Project
    print(project.uid, project.name, project.status, project.created_at.isoformat())

    try:
        client.projects.get("does-not-exist")
    except NotFoundError as e:
        assert e.status_code == 404, e.status_code
        print("not found:", e)

    info = client.rate_limit_info
    assert int(info["limit"]) == 100 and info["remaining"] is not None

    # The other resources, as the official SDK spells them.
    from avala.types.agent import Agent, AgentExecution
    from avala.types.export import Export
    from avala.types.quality_target import QualityTarget, QualityTargetEvaluation
    from avala.types.task import Task
    from avala.types.dataset import Dataset

    tasks = client.tasks.list(project=project.uid, status="completed", limit=10)
    assert isinstance(tasks, CursorPage) and all(isinstance(t, Task) for t in tasks.items)
    assert isinstance(client.datasets.list(data_type="image", limit=5), CursorPage)

    export = client.exports.create(project=project.uid)
    assert isinstance(export, Export)
    while export.status not in ("exported", "failed"):
        export = client.exports.get(export.uid)
    print("export:", export.status, export.download_url is not None)

    agent = client.agents.create(name="qa-bot", events=["task.completed"], is_active=True)
    assert isinstance(agent, Agent) and agent.events == ["task.completed"]
    agent = client.agents.update(agent.uid, description="watches completions")
    assert client.agents.test(agent.uid)["success"] is True
    runs = client.agents.list_executions(agent.uid, limit=10)
    assert all(isinstance(r, AgentExecution) for r in runs.items) and len(runs.items) == 1
    client.agents.delete(agent.uid)
    try:
        client.agents.get(agent.uid)
    except NotFoundError:
        print("agent deleted")

    target = client.quality_targets.create(project.uid, name="tasks", metric="task_count", threshold=0)
    assert isinstance(target, QualityTarget) and target.breach_count == 0
    target = client.quality_targets.update(project.uid, target.uid, severity="critical")
    (evaluation,) = client.quality_targets.evaluate(project.uid)
    assert isinstance(evaluation, QualityTargetEvaluation) and evaluation.is_breached is False
    client.quality_targets.delete(project.uid, target.uid)

    with Client(api_key="wrong-key") as other:
        try:
            other.projects.list()
        except AvalaError as e:
            assert isinstance(e, AuthenticationError) and e.status_code == 401
    client.close()
    print("ok")
    """
)


def test_official_sdk_code_runs_unchanged(emulator: Emulator, tmp_path: Path) -> None:
    script = tmp_path / "official_style.py"
    script.write_text(OFFICIAL_STYLE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVALA_")}
    env.update(
        AVALA_API_KEY=KEY,
        AVALA_BASE_URL=emulator.base_url,
        AVALA_ALLOW_INSECURE_BASE_URL="1",
        PYTHONPATH=str(Path(avala.__file__).resolve().parents[1]),
    )
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("00000000-0000-4000-8000-000000000001 Project 000001 active 2024-01-01T00:01:00+00:00")
    assert lines[1] == "not found: Not found."
    assert lines[2] == "export: exported True"
    assert lines[3] == "agent deleted"
    assert lines[-1] == "ok"
    assert KEY not in proc.stdout + proc.stderr
