"""The Project model."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, Iterable, Mapping, Optional, Tuple, Type, TypeVar, Union

from avala._datetimes import format_datetime, parse_datetime

if TYPE_CHECKING:
    from avala._avala import Project as _NativeProject

__all__ = ["Project"]

_P = TypeVar("_P", bound="Project")

# Attributes with a declared type. Everything else the server sends is kept
# too: reachable as project.<field>, in .extra, and in to_dict().
_TYPED_FIELDS: Tuple[str, ...] = (
    "uid",
    "name",
    "status",
    "created_at",
    "updated_at",
    "task_type",
    "is_active",
    "visibility",
    "is_imported",
    "owner_name",
    "short_description",
    "industry_icon",
)
_TYPED: FrozenSet[str] = frozenset(_TYPED_FIELDS)
# The official SDK's model has exactly these; repr shows them.
_REPR_FIELDS = ("uid", "name", "status", "created_at", "updated_at")


class Project:
    """An Avala project.

    Read-only. ``created_at``/``updated_at`` are timezone-aware ``datetime``
    objects (``None`` when absent). Every field the server sent is kept:
    documented ones are typed attributes, any other is reachable as an
    attribute too (``project.some_new_field``), in :attr:`extra`, and in
    :meth:`to_dict`. Two projects are equal when all their fields are.

    Projects come from the client; ``Project(uid=..., name=..., **fields)``
    builds one by hand (e.g. in tests), like the official SDK's pydantic model.
    """

    __slots__ = ("_native", "_data")

    _native: Optional[_NativeProject]
    _data: Optional[Dict[str, Any]]

    def __init__(self, /, **fields: Any) -> None:
        missing = [k for k in ("uid", "name") if not isinstance(fields.get(k), str)]
        if missing:
            raise ValueError(f"Project needs string field(s): {', '.join(missing)}")
        data: Dict[str, Any] = {}
        for key, value in fields.items():
            data[key] = format_datetime(value) if isinstance(value, datetime) else value
        object.__setattr__(self, "_native", None)
        object.__setattr__(self, "_data", data)

    @classmethod
    def _from_native(cls: Type[_P], native: _NativeProject) -> _P:
        obj = cls.__new__(cls)
        object.__setattr__(obj, "_native", native)
        object.__setattr__(obj, "_data", None)
        return obj

    @classmethod
    def model_validate(cls: Type[_P], obj: Union[Mapping[str, Any], "Project"]) -> _P:
        """Builds a Project from a mapping of its JSON fields (pydantic-style)."""
        if isinstance(obj, Project):
            return cls(**obj.to_dict())
        return cls(**dict(obj))

    # ---- raw access -----------------------------------------------------

    def _field(self, name: str) -> Any:
        native = self._native
        if native is None:
            assert self._data is not None
            return self._data.get(name)
        raw = native.field_json(name)
        return None if raw is None else json.loads(raw)

    def _has(self, name: str) -> bool:
        native = self._native
        if native is None:
            assert self._data is not None
            return name in self._data
        return native.field_json(name) is not None

    def _str(self, name: str) -> Optional[str]:
        value = self._field(name)
        return value if isinstance(value, str) else None

    def _bool(self, name: str) -> Optional[bool]:
        value = self._field(name)
        return value if isinstance(value, bool) else None

    # ---- typed fields ---------------------------------------------------

    @property
    def uid(self) -> str:
        native = self._native
        value = native.uid if native is not None else self._str("uid")
        return value if value is not None else ""

    @property
    def name(self) -> str:
        native = self._native
        value = native.name if native is not None else self._str("name")
        return value if value is not None else ""

    @property
    def status(self) -> Optional[str]:
        """``active``, ``completed``, ``paused``, ``archived``, ``pending-approval``,
        ``canceled``, or any newer value the API sends, unchanged."""
        native = self._native
        return native.status if native is not None else self._str("status")

    @property
    def created_at(self) -> Optional[datetime]:
        native = self._native
        return parse_datetime(native.created_at if native is not None else self._field("created_at"))

    @property
    def updated_at(self) -> Optional[datetime]:
        native = self._native
        return parse_datetime(native.updated_at if native is not None else self._field("updated_at"))

    @property
    def task_type(self) -> Optional[str]:
        """e.g. ``image-annotation``, ``video-annotation``, ``point-cloud-annotation``."""
        return self._str("task_type")

    @property
    def is_active(self) -> Optional[bool]:
        return self._bool("is_active")

    @property
    def visibility(self) -> Optional[str]:
        """``public`` or ``private``."""
        return self._str("visibility")

    @property
    def is_imported(self) -> Optional[bool]:
        return self._bool("is_imported")

    @property
    def owner_name(self) -> Optional[str]:
        return self._str("owner_name")

    @property
    def short_description(self) -> Optional[str]:
        return self._str("short_description")

    @property
    def industry_icon(self) -> Optional[str]:
        return self._str("industry_icon")

    # ---- everything -----------------------------------------------------

    def to_dict(self) -> Dict[str, Any]:
        """Every field the server sent, as JSON values (times are strings). A fresh copy."""
        native = self._native
        if native is None:
            assert self._data is not None
            return copy.deepcopy(self._data)
        result = json.loads(native.json())
        assert isinstance(result, dict)
        return result

    @property
    def extra(self) -> Dict[str, Any]:
        """The fields that have no typed attribute."""
        return {k: v for k, v in self.to_dict().items() if k not in _TYPED}

    def model_dump(self, *, mode: str = "python") -> Dict[str, Any]:
        """pydantic-style: every field; with ``mode="python"`` times are datetimes."""
        data = self.to_dict()
        if mode == "python":
            for key in ("created_at", "updated_at"):
                if key in data:
                    data[key] = parse_datetime(data[key])
        elif mode != "json":
            raise ValueError("mode must be 'python' or 'json'")
        return data

    def model_dump_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))

    def __getattr__(self, name: str) -> Any:
        # Only reached for names that are not attributes: server fields that
        # have no typed property.
        if name.startswith("_") or not self._has(name):
            raise AttributeError(f"{type(self).__name__!s} has no field {name!r}")
        return self._field(name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __dir__(self) -> Iterable[str]:
        return sorted(set(super().__dir__()) | set(self.to_dict()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Project):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(("avala.Project", self.uid))

    def __repr__(self) -> str:
        parts = []
        for key in _REPR_FIELDS:
            value = self._str(key) if key in ("created_at", "updated_at") else getattr(self, key)
            parts.append(f"{key}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_project_from_dict, (type(self), self.to_dict()))

    def __copy__(self: _P) -> _P:
        return self

    def __deepcopy__(self: _P, memo: Dict[int, Any]) -> _P:
        return self


def _project_from_dict(cls: Type[Project], data: Dict[str, Any]) -> Project:
    return cls(**data)
