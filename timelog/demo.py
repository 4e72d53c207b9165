"""Demo volunteer time for the demo shelter: the four kinds most shelters count, and a few entries in each status
(approved, waiting, returned with a reason), logged and decided through the services. Running it again creates
nothing twice (kinds are found by name; entries are only made when the shelter has none)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from members.models import Member, Role

from .models import TimeEntry, TimeKind
from .services import time_entry_approve, time_entry_log, time_entry_return, time_kind_create

KINDS = ["Stödperson vid rättegång/polisförhör", "Förebyggande samtal", "Styrelsearbete", "Utbildning"]
# (volunteer's e-mail, kind index, days ago, hours, what happens: "approve", "return" or "" (waits))
ENTRIES = [
    ("anna@demo.jourplan.test", 0, 40, "3", "approve"),
    ("anna@demo.jourplan.test", 1, 12, "1.5", ""),
    ("lena@demo.jourplan.test", 1, 30, "2", "approve"),
    ("lena@demo.jourplan.test", 3, 8, "6", ""),
    ("karin@demo.jourplan.test", 0, 20, "4.5", "return"),
    ("karin@demo.jourplan.test", 2, 5, "2", ""),
    ("eva@demo.jourplan.test", 3, 50, "7.5", "approve"),
    ("coordinator@demo.jourplan.test", 2, 15, "3", ""),
]
RETURN_REASON = "Fel datum? Rättegången var dagen efter."


def seed(organisation) -> None:
    existing = set(TimeKind.objects.for_organisation(organisation).values_list("name", flat=True))
    for name in KINDS:
        if name not in existing:
            time_kind_create(organisation=organisation, name=name, by=None)
    if TimeEntry.objects.for_organisation(organisation).exists():
        return
    kinds = {kind.name: kind for kind in TimeKind.objects.for_organisation(organisation)}
    people = {member.email: member for member in Member.objects.for_organisation(organisation).current()}
    decider = people.get("admin@demo.jourplan.test") or next(
        (member for member in people.values() if member.role == Role.ADMIN), None
    )
    today = timezone.localdate(timezone.now(), organisation.zone)
    for email, kind_index, days_ago, hours, outcome in ENTRIES:
        member = people.get(email)
        if member is None:
            continue
        entry = time_entry_log(
            member=member, kind=kinds[KINDS[kind_index]], day=today - timedelta(days=days_ago), hours=Decimal(hours)
        )
        if decider is None or outcome == "":
            continue
        if outcome == "approve":
            time_entry_approve(entry=entry, by=decider)
        else:
            time_entry_return(entry=entry, by=decider, reason=RETURN_REASON)
