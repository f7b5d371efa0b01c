"""Avala SDK for Python, on libavala (C++ core, stable C ABI).

A drop-in for the official ``avala`` package for what it covers::

    from avala import Client
    from avala.errors import NotFoundError

    with Client() as client:            # $AVALA_API_KEY
        for project in client.projects.iter():
            print(project.uid, project.name, project.created_at)
        export = client.exports.wait(client.exports.create(project=project.uid).uid)
"""

try:
    from avala import _avala
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError(
        "avala's compiled extension (avala._avala) or libavala.so.0 could not be loaded; "
        "install the package with `pip install --no-build-isolation .` from the libavala "
        f"repository ({exc})"
    ) from exc

from avala import errors, types
from avala._async_client import AsyncClient
from avala._client import Client, RateLimitInfo
from avala._pagination import CursorPage
from avala.types import (
    Agent,
    AgentExecution,
    Dataset,
    Export,
    Project,
    QualityTarget,
    QualityTargetEvaluation,
    Task,
)

__version__: str = _avala.VERSION_STRING

# Alias for consistency with the official SDKs (``new Avala(...)`` in TypeScript).
Avala = Client

__all__ = [
    "Avala",
    "AsyncClient",
    "Client",
    "CursorPage",
    "Agent",
    "AgentExecution",
    "Dataset",
    "Export",
    "Project",
    "QualityTarget",
    "QualityTargetEvaluation",
    "Task",
    "RateLimitInfo",
    "errors",
    "types",
    "__version__",
]
