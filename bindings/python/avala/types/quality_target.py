"""The QualityTarget and QualityTargetEvaluation models."""

from __future__ import annotations

from typing import ClassVar, Tuple

from avala.types._model import Bool, Float, Int, Model, OptFloat, OptStr, Str, StrList, Time

__all__ = ["QualityTarget", "QualityTargetEvaluation"]


class QualityTarget(Model):
    """A quality threshold on a project metric (``client.quality_targets``)."""

    __slots__ = ()
    _required: ClassVar[Tuple[str, ...]] = ("uid", "name")

    uid = Str()
    name = Str()
    metric = Str()
    operator = Str("How ``metric`` is compared with ``threshold``, e.g. ``gte``.")
    threshold = Float()
    severity = OptStr()
    is_active = Bool(True)
    notify_webhook = Bool(True)
    notify_emails = StrList()
    last_evaluated_at = Time()
    last_value = OptFloat()
    is_breached = Bool(False)
    breach_count = Int(0)
    last_breached_at = Time()
    created_at = Time()
    updated_at = Time()


class QualityTargetEvaluation(Model):
    """A target's current state (``client.quality_targets.evaluate(project)``)."""

    __slots__ = ()

    uid = Str()
    name = Str()
    metric = Str()
    threshold = Float()
    operator = Str()
    current_value = OptFloat()
    is_breached = Bool(False)
    severity = OptStr()
