"""GDPR: everything held about a member (export) and erasing a member who has left.

Other apps add their data through two lists in settings (members imports neither trainings nor shifts):
`GDPR_EXPORT_SECTIONS` (dotted paths of fn(member) -> list | dict; each a section of the export named after its
app) and `GDPR_ERASE_HOOKS` (dotted paths of hook(member), which anonymise the app's rows when a member is
erased; counts for statistics survive without her name).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.audit import ACTION_CODES
from core.errors import JourplanError
from notices.gdpr import export_notification_settings
from notices.models import Notice, PushDevice

from . import erasure_journal
from .models import Interview, Member, MemberStatus, Payment, PledgeSignature, RecordCheck

ExportSection = Callable[[Member], "list | dict"]
EraseHook = Callable[[Member], None]

ERASED_FIRST_NAME = "Raderad"


def export_sections() -> dict[str, ExportSection]:
    """The other apps' sections of a member export (settings.GDPR_EXPORT_SECTIONS), keyed by their app's name; an
    app's further sections by their function's name without "export_" (shifts.gdpr.export_availability:
    "availability")."""
    sections: dict[str, ExportSection] = {}
    for path in settings.GDPR_EXPORT_SECTIONS:
        app, function = path.partition(".")[0], path.rpartition(".")[2]
        sections[function.removeprefix("export_") if app in sections else app] = import_string(path)
    return sections


def erase_hooks() -> list[EraseHook]:
    """The other apps' erase hooks (settings.GDPR_ERASE_HOOKS), called inside member_erase's transaction,
    before her personal data is removed."""
    return [import_string(path) for path in settings.GDPR_ERASE_HOOKS]


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _member_audit_entries(member: Member):
    content_type = ContentType.objects.get_for_model(Member)
    return LogEntry.objects.filter(content_type=content_type, object_pk=str(member.pk))


def _audit_entries_of_her_rows(member: Member):
    """Audit entries of her interviews, record checks, pledge signatures and payments."""
    query = LogEntry.objects.none()
    for model in (Interview, RecordCheck, PledgeSignature, Payment):
        ids = [str(pk) for pk in model.objects.filter(member=member).values_list("pk", flat=True)]
        if ids:
            content_type = ContentType.objects.get_for_model(model)
            query = query | LogEntry.objects.filter(content_type=content_type, object_pk__in=ids)
    return LogEntry.objects.filter(pk__in=query.values("pk"))


def member_export(member: Member) -> dict:
    """Everything held about the member: profile, onboarding, payments, notices sent to her (kind and date
    only), her audit trail entries, and the sections other apps registered. Plain JSON-able values."""
    data = {
        "profile": {
            "organisation": member.organisation.name,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "email": member.email,
            "phone": str(member.phone) if member.phone else "",
            "postal_address": member.postal_address,
            "notes": member.notes,  # personal data about her: the right of access covers it
            "asked_to_join_at": _iso(member.asked_to_join_at),
            "interest_kinds": list(member.interest_kinds or []),
            "interest_text": member.interest_text,
            "language": member.language,
            "role": member.role,
            "status": member.status,
            "membership_type": member.membership_type,
            "member_since": _iso(member.member_since),
            "status_changed_on": _iso(member.status_changed_on),
            "left_on": _iso(member.left_on),
            "protected_identity": member.protected_identity,
            "share_phone": member.share_phone,
            "notice_channel": member.notice_channel,
            "login": member.user.email if member.user is not None else None,
            "created_at": _iso(member.created_at),
        },
        "onboarding": {
            "interviews": [
                {"held_on": _iso(i.held_on), "recorded_at": _iso(i.recorded_at)}
                for i in Interview.objects.filter(member=member)
            ],
            "pledge_signatures": [
                {"version": s.pledge_text.version, "signed_at": _iso(s.signed_at)}
                for s in PledgeSignature.objects.filter(member=member).select_related("pledge_text")
            ],
            "record_checks": [
                {"seen_on": _iso(r.seen_on), "valid_until": _iso(r.valid_until), "recorded_at": _iso(r.recorded_at)}
                for r in RecordCheck.objects.filter(member=member)
            ],
        },
        "payments": [
            {
                "year": p.year,
                "amount": str(p.amount),
                "paid_on": _iso(p.paid_on),
                "method": p.method,
                "reference": p.reference,
            }
            for p in Payment.objects.filter(member=member)
        ],
        "notices": [
            {"kind": n.kind, "date": _iso(n.sent_at or n.due_at)}
            for n in Notice.objects.filter(recipient=member).order_by("due_at", "pk")
        ],
        "notification_settings": export_notification_settings(member),
        "audit_log": [
            {
                "timestamp": _iso(e.timestamp),
                "action": ACTION_CODES.get(e.action, str(e.action)),
                "changed_fields": sorted(e.changes_dict),
            }
            for e in _member_audit_entries(member).order_by("timestamp")
        ],
    }
    for name, section in export_sections().items():
        data[name] = section(member)
    return data


class EraseRefused(JourplanError):
    pass


@transaction.atomic
def member_erase(*, member: Member, by: Member | None = None) -> Member:
    """Erase a member who has left.

    Guarantees: the rank rules hold (members.rank); her name, e-mail, phone, address and notes are gone; her
    interviews, record checks and pledge signatures are deleted; her payments stay (amounts per year, no
    reference text) so counts survive; her notices, push devices and audit trail entries are deleted; stored import
    uploads of her shelter are removed; other apps' erase hooks run first. Her login is unlinked. The login
    itself is erased only when she has no other membership (nor an open invitation elsewhere) and no
    federation standing (operator, staff); otherwise it is left untouched, and no other shelter's rows
    change. Erasing twice changes nothing.
    """
    from .imports import uploads_forget
    from .rank import check_may_manage

    member = Member.objects.select_for_update(of=("self",)).select_related("user").get(pk=member.pk)
    if member.erased_at:
        return member
    check_may_manage(by, member)
    if member.status != MemberStatus.LEFT:
        raise EraseRefused(_("Only a member who has left can be erased. Mark her as left first."))
    for hook in erase_hooks():
        hook(member)
    user = member.user
    _audit_entries_of_her_rows(member).delete()
    Interview.objects.filter(member=member).delete()
    RecordCheck.objects.filter(member=member).delete()
    PledgeSignature.objects.filter(member=member).delete()
    Payment.objects.filter(member=member).update(reference="")
    Notice.objects.filter(recipient=member).delete()
    PushDevice.objects.filter(member=member).delete()  # her browsers' push endpoints and keys
    member.first_name = ERASED_FIRST_NAME
    member.last_name = ""
    member.email = ""
    member.phone = ""
    member.postal_address = ""
    member.notes = ""
    member.interest_text = ""  # what she wrote in the interest form
    member.interest_kinds = []
    member.member_since = None
    member.protected_identity = False
    member.share_phone = False
    member.user = None
    member.invited_at = None
    member.erased_at = timezone.now()
    member.save()
    # Outside the database, so a restore of an older backup erases her again (members/erasure_journal.py).
    erasure_journal.journal_erasure(member)
    _member_audit_entries(member).delete()
    uploads_forget(organisation=member.organisation)
    if user is not None and _login_is_only_hers_here(user):
        # Her entries as an actor lose her e-mail; they can only be this shelter's, as this was her only one.
        LogEntry.objects.filter(actor=user).update(actor_email=None, remote_addr=None)
        _erase_login(user)
    elif user is not None:
        # She keeps her login (another shelter, or the federation): only this shelter's entries about its
        # members lose her address as the actor; nothing of the other shelter's changes.
        LogEntry.objects.filter(
            actor=user,
            content_type=ContentType.objects.get_for_model(Member),
            object_pk__in=[
                str(pk) for pk in Member.objects.filter(organisation=member.organisation).values_list("pk", flat=True)
            ],
        ).update(actor_email=None, remote_addr=None)
    return member


def _login_is_only_hers_here(user) -> bool:
    """Whether erasing this membership may erase the login: no other membership, no open invitation to her
    address elsewhere, no operator or staff standing."""
    if user.is_staff or user.is_superuser:
        return False
    if Member.objects.filter(user=user).exists():
        return False
    return not Member.objects.filter(user=None, invited_at__isnull=False, email__iexact=user.email).exists()


def _erase_login(user) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = f"erased-{user.pk}@invalid.jourplan"
    user.is_active = False
    user.set_unusable_password()
    user.save()


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    import calendar

    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def members_due_for_anonymising(today: date | None = None) -> list[int]:
    """Ids of members who left more than their shelter's anonymise_after_months ago and are not erased."""
    today = today or timezone.localdate()
    due: list[int] = []
    rows = (
        Member.objects.filter(status=MemberStatus.LEFT, erased_at=None, left_on__isnull=False)
        .select_related("organisation")
        .only("pk", "left_on", "organisation__anonymise_after_months")
    )
    for member in rows:
        if member.left_on is not None and member.left_on < months_before(
            today, member.organisation.anonymise_after_months
        ):
            due.append(member.pk)
    return due
