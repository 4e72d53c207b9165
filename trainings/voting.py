"""Who may vote at an annual meeting (röstlängd, issue 19), by the shelter's rule on its annual-meeting kind.

The rule lives on the annual-meeting `Course` (`voting_requires_fee_paid`, `voting_member_months`): it is the
shelter's rule for that meeting, edited on the same page as the meeting kind, and read with the session it applies
to. Two conditions, each optional:
- the fee for the meeting's year is paid, decided exactly as the fee reminders decide it
  (`members.fees.members_owing_fee`: a membership type whose fee that year is 0 kr owes nothing);
- she has been a member at least N months on the meeting's day: `member_since` on or before the day N months
  before it (members.models' calendar months; the 31st becomes the month's last day). An unknown `member_since`
  cannot show that, so she does not vote until the register has it.

The list holds the shelter's full members this year (active or paused, as the fees count them; supporting
members do not vote), in a fixed number of queries whatever their number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.fees import FEE_PAYING_STATUSES, members_owing_fee
from members.models import Member, MembershipType

from .models import TrainingSession, add_months


@dataclass(frozen=True)
class Voter:
    """A full member on the annual meeting's list, and why she may not vote (empty: she may)."""

    member: Member
    reasons: tuple[str, ...]

    @property
    def may_vote(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class VotingList:
    session: TrainingSession
    day: date  # the meeting's local date
    member_since_by: date | None  # members since this day or earlier pass the member-since rule
    voters: list[Voter]

    @property
    def voting_count(self) -> int:
        return sum(1 for voter in self.voters if voter.may_vote)


def voting_list(session: TrainingSession) -> VotingList:
    """The annual meeting's members with voting rights yes/no and why not: two queries (the members, and the
    fee check when the rule asks for it), whatever the number of members."""
    course = session.course
    organisation = course.organisation
    day = timezone.localtime(session.starts_at, organisation.zone).date()
    members = list(
        Member.objects.for_organisation(organisation)
        .filter(status__in=FEE_PAYING_STATUSES, erased_at=None, membership_type=MembershipType.FULL)
        .order_by("last_name", "first_name", "pk")
        .only("pk", "first_name", "last_name", "organisation_id", "status", "member_since", "membership_type")
    )
    owing: set[int] = set()
    if course.voting_requires_fee_paid and members:
        owing = set(members_owing_fee([organisation], day.year).values_list("pk", flat=True))
    months = course.voting_member_months
    since_by = add_months(day, -months) if months else None
    voters = []
    for member in members:
        reasons = []
        if member.pk in owing:
            reasons.append(_("Fee for %(year)s not paid") % {"year": day.year})
        if months and since_by is not None:
            if member.member_since is None:
                reasons.append(_("Member since unknown"))
            elif member.member_since > since_by:
                reasons.append(
                    ngettext(
                        "Member for less than %(months)d month",
                        "Member for less than %(months)d months",
                        months,
                    )
                    % {"months": months}
                )
        voters.append(Voter(member, tuple(reasons)))
    return VotingList(session=session, day=day, member_since_by=since_by, voters=voters)
