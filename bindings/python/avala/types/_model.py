"""The one model base shared by every Avala object (Project, Task, Export, ...).

A model is declared as a table of typed fields::

    class Task(Model):
        uid = Str()
        status = OptStr()
        created_at = Time()

and gets, from this module alone: typed read-only attributes (with the
contract's defaults), every other field the server sent kept and reachable
(``obj.some_new_field``, :attr:`Model.extra`, :meth:`Model.to_dict`),
equality, hashing, pickling, a pydantic-like ``model_validate`` /
``model_dump``, and a ``repr`` that never shows a secret.

A model made by the client holds the libavala object: string and time fields
are read through its string getter; the first read of anything else parses
its JSON (``json.loads``, once), after which the model keeps only the parsed
fields, so an item no longer pins the page it came from.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Dict,
    FrozenSet,
    Generic,
    Iterable,
    List,
    Mapping,
    NoReturn,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
    overload,
)

from avala import _avala
from avala._datetimes import format_datetime, parse_datetime

__all__ = [
    "Model",
    "Str",
    "OptStr",
    "Bool",
    "OptBool",
    "Int",
    "Float",
    "OptFloat",
    "Time",
    "StrList",
    "OptDict",
    "OptIntDict",
]

T = TypeVar("T")
M = TypeVar("M", bound="Model")

# Fields whose value never appears in a repr, whatever the model.
SECRET_FIELDS: FrozenSet[str] = frozenset({"secret", "api_key", "token", "password", "client_secret"})

_loads = json.loads


# ---- fields -----------------------------------------------------------------


class Field(Generic[T]):
    """A typed attribute read from the object's JSON. A value that is absent,
    null, or of the wrong type reads as the field's default."""

    is_time: ClassVar[bool] = False
    # True when the value is a JSON string: then, until the object is parsed,
    # it is read through the native string getter (no JSON parsing at all).
    from_string: ClassVar[bool] = False

    def __init__(self, doc: Optional[str] = None) -> None:
        self.name = ""
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: Optional[type] = None) -> Field[T]: ...

    @overload
    def __get__(self, obj: Model, owner: Optional[type] = None) -> T: ...

    def __get__(self, obj: Optional[Model], owner: Optional[type] = None) -> Union[T, Field[T]]:
        if obj is None:
            return self
        if self.from_string and obj._data is None:
            native = obj._native
            if native is not None:
                return self.convert(native.get_string(self.name))
        return self.convert(obj._raw().get(self.name))

    def __set__(self, obj: Model, value: NoReturn) -> None:
        # Typed NoReturn so that type checkers flag `model.field = x` too.
        raise AttributeError(f"{type(obj).__name__} is read-only")

    def convert(self, value: Any) -> T:
        raise NotImplementedError


class _StrField(Field[T]):
    """A string field: read through the native getter (which yields a str or
    None). On models it stands behind the extension's C descriptor
    (_avala.StrField), which reads an Item directly and defers here for
    everything else."""

    from_string = True
    missing: Any = None

    def convert(self, value: Any) -> Any:
        return value if isinstance(value, str) else self.missing


class Str(_StrField[str]):
    """A string the API always sends (``""`` if it did not)."""

    missing = ""


class OptStr(_StrField[Optional[str]]):
    missing = None


class Bool(Field[bool]):
    def __init__(self, default: bool, doc: Optional[str] = None) -> None:
        super().__init__(doc)
        self.default = default

    def convert(self, value: Any) -> bool:
        return value if isinstance(value, bool) else self.default


class OptBool(Field[Optional[bool]]):
    def convert(self, value: Any) -> Optional[bool]:
        return value if isinstance(value, bool) else None


class Int(Field[int]):
    def __init__(self, default: int = 0, doc: Optional[str] = None) -> None:
        super().__init__(doc)
        self.default = default

    def convert(self, value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return self.default


class Float(Field[float]):
    def __init__(self, default: float = 0.0, doc: Optional[str] = None) -> None:
        super().__init__(doc)
        self.default = default

    def convert(self, value: Any) -> float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        return self.default


class OptFloat(Field[Optional[float]]):
    def convert(self, value: Any) -> Optional[float]:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        return None


class Time(Field[Optional[datetime]]):
    """An ISO 8601 time as a timezone-aware ``datetime`` (``None`` when absent)."""

    is_time = True
    from_string = True

    def convert(self, value: Any) -> Optional[datetime]:
        return parse_datetime(value)


class StrList(Field[List[str]]):
    """A list of strings, ``[]`` when absent. A fresh list on each read."""

    def convert(self, value: Any) -> List[str]:
        if not isinstance(value, list):
            return []
        return [v for v in value if isinstance(v, str)]


class OptDict(Field[Optional[Dict[str, Any]]]):
    """A JSON object (a fresh copy on each read), ``None`` when absent."""

    def convert(self, value: Any) -> Optional[Dict[str, Any]]:
        return copy.deepcopy(value) if isinstance(value, dict) else None


class OptIntDict(Field[Optional[Dict[str, int]]]):
    """A JSON object of integers, e.g. counters by name; ``None`` when absent."""

    def convert(self, value: Any) -> Optional[Dict[str, int]]:
        if not isinstance(value, dict):
            return None
        return {k: v for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)}


# ---- the base -----------------------------------------------------------------


def _fresh(value: Any) -> Any:
    return copy.deepcopy(value) if isinstance(value, (dict, list)) else value


