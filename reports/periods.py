"""The period a report covers: whole months, from one month to another, at most MAX_MONTHS.

Read from the query string with the tolerant parsers (core.params): a missing or unreadable month gives the
default period (last calendar year); a readable period that is too long or runs backwards is refused with a
message (the page answers 400), never a server error. The limit also bounds the work of every report, the PDF's
included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.http import QueryDict
from django.utils.translation import gettext as _

from core.models import Organisation
from core.params import parse_month

MAX_MONTHS = 24
LAST_YEAR = "last_year"
THIS_YEAR = "this_year"


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From the first day of `first` to the last day of `last` (both first days of months)."""

    first: date
    last: date

    @property
    def months(self) -> list[date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = next_month(month)
        return months

    @property
    def month_count(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    def bounds(self, organisation: Organisation) -> tuple[datetime, datetime]:
        """The period's start and end as instants of the shelter's wall clock (end exclusive)."""
        zone = organisation.zone
        after = next_month(self.last)
        return (
            datetime(self.first.year, self.first.month, 1, tzinfo=zone),
            datetime(after.year, after.month, 1, tzinfo=zone),
        )

    @property
    def end_day(self) -> date:
        """The first day after the period."""
        return next_month(self.last)

    def query(self) -> str:
        return f"from={self.first:%Y-%m}&to={self.last:%Y-%m}"

    def slug(self) -> str:
        return f"{self.first:%Y-%m}" if self.first == self.last else f"{self.first:%Y-%m}_{self.last:%Y-%m}"


def last_year(today: date) -> Period:
    return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 1))


def this_year(today: date) -> Period:
    return Period(date(today.year, 1, 1), date(today.year, today.month, 1))


class PeriodRefused(ValueError):
    """A readable period that cannot be reported: too long, or ending before it starts."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def period_from_query(query: QueryDict, today: date) -> Period:
    """?period=last_year|this_year, or ?from=YYYY-MM&to=YYYY-MM; anything unreadable gives last year.

    Raises PeriodRefused for a readable period longer than MAX_MONTHS or running backwards."""
    preset = query.get("period", "").strip()
    if preset == THIS_YEAR:
        return this_year(today)
    default = last_year(today)
    sentinel = date.min  # parse_month never returns it: tells "unreadable" from a real month
    first = parse_month(query.get("from", "").strip(), sentinel)
    last = parse_month(query.get("to", "").strip(), sentinel)
    if preset == LAST_YEAR or first is sentinel or last is sentinel:
        return default
    if last < first:
        raise PeriodRefused(_("The period ends before it starts. Choose the first month, then the last."))
    period = Period(first, last)
    if period.month_count > MAX_MONTHS:
        raise PeriodRefused(
            _("A report covers at most %(months)s months. Choose a shorter period.") % {"months": MAX_MONTHS}
        )
    return period
