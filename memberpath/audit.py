"""The path's steps and every move on it are in the audit trail (django-auditlog): who changed the shelter's steps,
who moved whom and when. Her moves also show on the admins' audit trail page (settings.AUDIT_MEMBER_ROWS)."""

from auditlog.registry import auditlog

from .models import PathProgress, PathStep

auditlog.register(PathStep)
auditlog.register(PathProgress)
