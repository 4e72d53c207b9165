"""When a shelter's membership fee falls due and which reminder round a day belongs to (issue 18).

A shelter sets the day the year's fee is due (`Organisation.fee_due_month` / `fee_due_day`, wall-clock date in
its time zone) and the days between reminders. Reminders go from the day after the due date, one per round of
`fee_reminder_interval_days` days: round 0 starts the day after the due date, round 1 an interval later, and so
on, until the year ends. A round is identified by "<year>:<round>", the notices' variant, so beat's scan (every
tick) plans each member's reminder once per round.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.models import Organisation

from .models import FeeRate, Member, MemberQuerySet, MemberStatus, Payment

# The shelter's choices (the model's validators say the same).
FEE_REMINDER_INTERVAL_DAYS = (7, 365)
FEE_PAYMENT_TEXT_MAX = 1000
# The local time a round's reminders are sent (never at midnight, when the scan first sees the new round).
REMINDER_TIME = time(9, 0)
# February has 29 days in a leap year: the 29th is a valid due day, moved to the 28th in other years.
LONGEST_MONTH = {month: calendar.monthrange(2024, month)[1] for month in range(1, 13)}


def due_day_error(month: int, day: int) -> str:
    """Why (month, day) is no due date, in the active language; "" when it is one."""
    if not 1 <= month <= 12:
        return _("Choose a month.")
    if not 1 <= day <= LONGEST_MONTH[month]:
        return _("%(month)s has only %(days)s days.") % {
            "month": capfirst(month_name(month)),
            "days": LONGEST_MONTH[month],
        }
    return ""


def month_name(month: int) -> str:
    """The month's name in the active language ("februari")."""
    return str(MONTHS[month])


def fee_due_date(organisation: Organisation, year: int) -> date:
    """The day the year's fee is due: the shelter's month and day, the day moved back to the month's last day
    when the month is shorter (the 31st in April is 30 April, the 29th of February in 2027 is 28 February)."""
    month = min(max(organisation.fee_due_month, 1), 12)
    day = min(max(organisation.fee_due_day, 1), calendar.monthrange(year, month)[1])
    return date(year, month, day)


@dataclass(frozen=True)
class ReminderRound:
    """One round of fee reminders: the year the fee is for, the round's number and the day it starts."""

    year: int
    number: int
    starts_on: date

    @property
    def variant(self) -> str:
        return f"{self.year}:{self.number}"

    def send_at(self, organisation: Organisation) -> datetime:
        """When the round's reminders may go: REMINDER_TIME local time on its first day (aware)."""
        return datetime.combine(self.starts_on, REMINDER_TIME, tzinfo=organisation.zone)


def reminder_round(organisation: Organisation, now: datetime) -> ReminderRound | None:
    """The round `now` falls in (the shelter's local date), or None before the fee is due this year.

    Only the date counts, not whether reminders are switched on (the caller asks that)."""
    today = now.astimezone(organisation.zone).date()
    first_day = fee_due_date(organisation, today.year) + timedelta(days=1)
    if today < first_day:
        return None
    interval = max(organisation.fee_reminder_interval_days, 1)
    number = (today - first_day).days // interval
    return ReminderRound(today.year, number, first_day + timedelta(days=number * interval))


def first_reminder_day(organisation: Organisation, year: int) -> date:
    return fee_due_date(organisation, year) + timedelta(days=1)


# Members who pay the fee: those in the register this year. Not prospective (not members yet), not those who left.
FEE_PAYING_STATUSES = (MemberStatus.ACTIVE, MemberStatus.PAUSED)


def members_owing_fee(organisations: Iterable[Organisation], year: int) -> MemberQuerySet:
    """The shelters' members who owe the year's fee and have no payment recorded for it (one query).

    Active or paused members, not erased, whose membership type's fee for the year at her shelter is not zero: a
    type with no rate set for the year still owes a fee (the amount is not known), a rate of 0 kr owes none."""
    free = FeeRate.objects.filter(
        organisation=OuterRef("organisation"), year=year, membership_type=OuterRef("membership_type"), amount=0
    )
    paid = Payment.objects.filter(member=OuterRef("pk"), year=year)
    return (
        Member.objects.filter(organisation__in=[organisation.pk for organisation in organisations])
        .filter(status__in=FEE_PAYING_STATUSES, erased_at=None)
        .exclude(Exists(free))
        .exclude(Exists(paid))
    )
