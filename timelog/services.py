"""Every write of volunteer time: her own entries (log, change, withdraw), the coordinators' decisions (approve,
return with a reason) and the shelter's kinds (create, rename, deactivate, activate, delete an unused one).

Each service is one transaction and raises `TimeLogError` (Swedish sentences through gettext) with nothing saved.
The audit trail (django-auditlog, timelog/audit.py) records every saved entry and kind with who did it, because
each write goes through `save()` or `create()`, never a queryset update.

Who decides whose time (the house's rank rule, CONVENTIONS "Rank"): nobody approves or returns her own entry;
a coordinator decides volunteers' and other coordinators' entries; an admin decides anyone's of her shelter. An
admin's entry therefore waits for another admin: a coordinator does not act above her rank.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import JourplanError
from core.models import Organisation
from core.validators import LINE_BREAKS
from members.gdpr import months_before
from members.models import ROLE_RANK, Member, MemberStatus, Role

from .models import TimeEntry, TimeEntryStatus, TimeKind

# Hours are logged in quarter hours, from a quarter of an hour to a whole day.
HOURS_STEP = Decimal("0.25")
HOURS_MIN = Decimal("0.25")
HOURS_MAX = Decimal("24")
DAY_HOURS_MAX = Decimal("24")
# How far back she may log (and change an entry to): a rolling year. Time is counted for the annual report and
# grant applications, compiled in the first months of the next year; a year back lets her catch up on what she
# forgot, while a report already handed in for an older year does not change under the board's feet.
LOG_MONTHS_BACK = 12
KIND_NAME_MAX = 100
REASON_MAX = 200
OPEN_STATUSES = (TimeEntryStatus.SUBMITTED, TimeEntryStatus.RETURNED)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class TimeLogError(JourplanError):
    """Volunteer time could not be logged, changed or decided (the reasons in words); nothing was saved."""


# --- Checks shared by the services and the forms ---------------------------------------------------------------


def parse_hours(value: object) -> Decimal:
    """Hours as typed ("2", "1,5", "0.75") as a Decimal in quarter hours from 0.25 to 24; TimeLogError otherwise."""
    text = str(value if value is not None else "").strip().replace(",", ".")
    try:
        hours = Decimal(text) if text and len(text) <= 10 else None
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite():
        raise TimeLogError(_("Write the hours as a number, e.g. 2 or 1.5."))
    if hours < HOURS_MIN or hours > HOURS_MAX:
        raise TimeLogError(_("The hours must be between 0.25 and 24."))
    if hours % HOURS_STEP:
        raise TimeLogError(_("Write the hours in quarter hours, e.g. 1.25, 1.5 or 1.75."))
    return hours.quantize(Decimal("0.01"))


def earliest_day(organisation: Organisation, now: datetime | None = None) -> date:
    return months_before(today_in(organisation, now), LOG_MONTHS_BACK)


def today_in(organisation: Organisation, now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now(), organisation.zone)


def check_day(organisation: Organisation, day: date, now: datetime | None = None) -> None:
    """The day is not in the future (in the shelter's time zone) and at most LOG_MONTHS_BACK months back."""
    if day > today_in(organisation, now):
        raise TimeLogError(_("The date cannot be in the future."))
    if day < earliest_day(organisation, now):
        raise TimeLogError(_("The date can be at most 12 months back."))


def _checked_kind(member: Member, kind: TimeKind, *, keep: TimeKind | None = None) -> TimeKind:
    """A kind of her shelter that is in use (or the one her entry already has: a kind deactivated since stays)."""
    if kind.organisation_id != member.organisation_id:
        raise TimeLogError(_("Choose a kind of time of this shelter."))
    if not kind.active and (keep is None or kind.pk != keep.pk):
        raise TimeLogError(_("This kind of time is no longer in use. Choose another."))
    return kind


def _check_day_total(member: Member, day: date, hours: Decimal, *, besides: TimeEntry | None = None) -> None:
    """Her entries of the day (in any status: a returned one may come back) with these hours stay within 24."""
    entries = TimeEntry.objects.filter(member=member, day=day)
    if besides is not None:
        entries = entries.exclude(pk=besides.pk)
    logged = entries.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if logged + hours > DAY_HOURS_MAX:
        left = max(DAY_HOURS_MAX - logged, Decimal(0))
        raise TimeLogError(
            _("You cannot log more than 24 hours on one day. %(hours)s hours are left on that day.")
            % {"hours": _hours_text(left)}
        )


def _hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():f}".replace(".", ",")


