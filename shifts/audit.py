"""Lines, shifts and assignments are in the audit trail (django-auditlog): who changed the rota, and overrides."""

from auditlog.registry import auditlog

from .models import Assignment, Line, PriorShifts, Shift, WorkloadRules

auditlog.register(Line)
auditlog.register(Shift)
auditlog.register(Assignment)
auditlog.register(WorkloadRules)  # the shelter's workload rules: who changed them, when
auditlog.register(PriorShifts)  # her prior shifts (issue 19): on the admins' audit trail (AUDIT_MEMBER_ROWS)
