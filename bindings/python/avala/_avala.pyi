# Stub for the compiled extension avala._avala (bindings/python/src/_avala.cpp).
# Checked against the built module by tests/python/test_typing.py (stubtest).
from typing import Any, Callable, List, Optional, Tuple, Type, TypeVar, final

_M = TypeVar("_M")

VERSION_STRING: str
OK: int
ITER_END: int
E_INVALID_ARGUMENT: int
E_CONFIG: int
E_AUTHENTICATION: int
E_FORBIDDEN: int
E_NOT_FOUND: int
E_VALIDATION: int
E_RATE_LIMITED: int
E_SERVER: int
E_API: int
E_REDIRECT: int
E_TIMEOUT: int
E_NETWORK: int
E_TLS: int
E_PROXY: int
E_DECODE: int
E_CROSS_ORIGIN: int
E_NO_MEMORY: int
E_INTERNAL: int
E_CANCELLED: int
OBJECT_OTHER: int
OBJECT_TASK: int
OBJECT_EXPORT: int
OBJECT_AGENT: int
OBJECT_AGENT_EXECUTION: int
OBJECT_QUALITY_TARGET: int
OBJECT_QUALITY_TARGET_EVALUATION: int
OBJECT_DATASET: int

def version() -> str: ...
def status_name(arg0: int) -> str: ...

@final
class Item:
    """A project or another object of libavala, owned or borrowed from its page; made only by the extension."""

    def get_string(self, field: str, /) -> Optional[str]: ...
    def json(self) -> str: ...

@final
class StrField:
    """A model's string attribute, read in C (see avala.types._model)."""

    def __init__(self, field: Any, name: str, missing: Optional[str]) -> None: ...
    @property
    def field(self) -> Any: ...
    def __get__(self, obj: Any, owner: Any = None) -> Any: ...
    def __set__(self, obj: Any, value: Any) -> None: ...
    def __delete__(self, obj: Any) -> None: ...

class ModelBase:
    """The C base of avala.types._model.Model: unknown attributes go to _missing_attribute()."""

class Batches:
    """The C part of ModelIterator: hands out batches made by _refill()."""

    def __iter__(self) -> Batches: ...
    def __next__(self) -> Any: ...
    def _pop(self) -> Any: ...
    def _set(self, items: List[Any], /) -> Any: ...

def register_model(base: type) -> None: ...

class ProjectIter:
    def take(self, n: int, model: Type[_M]) -> List[_M]: ...
    def take_ready(self, n: int, model: Type[_M]) -> Tuple[List[_M], bool]: ...
    @property
    def done(self) -> bool: ...

class ObjectIter:
    def take(self, n: int, model: Type[_M]) -> List[_M]: ...
    def take_ready(self, n: int, model: Type[_M]) -> Tuple[List[_M], bool]: ...
    @property
    def done(self) -> bool: ...

class Response:
    @property
    def status(self) -> int: ...
    @property
    def body(self) -> bytes: ...
    def header(self, name: str) -> Optional[str]: ...

class Cancel:
    def __init__(self) -> None: ...
    def fire(self) -> None: ...
    def reset(self) -> None: ...
    @property
    def fired(self) -> bool: ...

@final
class Pending:
    """The marker of an asynchronous call that started (its value comes from Queue.poll)."""

# What a call on a client made by Client.derive returns once started.
PENDING: Pending

class Queue:
    """A completion queue (avala_queue): one per event loop."""

    def __init__(self) -> None: ...
    def fd(self) -> int: ...
    def progress_fd(self) -> int: ...
    def pending(self) -> int: ...
    # (tag, status, value): value is the call's result as the blocking call
    # returns it, or the exception it raises, or None.
    def poll(self, max: int, timeout_ms: int = 0) -> List[Tuple[int, int, Any]]: ...
    def poll_progress(self) -> List[Tuple[int, Callable[[Item, float], Any], Item, float]]: ...

# On a client made by derive(), every call below returns PENDING once
# started (its result comes from the queue), or its result or error at once
# when libavala needs no network; the types name the blocking results.
class Client:
    def __init__(
        self,
        api_key: Optional[str],
        base_url: Optional[str],
        timeout_ms: int,
        max_retries: int,
        user_agent_suffix: Optional[str],
        ca_file: Optional[str],
        rate_limit: bool,
        ca_dir: Optional[str] = None,
        client_cert: Optional[str] = None,
        client_key: Optional[str] = None,
        client_key_password: Optional[str] = None,
        proxy: Optional[str] = None,
        no_proxy: Optional[str] = None,
        trust_env: bool = True,
        compression: bool = True,
    ) -> None: ...
    def derive(self, queue: Queue, tag: int, cancel: Cancel) -> Client: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    @property
    def base_url(self) -> Optional[str]: ...
    def rate_limit(self) -> Tuple[Optional[int], Optional[int], Optional[int]]: ...
    def request(self, method: str, path: str, body_json: Optional[str]) -> Response: ...
    def project_get(self, uid: str) -> Item: ...
    def project_list_page(
        self, limit: int, cursor: Optional[str]
    ) -> Tuple[List[Item], Optional[str], Optional[str], bool]: ...
    def project_iter(self, limit: int, cursor: Optional[str]) -> ProjectIter: ...
    # resource: "tasks", "exports", "agents", "agent_executions",
    # "quality_targets" or "datasets"; parent: the scoping uid of the last two.
    def list_page(
        self,
        resource: str,
        parent: Optional[str],
        limit: int,
        cursor: Optional[str],
        filters: List[Tuple[str, str]],
    ) -> Tuple[List[Item], Optional[str], Optional[str], bool]: ...
    def list_iter(
        self,
        resource: str,
        parent: Optional[str],
        limit: int,
        cursor: Optional[str],
        filters: List[Tuple[str, str]],
    ) -> ObjectIter: ...
    def get(self, resource: str, parent: Optional[str], uid: str) -> Item: ...
    def create(self, resource: str, parent: Optional[str], fields_json: str) -> Item: ...
    def update(self, resource: str, parent: Optional[str], uid: str, fields_json: str) -> Item: ...
    def delete(self, resource: str, parent: Optional[str], uid: str) -> None: ...
    def export_create(self, project: Optional[str], dataset: Optional[str]) -> Item: ...
    def export_wait(
        self,
        uid: str,
        interval_ms: int,
        timeout_ms: int,
        progress: Optional[Callable[[Item, float], Any]],
    ) -> Item: ...
    def agent_test(self, uid: str) -> Item: ...
    def quality_target_evaluate(self, project: str) -> List[Item]: ...
