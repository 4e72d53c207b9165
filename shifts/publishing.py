"""Publishing the rota: a coordinator's edits accumulate as unpublished changes per volunteer; publishing plans
ONE notice per affected volunteer listing her changes. Publishing again sends nothing new."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.models import Organisation
from members.models import Member
from notices.outbox import notice_plan

from .models import RotaChange, RotaChangeKind, Shift


def change_record(*, shift: Shift, member: Member, kind: str, now: datetime | None = None) -> RotaChange:
    """Note a coordinator's edit of her rota. Adding and then removing the same shift cancels out. Called inside
    the service that makes the edit (coordinator_assign, coordinator_remove), in its transaction."""
    now = now or timezone.now()
    opposite = RotaChangeKind.REMOVED if kind == RotaChangeKind.ADDED else RotaChangeKind.ADDED
    pending = RotaChange.objects.unpublished().filter(shift=shift, member=member, kind=opposite).first()
    if pending is not None:
        pending.delete()
        return pending
    return RotaChange.objects.create(shift=shift, member=member, kind=kind, created_at=now)


@transaction.atomic
def rota_publish(*, organisation: Organisation, now: datetime | None = None) -> int:
    """Plan one `assignments_published` notice per volunteer with unpublished changes; returns how many."""
    now = now or timezone.now()
    changes = list(
        RotaChange.objects.for_organisation(organisation)
        .unpublished()
        .select_for_update()
        .select_related("member")
        .order_by("member", "shift__starts_at", "pk")
    )
    per_member: dict[int, list[RotaChange]] = defaultdict(list)
    for change in changes:
        per_member[change.member_id].append(change)
    planned = 0
    for rows in per_member.values():
        payload = {"changes": [{"shift": c.shift_id, "kind": c.kind} for c in rows]}
        notice = notice_plan(
            recipient=rows[0].member,
            kind="assignments_published",
            subject=rows[0].member,
            variant=f"published-{now.isoformat()}",
            due_at=now,
            payload=payload,
        )
        if notice is not None:
            planned += 1
    RotaChange.objects.filter(pk__in=[c.pk for c in changes]).update(published_at=now)
    return planned
