"""The Task model."""

from __future__ import annotations

from avala.types._model import Model, OptStr, Str, Time

__all__ = ["Task"]


class Task(Model):
    """An annotation task of a project (``client.tasks``)."""

    __slots__ = ()

    uid = Str()
    type = OptStr("The task type, e.g. ``image-annotation``.")
    name = OptStr()
    status = OptStr("e.g. ``pending``, ``in_progress``, ``completed``; newer values pass through.")
    project = OptStr("The uid of the task's project.")
    created_at = Time()
    updated_at = Time()
