"""Prior experience (issue 19): shifts she worked before the shelter used Jourplan, recorded by a coordinator (or
the member import) as a count on one line or on any line, up to a date. The experience rule counts them with her
completed shifts (`shifts.rules._completed_by_line`): a count on a line counts on that line, a count on any line
counts on every line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import JourplanError
from members.models import Member
from members.rank import check_may_manage

from .models import Line, PriorShifts

PRIOR_SHIFTS_MAX = 10000  # the model's validator


class PriorShiftsRefused(JourplanError):
    """A count, a date or a line that cannot be recorded."""


@transaction.atomic
def prior_shifts_record(
    *, member: Member, line: Line | None, count: int, as_of: date, by: Member | None, now: datetime | None = None
) -> PriorShifts | None:
    """Record that she worked `count` shifts on `line` (None: on any line) up to `as_of`, replacing what was recorded
    for her on that line (or on any line); a count of 0 removes it (and returns None). Refused (RankRefused) when
    `by` may not manage her (another shelter, a higher role; None is the system, e.g. the import); refused
    (PriorShiftsRefused) for a line of another shelter, a negative or too large count, or a date after today.
    Audited (django-auditlog), one transaction."""
    check_may_manage(by, member)
    if line is not None and line.organisation_id != member.organisation_id:
        raise PriorShiftsRefused(_("That line is not one of the shelter's."))
    if not 0 <= count <= PRIOR_SHIFTS_MAX:
        raise PriorShiftsRefused(_("The number of shifts must be between 0 and %(max)d.") % {"max": PRIOR_SHIFTS_MAX})
    today = (now or timezone.now()).astimezone(member.organisation.zone).date()
    if as_of > today:
        raise PriorShiftsRefused(_("The date cannot be in the future."))
    # Her row is locked so that two coordinators recording at once leave one count per line, not two.
    list(Member.objects.select_for_update().filter(pk=member.pk).order_by().values_list("pk", flat=True))
    for row in PriorShifts.objects.filter(member=member, line=line).order_by("pk"):
        row.delete()  # one by one, so the audit trail has each
    if count == 0:
        return None
    return PriorShifts.objects.create(member=member, line=line, count=count, as_of=as_of, recorded_by=by)


@dataclass(frozen=True)
class PriorRow:
    line_name: str  # empty: any line
    count: int
    as_of: date
    recorded_by: str  # a first name, or empty (the import, or someone since erased)


def prior_shifts_of(member: Member) -> list[PriorRow]:
    """Her recorded prior shifts, any line first, then by line name: one query."""
    rows = PriorShifts.objects.filter(member=member).select_related("line", "recorded_by").order_by("line__name", "pk")
    result = [
        PriorRow(
            line_name=row.line.name if row.line else "",
            count=row.count,
            as_of=row.as_of,
            recorded_by=row.recorded_by.first_name if row.recorded_by and not row.recorded_by.erased_at else "",
        )
        for row in rows
    ]
    return sorted(result, key=lambda row: (row.line_name != "", row.line_name))


# -- the member import's columns (settings.MEMBER_IMPORT_EXTENSIONS) -------------------------------------------


def _clean_count(value) -> int | None:
    from members.imports import CellError, _cell_text

    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _cell_text(value).replace("\xa0", "").replace(" ", "")
    if not text:
        return None
    if not text.isdigit() or int(text) > PRIOR_SHIFTS_MAX:
        raise CellError(
            _("“%(value)s” is not a number of shifts; write a whole number from 0 to %(max)d.")
            % {"value": _cell_text(value), "max": PRIOR_SHIFTS_MAX}
        )
    return int(text)


class PriorShiftsImport:
    """“Prior shifts” and “Prior shifts until” in the member import: her shifts on any line before Jourplan,
    recorded with `prior_shifts_record` (replacing her any-line count; 0 removes it). An empty count changes
    nothing; a date without a count is an error; no date means the day of the import."""

    @property
    def columns(self) -> tuple:
        from django.utils.translation import gettext_lazy

        from members.imports import Column

        return (
            Column(
                "prior_shifts",
                gettext_lazy("Prior shifts"),
                ("tidigare pass", "tidigare jourpass", "prior shifts", "prior_shifts"),
                help=gettext_lazy(
                    "Shifts she worked before Jourplan, on any line: a whole number. They count toward being "
                    "experienced. Empty changes nothing; 0 removes them."
                ),
            ),
            Column(
                "prior_shifts_until",
                gettext_lazy("Prior shifts until"),
                ("tidigare pass till", "tidigare pass t.o.m.", "prior shifts until", "prior_shifts_until"),
                help=gettext_lazy("A date, written YYYY-MM-DD; empty means the day of the import."),
            ),
        )

    def cleaners(self) -> dict:
        from members.imports import clean_date

        return {"prior_shifts": _clean_count, "prior_shifts_until": clean_date}

    def row_errors(self, values: dict, *, today: date) -> list[tuple[str, str]]:
        count, until = values.get("prior_shifts"), values.get("prior_shifts_until")
        if until is not None and count is None:
            return [("prior_shifts", _("Write the number of prior shifts too, or leave the date empty."))]
        if until is not None and until > today:
            return [("prior_shifts_until", _("The date cannot be in the future."))]
        return []

    def write(self, *, member: Member, values: dict, by: Member, today: date) -> None:
        count = values.get("prior_shifts")
        if count is None:
            return
        prior_shifts_record(
            member=member, line=None, count=count, as_of=values.get("prior_shifts_until") or today, by=by
        )


PRIOR_SHIFTS_IMPORT = PriorShiftsImport()
