"""Training notices through the one outbox (members.notices): expiry warnings and the coordinators' digest.

Planning is idempotent: every notice has a dedupe key (record + "60"/"14", or coordinator + ISO week), so the
hourly task may run any number of times. Content is rendered at send time from current data; a warning
about a training that has since been renewed or deleted is dropped.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from members.models import Member, Role
from notices.models import Notice
from notices.outbox import DropNotice, Message, notice_kind, notice_plan_many, render_template_message, site_url

from .models import TrainingRecord
from .qualification import EXPIRING_WITHIN_DAYS

WARN_DAYS = (60, 14)


def _latest_records():
    """Records not superseded by a later-expiring (or never-expiring) record of the same course, of current members."""
    newer = TrainingRecord.objects.filter(member=OuterRef("member"), course=OuterRef("course")).filter(
        Q(expires_on=None) | Q(expires_on__gt=OuterRef("expires_on"))
    )
    return (
        TrainingRecord.objects.exclude(expires_on=None)
        .filter(member__in=Member.objects.current(), course__active=True)
        .exclude(Exists(newer))
    )


def plan_expiry_notices(now: datetime) -> int:
    """Plan `training_expiring` 60 and 14 days before a training expires (only the nearer one when both are due)."""
    today = timezone.localdate(now)
    rows = []
    records = _latest_records().filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=max(WARN_DAYS)))
    for record in records.select_related("member"):
        days_left = (record.expires_on - today).days
        variant = "14" if days_left <= 14 else "60"
        rows.append({"recipient": record.member, "kind": "training_expiring", "subject": record, "variant": variant})
    return notice_plan_many(rows)


def plan_coordinator_digests(now: datetime) -> int:
    """Plan one `training_digest` per coordinator per ISO week, for shelters with expiring or expired trainings."""
    today = timezone.localdate(now)
    year, week, _day = today.isocalendar()
    horizon = today + timedelta(days=EXPIRING_WITHIN_DAYS)
    shelters = set(_latest_records().filter(expires_on__lte=horizon).values_list("course__organisation", flat=True))
    if not shelters:
        return 0
    coordinators = Member.objects.current().filter(organisation__in=shelters, role__in=[Role.COORDINATOR, Role.ADMIN])
    rows = [
        {"recipient": coordinator, "kind": "training_digest", "variant": f"{year}-W{week:02d}"}
        for coordinator in coordinators
    ]
    return notice_plan_many(rows)


@notice_kind("training_expiring")
def render_training_expiring(notice: Notice) -> Message:
    record = (
        TrainingRecord.objects.select_related("course", "member__organisation").filter(pk=notice.subject_id).first()
    )
    if record is None or record.member_id != notice.recipient_id:
        raise DropNotice("The training record no longer exists.")
    if _latest_records().filter(pk=record.pk).count() == 0:
        raise DropNotice("The training has been renewed.")
    link = site_url(reverse("trainings:mine", kwargs={"shelter": record.member.organisation.slug}))
    return render_template_message(
        "training_expiring", {"member": notice.recipient, "record": record, "course": record.course, "link": link}
    )


@notice_kind("training_digest")
def render_training_digest(notice: Notice) -> Message:
    """Counts per course only: no names in an e-mail (the matrix page, behind login, has the details)."""
    member = notice.recipient
    if not member.is_coordinator:
        raise DropNotice("The recipient is no longer a coordinator.")
    today = timezone.localdate()
    horizon = today + timedelta(days=EXPIRING_WITHIN_DAYS)
    rows = (
        _latest_records()
        .filter(course__organisation=member.organisation_id, expires_on__lte=horizon)
        .values_list("course__name", "expires_on")
    )
    expiring, expired = Counter(), Counter()
    for course_name, expires_on in rows:
        (expired if expires_on < today else expiring)[course_name] += 1
    if not expiring and not expired:
        raise DropNotice("Nothing expiring or expired any more.")
    courses = sorted(set(expiring) | set(expired))
    lines = [(name, expiring[name], expired[name]) for name in courses]
    link = site_url(reverse("trainings:matrix", kwargs={"shelter": member.organisation.slug}))
    return render_template_message("training_digest", {"member": member, "lines": lines, "link": link})
