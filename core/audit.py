"""The audit trail's shared words and the one way an export of personal data is recorded (django-auditlog).
Which models are audited is each app's `audit.py`."""

from __future__ import annotations

from typing import Any, Protocol

from auditlog.models import LogEntry
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import User

ACTION_LABELS = {
    LogEntry.Action.CREATE: _("Created"),
    LogEntry.Action.UPDATE: _("Changed"),
    LogEntry.Action.DELETE: _("Deleted"),
    LogEntry.Action.ACCESS: _("Exported"),
}
# Stable words for the actions in a member's data download (the page shows ACTION_LABELS in her language).
ACTION_CODES = {
    LogEntry.Action.CREATE: "created",
    LogEntry.Action.UPDATE: "changed",
    LogEntry.Action.DELETE: "deleted",
    LogEntry.Action.ACCESS: "exported",
}


class Actor(Protocol):
    """Who acts in a shelter: a members.Member, as core sees her (core never imports the apps above it)."""

    @property
    def pk(self) -> Any: ...

    @property
    def user(self) -> User | None: ...


def log_export(*, obj: models.Model, what: str, by: Actor | None) -> LogEntry:
    """Record that personal data was exported (ACCESS entry on `obj`, e.g. the member or the shelter)."""
    user = by.user if by is not None else None
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=user,
        changes={},
        additional_data={"export": what, "by_member": by.pk if by is not None else None},
    )
