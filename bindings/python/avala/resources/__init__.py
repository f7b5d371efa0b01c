"""API resources: one class per resource, sync and async."""

from avala.resources._base import AsyncModelIterator, ModelIterator
from avala.resources.agents import Agents, AsyncAgents
from avala.resources.datasets import AsyncDatasets, Datasets
from avala.resources.exports import AsyncExports, Exports
from avala.resources.projects import AsyncProjectIterator, AsyncProjects, ProjectIterator, Projects
from avala.resources.quality_targets import AsyncQualityTargets, QualityTargets
from avala.resources.tasks import AsyncTasks, Tasks

__all__ = [
    "Projects",
    "AsyncProjects",
    "ProjectIterator",
    "AsyncProjectIterator",
    "ModelIterator",
    "AsyncModelIterator",
    "Tasks",
    "AsyncTasks",
    "Exports",
    "AsyncExports",
    "Agents",
    "AsyncAgents",
    "QualityTargets",
    "AsyncQualityTargets",
    "Datasets",
    "AsyncDatasets",
]
