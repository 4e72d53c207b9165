"""Which models the audit trail (django-auditlog) records; contact data is masked in the log."""

from auditlog.registry import auditlog

from .models import Member, Organisation

auditlog.register(Member, mask_fields=["email", "phone"], exclude_fields=["updated_at"])
auditlog.register(Organisation)
