"""Onboarding state of members (interview, confidentiality pledge, police record extract seen).

Each helper is ONE query regardless of how many members it is asked about, so lists and
eligibility checks stay fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Max

from core.models import Organisation

from .models import Interview, PledgeSignature, PledgeText, RecordCheck


def current_pledge(organisation: Organisation) -> PledgeText | None:
    """The latest published pledge version of the shelter, or None when none is published."""
    return PledgeText.objects.filter(organisation=organisation, published_at__isnull=False).order_by("-version").first()


def _current_pledge_version_subquery(organisation: Organisation):
    return (
        PledgeText.objects.filter(organisation=organisation, published_at__isnull=False)
        .order_by("-version")
        .values("pk")[:1]
    )


def members_with_current_pledge(organisation: Organisation, member_ids: Iterable[int]) -> set[int]:
    """Ids (among member_ids) of members who signed the shelter's current pledge version."""
    ids = list(member_ids)
    if not ids:
        return set()
    return set(
        PledgeSignature.objects.filter(
            member__organisation=organisation,
            member_id__in=ids,
            pledge_text_id=_current_pledge_version_subquery(organisation),
        ).values_list("member_id", flat=True)
    )


def members_with_valid_record_check(organisation: Organisation, member_ids: Iterable[int], on: date) -> dict[int, date]:
    """Member id → latest valid_until, for those whose record extract (seen on or before `on`) is valid on `on`."""
    ids = list(member_ids)
    if not ids:
        return {}
    rows = (
        RecordCheck.objects.filter(
            member__organisation=organisation, member_id__in=ids, seen_on__lte=on, valid_until__gte=on
        )
        .values("member_id")
        .annotate(until=Max("valid_until"))
        .values_list("member_id", "until")
    )
    return dict(rows)


def members_with_interview(organisation: Organisation, member_ids: Iterable[int]) -> set[int]:
    """Ids (among member_ids) of members with an interview recorded."""
    ids = list(member_ids)
    if not ids:
        return set()
    return set(
        Interview.objects.filter(member__organisation=organisation, member_id__in=ids)
        .values_list("member_id", flat=True)
        .distinct()
    )
