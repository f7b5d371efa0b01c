"""Models for Avala API objects."""

from avala.types.project import Project

__all__ = ["Project"]
