"""API resources: one class per resource, sync and async."""

from avala.resources.projects import AsyncProjectIterator, AsyncProjects, ProjectIterator, Projects

__all__ = ["Projects", "AsyncProjects", "ProjectIterator", "AsyncProjectIterator"]
