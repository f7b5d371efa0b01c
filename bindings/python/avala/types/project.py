"""The Project model."""

from __future__ import annotations

from typing import ClassVar, Tuple

from avala.types._model import Model, OptBool, OptStr, Str, Time

__all__ = ["Project"]


class Project(Model):
    """An Avala project.

    Read-only. ``created_at``/``updated_at`` are timezone-aware ``datetime``
    objects (``None`` when absent). Every field the server sent is kept:
    documented ones are typed attributes, any other is reachable as an
    attribute too (``project.some_new_field``), in :attr:`extra`, and in
    :meth:`to_dict`. Two projects are equal when all their fields are.

    Projects come from the client; ``Project(uid=..., name=..., **fields)``
    builds one by hand (e.g. in tests), like the official SDK's pydantic model.
    """

    __slots__ = ()
    _required: ClassVar[Tuple[str, ...]] = ("uid", "name")
    # The official SDK's model has exactly these; repr shows them.
    _repr_fields: ClassVar[Tuple[str, ...]] = ("uid", "name", "status", "created_at", "updated_at")

    uid = Str()
    name = Str()
    status = OptStr(
        "``active``, ``completed``, ``paused``, ``archived``, ``pending-approval``, "
        "``canceled``, or any newer value the API sends, unchanged."
    )
    created_at = Time()
    updated_at = Time()
    task_type = OptStr("e.g. ``image-annotation``, ``video-annotation``, ``point-cloud-annotation``.")
    is_active = OptBool()
    visibility = OptStr("``public`` or ``private``.")
    is_imported = OptBool()
    owner_name = OptStr()
    short_description = OptStr()
    industry_icon = OptStr()
