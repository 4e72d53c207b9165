"""Training records are in the audit trail (django-auditlog): who added, corrected or deleted what."""

from auditlog.registry import auditlog

from members.audit import register_member_rows

from .models import Course, TrainingRecord

auditlog.register(TrainingRecord)
register_member_rows(TrainingRecord)  # on the admins' audit trail page
auditlog.register(Course)