def _current_member(member: Member) -> Member:
    """Her membership, locked: her writes queue one after another (the day's 24 hours cannot be passed by two at
    once). A member who has left or was erased logs nothing."""
    member = Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)
    if member.erased_at is not None or member.status == MemberStatus.LEFT:
        raise TimeLogError(_("Only a current member of the shelter can log time."))
    return member


def _her_open_entry(entry: TimeEntry, member: Member) -> TimeEntry:
    entry = TimeEntry.objects.select_for_update().select_related("kind").get(pk=entry.pk)
    if entry.member_id != member.pk:
        raise TimeLogError(_("You can only change your own time."))
    if entry.status not in OPEN_STATUSES:
        raise TimeLogError(_("Approved time can no longer be changed."))
    return entry


# --- Her own entries -------------------------------------------------------------------------------------------


@transaction.atomic
def time_entry_log(
    *, member: Member, kind: TimeKind, day: date, hours: Decimal | str, now: datetime | None = None
) -> TimeEntry:
    """She logs `hours` of `kind` on `day`, waiting for a coordinator's approval.

    Guarantees: the kind is her shelter's and in use; the day is not in the future and at most 12 months back (her
    shelter's calendar); the hours are quarter hours from 0.25 to 24, and her entries of that day stay within 24
    hours (her membership row is locked, so two requests at once cannot pass it together). Nothing else is stored:
    no name, case or text.
    """
    member = _current_member(member)
    hours = parse_hours(hours)
    _checked_kind(member, kind)
    check_day(member.organisation, day, now)
    _check_day_total(member, day, hours)
    return TimeEntry.objects.create(member=member, kind=kind, day=day, hours=hours)


@transaction.atomic
def time_entry_change(
    *, entry: TimeEntry, member: Member, kind: TimeKind, day: date, hours: Decimal | str, now: datetime | None = None
) -> TimeEntry:
    """She changes her own entry while it waits or was returned; it waits for approval again (a returned entry's
    reason is cleared with the decision). The same checks as logging; the kind it already had may stay even if it
    is no longer in use."""
    member = _current_member(member)
    entry = _her_open_entry(entry, member)
    hours = parse_hours(hours)
    _checked_kind(member, kind, keep=entry.kind)
    check_day(member.organisation, day, now)
    _check_day_total(member, day, hours, besides=entry)
    entry.kind, entry.day, entry.hours = kind, day, hours
    entry.status = TimeEntryStatus.SUBMITTED
    entry.decided_by, entry.decided_at, entry.return_reason = None, None, ""
    entry.save()
    return entry


@transaction.atomic
def time_entry_withdraw(*, entry: TimeEntry, member: Member) -> None:
    """She takes back her own entry while it waits or was returned: it is deleted (the audit trail keeps that it
    was). Approved time stays."""
    member = _current_member(member)
    entry = _her_open_entry(entry, member)
    entry.delete()


# --- The coordinators' decisions -------------------------------------------------------------------------------


def may_decide(decider: Member, owner: Member) -> bool:
    """Whether `decider` may approve or return `owner`'s time: her shelter, a coordinator or admin, never her own,
    and never above her rank (an admin's entry needs an admin)."""
    return (
        decider.organisation_id == owner.organisation_id
        and decider.is_coordinator
        and decider.pk != owner.pk
        and ROLE_RANK[owner.role] <= ROLE_RANK[decider.role]
    )


def decidable_roles(decider: Member) -> list[str]:
    """The roles whose entries `decider` may decide (her own entries excepted)."""
    if not decider.is_coordinator:
        return []
    return [role for role in Role.values if ROLE_RANK[role] <= ROLE_RANK[decider.role]]


def entry_version(entry: TimeEntry) -> str:
    """What the coordinator saw: the entry's id and the moment it was last saved. A decision sent with an older
    version (she changed it meanwhile) is not applied."""
    micros = (entry.updated_at - _EPOCH) // timedelta(microseconds=1) if entry.updated_at else 0
    return f"{entry.pk}-{micros}"


