"""Training records are in the audit trail (django-auditlog): who added, corrected or deleted what. A training
record's entries also show on the admins' audit trail page (settings.AUDIT_MEMBER_ROWS)."""

from auditlog.registry import auditlog

from .models import Course, TrainingRecord

auditlog.register(TrainingRecord)
auditlog.register(Course)
