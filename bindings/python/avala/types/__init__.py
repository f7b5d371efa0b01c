"""Models for Avala API objects."""

from avala.types.agent import Agent, AgentExecution
from avala.types.dataset import Dataset
from avala.types.export import Export
from avala.types.project import Project
from avala.types.quality_target import QualityTarget, QualityTargetEvaluation
from avala.types.task import Task

__all__ = [
    "Agent",
    "AgentExecution",
    "Dataset",
    "Export",
    "Project",
    "QualityTarget",
    "QualityTargetEvaluation",
    "Task",
]
