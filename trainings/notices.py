"""The trainings' notice kinds (listed in settings.NOTICE_KINDS): expiry warnings and the coordinators' digest.

Both are planned by beat's scan (notices.tasks.dispatch_due_notices calls each kind's `plan`). Planning is
idempotent: every notice has a dedupe key (record + "60"/"14", or coordinator + ISO week), so the scan may run
any number of times. Content is rendered at send time from current data; a warning about a training that has
since been renewed or deleted is dropped.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, Role
from notices.kinds import NoticeKind, subject_of
from notices.models import Notice, Topic
from notices.outbox import Message, notice_plan_many, render_template_message, site_url

from .models import CoursePurpose, TrainingRecord
from .qualification import EXPIRING_WITHIN_DAYS

WARN_DAYS = (60, 14)


def latest_expiring_records():
    """Records not superseded by a later-expiring (or never-expiring) record of the same course, of current members."""
    newer = TrainingRecord.objects.filter(member=OuterRef("member"), course=OuterRef("course")).filter(
        Q(expires_on=None) | Q(expires_on__gt=OuterRef("expires_on"))
    )
    return (
        TrainingRecord.objects.exclude(expires_on=None)
        .filter(member__in=Member.objects.current(), course__active=True, course__purpose=CoursePurpose.TRAINING)
        .exclude(Exists(newer))
    )


class TrainingExpiring(NoticeKind):
    """A member's training expires in 60 (then 14) days."""

    slug = "training_expiring"
    label = _("Training expiring")
    topic = Topic.REMINDERS

    def plan(self, now: datetime) -> int:
        """Plan a warning 60 and 14 days before a training expires (only the nearer one when both are due)."""
        today = timezone.localdate(now)
        rows = []
        horizon = today + timedelta(days=max(WARN_DAYS))
        for record in (
            latest_expiring_records().filter(expires_on__gte=today, expires_on__lte=horizon).select_related("member")
        ):
            days_left = (record.expires_on - today).days
            variant = "14" if days_left <= 14 else "60"
            rows.append({"recipient": record.member, "kind": self.slug, "subject": record, "variant": variant})
        return notice_plan_many(rows)

    def load(self, notice: Notice) -> TrainingRecord | None:
        return subject_of(TrainingRecord.objects.select_related("course", "member__organisation"), notice)

    def is_obsolete(self, notice: Notice) -> str:
        record = self.subject(notice)
        if record is None or record.member_id != notice.recipient_id:
            return "The training record no longer exists."
        if latest_expiring_records().filter(pk=record.pk).count() == 0:
            return "The training has been renewed."
        return ""

    def render(self, notice: Notice) -> Message:
        record = self.subject(notice)
        link = site_url(reverse("trainings:mine", kwargs={"organisation": record.member.organisation.slug}))
        return render_template_message(
            self.template_name, {"member": notice.recipient, "record": record, "course": record.course, "link": link}
        )


class TrainingDigest(NoticeKind):
    """Once a week, to each coordinator of a shelter with expiring or expired trainings: counts per course only,
    no names in an e-mail (the matrix page, behind login, has the details)."""

    slug = "training_digest"
    label = _("Trainings expiring (summary)")
    topic = Topic.ACCOUNT  # a coordinator's weekly summary, by e-mail: it links to pages behind her login

    def plan(self, now: datetime) -> int:
        """One digest per coordinator per ISO week, for shelters with expiring or expired trainings."""
        today = timezone.localdate(now)
        year, week, _day = today.isocalendar()
        horizon = today + timedelta(days=EXPIRING_WITHIN_DAYS)
        organisations = set(
            latest_expiring_records().filter(expires_on__lte=horizon).values_list("course__organisation", flat=True)
        )
        if not organisations:
            return 0
        coordinators = Member.objects.current().filter(
            organisation__in=organisations, role__in=[Role.COORDINATOR, Role.ADMIN]
        )
        rows = [
            {"recipient": coordinator, "kind": self.slug, "variant": f"{year}-W{week:02d}"}
            for coordinator in coordinators
        ]
        return notice_plan_many(rows)

    def load(self, notice: Notice) -> list[tuple[str, int, int]]:
        """(course name, expiring, expired) for her shelter's courses with any, by name."""
        today = timezone.localdate()
        horizon = today + timedelta(days=EXPIRING_WITHIN_DAYS)
        rows = (
            latest_expiring_records()
            .filter(course__organisation=notice.recipient.organisation_id, expires_on__lte=horizon)
            .values_list("course__name", "expires_on")
        )
        expiring: Counter[str] = Counter()
        expired: Counter[str] = Counter()
        for course_name, expires_on in rows:
            (expired if expires_on < today else expiring)[course_name] += 1
        return [(name, expiring[name], expired[name]) for name in sorted(set(expiring) | set(expired))]

    def is_obsolete(self, notice: Notice) -> str:
        if not notice.recipient.is_coordinator:
            return "The recipient is no longer a coordinator."
        if not self.subject(notice):
            return "Nothing expiring or expired any more."
        return ""

    def render(self, notice: Notice) -> Message:
        member = notice.recipient
        link = site_url(reverse("trainings:matrix", kwargs={"organisation": member.organisation.slug}))
        return render_template_message(
            self.template_name, {"member": member, "lines": self.subject(notice), "link": link}
        )