def _decider(by: Member) -> Member:
    by = Member.objects.select_related("organisation").get(pk=by.pk)
    if by.erased_at is not None or by.status == MemberStatus.LEFT or not by.is_coordinator:
        raise TimeLogError(_("Only a coordinator of this shelter can approve or return time."))
    return by


def _decidable(entry: TimeEntry, by: Member, seen: str | None) -> TimeEntry:
    entry = TimeEntry.objects.select_for_update().select_related("member", "kind").get(pk=entry.pk)
    if entry.member.organisation_id != by.organisation_id:
        raise TimeLogError(_("Only a coordinator of this shelter can approve or return time."))
    if entry.member.pk == by.pk:
        raise TimeLogError(_("Your own time is approved by another coordinator."))
    if not may_decide(by, entry.member):
        raise TimeLogError(_("Only an admin can approve or return an admin's time."))
    if entry.status != TimeEntryStatus.SUBMITTED:
        raise TimeLogError(_("This time has already been decided or taken back."))
    if seen is not None and seen != entry_version(entry):
        raise TimeLogError(_("The time was changed after you opened the page. Check it again."))
    return entry


@transaction.atomic
def time_entry_approve(
    *, entry: TimeEntry, by: Member, seen: str | None = None, now: datetime | None = None
) -> TimeEntry:
    """A coordinator approves a waiting entry (may_decide: not her own, not above her rank); it then counts in the
    shelter's volunteer time. With `seen` (entry_version as the page showed it) an entry changed since is refused."""
    by = _decider(by)
    entry = _decidable(entry, by, seen)
    entry.status = TimeEntryStatus.APPROVED
    entry.decided_by, entry.decided_at, entry.return_reason = by, now or timezone.now(), ""
    entry.save()
    return entry


@dataclass(frozen=True)
class BulkApproval:
    approved: int
    skipped: int  # decided meanwhile, withdrawn, changed since the page was shown, or not hers to decide


@transaction.atomic
def time_entries_approve(
    *, organisation: Organisation, versions: Iterable[str], by: Member, now: datetime | None = None
) -> BulkApproval:
    """A coordinator approves the ticked entries of her queue at once (each as `entry_version`, what she saw).

    Guarantees: only entries of her shelter that still wait, unchanged since she saw them, and that she may decide
    are approved; the rest are counted as skipped, never an error. All in one transaction.
    """
    by = _decider(by)
    if by.organisation_id != organisation.pk:
        raise TimeLogError(_("Only a coordinator of this shelter can approve or return time."))
    wanted: dict[int, str] = {}
    for version in versions:
        pk_text, _dash, _rest = str(version).partition("-")
        if pk_text.isascii() and pk_text.isdigit() and 0 < int(pk_text) < 2**63:
            wanted[int(pk_text)] = str(version)
    entries = (
        TimeEntry.objects.for_organisation(organisation)
        .select_for_update(of=("self",))
        .select_related("member")
        .filter(pk__in=list(wanted), status=TimeEntryStatus.SUBMITTED)
        .order_by("pk")
    )
    decided_at = now or timezone.now()
    approved = 0
    for entry in entries:
        if not may_decide(by, entry.member) or entry_version(entry) != wanted[entry.pk]:
            continue
        entry.status = TimeEntryStatus.APPROVED
        entry.decided_by, entry.decided_at, entry.return_reason = by, decided_at, ""
        entry.save()
        approved += 1
    return BulkApproval(approved=approved, skipped=len(wanted) - approved)


def checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise TimeLogError(_("Write why the time is returned, in one short line."))
    if not LINE_BREAKS.isdisjoint(reason):
        raise TimeLogError(_("Write the reason on one line, without line breaks."))
    if len(reason) > REASON_MAX:
        raise TimeLogError(_("The reason can be at most %(count)d characters.") % {"count": REASON_MAX})
    return reason


@transaction.atomic
def time_entry_return(
    *, entry: TimeEntry, by: Member, reason: str, seen: str | None = None, now: datetime | None = None
) -> TimeEntry:
    """A coordinator returns a waiting entry to her with a short one-line reason (she sees it on her page, changes
    the entry and sends it again, or withdraws it). The same rank rules as approving."""
    reason = checked_reason(reason)
    by = _decider(by)
    entry = _decidable(entry, by, seen)
    entry.status = TimeEntryStatus.RETURNED
    entry.decided_by, entry.decided_at, entry.return_reason = by, now or timezone.now(), reason
    entry.save()
    return entry


