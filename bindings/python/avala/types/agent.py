"""The Agent and AgentExecution models."""

from __future__ import annotations

from typing import ClassVar, Tuple

from avala.types._model import Bool, Model, OptDict, OptIntDict, OptStr, Str, StrList, Time

__all__ = ["Agent", "AgentExecution"]


class Agent(Model):
    """An automation agent: a callback the API calls on events (``client.agents``).

    ``secret`` (the signing secret of the callbacks) is an attribute like the
    others but never appears in ``repr``/``str``.
    """

    __slots__ = ()
    _required: ClassVar[Tuple[str, ...]] = ("uid", "name")

    uid = Str()
    name = Str()
    description = OptStr()
    events = StrList("e.g. ``task.completed``, ``result.submitted``, ``export.completed``; ``[]`` when absent.")
    callback_url = OptStr()
    is_active = Bool(True)
    project = OptStr("The uid of the project the agent is limited to, if any.")
    task_types = StrList()
    secret = OptStr("The callbacks' signing secret. Never shown by repr.")
    execution_stats = OptIntDict("Execution counts by outcome.")
    created_at = Time()
    updated_at = Time()


class AgentExecution(Model):
    """One run of an agent (``client.agents.list_executions(uid)``)."""

    __slots__ = ()

    uid = Str()
    registration = Str("The uid of the agent that ran.")
    event_type = Str()
    task = OptStr()
    result = OptStr()
    status = OptStr()
    action = OptStr()
    event_payload = OptDict()
    response_payload = OptDict()
    error_message = OptStr()
    started_at = Time()
    completed_at = Time()
    created_at = Time()
    updated_at = Time()
