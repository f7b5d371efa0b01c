"""The Dataset model."""

from __future__ import annotations

from typing import ClassVar, Tuple

from avala.types._model import Int, Model, OptBool, OptStr, Str, Time

__all__ = ["Dataset"]


class Dataset(Model):
    """A dataset (``client.datasets``)."""

    __slots__ = ()
    _required: ClassVar[Tuple[str, ...]] = ("uid", "name")

    uid = Str()
    name = Str()
    slug = Str()
    item_count = Int(0)
    status = OptStr()
    data_type = OptStr("e.g. ``image``, ``video``, ``lidar``, ``mcap``.")
    is_sequence = OptBool()
    created_at = Time()
    updated_at = Time()
