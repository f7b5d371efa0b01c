"""Quality targets resource (scoped by project)."""

from __future__ import annotations

from typing import List, Optional

from avala import _avala
from avala._pagination import CursorPage
from avala.resources._base import AsyncModelIterator, AsyncResource, ModelIterator, SyncResource, body, check_uid, started, started_by
from avala.types.quality_target import QualityTarget, QualityTargetEvaluation

__all__ = ["QualityTargets", "AsyncQualityTargets"]

_RESOURCE = "quality_targets"


def _evaluations(items: List[_avala.Item]) -> List[QualityTargetEvaluation]:
    return [QualityTargetEvaluation._from_native(o) for o in items]


class QualityTargets(SyncResource):
    """``client.quality_targets``: thresholds on a project's quality metrics
    (``/projects/{project_uid}/quality-targets/``)."""

    def list(
        self, project_uid: str, *, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> CursorPage[QualityTarget]:
        return self._page(QualityTarget, _RESOURCE, check_uid(project_uid, "project_uid"), limit, cursor)

    def get(self, project_uid: str, uid: str) -> QualityTarget:
        return self._get(QualityTarget, _RESOURCE, check_uid(project_uid, "project_uid"), uid)

    def create(
        self,
        project_uid: str,
        *,
        name: str,
        metric: str,
        threshold: float,
        operator: Optional[str] = None,
        severity: Optional[str] = None,
        is_active: Optional[bool] = None,
        notify_webhook: Optional[bool] = None,
        notify_emails: Optional[List[str]] = None,
    ) -> QualityTarget:
        """Creates a target; only the given fields are sent."""
        fields = body(
            name=name,
            metric=metric,
            threshold=threshold,
            operator=operator,
            severity=severity,
            is_active=is_active,
            notify_webhook=notify_webhook,
            notify_emails=notify_emails,
        )
        return self._create(QualityTarget, _RESOURCE, check_uid(project_uid, "project_uid"), fields)

    def update(
        self,
        project_uid: str,
        uid: str,
        *,
        name: Optional[str] = None,
        metric: Optional[str] = None,
        threshold: Optional[float] = None,
        operator: Optional[str] = None,
        severity: Optional[str] = None,
        is_active: Optional[bool] = None,
        notify_webhook: Optional[bool] = None,
        notify_emails: Optional[List[str]] = None,
    ) -> QualityTarget:
        """Changes the given fields (``PATCH``); the others stay as they are."""
        fields = body(
            name=name,
            metric=metric,
            threshold=threshold,
            operator=operator,
            severity=severity,
            is_active=is_active,
            notify_webhook=notify_webhook,
            notify_emails=notify_emails,
        )
        return self._update(QualityTarget, _RESOURCE, check_uid(project_uid, "project_uid"), uid, fields)

    def delete(self, project_uid: str, uid: str) -> None:
        return self._delete(_RESOURCE, check_uid(project_uid, "project_uid"), uid)

    def evaluate(self, project_uid: str) -> List[QualityTargetEvaluation]:
        """Evaluates every target of the project now."""
        project = check_uid(project_uid, "project_uid")
        return self._call(lambda n: n.quality_target_evaluate(project), _evaluations)

    def iter(
        self, project_uid: str, *, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> ModelIterator[QualityTarget]:
        """Lazily yields every target of the project. Not in the official SDK."""
        return self._iter(QualityTarget, _RESOURCE, check_uid(project_uid, "project_uid"), limit, cursor)


class AsyncQualityTargets(AsyncResource[QualityTargets]):
    """``client.quality_targets`` of an :class:`~avala.AsyncClient`."""

    async def list(
        self, project_uid: str, *, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> CursorPage[QualityTarget]:
        return await started(self._sync.list(project_uid, limit=limit, cursor=cursor))

    async def get(self, project_uid: str, uid: str) -> QualityTarget:
        return await started(self._sync.get(project_uid, uid))

    async def create(
        self,
        project_uid: str,
        *,
        name: str,
        metric: str,
        threshold: float,
        operator: Optional[str] = None,
        severity: Optional[str] = None,
        is_active: Optional[bool] = None,
        notify_webhook: Optional[bool] = None,
        notify_emails: Optional[List[str]] = None,
    ) -> QualityTarget:
        return await started(
            self._sync.create(
                project_uid,
                name=name,
                metric=metric,
                threshold=threshold,
                operator=operator,
                severity=severity,
                is_active=is_active,
                notify_webhook=notify_webhook,
                notify_emails=notify_emails,
            )
        )

    async def update(
        self,
        project_uid: str,
        uid: str,
        *,
        name: Optional[str] = None,
        metric: Optional[str] = None,
        threshold: Optional[float] = None,
        operator: Optional[str] = None,
        severity: Optional[str] = None,
        is_active: Optional[bool] = None,
        notify_webhook: Optional[bool] = None,
        notify_emails: Optional[List[str]] = None,
    ) -> QualityTarget:
        return await started(
            self._sync.update(
                project_uid,
                uid,
                name=name,
                metric=metric,
                threshold=threshold,
                operator=operator,
                severity=severity,
                is_active=is_active,
                notify_webhook=notify_webhook,
                notify_emails=notify_emails,
            )
        )

    async def delete(self, project_uid: str, uid: str) -> None:
        await started_by(lambda: self._sync.delete(project_uid, uid))

    async def evaluate(self, project_uid: str) -> List[QualityTargetEvaluation]:
        return await started(self._sync.evaluate(project_uid))

    def iter(
        self, project_uid: str, *, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> AsyncModelIterator[QualityTarget]:
        return AsyncModelIterator(lambda: self._sync.iter(project_uid, limit=limit, cursor=cursor))
