"""Kinds and entries of volunteer time are in the audit trail (django-auditlog): who logged, changed, approved or
returned which time, and who changed the shelter's kinds. Entries are member rows (settings.AUDIT_MEMBER_ROWS), so
they show on the admins' audit trail of the member."""

from auditlog.registry import auditlog

from .models import TimeEntry, TimeKind

auditlog.register(TimeKind)
auditlog.register(TimeEntry, exclude_fields=["updated_at", "created_at"])