class Model(_avala.ModelBase):
    """Base of every Avala model. Read-only; see the module docstring.

    Models come from the client; ``Model(uid=..., **fields)`` builds one by
    hand (e.g. in tests), like the official SDK's pydantic models.
    """

    __slots__ = ("_native", "_data")

    # Filled in for each subclass by __init_subclass__.
    _fields: ClassVar[Dict[str, Field[Any]]] = {}
    _time_fields: ClassVar[Tuple[str, ...]] = ()
    # Declared by subclasses.
    _required: ClassVar[Tuple[str, ...]] = ("uid",)  # string fields a hand-built model must have
    _repr_fields: ClassVar[Optional[Tuple[str, ...]]] = None  # None: every declared field

    _native: Optional[_avala.Item]
    _data: Optional[Dict[str, Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: Dict[str, Field[Any]] = {}
        for klass in reversed(cls.__mro__):
            for key, value in vars(klass).items():
                if isinstance(value, _avala.StrField):  # installed below for a base class
                    value = value.field
                if isinstance(value, Field):
                    fields[key] = value
        # String fields are read by a C descriptor when the model holds an
        # iterator's item (the common case of a walk: no Python frame per
        # read); it defers to the Python field in every other case, and a
        # class-level lookup (``Project.uid``) still gives the Python field.
        for key, value in list(vars(cls).items()):
            if isinstance(value, _StrField):
                setattr(cls, key, _avala.StrField(value, key, value.missing))
        cls._fields = fields
        cls._time_fields = tuple(k for k, f in fields.items() if f.is_time)
        shown = cls._repr_fields if cls._repr_fields is not None else tuple(fields)
        cls._repr_fields = tuple(k for k in shown if k not in SECRET_FIELDS)

    def __init__(self, /, **fields: Any) -> None:
        missing = [k for k in self._required if not isinstance(fields.get(k), str)]
        if missing:
            raise ValueError(f"{type(self).__name__} needs string field(s): {', '.join(missing)}")
        data = {k: format_datetime(v) if isinstance(v, datetime) else v for k, v in fields.items()}
        object.__setattr__(self, "_native", None)
        object.__setattr__(self, "_data", data)

    @classmethod
    def _from_native(cls: Type[M], native: _avala.Item) -> M:
        obj = cls.__new__(cls)
        object.__setattr__(obj, "_native", native)
        object.__setattr__(obj, "_data", None)
        return obj

    @classmethod
    def _from_data(cls: Type[M], data: Dict[str, Any]) -> M:
        obj = cls.__new__(cls)
        object.__setattr__(obj, "_native", None)
        object.__setattr__(obj, "_data", data)
        return obj

    @classmethod
    def model_validate(cls: Type[M], obj: Union[Mapping[str, Any], Model]) -> M:
        """Builds a model from a mapping of its JSON fields (pydantic-style)."""
        if isinstance(obj, Model):
            return cls(**obj.to_dict())
        return cls(**dict(obj))

    def _raw(self) -> Dict[str, Any]:
        """The parsed fields (shared, not a copy). Parses on first use."""
        data = self._data
        if data is None:
            native = self._native
            if native is None:  # another thread parsed it in the meantime
                data = self._data
                assert data is not None
                return data
            parsed = _loads(native.json())
            data = parsed if isinstance(parsed, dict) else {}
            object.__setattr__(self, "_data", data)
            object.__setattr__(self, "_native", None)
        return data

    # ---- everything -----------------------------------------------------

    def to_dict(self) -> Dict[str, Any]:
        """Every field the server sent, as JSON values (times are strings). A fresh copy."""
        return copy.deepcopy(self._raw())

    @property
    def extra(self) -> Dict[str, Any]:
        """The fields that have no typed attribute."""
        fields = self._fields
        return {k: _fresh(v) for k, v in self._raw().items() if k not in fields}

    def model_dump(self, *, mode: str = "python") -> Dict[str, Any]:
        """pydantic-style: every field; with ``mode="python"`` times are datetimes."""
        data = self.to_dict()
        if mode == "python":
            for key in self._time_fields:
                if key in data:
                    data[key] = parse_datetime(data[key])
        elif mode != "json":
            raise ValueError("mode must be 'python' or 'json'")
        return data

    def model_dump_json(self) -> str:
        return json.dumps(self._raw(), separators=(",", ":"))

    if TYPE_CHECKING:  # for type checkers: any other server field is an attribute

        def __getattr__(self, name: str) -> Any: ...

    def _missing_attribute(self, name: str) -> Any:
        # What __getattr__ would be: the extension's base class calls it for
        # names that are not attributes (server fields that have no typed
        # attribute). Not __getattr__ itself: CPython would then route every
        # attribute read through its slower hook (~25 ns a read).
        if name.startswith("_"):
            raise AttributeError(name)
        raw = self._raw()
        if name not in raw:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        return _fresh(raw[name])

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __dir__(self) -> Iterable[str]:
        return sorted(set(super().__dir__()) | set(self._raw()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model) or type(other)._fields is not type(self)._fields:
            return NotImplemented
        return self._raw() == other._raw()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._raw().get("uid")))

    def __repr__(self) -> str:
        raw = self._raw()
        parts = []
        for key in self._repr_fields or ():
            # Times as the server sent them: shorter than a datetime's repr.
            value = raw.get(key) if key in self._time_fields else getattr(self, key)
            parts.append(f"{key}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), self.to_dict()))

    def __copy__(self: M) -> M:
        return self

    def __deepcopy__(self: M, memo: Dict[int, Any]) -> M:
        return self


def _rebuild(cls: Type[M], data: Dict[str, Any]) -> M:
    return cls._from_data(data)


# The extension makes models and reads their string fields through Model's
# two slots.
_avala.register_model(Model)
