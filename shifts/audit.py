"""Lines, shifts and assignments are in the audit trail (django-auditlog): who changed the rota, and overrides."""

from auditlog.registry import auditlog

from .models import Assignment, Line, NationalParticipation, NationalVolunteer, PriorShifts, Shift, WorkloadRules

auditlog.register(Line)
auditlog.register(Shift)
auditlog.register(Assignment)
auditlog.register(WorkloadRules)  # the shelter's workload rules: who changed them, when
auditlog.register(PriorShifts)  # her prior shifts (issue 19): on the admins' audit trail (AUDIT_MEMBER_ROWS)
auditlog.register(NationalParticipation)  # a shelter invited to, taking part in or leaving a national line
auditlog.register(NationalVolunteer)  # who let her in on a national line (AUDIT_MEMBER_ROWS)
