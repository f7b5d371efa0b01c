"""Type information: py.typed, stubs that match the built extension, and
user code that type-checks under mypy --strict. Skipped without mypy
(Debian: python3-mypy)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import avala

mypy = pytest.importorskip("mypy", reason="mypy is not installed (apt-get install python3-mypy)")

PKG = Path(avala.__file__).resolve().parent
SEARCH_ROOT = PKG.parent

USER_CODE = textwrap.dedent(
    """
    import asyncio
    from datetime import datetime
    from typing import List, Optional

    import avala
    from avala import AsyncClient, Client, CursorPage, Project, RateLimitInfo
    from avala.errors import AvalaError, NotFoundError, RateLimitError, ValidationError


    def names(client: Client) -> List[str]:
        page: CursorPage[Project] = client.projects.list(limit=10)
        first: Optional[str] = page.next_cursor
        created: Optional[datetime] = page.items[0].created_at if page.items else None
        info: RateLimitInfo = client.rate_limit_info
        remaining: Optional[int] = info.remaining
        raw: Optional[str] = info["remaining"]
        del first, created, remaining, raw
        return [p.name for p in client.projects.iter(limit=50)]


    async def count(client: AsyncClient) -> int:
        page = await client.projects.list()
        project: Project = await client.projects.get(page.items[0].uid)
        n = 0
        async for p in client.projects.iter():
            n += p.uid != project.uid
        return n


    def errors() -> None:
        try:
            names(Client("k"))
        except RateLimitError as e:
            after: Optional[float] = e.retry_after
            del after
        except ValidationError as e:
            details: list = e.details  # type: ignore[type-arg]
            del details
        except NotFoundError as e:
            status: Optional[int] = e.status_code
            del status
        except AvalaError:
            pass


    def resources(client: Client) -> None:
        from avala import Agent, AgentExecution, Dataset, Export, QualityTargetEvaluation, Task

        tasks: CursorPage[Task] = client.tasks.list(project="p", status="completed", limit=10)
        project_of: Optional[str] = tasks.items[0].project
        every: List[Task] = list(client.tasks.iter(project="p"))

        def show(export: Export, elapsed: float) -> None:
            print(export.status, round(elapsed))

        export: Export = client.exports.wait(client.exports.create(project="p").uid, interval=1, on_progress=show)
        url: Optional[str] = export.download_url
        agent: Agent = client.agents.create(name="bot", events=["task.completed"], is_active=True)
        agent = client.agents.update(agent.uid, description="d")
        events: List[str] = agent.events
        active: bool = agent.is_active
        runs: CursorPage[AgentExecution] = client.agents.list_executions(agent.uid, limit=5)
        answer: dict = client.agents.test(agent.uid)  # type: ignore[type-arg]
        client.agents.delete(agent.uid)
        target = client.quality_targets.create("p", name="acc", metric="accuracy", threshold=0.9)
        threshold: float = target.threshold
        breaches: int = target.breach_count
        evaluations: List[QualityTargetEvaluation] = client.quality_targets.evaluate("p")
        current: Optional[float] = evaluations[0].current_value
        client.quality_targets.delete("p", target.uid)
        images: List[Dataset] = list(client.datasets.iter(data_type="image"))
        count: int = images[0].item_count
        del project_of, every, url, events, active, runs, answer, threshold, breaches, current, count


    async def resources_async(client: AsyncClient) -> None:
        export = await client.exports.wait((await client.exports.create(project="p")).uid, timeout=60)
        status: Optional[str] = export.status
        async for task in client.tasks.iter(project="p", status="completed"):
            created: Optional[datetime] = task.created_at
            del created
        targets = await client.quality_targets.list("p")
        agent = await client.agents.get("a")
        del status, targets, agent


    asyncio.run(count(avala.AsyncClient("k")))
    """
)


def run_mypy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MYPYPATH=str(SEARCH_ROOT), PYTHONPATH=str(SEARCH_ROOT))
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_package_is_marked_typed() -> None:
    assert (PKG / "py.typed").is_file()
    assert (PKG / "_avala.pyi").is_file()


def test_the_package_and_user_code_pass_mypy_strict(tmp_path: Path) -> None:
    (tmp_path / "user_code.py").write_text(USER_CODE)
    cache = tmp_path / "cache"
    out = run_mypy("mypy", "--strict", "--cache-dir", str(cache), "-p", "avala", "-m", "user_code", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr


# pybind11 classes have their own metaclass, and the ones without a
# constructor still show a generic (*args, **kwargs) __init__ that raises.
STUBTEST_ALLOWLIST = """
avala._avala.Cancel
avala._avala.Client
avala._avala.ObjectIter
avala._avala.Pending
avala._avala.ProjectIter
avala._avala.Queue
avala._avala.Response
avala._avala.ObjectIter.__init__
avala._avala.Pending.__init__
avala._avala.ProjectIter.__init__
avala._avala.Response.__init__
"""


def test_the_stub_matches_the_built_extension(tmp_path: Path) -> None:
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text(STUBTEST_ALLOWLIST)
    out = run_mypy("mypy.stubtest", "--allowlist", str(allowlist), "avala._avala", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
