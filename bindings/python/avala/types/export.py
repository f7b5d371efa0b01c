"""The Export model."""

from __future__ import annotations

from avala.types._model import Model, OptStr, Str, Time

__all__ = ["Export"]


class Export(Model):
    """An export of a project or dataset (``client.exports``)."""

    __slots__ = ()

    uid = Str()
    status = OptStr("``pending``, ``exporting``, then ``exported`` or ``failed`` (the terminal ones).")
    download_url = OptStr("Where to fetch the result once ``status`` is ``exported``.")
    created_at = Time()
    updated_at = Time()
