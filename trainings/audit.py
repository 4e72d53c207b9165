"""Training records are in the audit trail (django-auditlog): who added, corrected or deleted what."""

from auditlog.registry import auditlog

from .models import Course, TrainingRecord

auditlog.register(TrainingRecord)
auditlog.register(Course)