# --- The shelter's kinds ----------------------------------------------------------------------------------------


def _kind_manager(organisation: Organisation, by: Member | None) -> None:
    """`by=None` is trusted code (the demo, a command); a person must be a current coordinator of the shelter."""
    if by is None:
        return
    if (
        by.organisation_id != organisation.pk
        or not by.is_coordinator
        or by.erased_at is not None
        or by.status == MemberStatus.LEFT
    ):
        raise TimeLogError(_("Only a coordinator of this shelter can change the kinds of time."))


def checked_kind_name(name: str) -> str:
    name = " ".join((name or "").split()) if LINE_BREAKS.isdisjoint(name or "") else ""
    if not name:
        raise TimeLogError(_("Write the kind's name on one line."))
    if len(name) > KIND_NAME_MAX:
        raise TimeLogError(_("The name can be at most %(count)d characters.") % {"count": KIND_NAME_MAX})
    return name


def _name_taken(organisation: Organisation, name: str, besides: TimeKind | None = None) -> bool:
    kinds = TimeKind.objects.for_organisation(organisation).filter(name__iexact=name)
    if besides is not None:
        kinds = kinds.exclude(pk=besides.pk)
    return kinds.exists()


@transaction.atomic
def time_kind_create(*, organisation: Organisation, name: str, by: Member | None) -> TimeKind:
    """A new kind of time the shelter counts, in use, last in the list. Names are unique in the shelter (case
    does not make another kind)."""
    _kind_manager(organisation, by)
    name = checked_kind_name(name)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one new kind at a time
    if _name_taken(organisation, name):
        raise TimeLogError(_("This shelter already has a kind with that name."))
    last = TimeKind.objects.for_organisation(organisation).order_by("-position").first()
    try:
        with transaction.atomic():
            return TimeKind.objects.create(
                organisation=organisation, name=name, position=(last.position + 1) if last else 0
            )
    except IntegrityError:
        raise TimeLogError(_("This shelter already has a kind with that name.")) from None


def _own_kind(organisation: Organisation, kind: TimeKind) -> TimeKind:
    kind = TimeKind.objects.select_for_update().get(pk=kind.pk)
    if kind.organisation_id != organisation.pk:
        raise TimeLogError(_("Choose a kind of time of this shelter."))
    return kind


@transaction.atomic
def time_kind_rename(*, organisation: Organisation, kind: TimeKind, name: str, by: Member | None) -> TimeKind:
    """Renames a kind; entries already logged follow (they point to the kind, not to its name)."""
    _kind_manager(organisation, by)
    name = checked_kind_name(name)
    kind = _own_kind(organisation, kind)
    if _name_taken(organisation, name, besides=kind):
        raise TimeLogError(_("This shelter already has a kind with that name."))
    kind.name = name
    kind.save()
    return kind


@transaction.atomic
def time_kind_deactivate(*, organisation: Organisation, kind: TimeKind, by: Member | None) -> TimeKind:
    """A kind no longer offered when logging; entries of it keep it and still count."""
    _kind_manager(organisation, by)
    kind = _own_kind(organisation, kind)
    if kind.active:
        kind.active = False
        kind.save()
    return kind


@transaction.atomic
def time_kind_activate(*, organisation: Organisation, kind: TimeKind, by: Member | None) -> TimeKind:
    """A deactivated kind offered again."""
    _kind_manager(organisation, by)
    kind = _own_kind(organisation, kind)
    if not kind.active:
        kind.active = True
        kind.save()
    return kind


@transaction.atomic
def time_kind_delete(*, organisation: Organisation, kind: TimeKind, by: Member | None) -> None:
    """Deletes a kind nobody has logged time of (a mistyped one); a kind in use can only be deactivated."""
    _kind_manager(organisation, by)
    kind = _own_kind(organisation, kind)
    if TimeEntry.objects.filter(kind=kind).exists():
        raise TimeLogError(_("Time has been logged of this kind, so it cannot be deleted. Deactivate it instead."))
    kind.delete()
