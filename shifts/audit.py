"""Lines, shifts and assignments are in the audit trail (django-auditlog): who changed the rota, and overrides."""

from auditlog.registry import auditlog

from .models import Assignment, Line, Shift

auditlog.register(Line)
auditlog.register(Shift)
auditlog.register(Assignment)
