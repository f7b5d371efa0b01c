"""Agents resource: automation callbacks and their executions."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from avala import _avala
from avala._pagination import CursorPage
from avala.resources._base import AsyncModelIterator, AsyncResource, ModelIterator, SyncResource, body, check_uid, started, started_by
from avala.types.agent import Agent, AgentExecution

__all__ = ["Agents", "AsyncAgents"]


def _test_answer(native: _avala.Item) -> Dict[str, Any]:
    result = json.loads(native.json())
    return result if isinstance(result, dict) else {}


class Agents(SyncResource):
    """``client.agents``: agents (``/agents/``) and their executions."""

    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> CursorPage[Agent]:
        return self._page(Agent, "agents", None, limit, cursor)

    def get(self, uid: str) -> Agent:
        return self._get(Agent, "agents", None, uid)

    def create(
        self,
        *,
        name: str,
        events: Optional[List[str]] = None,
        description: Optional[str] = None,
        callback_url: Optional[str] = None,
        is_active: Optional[bool] = None,
        project: Optional[str] = None,
        task_types: Optional[List[str]] = None,
    ) -> Agent:
        """Creates an agent. Only the given fields are sent; libavala checks
        their types first (:class:`~avala.errors.InvalidArgumentError`, nothing sent)."""
        fields = body(
            name=name,
            events=events,
            description=description,
            callback_url=callback_url,
            is_active=is_active,
            project=project,
            task_types=task_types,
        )
        return self._create(Agent, "agents", None, fields)

    def update(
        self,
        uid: str,
        *,
        name: Optional[str] = None,
        events: Optional[List[str]] = None,
        description: Optional[str] = None,
        callback_url: Optional[str] = None,
        is_active: Optional[bool] = None,
        project: Optional[str] = None,
        task_types: Optional[List[str]] = None,
    ) -> Agent:
        """Changes the given fields (``PATCH``); the others stay as they are."""
        fields = body(
            name=name,
            events=events,
            description=description,
            callback_url=callback_url,
            is_active=is_active,
            project=project,
            task_types=task_types,
        )
        return self._update(Agent, "agents", None, uid, fields)

    def delete(self, uid: str) -> None:
        return self._delete("agents", None, uid)

    def list_executions(
        self, uid: str, *, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> CursorPage[AgentExecution]:
        """One page of the agent's executions."""
        return self._page(AgentExecution, "agent_executions", check_uid(uid), limit, cursor)

    def test(self, uid: str) -> Dict[str, Any]:
        """Sends the agent a test event; the server's answer, e.g. ``{"success": True}``."""
        uid = check_uid(uid)
        return self._call(lambda n: n.agent_test(uid), _test_answer)

    def iter(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> ModelIterator[Agent]:
        """Lazily yields every agent across all pages. Not in the official SDK."""
        return self._iter(Agent, "agents", None, limit, cursor)

    def iter_executions(
        self, uid: str, *, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> ModelIterator[AgentExecution]:
        """Lazily yields every execution of the agent. Not in the official SDK."""
        return self._iter(AgentExecution, "agent_executions", check_uid(uid), limit, cursor)


class AsyncAgents(AsyncResource[Agents]):
    """``client.agents`` of an :class:`~avala.AsyncClient`."""

    async def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> CursorPage[Agent]:
        return await started(self._sync.list(limit=limit, cursor=cursor))

    async def get(self, uid: str) -> Agent:
        return await started(self._sync.get(uid))

    async def create(
        self,
        *,
        name: str,
        events: Optional[List[str]] = None,
        description: Optional[str] = None,
        callback_url: Optional[str] = None,
        is_active: Optional[bool] = None,
        project: Optional[str] = None,
        task_types: Optional[List[str]] = None,
    ) -> Agent:
        return await started(
            self._sync.create(
                name=name,
                events=events,
                description=description,
                callback_url=callback_url,
                is_active=is_active,
                project=project,
                task_types=task_types,
            )
        )

    async def update(
        self,
        uid: str,
        *,
        name: Optional[str] = None,
        events: Optional[List[str]] = None,
        description: Optional[str] = None,
        callback_url: Optional[str] = None,
        is_active: Optional[bool] = None,
        project: Optional[str] = None,
        task_types: Optional[List[str]] = None,
    ) -> Agent:
        return await started(
            self._sync.update(
                uid,
                name=name,
                events=events,
                description=description,
                callback_url=callback_url,
                is_active=is_active,
                project=project,
                task_types=task_types,
            )
        )

    async def delete(self, uid: str) -> None:
        await started_by(lambda: self._sync.delete(uid))

    async def list_executions(
        self, uid: str, *, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> CursorPage[AgentExecution]:
        return await started(self._sync.list_executions(uid, limit=limit, cursor=cursor))

    async def test(self, uid: str) -> Dict[str, Any]:
        return await started(self._sync.test(uid))

    def iter(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> AsyncModelIterator[Agent]:
        return AsyncModelIterator(lambda: self._sync.iter(limit=limit, cursor=cursor))

    def iter_executions(
        self, uid: str, *, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> AsyncModelIterator[AgentExecution]:
        return AsyncModelIterator(lambda: self._sync.iter_executions(uid, limit=limit, cursor=cursor))
