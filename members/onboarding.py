"""Onboarding state of members (interview, confidentiality pledge, police record extract seen).

Each helper is ONE query regardless of how many members it is asked about, so lists and
eligibility checks stay fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.models import Organisation
from notices.outbox import DropNotice, Message, notice_kind, render_template_message, site_url

from .models import Interview, MemberStatus, PledgeSignature, PledgeText, RecordCheck


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


# --- Asking members to sign a new pledge version --------------------------------------------------

PLEDGE_NOTICE_KIND = "pledge_new_version"


def plan_pledge_sign_again(pledge_text: PledgeText) -> int:
    """Plan a notice to every current member with a login who signed an older version of the pledge."""
    from notices.outbox import notice_plan_many

    from .models import Member

    signed_before = PledgeSignature.objects.filter(
        pledge_text__organisation=pledge_text.organisation, pledge_text__version__lt=pledge_text.version
    ).values("member_id")
    recipients = (
        Member.objects.for_organisation(pledge_text.organisation).current().with_login().filter(pk__in=signed_before)
    )
    return notice_plan_many(
        {"recipient": member, "kind": PLEDGE_NOTICE_KIND, "subject": pledge_text} for member in recipients
    )


@notice_kind(PLEDGE_NOTICE_KIND, label=gettext_lazy("New confidentiality pledge"))
def render_pledge_new_version(notice) -> Message:
    """Dropped when she has signed it meanwhile, a newer version replaced it, or she has left."""
    member = notice.recipient
    pledge = PledgeText.objects.filter(pk=notice.subject_id).first()
    if pledge is None or current_pledge(member.organisation) != pledge:
        raise DropNotice("Not the current pledge any more.")
    if member.status == MemberStatus.LEFT or member.erased_at:
        raise DropNotice("The member has left.")
    if PledgeSignature.objects.filter(member=member, pledge_text=pledge).exists():
        raise DropNotice("Already signed.")
    link = site_url(reverse("members:pledge", kwargs={"shelter": member.organisation.slug}))
    return render_template_message(PLEDGE_NOTICE_KIND, {"member": member, "link": link, "version": pledge.version})
